"""PNG previews of print outputs, drawn in this process (:mod:`.raster`).

Previews are for the designer (a quick look at every output) and for the
microsite's downloads page. They sit beside their PDF: ``…-leaflet.pdf`` gets
``…-leaflet.png`` (first page) or ``…-leaflet-1.png``, ``…-leaflet-2.png`` (every page).
"""

from __future__ import annotations

from .raster import pages, png

#: Resolution of previews, in dots per inch: a 297 mm wide page becomes ~700 px.
DPI = 60


def previews(pdf: bytes, rel: str, mode: str, dpi: int = DPI) -> dict[str, bytes]:
    """PNG files for a PDF at output path ``rel``: {output path: PNG bytes}."""
    if mode == "none":
        return {}
    stem = rel[: -len(".pdf")] if rel.endswith(".pdf") else rel
    drawn = [png(image) for image in pages(pdf, dpi=dpi, first=mode == "first")]
    if mode == "first":
        return {f"{stem}.png": drawn[0]} if drawn else {}
    return {f"{stem}-{n}.png": data for n, data in enumerate(drawn, 1)}
