"""Where each message appears and how much room it has, read from the outputs themselves.

The source locale's outputs are rendered once with every message wrapped in
invisible marks (private-use characters, see :class:`Tracer`): a *traced*
render. The marks are then turned into ``<span data-msg="N">`` elements, so the
HTML says which element (the *slot*) each message landed in, and, for the
print outputs, WeasyPrint's layout says on which page, inside which fixed box
(``data-fit``) and with how much room (``render/pdf.py``, the same measure the
overflow check uses). Nothing here is a hand-kept table: a new template, slot
or box shows up in the next ``toolbox i18n extract``.
"""

from __future__ import annotations

import html as htmllib
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from .localize import TRACE

_START, _SEP, _END = "\ue000", "\ue001", "\ue002"
_DIGIT = 0xE010  # U+E010..U+E019 stand for 0..9: real digits would be isolated as numbers
_MARKS = re.compile(f"[{_START}{_SEP}{_END}\ue010-\ue019]")
_TOKEN = re.compile(f"{_START}([\ue010-\ue019]+){_SEP}|{_END}")


class Tracer:
    """The translation of every message while tracing: the message, marked with its number."""

    def __init__(self, plurals: dict[str, str] | None = None, translated: bool = False) -> None:
        #: Mark each translation (a locale's screenshots) instead of the source text (extract's survey).
        self.translated = translated
        self.ids: list[str] = []
        self._numbers: dict[str, int] = {}
        self.plurals = plurals or {}  # plural text → its msgid (ngettext passes the form it shows)

    def number(self, msgid: str) -> int:
        msgid = self.plurals.get(msgid, msgid)
        if msgid not in self._numbers:
            self._numbers[msgid] = len(self.ids)
            self.ids.append(msgid)
        return self._numbers[msgid]

    def __call__(self, msgid: str) -> str:
        return self.mark(msgid, msgid.rsplit("\x04", 1)[-1])  # a context is no text

    def mark(self, msgid: str, text: str) -> str:
        if not msgid or not text:
            return text
        code = "".join(chr(_DIGIT + int(d)) for d in str(self.number(msgid)))
        return f"{_START}{code}{_SEP}{text}{_END}"


@contextmanager
def tracing(tracer: Tracer) -> Iterator[Tracer]:
    token = TRACE.set(tracer)
    try:
        yield tracer
    finally:
        TRACE.reset(token)


def unmarked(text: str) -> str:
    return _TOKEN.sub("", text)


def _decode(code: str) -> int:
    return int("".join(str(ord(c) - _DIGIT) for c in code))


@dataclass(frozen=True)
class Use:
    """One message in one element of a traced page."""

    msg: int
    slot: str  # what the element is: its class ("headline"), or its kind ("heading", "page title")
    laid_out: bool = True  # text of the page, not an attribute or the document's title

_TAGS = {"h1": "heading", "h2": "heading", "h3": "heading", "h4": "heading", "h5": "heading", "h6": "heading",
         "p": "paragraph", "li": "list item", "a": "link", "button": "button", "th": "table heading",
         "td": "table cell", "title": "page title", "figcaption": "caption", "label": "label", "summary": "summary",
         "caption": "table caption", "dt": "term", "dd": "description", "strong": "", "em": "", "span": "",
         "bdi": "", "small": "", "div": "", "section": "", "main": "", "header": "", "footer": "", "nav": "",
         "aside": "", "details": "", "ul": "", "ol": "", "table": "", "thead": "", "tbody": "", "tr": "", "body": "",
         "html": "", "article": "", "b": "", "i": "", "sup": "", "sub": ""}
#: What a message in an attribute is for a reader.
_ATTRS = {"alt": "image text for screen readers", "aria-label": "label for screen readers",
          "content": "page description", "title": "tooltip", "placeholder": "placeholder"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_RAW = {"script", "style", "title", "textarea"}
_TAG_RE = re.compile(r"<!--.*?-->|<[^>]*>", re.S)
_NAME = re.compile(r"</?\s*([a-zA-Z][\w-]*)")
_CLASS = re.compile(r'\sclass="([^"]*)"')
_ATTR = re.compile(r'([\w:-]+)\s*=\s*"([^"]*)"')


def _slot(stack: list[tuple[str, str, int]]) -> str:
    """The nearest element that says what it is: a class names a designed slot, else the tag's kind."""
    for name, classes, _ in reversed(stack):
        own = [c for c in classes.split() if c not in ("num", "push", "box", "small")]
        if own:
            return own[0].replace("-", " ")
        kind = _TAGS.get(name)
        if kind:
            return kind
        if kind is None:
            return name
    return "page"


def annotate(page: str) -> tuple[str, list[Use]]:
    """A traced page as plain HTML, each message in text wrapped in ``<span data-msg="N">``.

    Messages in attributes (``alt``, ``aria-label``, ``content``) and raw text
    (``<title>``) cannot hold an element: the marks are removed and the use is
    recorded with the attribute as slot. A message whose marks do not sit in one
    element (it spans several) marks the element that holds both.
    """
    out: list[str] = []
    uses: list[Use] = []
    # Scripts and style sheets are set aside whole: "a < b" in a script is no tag.
    kept: list[str] = []

    def keep(m: re.Match) -> str:
        kept.append(unmarked(m.group(3)))
        return f"{m.group(1)}\ue020{len(kept) - 1}\ue021{m.group(4)}"

    page = re.sub(r"(<(script|style)\b[^>]*>)(.*?)(</\2\s*>)", keep, page, flags=re.S | re.I)
    stack: list[tuple[str, str, int]] = []  # (tag, classes, index in out of its start tag)
    open_marks: list[tuple[int, int, int]] = []  # (msg, depth, index in out of the placeholder)
    pieces = _TAG_RE.split(page)
    tags = _TAG_RE.findall(page)
    for i, text in enumerate(pieces):
        if stack and stack[-1][0] in _RAW:
            for code in re.findall(f"{_START}([\ue010-\ue019]+){_SEP}", text):
                uses.append(Use(_decode(code), _TAGS.get(stack[-1][0]) or stack[-1][0], False))
            out.append(unmarked(text))
        else:
            last = 0
            for t in _TOKEN.finditer(text):
                out.append(text[last:t.start()])
                last = t.end()
                if t.group(1):
                    open_marks.append((_decode(t.group(1)), len(stack), len(out)))
                    out.append("")
                elif open_marks:
                    msg, depth, at = open_marks.pop()
                    uses.append(Use(msg, _slot(stack)))
                    if depth == len(stack):
                        out[at] = f'<span data-msg="{msg}" data-use="{len(uses) - 1}">'
                        out.append("</span>")
                    else:  # the message holds elements of its own ends: mark the element holding it
                        level = min(depth, len(stack))
                        holder = stack[level - 1][2] if level else None
                        if holder is not None:
                            # msg is a number, so the only group reference in the replacement is the one to the end of the tag
                            out[holder] = re.sub(r"(\s*/?>)$", f' data-msgs="{msg}"\\1', out[holder], count=1)
            out.append(text[last:])
        if i >= len(tags):
            break
        tag = tags[i]
        name_m = _NAME.match(tag)
        if tag.startswith("<!") or name_m is None:
            out.append(tag)
            continue
        name = name_m.group(1).lower()
        if _START in tag:
            for attr, value in _ATTR.findall(tag):
                for code in re.findall(f"{_START}([\ue010-\ue019]+){_SEP}", htmllib.unescape(value)):
                    uses.append(Use(_decode(code), _ATTRS.get(attr.lower(), f"{name} {attr}"), False))
            tag = unmarked(tag)
        if tag.startswith("</"):
            while stack:
                if stack.pop()[0] == name:
                    break
            out.append(tag)
            continue
        out.append(tag)
        if name not in _VOID and not tag.endswith("/>"):
            classes = _CLASS.search(tag)
            stack.append((name, classes.group(1) if classes else "", len(out) - 1))
    result = _MARKS.sub("", "".join(out))
    return re.sub("\ue020(\\d+)\ue021", lambda m: kept[int(m.group(1))], result), uses


@dataclass
class Room:
    """The room a fixed box gives one message: Weblate's ``max-size:WIDTH:LINES`` at ``font-size``."""

    width: int  # px, at ``font_size``
    lines: int
    font_size: int  # px
    line_px: float

    @property
    def capacity(self) -> float:
        """About how many characters fit (to pick the tightest of several places)."""
        return self.width / max(self.font_size, 1) * self.lines

    def flags(self, family: str, line_scale: float = 1.0) -> list[str]:
        """The flags for a locale whose lines are ``line_scale`` × the source's height."""
        lines = max(1, math.floor(self.lines / line_scale + 1e-6))
        return [f"max-size:{self.width}:{lines}", f"font-family:{family}", f"font-size:{self.font_size}"]


def room_of(placed: Any, share: float = 1.0) -> Room | None:  # a render.pdf.MessagePlace (a higher layer)
    """The room of a message laid out in a fixed box (``render/pdf.py`` MessagePlace), None outside one.

    ``share``: the part of the box's free height this message may take. Shares
    are in proportion to the height each message of the box takes now, so that
    when every translation grows to its limit, the box is just full.
    """
    if not placed.fit or placed.line_px <= 0:
        return None
    lines = placed.lines + max(0, math.floor((placed.slack * share + 0.5) / placed.line_px))
    size = max(1, round(placed.font_size))
    # Weblate takes a whole number of px: keep the width in proportion to the size it is given.
    width = math.floor(placed.width * size / placed.font_size)
    return Room(width, lines, size, placed.line_px)


@dataclass
class Place:
    """One place a message appears in: an output, the fixed box in it, the slot."""

    output: str  # "card", "leaflet", "share-square", "microsite group page", "text message (SMS)"
    box: str = ""
    slot: str = ""
    room: Room | None = None
    # For screenshots: the PNG's name, the page and where the text and its box are (px on the page).
    shot: str = ""
    page: int = 0
    rect: tuple[float, float, float, float] | None = None
    fit_rect: tuple[float, float, float, float] | None = None

    def output_box(self) -> str:
        return self.output + (f" › {self.box}" if self.box and self.box != self.output else "")

    def describe(self) -> str:
        return self.output_box() + (f" › {self.slot}" if self.slot else "")


@dataclass
class Survey:
    """Every place each message (msgid) was found in."""

    places: dict[str, list[Place]] = field(default_factory=dict)

    def add(self, msgid: str, place: Place) -> None:
        found = self.places.setdefault(msgid, [])
        if all(p.describe() != place.describe() or p.room != place.room or p.shot != place.shot for p in found):
            found.append(place)

    def where(self, msgid: str) -> str:
        """The extracted comment: each output (and box) once, with the slots the message fills there."""
        slots: dict[str, list[str]] = {}
        for place in self.places.get(msgid, ()):
            found = slots.setdefault(place.output_box(), [])
            if place.slot and place.slot not in found:
                found.append(place.slot)
        parts = [name + (f" ({', '.join(found)})" if found else "") for name, found in slots.items()]
        return "Appears in: " + "; ".join(parts) + "." if parts else ""

    def tightest(self, msgid: str) -> Room | None:
        rooms = [p.room for p in self.places.get(msgid, ()) if p.room is not None]
        return min(rooms, key=lambda r: (r.capacity, r.lines)) if rooms else None

    def merge(self, other: Survey) -> None:
        for msgid, places in other.places.items():
            for place in places:
                self.add(msgid, place)
