"""The pipeline, one method per stage, read top to bottom in :meth:`Build.run`:

load → validate → plan → audio → render → site → write

Nothing is written before validation has passed; then the output folder is
locked until the manifest is written. Every problem a stage finds goes into
one :class:`~toolbox.report.BuildReport`; the build fails, in the library and
not in its caller, when the report holds an error (or, ``strict``, a warning;
a microsite page over its budget is an error).
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from . import __version__
from .audio import build_audio
from .brand import load_brand, logo_asset
from .campaign.model import Campaign
from .errors import Collector, Problem, ToolboxError
from .formats import PREVIEW_FORMAT, SHARE
from .inputs import check_campaigns, load_campaigns, translation_gate, with_pseudo_locale, without_locales
from .keys import KeyMaker
from .manifest import Entry, previews_of
from .options import BuildOptions
from .plan import Unit, plan_campaign, project_formats
from .previous import TIMES, journaled, ours, previous_outputs, previous_state
from .project import Project
from .render.fonts import load_fonts
from .render.root import root_page
from .render.site import SiteRenderer, sitemap
from .render.templates import environment
from .render.timelimit import RenderTimeout, time_limit
from .render.webfonts import PICKER_FOLDER, check_pages, font_files, page_text, plan_fonts
from .render.weight import PageWeight, compressed
from .report import BuildReport
from .schedule import PrintJob, Workers, connect, peak_memory
from .shards import read_times, selected, times_for_shards, write_times
from .write import OutputWriter, gather_shards, output_lock, write_state

log = logging.getLogger("toolbox")

_ITALIC = re.compile(r"<(em|i|cite|dfn|var)[\s>]")

ProgressFn = Callable[[int, int, str, bool], None]  # (done, total, path, reused)


def build(project: Project, out: Path, options: BuildOptions = BuildOptions(),
          progress: ProgressFn | None = None) -> BuildReport:
    """Build every campaign (or ``options.campaigns``) into ``out``; raises :class:`BuildFailed` on errors.

    Incremental: a print output whose inputs (``keys.py``) did not change since
    the last build into ``out`` is kept as it is; ``options.force`` renders
    everything. ``progress(done, total, path, reused)`` is called per print file.
    """
    return Build(project, out, options, progress).run()


def merge(project: Project, shards: Sequence[Path], out: Path, options: BuildOptions = BuildOptions(),
          progress: ProgressFn | None = None) -> BuildReport:
    """Join the output folders of ``--shard K/N`` builds into ``out``, then build the microsite and manifest.

    The output folder stays locked from the first file copied to the manifest:
    no other build can write between the two. Print files are reused, not
    rendered again, when ``options`` are those the shards were built with.
    """
    if options.shard is not None:
        raise ToolboxError(f"merge joins shards into one build: give it no shard (got "
                           f"{options.shard.index}/{options.shard.count})")
    return Build(project, out, options, progress, shards=tuple(shards)).run()


def validate(project: Project, campaigns: Sequence[str] = (), strict: bool = False) -> BuildReport:
    """Load and check campaign definitions, the theme and the catalogs; nothing is written.

    Raises :class:`BuildFailed` on an error (``strict``: on a warning too); the
    report lists the campaigns found valid and the warnings.
    """
    report = BuildReport(None, strict=strict)
    problems = _collecting(report)
    loaded = load_campaigns(project, list(campaigns) or None, problems)
    check_campaigns(project, loaded, problems)
    report.campaigns = [c.id for c in loaded]
    report.enforce()
    return report


def _collecting(report: BuildReport) -> Collector:
    """A collector whose problems are the report's: what a stage finds is reported as it is found."""
    problems = Collector()
    problems.problems = report.problems
    return problems


class Build:
    """One build into one output folder. Each stage leaves what the next one reads on ``self``."""

    def __init__(self, project: Project, out: Path, options: BuildOptions = BuildOptions(),
                 progress: ProgressFn | None = None, shards: tuple[Path, ...] = ()) -> None:
        self.project = project
        self.out = out
        self.options = options
        self.progress = progress
        self.shards = shards
        self.report = BuildReport(out, budget=options.page_budget, strict=options.strict)
        self.problems = _collecting(self.report)
        self.campaigns: list[Campaign] = []
        self.times: dict[str, float] = {}  # seconds each print output took to render, when it last was (shards.py)

    def run(self) -> BuildReport:
        started = time.perf_counter()
        stage = self._stage
        with stage("load"):
            self.load()
        with stage("validate"):
            self.validate()
        # A cluster is reached, and its workers checked, before the output folder is touched.
        with connect(self.options.executor, self.project) as cluster, output_lock(self.out, on_wait=lambda: log.warning(
                "another build is writing to %s; waiting for it to finish", self.out)):
            with stage("plan"):
                self.gather()
                self.plan()
            with Workers(self.project, self.campaigns, self.options.jobs, self.options.print_options,
                         self.options.previews, self.options.time_limit, cluster) as workers:
                with stage("audio"):
                    self.audio(workers)
                with stage("render"):
                    self.render(workers)
                with stage("site"):
                    self.site(workers)
            with stage("write"):
                self.write()
        self.report.seconds = time.perf_counter() - started
        self.report.memory = peak_memory()
        return self.report

    @contextmanager
    def _stage(self, name: str) -> Iterator[None]:
        """Time a stage: its wall time, and the CPU this process spent in it (the rest of the machine's is the workers')."""
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.report.stages[name] = (time.perf_counter() - wall, time.process_time() - cpu)

    # --- load, validate: nothing is written yet ---------------------------------------------

    def load(self) -> None:
        """Read the campaign definitions named (every one by default) into typed models."""
        self.campaigns = load_campaigns(self.project, list(self.options.campaigns) or None, self.problems)

    def validate(self) -> None:
        """Check definitions, theme and catalogs; decide which locales are translated enough to publish."""
        check_campaigns(self.project, self.campaigns, self.problems)
        self.report.stop_if_errors()
        if self.options.locales:
            # Only after validation, which needs every group's locales. One translator's locale
            # (serve --locale): the microsite keeps its source-language pages, which the picker links to.
            wanted = set(self.options.locales)
            self.campaigns = [without_locales(c, {t for g in c.groups for t in g.locales} - wanted)
                              for c in self.campaigns]
            self.campaigns = [c for c in self.campaigns if any(g.locales for g in c.groups)]
            if not self.campaigns:
                raise ToolboxError(f"no campaign is read in {', '.join(self.options.locales)}")
        if self.options.pseudo:
            self.campaigns = [with_pseudo_locale(c) for c in self.campaigns]
        skipped, gate = translation_gate(self.project, self.campaigns, self.options.strict)
        self.report.problems.extend(gate)
        self.report.stop_if_errors()
        self.campaigns = [without_locales(c, skipped.get(c.id, set())) for c in self.campaigns]
        self.report.campaigns = [c.id for c in self.campaigns]

    # --- under the output folder's lock -----------------------------------------------------

    def gather(self) -> None:
        """Merge only: copy the shard builds' files and input keys in, to be reused by the stages after."""
        if self.shards:
            self.report.copied = gather_shards([s.resolve() for s in self.shards], self.out)
            for shard in self.shards:
                self.times.update(read_times(shard / TIMES))

    def plan(self) -> None:
        """The outputs to make, and which print outputs the last build into this folder already made."""
        out, options = self.out, self.options
        self.env = environment(self.project.theme)
        self.fonts = load_fonts(self.project.theme).preferring(load_brand(self.project).fonts)
        self.writer = OutputWriter(out)
        state = previous_state(out)
        # Files of earlier builds: what the last manifest lists, and what toolbox can prove it wrote
        # (on disk with a digest it recorded) although no manifest lists it, e.g. a failed build's.
        written = journaled(out)
        for record in state.values():
            for e in record["entries"]:
                written.setdefault(e["path"], set()).add(e["sha256"])
        listed = previous_outputs(out)
        self.previous_paths = listed + ours(out, {rel: d for rel, d in written.items() if rel not in set(listed)})
        self.state = {} if options.force else state
        self.new_state: dict[str, dict] = {}
        self.keys = KeyMaker(self.project, self.env, (options.print_options, options.previews))
        self.formats = project_formats(self.project)
        self.plans = {c.id: plan_campaign(c, self.formats) for c in self.campaigns}
        print_units = [(c, u) for c in self.campaigns for u in self.plans[c.id] if u.is_print]
        self.times = {**read_times(out / TIMES), **self.times}  # the shards' (merge) over this folder's
        if options.shard is not None:
            wanted = selected([u.path for _, u in print_units], options.shard,
                              times_for_shards(self.project.root, options.shard_times))
            print_units = [(c, u) for c, u in print_units if u.path in wanted]
        self.made: dict[str, Entry] = {}
        self.pending: list[tuple[PrintJob, str]] = []
        self.total = len(print_units)
        for campaign, unit in print_units:
            key = self.keys.print_key(campaign, unit)
            old = self.state.get(unit.path)
            kept = self.writer.reuse(old["entries"]) if old and old.get("key") == key else None
            if kept and old is not None:
                self.made[unit.path] = kept[0]
                self.new_state[unit.path] = old
                self._replay(old.get("problems", []))
                if old.get("preflight"):
                    self.report.preflight.append(old["preflight"])
                self.report.reused += 1
                if self.progress:
                    self.progress(self.report.reused, self.total, unit.path, True)
            else:
                self.pending.append((PrintJob(campaign.id, unit), key))

    def audio(self, workers: Workers) -> None:
        """Voice messages per group × locale × country (recordings first, else synthetic drafts); not in shards."""
        self.listen: dict[str, list[dict]] = {} if self.options.shard is not None else build_audio(
            self.project, self.env, self.campaigns, workers, self.writer, self.state, self.new_state, self.report)

    def render(self, workers: Workers) -> None:
        """The print outputs whose inputs changed, in the workers; then the text messages."""
        writer, report = self.writer, self.report
        for done, (job, key) in zip(workers.print([j for j, _ in self.pending]), self.pending, strict=True):
            unit = done.unit
            log.info("render %s (%d layout%s)", unit.path, done.layouts, "" if done.layouts == 1 else "s")
            self._replay([_as_list(p) for p in done.problems])
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
            self.made[unit.path] = entry
            self.times[unit.path] = done.seconds
            report.render_seconds += done.seconds
            if done.worker:
                report.worker_memory[done.worker] = max(done.memory, report.worker_memory.get(done.worker, 0))
            self.new_state[unit.path] = {"key": key, "entries": writer.recorded(entries),
                                         "problems": [_as_list(p) for p in done.problems]}
            if done.preflight:
                self.new_state[unit.path]["preflight"] = done.preflight
                report.preflight.append(done.preflight)
            report.rendered += 1
            if self.progress:
                self.progress(report.reused + report.rendered, self.total, unit.path, False)
        if self.options.shard is None:
            self._texts()

    def site(self, workers: Workers) -> None:
        """Each campaign's microsite (kept as it is when nothing it shows changed), then the root page."""
        for campaign in self.campaigns:
            downloads = self._downloads(campaign)
            if self.options.shard is None:
                self._campaign_site(campaign, downloads, workers)
        if self.options.shard is None:
            html = root_page(self.project, self.env, self.campaigns)
            self.writer.write("index.html", html.encode("utf-8"), format="site")

    def write(self) -> None:
        """Fail on any problem found (budget and ``strict`` included); else remove what is no longer made
        and write the manifest, last."""
        report, writer = self.report, self.writer
        report.problems.extend(report.budget_problems())
        report.enforce()
        report.removed = writer.remove_stale(self.previous_paths)
        meta: dict[str, object] = {"toolbox": __version__, "campaigns": [c.id for c in self.campaigns]}
        if self.options.shard is not None:
            meta["shard"] = f"{self.options.shard.index}/{self.options.shard.count}"
        writer.write_manifest(meta)
        write_state(self.out, self.new_state)
        write_times(self.out, {p: t for p, t in self.times.items() if p in self.made})
        writer.journal.clear()
        report.outputs = len(writer.entries)

    # --- the parts of the stages ------------------------------------------------------------

    def _replay(self, problems: list[list]) -> None:
        """Report a print output's problems, whether it was rendered now or kept from before."""
        for path, line, message, severity in problems:
            self.report.problems.append(Problem(path, line, message, severity))

    def _texts(self) -> None:
        """Text messages (format "sms"): a group's SMS text and hotline per locale × country, segments counted."""
        from .outreach.sms import texts

        for campaign in self.campaigns:
            for message in texts(self.project, campaign):
                self.writer.write(message.path, message.text.encode("utf-8"), campaign=campaign.id, group=message.group,
                                  locale=message.locale, country=message.country, format=message.format,
                                  translated=message.translated)
                self.report.problems.extend(message.problems)

    def _downloads(self, campaign: Campaign) -> dict[str, list[dict]]:
        """The campaign's printable materials per locale, for its downloads pages; counts them in the report."""
        report = self.report
        downloads: dict[str, list[dict]] = {}
        for unit in self.plans[campaign.id]:
            entry = self.made.get(unit.path)
            if entry is None:
                continue
            kind = self.formats[unit.format]
            if kind.family == SHARE:  # images for messaging apps: in bundles (toolbox pack), not on downloads pages
                report.images += 1
                continue
            report.pdfs += 1
            report.pages += entry.pages or 0
            if not kind.downloads:  # e.g. the print guide: in outreach bundles only
                continue
            downloads.setdefault(unit.locale or "", []).append(  # print units have a locale
                {"group": unit.group, "country": unit.country, "format": unit.format, "paper": unit.paper,
                 "path": unit.path, "bytes": entry.bytes, "pages": entry.pages or 0})
        _attach_previews(campaign, downloads, self.writer)
        return downloads

    def _campaign_site(self, campaign: Campaign, downloads: dict[str, list[dict]], workers: Workers) -> None:
        writer, state, new_state = self.writer, self.state, self.new_state
        site_units = [u for u in self.plans[campaign.id] if not u.is_print]
        listen = self.listen.get(campaign.id, [])
        name, key = f"site:{campaign.id}", self.keys.site_key(campaign, downloads, listen)
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
            self.report.weights += [PageWeight(*w) for w in old.get("weights", [])]
            return
        before = len(writer.entries)
        weights = self._site_pages(campaign, site_units, downloads, workers, listen)
        self.report.weights += weights
        font_paths = {e["path"] for n, v in new_state.items() if n.startswith(f"fonts:{campaign.id}/") for e in v["entries"]}
        pages = writer.recorded([e for e in writer.entries[before:] if e.path not in font_paths])
        new_state[name] = {"key": key, "entries": pages, "weights": [[w.path, w.html, w.assets] for w in weights]}

    def _site_pages(self, campaign: Campaign, units: list[Unit], downloads: dict[str, list[dict]],
                    workers: Workers, listen: list[dict]) -> list[PageWeight]:
        if not units:
            return []
        project, writer = self.project, self.writer
        site = SiteRenderer(project, self.env, self.fonts, campaign, downloads, units, audio=list(listen))
        kit = load_brand(project)
        # The brand kit's tokens after the theme's own: a colour change needs no CSS edit (and no inline
        # style, which the pages' Content-Security-Policy refuses).
        css = project.theme.file("site/site.css").read_bytes() + (f"\n{kit.css()}\n".encode() if kit.css() else b"")
        if kit.logo is not None:
            writer.write(f"{campaign.id}/{logo_asset(kit)}", kit.logo.read_bytes(), campaign=campaign.id, format="asset")
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
        self._site_fonts(campaign, text_by_locale, italic, workers)
        return weights

    def _site_fonts(self, campaign: Campaign, text_by_locale: dict[str | None, list[tuple[str, dict[str, str]]]],
                    italic: set[str | None], workers: Workers) -> None:
        """Each locale's fonts, subset to the characters its pages draw; every character checked to have a glyph."""
        writer, state, new_state = self.writer, self.state, self.new_state
        todo = []  # (state name, key, font plan, pages, locale) of the font folders that must be subset again
        for tag, pages in text_by_locale.items():
            folder = tag or PICKER_FOLDER  # the language picker and 404 page have fonts of their own
            plan = plan_fonts(self.fonts, campaign, f"{campaign.id}/assets/fonts/{folder}",
                              tag or campaign.campaign.source_locale, [text for _, text in pages], tag in italic)
            # Subsetting fonts is the slow part of the microsite: redo it only when the characters
            # each face draws, the stacks or the font files change.
            key = hashlib.sha256(repr((sorted(plan.chars.items()), plan.stacks, plan.heights,
                                       [f"{f.path.name}:{self.keys.file(f.path)}" for f in plan.faces])).encode()).hexdigest()
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
            self.report.problems.extend(check_pages(plan, pages, files))
            entries = [writer.write(rel, data, campaign=campaign.id, locale=tag, format="asset")
                       for rel, data in font_files(plan, files).items()]
            new_state[name] = {"key": key, "entries": writer.recorded(entries)}


def _as_list(problem: Problem) -> list:
    return [problem.path, problem.line, problem.message, problem.severity]


def _attach_previews(campaign: Campaign, downloads: dict[str, list[dict]], writer: OutputWriter) -> None:
    """Link each printable material to its preview image (manifest format "preview"), when one was made."""
    previews = [e for e in writer.entries if e.format == PREVIEW_FORMAT and e.campaign == campaign.id]
    for tag, items in downloads.items():
        for item in items:
            same = [e for e in previews if (e.group, e.locale, e.country) == (item["group"], tag, item["country"])]
            best = previews_of(item, same) or same
            item["preview"] = min(best, key=lambda e: e.path).path if best else None
