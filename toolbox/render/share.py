"""Share images: a one-page PDF drawn from templates/share/, rasterised and compressed.

PDFium (:mod:`.raster`, in this process) draws the page at exactly the format's pixel size; Pillow
reduces it to a palette PNG (flat colours and text compress well and stay
sharp), with fewer colours when it would be heavier than the budget. No metadata,
no timestamps: the same PDF gives the same bytes.
"""

from __future__ import annotations

import io

from .raster import pages
from .weight import IMAGE_BUDGET


def rasterise(pdf: bytes, width: int, height: int, budget: int = IMAGE_BUDGET) -> bytes:
    """The first page of ``pdf`` as a palette PNG of ``width`` × ``height`` px, under ``budget`` bytes if it can be."""
    from PIL import Image

    rgb = next(pages(pdf, size=(width, height), first=True))
    for colors in (64, 32, 16):  # fewer colours until it fits the budget (text stays sharp)
        out = io.BytesIO()
        rgb.quantize(colors=colors, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(out, "PNG", compress_level=9)
        if out.tell() <= budget:
            break
    return out.getvalue()
