"""The brand kit: ``[brand]`` in the project's ``toolbox.toml`` (docs/templates.md#brand-kit).

An NGO's designer sets the organisation's colours, logo, fonts and contact line once, and every
output follows: templates read them as ``brand.*`` variables, and the stylesheets' design tokens
(``--accent``, ``--soft``, ``--accent-dark``) come from them as CSS custom properties, so a colour
change needs no CSS edit. A print-shop build (``--print``) uses the kit's CMYK values as they are
(``--accent-cmyk``, see render/cmyk.py); a colour without one goes through the ICC profile.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .campaign.paths import reference_problem
from .campaign.tomlpos import key_lines, line_of, syntax_error
from .errors import Collector, ToolboxError, display_path
from .project import Project

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
_KEYS = {"organisation", "primary", "primary_cmyk", "accent", "accent_cmyk", "logo", "paper", "contact", "fonts"}
PAPERS = ("A4", "Letter")
LOGO_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg")
_MAX_TEXT = 200


@dataclass(frozen=True)
class Brand:
    organisation: str = ""
    primary: str = ""  # "#rrggbb"; "" keeps the theme's colour
    primary_cmyk: tuple[float, float, float, float] | None = None  # 0-1 each
    accent: str = ""
    accent_cmyk: tuple[float, float, float, float] | None = None
    logo: Path | None = None
    paper: str = "A4"
    contact: str = ""
    fonts: dict[str, str] = field(default_factory=dict)  # script (Latn, Arab, …) → family of fonts.toml

    def tokens(self) -> dict[str, str]:
        """The stylesheets' design tokens the kit sets: ``--name`` → value (CMYK ones as ``--name-cmyk``)."""
        out: dict[str, str] = {}
        if self.primary:
            out["--brand-primary"] = out["--accent"] = self.primary
            out["--accent-dark"] = mix(self.primary, "#000000", 0.3)  # links on white keep their contrast
            if self.primary_cmyk:
                out["--brand-primary-cmyk"] = out["--accent-cmyk"] = device_cmyk(self.primary_cmyk)
        if self.accent:
            out["--brand-accent"] = self.accent
            out["--soft"] = mix(self.accent, "#ffffff", 0.88)  # boxes: a light tint, body text stays readable on it
            if self.accent_cmyk:
                out["--brand-accent-cmyk"] = device_cmyk(self.accent_cmyk)
                out["--soft-cmyk"] = device_cmyk(tuple(round(v * 0.12, 3) for v in self.accent_cmyk))  # type: ignore[arg-type]
        return out

    def css(self) -> str:
        """A ``:root`` rule with the kit's tokens ('' without any), laid after the theme's stylesheet."""
        tokens = self.tokens()
        return ":root { " + " ".join(f"{k}: {v};" for k, v in tokens.items()) + " }" if tokens else ""

    def data(self, logo_url: str = "") -> dict[str, object]:
        """What templates read as ``brand``."""
        return {"organisation": self.organisation, "primary": self.primary, "accent": self.accent,
                "logo": logo_url, "paper": self.paper, "contact": self.contact, "fonts": dict(self.fonts)}


def logo_asset(brand: Brand) -> str:
    """Where the microsite keeps the logo, relative to a campaign's folder ('' without one)."""
    return f"assets/logo{brand.logo.suffix.lower()}" if brand.logo else ""


def mix(colour: str, other: str, share: float) -> str:
    """``colour`` moved ``share`` of the way to ``other`` (both #rrggbb), in sRGB."""
    a = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * share):02x}" for x, y in zip(a, b, strict=True))


def device_cmyk(values: tuple[float, float, float, float]) -> str:
    return "device-cmyk(" + " ".join(f"{v:g}" for v in values) + ")"


_cache: dict[tuple[Path, int, int], tuple[Brand, list]] = {}


def load_brand(project: Project) -> Brand:
    """The project's brand kit (the theme's own look without toolbox.toml); a ``ToolboxError`` naming
    ``toolbox.toml:LINE`` for every bad value."""
    problems = Collector()
    brand = read_brand(project, problems)
    problems.raise_if_errors()
    return brand


def read_brand(project: Project, problems: Collector) -> Brand:
    path = project.file
    try:
        stat = path.stat()
    except OSError:
        return Brand()
    key = (path.resolve(), stat.st_mtime_ns, stat.st_size)
    if key not in _cache:
        found = Collector()
        made = _parse(project, path, found)
        _cache.clear()
        _cache[key] = (made, found.problems)
    brand, kept = _cache[key]
    problems.problems.extend(kept)
    return brand


def _parse(project: Project, path: Path, problems: Collector) -> Brand:
    shown = display_path(path)
    try:
        source = path.read_text(encoding="utf-8")
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        line, reason = syntax_error(exc, source)
        problems.error(shown, line, f"cannot read toolbox.toml: {reason}; see docs/templates.md#brand-kit")
        return Brand()
    except (OSError, UnicodeDecodeError) as exc:
        problems.error(shown, 1, f"cannot read toolbox.toml: {exc}")
        return Brand()
    lines = key_lines(source)

    def err(key: tuple, message: str) -> None:
        problems.error(shown, line_of(lines, key), f"{message}; see docs/templates.md#brand-kit")

    for top in data:
        if top != "brand":
            err((top,), f"unknown table or key '{top}' in toolbox.toml; it holds [brand]")
    table = data.get("brand", {})
    if not isinstance(table, dict):
        err(("brand",), "brand must be a table: [brand] with the keys below it")
        return Brand()
    for k in table:
        if k not in _KEYS:
            err(("brand", k), f"unknown key '{k}' in [brand]; known keys: {', '.join(sorted(_KEYS))}")
    values: dict[str, object] = {}
    for name in ("organisation", "contact"):
        if name in table:
            value = table[name]
            if not isinstance(value, str) or len(value) > _MAX_TEXT or any(ord(c) < 32 for c in value):
                err(("brand", name), f"{name} must be one line of text of at most {_MAX_TEXT} characters")
            else:
                values[name] = value.strip()
    for name in ("primary", "accent"):
        if name in table:
            value = table[name]
            if not isinstance(value, str) or not _HEX.match(value):
                err(("brand", name), f"{name} must be an sRGB colour written #rrggbb, e.g. {name} = \"#0b6e69\" "
                                     f"(has {value!r})")
            else:
                values[name] = value.lower()
        cmyk = f"{name}_cmyk"
        if cmyk in table:
            value = table[cmyk]
            if not (isinstance(value, list) and len(value) == 4
                    and all(isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 100 for v in value)):
                err(("brand", cmyk), f"{cmyk} must be four ink percentages [C, M, Y, K], each 0-100, "
                                     f"e.g. {cmyk} = [100, 0, 45, 45]")
            elif name not in table:
                err(("brand", cmyk), f"{cmyk} is the print value of {name}: set {name} (its sRGB value) too")
            else:
                values[cmyk] = tuple(round(float(v) / 100, 4) for v in value)
    if "paper" in table:
        value = table["paper"]
        chosen = next((p for p in PAPERS if isinstance(value, str) and value.lower() == p.lower()), None)
        if chosen is None:
            err(("brand", "paper"), f"paper must be one of {', '.join(PAPERS)} (has {value!r})")
        else:
            values["paper"] = chosen
    if "logo" in table:
        value = table["logo"]
        if not isinstance(value, str) or not value:
            err(("brand", "logo"), "logo must be the path of an SVG, PNG or JPEG file in the project, e.g. \"brand/logo.svg\"")
        elif why := reference_problem(project.root, value, project.root):
            err(("brand", "logo"), f"logo {value!r} {why}")
        elif not value.lower().endswith(LOGO_SUFFIXES):
            err(("brand", "logo"), f"logo {value!r} must be an SVG, PNG or JPEG file")
        elif not (project.root / value).is_file():
            err(("brand", "logo"), f"logo '{value}' does not exist (looked for {display_path(project.root / value)})")
        else:
            values["logo"] = project.root / value
    if "fonts" in table:
        value = table["fonts"]
        if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) and v for k, v in value.items()):
            err(("brand", "fonts"), "fonts must map a script to a family of templates/fonts/fonts.toml, "
                                    "e.g. [brand.fonts] Latn = \"Noto Sans\"")
        else:
            values["fonts"] = dict(value)
    return Brand(**values)  # type: ignore[arg-type]


def check_fonts(brand: Brand, families: set[str], project: Project, problems: Collector) -> None:
    """Each family ``[brand.fonts]`` names is one fonts.toml declares."""
    if not brand.fonts:
        return
    lines = key_lines(project.file.read_text(encoding="utf-8"))
    for script, family in brand.fonts.items():
        if family not in families:
            problems.error(display_path(project.file), line_of(lines, ("brand", "fonts", script)),
                           f"fonts.{script} names '{family}', which templates/fonts/fonts.toml does not declare "
                           f"(it has {', '.join(sorted(families))}); see docs/templates.md#brand-kit")


__all__ = ["Brand", "ToolboxError", "check_fonts", "load_brand", "read_brand"]
