"""The unit of output: one target group × locale × country × format.

Planning turns validated campaigns into the list of files a build produces,
each with a stable path under the output folder. Print formats are made once
per country (contacts differ); the microsite has one page per group × locale
and a help page per country × locale.
"""

from __future__ import annotations

from dataclasses import dataclass

from .brand import load_brand
from .campaign.model import Campaign, TargetGroup
from .formats import SHARE, SITE_FORMAT, Formats
from .formats import load as load_formats
from .project import Project


@dataclass(frozen=True)
class Unit:
    campaign: str
    group: str | None
    locale: str | None
    country: str | None
    format: str
    path: str  # relative to the output folder, POSIX
    paper: str | None = None  # formats in several papers only (a poster's "a3", "a4": one file each)

    @property
    def is_print(self) -> bool:
        return self.format != SITE_FORMAT


def project_formats(project: Project) -> Formats:
    """The project's output kinds on its default paper: formats.toml, each format in its papers for the brand
    kit's ``paper`` (toolbox.toml: A4 as the tables are, or Letter, their ``letter = {...}``)."""
    return load_formats(project.theme).on(load_brand(project).paper)


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


def template_name(fmt: str, formats: Formats) -> str:
    """The template a print, share or guide format is drawn from."""
    found = formats.get(fmt)
    if found is None or found.template is None:
        raise KeyError(f"format {fmt!r} is drawn by no template")
    return found.template


def printed(unit: Unit, formats: Formats) -> bool:
    """A print material proper (leaflet, poster, card, factsheet…): not a share image, guide or site page."""
    found = formats.get(unit.format)
    return found is not None and found.is_material


def output_path(cid: str, group: str, locale: str, country: str, fmt: str, paper: str | None = None,
                suffix: str = ".pdf") -> str:
    """Where a group's output for one locale × country goes (…/<cid>-<group>-<locale>-<cc>-<fmt>[-<paper>]<suffix>)."""
    tail = f"-{paper}" if paper else ""
    return f"{cid}/{locale}/{group}/{cid}-{group}-{locale}-{country.lower()}-{fmt}{tail}{suffix}"


def makes_print(group: TargetGroup) -> bool:
    """A group with print materials also gets share images, text messages and a place in the print guide."""
    return any(f != SITE_FORMAT for f in group.formats)


def plan_campaign(campaign: Campaign, formats: Formats) -> list[Unit]:
    cid = campaign.id
    units: list[Unit] = []
    shares = formats.family(SHARE)
    for group in campaign.groups:
        for tag in group.locales:
            for fid in group.formats:
                fmt = formats.get(fid)
                if fid == SITE_FORMAT or fmt is None:
                    continue
                for cc in group.countries:
                    for paper in [p.size for p in fmt.papers] if fmt.split_papers else [None]:
                        units.append(Unit(cid, group.id, tag, cc, fid,
                                          output_path(cid, group.id, tag, cc, fid, paper, fmt.suffix), paper))
            if makes_print(group):
                for share in shares:
                    for cc in group.countries:
                        units.append(Unit(cid, group.id, tag, cc, share.id,
                                          output_path(cid, group.id, tag, cc, share.id, None, share.suffix)))
    guide = formats.guide
    if guide is not None:
        pairs = sorted({(u.locale or "", u.country or "") for u in units if printed(u, formats)})  # print units have both
        for tag, cc in pairs:
            units.append(Unit(cid, None, tag, cc, guide.id, f"{cid}/{tag}/{cid}-{tag}-{cc.lower()}-{guide.id}{guide.suffix}"))
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
