"""Checks on an SVG image from a campaign, before anything renders it.

An SVG is a program for the renderer: 2 kB of nested ``<use>`` elements draw
10⁸ rectangles ("billion laughs" without entities) and hang the build; a
``DOCTYPE`` can define entities that expand the same way; an ``href`` can name
a file or a web address the renderer would fetch; a UTF-16 file hides all of
that from a check that reads bytes. So the file is decoded first (UTF-8 only),
then parsed, then measured without being expanded: how many elements drawing it
would produce once every ``use`` and every reference to a pattern, marker, mask
or clip path is followed, and how deeply they nest.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import xml.parsers.expat
from collections.abc import Callable
from typing import BinaryIO, NoReturn
from xml.etree import ElementTree as ET

#: Elements drawn, counted after following every use and reference: about 10 s of rendering per PDF.
MAX_SVG_ELEMENTS = 50_000
#: Nesting of elements: WeasyPrint draws recursively and silently drops an image nested ~1,000 deep.
MAX_SVG_DEPTH = 100
#: One SVG file (a detailed map is a few MB).
MAX_SVG_BYTES = 10_000_000

_XLINK = "{http://www.w3.org/1999/xlink}href"
#: Raster images an SVG may carry inside itself (data: URLs), checked like any image.
_DATA_IMAGE = re.compile(r"^\s*data:image/(png|jpeg|jpg|gif|webp)(;[^,]*)?,", re.I)
_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.I | re.S)
_DECLARATION = re.compile(rb"^<\?xml[^>]*?encoding\s*=\s*(['\"])([A-Za-z0-9._-]+)\1")
_UTF8_NAMES = {"utf-8", "utf8", "us-ascii", "ascii"}
_BOMS = {b"\x00\x00\xfe\xff": "UTF-32", b"\xff\xfe\x00\x00": "UTF-32", b"\xfe\xff": "UTF-16", b"\xff\xfe": "UTF-16"}
#: References that draw their target (again) where they are used; gradients only colour.
_DRAWN = {"pattern", "marker", "mask", "clipPath", "symbol", "g", "svg", "use", "path", "rect", "circle",
          "ellipse", "line", "polyline", "polygon", "text", "image", "filter"}
_MARKERS = ("marker-start", "marker-mid", "marker-end", "marker")
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


class _Doctype(Exception):
    pass


def svg_problem(data: bytes, image_problem: Callable[[BinaryIO], str | None]) -> str | None:
    """Why the SVG file ``data`` cannot be used, or None. ``image_problem(bytes)`` checks embedded rasters."""
    if len(data) > MAX_SVG_BYTES:
        return f"is an SVG of {len(data) / 1e6:.1f} MB, over the limit of {MAX_SVG_BYTES / 1e6:.0f} MB; simplify it"
    text = _decode(data)
    if not isinstance(text, str):
        return text[0]
    parser = xml.parsers.expat.ParserCreate("UTF-8")  # the declaration was checked: UTF-8 or none

    def refuse(*_: object) -> NoReturn:
        raise _Doctype

    # Stop at the declaration itself: an entity is never expanded, not even once.
    parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = refuse
    try:
        parser.Parse(text.encode("utf-8"), True)
    except _Doctype:
        return "is an SVG with a DOCTYPE or entities, which are not allowed; export it again without them"
    except xml.parsers.expat.ExpatError as exc:
        return f"is not a well-formed SVG file ({exc}); export it again"
    root = ET.fromstring(text.encode("utf-8"))
    if _local(root.tag) != "svg":
        return f"is not an SVG image (its first element is <{_local(root.tag)[:40]}>, not <svg>); export it again as SVG"
    return _content_problem(root, image_problem)


def _decode(data: bytes) -> str | tuple[str]:
    """The file as text, or (problem,): only UTF-8 (or ASCII) SVGs are accepted, with or without a BOM."""
    for bom, name in _BOMS.items():
        if data.startswith(bom):
            return (f"is an SVG saved as {name}; save it as UTF-8 (every editor can)",)
    data = data.removeprefix(b"\xef\xbb\xbf")
    if b"\x00" in data[:4]:  # UTF-16 or UTF-32 without a BOM: '<' is 00 3C or 3C 00
        return ("is an SVG saved as UTF-16 or UTF-32; save it as UTF-8 (every editor can)",)
    declared = _DECLARATION.match(data.lstrip())
    if declared and declared.group(2).decode().lower() not in _UTF8_NAMES:
        return (f"is an SVG declared as {declared.group(2).decode()}; save it as UTF-8 (and say "
                "encoding=\"UTF-8\", or nothing, in its first line)",)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return ("is an SVG that is not UTF-8 text; save it as UTF-8",)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _content_problem(root: ET.Element, image_problem: Callable[[BinaryIO], str | None]) -> str | None:
    ids: dict[str, list[ET.Element]] = {}  # an id given twice: count both (the renderer may take either)
    refs: dict[int, list[tuple[str, str]]] = {}  # element → (id it draws, how: once, inherit or marker)
    stack = [(root, 1)]
    while stack:  # iterative: a file nested 100,000 deep must not exhaust Python's stack here
        element, depth = stack.pop()
        if depth > MAX_SVG_DEPTH:
            return (f"nests elements more than {MAX_SVG_DEPTH} deep; flatten its groups "
                    "(in Inkscape: Ungroup) and export it again")
        tag = _local(element.tag)
        if tag == "script" or any(_local(name).lower().startswith("on") for name in element.attrib):
            return "contains a script or an event handler (onload=…); export it again as a plain drawing"
        own_id = element.get("id")
        if own_id:
            ids.setdefault(own_id, []).append(element)
        found = []
        for name, value in element.attrib.items():
            name = _local(name) if name != _XLINK else "href"
            if name in ("href", "src"):  # src: HTML inside a <foreignObject>, which browsers would load
                value = value.strip()
                if value.startswith("#"):
                    found.append((value[1:], "once"))
                elif tag == "image" and _DATA_IMAGE.match(value):
                    bad = _embedded_problem(value, image_problem)
                    if bad:
                        return bad
                elif value[:5].lower() == "data:":
                    return (f"embeds {value.split(',')[0][:60]!r}; an SVG may embed only PNG, JPEG, GIF or WebP "
                            "images")
                else:
                    return (f"refers to {value[:80]!r} outside itself; an SVG may use only images embedded in it "
                            "(in Inkscape: Embed) and its own #ids")
            declarations = [d.partition(":")[::2] for d in value.split(";")] if name == "style" else [(name, value)]
            for prop, text in declarations:
                for _, target in _URL.findall(text):
                    if not target.strip().startswith("#"):
                        return f"refers to {target[:80]!r} in url(); an SVG may refer only to its own #ids"
                    found.append((target.strip()[1:], _how(prop.strip().lower())))
        if tag == "style":
            sheet = element.text or ""
            if "@import" in sheet.lower() or any(not t.strip().startswith("#") for _, t in _URL.findall(sheet)):
                return "has a style sheet that loads another file (@import or url()); export it again without it"
        if found:
            refs[id(element)] = found
        stack.extend((child, depth + 1) for child in element)
    count = _drawn(root, ids, refs)
    if count is None:
        return "has a use (or url(#…)) that refers to itself, directly or through others; export it again"
    if count > MAX_SVG_ELEMENTS:
        return (f"draws more than {MAX_SVG_ELEMENTS:,} elements once every use and reference is followed "
                "(the limit); simplify it, or export it as PNG")
    return None


def _how(prop: str) -> str:
    """How a url(#…) in this property draws its target: once, on every shape below (inherited), or per vertex."""
    if prop in _MARKERS:
        return "marker"
    return "inherit" if prop in ("fill", "stroke") else "once"


def _vertices(element: ET.Element) -> int:
    """Vertices of a shape (where markers are drawn): at most one per coordinate pair."""
    points = element.get("d") or element.get("points") or ""
    return len(_NUMBER.findall(points)) // 2 + 1 if points else 2 if _local(element.tag) == "line" else 0


def _drawn(root: ET.Element, ids: dict[str, list[ET.Element]], refs: dict[int, list[tuple[str, str]]]) -> int | None:
    """Elements drawn with every reference followed, or None for a cycle. Never expands anything.

    Each element's count is computed once (children and referenced elements first,
    in an explicit post-order walk), so 10⁸ copies take as long as the file has
    elements. An upper bound: a pattern in ``fill`` or ``stroke`` counts as drawn by
    every element below the one that names it (they inherit it), a marker once per
    vertex below it. Counts stop growing past the limit, so a crafted file cannot
    make them huge numbers.
    """
    cap = MAX_SVG_ELEMENTS + 1
    done: dict[int, tuple[int, int]] = {}  # element → (elements drawn, vertices drawn), through uses
    on_path: set[int] = set()
    stack: list[tuple[ET.Element, bool]] = [(root, False)]
    while stack:
        element, expanded = stack.pop()
        key = id(element)
        if expanded:
            on_path.discard(key)
            drawn = 1 + sum(done[id(child)][0] for child in element)
            vertices = _vertices(element) + sum(done[id(child)][1] for child in element)
            once = [(how, done[id(other)]) for target, how in refs.get(key, ()) for other in _targets(ids, target)]
            for how, (d, v) in once:  # a use (or clip path, mask, filter) draws its target once, here
                if how == "once":
                    drawn, vertices = drawn + d, vertices + v
            for how, (d, _) in once:
                if how == "inherit":
                    drawn += drawn * d
                elif how == "marker":
                    drawn += max(vertices, 1) * d
            done[key] = (min(drawn, cap), min(vertices, cap))
            continue
        if key in done:
            continue
        if key in on_path:
            return None
        on_path.add(key)
        stack.append((element, True))
        for child in element:
            if id(child) in on_path:
                return None
            if id(child) not in done:
                stack.append((child, False))
        for target, _ in refs.get(key, ()):
            for other in _targets(ids, target):
                if id(other) in on_path:
                    return None
                if id(other) not in done:
                    stack.append((other, False))
    return done[id(root)][0]


def _targets(ids: dict[str, list[ET.Element]], target: str) -> list[ET.Element]:
    return [e for e in ids.get(target, ()) if _local(e.tag) in _DRAWN]


def _embedded_problem(url: str, image_problem: Callable[[BinaryIO], str | None]) -> str | None:
    head, _, payload = url.partition(",")
    try:
        raw = base64.b64decode(payload, validate=False) if ";base64" in head.lower() else payload.encode("latin-1")
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return "has an embedded image that cannot be decoded; embed it again"
    bad = image_problem(io.BytesIO(raw))
    return f"has an embedded image that {bad}" if bad else None
