"""Fonts for the microsite: which face draws each character of a page, the WOFF2 subsets,
fonts.css, and the check that every character is drawn by a font the page loads.

A page is read back as text by language (its ``lang`` attributes, text and the attribute
values readers see: ``alt``, ``title``, ``aria-label``). Each character goes to the first
family of its language's stack (fonts.toml) that has it — as a browser picks fonts —
so a Bengali language name in an English page's language list loads the Bengali face,
subset to those few letters. fonts.css gives every language on the pages its stack and
line height (``:lang()`` rules), so browsers do the same. The glyph check then reads the
subset fonts the build wrote: a character none of them has would be a box (tofu) on a
reader's phone, and fails the build like a missing glyph in print.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

from ..campaign.model import Campaign
from ..errors import Problem
from ..i18n.locales import resolve
from .checks import codepoints
from .fonts import Face, FontSet, cmap, drawn

#: Attribute values readers see or hear (translated text), checked like text.
SHOWN_ATTRIBUTES = ("alt", "title", "aria-label", "aria-description", "placeholder")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
#: Folder (under assets/fonts/) of the language picker and 404 page: not a locale tag (those have no "_").
PICKER_FOLDER = "_languages"


class _Text(HTMLParser):
    def __init__(self, lang: str, valid: Callable[[str], bool]) -> None:
        super().__init__(convert_charrefs=True)
        self.valid = valid
        self.open: list[tuple[str, str]] = [("", lang)]
        self.text: dict[str, list[str]] = {}
        self.hidden = 0  # inside <script> or <style>

    def _lang(self, attrs: dict) -> str:
        lang = attrs.get("lang")
        return lang if lang and self.valid(lang) else self.open[-1][1]

    def _attrs(self, lang: str, attrs: dict) -> None:
        for name in SHOWN_ATTRIBUTES:
            if attrs.get(name):
                self.text.setdefault(lang, []).append(attrs[name])

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        lang = self._lang(values)
        self._attrs(lang, values)
        if tag in ("script", "style"):
            self.hidden += 1
        if tag not in _VOID:
            self.open.append((tag, lang))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self._attrs(self._lang(values), values)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.hidden:
            self.hidden -= 1
        for i in range(len(self.open) - 1, 0, -1):
            if self.open[i][0] == tag:
                del self.open[i:]
                break

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.text.setdefault(self.open[-1][1], []).append(data)


def page_text(html: str, lang: str) -> dict[str, str]:
    """A page's text (and shown attribute values) by the language it is marked in."""
    from ..campaign.validate import TAG_RE

    parser = _Text(lang, lambda tag: bool(TAG_RE.match(tag)))
    parser.feed(html)
    parser.close()
    return {k: "".join(v) for k, v in parser.text.items()}


@dataclass
class WebFonts:
    """The fonts of one folder of pages (a locale's, or the language picker's)."""

    folder: str  # output path of the folder, e.g. demo/assets/fonts/ur
    lang: str  # the pages' own language
    stacks: dict[str, list[str]]  # every language on the pages → its families, in order
    chars: dict[str, str]  # family → the characters it draws on these pages
    faces: list[Face]
    heights: dict[str, str] = field(default_factory=dict)  # language → CSS custom properties

    def text_for(self, face: Face) -> str:
        return self.chars.get(face.family, "")


def plan_fonts(fonts: FontSet, campaign: Campaign, folder: str, lang: str, texts: list[dict[str, str]],
               italic: bool) -> WebFonts:
    """Which face draws which characters of ``texts`` (page_text of each page in the folder)."""
    langs = sorted({lang} | {k for t in texts for k in t}, key=lambda t: (len(t), t))
    stacks: dict[str, list[str]] = {}
    heights: dict[str, str] = {}
    chars: dict[str, str] = {}
    regular: dict[str, frozenset[int]] = {}
    for face in fonts.faces:
        if face.style == "normal":
            regular.setdefault(face.family, cmap(face.path))
    for tag in langs:
        info = resolve(tag, campaign.locales)
        script = info.script if info else "Latn"
        stacks[tag] = fonts.full_stack(script, tag)
        heights[tag] = fonts.css_vars(script, tag)
        for ch in drawn("".join(t.get(tag, "") for t in texts)):
            family = next((name for name in stacks[tag] if ord(ch) in regular.get(name, ())), None)
            if family is not None:
                chars[family] = chars.get(family, "") + ch
    faces = [f for f in fonts.faces if f.family in chars and (f.style != "italic" or italic)]
    return WebFonts(folder, lang, stacks, {k: "".join(sorted(set(v))) for k, v in chars.items()}, faces, heights)


def fonts_css(plan: WebFonts, files: dict[Face, bytes | None]) -> str:
    """@font-face rules for the faces subset, and each language's stack and line height."""
    rules = []
    loaded = set()
    for face in plan.faces:
        if files.get(face) is None:
            continue
        loaded.add(face.family)
        rules.append(f'@font-face {{ font-family: "{face.family}"; font-style: {face.style}; font-weight: {face.weight}; '
                     f'font-display: swap; src: url("{face.path.stem}.woff2") format("woff2"); }}')
    for tag, stack in plan.stacks.items():  # shortest tags first: :lang(sr-Latn) wins over :lang(sr)
        names = ", ".join(f'"{name}"' for name in stack if name in loaded)
        rules.append(f":lang({tag}) {{ font-family: {names + ', ' if names else ''}sans-serif; {plan.heights[tag]} }}")
    return "\n".join(rules) + "\n"


def font_files(plan: WebFonts, files: dict[Face, bytes | None]) -> dict[str, bytes]:
    """{output path: bytes} of the folder: the WOFF2 subsets and fonts.css."""
    out = {f"{plan.folder}/{face.path.stem}.woff2": data for face, data in files.items() if data is not None}
    out[f"{plan.folder}/fonts.css"] = fonts_css(plan, files).encode("utf-8")
    return out


def subset_cmaps(files: dict[Face, bytes | None]) -> dict[str, set[int]]:
    """family → the characters its subset fonts really have (read back from the WOFF2 bytes)."""
    from fontTools.ttLib import TTFont

    have: dict[str, set[int]] = {}
    for face, data in files.items():
        if data is not None:
            have.setdefault(face.family, set()).update(TTFont(io.BytesIO(data)).getBestCmap() or {})
    return have


def check_pages(plan: WebFonts, pages: list[tuple[str, dict[str, str]]], files: dict[Face, bytes | None]) -> list[Problem]:
    """A problem per page with characters no font it loads (in its language's stack) draws."""
    have = subset_cmaps(files)
    problems = []
    for path, text in pages:
        missing = set()
        for tag, value in text.items():
            stack = plan.stacks.get(tag, [])
            missing |= {ch for ch in drawn(value) if not any(ord(ch) in have.get(name, ()) for name in stack)}
        if missing:
            chars = "".join(sorted(missing))
            problems.append(Problem(path, None, f"microsite page: missing glyphs (tofu) for {codepoints(chars)} "
                                                f"({chars!r}): no font the page loads draws them; add a font for "
                                                "them to templates/fonts/fonts.toml"))
    return problems
