"""Print outputs: a print template, localized, rendered to PDF and checked."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..brand import load_brand
from ..campaign.contacts import shown_country
from ..campaign.model import Campaign
from ..campaign.pictograms import tinted
from ..errors import Problem
from ..formats import SHARE, Formats, Paper
from ..i18n.catalog import REVIEW_FLAG, TEMPLATE_DOMAIN, po_path, read_catalog
from ..i18n.locales import chain, resolve
from ..i18n.localize import Localizer
from ..plan import Unit, plan_campaign, printed, project_formats, template_name
from ..project import Project
from .checks import check_print
from .context import created_date, page_url, qr_svg
from .easyread import FORMAT as EASY_READ
from .easyread import check_easy_read
from .fonts import FontSet, letters, print_css
from .pdf import VARIANTS, PdfResult, render_pdf
from .pressdata import PDF_X, PressSetup, press_setup
from .templates import render


@dataclass(frozen=True)
class PrintOptions:
    """How print outputs are made for one build."""

    press: bool = False  # for the print shop: PDF/X in CMYK, 3 mm bleed and crop marks
    variant: str = ""  # "pdf/a-3b" for archiving; "": the campaign's pdf_variant, else PDF/UA-1
    pdf_x: str = ""  # press builds: "x-4" or "x-1a"; "": the campaign's pdf_x, else X-4

    def __post_init__(self) -> None:
        if self.variant and self.variant not in VARIANTS:
            raise ValueError(f"unknown PDF variant {self.variant!r}; use one of {', '.join(VARIANTS)}")
        if self.pdf_x and self.pdf_x not in PDF_X:
            raise ValueError(f"unknown PDF/X version {self.pdf_x!r}; use one of {', '.join(PDF_X)}")


def is_press(project: Project, campaign: Campaign, unit: Unit, options: PrintOptions) -> bool:
    """A PDF for the print shop: asked for (--print, print_marks), and not a share image (those stay RGB PNGs)."""
    if not (options.press or getattr(campaign.campaign, "print_marks", False)):
        return False
    kind = project_formats(project).get(unit.format)
    return kind is not None and kind.family != SHARE


def press_for(project: Project, campaign: Campaign, options: PrintOptions) -> PressSetup:
    info = campaign.campaign
    return press_setup(project.theme, campaign.folder, info.print_profile, info.print_paper,
                       options.pdf_x or info.pdf_x)


def _flagged(path: Path) -> bool:
    return any(REVIEW_FLAG in m.flags and m.id and m.string for m in read_catalog(path) or ())


def needs_review(project: Project, campaign: Campaign, tag: str) -> bool:
    """True when a catalog this locale reads has translations flagged needs-review."""
    tags = chain(tag, campaign.campaign.source_locale, campaign.locales)
    info = resolve(tag, campaign.locales)
    if info is not None and info.transliterate:  # built in for sr-Cyrl, or declared
        tags.append(info.transliterate)
    for t in tags:
        if t == campaign.campaign.source_locale:
            continue
        paths = [*project.theme.catalog(t, TEMPLATE_DOMAIN), po_path(project.locales, t, campaign.id)]
        if any(path.is_file() and _flagged(path) for path in paths):
            return True
    return False


def render_print(project: Project, env: jinja2.Environment, fonts: FontSet, campaign: Campaign,
                 unit: Unit, localizer: Localizer,
                 options: PrintOptions = PrintOptions()) -> tuple[PdfResult, list[Problem]]:
    html, variant = print_html(project, env, fonts, campaign, unit, localizer, options)
    press = press_for(project, campaign, options) if is_press(project, campaign, unit, options) else None
    result = render_pdf(html, project.templates / "print", [project.root, campaign.folder], variant,
                        press=press, fit=project_formats(project)[unit.format].fit, lines=unit.format == EASY_READ,
                        theme=project.theme, ink=fonts.ink)
    script, tag = localizer.info.script, localizer.info.tag
    problems = check_print(result, html, unit.path, unit.locale or "", unit.format, fonts.full_stack(script, tag),
                           _shown(localizer) if result.overflows else None,
                           expected=(fonts.script_face(script, tag), letters(script, tag)))
    if press is not None:
        from .prepress import layout_problems

        problems += layout_problems(result, unit.path, f"{unit.locale} {unit.format}", press.safe_zone)
    if unit.format == EASY_READ:
        problems += check_easy_read(result.lines, unit.path, unit.locale or "")
    return result, problems


def print_html(project: Project, env: jinja2.Environment, fonts: FontSet, campaign: Campaign,
               unit: Unit, localizer: Localizer, options: PrintOptions = PrintOptions()) -> tuple[str, str]:
    """The HTML of a print output and the PDF variant to write it as."""
    assert unit.locale is not None and unit.country is not None  # print units have both (plan.py)
    group = campaign.group(unit.group) if unit.group else None
    url = page_url(campaign, unit.locale, unit.group) if unit.group else ""
    info = campaign.campaign
    draft = info.status != "approved" or needs_review(project, campaign, unit.locale)
    script = localizer.info.script
    formats = project_formats(project)
    kind = formats[unit.format]
    brand = load_brand(project)
    context = {
        "campaign": localizer.campaign_data(),
        "locale": localizer.locale_data(),
        "group": localizer.group(group, unit.country) if group else None,
        "materials": guide_materials(campaign, unit, localizer, formats) if group is None else [],
        "voice_messages": _voice_messages(project, campaign, unit) if group is None else [],
        "formats": {f.id: f for f in formats},
        "country": localizer.country(shown_country(campaign, unit.country)),
        "format": unit.format,
        "paper": (unit.paper or "").upper(),
        "zoom": kind.zoom(unit.paper),
        # The paper the template draws its page to (page.width, page.height in mm, portrait): the unit's, else the
        # project's default paper (the brand kit's A4 or Letter) for a kind formats.toml gives no paper.
        "page": kind.paper(unit.paper) or Paper(brand.paper.lower()),
        "site_url": url,
        "qr": qr_svg(url),
        # Generated by us from templates/fonts/fonts.toml, not user text: safe in <style>.
        "font_faces": Markup(print_css(fonts, script, unit.locale)),
        "font_stack": Markup(fonts.stack(script, unit.locale)),
        "created": created_date(campaign),
        "draft": draft,
        "press": is_press(project, campaign, unit, options),
        # Roll-fold leaflet panels (fold = {...} in formats.toml), in every build: the same sheet folds the
        # same way from an office printer; the print guide tells where the folds are.
        "fold": kind.fold or formats.fold,
        "eu_funded": getattr(info, "eu_funded", False),
        # Kosovo is named when the output's contacts are Kosovo's (or the group is reached there).
        "names_kosovo": unit.country == "XK",
        # The project's brand kit (toolbox.toml): templates read brand.*, and its tokens follow print.css.
        "brand": brand.data(brand.logo.resolve().as_uri() if brand.logo else ""),
        "brand_css": Markup(brand.css()),
    }
    html = render(env, template_name(unit.format, formats), context, localizer.tr)
    html = tinted(html, project.theme.file("print/print.css").read_text(encoding="utf-8"))
    return html, options.variant or getattr(info, "pdf_variant", "") or VARIANTS[0]


def _voice_messages(project: Project, campaign: Campaign, unit: Unit) -> list[str]:
    from .audio import voice_messages

    return voice_messages(project, campaign, unit.locale, unit.country) if unit.locale and unit.country else []


def guide_materials(campaign: Campaign, unit: Unit, localizer: Localizer, formats: Formats) -> list[dict]:
    """The print materials of the guide's locale and country.

    Each: file name, format id, ``kind`` (its :class:`~toolbox.formats.Format`: name, sides, folding), paper
    ("A3" for a format made in several papers, else ""), ``label`` (the paper's msgid for the guide), group name.
    """
    items = []
    for u in plan_campaign(campaign, formats):
        if printed(u, formats) and u.group and u.locale == unit.locale and u.country == unit.country:
            kind = formats[u.format]
            paper = kind.paper(u.paper)
            items.append({"file": u.path.rsplit("/", 1)[-1], "format": u.format, "kind": kind,
                          "paper": (u.paper or "").upper(), "label": paper.label if paper else "",
                          "group": localizer.text(campaign.group(u.group).name)})
    return items


def _shown(localizer: Localizer) -> dict[str, str]:
    """Every message id the output used, with the text it printed (to name an overflowing message)."""
    usage = localizer.tr.usage
    before = (set(usage.own), set(usage.fallback), set(usage.missing))
    shown = {}
    try:
        for msgid in before[0] | before[1] | before[2]:
            if isinstance(msgid, str):
                shown[msgid] = localizer.tr.content.lookup(msgid)[0]
    finally:  # looking up records use: keep the output's translated share as it was
        usage.own, usage.fallback, usage.missing = before
    return shown



