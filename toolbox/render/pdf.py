"""HTML → PDF. The only module that imports WeasyPrint.

Everything else hands it HTML and gets back bytes, a page count, the problems
WeasyPrint logged, and what the print checks need from the laid-out document:
the fixed-size boxes (elements with a ``data-fit`` attribute) and how tall their
content really is, the characters drawn as missing glyphs, and the font
families embedded with the characters each one draws.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..theme import Theme
from .fit import MAX_LAYOUTS, Fill, FitRange, Fitter, scale_css

if TYPE_CHECKING:  # imported where a press render needs them
    from .cmyk import Converter
    from .pressdata import PressSetup

# WeasyPrint is imported when the first PDF is rendered, not with this module:
# it takes a quarter of a second, and a rebuild with nothing to render needs
# none of it.

#: PDF variants a build may ask for. PDF/UA-1 (tagged, accessible) is the default; PDF/X for the print shop.
VARIANTS = ("pdf/ua-1", "pdf/a-3b", "pdf/x-4", "pdf/x-1a")
#: Raster images are converted to CMYK on their way into a press render (cmyk.Converter.image).
_RASTER = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".tif", ".tiff", ".bmp")

#: Tolerance, in CSS px (1/96 in), before content counts as pushed out of its box.
FIT_TOLERANCE = 1.0


_NOTDEF = re.compile(r"\.notdef glyph rendered.*\(U\+([0-9A-F]{4,6})\)")
#: Warnings we know and accept. print.css keeps `unicode-bidi: embed` on <bdi> for other renderers
#: and for the day WeasyPrint supports it; WeasyPrint 70 ignores it (direction: ltr does the work).
_ACCEPTED = re.compile(r"Ignored `unicode-bidi: (embed|isolate)")

# WeasyPrint ships no type information: its objects (documents, boxes, fetchers) are Any here.
_fonts: Any = None


def font_config() -> Any:
    """One FontConfiguration per process: loading @font-face files is costly."""
    global _fonts
    if _fonts is None:
        from weasyprint.text.fonts import FontConfiguration

        _fonts = FontConfiguration()
    return _fonts


def forget_fonts() -> None:
    """Start the next render with a new FontConfiguration (after one was interrupted halfway)."""
    global _fonts
    _fonts = None


@dataclass
class FitBox:
    """A fixed-size box (``data-fit="label"``) whose content does not fit in it."""

    label: str
    page: int  # 1-based
    height: float  # the box's fixed content height, mm
    needed: float  # the height its content takes, mm
    text: str  # the paragraph pushed out (or, for width, the text that is too wide)
    dimension: str = "height"  # or "width": a word, number or address wider than the box


@dataclass
class Collision:
    """A mark (an element with ``data-mark="label"``, e.g. the draft mark) drawn over content."""

    label: str
    page: int  # 1-based
    covered: str  # the text it covers, or "an image"


@dataclass
class TextLine:
    """One laid-out line of text and how it is set (for the Easy Read check, render/easyread.py)."""

    page: int  # 1-based
    text: str
    sizes: list[float]  # font sizes of its runs, pt
    italic: bool  # a run is set oblique or italic
    hyphens: str  # "auto" when the line's block may be hyphenated
    align: str  # the block's text-align: start, end, left, right, center, justify
    direction: str  # ltr or rtl
    capitals: bool  # a run is set in capitals by text-transform


@dataclass
class PdfResult:
    data: bytes
    pages: int
    warnings: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # characters drawn as .notdef
    fonts: dict[str, str] = field(default_factory=dict)  # embedded family → characters it draws
    overflows: list[FitBox] = field(default_factory=list)
    collisions: list[Collision] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)  # files the HTML asked to embed: left out
    scales: dict[str, float] = field(default_factory=dict)  # fitted boxes (data-fit label) → type scale
    layouts: int = 1  # how many times the document was laid out (copyfitting measures, then lays out again)
    lines: list[TextLine] = field(default_factory=list)  # only when asked for (render_pdf(lines=True))
    images: list[Placed] = field(default_factory=list)  # raster images as laid out (press renders)
    near_trim: list[NearTrim] = field(default_factory=list)  # text and images inside the safe zone (press renders)

    @property
    def scale(self) -> float | None:
        """The smallest type scale of the output (its fitted boxes'), None when nothing was fitted."""
        return min(self.scales.values()) if self.scales else None


@dataclass
class Placed:
    """A raster image as printed: its source and its effective resolution at its laid-out size."""

    src: str
    page: int
    ppi: float


@dataclass
class NearTrim:
    """Text or an image closer to the trim than the safe zone."""

    page: int
    what: str  # the text, or "an image", "the QR code"
    distance: float  # mm from the nearest trim edge (negative: beyond it)


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def project_fetcher(roots: list[Path], converter: Converter | None = None, theme: Theme | None = None) -> Any:
    """A URL fetcher that reads only ``file:`` and ``data:`` URLs, and files only inside ``roots``: no network.

    The scheme is compared in lowercase (``FILE:`` is ``file:``), and a file is
    opened by the path that was checked, never by the URL as given. With a
    ``converter`` (press renders), stylesheets, SVG and raster images come back
    in CMYK (``cmyk.Converter``). With a ``theme``, a file named inside one of its folders
    (``print.css`` beside the project's print templates) is read from the first folder that has
    it: the project's override, else the built-in file.
    """
    from weasyprint.urls import URLFetcher

    from ..campaign.urls import file_path, scheme

    class ProjectFetcher(URLFetcher):  # type: ignore[misc]  # Any: WeasyPrint is untyped
        def __init__(self) -> None:
            super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
            self.roots = [r.resolve() for r in [*roots, *(theme.folders if theme else ())]]

        def fetch(self, url: str, headers: Any = None) -> Any:
            kind = scheme(url)
            if kind == "data":
                return self._convert(url, super().fetch(url, headers))
            if kind != "file":
                raise ValueError(f"refusing to load {url[:80]}: only files inside the project are allowed")
            path = file_path(url)
            if path is None:
                raise ValueError(f"refusing to load {url[:80]}: not a file on this computer")
            path = path.resolve()
            if theme is not None:
                path = theme.resolve(path).resolve()
            if not any(path.is_relative_to(r) for r in self.roots):
                raise ValueError(f"refusing to read {path}: only files inside the project are allowed")
            return self._convert(url, super().fetch(path.as_uri(), headers))

        def _convert(self, url: str, response: Any) -> Any:
            if converter is None:
                return response
            from weasyprint.urls import URLFetcherResponse

            kind = response.content_type or ""
            name = url.split("?")[0].lower()
            if kind == "text/css" or name.endswith(".css"):
                body = converter.css(response.read().decode(response.charset or "utf-8"))
            elif kind == "image/svg+xml" or name.endswith(".svg"):
                body = converter.svg(response.read().decode(response.charset or "utf-8"))
            elif kind.startswith("image/") or name.endswith(_RASTER):
                data = response.read()
                converted = converter.image(data)
                response.close()
                if converted is None:
                    return URLFetcherResponse(response.url, data, response.headers)
                # Not a file: URL, or WeasyPrint reads the original (RGB) file again from disk.
                return URLFetcherResponse("cmyk:" + url, converted, {"Content-Type": "image/jpeg"})
            else:
                return response
            response.close()
            return URLFetcherResponse(response.url, body, response.headers)

    return ProjectFetcher()


def _folder_url(folder: Path) -> str:
    """The URL relative links of a page resolve against: a folder's, with its trailing slash even when the folder
    does not exist (a project without templates/print/ of its own still names its print.css, found in the theme)."""
    return folder.resolve().as_uri() + "/"


def render_pdf(html: str, base_url: Path, allowed_roots: list[Path], variant: str = "pdf/ua-1",
               press: PressSetup | None = None, fit: FitRange | None = None, lines: bool = False,
               theme: Theme | None = None, ink: dict | None = None) -> PdfResult:
    """Render ``html``. With ``press`` (a ``pressdata.PressSetup``): PDF/X in CMYK with the profile as output intent.
    With ``fit``, copyfit its ``data-fit`` boxes first (render/fit.py); with ``lines``, report every laid-out line."""
    capture = _Capture()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(capture)
    level = logger.level
    # Missing glyphs are logged as warnings: hear them even when the command line is quiet.
    if level == logging.NOTSET or level > logging.WARNING:
        logger.setLevel(logging.WARNING)
    try:
        from weasyprint import HTML

        fetcher = project_fetcher(allowed_roots, press.converter if press else None, theme)
        color_profiles: dict = {}
        if press is not None:
            html = press.converter.html(html)
            variant = press.variant
            # The output intent. WeasyPrint counts the profile's components from this list (pdfx.finish sets /N 4).
            rule = f"@color-profile device-cmyk {{ src: url({press.profile.path.resolve().as_uri()}); components: c m y k }}"
            html = html.replace("</head>", f"<style>{rule}</style>\n</head>", 1)
        source = HTML(string=html, base_url=_folder_url(base_url), url_fetcher=fetcher)

        def lay_out(stylesheets: Iterable[Any] = ()) -> Any:
            return source.render(font_config=font_config(), color_profiles=color_profiles, stylesheets=list(stylesheets))

        document = lay_out()
        scales: dict[str, float] = {}
        layouts = 1
        if fit is not None:
            document, scales, layouts = _copyfit(lay_out, document, fit, capture)
        attachments = _drop_attachments(document)
        data = document.write_pdf(pdf_variant=variant, pdf_tags=True, uncompressed_pdf=False)
        if press is not None:
            from .pdfx import finish

            data = finish(data, press.profile, press.converter, opaque=press.variant == "pdf/x-1a")
    finally:
        logger.removeHandler(capture)
        logger.setLevel(level)
    missing: list[str] = []
    warnings: list[str] = []
    for message in capture.messages:
        found = _NOTDEF.search(message)
        if found:
            char = chr(int(found.group(1), 16))
            if char not in missing:
                missing.append(char)
        elif not _ACCEPTED.search(message):
            warnings.append(message)
    fonts: dict[str, str] = {}
    for font in document.fonts.values():
        chars = "".join(sorted(set("".join(str(v) for v in font.to_unicode.values()))))
        fonts[font.family] = "".join(sorted(set(fonts.get(font.family, "") + chars)))
    result = PdfResult(data, len(document.pages), warnings, missing, fonts, _overflows(document),
                       _collisions(document, ink or {}), attachments, scales, layouts, _lines(document) if lines else [])
    if press is not None:
        result.images, result.near_trim = _placed(document, press.safe_zone)
    return result


def _lines(document: Any) -> list[TextLine]:
    """Every line of text, page by page, with the style of its runs; marks (data-mark) left out."""
    found: list[TextLine] = []
    for number, page in enumerate(document.pages, 1):
        _collect_lines(page._page_box, number, found, False)  # noqa: SLF001 - no public layout tree
    return found


def _collect_lines(box: Any, page: int, found: list[TextLine], marked: bool) -> None:
    element = getattr(box, "element", None)
    if element is not None and getattr(box, "element_tag", None) and element.get("data-mark"):
        marked = True
    if _is_line(box):
        runs = [d for d in box.descendants() if type(d).__name__ == "TextBox" and d.text.strip()]
        marked = marked or any(getattr(d, "element", None) is not None and getattr(d, "element_tag", None)
                               and d.element.get("data-mark") for d in box.descendants())
        if runs and not marked:
            style = box.style
            found.append(TextLine(
                page, " ".join(" ".join(r.text for r in runs).split()),
                sorted({round(r.style["font_size"] * 0.75, 2) for r in runs}),
                any(r.style["font_style"] != "normal" for r in runs), str(style["hyphens"]),
                str(style["text_align_all"]), str(style["direction"]),
                any(r.style["text_transform"] in ("uppercase", "capitalize") for r in runs)))
        return
    for child in getattr(box, "children", ()):
        _collect_lines(child, page, found, marked)


def _copyfit(lay_out: Callable[..., Any], document: Any, fit: FitRange, capture: _Capture) -> tuple[Any, dict[str, float], int]:
    """Lay the document out again with each fitted box's scale until all fit: (document, scales, layouts)."""
    from weasyprint import CSS

    fitter = Fitter(fit)
    fills = measure_fills(document)
    scales: dict[str, float] = {label: 1.0 for label in fills}
    layouts = 1
    while layouts < MAX_LAYOUTS:
        chosen = fitter.next_scales(fills)
        if chosen is None:
            break
        scales = {**scales, **chosen}
        # Each layout logs the same warnings (a missing glyph, an unknown property): keep one copy.
        seen = len(capture.messages)
        document = lay_out([CSS(string=scale_css(scales, fitter.leading))])
        del capture.messages[seen:]
        fills = measure_fills(document)
        layouts += 1
    else:
        settled = fitter.settle(fills)
        if settled is not None:  # the last try overflowed: go back to the largest scale that fitted
            scales = {**scales, **settled}
            seen = len(capture.messages)
            document = lay_out([CSS(string=scale_css(scales, fitter.leading))])
            del capture.messages[seen:]
            layouts += 1
    return document, {label: round(scale, 3) for label, scale in scales.items()}, layouts


def measure_fills(document: Any) -> dict[str, Fill]:
    """How much of each ``data-fit`` box (by label) its content takes, free space (``.push``) left out.

    A box split across pages adds up its content on every page; the columns of a
    multi-column box (boxes of the same element on one page) count once, by the tallest.
    """
    fills: dict[str, Fill] = {}
    for page in document.pages:
        extents: dict[int, tuple[str, float, float]] = {}  # element → (label, available, needed) on this page
        for box in page._page_box.descendants():  # noqa: SLF001 - no public layout tree
            element: Any = getattr(box, "element", None)
            if element is None or not element.get("data-fit") or getattr(box, "element_tag", None) is None:
                continue
            top = box.content_box_y()
            bottom, free = top, 0.0
            left, right = box.content_box_x() - FIT_TOLERANCE, box.content_box_x() + box.width + FIT_TOLERANCE
            wider = 1.0  # text too wide for the box (a number that must not break): how much too wide
            for child, _ in _walk(box):
                if _pokes_out(child, left, right) and box.width > 0:
                    wider = max(wider, (max(child.position_x + child.width, right) - min(child.position_x, left))
                                / (right - left))
                if not hasattr(child, "margin_height") or type(child).__name__ in _INLINE:
                    continue
                if getattr(child, "element", None) is element:
                    continue  # a column of this box: its lines count, not its height
                if _is_push(child):
                    free += child.margin_height()
                    continue
                bottom = max(bottom, child.position_y + child.margin_height() - (child.margin_bottom or 0))
            label, available, needed = extents.get(id(element), (element.get("data-fit"), box.height, 0.0))
            needed = max(needed, bottom - top - free, box.height * wider if wider > 1.0 else 0.0)
            columns = _columns(box)
            if columns:  # more columns than the box has: they run off its side, each a full height
                needed = max(needed, box.height * len(columns) / box.style["column_count"])
            extents[id(element)] = (label, available, needed)
        for label, available, needed in extents.values():
            if label in fills:
                fills[label].needed += needed
            else:
                fills[label] = Fill(available, max(0.0, needed))
    return fills


def _columns(box: Any) -> list:
    """The columns of a multi-column box when there are more than it has room for (WeasyPrint adds them beside it)."""
    count = box.style["column_count"]
    if not isinstance(count, int):
        return []
    columns = [c for c in getattr(box, "children", ()) if getattr(c, "element", None) is box.element]
    return columns if len(columns) > count else []


def _is_push(box: Any) -> bool:
    """``<div class="push">``: the free space of a fixed-height column, not content."""
    element = getattr(box, "element", None)
    return element is not None and getattr(box, "element_tag", None) is not None \
        and "push" in (element.get("class") or "").split()


def _drop_attachments(document: Any) -> list[str]:
    """Leave out every file the HTML asks to embed in the PDF, and say which.

    WeasyPrint embeds the target of ``<link rel="attachment">`` and of
    ``<a rel="attachment">`` in the PDF: a leaflet would carry a file from the
    project (or, with a fetcher bug, from anywhere) to every reader. No leaflet
    needs one, so none is written, whatever the template says.
    """
    dropped = [_attachment_url(a) for a in document.metadata.attachments]
    document.metadata.attachments = []
    for page in document.pages:
        dropped += [target for kind, target, *_ in page.links if kind == "attachment"]
        page.links = [link for link in page.links if link[0] != "attachment"]
    return dropped


def _attachment_url(attachment: Any) -> str:
    # WeasyPrint keeps the URL only in the arguments of the (not yet entered) context
    # manager that will fetch it: select_source(guess, filename, url, ...).
    args = getattr(attachment.source, "args", ())
    return next((str(a) for a in args[:3] if a), "a file")


_PX_TO_MM = 25.4 / 96
_INLINE = {"TextBox", "InlineBox"}


def _overflows(document: Any) -> list[FitBox]:
    found: list[FitBox] = []
    seen: set[int] = set()  # elements met on an earlier page: a box met again was split across pages
    tallest: dict[int, tuple[float, str]] = {}  # element → (height, text) of its tallest paragraph so far
    for number, page in enumerate(document.pages, 1):
        on_page: set[int] = set()
        for box in page._page_box.descendants():  # noqa: SLF001 - WeasyPrint has no public layout tree
            element = getattr(box, "element", None)
            if element is None or not element.get("data-fit") or getattr(box, "element_tag", None) is None:
                continue
            on_page.add(id(element))
            top = box.content_box_y()
            limit = top + box.height + FIT_TOLERANCE
            left = box.content_box_x() - FIT_TOLERANCE
            right = box.content_box_x() + box.width + FIT_TOLERANCE
            bottom, first, wide = top, None, None
            for child, parent in _walk(box):
                if not hasattr(child, "margin_height"):
                    continue
                if wide is None and _pokes_out(child, left, right):
                    wide = child
                if type(child).__name__ in _INLINE:
                    continue  # glyph boxes may poke out of a tight line box; the line itself counts
                child_bottom = child.position_y + child.margin_height() - (child.margin_bottom or 0)
                bottom = max(bottom, child_bottom)
                if first is None and child_bottom > limit and _is_line(child):
                    first = parent  # the paragraph or list item the line belongs to
                if _is_line(child) and parent.height > tallest.get(id(element), (0, ""))[0]:
                    text = _text(parent)
                    if len(text) > 3:  # not a list marker's own line
                        tallest[id(element)] = (parent.height, text)
            columns = _columns(box)
            if columns:
                extra = columns[box.style["column_count"]]
                found.append(FitBox(element.get("data-fit"), number, round(box.height * _PX_TO_MM, 1),
                                    round(box.height * len(columns) / box.style["column_count"] * _PX_TO_MM, 1),
                                    _text(next((c for c in extra.children if _text(c)), extra))))
                continue
            if id(element) in seen:
                # The box was split: its content ran on to this page (the page count check reports the page).
                # Name the tallest paragraph of the box, on any page: the likeliest too-long text.
                found.append(FitBox(element.get("data-fit"), number, round(box.height * _PX_TO_MM, 1),
                                    round((bottom - top) * _PX_TO_MM, 1), tallest.get(id(element), (0, ""))[1], "page"))
                continue
            if bottom > limit:
                found.append(FitBox(element.get("data-fit"), number, round(box.height * _PX_TO_MM, 1),
                                    round((bottom - top) * _PX_TO_MM, 1), _text(first) if first else ""))
            if wide is not None:
                found.append(FitBox(element.get("data-fit"), number, round(box.width * _PX_TO_MM, 1),
                                    round(wide.width * _PX_TO_MM, 1), " ".join(wide.text.split()), "width"))
        seen |= on_page
    return found


def _pokes_out(box: Any, left: float, right: float) -> bool:
    """A run of visible text reaching past a side of its fixed box (a space at a line's end does not count)."""
    return type(box).__name__ == "TextBox" and bool(box.text.strip()) and (
        box.position_x < left or box.position_x + box.width > right)


def _walk(box: Any, parent: Any = None) -> Iterator[tuple[Any, Any]]:
    for child in getattr(box, "children", ()):
        yield child, box
        # List markers hang outside their item by design (and on the item's own side in mixed directions).
        if not str(getattr(child, "element_tag", "") or "").endswith("::marker"):
            yield from _walk(child, box)


def _is_line(box: Any) -> bool:
    return type(box).__name__ == "LineBox"


def _text(box: Any) -> str:
    parts = [d.text for d in box.descendants() if type(d).__name__ == "TextBox"]
    return " ".join(" ".join(parts).split())


#: Overlap, in CSS px, below which a mark and a text only touch (anti-aliasing, rounding).
COLLIDE_TOLERANCE = 0.5
_REPLACED = {"InlineReplacedBox", "BlockReplacedBox"}


def _collisions(document: Any, ink: dict) -> list[Collision]:
    """Marks (``data-mark``) drawn over text or images, per page: measured on the laid-out boxes."""
    found: list[Collision] = []
    for number, page in enumerate(document.pages, 1):
        marks: list[tuple[str, tuple[float, float, float, float]]] = []
        content: list[tuple[str, tuple[float, float, float, float]]] = []
        _collect(page._page_box, None, marks, content, ink)  # noqa: SLF001 - as above
        for label, rect in marks:
            covered = [what for what, other in content if _overlap(rect, other)]
            if covered:
                found.append(Collision(label, number, _summary(covered)))
    return found


def _collect(box: Any, mark: str | None, marks: list, content: list, ink: dict) -> None:
    element = getattr(box, "element", None)
    own = element.get("data-mark") if element is not None and getattr(box, "element_tag", None) else None
    if own and mark is None and hasattr(box, "border_box_x"):
        marks.append((own, (box.border_box_x(), box.border_box_y(), box.border_width(), box.border_height())))
        mark = own
    kind = type(box).__name__
    if mark is None and kind == "TextBox" and box.text.strip():
        content.append((" ".join(box.text.split()), _ink(box, ink)))
    elif mark is None and kind in _REPLACED:
        content.append(("an image", (box.border_box_x(), box.border_box_y(), box.border_width(), box.border_height())))
    for child in getattr(box, "children", ()):
        _collect(child, mark, marks, content, ink)


def _ink(box: Any, reach: dict) -> tuple[float, float, float, float]:
    """Where a run of text can put ink: from a little above its letters' tops to below its descenders.

    A text box is as tall as its font's line metrics, which for Arabic-script faces reach far above
    and below the letters (a 20 pt heading's box is 56 px tall); that empty room touching a pictogram
    is not a mark over the text. Marks above Arabic letters stay inside 0.95 em, descenders 0.45 em,
    unless fonts.toml's ``[ink]`` (``reach``) says a family of the run reaches further (Nastaliq):
    then a run with letters beyond ASCII, which that family may draw, is measured by it."""
    size = float(box.style["font_size"])
    baseline = getattr(box, "baseline", None)
    if not isinstance(baseline, (int, float)):
        return (box.position_x, box.position_y, box.width, box.height)
    above, below = 0.95, 0.45
    if reach and any(ord(c) > 0x7F and c.isalpha() for c in box.text):
        for family in box.style["font_family"]:
            if family in reach:
                above = max(above, float(reach[family].get("above", above)))
                below = max(below, float(reach[family].get("below", below)))
    top = max(box.position_y, box.position_y + baseline - above * size)
    bottom = min(box.position_y + box.height, box.position_y + baseline + below * size)
    return (box.position_x, top, box.width, max(0.0, bottom - top))


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    width = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    height = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return width > COLLIDE_TOLERANCE and height > COLLIDE_TOLERANCE


def _summary(covered: list[str]) -> str:
    words = " ".join(dict.fromkeys(covered))  # in reading order, each text once
    return words if len(words) <= 80 else words[:79] + "…"


def _placed(document: Any, safe_zone: float) -> tuple[list[Placed], list[NearTrim]]:
    """Raster images with their effective resolution, and what lies inside the safe zone, per page."""
    images: list[Placed] = []
    near: list[NearTrim] = []
    zone = safe_zone / _PX_TO_MM
    for number, page in enumerate(document.pages, 1):
        width, height = page.width, page.height
        for box, inside_mark, in_qr in _boxes(page._page_box):  # noqa: SLF001 - no public layout tree
            kind = type(box).__name__
            if kind in _REPLACED:
                rect = (box.content_box_x(), box.content_box_y(), box.width, box.height)
                image = getattr(box, "replacement", None)
                pixels = getattr(image, "width", None)
                if type(image).__name__ == "RasterImage" and pixels and box.width:
                    images.append(Placed(box.element.get("src", "an image") if box.element is not None else "an image",
                                         number, round(pixels / (box.width / 96), 0)))
                what = "the QR code" if in_qr else "an image"
            elif kind == "TextBox" and box.text.strip():
                rect = (box.position_x, box.position_y, box.width, box.height)
                what = " ".join(box.text.split())
            else:
                continue
            if inside_mark:
                continue  # the draft mark: a draft is not for the press anyway
            x, y, w, h = rect
            if x + w <= 0 or y + h <= 0 or x >= width or y >= height or w <= 0 or h <= 0:
                continue  # clipped away (the overflow check reports it)
            distance = min(x, y, width - (x + w), height - (y + h))
            if distance < zone - FIT_TOLERANCE:
                near.append(NearTrim(number, what if len(what) <= 60 else what[:59] + "…", round(distance * _PX_TO_MM, 1)))
    return images, near


def _boxes(box: Any, inside_mark: bool = False, in_qr: bool = False) -> Iterator[tuple[Any, bool, bool]]:
    """Every box under ``box``, with whether it is inside a mark (``data-mark``) or a QR code (class ``qr``)."""
    if type(box).__name__ == "AbsolutePlaceholder":  # a positioned box stands in the tree behind a placeholder
        box = box._box  # noqa: SLF001 - WeasyPrint's placeholder has no public accessor
    element = getattr(box, "element", None)
    if element is not None and getattr(box, "element_tag", None):
        inside_mark = inside_mark or bool(element.get("data-mark"))
        in_qr = in_qr or "qr" in (element.get("class") or "").split()
    yield box, inside_mark, in_qr
    for child in getattr(box, "children", ()):
        yield from _boxes(child, inside_mark, in_qr)


@dataclass
class MessagePlace:
    """Where one traced message (``data-msg``) was laid out, and the room its box leaves it.

    Lengths are CSS px (1/96 in), as Weblate's ``max-size`` and ``font-size`` flags count them.
    """

    msg: int  # the message's number in the traced render (places.Tracer)
    use: int  # which of its uses in the page (places.annotate)
    page: int  # 1-based
    rect: tuple[float, float, float, float]  # x, y, width, height of the text on its page
    font_size: float
    line_px: float  # height of one of its lines
    lines: int  # lines it takes
    width: float  # width of the column its lines wrap in
    fit: str = ""  # the fixed box (data-fit label) it is in, if any
    fit_rect: tuple[float, float, float, float] | None = None
    slack: float = 0.0  # height the fixed box has left below its content
    page_size: tuple[float, float] = (0.0, 0.0)


def layout(html: str, base_url: Path, allowed_roots: list[Path], pdf: bool = False,
           scale: float | None = None, theme: Theme | None = None) -> tuple[bytes, list[MessagePlace]]:
    """Lay out a traced document (see ``i18n/places.py``): where each message went (and the PDF, if asked).

    ``scale``: every fixed box (``data-fit``) at this type scale, e.g. its format's smallest, where the
    room a translation may take is largest (copyfitting shrinks the type that far before it overflows)."""
    from weasyprint import CSS, HTML

    sheets = [CSS(string=f"[data-fit] {{ --fit: {scale:g}; }}")] if scale is not None else []
    document = HTML(string=html, base_url=_folder_url(base_url), url_fetcher=project_fetcher(allowed_roots, theme=theme)).render(
        font_config=font_config(), stylesheets=sheets)
    _drop_attachments(document)
    placed: list[MessagePlace] = []
    for number, page in enumerate(document.pages, 1):
        size = (page.width, page.height)
        _place(page._page_box, number, size, None, None, None, placed)  # noqa: SLF001 - no public layout tree
    return (document.write_pdf() if pdf else b""), placed


def _fit_slack(box: Any) -> float:
    """The height a fixed box (``data-fit``) has left below its content, measured as ``measure_fills`` does.

    A box in columns (the leaflet's inside) has that much left in each column: its columns (boxes of
    its own element, each as tall as the box) do not count, their content does."""
    top = box.content_box_y()
    bottom = top
    for child, _ in _walk(box):
        if getattr(child, "element", None) is box.element:
            continue
        if hasattr(child, "margin_height") and type(child).__name__ not in _INLINE:
            bottom = max(bottom, child.position_y + child.margin_height() - (child.margin_bottom or 0))
    count = box.style["column_count"]
    return float(top + box.height - bottom) * (count if isinstance(count, int) else 1)


def _place(box: Any, page: int, size: tuple[float, float], fit: Any, column: Any, line: Any,
           placed: list[MessagePlace]) -> None:
    element: Any = getattr(box, "element", None)
    tagged = element is not None and getattr(box, "element_tag", None) is not None
    if tagged and element.get("data-fit") and fit is None:
        fit = (element.get("data-fit"), (box.content_box_x(), box.content_box_y(), box.width, box.height),
               _fit_slack(box))
    kind = type(box).__name__
    if kind == "LineBox":
        line = box
    elif kind not in _INLINE and getattr(box, "children", None) and any(type(c).__name__ == "LineBox" for c in box.children):
        column = box  # the block whose width the lines wrap in
    number = element.get("data-msg") if tagged else None
    if number and kind == "InlineBox" and line is not None and column is not None:
        _record(int(number), int(element.get("data-use") or 0), box, page, size, fit, column, line, placed)
    for child in getattr(box, "children", ()):
        _place(child, page, size, fit, column, line, placed)


def _record(number: int, use: int, box: Any, page: int, size: tuple[float, float], fit: Any, column: Any, line: Any,
            placed: list[MessagePlace]) -> None:
    """One fragment (a line's worth) of a traced message; fragments of one message on a page are merged."""
    rect = (box.position_x, line.position_y, box.margin_width(), line.height)
    last = placed[-1] if placed else None
    if last is not None and last.use == use and last.page == page and last.width == column.width:
        if rect[1] >= last.rect[1] + last.rect[3] - 0.5:  # a new line of the same message
            last.lines += 1
        x0, y0 = min(last.rect[0], rect[0]), min(last.rect[1], rect[1])
        x1 = max(last.rect[0] + last.rect[2], rect[0] + rect[2])
        y1 = max(last.rect[1] + last.rect[3], rect[1] + rect[3])
        last.rect = (x0, y0, x1 - x0, y1 - y0)
        last.line_px = max(last.line_px, line.height)
        return
    label, fit_rect, slack = fit if fit else ("", None, 0.0)
    placed.append(MessagePlace(number, use, page, rect, float(box.style["font_size"]), line.height, 1, column.width,
                         label, fit_rect, slack, size))


def line_counts(html: str, base_url: Path, allowed_roots: list[Path], theme: Theme | None = None) -> dict[str, int]:
    """How many lines each element with a ``data-check`` attribute takes once laid out."""
    from weasyprint import HTML

    document = HTML(string=html, base_url=_folder_url(base_url), url_fetcher=project_fetcher(allowed_roots, theme=theme)).render(
        font_config=font_config())
    counts: dict[str, int] = {}
    for page in document.pages:
        for box in page._page_box.descendants():  # noqa: SLF001 - no public layout tree
            element = getattr(box, "element", None)
            if element is None or not element.get("data-check") or getattr(box, "element_tag", None) is None:
                continue
            lines = sum(1 for child in getattr(box, "children", ()) if _is_line(child))
            key = element.get("data-check")
            counts[key] = counts.get(key, 0) + lines
    return counts
