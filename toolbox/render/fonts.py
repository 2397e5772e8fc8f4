"""Fonts from templates/fonts/fonts.toml: @font-face rules for print and web.

Print reads the TTF files in place (WeasyPrint embeds a subset). The microsite
gets WOFF2 files subset to the characters a locale's pages use, so a reader on
prepaid data downloads kilobytes, not megabytes.
"""

from __future__ import annotations

import io
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


_STYLES = {"regular": ("normal", 400), "bold": ("normal", 700), "italic": ("italic", 400), "bold_italic": ("italic", 700)}


@dataclass(frozen=True)
class Face:
    family: str
    style: str
    weight: int
    path: Path


@dataclass(frozen=True)
class FontSet:
    faces: tuple[Face, ...]
    scripts: dict

    def families(self, script: str) -> list[str]:
        return list(self.scripts.get(script, self.scripts.get("Latn", [])))

    def faces_for(self, script: str) -> list[Face]:
        wanted = self.families(script)
        return [f for f in self.faces if f.family in wanted]

    def stack(self, script: str) -> str:
        """A CSS font-family value for a script, ending in generic fallbacks."""
        return ", ".join(f'"{name}"' for name in self.families(script)) + ", sans-serif"


def load_fonts(templates: Path) -> FontSet:
    folder = templates / "fonts"
    data = tomllib.loads((folder / "fonts.toml").read_text(encoding="utf-8"))
    faces = []
    for family, files in data.get("families", {}).items():
        for key, filename in files.items():
            style, weight = _STYLES[key]
            faces.append(Face(family, style, weight, folder / filename))
    return FontSet(tuple(faces), data.get("scripts", {}))


def print_css(fonts: FontSet, script: str) -> str:
    rules = []
    for face in fonts.faces_for(script):
        rules.append(
            f'@font-face {{ font-family: "{face.family}"; font-style: {face.style}; '
            f'font-weight: {face.weight}; src: url("{face.path.resolve().as_uri()}"); }}'
        )
    return "\n".join(rules)


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
