"""Checks on a rendered print output: page count, overflow, missing glyphs, fonts.

Each check turns what ``pdf.render_pdf`` measured into problems that name the
output file, the locale, the format and — for overflow — the box and the text
that did not fit. Overflow is a warning (an error with ``--strict``); a missing
glyph or a font the locale's script does not declare is always an error: a
leaflet with boxes instead of letters must never go to print.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..campaign.urls import file_path
from ..errors import Problem, display_path
from .pdf import PdfResult

_PAGES = re.compile(r'<meta\s+name="toolbox:pages"\s+content="(\d+)(?:-(\d+))?"', re.I)


def expected_pages(html: str) -> tuple[int, int] | None:
    """The page count a template declares: ``<meta name="toolbox:pages" content="2">`` or ``"1-2"``."""
    found = _PAGES.search(html)
    if not found:
        return None
    low = int(found.group(1))
    return low, int(found.group(2) or low)


def codepoints(chars: Iterable[str]) -> str:
    return ", ".join(f"U+{ord(c):04X}" for c in chars)


#: How to mend a mark (data-mark) drawn over content, by its label.
_MARK_FIXES = {
    "draft mark": "move the mark clear of the text (templates/print/print.css, .draft-mark) or give the content room",
    "pictogram": "give its point more room at the start side (the padding of li.has-picto against the .picto width "
                 "in the template's CSS)",
}
_MARKUP = re.compile(r"[*_`#>\\]|^\s*(?:[-+]|\d+[.)])\s+|\[|\]\([^)]*\)", re.M)


def _flat(text: str) -> str:
    return " ".join(_MARKUP.sub("", text).split()).casefold()


def find_message(excerpt: str, shown: dict[str, str]) -> str | None:
    """The message id whose text (as shown, Markdown stripped) contains the start of ``excerpt``."""
    start = _flat(excerpt)[:25]
    if len(start) < 8:
        return None
    for msgid, text in shown.items():
        if start in _flat(text):
            return msgid
    return None


def check_print(result: PdfResult, html: str, path: str, locale: str, fmt: str,
                allowed_families: list[str], shown: dict[str, str] | None = None,
                expected: tuple[str | None, str] = (None, "")) -> list[Problem]:
    """Problems of one print output; ``shown`` maps the message ids it used to the text printed.

    ``expected`` is the family fonts.toml names to draw the locale's letters, and those letters:
    when the output prints any of them, that family must be embedded (Urdu in Nastaliq, not in
    whichever face happened to have the glyphs).
    """
    problems: list[Problem] = []
    where = f"{locale} {fmt}"
    pages = expected_pages(html)
    if pages and not pages[0] <= result.pages <= pages[1]:
        want = str(pages[0]) if pages[0] == pages[1] else f"{pages[0]}–{pages[1]}"
        problems.append(Problem(path, None, f"{where}: overflow: {result.pages} pages, the format has {want}; "
                                            "shorten the translation or the text", "warning"))
    for box in result.overflows:
        if box.dimension == "page":
            msgid = find_message(box.text, shown or {}) if box.text else None
            named = f" (message “{msgid[:70]}{'…' if len(msgid) > 70 else ''}”)" if msgid and msgid != box.text else ""
            pushed = f": “{box.text[:70]}…” is pushed out{named}" if box.text else ""
            problems.append(Problem(path, None, f"{where}: overflow in {box.label}: its text runs on to page {box.page}{pushed}",
                                    "warning"))
            continue
        if box.dimension == "width":
            problems.append(Problem(path, None, f"{where}: overflow in {box.label} on page {box.page}: "
                                                f"“{box.text[:70]}” is wider than the box ({box.needed} mm, box "
                                                f"{box.height} mm)", "warning"))
            continue
        excerpt = f": “{box.text[:70]}{'…' if len(box.text) > 70 else ''}” is pushed out" if box.text else ""
        msgid = find_message(box.text, shown or {}) if box.text else None
        if msgid is not None and msgid != box.text:
            excerpt += f" (message “{msgid[:70]}{'…' if len(msgid) > 70 else ''}”)"
        problems.append(Problem(path, None, f"{where}: overflow in {box.label} on page {box.page} "
                                            f"(content {box.needed} mm, box {box.height} mm){excerpt}", "warning"))
    for hit in result.collisions:
        fix = _MARK_FIXES.get(hit.label, "move the mark clear of the text in the template's CSS")
        problems.append(Problem(path, None, f"{where}: the {hit.label} covers “{hit.covered}” on page {hit.page}; {fix}",
                                "warning"))
    if result.missing:
        problems.append(Problem(path, None, f"{where}: missing glyphs (tofu) for {codepoints(result.missing)} "
                                            f"({''.join(result.missing)!r}); no font in templates/fonts/fonts.toml "
                                            f"for this locale draws them"))
    allowed = set(allowed_families)
    for family, chars in sorted(result.fonts.items()):
        if family not in allowed:
            drawn = "".join(c for c in chars if c not in result.missing)
            problems.append(Problem(path, None, f"{where}: font fallback: '{family}' is not one of the fonts of "
                                                f"templates/fonts/fonts.toml ({', '.join(allowed_families)}) but draws "
                                                f"{codepoints(drawn) or 'some characters'}; add a font for them "
                                                f"to templates/fonts/fonts.toml"))
    script_family, own_letters = expected
    embedded = set("".join(result.fonts.values()))
    if script_family and script_family not in result.fonts and embedded & set(own_letters):
        problems.append(Problem(path, None, f"{where}: the locale's letters are not set in '{script_family}', the face "
                                            f"templates/fonts/fonts.toml names for it; embedded: "
                                            f"{', '.join(sorted(result.fonts)) or 'none'}"))
    for url in result.attachments:
        problems.append(Problem(path, None, f"{where}: the template asks to attach {_shown_url(url)} to the PDF; "
                                            "toolbox never embeds files in a PDF (left out): remove "
                                            "rel=\"attachment\" from the template"))
    for message in result.warnings:
        problems.append(Problem(path, None, f"{where}: WeasyPrint: {message}", "warning"))
    return problems


def _shown_url(url: str) -> str:
    path = file_path(url)
    return f"{url.split(':', 1)[0]}:{display_path(path)}" if path else url[:100]
