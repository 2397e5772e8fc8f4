"""Share images: a one-page PDF drawn from templates/share/, rasterised and compressed.

pdftoppm (poppler) draws the page at exactly the format's pixel size; Pillow
reduces it to a palette PNG (flat colours and text compress well and stay
sharp), with fewer colours when it would be heavier than the budget. No metadata,
no timestamps: the same PDF gives the same bytes.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import Problem, ToolboxError

#: Share images must stay under this many bytes (messaging apps recompress heavier ones).
IMAGE_BUDGET = 300 * 1024


def rasterise(pdf: bytes, width: int, height: int, budget: int = IMAGE_BUDGET) -> bytes:
    """The first page of ``pdf`` as a palette PNG of ``width`` × ``height`` px, under ``budget`` bytes if it can be."""
    from PIL import Image

    tool = shutil.which("pdftoppm")
    if tool is None:
        raise ToolboxError(Problem("pdftoppm", None, "share images need pdftoppm from poppler-utils; run scripts/setup.sh"))
    with tempfile.TemporaryDirectory(prefix="toolbox-share-") as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        subprocess.run([tool, "-f", "1", "-l", "1", "-singlefile", "-scale-to-x", str(width),
                        "-scale-to-y", str(height), str(source), str(Path(tmp) / "page")],
                       check=True, capture_output=True, timeout=120)
        with Image.open(Path(tmp) / "page.ppm") as img:
            rgb = img.convert("RGB")
    if rgb.size != (width, height):
        rgb = rgb.resize((width, height), Image.Resampling.LANCZOS)
    for colors in (64, 32, 16):  # fewer colours until it fits the budget (text stays sharp)
        out = io.BytesIO()
        rgb.quantize(colors=colors, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(out, "PNG", compress_level=9)
        if out.tell() <= budget:
            break
    return out.getvalue()
