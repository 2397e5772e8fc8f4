"""Cross-reference checks on a loaded campaign: every problem, each with path:line."""

from __future__ import annotations

import difflib
import re

from babel import Locale as BabelLocale

from .errors import Collector, display_path
from .locales import BUILTIN, resolve
from .model import Campaign
from .project import Project
from .tomlpos import KeyPath, line_of

ID_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
SITE_FORMAT = "site"

# Kosovo's XK is user-assigned in ISO 3166: CLDR knows it, but name it here
# explicitly so nobody "fixes" it away.
EXTRA_COUNTRIES = {"XK"}


def known_countries() -> set[str]:
    return {c for c in BabelLocale.parse("en").territories if len(c) == 2 and c.isalpha()} | EXTRA_COUNTRIES


def print_formats(project: Project) -> list[str]:
    """Print formats are the templates under templates/print/ (leaflet.html → leaflet)."""
    folder = project.templates / "print"
    return sorted(p.stem for p in folder.glob("*.html") if not p.name.startswith("_")) if folder.is_dir() else []


def validate_campaign(campaign: Campaign, project: Project, problems: Collector) -> None:
    shown = display_path(campaign.definition)

    def at(key: KeyPath) -> int | None:
        return line_of(campaign.lines, key)

    def err(key: KeyPath, message: str) -> None:
        problems.error(shown, at(key), message)

    def check_file(key: KeyPath, rel: str, what: str) -> None:
        if not rel:
            return
        target = (campaign.folder / rel)
        if not target.is_file():
            err(key, f"{what} '{rel}' does not exist (looked for {display_path(target)}); check the spelling or add the file")

    def check_locale(key: KeyPath, tag: str) -> None:
        if resolve(tag, campaign.locales) is None:
            close = difflib.get_close_matches(tag, list(BUILTIN) + list(campaign.locales), n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"declare it under [locales.\"{tag}\"] with its name, script and direction"
            err(key, f"unknown locale '{tag}'; {hint}")

    info = campaign.campaign
    if info.id != campaign.folder.name:
        err(("campaign", "id"), f"campaign id '{info.id}' must equal its folder name '{campaign.folder.name}'")
    if not ID_RE.match(info.id):
        err(("campaign", "id"), f"campaign id '{info.id}' may use only lowercase letters, digits and hyphens")
    check_locale(("campaign", "source_locale"), info.source_locale)
    if info.base_url and not info.base_url.startswith("https://"):
        err(("campaign", "base_url"), f"base_url '{info.base_url}' must start with https:// (readers' connections must be private)")
    if not info.base_url:
        problems.warn(shown, at(("campaign",)), "no base_url: QR codes and canonical links are left out until the microsite has an address")

    countries = known_countries()
    for i, code in enumerate(info.countries):
        if code not in countries:
            err(("campaign", "countries", i), f"'{code}' is not an ISO 3166 country code (use XK for Kosovo)")
    for tag, decl in campaign.locales.items():
        for j, other in enumerate(decl.fallback):
            check_locale(decl.key + ("fallback", j), other)

    formats = set(print_formats(project)) | {SITE_FORMAT}
    seen_groups: dict[str, KeyPath] = {}
    for group in campaign.groups:
        gk = group.key
        if not ID_RE.match(group.id):
            err(gk + ("id",), f"group id '{group.id}' may use only lowercase letters, digits and hyphens")
        if group.id in seen_groups:
            err(gk + ("id",), f"duplicate group id '{group.id}' (first defined at line {at(seen_groups[group.id] + ('id',))})")
        seen_groups.setdefault(group.id, gk)
        if not group.locales:
            err(gk + ("locales",), f"group '{group.id}' has no locales; list the languages its readers read, e.g. locales = [\"en\"]")
        for i, tag in enumerate(group.locales):
            check_locale(gk + ("locales", i), tag)
        for i, code in enumerate(group.countries):
            if code not in countries:
                err(gk + ("countries", i), f"'{code}' is not an ISO 3166 country code (use XK for Kosovo)")
            elif code not in campaign.countries or not campaign.countries[code].hotlines:
                err(gk + ("countries", i), f"country '{code}' has no help contacts; add a [[countries.{code}.hotlines]] entry")
            elif info.countries and code not in info.countries:
                err(gk + ("countries", i), f"country '{code}' is not among the campaign's countries {info.countries}")
        for i, fmt in enumerate(group.formats):
            if fmt not in formats:
                close = difflib.get_close_matches(fmt, sorted(formats), n=1)
                hint = f"did you mean '{close[0]}'?" if close else "formats with a template: " + ", ".join(sorted(formats))
                err(gk + ("formats", i), f"format '{fmt}' has no template (templates/print/{fmt}.html); {hint}")
        for section, rel in group.content.items():
            check_file(gk + ("content", section), rel, "content file")
        if group.image and campaign.asset(group.image) is None:
            err(gk + ("image",), f"image '{group.image}' is not an asset id; add it under [[assets]]")

    seen_assets: set[str] = set()
    for asset in campaign.assets:
        if asset.id in seen_assets:
            err(asset.key + ("id",), f"duplicate asset id '{asset.id}'")
        seen_assets.add(asset.id)
        check_file(asset.key + ("file",), asset.file, "image")
    for partner in campaign.partners:
        check_file(partner.key + ("logo",), partner.logo, "logo")

    for code, country in campaign.countries.items():
        if code not in countries:
            err(country.key, f"[countries.{code}]: '{code}' is not an ISO 3166 country code (use XK for Kosovo)")
        for hotline in country.hotlines:
            for i, tag in enumerate(hotline.languages):
                check_locale(hotline.key + ("languages", i), tag)
            if not re.fullmatch(r"\+?[0-9][0-9 ()/-]{1,24}", hotline.number):
                err(hotline.key + ("number",), f"hotline number '{hotline.number}' may contain only digits, spaces, + ( ) / -")

