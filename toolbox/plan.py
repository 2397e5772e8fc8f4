"""The unit of output: one target group × locale × country × format.

Planning turns validated campaigns into the list of files a build produces,
each with a stable path under the output folder. Print formats are made once
per country (contacts differ); the microsite has one page per group × locale
and a help page per country × locale.
"""

from __future__ import annotations

from dataclasses import dataclass

from .campaign.model import Campaign
from .campaign.validate import SITE_FORMAT


@dataclass(frozen=True)
class Unit:
    campaign: str
    group: str | None
    locale: str | None
    country: str | None
    format: str
    path: str  # relative to the output folder, POSIX
    paper: str | None = None  # poster only: "a3" or "a4" (one file each)

    @property
    def is_print(self) -> bool:
        return self.format != SITE_FORMAT


def site_locales(campaign: Campaign) -> list[str]:
    """Locales of the microsite: every locale a site-building group reads, source first."""
    seen: list[str] = []
    source = campaign.campaign.source_locale
    for group in campaign.groups:
        if SITE_FORMAT in group.formats:
            for tag in group.locales:
                if tag not in seen:
                    seen.append(tag)
    if seen and source not in seen:
        seen.insert(0, source)
    return sorted(seen, key=lambda t: (t != source, t))


#: Formats made in several paper sizes, one file each (…-poster-a3.pdf, …-poster-a4.pdf).
PAPERS = {"poster": ("a3", "a4")}

#: Share images for messaging apps (docs/outreach.md): format id → (template, width, height in px).
#: Made for every group × locale × country that has print materials; rendered like print, then rasterised.
SHARE_FORMATS = {
    "share-square": ("share/square.html", 1080, 1080),
    "share-portrait": ("share/portrait.html", 1080, 1350),
}


#: The one-page print guide per locale × country (which file, paper, sides, folding), for outreach bundles.
GUIDE_FORMAT = "guide"


def template_name(fmt: str) -> str:
    """The template a print, share or guide format is drawn from."""
    if fmt == GUIDE_FORMAT:
        return "outreach/guide.html"
    return SHARE_FORMATS[fmt][0] if fmt in SHARE_FORMATS else f"print/{fmt}.html"


def printed(unit: Unit) -> bool:
    """A print material proper (leaflet, poster, card, factsheet…): not a share image, guide or site page."""
    return unit.is_print and unit.format not in SHARE_FORMATS and unit.format != GUIDE_FORMAT


def print_path(cid: str, group: str, locale: str, country: str, fmt: str, paper: str | None = None) -> str:
    suffix = f"-{paper}" if paper else ""
    return f"{cid}/{locale}/{group}/{cid}-{group}-{locale}-{country.lower()}-{fmt}{suffix}.pdf"


def plan_campaign(campaign: Campaign) -> list[Unit]:
    cid = campaign.id
    units: list[Unit] = []
    for group in campaign.groups:
        for tag in group.locales:
            for fmt in group.formats:
                if fmt == SITE_FORMAT:
                    continue
                for cc in group.countries:
                    for paper in PAPERS.get(fmt, (None,)):
                        units.append(Unit(cid, group.id, tag, cc, fmt, print_path(cid, group.id, tag, cc, fmt, paper), paper))
            if any(f != SITE_FORMAT for f in group.formats):
                for fmt in SHARE_FORMATS:
                    for cc in group.countries:
                        path = print_path(cid, group.id, tag, cc, fmt)[: -len(".pdf")] + ".png"
                        units.append(Unit(cid, group.id, tag, cc, fmt, path))
    pairs = sorted({(u.locale, u.country) for u in units if printed(u)})
    for tag, cc in pairs:
        units.append(Unit(cid, None, tag, cc, GUIDE_FORMAT, f"{cid}/{tag}/{cid}-{tag}-{cc.lower()}-guide.pdf"))
    locales = site_locales(campaign)
    if locales:
        units.append(Unit(cid, None, None, None, SITE_FORMAT, f"{cid}/index.html"))
        units.append(Unit(cid, None, None, None, SITE_FORMAT, f"{cid}/404.html"))
        site_groups = [g for g in campaign.groups if SITE_FORMAT in g.formats]
        for tag in locales:
            units.append(Unit(cid, None, tag, None, SITE_FORMAT, f"{cid}/{tag}/index.html"))
            units.append(Unit(cid, None, tag, None, SITE_FORMAT, f"{cid}/{tag}/downloads.html"))
            units.append(Unit(cid, None, tag, None, SITE_FORMAT, f"{cid}/{tag}/safety.html"))
            countries = sorted({cc for g in site_groups if tag in g.locales for cc in g.countries}) or sorted(campaign.countries)
            for cc in countries:
                units.append(Unit(cid, None, tag, cc, SITE_FORMAT, f"{cid}/{tag}/help/{cc.lower()}.html"))
            for group in site_groups:
                if tag in group.locales:
                    units.append(Unit(cid, group.id, tag, None, SITE_FORMAT, f"{cid}/{tag}/{group.id}/index.html"))
    return units
