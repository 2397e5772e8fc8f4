"""Fonts from templates/fonts/fonts.toml: @font-face rules for print and web.

Print reads the TTF files in place (WeasyPrint embeds a subset). The microsite
gets WOFF2 files subset to the characters a locale's pages use, so a reader on
prepaid data downloads kilobytes, not megabytes.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

from ..campaign.tomlpos import read_theme_toml
from ..errors import Collector, display_path
from ..theme import Theme

_STYLES = {"regular": ("normal", 400), "bold": ("normal", 700), "italic": ("italic", 400), "bold_italic": ("italic", 700)}


@dataclass(frozen=True)
class Face:
    family: str
    style: str
    weight: int
    path: Path


#: Line height of body text in a script or locale that fonts.toml does not name; the print and
#: web stylesheets were designed with it, and scale their tighter lines (headings) from it.
DEFAULT_LINE_HEIGHT = 1.35


@dataclass(frozen=True)
class FontSet:
    """fonts.toml: font families, and which of them draw each script and locale, in order.

    A locale's stack is ``[locales]``'s entry for its tag (or its language: ``ur`` for
    ``ur-IN``), else ``[scripts]``'s for its script, else Latin's.
    """

    faces: tuple[Face, ...]
    scripts: dict
    locales: dict = field(default_factory=dict)
    line_heights: dict = field(default_factory=dict)
    ink: dict = field(default_factory=dict)  # family → {above, below}: how far its letters reach, in em
    measures: dict = field(default_factory=dict)  # family → its line of reading text, × the design's width

    def _entry(self, table: dict, script: str, tag: str) -> Any:
        for key in (tag, tag.split("-")[0]) if tag else ():
            if key in table:
                return table[key]
        return table.get(script)

    def preferring(self, chosen: dict[str, str]) -> FontSet:
        """The brand kit's family per script (``[brand.fonts]``) first in that script's stack; a locale's own
        ``[locales]`` stack (Urdu's Nastaliq) is kept as it is."""
        if not chosen:
            return self
        scripts = dict(self.scripts)
        for script, family in chosen.items():
            scripts[script] = [family, *(f for f in scripts.get(script, []) if f != family)]
        return replace(self, scripts=scripts)

    def families(self, script: str, tag: str = "") -> list[str]:
        found = self._entry(self.locales, script, tag)
        if found is None:
            found = self.scripts.get(script, self.scripts.get("Latn", []))
        return list(found)

    def full_stack(self, script: str, tag: str = "") -> list[str]:
        """The locale's families, then every other family: a word in another script (a language's
        name in a list of hotline languages) is drawn by the face made for it, never as a box."""
        own = self.families(script, tag)
        return own + [name for name in dict.fromkeys(f.family for f in self.faces) if name not in own]

    def faces_for(self, script: str, tag: str = "") -> list[Face]:
        """Every face of the locale's full stack, in stack order."""
        order = self.full_stack(script, tag)
        return sorted(self.faces, key=lambda f: order.index(f.family))

    def stack(self, script: str, tag: str = "") -> str:
        """A CSS font-family value for a locale (its full stack), ending in a generic fallback."""
        return ", ".join(f'"{name}"' for name in self.full_stack(script, tag)) + ", sans-serif"

    def line_height(self, script: str, tag: str = "") -> float:
        found = self._entry(self.line_heights, script, tag)
        return float(found if found is not None else self.line_heights.get("default", DEFAULT_LINE_HEIGHT))

    def measure(self, script: str, tag: str = "") -> float:
        """The width of a locale's lines of reading text, × the design's: that of the face drawing its letters.

        Keyed by family, not locale: how many letters a line holds is the face's doing (Nastaliq's
        letters climb rather than run), so any locale set in that face gets it."""
        face = self.script_face(script, tag)
        return float(self.measures.get(face, 1.0)) if face else 1.0

    def css_vars(self, script: str, tag: str = "") -> str:
        """``--line-height`` (body text), ``--line-scale`` (× the Latin design) and ``--measure`` for a locale."""
        height = self.line_height(script, tag)
        base = float(self.line_heights.get("default", DEFAULT_LINE_HEIGHT))
        return f"--line-height: {height:g}; --line-scale: {height / base:.3g}; --measure: {self.measure(script, tag):g};"

    def coverage(self, script: str, tag: str = "") -> tuple[float, str]:
        """Share of the locale's letters (see :func:`letters`) its stack draws, and the letters it misses."""
        sample = letters(script, tag)
        own = self.families(script, tag)
        have = frozenset().union(*(cmap(f.path) for f in self.faces if f.family in own))
        missing = "".join(ch for ch in sample if ord(ch) not in have)
        return (1 - len(missing) / len(sample) if sample else 1.0), missing

    def covers(self, script: str, tag: str = "") -> bool:
        share, missing = self.coverage(script, tag)
        return not missing if _alphabet(script, tag) else share >= COVERED

    def script_face(self, script: str, tag: str = "") -> str | None:
        """The family that draws the locale's own letters: the one of its stack that has most of them."""
        sample = letters(script, tag)
        best, most = None, 0
        for name in self.families(script, tag):
            faces = [f for f in self.faces if f.family == name and f.style == "normal"]
            have = sum(ord(ch) in cmap(faces[0].path) for ch in sample) if faces else 0
            if have > most:
                best, most = name, have
        return best


def load_fonts(theme: Theme) -> FontSet:
    """fonts.toml of the built-in theme, merged with the project's: a family the project names replaces the
    built-in one of that name (its files beside the project's fonts.toml), and its [scripts], [locales] and
    [line_height], [ink] and [measure] entries replace the built-in ones key by key."""
    families: dict[str, list[Face]] = {}
    tables: dict[str, dict] = {"scripts": {}, "locales": {}, "line_height": {}, "ink": {}, "measure": {}}
    for folder in reversed([f / "fonts" for f in theme.folders if (f / "fonts" / "fonts.toml").is_file()]):
        # Validation reports a broken fonts.toml; commands that do not validate (pack) get the same path:line.
        problems = Collector()
        read = read_theme_toml(folder / "fonts.toml", display_path(folder / "fonts.toml"), problems)
        problems.raise_if_errors()
        assert read is not None
        data = read[0]
        for family, files in data.get("families", {}).items():
            families[family] = [Face(family, *_STYLES[key], folder / filename) for key, filename in files.items()]
        for name, table in tables.items():
            table.update(data.get(name, {}))
    faces = tuple(face for group in families.values() for face in group)
    return FontSet(faces, tables["scripts"], tables["locales"], tables["line_height"], tables["ink"], tables["measure"])


def face_rule(face: Face, src: str) -> str:
    return (f'@font-face {{ font-family: "{face.family}"; font-style: {face.style}; '
            f'font-weight: {face.weight}; src: {src}; }}')


def print_css(fonts: FontSet, script: str, tag: str = "") -> str:
    """@font-face rules for a locale's print outputs, and its line height (``--line-height``)."""
    rules = [face_rule(face, f'url("{face.path.resolve().as_uri()}")') for face in fonts.faces_for(script, tag)]
    rules.append(f":root {{ {fonts.css_vars(script, tag)} }}")
    return "\n".join(rules)


#: Share of a script's letters a stack must draw to count as covering it (locales without an alphabet below).
COVERED = 0.9

#: Letters each built-in locale needs beyond its script's basic block, or (Arabic script, whose
#: block holds letters of many languages) its whole alphabet: every one must have a glyph.
ALPHABETS = {
    "ar": "ءآأؤإئابةتثجحخدذرزسشصضطظعغفقكلمنهوىي",
    "fa": "آابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیئ",
    "prs": "آابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیئ",
    "ps": "آابپتټثجځچڅحخدډذرړزژږسشښصضطظعغفقکګلمنڼوهۀيېۍئی",
    "ur": "آابپتٹثجچحخدڈذرڑزژسشصضطظعغفقکگلمنںوہھءیےۃۂۓ",
    "ckb": "ئابپتجچحخدرڕزژسشعغفڤقکگلڵمنوۆهەیێ",
    "bn": "অআইঈউঊঋএঐওঔকখগঘঙচছজঝঞটঠডঢণতথদধনপফবভমযরলশষসহড়ঢ়য়ৎংঃঁািীুূৃেৈোৌ্",
    "sq": "ëçËÇ", "sr-Latn": "čćđšžČĆĐŠŽ", "bs": "čćđšžČĆĐŠŽ", "cnr": "čćđšžśźČĆĐŠŽŚŹ",
    "sr-Cyrl": "ђјљњћџЂЈЉЊЋЏ", "mk": "ѓѕјљњќџЃЅЈЉЊЌЏ", "tr": "çğıİöşüÇĞÖŞÜ",
    "fr": "àâçéèêëîïôœùûüÿÀÂÇÉÈÊËÎÏÔŒÙÛÜŸ", "kmr": "çêîşûÇÊÎŞÛ", "rmn": "čćšžśźǧəČĆŠŽŚŹ",
}


def _alphabet(script: str, tag: str) -> str:
    """The locale's entry in ALPHABETS, if it is written in ``script`` (a declaration may change it)."""
    from fontTools.unicodedata import script as script_of

    for key in (tag, tag.split("-")[0]) if tag else ():
        if key in ALPHABETS and script_of(ALPHABETS[key][0]) == script:
            return ALPHABETS[key]
    return ""


def letters(script: str, tag: str = "") -> str:
    """The letters a locale's fonts must draw: its alphabet (Arabic, Bengali script), or its
    script's basic block and the letters its language adds (č, ђ, ë…)."""
    alphabet = _alphabet(script, tag)
    if alphabet and script in ("Arab", "Beng"):  # their blocks hold letters of many other languages
        return alphabet
    return script_sample(script) + alphabet


@lru_cache(maxsize=64)
def script_sample(script: str) -> str:
    """The letters of a script's main Unicode block (Arabic for Arab, Bengali for Beng, Basic Latin for Latn)."""
    from fontTools.unicodedata import Blocks, Scripts

    chars = [chr(c) for start, end, value in zip(Scripts.RANGES, Scripts.RANGES[1:] + [0x110000], Scripts.VALUES, strict=True)
             if value == script for c in range(start, end) if unicodedata.category(chr(c))[0] == "L"]
    if not chars:
        return ""
    block = _block(chars[0], Blocks)
    return "".join(ch for ch in chars if _block(ch, Blocks) == block)


def _block(ch: str, blocks: ModuleType) -> str:
    import bisect

    return str(blocks.VALUES[bisect.bisect_right(blocks.RANGES, ord(ch)) - 1])


def drawn(text: str) -> str:
    """The characters of ``text`` that need a glyph: not line breaks, tabs or invisible format marks."""
    return "".join(sorted({ch for ch in text if not (ch.isspace() and ch not in " \xa0")
                           and unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp")}))


def cmap(path: Path) -> frozenset[int]:
    st = path.stat()
    return _cmap(str(path), st.st_mtime_ns, st.st_size)


@lru_cache(maxsize=64)
def _cmap(path: str, _mtime_ns: int, _size: int) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(path, lazy=True).getBestCmap() or {})


def coverage(path: Path, sample: str) -> float:
    """Share of the characters of ``sample`` the font at ``path`` has glyphs for."""
    if not sample:
        return 0.0
    have = cmap(path)
    return sum(ord(ch) in have for ch in sample) / len(sample)


def subset_woff2(path: Path, text: str) -> bytes | None:
    """The font at ``path`` cut down to the glyphs ``text`` needs, as WOFF2; None if it has none.

    Pure in (font file, characters): results are remembered for the process, so
    ``toolbox serve`` rebuilds in a second when the text of a locale did not change.
    """
    st = path.stat()
    return _subset_woff2(str(path), st.st_mtime_ns, st.st_size, frozenset(text))


@lru_cache(maxsize=512)
def _subset_woff2(path: str, _mtime_ns: int, _size: int, chars: frozenset[str]) -> bytes | None:
    from fontTools import subset  # imported here: a rebuild that subsets nothing need not load it
    from fontTools.ttLib import TTFont

    font = TTFont(path, recalcTimestamp=False)
    cmap = font.getBestCmap()
    unicodes = sorted({ord(ch) for ch in chars if ord(ch) in cmap} | {0x20})
    if len(unicodes) <= 1:
        return None
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)
    buf = io.BytesIO()
    font.flavor = "woff2"
    font.save(buf)
    return buf.getvalue()
