"""The page at the top of the output folder (``index.html``): every campaign's microsite, by language.

Drawn from ``templates/root/index.html`` with the safety of every microsite page
(the campaigns' quick exit, the CSP, no referrer). It borrows the first
campaign's stylesheet and the fonts of its language picker, which are subset to
the same language names and titles this page shows.
"""

from __future__ import annotations

import jinja2
from markupsafe import Markup

from ..campaign.model import Campaign
from ..i18n.locales import resolve
from ..i18n.localize import Localizer
from ..plan import site_locales
from ..project import Project
from .site import script_hash
from .templates import render
from .webfonts import PICKER_FOLDER

TEMPLATE = "root/index.html"


def root_page(project: Project, env: jinja2.Environment, campaigns: list[Campaign]) -> str:
    """The root index; only campaigns with a microsite are listed (the others have no page to open)."""
    sited = [c for c in campaigns if site_locales(c)]
    first = sited[0] if sited else (campaigns[0] if campaigns else None)
    if first is None:  # validation refuses a build without campaigns; this is only a guard
        raise ValueError("a root page needs a campaign")
    localizer = Localizer(project, first, first.campaign.source_locale)
    exit_js = project.theme.file("site/exit.js").read_text(encoding="utf-8")
    listed = []
    for campaign in sited:
        source = Localizer(project, campaign, campaign.campaign.source_locale)
        languages = []
        for tag in site_locales(campaign):
            info = resolve(tag, campaign.locales)
            assert info is not None  # validation lets only known locales through
            languages.append({"tag": tag, "name": info.name, "dir": info.direction,
                              "href": f"{campaign.id}/{tag}/index.html",
                              "title": Localizer(project, campaign, tag).campaign_data()["title"]})
        listed.append({"id": campaign.id, "href": f"{campaign.id}/index.html", "locale": source.locale_data(),
                       "title": source.campaign_data()["title"], "languages": languages})
    ctx = {
        "locale": localizer.locale_data(),
        "campaigns": listed,
        "exit_url": first.campaign.exit_url,
        "exit_script": Markup(exit_js),
        "script_hash": Markup(script_hash(exit_js)),
        "site_css": f"{sited[0].id}/assets/site.css" if sited else "",
        "fonts_css": f"{sited[0].id}/assets/fonts/{PICKER_FOLDER}/fonts.css" if sited else "",
    }
    return render(env, TEMPLATE, ctx, localizer.tr)
