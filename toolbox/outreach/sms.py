"""Text messages: the SMS version of a group's message with the country's hotline, and its segment count.

An SMS carries 160 characters in the GSM 03.38 7-bit alphabet, or 70 UTF-16
code units when any character is outside it (UCS-2: Arabic, Cyrillic, most
accented letters beyond GSM's few). A longer text is sent in parts of 153
(GSM-7) or 67 (UCS-2); characters of GSM's extension table (``{ } [ ] ~ \\ | ^ €``)
take two septets and are never split across parts. The build writes one
``…-sms.txt`` per group × locale × country and warns when a text needs more
parts than the campaign's ``sms_segments``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..campaign.model import Campaign
from ..campaign.tomlpos import line_of
from ..errors import Problem, display_path
from ..i18n.numbers import isolate_text
from ..project import Project

#: GSM 03.38 basic character set (one septet each).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
#: GSM 03.38 extension table (an escape septet plus one: two septets each).
GSM7_EXTENDED = frozenset("\f^{}\\[~]|€")

SINGLE = {"GSM-7": 160, "UCS-2": 70}
PART = {"GSM-7": 153, "UCS-2": 67}


@dataclass(frozen=True)
class SmsCount:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int

    def __str__(self) -> str:
        what = "septets" if self.encoding == "GSM-7" else "UTF-16 units"
        return f"{self.segments} SMS ({self.encoding}, {self.units} {what})"


def encoding(text: str) -> str:
    """GSM-7 when every character is in the GSM alphabet (basic or extension table), else UCS-2."""
    return "GSM-7" if all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text) else "UCS-2"


def count(text: str) -> SmsCount:
    """How many SMS parts ``text`` needs."""
    enc = encoding(text)
    if enc == "GSM-7":
        sizes = [2 if ch in GSM7_EXTENDED else 1 for ch in text]
    else:  # a character outside the Basic Multilingual Plane (an emoji) takes two UTF-16 units
        sizes = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
    units = sum(sizes)
    if units <= SINGLE[enc]:
        return SmsCount(enc, units, 1 if text else 0)
    # Concatenated: fill parts greedily, never splitting a two-unit character.
    parts, used = 1, 0
    for size in sizes:
        if used + size > PART[enc]:
            parts, used = parts + 1, 0
        used += size
    return SmsCount(enc, units, max(parts, math.ceil(units / PART[enc])))


def sms_text(group: dict, country: dict, rtl: bool = False) -> str:
    """The text forwarded: the group's SMS text, then the country's first hotline (localized data).

    ``rtl``: numbers and addresses are wrapped in U+2066 LRI … U+2069 PDI, so a
    phone shows "0800 11111" and not "11111 0800" in right-to-left text. They
    count (one UTF-16 unit each; right-to-left scripts are UCS-2 anyway).
    Left-to-right texts get none: digits already read left to right there, and
    an isolate would force UCS-2 on a GSM-7 text, halving what one SMS holds.
    """
    lines = [str(group.get("sms") or group.get("key_message") or "").strip()]
    hotlines = country.get("hotlines") or []
    if hotlines:
        first = hotlines[0]
        name = getattr(first["name"], "plain", str(first["name"]))
        lines.append(f"{name}: {first['number']}")
    text = "\n".join(line for line in lines if line) + "\n"
    return isolate_text(text) if rtl else text


#: The manifest format of text messages (toolbox.formats.BUILTIN).
FORMAT = "sms"


@dataclass(frozen=True)
class TextMessage:
    """One text message to forward: a group's SMS text and hotline in one locale × country."""

    path: str  # relative to the output folder, POSIX
    text: str
    group: str
    locale: str
    country: str
    translated: float  # share of the group's messages translated in this locale
    problems: list[Problem] = field(default_factory=list)  # over sms_segments (warnings)
    format: str = FORMAT


def sms_path(cid: str, group: str, locale: str, country: str) -> str:
    from ..plan import output_path

    return output_path(cid, group, locale, country, FORMAT, None, ".txt")


def texts(project: Project, campaign: Campaign) -> list[TextMessage]:
    """Every text message of a campaign, for every group with print materials."""
    from ..campaign.contacts import shown_country
    from ..i18n.localize import Localizer
    from ..plan import makes_print

    allowed = campaign.campaign.sms_segments
    where = display_path(campaign.definition)
    made = []
    for group in campaign.groups:
        if not makes_print(group):
            continue
        for tag in group.locales:
            localizer = Localizer(project, campaign, tag)
            rtl = localizer.info.direction == "rtl"
            localizer.group(group)  # records the messages used: the translated share, as before
            translated = localizer.tr.usage.translated
            for cc in group.countries:
                hotline = localizer.hotline([cc])
                parts = {"sms": localizer.sms(group, hotline), "key_message": localizer.text(group.key_message, hotline)}
                text = sms_text(parts, localizer.country(shown_country(campaign, cc)), rtl)
                counted = count(text.rstrip("\n"))
                problems = []
                if allowed and counted.segments > allowed:
                    problems.append(Problem(where, line_of(campaign.lines, group.key + ("sms",)),
                                            f"text message of '{group.id}' in {tag} ({cc}) needs {counted}, over "
                                            f"sms_segments = {allowed}; shorten the sms text (or its translation)",
                                            "warning"))
                made.append(TextMessage(sms_path(campaign.id, group.id, tag, cc), text, group.id, tag, cc, translated, problems))
    return made
