"""A traced render of a campaign's source-locale outputs: where each message goes, and its room.

Used by ``toolbox i18n extract`` (extracted comments and Weblate's size flags)
and ``toolbox i18n screenshots``. It renders one country per group and format
(the slots are the same in every country's file), the print guide, every
microsite page and the text messages, with every message marked
(``i18n/places.py``), and reads the marks back from the HTML and, for print
and share images, from WeasyPrint's layout (``render/pdf.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .campaign.model import Campaign
from .formats import SITE_FORMAT, Formats
from .i18n.localize import Localizer
from .i18n.places import Place, Survey, Tracer, annotate, room_of, tracing, unmarked
from .plan import Unit, plan_campaign, printed, project_formats
from .project import Project
from .render.fonts import FontSet, load_fonts
from .render.templates import environment

_SITE_PAGES = {"index.html": "microsite home page", "downloads.html": "microsite downloads page",
               "safety.html": "microsite safety page", "404.html": "microsite 'page not found'"}


#: The screen microsite pages are drawn on for screenshots: a small phone's, in CSS px.
PHONE = (390.0, 844.0)


def phone_page(project: Project, fonts: FontSet, html: str, tag: str, campaign: Campaign) -> str:
    """A microsite page as WeasyPrint can lay it out, for screenshots: its stylesheet and the locale's fonts
    inline (the built site links files that exist only in dist/), on phone-sized pages.

    WeasyPrint is not a browser (no scripts; some CSS of the site is ignored), but it puts the text
    where the layout tells, which is what a translator needs to see; the build needs no browser."""
    from .i18n.locales import resolve
    from .render.fonts import print_css

    info = resolve(tag, campaign.locales)
    script = info.script if info is not None else "Latn"
    css = project.theme.file("site/site.css").read_text(encoding="utf-8")
    style = (f"<style>{css}\n{print_css(fonts, script, tag)}\nhtml {{ font-family: {fonts.stack(script, tag)}; }}\n"
             f"@page {{ size: {PHONE[0]:g}px {PHONE[1]:g}px; margin: 0 }}</style>")
    html = re.sub(r'<link rel="stylesheet"[^>]*>', "", html)
    return html.replace("</head>", style + "</head>", 1)


@dataclass
class Shot:
    """One rendered page of a traced output, for ``toolbox i18n screenshots``."""

    name: str  # file name of the PNG
    pdf: bytes
    page: int
    size: tuple[float, float]  # px


@dataclass
class Traced:
    survey: Survey
    shots: list[Shot] = field(default_factory=list)


def _output_name(unit: Unit, formats: Formats) -> str:
    if unit.format == SITE_FORMAT:
        tail = unit.path.rsplit("/", 1)[-1]
        if unit.group:
            return "microsite group page"
        if unit.country:
            return "microsite help page"
        if unit.locale is None and tail == "index.html":
            return "microsite language picker"
        return _SITE_PAGES.get(tail, "microsite page")
    guide = formats.guide
    if guide is not None and unit.format == guide.id:
        return "print guide"
    return unit.format + (f" {unit.paper.upper()}" if unit.paper else "")


def _sample_units(campaign: Campaign, locale: str, formats: Formats) -> list[Unit]:
    """One unit per group × format (the first country; XK's when a group reaches Kosovo, for its footnote)."""
    chosen: dict[tuple, Unit] = {}
    for unit in plan_campaign(campaign, formats):
        if unit.format == SITE_FORMAT:
            if unit.locale in (None, locale) and (unit.country is None or unit.country == _country(campaign, unit)):
                chosen.setdefault((unit.path,), unit)
            continue
        if unit.locale != locale:
            continue
        key = (unit.group, unit.format, unit.paper)
        if key not in chosen or unit.country == "XK":
            chosen[key] = unit
    return list(chosen.values())


def _country(campaign: Campaign, unit: Unit) -> str | None:
    """The one help page traced: Kosovo's when there is one (it carries the footnote)."""
    codes = sorted({cc for g in campaign.groups if SITE_FORMAT in g.formats for cc in g.countries}) or sorted(campaign.countries)
    return "XK" if "XK" in codes else (codes[0] if codes else None)


def trace_campaign(project: Project, campaign: Campaign, locale: str | None = None, shots: bool = False,
                   plurals: dict[str, str] | None = None) -> Traced:
    """Render ``campaign`` in ``locale`` (its source language by default) with every message traced."""
    from .render.pdf import layout
    from .render.print import print_html
    from .render.site import SiteRenderer

    locale = locale or campaign.campaign.source_locale
    env = environment(project.theme)
    fonts = load_fonts(project.theme)
    tracer = Tracer(plurals, translated=locale != campaign.campaign.source_locale)
    traced = Traced(Survey())
    formats = project_formats(project)
    units = _sample_units(campaign, locale, formats)
    roots = [project.root, campaign.folder]
    with tracing(tracer):
        for unit in units:
            if unit.format == SITE_FORMAT:
                continue
            localizer = Localizer(project, campaign, locale)
            page, _ = print_html(project, env, fonts, campaign, unit, localizer)
            clean, uses = annotate(page)
            name = _output_name(unit, formats)
            stem = unit.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
            # The room at the format's smallest type: as long as a translation may grow before it overflows.
            fit = formats[unit.format].fit
            data, placed = layout(clean, project.templates / "print", roots, pdf=shots, scale=fit.low if fit else None,
                                  theme=project.theme)
            # Each box's free height is shared among its messages in proportion to their height.
            heights: dict[tuple, float] = {}
            for p in placed:
                heights[(p.page, p.fit)] = heights.get((p.page, p.fit), 0.0) + p.rect[3]
            for p in placed:
                share = p.rect[3] / heights[(p.page, p.fit)] if heights[(p.page, p.fit)] else 1.0
                traced.survey.add(tracer.ids[p.msg], Place(name, p.fit, uses[p.use].slot, room_of(p, share),
                                                           f"{stem}-{p.page}.png", p.page, p.rect, p.fit_rect))
            for use in uses:  # what the layout places in no line: attributes, the document's title
                if not use.laid_out:
                    traced.survey.add(tracer.ids[use.msg], Place(name, "", use.slot))
            if shots:
                pages = max([p.page for p in placed] + [1])
                size = placed[0].page_size if placed else (0.0, 0.0)
                traced.shots += [Shot(f"{stem}-{n}.png", data, n, size) for n in range(1, pages + 1)]
        site_units = [u for u in units if u.format == SITE_FORMAT]
        if site_units:
            downloads = _downloads(campaign, units, formats)
            site_pages = [u for u in plan_campaign(campaign, formats) if not u.is_print]
            site = SiteRenderer(project, env, fonts, campaign, downloads, site_pages)
            for unit in site_units:
                page = site.page(unit)
                clean, uses = annotate(page.html)
                name = _output_name(unit, formats)
                shown: set[int] = set()  # uses laid out on a screenshot
                if shots:
                    stem = "site-" + unit.path.split("/", 1)[-1].removesuffix(".html").replace("/", "-")
                    data, placed = layout(phone_page(project, fonts, clean, unit.locale or locale, campaign),
                                          project.templates / "site", roots, pdf=True, theme=project.theme)
                    for p in placed:
                        shown.add(p.use)
                        traced.survey.add(tracer.ids[p.msg], Place(name, "", uses[p.use].slot, None,
                                                                   f"{stem}-{p.page}.png", p.page, p.rect))
                    pages = max([p.page for p in placed] + [1])
                    size = placed[0].page_size if placed else PHONE
                    traced.shots += [Shot(f"{stem}-{n}.png", data, n, size) for n in range(1, pages + 1)]
                for number, use in enumerate(uses):
                    if number not in shown:
                        traced.survey.add(tracer.ids[use.msg], Place(name, "", use.slot))
        _trace_texts(project, campaign, locale, tracer, traced.survey)
    return traced


def _downloads(campaign: Campaign, units: list[Unit], formats: Formats) -> dict[str, list[dict]]:
    """What the downloads pages list, as a build would pass it (so their strings are traced too)."""
    out: dict[str, list[dict]] = {}
    for u in units:
        if u.is_print and printed(u, formats):
            out.setdefault(u.locale, []).append({"group": u.group, "country": u.country, "format": u.format,
                                                 "path": u.path, "bytes": 1, "pages": 2, "preview": None,
                                                 "paper": u.paper})
    return out


def _trace_texts(project: Project, campaign: Campaign, locale: str, tracer: Tracer, survey: Survey) -> None:
    from .i18n.places import _START
    from .outreach.sms import texts

    for message in texts(project, campaign):
        text = message.text
        if _START not in text:
            continue
        _, uses = annotate(text)
        for use in uses:
            survey.add(tracer.ids[use.msg], Place("text message (SMS)"))


def survey_all(project: Project, campaigns: list[Campaign], plurals: dict[str, str] | None = None) -> Survey:
    survey = Survey()
    for campaign in campaigns:
        survey.merge(trace_campaign(project, campaign, plurals=plurals).survey)
    return survey


__all__ = ["survey_all", "trace_campaign", "unmarked"]


def source_families(project: Project, campaigns: list[Campaign]) -> dict[str, str]:
    """Domain → the font family its source language is set in (the ``.pot``'s ``font-family`` flag)."""
    from .i18n.catalog import TEMPLATE_DOMAIN, TEMPLATE_SOURCE

    fonts = load_fonts(project.theme)
    out = {TEMPLATE_DOMAIN: _family(fonts, TEMPLATE_SOURCE, {})}
    for campaign in campaigns:
        out[campaign.id] = _family(fonts, campaign.campaign.source_locale, campaign.locales)
    return out


def _family(fonts, tag: str, declared: dict) -> str:
    from .i18n.locales import resolve

    info = resolve(tag, declared)
    script = info.script if info else "Latn"
    return fonts.script_face(script, tag) or (fonts.families(script, tag) or [""])[0]


def locale_sizes(project: Project, campaigns: list[Campaign], declared: dict):
    """``sizes(domain, tag, msgid, template flags)`` for ``workflow.update``: each locale's length flags."""
    from .i18n.catalog import TEMPLATE_SOURCE
    from .i18n.flags import for_locale
    from .i18n.locales import resolve
    from .i18n.workflow import sms_limit
    from .outreach.sms import encoding as sms_encoding
    from .render.fonts import letters

    fonts = load_fonts(project.theme)
    by_id = {c.id: c for c in campaigns}

    def height(tag: str, known: dict) -> float:
        info = resolve(tag, known)
        return fonts.line_height(info.script if info else "Latn", tag)

    def sizes(domain: str, tag: str, msgid: str, flags) -> list[str]:
        campaign = by_id.get(domain)
        known = campaign.locales if campaign else declared
        source = campaign.campaign.source_locale if campaign else TEMPLATE_SOURCE
        out = for_locale(flags, _family(fonts, tag, known), height(tag, known) / height(source, known))
        if campaign is not None and any(f.startswith("max-length:") for f in flags):
            info = resolve(tag, known)
            # GSM-7 when every letter the locale writes is in the GSM alphabet, else UCS-2 (Arabic, Cyrillic, ë, č).
            alphabet = letters(info.script, tag) if info else ""
            encoding = sms_encoding(alphabet) if alphabet else "GSM-7"
            group = next((g for g in campaign.groups if g.sms == msgid), None)
            if group is not None:
                out.append(f"max-length:{sms_limit(campaign, group, encoding)}")
        elif any(f.startswith("max-length:") for f in flags):
            out += [f for f in flags if f.startswith("max-length:")]
        return out

    return sizes


def room_checker(project: Project, tag: str, declared: dict):
    """``check(po path) -> [(msgid, context, message)]``: translations longer than their ``max-size`` flag.

    Each is laid out as Weblate does it: in a column of the flag's width, in the
    locale's font at the flag's size, and its lines counted (one WeasyPrint
    document for the whole catalog).
    """
    import html as htmllib
    import re

    from .i18n.catalog import read_catalog
    from .i18n.checks import reader_view
    from .i18n.locales import resolve
    from .render.fonts import print_css
    from .render.pdf import line_counts

    fonts = load_fonts(project.theme)
    info = resolve(tag, declared)
    script, direction = (info.script, info.direction) if info else ("Latn", "ltr")

    def check(path) -> list[tuple[str, str, str]]:
        boxes, wanted = [], {}
        for n, message in enumerate(read_catalog(path, None, fresh=True) or ()):
            size = next((re.match(r"max-size:(\d+):(\d+)$", f) for f in message.flags if f.startswith("max-size:")), None)
            px = next((f.split(":", 1)[1] for f in message.flags if f.startswith("font-size:")), "")
            if not size or not message.string or isinstance(message.id, tuple) or message.fuzzy:
                continue
            text, _ = reader_view(message.string)
            boxes.append(f'<div data-check="{n}" style="width:{size.group(1)}px; font-size:{px or 16}px">'
                         f'{htmllib.escape(text)}</div>')
            wanted[str(n)] = (message, int(size.group(1)), int(size.group(2)), px)
        if not boxes:
            return []
        page = (f'<!doctype html><html lang="{tag}" dir="{direction}"><head><style>{print_css(fonts, script, tag)}\n'
                f'@page {{ size: 4000px 20000px; margin: 0 }} body {{ margin: 0; font-family: {fonts.stack(script, tag)}; '
                f'line-height: var(--line-height) }} div {{ margin: 0 0 8px }}</style></head><body>'
                + "".join(boxes) + "</body></html>")
        counts = line_counts(page, project.templates, [project.root], theme=project.theme)
        out = []
        for key, (message, width, lines, px) in wanted.items():
            used = counts.get(key, 0)
            if used > lines:
                out.append((message.id, message.context or "", f"the translation takes {used} lines of {width} px at "
                            f"{px} px, the box has room for {lines} (max-size:{width}:{lines}); shorten it, or it "
                            "overflows its box in print"))
        return out

    return check
