"""HTML → PDF. The only module that imports WeasyPrint.

Everything else hands it HTML and gets bytes, a page count and the problems
WeasyPrint logged (missing glyphs, bad CSS) back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from urllib.parse import unquote, urlparse

from weasyprint import HTML
from weasyprint.urls import URLFetcher
from weasyprint.text.fonts import FontConfiguration

_fonts: FontConfiguration | None = None


def font_config() -> FontConfiguration:
    """One FontConfiguration per process: loading @font-face files is costly."""
    global _fonts
    if _fonts is None:
        _fonts = FontConfiguration()
    return _fonts


@dataclass
class PdfResult:
    data: bytes
    pages: int
    warnings: list[str] = field(default_factory=list)


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class ProjectFetcher(URLFetcher):
    """Reads only ``file:`` and ``data:`` URLs inside the allowed folders: no network."""

    def __init__(self, roots: list[Path]) -> None:
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.roots = [r.resolve() for r in roots]

    def fetch(self, url, headers=None):
        if url.startswith("file:"):
            path = Path(unquote(urlparse(url).path)).resolve()
            if not any(path.is_relative_to(r) for r in self.roots):
                raise ValueError(f"refusing to read {path}: only files inside the project are allowed")
        return super().fetch(url, headers)


def render_pdf(html: str, base_url: Path, allowed_roots: list[Path], title: str = "") -> PdfResult:
    capture = _Capture()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(capture)
    try:
        document = HTML(string=html, base_url=str(base_url), url_fetcher=ProjectFetcher(allowed_roots)).render(
            font_config=font_config()
        )
        data = document.write_pdf(pdf_tags=True, uncompressed_pdf=False)
    finally:
        logger.removeHandler(capture)
    return PdfResult(data, len(document.pages), capture.messages)
