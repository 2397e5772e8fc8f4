"""The pipeline, top to bottom: load → validate → plan → translate → render → write."""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import jinja2
from markupsafe import Markup

from . import __version__
from .audio import build_audio
from .campaign.load import find_campaigns, load_campaign
from .campaign.model import Campaign
from .campaign.validate import validate_campaign
from .errors import Collector, Problem, ToolboxError, display_path
from .formats import PREVIEW_FORMAT, SHARE
from .formats import chosen as chosen_formats
from .formats import load as load_formats
from .i18n.catalog import TEMPLATE_DOMAIN, catalog_tag, po_path
from .i18n.checks import check_po
from .i18n.coverage import coverage
from .i18n.hotlines import literal_number_problems, placeholder_problems
from .i18n.locales import chain, resolve
from .i18n.pseudo import TAG as PSEUDO
from .i18n.validate import validate_languages
from .keys import KeyMaker
from .manifest import Entry, previews_of
from .plan import Unit, plan_campaign
from .previous import journaled, ours, previous_outputs, previous_state
from .project import Project
from .render.fonts import FontSet, load_fonts
from .render.print import PrintOptions
from .render.site import SiteRenderer, sitemap
from .render.templates import environment
from .render.themecheck import check_designs, check_locale_fonts, check_print_profile
from .render.timelimit import DEFAULT_TIME_LIMIT, RenderTimeout, time_limit
from .render.webfonts import PICKER_FOLDER, check_pages, font_files, page_text, plan_fonts
from .render.weight import DEFAULT_BUDGET, PageWeight, compressed, kb, over_budget
from .schedule import PrintJob, Workers
from .write import OutputWriter, output_lock, write_state

log = logging.getLogger("toolbox")

_ITALIC = re.compile(r"<(em|i|cite|dfn|var)[\s>]")


@dataclass
class BuildReport:
    out: Path
    outputs: int = 0
    pdfs: int = 0
    pages: int = 0
    images: int = 0  # share images (share-square, share-portrait)
    rendered: int = 0  # print outputs rendered by this build
    reused: int = 0  # print outputs kept from the previous build (their inputs did not change)
    removed: list[str] = field(default_factory=list)  # files of the previous build no longer made
    seconds: float = 0.0
    warnings: list[Problem] = field(default_factory=list)
    audio: int = 0  # audio versions (each an .ogg and an .mp3)
    audio_rendered: int = 0  # audio versions synthesised or encoded by this build
    notices: list[str] = field(default_factory=list)  # not problems: group × locale × country without audio (-v)
    weights: list[PageWeight] = field(default_factory=list)  # microsite pages, compressed, fonts aside
    budget: int | None = DEFAULT_BUDGET  # bytes per page; None: no budget
    preflight: list[str] = field(default_factory=list)  # press builds: one summary line per print file

    def raise_if_over_budget(self) -> None:
        """Fail the build when a microsite page is heavier than the budget."""
        if self.budget is None:
            return
        heavy = over_budget(self.weights, self.budget)
        if heavy:
            raise ToolboxError([
                Problem(str(self.out / w.path), None,
                        f"page weighs {kb(w.total)} compressed (HTML {kb(w.html)} + CSS/JS {kb(w.assets)}, fonts aside), "
                        f"over the budget of {kb(self.budget)}; shorten it or raise --page-budget")
                for w in heavy
            ])


def load_all(project: Project, only: list[str] | None = None) -> tuple[list[Campaign], Collector]:
    """Load and validate every campaign (or the ones named); all problems at once."""
    problems = Collector()
    folders = find_campaigns(project.campaigns)
    if only:
        known = {f.name for f in folders}
        for cid in only:
            if cid not in known:
                problems.error("campaigns", None, f"no campaign '{cid}' (known: {', '.join(sorted(known)) or 'none'})")
        folders = [f for f in folders if f.name in only]
    if not folders and not problems.errors:
        problems.error(str(project.campaigns), None, "no campaigns found; create one with 'toolbox new CAMPAIGN-ID'")
    campaigns = []
    for folder in folders:
        campaign = load_campaign(folder, problems)
        if campaign is not None:
            check_campaign(campaign, project, problems)
            campaigns.append(campaign)
    check_designs(project.templates, problems)
    if not problems.errors:
        check_catalogs(project, campaigns, problems)
    if not problems.errors:  # the content files are known to be safe to read only now
        for campaign in campaigns:
            placeholder_problems(campaign, problems)
            literal_number_problems(project, campaign, problems)
    return campaigns, problems


def check_campaign(campaign: Campaign, project: Project, problems: Collector) -> None:
    """The validate stage for one loaded campaign: the definition, its languages, and fonts that draw them."""
    validate_campaign(campaign, project, problems, chosen_formats(project.templates))
    validate_languages(campaign, project, problems)
    check_locale_fonts(campaign, project, problems)
    check_print_profile(campaign, project, problems)


def check_catalogs(project: Project, campaigns: list[Campaign], problems: Collector) -> None:
    """Check every .po file the build would read (translations are untrusted input).

    That is every catalog on the fallback chain of every published locale
    (``sr-Latn`` reads ``bs`` for what it lacks), and, for a locale made by
    transliteration, its source catalog as transliterated.
    """
    derived: dict[Path, set[tuple[str, str, tuple[str, ...]]]] = {}
    for campaign in campaigns:
        source_locale = campaign.campaign.source_locale
        for tag in {t for g in campaign.groups for t in g.locales}:
            for link in chain(tag, source_locale, campaign.locales):
                if link == source_locale:
                    continue
                source = catalog_tag(link, campaign.locales)
                info = resolve(link, campaign.locales)
                for domain in (TEMPLATE_DOMAIN, campaign.id):
                    path = po_path(project.locales, source, domain)
                    if path.is_file():
                        made = derived.setdefault(path, set())
                        if source != link and info is not None:
                            made.add((link, info.script, tuple(campaign.campaign.proper_names)))
    for path in sorted(derived):
        check_po(path, problems, tuple(sorted(derived[path])))


def _without_locales(campaign: Campaign, tags: set[str]) -> Campaign:
    """The campaign as published: groups lose the locales that are not published."""
    if not tags:
        return campaign
    groups = [replace(g, locales=[t for t in g.locales if t not in tags]) for g in campaign.groups]
    return replace(campaign, groups=groups)


def _with_pseudo_locale(campaign: Campaign) -> Campaign:
    """Every group also in the pseudo-locale, for designers (``toolbox build --pseudo``)."""
    groups = [replace(g, locales=[*g.locales, PSEUDO]) if PSEUDO not in g.locales else g for g in campaign.groups]
    return replace(campaign, groups=groups)


def translation_gate(project: Project, campaigns: list[Campaign], strict: bool) -> tuple[dict[str, set[str]], list[Problem]]:
    """Which locales are published per campaign, and what to say about the others.

    A locale whose campaign catalog is below the campaign's ``min_translated``
    is not published; template strings (``toolbox.po``) do not count towards
    it but are reported apart, naming that catalog. A published locale warns
    once per short catalog with counts (``--strict``: an error per message);
    an untranslated message in a part the campaign forbids fallback for is an
    error.
    """
    skipped: dict[str, set[str]] = {}
    problems = Collector()
    for campaign in campaigns:
        source = campaign.campaign.source_locale
        for tag in sorted({t for g in campaign.groups for t in g.locales} - {source, PSEUDO}):
            cov = coverage(project, campaign, tag)
            content, templates = cov.content, cov.templates
            assert content.path is not None and templates.path is not None  # set for every locale but the source
            where = display_path(content.path)
            if cov.share < campaign.campaign.min_translated:
                skipped.setdefault(campaign.id, set()).add(tag)
                problems.warn(where, None, f"{tag} is not published: {content.translated} of {content.needed} campaign texts "
                              f"({cov.share:.0%}) translated, below min_translated {campaign.campaign.min_translated:.0%} "
                              f"({campaign.id}); see 'toolbox i18n status --missing {tag}'")
                continue
            problems.problems.extend(cov.critical)
            if strict:
                problems.problems.extend(cov.missing)
                continue
            if content.missing:
                problems.warn(where, None, f"{tag}: {len(content.missing)} of {content.needed} campaign texts untranslated or "
                              f"fuzzy fall back to another language; see 'toolbox i18n status --missing {tag}'")
            if templates.missing:
                how = (f"see 'toolbox i18n status --missing {tag}'" if templates.path.is_file()
                       else f"start it with 'toolbox i18n init {tag}'")
                problems.warn(display_path(templates.path), None,
                              f"{tag}: {len(templates.missing)} of {templates.needed} template messages (headings, buttons, "
                              f"footers) untranslated or fuzzy fall back to another language; translate them in this "
                              f"catalog (shared by every campaign); {how}")
    return skipped, problems.problems


@dataclass(frozen=True)
class Shard:
    """``--shard K/N``: this build makes the K-th of N deterministic slices of the print outputs."""

    index: int  # 1-based
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        try:
            k, n = (int(x) for x in text.split("/"))
        except ValueError:
            raise ToolboxError(f"--shard {text!r}: write K/N, e.g. 2/4 (the 2nd of 4 slices)") from None
        if not 1 <= k <= n:
            raise ToolboxError(f"--shard {text!r}: K must be between 1 and N")
        return cls(k, n)

    def has(self, path: str) -> bool:
        return int(hashlib.sha256(path.encode("utf-8")).hexdigest()[:8], 16) % self.count == self.index - 1


ProgressFn = Callable[[int, int, str, bool], None]  # (done, total, path, reused)


def build(project: Project, out: Path, only: list[str] | None = None, strict: bool = False,
          options: PrintOptions = PrintOptions(), previews: str = "none",
          page_budget: int | None = DEFAULT_BUDGET, pseudo: bool = False, jobs: int = 1,
          force: bool = False, shard: Shard | None = None, progress: ProgressFn | None = None,
          time_limit: float | None = DEFAULT_TIME_LIMIT) -> BuildReport:
    """Build everything; the report carries page weights (check them with ``raise_if_over_budget``).

    Incremental: a print output whose inputs (``keys.py``) did not change since
    the last build into ``out`` is kept as it is; ``force`` renders everything.
    """
    started = time.perf_counter()
    campaigns, problems = load_all(project, only)
    problems.raise_if_errors()
    if pseudo:
        campaigns = [_with_pseudo_locale(c) for c in campaigns]
    skipped, gate = translation_gate(project, campaigns, strict)
    problems.problems.extend(gate)
    problems.raise_if_errors()
    campaigns = [_without_locales(c, skipped.get(c.id, set())) for c in campaigns]
    report = BuildReport(out, warnings=list(problems.warnings), budget=page_budget)
    with output_lock(out, on_wait=lambda: log.warning("another build is writing to %s; waiting for it to finish", out)):
        _build_into(project, out, campaigns, report, strict, options, previews, jobs, force, shard, progress, time_limit)
    report.seconds = time.perf_counter() - started
    return report


def _build_into(project: Project, out: Path, campaigns: list[Campaign], report: BuildReport, strict: bool,
                options: PrintOptions, previews: str, jobs: int, force: bool, shard: Shard | None,
                progress: ProgressFn | None, time_limit: float | None = DEFAULT_TIME_LIMIT) -> None:
    env = environment(project.templates)
    fonts = load_fonts(project.templates)
    writer = OutputWriter(out)
    state = previous_state(out)
    # Files of earlier builds: what the last manifest lists, and what toolbox can prove it wrote
    # (on disk with a digest it recorded) although no manifest lists it, e.g. a failed build's.
    written = journaled(out)
    for record in state.values():
        for e in record["entries"]:
            written.setdefault(e["path"], set()).add(e["sha256"])
    listed = previous_outputs(out)
    previous_paths = listed + ours(out, {rel: d for rel, d in written.items() if rel not in set(listed)})
    if force:
        state = {}
    keys = KeyMaker(project, env, (options, previews))
    new_state: dict[str, dict] = {}
    failures: list[Problem] = []  # print checks that always fail the build (missing glyphs, stray fonts)

    formats = load_formats(project.templates)
    plans = {c.id: plan_campaign(c, formats) for c in campaigns}
    print_units = [(c, u) for c in campaigns for u in plans[c.id] if u.is_print and (shard is None or shard.has(u.path))]
    made: dict[str, Entry] = {}
    pending: list[tuple[PrintJob, str]] = []
    total = len(print_units)
    for campaign, unit in print_units:
        key = keys.print_key(campaign, unit)
        old = state.get(unit.path)
        kept = writer.reuse(old["entries"]) if old and old.get("key") == key else None
        if kept and old is not None:
            made[unit.path] = kept[0]
            new_state[unit.path] = old
            _replay(old.get("problems", []), report, failures)
            if old.get("preflight"):
                report.preflight.append(old["preflight"])
            report.reused += 1
            if progress:
                progress(report.reused, total, unit.path, True)
        else:
            pending.append((PrintJob(campaign.id, unit), key))

    with Workers(project, campaigns, jobs, options, previews, time_limit) as workers:
        audio = build_audio(project, env, campaigns, workers, writer, state, new_state, report) if shard is None else {}
        _render_and_site(project, env, fonts, campaigns, plans, pending, made, workers, writer, keys, state, new_state,
                         report, failures, shard, progress, total, audio)

    if shard is None:
        _write_assets(project, writer, campaigns)
        _write_texts(project, writer, campaigns, report)
    if failures or (strict and report.warnings):
        raise ToolboxError(failures + [Problem(w.path, w.line, w.message, "error" if strict else "warning")
                                       for w in report.warnings])
    report.removed = writer.remove_stale(previous_paths)
    meta = {"toolbox": __version__, "campaigns": [c.id for c in campaigns]}
    if shard is not None:
        meta["shard"] = f"{shard.index}/{shard.count}"
    writer.write_manifest(meta)
    write_state(out, new_state)
    writer.journal.clear()
    report.outputs = len(writer.entries)


def _render_and_site(project: Project, env: jinja2.Environment, fonts: FontSet, campaigns: list[Campaign], plans: dict,
                     pending: list, made: dict[str, Entry], workers: Workers, writer: OutputWriter, keys: KeyMaker, state: dict,
                     new_state: dict, report: BuildReport, failures: list[Problem], shard: Shard | None,
                     progress: ProgressFn | None, total: int, audio: dict[str, list[dict]]) -> None:
    """Render the print outputs that changed, then each campaign's microsite."""
    formats = load_formats(project.templates)
    for done, (job, key) in zip(workers.print([j for j, _ in pending]), pending, strict=True):
        unit = done.unit
        log.info("render %s", unit.path)
        _replay([_as_list(p) for p in done.problems], report, failures)
        if done.data is None:  # stopped at the time limit: nothing to write, nothing to remember
            continue
        entry = writer.write(unit.path, done.data, campaign=job.campaign, group=unit.group, locale=unit.locale,
                             country=unit.country, format=unit.format, pages=done.pages,
                             translated=done.translated, paper=unit.paper, scale=done.scale)
        entries = [entry] + [
            writer.write(rel, png, campaign=job.campaign, group=unit.group, locale=unit.locale,
                         country=unit.country, format=PREVIEW_FORMAT, paper=unit.paper)
            for rel, png in done.previews.items()
        ]
        made[unit.path] = entry
        new_state[unit.path] = {"key": key, "entries": [asdict(e) for e in entries],
                                "problems": [_as_list(p) for p in done.problems]}
        if done.preflight:
            new_state[unit.path]["preflight"] = done.preflight
            report.preflight.append(done.preflight)
        report.rendered += 1
        if progress:
            progress(report.reused + report.rendered, total, unit.path, False)

    for campaign in campaigns:
        downloads: dict[str, list[dict]] = {}
        for unit in plans[campaign.id]:
            listed = made.get(unit.path)
            if listed is None:
                continue
            entry = listed
            kind = formats[unit.format]
            if kind.family == SHARE:  # images for messaging apps: in bundles (toolbox pack), not on downloads pages
                report.images += 1
                continue
            report.pdfs += 1
            report.pages += entry.pages or 0
            if not kind.downloads:  # e.g. the print guide: in outreach bundles only
                continue
            downloads.setdefault(unit.locale, []).append(
                {"group": unit.group, "country": unit.country, "format": unit.format, "paper": unit.paper,
                 "path": unit.path, "bytes": entry.bytes, "pages": entry.pages or 0})
        _attach_previews(campaign, downloads, writer)
        if shard is None:
            site_units = [u for u in plans[campaign.id] if not u.is_print]
            listen = audio.get(campaign.id, [])
            name, key = f"site:{campaign.id}", keys.site_key(campaign, downloads, listen)
            # Every locale of the site has its fonts' record (one dropped as damaged: make the site again).
            # The language picker and 404 page have a font folder of their own (webfonts.PICKER_FOLDER).
            font_names = [f"fonts:{campaign.id}/{tag}" for tag in sorted({u.locale for u in site_units if u.locale})]
            font_names.append(f"fonts:{campaign.id}/{PICKER_FOLDER}")
            old = state.get(name)
            if old and old.get("key") == key and writer.intact(old["entries"]) \
                    and all(n in state and writer.intact(state[n]["entries"]) for n in font_names):
                # Nothing the microsite shows changed: keep its pages and fonts as they are.
                writer.reuse(old["entries"])
                for n in font_names:
                    writer.reuse(state[n]["entries"])
                new_state[name] = old
                new_state.update({n: state[n] for n in font_names})
                report.weights += [PageWeight(*w) for w in old.get("weights", [])]
                continue
            before = len(writer.entries)
            weights = _build_site(project, env, fonts, campaign, site_units, downloads, writer, keys, state, new_state,
                                  workers, failures, listen)
            report.weights += weights
            font_paths = {e["path"] for n, v in new_state.items() if n.startswith(f"fonts:{campaign.id}/") for e in v["entries"]}
            pages = [asdict(e) for e in writer.entries[before:] if e.path not in font_paths]
            new_state[name] = {"key": key, "entries": pages, "weights": [[w.path, w.html, w.assets] for w in weights]}


def _as_list(problem: Problem) -> list:
    return [problem.path, problem.line, problem.message, problem.severity]


def _replay(problems: list[list], report: BuildReport, failures: list[Problem]) -> None:
    """Report a print output's problems, whether it was rendered now or kept from before."""
    for path, line, message, severity in problems:
        problem = Problem(path, line, message, severity)
        (report.warnings if severity == "warning" else failures).append(problem)


def _attach_previews(campaign: Campaign, downloads: dict[str, list[dict]], writer: OutputWriter) -> None:
    """Link each printable material to its preview image (manifest format "preview"), when one was made."""
    previews = [e for e in writer.entries if e.format == PREVIEW_FORMAT and e.campaign == campaign.id]
    for tag, items in downloads.items():
        for item in items:
            same = [e for e in previews if (e.group, e.locale, e.country) == (item["group"], tag, item["country"])]
            best = previews_of(item, same) or same
            item["preview"] = min(best, key=lambda e: e.path).path if best else None


def _build_site(project: Project, env: jinja2.Environment, fonts: FontSet, campaign: Campaign, units: list[Unit],
                downloads: dict[str, list[dict]], writer: OutputWriter, keys: KeyMaker,
                state: dict, new_state: dict, workers: Workers, failures: list[Problem],
                listen: Sequence[dict] = ()) -> list[PageWeight]:
    if not units:
        return []
    site = SiteRenderer(project, env, fonts, campaign, downloads, units, audio=list(listen))
    css = (project.templates / "site" / "site.css").read_bytes()
    css_weight = compressed(css)
    weights = []
    text_by_locale: dict[str | None, list[tuple[str, dict[str, str]]]] = {}  # locale → [(page, text by language)]
    italic: set[str | None] = set()  # locales whose pages use italics: only they get italic fonts
    for unit in units:
        log.info("render %s", unit.path)
        try:
            with time_limit(workers.limit, unit.path):
                page = site.page(unit)
        except RenderTimeout:
            raise ToolboxError(Problem(unit.path, None, f"{unit.locale} site page: rendering took longer than "
                                                        f"{workers.limit:g} s and was stopped; look at the templates "
                                                        "under templates/site/ (a loop?), or raise the limit with "
                                                        "--time-limit")) from None
        data = page.html.encode("utf-8")
        text_by_locale.setdefault(unit.locale, []).append(
            (unit.path, page_text(page.html, unit.locale or campaign.campaign.source_locale)))
        if _ITALIC.search(page.html):
            italic.add(unit.locale)
        writer.write(unit.path, data, campaign=campaign.id, group=unit.group,
                     locale=unit.locale, country=unit.country, format="site", translated=page.translated)
        weights.append(PageWeight(unit.path, compressed(data), css_weight))
    writer.write(f"{campaign.id}/assets/site.css", css, campaign=campaign.id, format="asset")
    for rel, data in site.service_workers().items():
        writer.write(rel, data, campaign=campaign.id, format="asset")
    xml = sitemap(site)
    if xml is None:
        log.info("%s: no base_url, so no sitemap.xml", campaign.id)
    else:
        writer.write(f"{campaign.id}/sitemap.xml", xml, campaign=campaign.id, format="asset")
    todo = []  # (state name, key, font plan, pages, locale) of the font folders that must be subset again
    for tag, pages in text_by_locale.items():
        folder = tag or PICKER_FOLDER  # the language picker and 404 page have fonts of their own
        plan = plan_fonts(fonts, campaign, f"{campaign.id}/assets/fonts/{folder}",
                          tag or campaign.campaign.source_locale, [text for _, text in pages], tag in italic)
        # Subsetting fonts is the slow part of the microsite: redo it only when the characters
        # each face draws, the stacks or the font files change.
        key = hashlib.sha256(repr((sorted(plan.chars.items()), plan.stacks, plan.heights,
                                   [f"{f.path.name}:{keys.file(f.path)}" for f in plan.faces])).encode()).hexdigest()
        name = f"fonts:{campaign.id}/{folder}"
        old = state.get(name)
        if old and old.get("key") == key and writer.reuse(old["entries"]):
            new_state[name] = old  # a folder with tofu failed its build, so was never kept
        else:
            todo.append((name, key, plan, pages, tag))
    # Every face of every folder at once, spread over the workers; a face drawing the same characters
    # in several folders (a language's name in every language list) is subset once: Nastaliq takes seconds.
    wanted = list(dict.fromkeys((face.path, plan.text_for(face)) for _, _, plan, _, _ in todo for face in plan.faces))
    done = dict(zip(wanted, workers.subsets(wanted), strict=True))
    for name, key, plan, pages, tag in todo:
        files = {face: done[(face.path, plan.text_for(face))] for face in plan.faces}
        failures.extend(check_pages(plan, pages, files))
        entries = [writer.write(rel, data, campaign=campaign.id, locale=tag, format="asset")
                   for rel, data in font_files(plan, files).items()]
        new_state[name] = {"key": key, "entries": [asdict(e) for e in entries]}
    return weights


def _write_texts(project: Project, writer: OutputWriter, campaigns: list[Campaign], report: BuildReport) -> None:
    """Text messages (format "sms"): a group's SMS text and hotline per locale × country, segments counted."""
    from .outreach.sms import texts

    for campaign in campaigns:
        for message in texts(project, campaign):
            writer.write(message.path, message.text.encode("utf-8"), campaign=campaign.id, group=message.group,
                         locale=message.locale, country=message.country, format=message.format,
                         translated=message.translated)
            report.warnings.extend(message.problems)


def _write_assets(project: Project, writer: OutputWriter, campaigns: list[Campaign]) -> None:
    """A plain index at the top of the output folder, linking every campaign's site."""
    links = "\n".join(
        str(Markup('<li><a href="{}/index.html">{}</a></li>').format(c.id, c.campaign.title)) for c in campaigns
    )
    html = (
        '<!DOCTYPE html>\n<html lang="en" dir="ltr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer"><title>Campaigns</title></head>'
        f"<body><main><h1>Campaigns</h1><ul>{links}</ul></main></body></html>\n"
    )
    writer.write("index.html", html.encode("utf-8"), format="site")
