"""Opening hours: read from ``campaign.toml``, printed in the reader's language.

``hours`` is written once, language-neutral, and printed with CLDR day names
and time formats in each locale: ``Mo-Fr 10:00-18:00`` becomes "Mon–Fri
10:00 AM – 6:00 PM" in English and "пон–пет 10:00–18:00" in Serbian Cyrillic.

Accepted: a subset of OpenStreetMap's ``opening_hours`` syntax — ``24/7``,
``Mo-Fr 10:00-18:00``, ``Mo-Fr 08:00-20:00; Sa 10:00-14:00``,
``Mo,We,Fr 09:00-12:00``, ``Mo 08:00-12:00,13:00-17:00`` — and the forms people
already write: ``08–20``, ``Mon–Fri 10–18``, ``Mon-Fri 09-17``, ``daily 8-20``.
Public holidays (``PH``) and closed days (``off``) are refused: a leaflet says
when someone answers, and an unreadable rule must not print as if it were
one. Anything else is an error naming these forms.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from babel import Locale as BabelLocale
from babel.dates import format_time, get_day_names
from babel.lists import format_list
from markupsafe import Markup, escape

#: What the error message offers instead of an unreadable value.
ACCEPTED = ('"24/7", "Mo-Fr 10:00-18:00", "Mo-Fr 08:00-20:00; Sa 10:00-14:00", "Mo,We,Fr 09:00-12:00", '
            '"08-20", "Mon-Fri 10-18", "daily 8-20"')

ALL_DAYS = tuple(range(7))
NBSP = "\u00a0"

_DAYS = {}
for _i, _names in enumerate((
    ("mo", "mon", "monday"), ("tu", "tue", "tues", "tuesday"), ("we", "wed", "wednesday"),
    ("th", "thu", "thur", "thurs", "thursday"), ("fr", "fri", "friday"), ("sa", "sat", "saturday"),
    ("su", "sun", "sunday"),
)):
    for _name in _names:
        _DAYS[_name] = _i

_TOKEN = re.compile(r"""
    (?P<always>24\s*/\s*7)
  | (?P<daily>every\s*day|daily)
  | (?P<time>\d{1,2}(?::\d{2})?)
  | (?P<word>[a-z]+)
  | (?P<dash>-)
  | (?P<comma>,)
  | (?P<semi>;)
  | (?P<space>\s+)
  | (?P<other>.)
""", re.X)

_DASHES = str.maketrans({"–": "-", "—": "-", "‑": "-", "‒": "-", "−": "-", "\u00a0": " ", "\u202f": " "})


class HoursError(ValueError):
    """An opening-hours value that cannot be read; the message says why."""


@dataclass(frozen=True)
class Rule:
    """Days (0 = Monday; empty when the value names none) and the times open on them, in minutes."""

    days: tuple[int, ...]
    spans: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Hours:
    rules: tuple[Rule, ...] = ()
    always: bool = False


def parse_hours(text: str) -> Hours:
    """Read an opening-hours value; raise :class:`HoursError` when it is not one of the accepted forms."""
    source = " ".join(text.translate(_DASHES).split()).lower()
    if not source:
        raise HoursError("it is empty")
    tokens = _tokens(source)
    if [kind for kind, _ in tokens] == ["always"]:
        return Hours(always=True)
    rules: list[Rule] = []
    pos = 0
    while pos < len(tokens):
        days, pos = _days(tokens, pos)
        spans, pos = _spans(tokens, pos, bool(days))
        rules.append(Rule(days, spans))
        if pos < len(tokens):
            kind, value = tokens[pos]
            if kind in ("semi", "comma"):
                pos += 1
                if pos == len(tokens):
                    raise HoursError(f"nothing follows the last '{value}'")
            elif kind != "word" and kind != "daily":
                raise HoursError(f"'{value}' is not expected here")
    if len(rules) == 1 and rules[0].days in ((), ALL_DAYS) and rules[0].spans == ((0, 1440),):
        return Hours(always=True)
    return Hours(tuple(rules))


def _tokens(source: str) -> list[tuple[str, str]]:
    out = []
    for m in _TOKEN.finditer(source):
        kind = m.lastgroup or "other"
        value = m.group()
        if kind == "space":
            continue
        if kind == "word":
            if value in ("ph", "sh"):
                raise HoursError("public and school holidays (PH, SH) are not supported; say them in the country's note")
            if value in ("off", "closed"):
                raise HoursError("closed days ('off') are not supported; list only the days the line answers")
            if value not in _DAYS:
                raise HoursError(f"'{value}' is not a day (Mo, Tu, We, Th, Fr, Sa, Su or Mon ... Sun, daily)")
        if kind == "other":
            raise HoursError(f"'{value}' is not part of an opening time")
        out.append((kind, value))
    return out


def _days(tokens: list[tuple[str, str]], pos: int) -> tuple[tuple[int, ...], int]:
    if pos < len(tokens) and tokens[pos][0] == "daily":
        return ALL_DAYS, pos + 1
    days: list[int] = []
    while pos < len(tokens) and tokens[pos][0] == "word":
        first = _DAYS[tokens[pos][1]]
        pos += 1
        if pos + 1 < len(tokens) and tokens[pos][0] == "dash" and tokens[pos + 1][0] == "word":
            last = _DAYS[tokens[pos + 1][1]]
            pos += 2
            span = range(first, last + 1) if last >= first else [*range(first, 7), *range(0, last + 1)]
            days.extend(d for d in span if d not in days)
        elif first not in days:
            days.append(first)
        if pos + 1 < len(tokens) and tokens[pos][0] == "comma" and tokens[pos + 1][0] == "word":
            pos += 1
            continue
        break
    return tuple(days), pos


def _spans(tokens: list[tuple[str, str]], pos: int, after_days: bool) -> tuple[tuple[tuple[int, int], ...], int]:
    spans: list[tuple[int, int]] = []
    while True:
        if pos >= len(tokens) or tokens[pos][0] != "time":
            got = f"'{tokens[pos][1]}'" if pos < len(tokens) else "the end"
            where = " after the days" if after_days else ""
            raise HoursError(f"a time range such as 10:00-18:00 is missing{where} (found {got})")
        if pos + 2 >= len(tokens) or tokens[pos + 1][0] != "dash" or tokens[pos + 2][0] != "time":
            raise HoursError(f"'{tokens[pos][1]}' must be the start of a range such as {tokens[pos][1]}-18:00")
        start, end = _minutes(tokens[pos][1]), _minutes(tokens[pos + 2][1])
        if start == end:
            raise HoursError(f"{tokens[pos][1]}-{tokens[pos + 2][1]} opens and closes at the same time (for a whole day write "
                             f"24/7 or 00:00-24:00)")
        if start == 1440:
            raise HoursError("a range cannot start at 24:00; write 00:00")
        spans.append((start, end))
        pos += 3
        # A comma followed by another time continues this rule (Mo 08:00-12:00,13:00-17:00).
        if pos + 1 < len(tokens) and tokens[pos][0] == "comma" and tokens[pos + 1][0] == "time":
            pos += 1
            continue
        return tuple(spans), pos


def _minutes(value: str) -> int:
    hour, _, minute = value.partition(":")
    h, m = int(hour), int(minute or 0)
    if h > 24 or m > 59 or (h == 24 and m):
        raise HoursError(f"'{value}' is not a time of day (00:00 to 24:00)")
    return h * 60 + m


# ------------------------------------------------------------------ formatting


@dataclass(frozen=True)
class Labels:
    """Translated words the formatter needs (template strings, so translators see them)."""

    always: str  # "24 hours, every day"
    daily: str  # "every day"


def format_hours(hours: Hours, locale: BabelLocale, direction: str, labels: Labels,
                 hour24: bool | None = None) -> Markup:
    """``hours`` in ``locale``, as one isolate (``<bdi>``) in the reader's direction.

    The isolate keeps a range whole beside numbers and other-direction text; in
    right-to-left text a range reads from the right, as its reader reads.
    ``hour24`` forces the clock (a locale CLDR lacks borrows another's day
    names but not its 12-hour clock); ``None`` uses the locale's own.
    """
    text = labels.always if hours.always else format_list(
        [_rule(r, locale, labels, hour24) for r in hours.rules], style="standard", locale=locale)
    outer = _direction(_TIME.sub("", text), direction)

    def time(m: re.Match) -> str:
        # "9:00 AM" in Urdu (CLDR's ur writes AM/PM in Latin letters) is an LTR run inside RTL
        # text: isolated, it stays whole and in order; "10:00 ص" needs nothing.
        inner = _direction(m.group(1), outer)
        return f'<bdi dir="{inner}">{m.group(1)}</bdi>' if inner != outer else m.group(1)

    body = _TIME.sub(time, str(escape(text)))
    return Markup(f'<bdi dir="{outer}" class="hours">{body}</bdi>')


#: Each time is marked with two private-use characters while the text is put together.
_OPEN, _CLOSE = "\ue000", "\ue001"
_TIME = re.compile(f"{_OPEN}(.*?){_CLOSE}")


def _direction(text: str, default: str) -> str:
    """The direction of the first strong letter (as dir=auto), else ``default``.

    A label not yet translated falls back to English: in an RTL isolate
    "24 hours, every day" would print as "hours, every day 24". Digits alone
    ("10:00–18:00") take the reader's direction.
    """
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return default


def _rule(rule: Rule, locale: BabelLocale, labels: Labels, hour24: bool | None) -> str:
    times = format_list([_span(s, locale, hour24) for s in rule.spans], style="standard", locale=locale)
    days = _day_text(rule.days, locale, labels)
    return f"{days} {times}" if days else times


def _day_text(days: tuple[int, ...], locale: BabelLocale, labels: Labels) -> str:
    if not days:
        return ""
    if tuple(sorted(days)) == ALL_DAYS:
        return labels.daily
    names = get_day_names("abbreviated", "stand-alone", locale)
    runs: list[list[int]] = []
    for d in days:  # consecutive days as a range: Mo,Tu,We → Mon–Wed
        if runs and d == (runs[-1][-1] + 1) % 7:
            runs[-1].append(d)
        else:
            runs.append([d])
    parts: list[str] = []
    for r in runs:
        parts.extend([f"{names[r[0]]}–{names[r[-1]]}"] if len(r) > 2 else [names[d] for d in r])
    return format_list(parts, style="standard", locale=locale) if len(parts) > 1 else parts[0]


def _span(span: tuple[int, int], locale: BabelLocale, hour24: bool | None) -> str:
    """One range, with no-break spaces: a line never breaks inside "9:00 AM – 5:00 PM"."""
    start, end = (re.sub(r"\s", NBSP, _time(m, locale, hour24)) for m in span)
    joiner = f"{NBSP}–{NBSP}" if NBSP in start + end else "–"
    return f"{start}{joiner}{end}"


def _time(minutes: int, locale: BabelLocale, hour24: bool | None) -> str:
    pattern: str = locale.time_formats["short"].pattern
    if hour24:
        pattern = "HH:mm"
    if minutes == 1440 and "H" in pattern:
        return _OPEN + pattern.replace("HH", "24").replace("H", "24").replace("mm", "00") + _CLOSE
    value = dt.time((minutes // 60) % 24, minutes % 60)
    return _OPEN + str(format_time(value, pattern if hour24 else "short", locale=locale)) + _CLOSE
