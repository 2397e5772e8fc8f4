"""Numbers, phone numbers, web and e-mail addresses: found in text and kept left to right.

The Unicode bidi algorithm treats the space between two digit groups as neutral:
in right-to-left text ("اتصل بـ 0800 11111") the groups are laid out right to
left and a reader sees **11111 0800** — and dials a wrong number. A leading
``+`` is neutral too (``+381`` shows as ``381+``). Wrapping each number,
address and e-mail in a left-to-right isolate keeps it as written:
``<bdi dir="ltr">`` in HTML, U+2066 LRI … U+2069 PDI where markup cannot go
(text messages, attributes).

Isolation runs on text that is already sanitised, so the isolates toolbox adds
are the only bidi controls in an output. A whole phone number with its inner
spaces, hyphens, slashes, dots or brackets is one isolate ("+381 11 785 0000",
"011/785-0000", "(011) 785 0000"); so are times and ranges ("08:00–20:00",
"1 / 5"), dates written with digits, and numbers in any script's digits
(ASCII, Arabic-Indic ٠١٢, Extended Arabic-Indic ۰۱۲, Bengali ০১২).
"""

from __future__ import annotations

import html as htmllib
import re
import unicodedata
from dataclasses import dataclass

from babel.lists import format_list
from markupsafe import Markup, escape

LRI = "\u2066"  # LEFT-TO-RIGHT ISOLATE
PDI = "\u2069"  # POP DIRECTIONAL ISOLATE

#: The placeholder a group's texts use for the output country's main hotline ("Call {hotline}").
HOTLINE = "{hotline}"

#: A number of this many digits or more, not a date, time, year range or amount, is a phone
#: number (:func:`looks_like_phone`): a number a text names is checked against the country's
#: hotlines. Shorter ones are too often house numbers, articles of law or counts to warn about.
PHONE_DIGITS = 6
#: A number of this many digits or more must be copied exactly into a translation (and must not
#: stand inside a right-to-left element): every national phone number has this many. Shorter
#: numbers in running text are mostly percentages, counts and years, which a translation may
#: rightly write in another order or calendar ("100%" is "%100" in Turkish).
EXACT_DIGITS = 5
#: A tel: or sms: link must dial every number of this many digits or more that its text shows:
#: short codes such as 112, 192 or 1517 are dialled too.
DIALLED_DIGITS = 3

_SP = "[ \u00a0\u202f]"  # space, no-break space, narrow no-break space (French, CLDR)
_GROUP = r"(?:\d++|\(\d++\))"
# Between two groups: one space; a hyphen, slash or dash with optional spaces; a dot or colon
# without; nothing after a bracketed group ("+44 (0)20").
_SEP = rf"(?:{_SP}?[-\u2010\u2011\u2012\u2013/]{_SP}?|[.:]|{_SP}|(?<=\)))"
# Digits glued to a Latin, Greek or Cyrillic letter belong to a word ("mp3"); an Arabic-script
# letter before them is a glued preposition ("بـ0800") and does not stop the number.
_NUMBER = re.compile(rf"(?<![A-Za-z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff])(?:\+{_SP}?)?{_GROUP}(?:{_SEP}{_GROUP})*")
_URL = re.compile(r"(?:https?://|www\.)[!#-&(-;=?-~]+", re.I)  # printable ASCII but quotes and < >
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_URL_END = ".,;:!?)]}>\"'"


@dataclass(frozen=True)
class Span:
    """One thing to keep left to right: where it is in the text and what it is."""

    start: int
    end: int
    kind: str  # "url", "email", "phone" or "number"
    text: str


def digits(text: str) -> str:
    """The digits of ``text`` as ASCII (Arabic-Indic and other scripts' digits converted)."""
    return "".join(str(unicodedata.digit(ch)) for ch in text if unicodedata.digit(ch, None) is not None)


def _url_end(text: str, start: int, end: int) -> int:
    """Sentence punctuation after an address is not part of it (an unmatched ')' neither)."""
    while end > start and text[end - 1] in _URL_END:
        if text[end - 1] == ")" and text.count("(", start, end) >= text.count(")", start, end):
            break
        end -= 1
    return end


_DATE = re.compile(r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}[./-]\d{1,2}[./-]\d{1,2}")
_YEAR = re.compile(r"(?:19|20)\d\d")
_THOUSANDS = re.compile(rf"[1-9]\d{{0,2}}(?:[{_SP[1:-1]},.]\d{{3}})+")


def looks_like_phone(number: str) -> bool:
    """True when a number reads as a phone number: PHONE_DIGITS or more, not a date, time, year range or amount.

    ``116 xxx`` (the EU's harmonised help lines, e.g. 116 006) counts as a phone
    number even though it is grouped like an amount.
    """
    ascii_ = "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in number)
    plain = digits(ascii_)
    if len(plain) < PHONE_DIGITS or ":" in ascii_:
        return False
    if _DATE.fullmatch(ascii_):
        return False
    groups = re.findall(r"\d+", ascii_)
    if all(_YEAR.fullmatch(g) or len(g) <= 2 for g in groups) and any(_YEAR.fullmatch(g) for g in groups):
        return False  # 2020–2026, 1/2026
    # 3 000 000 people is a count, not a number to call
    return ascii_.startswith("+") or not _THOUSANDS.fullmatch(ascii_) or plain.startswith("116")


def find_spans(text: str) -> list[Span]:
    """Every web address, e-mail address and number in ``text``, in order, none overlapping.

    Addresses win over the numbers inside them. A number is ``"phone"`` when it
    :func:`looks_like_phone`, else ``"number"``.
    """
    spans: list[Span] = []
    taken: list[tuple[int, int]] = []
    for m in _EMAIL.finditer(text):
        spans.append(Span(m.start(), m.end(), "email", m.group(0)))
        taken.append((m.start(), m.end()))
    for m in _URL.finditer(text):
        start, end = m.start(), _url_end(text, m.start(), m.end())
        if end > start and not any(s < end and start < e for s, e in taken):
            spans.append(Span(start, end, "url", text[start:end]))
            taken.append((start, end))
    for m in _NUMBER.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        kind = "phone" if looks_like_phone(m.group(0)) else "number"
        spans.append(Span(m.start(), m.end(), kind, m.group(0)))
    return sorted(spans, key=lambda s: s.start)


def find_phones(text: str) -> list[str]:
    """The phone numbers written in ``text`` (see :func:`looks_like_phone`)."""
    return [s.text for s in find_spans(text) if s.kind == "phone"]


def find_numbers(text: str, min_digits: int = EXACT_DIGITS) -> list[str]:
    """Every number in ``text`` with ``min_digits`` digits or more, phone numbers included; not
    times of day ("08:00–20:00"), which are not dialled and are written the local way.

    Spaces are read as a reader reads them: a run of them, or a no-break space, between two
    digit groups is one space ("0800  11111" is the number "0800 11111").
    """
    return [s.text for s in find_spans(re.sub(rf"{_SP}+", " ", text))
            if s.kind in ("phone", "number") and ":" not in s.text and len(digits(s.text)) >= min_digits]


def find_urls(text: str) -> list[str]:
    return [s.text for s in find_spans(text) if s.kind == "url"]


def find_emails(text: str) -> list[str]:
    return [s.text for s in find_spans(text) if s.kind == "email"]


def isolate_text(text: str) -> str:
    """``text`` with every number and address between LRI and PDI (for plain text: SMS, attributes)."""
    out, pos = [], 0
    for span in find_spans(text):
        out += [text[pos:span.start], LRI, span.text, PDI]
        pos = span.end
    out.append(text[pos:])
    return "".join(out)


@dataclass(frozen=True)
class Hotline:
    """What ``{hotline}`` becomes in one output: the numbers to show and dial."""

    numbers: tuple[tuple[str, str, str], ...]  # (number as printed, number to dial, label or "")
    locale: str = "en"  # CLDR locale whose "or" list joins several numbers
    link: bool = True  # False for text printed inside a link (a link in a link is invalid HTML)

    def _pattern(self) -> tuple[str, list[str]]:
        """The list pattern with a marker per number ("M0 or M1"), and the markers."""
        marks = [f"\ue000{i}\ue001" for i in range(len(self.numbers))]
        if len(marks) < 2:
            return (marks[0] if marks else ""), marks
        try:
            return format_list(marks, style="or", locale=self.locale), marks
        except (ValueError, LookupError):
            return format_list(marks, style="or", locale="en"), marks

    def plain(self, isolate: bool) -> str:
        """Plain text: "0800 11111", or "0800 11111 (North Macedonia) or 011 785 0000 (Serbia)"."""
        text, marks = self._pattern()
        for mark, (number, _tel, label) in zip(marks, self.numbers, strict=True):
            shown = f"{LRI}{number}{PDI}" if isolate else number
            text = text.replace(mark, f"{shown} ({label})" if label else shown)
        return text

    def html(self, link: bool = True) -> Markup:
        """Each number isolated left to right and, where a link may go, a ``tel:`` link."""
        pattern, marks = self._pattern()
        text = str(escape(pattern))
        for mark, (number, tel, label) in zip(marks, self.numbers, strict=True):
            shown = Markup('<bdi dir="ltr" class="num">{}</bdi>').format(number)
            if link and self.link:
                shown = Markup('<a href="tel:{}" class="tel">{}</a>').format(tel, shown)
            text = text.replace(mark, str(Markup("{} ({})").format(shown, label) if label else shown))
        return Markup(text)


def fill_plain(text: str, hotline: Hotline | None, isolate: bool = False) -> str:
    """``{hotline}`` in plain text replaced by the number(s); left as it is without a hotline."""
    if hotline is None or HOTLINE not in text:
        return text
    return text.replace(HOTLINE, hotline.plain(isolate))


_TAG = re.compile(r"<[^>]*>")
_TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z][\w-]*)")


def isolate_html(html: str, hotline: Hotline | None = None) -> Markup:
    """Sanitised HTML with every number and address in its text wrapped in ``<bdi dir="ltr">``.

    Only text between tags changes, never a tag or attribute. Text already in
    a ``<bdi dir="ltr">`` is left alone. ``{hotline}`` becomes the hotline
    (a ``tel:`` link, unless it is already inside a link).
    """
    out: list[str] = []
    stack: list[str] = []  # open elements: "a", "ltr" (a bdi dir=ltr), or other names
    pos = 0
    for m in _TAG.finditer(html):
        out.append(_isolate_run(html[pos:m.start()], "ltr" in stack, "a" in stack, hotline))
        out.append(m.group(0))
        name = _TAG_NAME.match(m.group(0))
        if name:
            closing, tag = name.group(1) == "/", name.group(2).lower()
            if closing:
                if stack:
                    stack.pop()
            elif tag not in ("br", "wbr", "img", "hr") and not m.group(0).endswith("/>"):
                ltr = tag == "bdi" and re.search(r"""\bdir\s*=\s*["']?ltr""", m.group(0), re.I)
                stack.append("ltr" if ltr else tag)
        pos = m.end()
    out.append(_isolate_run(html[pos:], "ltr" in stack, "a" in stack, hotline))
    return Markup("".join(out))


def _isolate_run(run: str, in_ltr: bool, in_link: bool, hotline: Hotline | None) -> str:
    """One run of (escaped) text between tags, isolated."""
    if not run:
        return run
    pieces = run.split(HOTLINE) if hotline is not None else [run]
    done = []
    for piece in pieces:
        if in_ltr:
            done.append(piece)
            continue
        text = htmllib.unescape(piece)
        done.append("".join(_wrap(part, kind) if kind else str(escape(part)) for part, kind in _split(text)))
    return str(hotline.html(link=not in_link)).join(done) if hotline is not None else done[0]


def _wrap(part: str, kind: str) -> str:
    # class "num": the stylesheets keep a number on one line (a phone number broken in two is misread).
    if kind in ("phone", "number"):
        return str(Markup('<bdi dir="ltr" class="num">{}</bdi>').format(part))
    return str(Markup('<bdi dir="ltr">{}</bdi>').format(part))


def _split(text: str) -> list[tuple[str, str]]:
    """``text`` cut into (part, kind) pieces; kind is "" for text that is no number or address."""
    parts, pos = [], 0
    for span in find_spans(text):
        if span.start > pos:
            parts.append((text[pos:span.start], ""))
        parts.append((span.text, span.kind))
        pos = span.end
    if pos < len(text):
        parts.append((text[pos:], ""))
    return parts


def isolate_plain_html(text: str, hotline: Hotline | None = None) -> Markup:
    """Plain (unescaped) text as HTML with its numbers and addresses isolated and ``{hotline}`` filled."""
    return isolate_html(str(escape(text)), hotline)


__all__ = ["LRI", "PDI", "HOTLINE", "Span", "Hotline", "digits", "looks_like_phone", "find_spans", "find_phones",
           "find_numbers", "PHONE_DIGITS", "EXACT_DIGITS", "DIALLED_DIGITS",
           "find_urls", "find_emails", "isolate_text", "isolate_html", "isolate_plain_html", "fill_plain"]
