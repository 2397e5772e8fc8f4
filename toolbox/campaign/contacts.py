"""The contacts shown for a country, in one place for print, microsite, share images and SMS.

A country's own lines (``[[countries.XX.hotlines]]``) come first. A country
without any — a ``[countries.XX]`` table with no hotlines, or no table at all —
shows the ``[[regional_hotlines]]`` that apply to it instead: regional lines,
then international ones. Emergency lines (``kind = "emergency"``, e.g. 112)
are shown in every country they apply to, after the others: someone in
immediate danger needs that number whatever other line the country has.
So the help block is never empty once validation has passed.
"""

from __future__ import annotations

from dataclasses import replace

from .model import Campaign, Country, Hotline, RegionalHotline

#: Order of regional lines standing in for a national one.
_STAND_IN = ("regional", "international")


def applies(line: RegionalHotline, code: str, campaign: Campaign) -> bool:
    """True when the regional line serves ``code``: listed in its ``countries``, else any campaign country."""
    if line.countries:
        return code in line.countries
    return not campaign.campaign.countries or code in campaign.campaign.countries


def own_hotlines(campaign: Campaign, code: str) -> list[Hotline]:
    country = campaign.countries.get(code)
    return list(country.hotlines) if country else []


def shown_hotlines(campaign: Campaign, code: str) -> list[Hotline]:
    """The hotlines shown for country ``code``, most important first (the first is the one on covers and in SMS)."""
    regional = [line for line in campaign.regional_hotlines if applies(line, code, campaign)]
    main = own_hotlines(campaign, code) or sorted(
        (line for line in regional if line.kind in _STAND_IN), key=lambda line: _STAND_IN.index(line.kind))
    return main + [line for line in regional if line.kind == "emergency"]


def shown_country(campaign: Campaign, code: str) -> Country:
    """Country ``code`` as readers see it: its table (services, note) with the hotlines shown there."""
    country = campaign.countries.get(code) or Country(code=code)
    return replace(country, code=code, hotlines=shown_hotlines(campaign, code))
