"""The catalogue for coordinators: every material of a campaign in one PDF, with thumbnails.

Made by ``toolbox pack`` from the build's manifest and files (print PDFs through
their PNG previews, share images themselves), never from the definitions. It is
for campaign staff, so it is in English and shows ids, paths, sizes and page
counts rather than translated names. No date is written into it: the same build
gives the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import io
from pathlib import Path, PurePosixPath

from markupsafe import Markup

from ..campaign.paths import inside
from ..errors import Problem, ToolboxError

THUMB = 150  # px, the longer side of a thumbnail


def _thumbnail(path: Path) -> str:
    from PIL import Image

    with Image.open(path) as opened:
        img = opened.convert("RGB")
        img.thumbnail((THUMB, THUMB))
        out = io.BytesIO()
        img.quantize(colors=64, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(out, "PNG", compress_level=9)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def _preview_of(entry: dict, previews: dict[str, dict]) -> str | None:
    path: str = entry["path"]
    if path.endswith(".png"):
        return path
    stem = path[: -len(".pdf")]
    for candidate in (f"{stem}.png", f"{stem}-1.png"):
        if candidate in previews:
            return candidate
    return None


def _thumbnail_source(build: Path, rel: str, outputs: dict[str, dict]) -> Path | None:
    """The image to draw a thumbnail from, checked like every file pack reads; None: no thumbnail.

    A preview is decoded here (the bundled files are not): one changed since the build,
    or not an image toolbox made (a decompression bomb), is an error, not a crash.
    """
    from ..campaign.limits import image_problem

    source = inside(build, rel)
    if source is None or not source.is_file():
        return None
    data, entry = source.read_bytes(), outputs.get(rel, {})
    if len(data) != entry.get("bytes") or hashlib.sha256(data).hexdigest() != entry.get("sha256"):
        raise ToolboxError(Problem(str(source), None, "does not match the build's manifest (damaged or changed since "
                                   "the build); run 'toolbox build' again"))
    why = image_problem(source)
    if why:
        raise ToolboxError(Problem(str(source), None, f"{why}; run 'toolbox build' again"))
    return source


def catalogue_html(build: Path, campaign: str, outputs: list[dict], font_css: str, font_stack: str) -> str:
    from ..outreach.pack import kind

    by_path = {o["path"]: o for o in outputs}
    previews = {o["path"]: o for o in outputs if o.get("format") == "preview" and isinstance(o.get("path"), str)}
    materials = [o for o in outputs if o.get("campaign") == campaign and kind(o) in ("print", "share", "")]
    materials.sort(key=lambda o: (o.get("locale") or "", o.get("country") or "", o.get("group") or "", o.get("path", "")))
    sections: dict[str, list[str]] = {}
    for o in materials:
        rel = _preview_of(o, previews)
        source = _thumbnail_source(build, rel, by_path) if rel else None
        thumb = Markup('<img src="{}" alt="">').format(_thumbnail(source)) if source else ""
        what = o.get("format", "")
        if o.get("paper"):
            what = f"{what} {o['paper'].upper()}"
        row = Markup(
            "<tr><td class=\"thumb\">{}</td><td><b>{}</b><br><span class=\"path\">{}</span></td><td>{}</td>"
            "<td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>"
        ).format(thumb, PurePosixPath(o["path"]).name, o["path"], what, o.get("group") or "—", o.get("country") or "—",
                 f"{o.get('bytes', 0) / 1024:.0f} KB", o.get("pages") or "")
        sections.setdefault(o.get("locale") or "—", []).append(row)
    body = Markup("").join(
        Markup('<h2>{} <span>({} files)</span></h2><table><thead><tr><th></th><th>file</th><th>format</th>'
               '<th>group</th><th>country</th><th>size</th><th>pages</th></tr></thead><tbody>{}</tbody></table>')
        .format(tag, len(rows), Markup("").join(rows))
        for tag, rows in sections.items()
    )
    return str(Markup("""<!DOCTYPE html>
<html lang="en" dir="ltr"><head><meta charset="utf-8"><title>Catalogue of materials — {campaign}</title>
<meta name="author" content="toolbox">
<style>{fonts}
@page {{ size: A4 portrait; margin: 12mm 12mm 14mm; @bottom-right {{ content: counter(page) " / " counter(pages); font-size: 8pt; }} }}
html {{ font-family: {stack}; font-size: 8.5pt; color: #1a1a2e; }}
h1 {{ font-size: 16pt; color: #0b6e69; margin: 0 0 2mm; }}
h2 {{ font-size: 12pt; color: #0b6e69; margin: 6mm 0 2mm; break-after: avoid; }}
h2 span {{ font-weight: normal; font-size: 9pt; color: #555; }}
table {{ border-collapse: collapse; width: 100%; }}
th {{ text-align: left; font-size: 7.5pt; color: #555; border-bottom: 0.8pt solid #0b6e69; }}
td {{ vertical-align: top; padding: 1.5mm 1.5mm; border-bottom: 0.4pt solid #ccc; }}
tr {{ break-inside: avoid; }}
td.thumb {{ width: 30mm; }}
td.thumb img {{ max-width: 28mm; max-height: 28mm; border: 0.4pt solid #999; }}
.path {{ font-size: 6.5pt; color: #555; overflow-wrap: anywhere; }}
.num {{ text-align: right; white-space: nowrap; }}
</style></head><body>
<h1>Catalogue of materials — {campaign}</h1>
<p>{count} files: print PDFs (thumbnail of the first page), share images, print guides. Text messages are in the bundles.</p>
{body}
</body></html>
""").format(campaign=campaign, fonts=Markup(font_css), stack=Markup(font_stack), count=len(materials), body=body))


def catalogue_pdf(templates: Path, build: Path, campaign: str, outputs: list[dict]) -> bytes:
    from .fonts import load_fonts, print_css
    from .pdf import render_pdf

    fonts = load_fonts(templates)
    html = catalogue_html(build, campaign, outputs, print_css(fonts, "Latn"), fonts.stack("Latn"))
    return render_pdf(html, build, [build, templates], "pdf/ua-1").data
