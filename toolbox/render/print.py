"""Print outputs: a print template, localized, rendered to PDF."""

from __future__ import annotations

import re

import jinja2

from ..errors import Problem
from ..localize import Localizer
from ..model import Campaign
from ..plan import Unit
from ..project import Project
from .context import created_date, page_url, qr_svg
from .fonts import FontSet, print_css
from .pdf import PdfResult, render_pdf
from .templates import render

_NOTDEF = re.compile(r"\.notdef|no glyph|missing glyph", re.I)


def render_print(project: Project, env: jinja2.Environment, fonts: FontSet, campaign: Campaign,
                 unit: Unit, localizer: Localizer) -> tuple[PdfResult, list[Problem]]:
    group = campaign.group(unit.group)
    url = page_url(campaign, unit.locale, unit.group)
    context = {
        "campaign": localizer.campaign_data(),
        "locale": localizer.locale_data(),
        "group": localizer.group(group),
        "country": localizer.country(campaign.countries[unit.country]),
        "format": unit.format,
        "site_url": url,
        "qr": qr_svg(url),
        "font_faces": print_css(fonts, localizer.info.script),
        "font_stack": fonts.stack(localizer.info.script),
        "created": created_date(campaign),
    }
    html = render(env, f"print/{unit.format}.html", context, localizer.tr)
    result = render_pdf(html, project.templates / "print", [project.root, campaign.folder])
    problems = [
        Problem(unit.path, None, f"{unit.locale} {unit.format}: WeasyPrint: {message}", "warning")
        for message in result.warnings
    ]
    return result, problems
