"""PDF pages to pixels, in this process (PDFium through pypdfium2).

Share images and previews are drawn from the PDF bytes the render step already
holds: no subprocess and no temporary files, so a build does not need poppler
and does not pay for starting a program per image. PDFium is not thread-safe;
the build renders in worker processes, one page at a time, and serve builds
one build at a time.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # loaded on first use: a rebuild that draws nothing need not load PDFium
    from PIL import Image

POINTS_PER_INCH = 72


def pages(pdf: bytes, *, dpi: float | None = None, size: tuple[int, int] | None = None,
          first: bool = False) -> Iterator[Image.Image]:
    """RGB images of the pages of ``pdf``, at ``dpi`` or scaled to exactly ``size`` (width, height) px."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        for index in range(1 if first else len(doc)):
            page = doc[index]
            try:
                width_pt, height_pt = page.get_size()
                scale = (size[0] / width_pt) if size else (dpi or POINTS_PER_INCH) / POINTS_PER_INCH
                image = page.render(scale=scale).to_pil().convert("RGB")
            finally:
                page.close()
            yield _fit(image, size) if size else image
    finally:
        doc.close()


def _fit(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """``image`` at exactly ``size``: PDFium (like poppler) rounds a partial pixel up, so trim that pixel."""
    if image.size == size:
        return image
    if abs(image.width - size[0]) <= 1 and abs(image.height - size[1]) <= 1 and image.width >= size[0] \
            and image.height >= size[1]:
        return image.crop((0, 0, *size))
    from PIL import Image

    return image.resize(size, Image.Resampling.LANCZOS)


def png(image: Image.Image, compress_level: int = 6) -> bytes:
    """PNG bytes without metadata (no time, no resolution chunk): the same pixels give the same bytes."""
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=compress_level)
    return out.getvalue()
