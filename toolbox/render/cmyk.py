"""sRGB to CMYK through the print profile, before WeasyPrint sees a colour.

WeasyPrint never converts: an sRGB colour or an RGB image reaches the PDF as
RGB, which a PDF/X preflight rejects (or a print shop converts blind). So for
press builds every colour of the templates' CSS (stylesheets, ``<style>``,
``style=""``, SVG paint attributes) becomes ``device-cmyk()``, and every raster
image a CMYK JPEG, converted once through the build's ICC profile.

Rendering intent: relative colorimetric with black-point compensation, for
colours and photos alike. Brand colours inside the press gamut print as the
colour the designer picked (perceptual would shift them all); colours outside
it are clipped to the nearest printable one, and BPC keeps shadow detail.

Neutral colours (r = g = b, black included) are printed with black ink only,
at the lightness the profile gives the full conversion: black text and QR
codes stay sharp, with no four-colour registration to go wrong.

Fixed values come first: ``--name-cmyk: device-cmyk(…)`` beside a custom
property ``--name`` in the same stylesheet gives its CMYK value (the theme's
brand colours), and ``templates/print/press.toml`` ``[colours]`` maps exact
sRGB values to official CMYK ones (the EU emblem).
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import tinycss2
import tinycss2.color4
from PIL import Image, ImageCms

#: CSS properties whose values hold colours (custom properties too, by their ``--`` prefix).
_COLOUR_PROPERTIES = re.compile(
    r"^(--.*|color|background(-color)?|border(-(top|right|bottom|left|block|inline)(-(start|end))?)?(-color)?|"
    r"outline(-color)?|fill|stroke|stop-color|flood-color|lighting-color|text-decoration(-color)?|"
    r"column-rule(-color)?|caret-color|box-shadow|text-shadow|text-emphasis(-color)?)$")
_COLOUR_FUNCTIONS = ("rgb", "rgba", "hsl", "hsla", "hwb", "lab", "lch", "oklab", "oklch", "color")
_SVG_PAINT = re.compile(r'\b(fill|stroke|stop-color|flood-color|lighting-color|color)="([^"]*)"')
_STYLE_ATTR = re.compile(r'\bstyle="([^"]*)"')
_STYLE_BLOCK = re.compile(r"(<style\b[^>]*>)(.*?)(</style>)", re.S | re.I)
JPEG_QUALITY = 92


def _apply(image: Image.Image, transform: ImageCms.ImageCmsTransform) -> Image.Image:
    """``ImageCms.applyTransform`` into a new image (it returns None only when asked to work in place)."""
    out = ImageCms.applyTransform(image, transform)
    assert out is not None
    return out


class Converter:
    """Colours and images into the CMYK of one ICC output profile."""

    def __init__(self, profile: Path, fixed: dict[str, tuple[float, float, float, float]] | None = None) -> None:
        self.profile_path = profile
        self.profile = ImageCms.getOpenProfile(str(profile))
        srgb = ImageCms.createProfile("sRGB")
        lab = ImageCms.createProfile("LAB", 5000)
        intent = ImageCms.Intent.RELATIVE_COLORIMETRIC
        bpc = ImageCms.Flags.BLACKPOINTCOMPENSATION
        self._to_cmyk = ImageCms.buildTransform(srgb, self.profile, "RGB", "CMYK", intent, bpc)
        self._cmyk_to_lab = ImageCms.buildTransform(self.profile, lab, "CMYK", "LAB", intent)
        self._srgb = srgb
        self.fixed = {k.lower(): v for k, v in (fixed or {}).items()}
        # Lightness of every black-only tint, to print greys with black ink alone.
        ramp = Image.frombytes("CMYK", (256, 1), b"".join(bytes((0, 0, 0, k)) for k in range(256)))
        self._k_lightness = list(_apply(ramp, self._cmyk_to_lab).getchannel(0).tobytes())

    @property
    def description(self) -> str:
        return str(ImageCms.getProfileDescription(self.profile)).strip()

    # Colours --------------------------------------------------------------------------------------

    def cmyk(self, r: int, g: int, b: int) -> tuple[float, float, float, float]:
        """CMYK (0-1, whole percent) for an sRGB colour (0-255)."""
        return self._cmyk(r, g, b)

    @lru_cache(maxsize=4096)  # noqa: B019 - one converter per profile, kept for the process
    def _cmyk(self, r: int, g: int, b: int) -> tuple[float, float, float, float]:
        key = f"#{r:02x}{g:02x}{b:02x}"
        if key in self.fixed:
            return tuple(v / 100 for v in self.fixed[key])  # type: ignore[return-value]
        pixel = Image.new("RGB", (1, 1), (r, g, b))
        full = _apply(pixel, self._to_cmyk)
        if r == g == b:
            if r == 0:
                return (0.0, 0.0, 0.0, 1.0)
            if r == 255:
                return (0.0, 0.0, 0.0, 0.0)
            lab: Any = _apply(full, self._cmyk_to_lab).getpixel((0, 0))  # (L, a, b)
            target = lab[0]
            k = min(range(256), key=lambda i: abs(self._k_lightness[i] - target))
            return (0.0, 0.0, 0.0, round(k / 255, 2))
        pixel_cmyk: Any = full.getpixel((0, 0))  # (c, m, y, k), 0-255
        c, m, y, k = (round(v / 255, 2) for v in pixel_cmyk)
        return (c, m, y, k)

    def css_colour(self, rgba: tuple[Any, ...]) -> str:
        c, m, y, k = self.cmyk(*(max(0, min(255, round((v or 0) * 255))) for v in rgba[:3]))
        alpha = rgba[3]
        text = f"device-cmyk({_num(c)} {_num(m)} {_num(y)} {_num(k)}"
        return text + (f" / {_num(round(alpha, 3))})" if alpha < 1 else ")")

    def css(self, text: str) -> str:
        """A stylesheet with every colour in CMYK (explicit ``--name-cmyk`` values first)."""
        rules = tinycss2.parse_stylesheet(text)
        explicit: dict[str, str] = {}
        _collect_explicit(rules, explicit)
        self._rules(rules, explicit)
        return str(tinycss2.serialize(rules))

    def declarations(self, text: str, explicit: dict[str, str] | None = None) -> str:
        """The body of a ``style=""`` attribute with its colours in CMYK."""
        items = tinycss2.parse_blocks_contents(text)
        self._block(items, explicit or {})
        return str(tinycss2.serialize(items))

    def html(self, text: str) -> str:
        """An HTML document's ``<style>`` blocks, ``style`` attributes and SVG paints in CMYK; its text untouched."""
        explicit: dict[str, str] = {}
        for block in _STYLE_BLOCK.finditer(text):
            _collect_explicit(tinycss2.parse_stylesheet(block.group(2)), explicit)
        text = _STYLE_BLOCK.sub(lambda m: m.group(1) + self.css(m.group(2)) + m.group(3), text)
        return self.svg(text, explicit)

    def svg(self, text: str, explicit: dict[str, str] | None = None) -> str:
        """SVG (or HTML) paint attributes and ``style`` attributes in CMYK."""
        text = _STYLE_ATTR.sub(lambda m: f'style="{self.declarations(m.group(1), explicit)}"', text)
        return _SVG_PAINT.sub(lambda m: f'{m.group(1)}="{self._value(m.group(2))}"', text)

    def _value(self, value: str) -> str:
        tokens = tinycss2.parse_component_value_list(value)
        self._tokens(tokens)
        return str(tinycss2.serialize(tokens))

    def _rules(self, rules: list[Any], explicit: dict[str, str]) -> None:
        for rule in rules:
            if rule.type == "qualified-rule":
                items = tinycss2.parse_blocks_contents(rule.content)
                self._block(items, explicit)
                rule.content = items
            elif rule.type == "at-rule" and rule.content is not None:
                if rule.lower_at_keyword in ("page", "font-face", "color-profile"):
                    items = tinycss2.parse_blocks_contents(rule.content)
                    self._block(items, explicit)
                    rule.content = items
                else:  # @media and friends hold rules
                    inner = tinycss2.parse_rule_list(rule.content)
                    self._rules(inner, explicit)
                    rule.content = inner

    def _block(self, items: list[Any], explicit: dict[str, str]) -> None:
        for item in items:
            if item.type == "declaration" and _COLOUR_PROPERTIES.match(item.lower_name):
                if item.name in explicit:
                    item.value = tinycss2.parse_component_value_list(" " + explicit[item.name])
                elif not item.name.endswith("-cmyk"):
                    self._tokens(item.value)
            # nested rules (@page margin boxes)
            elif item.type == "qualified-rule" or item.type == "at-rule" and item.content is not None:
                inner = tinycss2.parse_blocks_contents(item.content)
                self._block(inner, explicit)
                item.content = inner

    def _tokens(self, tokens: list) -> None:
        for i, token in enumerate(tokens):
            if token.type not in ("hash", "ident", "function"):
                continue
            if token.type == "function" and token.lower_name not in _COLOUR_FUNCTIONS:
                self._tokens(token.arguments)  # var(--x, #fff), device-cmyk() left as written
                continue
            colour = tinycss2.color4.parse_color(token)
            if colour is None or isinstance(colour, str):  # not a colour, or currentcolor
                continue
            if colour.alpha == 0:
                continue  # transparent stays transparent
            rgb = colour.to("srgb").coordinates  # Lab, LCh, HSL…: into sRGB first, then through the profile
            tokens[i] = tinycss2.parse_one_component_value(self.css_colour((*rgb, colour.alpha)))

    # Images ---------------------------------------------------------------------------------------

    def image(self, data: bytes) -> bytes | None:
        """A raster image as a CMYK JPEG (None: leave it, e.g. already CMYK or grey, or not an image)."""
        try:
            with Image.open(io.BytesIO(data)) as opened:
                image: Image.Image = opened
                image.load()
        except Exception:  # noqa: BLE001 - an image Pillow cannot read is left to the checks that name it
            return None
        if image.mode in ("CMYK", "L", "1"):  # CMYK as supplied; grey prints with black ink
            return None
        dpi = image.info.get("dpi")
        source: Any = self._srgb
        icc = image.info.get("icc_profile")
        if icc:
            try:
                source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            except Exception:  # noqa: BLE001 - a broken embedded profile: read the pixels as sRGB
                source = self._srgb
        if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
            # JPEG has no alpha: flatten on paper white (a transparent logo on a coloured panel shows a white box;
            # supply such logos as SVG or as CMYK with no transparency).
            rgba = image.convert("RGBA")
            flat = Image.new("RGB", rgba.size, (255, 255, 255))
            flat.paste(rgba, mask=rgba.getchannel("A"))
            image = flat
        else:
            image = image.convert("RGB")
        transform = self._to_cmyk if source is self._srgb else ImageCms.buildTransform(
            source, self.profile, "RGB", "CMYK", ImageCms.Intent.RELATIVE_COLORIMETRIC,
            ImageCms.Flags.BLACKPOINTCOMPENSATION)
        cmyk = _apply(image, transform)
        out = io.BytesIO()
        options = {"dpi": dpi} if dpi else {}
        cmyk.save(out, "JPEG", quality=JPEG_QUALITY, **options)
        return out.getvalue()


def _collect_explicit(rules: list[Any], explicit: dict[str, str]) -> None:
    """``--name-cmyk: value`` declarations anywhere in a stylesheet, as ``{"--name": "value"}``."""
    for rule in rules:
        content = getattr(rule, "content", None)
        if content is None:
            continue
        for item in tinycss2.parse_blocks_contents(content):
            if item.type == "declaration" and item.name.startswith("--") and item.name.endswith("-cmyk"):
                explicit[item.name[: -len("-cmyk")]] = tinycss2.serialize(item.value).strip()
            elif item.type in ("qualified-rule", "at-rule"):
                _collect_explicit([item], explicit)


def _num(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text or "0"


def is_cmyk_profile(path: Path) -> str | None:
    """None for an ICC output profile for CMYK, else what is wrong with the file."""
    try:
        profile = ImageCms.getOpenProfile(str(path))
    except Exception:  # noqa: BLE001 - LittleCMS raises several kinds on a file that is no profile
        return "is not an ICC profile (it cannot be read as one)"
    space = profile.profile.xcolor_space.strip()
    if space != "CMYK":
        return (f"is an ICC profile for {space or 'an unknown colour space'}, not CMYK; "
                "ask the print shop for its CMYK output profile")
    if profile.profile.device_class.strip() != "prtr":
        return f"is a CMYK profile of class {profile.profile.device_class!r}, not an output (printer) profile"
    return None
