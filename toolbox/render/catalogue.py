"""The catalogue for coordinators: every material of a campaign in one PDF, with thumbnails.

Made by ``toolbox pack`` from the build's manifest and files (print PDFs through
their PNG previews, share images themselves), never from the definitions. It is
for campaign staff, so it is in English and shows ids, paths, sizes and page
counts rather than translated names. Its layout is the designers' template
``templates/outreach/catalogue.html``, styled with ``print/print.css`` and the project's
brand kit (toolbox.toml: colours over print.css's tokens, the organisation, its logo and
contact line, the default paper) like every other output. No date is written into it: the
same build gives the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import io
from pathlib import Path, PurePosixPath

import jinja2
from markupsafe import Markup

from ..brand import Brand
from ..campaign.paths import inside
from ..errors import Problem, ToolboxError
from ..formats import AUDIO, GUIDE, PRINT, SHARE, Formats, Paper
from ..manifest import Entry, previews_of
from ..theme import Theme
from .templates import environment

THUMB = 150  # px, the longer side of a thumbnail


def _thumbnail(path: Path) -> str:
    from PIL import Image

    with Image.open(path) as opened:
        img = opened.convert("RGB")
        img.thumbnail((THUMB, THUMB))
        out = io.BytesIO()
        img.quantize(colors=64, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(out, "PNG", compress_level=9)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def _length(output: Entry) -> str:
    """An audio file's duration as m:ss ('' for anything else)."""
    if not isinstance(output.seconds, (int, float)):
        return ""
    return f"{int(round(output.seconds)) // 60}:{int(round(output.seconds)) % 60:02d}"


def _thumbnail_source(build: Path, rel: str, outputs: dict[str, Entry]) -> Path | None:
    """The image to draw a thumbnail from, checked like every file pack reads; None: no thumbnail.

    A preview is decoded here (the bundled files are not): one changed since the build,
    or not an image toolbox made (a decompression bomb), is an error, not a crash.
    """
    from ..campaign.limits import image_problem

    source = inside(build, rel)
    if source is None or not source.is_file():
        return None
    data, entry = source.read_bytes(), outputs.get(rel)
    if entry is None or len(data) != entry.bytes or hashlib.sha256(data).hexdigest() != entry.sha256:
        raise ToolboxError(Problem(str(source), None, "does not match the build's manifest (damaged or changed since "
                                   "the build); run 'toolbox build' again"))
    why = image_problem(source)
    if why:
        raise ToolboxError(Problem(str(source), None, f"{why}; run 'toolbox build' again"))
    return source


#: The catalogue's template, under templates/.
TEMPLATE = "outreach/catalogue.html"


def catalogue_html(theme: Theme, build: Path, campaign: str, outputs: list[Entry], font_css: str, font_stack: str,
                   formats: Formats, brand: Brand | None = None) -> str:
    by_path = {o.path: o for o in outputs}
    materials = [o for o in outputs if o.campaign == campaign and _listed(o, formats)]
    materials.sort(key=lambda o: (o.locale or "", o.country or "", o.group or "", o.path))
    sections: dict[str, list[dict]] = {}
    for o in materials:
        # A share image is its own thumbnail; a print PDF shows its first preview.
        rel = o.path if o.path.endswith(".png") else next((p.path for p in previews_of(o, outputs)), None)
        source = _thumbnail_source(build, rel, by_path) if rel else None
        sections.setdefault(o.locale or "—", []).append({
            "thumb": _thumbnail(source) if source else "", "file": PurePosixPath(o.path).name, "path": o.path,
            "format": o.format, "paper": o.paper or "", "group": o.group, "country": o.country,
            "size": f"{o.bytes / 1024:.0f} KB", "pages": o.pages or _length(o),
        })
    env = environment(theme)
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]  # English, for staff
    kit = brand or Brand()
    context = {"campaign": campaign, "count": len(materials), "font_faces": Markup(font_css),
               "font_stack": Markup(font_stack),
               # The brand kit, as the print templates read it: brand.*, its tokens after print.css, its paper.
               "brand": kit.data(kit.logo.resolve().as_uri() if kit.logo else ""),
               "brand_css": Markup(kit.css()), "page": Paper(kit.paper.lower()),
               "sections": [{"locale": tag, "rows": rows} for tag, rows in sections.items()]}
    try:
        return env.get_template(TEMPLATE).render(context)
    except jinja2.TemplateError as exc:
        raise ToolboxError(Problem(f"templates/{TEMPLATE}", getattr(exc, "lineno", None),
                                   f"template error: {exc}; see docs/templates.md")) from None


def _listed(entry: Entry, formats: Formats) -> bool:
    """Print materials, share images, print guides and voice messages are listed; pages, texts, assets and previews are not."""
    fmt = formats.get(entry.format)
    return fmt is not None and fmt.family in (PRINT, SHARE, GUIDE, AUDIO) and fmt.makes(entry.path)


def catalogue_pdf(theme: Theme, build: Path, campaign: str, outputs: list[Entry], formats: Formats,
                  brand: Brand | None = None) -> bytes:
    from .fonts import load_fonts, print_css
    from .pdf import render_pdf

    fonts = load_fonts(theme).preferring(brand.fonts if brand else {})
    html = catalogue_html(theme, build, campaign, outputs, print_css(fonts, "Latn"), fonts.stack("Latn"), formats, brand)
    roots = [build, *([brand.logo.resolve().parent] if brand and brand.logo else [])]  # the logo is the project's
    return render_pdf(html, theme.own / "print", roots, "pdf/ua-1", theme=theme).data
