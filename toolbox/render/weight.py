"""Page weight: what a reader on prepaid data downloads for one page, fonts aside.

A page's weight is its HTML plus the stylesheets and scripts it loads from the
site, each gzip-compressed (as a web server sends them). Fonts are left out:
they are cached after the first page and subset per locale.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass

# Every size budget the toolbox enforces, in bytes; the command line takes them in KB (1024 bytes).
#: A microsite page, compressed, fonts aside ("under 30 KB compressed before fonts").
DEFAULT_BUDGET = 30 * 1024
#: A share image: messaging apps recompress heavier ones.
IMAGE_BUDGET = 300 * 1024
#: A print PDF in a bundle for partners (toolbox pack).
PDF_BUDGET = 1024 * 1024


def compressed(data: bytes) -> int:
    """Size of ``data`` gzip-compressed at level 9, without a timestamp."""
    return len(gzip.compress(data, compresslevel=9, mtime=0))


@dataclass(frozen=True)
class PageWeight:
    path: str
    html: int  # compressed bytes of the page itself
    assets: int  # compressed bytes of the stylesheets (and scripts) it loads, fonts excluded

    @property
    def total(self) -> int:
        return self.html + self.assets


def over_budget(weights: list[PageWeight], budget: int) -> list[PageWeight]:
    return [w for w in weights if w.total > budget]


def kb(n: int) -> str:
    """``n`` bytes as people read it: "12.3 KB"."""
    return f"{n / 1024:.1f} KB"
