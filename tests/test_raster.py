"""Share images and previews are drawn in-process by PDFium (toolbox.render.raster).

Checked against poppler's pdftoppm (a test tool only now) on a real WeasyPrint
page: same size, nearly the same pixels, the same bytes from run to run, and no
program on PATH needed.
"""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from toolbox.render.preview import previews
from toolbox.render.share import rasterise

PAGE = """<style>@page { size: 120mm 80mm; margin: 0 } body { margin: 0; font: 14pt sans-serif }
.band { background: #0b6e69; color: white; height: 30mm; padding: 5mm } .page2 { break-before: page }</style>
<div class=band>0800 11111 · help</div><p>Second line of text, black on white.</p>
<div class=page2><p>Page two</p></div>"""


@pytest.fixture(scope="module")
def pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string=PAGE).write_pdf()


def _poppler(pdf: bytes, dpi: int, tmp: Path) -> Image.Image:
    (tmp / "in.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile", str(tmp / "in.pdf"),
                    str(tmp / "page")], capture_output=True, check=True)
    return Image.open(tmp / "page.png").convert("RGB")


def test_previews_match_poppler_and_repeat(pdf: bytes, tmp_path: Path) -> None:
    first = previews(pdf, "a/b-card.pdf", "first", dpi=60)
    assert list(first) == ["a/b-card.png"]
    ours = Image.open(io.BytesIO(first["a/b-card.png"])).convert("RGB")
    theirs = _poppler(pdf, 60, tmp_path)
    assert ours.size == theirs.size == (284, 189)
    diff = ImageChops.difference(ours.convert("L"), theirs.convert("L"))
    assert ImageStat.Stat(diff).mean[0] < 4, "PDFium and poppler should draw nearly the same pixels"
    band = ours.getpixel((10, 10))
    assert abs(band[0] - 0x0B) < 6 and abs(band[1] - 0x6E) < 6 and abs(band[2] - 0x69) < 6
    assert previews(pdf, "a/b-card.pdf", "first", dpi=60) == first, "same PDF, same bytes"
    every = previews(pdf, "a/b-card.pdf", "all", dpi=60)
    assert list(every) == ["a/b-card-1.png", "a/b-card-2.png"]
    assert previews(pdf, "a/b-card.pdf", "none") == {}


def test_share_image_exact_size_without_poppler(pdf: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", os.devnull)  # no pdftoppm (nor anything else) to start
    data = rasterise(pdf, 540, 360)
    image = Image.open(io.BytesIO(data))
    assert image.size == (540, 360) and image.mode == "P"
    assert not image.info.get("dpi") and b"tIME" not in data and b"tEXt" not in data
    assert rasterise(pdf, 540, 360) == data
