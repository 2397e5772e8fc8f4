"""Which number a text's ``{hotline}`` dials, and literal phone numbers that dial the wrong one.

A group's texts are printed in every country it reaches; a number written into
them ("Call 0800 11111") is printed beside another country's hotline box too.
Texts say ``{hotline}`` instead, and each output fills in its country's main
number (:func:`main_hotline`). :func:`literal_number_problems` warns (at
validate time, once per text and country) about a phone number in a text that
is no contact of a country the text is shown in.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..campaign.contacts import shown_hotlines
from ..campaign.model import Campaign, TargetGroup
from ..campaign.model import Hotline as HotlineLine
from ..campaign.tomlpos import KeyPath, line_of
from ..errors import Collector, display_path
from ..project import Project
from .catalog import catalog_tag, po_path, read_catalog
from .numbers import HOTLINE, Hotline, digits, find_phones
from .segments import split_blocks


def tel(number: str) -> str:
    """The number as a ``tel:`` link dials it: digits and a leading +."""
    return "".join(ch for ch in number if ch.isdigit() or ch == "+")


def main_hotline(campaign: Campaign, code: str) -> HotlineLine | None:
    """The one number ``{hotline}`` stands for in country ``code``: the first line shown there (None without one).

    That is the country's first national line, else the regional line standing
    in for it (:func:`toolbox.campaign.contacts.shown_hotlines`).
    """
    shown = shown_hotlines(campaign, code)
    return shown[0] if shown else None


def known_numbers(campaign: Campaign, code: str) -> set[str]:
    """Digits of every number a text may name in country ``code``: its hotlines and services."""
    country = campaign.countries.get(code)
    found = {digits(h.number) for h in shown_hotlines(campaign, code)}
    if country is not None:
        found |= {digits(s.phone) for s in country.services if s.phone}
    return {d for d in found if d}


def _is_known(number: str, known: set[str]) -> bool:
    plain = digits(number)
    if plain in known:
        return True
    # +389 800 11111 is 0800 11111 dialled from abroad: the national number without its trunk 0.
    return number.lstrip().startswith("+") and any(k.lstrip("0") and plain.endswith(k.lstrip("0")) for k in known)


def hotline_for(campaign: Campaign, countries: list[str], country_name: Callable[[str], str] | None = None,
                locale: str = "en") -> Hotline | None:
    """What ``{hotline}`` becomes: the main number of ``countries[0]``, or of each country when there are several.

    Outputs without a country (a group's microsite page) pass every country of
    the group; each number is then labelled with ``country_name(code)``, and the
    numbers joined as the CLDR ``locale`` writes "A or B".
    """
    named: dict[str, list[str]] = {}  # number → the countries it serves (a regional line: several)
    for code in countries:
        line = main_hotline(campaign, code)
        if line is not None:
            named.setdefault(line.number, []).append(country_name(code) if country_name else code)
    several = len(named) > 1
    numbers = tuple((number, tel(number), ", ".join(names) if several else "") for number, names in named.items())
    return Hotline(numbers, locale) if numbers else None


def _group_texts(campaign: Campaign, group: TargetGroup) -> list[tuple[str, str, int | None, str]]:
    """(text, file shown, line, what) for every source text of a group.

    Reads the group's Markdown files: call it only on a campaign that validated without errors.
    """
    shown = display_path(campaign.definition)
    out = []
    for field in ("key_message", "call_to_action", "sms"):
        value = getattr(group, field)
        if value:
            out.append((value, shown, line_of(campaign.lines, group.key + (field,)), field))
    for section, rel in group.content.items():
        path = campaign.folder / rel
        if not path.is_file():
            continue
        for block in split_blocks(path.read_text(encoding="utf-8")):
            out.append((block.text, display_path(path), block.line, section))
    return out


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def placeholder_problems(campaign: Campaign, problems: Collector) -> None:
    """``{hotline}`` only where it is filled; no other ``{name}`` (a misspelt one would be printed as it is)."""
    shown = display_path(campaign.definition)
    filled: list[tuple[str, str, int | None, str]] = []
    for group in campaign.groups:
        filled += _group_texts(campaign, group)
    for code, country in campaign.countries.items():
        if country.note:
            filled.append((country.note, shown, line_of(campaign.lines, country.key + ("note",)), f"note of {code}"))
    for text, path, line, what in filled:
        for name in _PLACEHOLDER.findall(text):
            if name != "hotline":
                problems.error(path, line, f"{{{name}}} in the {what} is not a placeholder toolbox knows; "
                                           f"write {HOTLINE} for the country's help-line number")
    info = campaign.campaign
    unfilled: list[tuple[str, KeyPath, str]] = [(info.title, ("campaign", "title"), "title"),
                                                (info.summary, ("campaign", "summary"), "summary"),
                (info.disclaimer, ("campaign", "disclaimer"), "disclaimer")]
    unfilled += [(g.name, g.key + ("name",), f"name of group '{g.id}'") for g in campaign.groups]
    unfilled += [(h.name, h.key + ("name",), f"name of a hotline of {code}")
                 for code, c in campaign.countries.items() for h in c.hotlines]
    unfilled += [(a.alt, a.key + ("alt",), f"alt text of image '{a.id}'") for a in campaign.assets]
    for text, key, what in unfilled:
        if text and HOTLINE in text:
            problems.error(shown, line_of(campaign.lines, key), f"{HOTLINE} is not filled in in the {what}; use it in "
                           "key_message, call_to_action, sms, the Markdown sections or a country's note")


def literal_number_problems(project: Project, campaign: Campaign, problems: Collector) -> None:
    """Warn about phone numbers in texts that are no contact of a country the text is shown in.

    Source texts are reported at their line in campaign.toml or the Markdown
    file; a translation only for numbers its source does not have, at its
    ``.po`` line. One warning per text, number and country.
    """
    seen: set[tuple] = set()

    def warn(path: str, line: int | None, what: str, number: str, code: str) -> None:
        key = (path, line, number, code)
        if key in seen:
            return
        seen.add(key)
        problems.warn(path, line, f"{what[0].upper()}{what[1:]} names the phone number {number}, which is not a hotline or "
                                  f"service of {code} "
                                  f"but is printed there too; write {{hotline}} for each country's own number, or add "
                                  f"the number to [[countries.{code}.hotlines]]")

    catalogs: dict[str, tuple[str, dict[str, tuple[str, int | None]]]] = {}

    def translation(tag: str, msgid: str) -> tuple[str, str, int | None] | None:
        source = catalog_tag(tag, campaign.locales)
        if source not in catalogs:
            po = po_path(project.locales, source, campaign.id)
            entries = {m.id: (m.string, m.lineno) for m in read_catalog(po) or ()
                       if isinstance(m.id, str) and isinstance(m.string, str) and m.string and not m.fuzzy}
            catalogs[source] = (display_path(po), entries)
        shown, entries = catalogs[source]
        found = entries.get(msgid)
        return (found[0], shown, found[1]) if found else None

    def check(text: str, path: str, line: int | None, what: str, codes: list[str], tags: list[str]) -> None:
        source_numbers = find_phones(text)
        for code in codes:
            known = known_numbers(campaign, code)
            for number in source_numbers:
                if not _is_known(number, known):
                    warn(path, line, what, number, code)
            for tag in tags:
                if tag == campaign.campaign.source_locale:
                    continue
                found = translation(tag, text)
                if found is None:
                    continue
                own = {digits(n) for n in source_numbers}
                for number in find_phones(found[0]):
                    if digits(number) not in own and not _is_known(number, known):
                        warn(found[1], found[2], f"the {tag} translation of {what}", number, code)

    for group in campaign.groups:
        for text, path, line, what in _group_texts(campaign, group):
            check(text, path, line, f"the {what} of group '{group.id}'", group.countries, group.locales)
    for code, country in campaign.countries.items():
        if country.note:
            tags = sorted({t for g in campaign.groups if code in g.countries for t in g.locales})
            check(country.note, display_path(campaign.definition), line_of(campaign.lines, country.key + ("note",)),
                  f"the note of {code}", [code], tags)
