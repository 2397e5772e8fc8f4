"""Size limits on input, checked at validation, so a huge or hostile file fails fast.

A campaign's text fits on a leaflet and a few web pages; its images are
printed at most at A3. Anything far beyond that is a mistake (a pasted book, a
camera's raw file) or an attack (a decompression bomb), and would make the
build hang or run out of memory. Each limit is generous for real campaigns and
documented in docs/security.md.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import BinaryIO

#: campaign.toml
MAX_DEFINITION_BYTES = 1_000_000
#: One Markdown content file (a leaflet section is a few hundred bytes).
MAX_MARKDOWN_BYTES = 100_000
#: One .po catalog (the bundled ones are about 25 kB).
MAX_PO_BYTES = 2_000_000
#: One message: a Markdown block (paragraph, list item, heading) or a translation.
MAX_MESSAGE_CHARS = 5_000
#: One image file.
MAX_IMAGE_BYTES = 30_000_000
#: One image's pixels (width × height): 40 MP is an A3 page at 350 dpi.
MAX_IMAGE_PIXELS = 40_000_000

#: Raster formats WeasyPrint embeds reliably.
IMAGE_FORMATS = ("PNG", "JPEG", "GIF", "WEBP")


def size_problem(path: Path, limit: int, what: str) -> str | None:
    """Why the file at ``path`` is too big to read, or None (reads nothing but its size)."""
    size = path.stat().st_size
    if size > limit:
        return f"{what} is {_mb(size)}, over the limit of {_mb(limit)}; split it or make it smaller (see docs/security.md)"
    return None


def read_text(path: Path, limit: int, what: str, hint: str = "") -> tuple[str | None, tuple[int | None, str] | None]:
    """A UTF-8 text file within ``limit`` bytes: (text, None), or (None, (line, problem)).

    The line of an encoding problem is the line of the first byte that is not UTF-8.
    """
    too_big = size_problem(path, limit, what)
    if too_big:
        return None, (None, too_big)
    data = path.read_bytes()
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return None, (data[: exc.start].count(b"\n") + 1, f"the file is not UTF-8 text; save it as UTF-8{hint}")


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 1_000_000 else f"{n / 1000:.0f} kB"


def image_problem(path: Path) -> str | None:
    """Why the image at ``path`` cannot be used, or None.

    Reads the header first and refuses images over :data:`MAX_IMAGE_PIXELS`
    before any pixel is decoded; then checks the file is whole.
    """
    too_big = size_problem(path, MAX_IMAGE_BYTES, "the image")
    if too_big:
        return too_big
    if path.suffix.lower() == ".svg":
        return _svg_problem(path)
    with path.open("rb") as fp:
        return raster_problem(fp)


def raster_problem(fp: BinaryIO) -> str | None:
    """Why the PNG, JPEG, GIF or WebP image in the binary file ``fp`` cannot be used, or None."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # DecompressionBombWarning: we check the size ourselves
            with Image.open(fp) as im:
                width, height = im.size
                if im.format not in IMAGE_FORMATS:
                    return f"is a {im.format} image; use PNG, JPEG or SVG"
                if width * height > MAX_IMAGE_PIXELS:
                    return (f"is {width} × {height} pixels ({width * height / 1e6:.0f} MP), over the limit of "
                            f"{MAX_IMAGE_PIXELS / 1e6:.0f} MP; scale it down (300 dpi at print size is enough)")
                if im.format == "PNG":
                    im.verify()  # every chunk's checksum, without decoding the pixels
                else:
                    if im.format == "JPEG":
                        im.draft("RGB", (max(1, width // 8), max(1, height // 8)))  # decode at 1/8 scale
                    im.load()
    except Image.DecompressionBombError:
        return f"claims so many pixels that it could exhaust memory (over {MAX_IMAGE_PIXELS / 1e6:.0f} MP); scale it down"
    except UnidentifiedImageError:
        return "is not an image Pillow can read (damaged, or not PNG/JPEG); export it again as PNG or JPEG"
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        return f"is damaged ({exc}); export it again as PNG or JPEG"
    return None


def _svg_problem(path: Path) -> str | None:
    from .svgcheck import svg_problem

    return svg_problem(path.read_bytes(), raster_problem)
