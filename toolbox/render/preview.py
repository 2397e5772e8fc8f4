"""PNG previews of print outputs, drawn by poppler's ``pdftoppm``.

Previews are for the designer (a quick look at every output) and for the
microsite's downloads page. They sit beside their PDF: ``…-leaflet.pdf`` gets
``…-leaflet.png`` (first page) or ``…-leaflet-1.png``, ``…-leaflet-2.png`` (every page).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import Problem, ToolboxError

#: Resolution of previews, in dots per inch: a 297 mm wide page becomes ~700 px.
DPI = 60


def previews(pdf: bytes, rel: str, mode: str, dpi: int = DPI) -> dict[str, bytes]:
    """PNG files for a PDF at output path ``rel``: {output path: PNG bytes}."""
    if mode == "none":
        return {}
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise ToolboxError(Problem("pdftoppm", None, "previews need pdftoppm from poppler-utils; run scripts/setup.sh "
                                   "or build without --previews"))
    stem = rel[: -len(".pdf")] if rel.endswith(".pdf") else rel
    with tempfile.TemporaryDirectory(prefix="toolbox-preview-") as tmp:
        source = Path(tmp) / "in.pdf"
        source.write_bytes(pdf)
        args = [tool, "-png", "-r", str(dpi)]
        if mode == "first":
            args += ["-f", "1", "-l", "1", "-singlefile"]
        subprocess.run([*args, str(source), str(Path(tmp) / "page")], check=True, capture_output=True, timeout=120)
        pngs = sorted(Path(tmp).glob("page*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[-1]) if "-" in p.stem else 0)
        if mode == "first":
            return {f"{stem}.png": pngs[0].read_bytes()} if pngs else {}
        return {f"{stem}-{n}.png": png.read_bytes() for n, png in enumerate(pngs, 1)}
