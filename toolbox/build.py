"""The pipeline, top to bottom: load → validate → plan → translate → render → write."""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from markupsafe import Markup

from . import __version__
from .errors import Collector, Problem, ToolboxError, display_path
from .i18n.catalog import TEMPLATE_DOMAIN, catalog_tag, po_path
from .i18n.checks import check_po
from .i18n.coverage import coverage
from .i18n.pseudo import TAG as PSEUDO
from .load import find_campaigns, load_campaign
from .localize import Localizer
from .model import Campaign
from .plan import Unit, plan_campaign
from .project import Project
from .render.fonts import load_fonts
from .render.preview import previews as make_previews
from .render.print import PrintOptions, render_print
from .render.site import SiteRenderer, locale_fonts, sitemap, visible_text
from .render.weight import DEFAULT_BUDGET, PageWeight, compressed, kb, over_budget
from .render.templates import environment
from .validate import validate_campaign
from .write import MANIFEST, Entry, OutputWriter, output_lock

log = logging.getLogger("toolbox")


@dataclass
class BuildReport:
    out: Path
    outputs: int = 0
    pdfs: int = 0
    pages: int = 0
    seconds: float = 0.0
    warnings: list[Problem] = field(default_factory=list)
    weights: list[PageWeight] = field(default_factory=list)  # microsite pages, compressed, fonts aside
    budget: int | None = DEFAULT_BUDGET  # bytes per page; None: no budget

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
            validate_campaign(campaign, project, problems)
            campaigns.append(campaign)
    if not problems.errors:
        check_catalogs(project, campaigns, problems)
    return campaigns, problems


def check_catalogs(project: Project, campaigns: list[Campaign], problems: Collector) -> None:
    """Check every .po file the build would read (translations are untrusted input)."""
    paths = set()
    for campaign in campaigns:
        for tag in {t for g in campaign.groups for t in g.locales}:
            source = catalog_tag(tag, campaign.locales)
            for domain in (TEMPLATE_DOMAIN, campaign.id):
                path = po_path(project.locales, source, domain)
                if path.is_file():
                    paths.add(path)
    for path in sorted(paths):
        check_po(path, problems)


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

    A locale below the campaign's ``min_translated`` is not published; a
    published one warns once with counts (``--strict``: an error per message);
    an untranslated message in a part the campaign forbids fallback for is an
    error.
    """
    skipped: dict[str, set[str]] = {}
    problems = Collector()
    for campaign in campaigns:
        source = campaign.campaign.source_locale
        for tag in sorted({t for g in campaign.groups for t in g.locales} - {source, PSEUDO}):
            cov = coverage(project, campaign, tag)
            where = display_path(po_path(project.locales, catalog_tag(tag, campaign.locales), campaign.id))
            if cov.share < campaign.campaign.min_translated:
                skipped.setdefault(campaign.id, set()).add(tag)
                problems.warn(where, None, f"{tag} is not published: {cov.share:.0%} translated, below min_translated "
                              f"{campaign.campaign.min_translated:.0%} ({campaign.id}); see 'toolbox i18n status --missing {tag}'")
                continue
            problems.problems.extend(cov.critical)
            if strict:
                problems.problems.extend(cov.missing)
            elif cov.missing:
                problems.warn(where, None, f"{tag}: {len(cov.missing)} of {cov.needed} messages untranslated or fuzzy fall "
                              f"back to another language; see 'toolbox i18n status --missing {tag}'")
    return skipped, problems.problems


def build(project: Project, out: Path, only: list[str] | None = None, strict: bool = False,
          options: PrintOptions = PrintOptions(), previews: str = "none",
          page_budget: int | None = DEFAULT_BUDGET, pseudo: bool = False, reuse_print: bool = False) -> BuildReport:
    """Build everything; the report carries page weights (check them with ``raise_if_over_budget``)."""
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
        previous = _previous_outputs(out) if reuse_print else {}
        _build_into(project, out, campaigns, report, strict, options, previews, previous)
    report.seconds = time.perf_counter() - started
    return report


def _build_into(project: Project, out: Path, campaigns: list[Campaign], report: BuildReport, strict: bool,
                options: PrintOptions = PrintOptions(), previews: str = "none", previous: dict | None = None) -> None:
    env = environment(project.templates)
    fonts = load_fonts(project.templates)
    writer = OutputWriter(out)
    failures: list[Problem] = []  # print checks that always fail the build (missing glyphs, stray fonts)

    for campaign in campaigns:
        units = plan_campaign(campaign)
        downloads: dict[str, list[dict]] = {}
        for unit in (u for u in units if u.is_print):
            if previous and _keep_previous(writer, previous, unit, downloads, report):
                continue
            log.info("render %s", unit.path)
            localizer = Localizer(project, campaign, unit.locale)
            result, checks = render_print(project, env, fonts, campaign, unit, localizer, options)
            report.warnings.extend(p for p in checks if p.severity == "warning")
            failures.extend(p for p in checks if p.severity == "error")
            entry = writer.write(unit.path, result.data, campaign=campaign.id, group=unit.group, locale=unit.locale,
                                 country=unit.country, format=unit.format, pages=result.pages,
                                 translated=localizer.tr.usage.translated, paper=unit.paper)
            for rel, png in make_previews(result.data, unit.path, previews).items():
                writer.write(rel, png, campaign=campaign.id, group=unit.group, locale=unit.locale,
                             country=unit.country, format="preview", paper=unit.paper)
            report.pdfs += 1
            report.pages += result.pages
            downloads.setdefault(unit.locale, []).append(
                {"group": unit.group, "country": unit.country, "format": unit.format,
                 "path": unit.path, "bytes": entry.bytes, "pages": result.pages}
            )
        _attach_previews(campaign, downloads, writer)
        report.weights += _build_site(project, env, fonts, campaign, [u for u in units if not u.is_print], downloads, writer)

    _write_assets(project, writer, campaigns)
    if failures or (strict and report.warnings):
        raise ToolboxError(failures + [Problem(w.path, w.line, w.message, "error" if strict else "warning")
                                       for w in report.warnings])
    writer.write_manifest({"toolbox": __version__, "campaigns": [c.id for c in campaigns]})
    report.outputs = len(writer.entries)


def _previous_outputs(out: Path) -> dict[str, dict]:
    """The previous build's manifest entries by path ({} when there is none or it is unreadable)."""
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        return {o["path"]: o for o in data["outputs"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _keep_previous(writer: OutputWriter, previous: dict[str, dict], unit: Unit, downloads: dict[str, list[dict]],
                   report: BuildReport) -> bool:
    """Keep a print file (and its previews) from the previous build, as ``toolbox serve`` does
    when only microsite templates changed. False when there is nothing to keep."""
    old = previous.get(unit.path)
    if old is None or not (writer.out / unit.path).is_file():
        return False
    stem = unit.path.rsplit(".", 1)[0]
    names = Entry.__dataclass_fields__
    for o in [old] + [o for o in previous.values() if o.get("format") == "preview" and o["path"].startswith(stem)]:
        writer.entries.append(Entry(**{k: o.get(k) for k in names}))
    report.pdfs += 1
    report.pages += old.get("pages") or 0
    downloads.setdefault(unit.locale, []).append(
        {"group": unit.group, "country": unit.country, "format": unit.format,
         "path": unit.path, "bytes": old["bytes"], "pages": old.get("pages") or 0})
    return True


def _attach_previews(campaign: Campaign, downloads: dict[str, list[dict]], writer: OutputWriter) -> None:
    """Link each printable material to its preview image (manifest format "preview"), when one was made."""
    previews = [e for e in writer.entries if e.format == "preview" and e.campaign == campaign.id]
    for tag, items in downloads.items():
        for item in items:
            stem = item["path"].rsplit(".", 1)[0]
            same = [e for e in previews if (e.group, e.locale, e.country) == (item["group"], tag, item["country"])]
            best = [e for e in same if e.path.startswith(stem)] or same
            item["preview"] = min(best, key=lambda e: e.path).path if best else None


def _build_site(project: Project, env, fonts, campaign: Campaign, units: list[Unit],
                downloads: dict[str, list[dict]], writer: OutputWriter) -> list[PageWeight]:
    if not units:
        return []
    site = SiteRenderer(project, env, fonts, campaign, downloads, units)
    css = (project.templates / "site" / "site.css").read_bytes()
    css_weight = compressed(css)
    weights = []
    text_by_locale: dict[str | None, list[str]] = {}
    for unit in units:
        log.info("render %s", unit.path)
        page = site.page(unit)
        data = page.html.encode("utf-8")
        text_by_locale.setdefault(unit.locale, []).append(visible_text(page.html))
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
    for tag, texts in text_by_locale.items():
        if tag is None:
            continue
        localizer = Localizer(project, campaign, tag)
        files = locale_fonts(fonts, localizer.info.script, "".join(texts), f"{campaign.id}/assets/fonts/{tag}")
        for rel, data in files.items():
            writer.write(rel, data, campaign=campaign.id, locale=tag, format="asset")
    return weights


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
