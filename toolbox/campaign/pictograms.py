"""Pictograms beside the points of a section: the SVG files of templates/pictograms/.

The campaign definition names one pictogram per list item of a section
(``[groups.pictograms] warning_signs = ["fee", "passport", …]``), outside the
translated text. Each is drawn inline at the start of its item, hidden from
screen readers and tagged PDF alike (``aria-hidden``): the text beside it says
the same, so it is not read twice.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup

FOLDER = "pictograms"
_ITEM = re.compile(r"<li(\s[^>]*)?>")


@lru_cache(maxsize=64)
def _svg(path: Path, mtime: float) -> str:
    text = path.read_text(encoding="utf-8").strip()
    # Decorative: the point's text is beside it. focusable=false keeps old browsers from tabbing into it.
    return text.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


def pictogram(templates: Path, name: str) -> Markup:
    path = templates / FOLDER / f"{name}.svg"
    return Markup(_svg(path, path.stat().st_mtime)) if name and path.is_file() else Markup("")


def with_pictograms(html: Markup, names: list[str], templates: Path) -> Markup:
    """The section's HTML with the n-th pictogram at the start of its n-th list item (class has-picto)."""
    if not names or not html:
        return html
    count = 0

    def add(match: re.Match) -> str:
        nonlocal count
        name = names[count] if count < len(names) else ""
        count += 1
        icon = pictogram(templates, name)
        if not icon:
            return str(match.group(0))
        attrs = match.group(1) or ""
        # data-mark: the build measures it like the draft mark, and warns when it is drawn over the point's text.
        return f'<li class="has-picto"{attrs}><span class="picto" aria-hidden="true" data-mark="pictogram">{icon}</span>'

    return Markup(_ITEM.sub(add, str(html)))


_ACCENT = re.compile(r"--accent\s*:\s*(#[0-9a-fA-F]{3,8})\b")
_PICTO_SVG = re.compile(r'(<span class="picto"[^>]*><svg\b)')


def tinted(html: str, stylesheet: str) -> str:
    """Pictograms drawn in the accent colour (``--accent``) in a PDF.

    Browsers give an inline SVG's ``currentColor`` the colour CSS sets on it; WeasyPrint draws it
    black unless the ``<svg>`` carries a ``color`` attribute. The last ``--accent`` declared wins, as
    in the cascade: ``stylesheet`` (print.css) first, then the page's own ``<style>``.
    """
    found = _ACCENT.findall(stylesheet) + _ACCENT.findall(html)
    return _PICTO_SVG.sub(rf'\1 color="{found[-1]}"', html) if found else html
