"""Copyfitting: the type scale of each fixed-size box, as large as its content allows.

A fixed-size format (leaflet panels, card sides, poster, share images) marks its
boxes with ``data-fit``; their type is set in sizes multiplied by the CSS custom
property ``--fit`` (``calc(11pt * var(--fit, 1))``). ``pdf.render_pdf`` lays the
document out once at scale 1, measures how much of each box its content takes,
and asks ``next_scales`` for the scale of each box; it lays out again until every
box fits (or sits at a bound), usually two or three layouts in all. The range
per format — the body size at scale 1 and the smallest and largest body size
allowed — is data: ``templates/print/fit.toml`` (docs/print.md#copyfitting).
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..theme import Theme

#: Leave this share of a box free: lines break differently at the new size than predicted.
MARGIN = 0.975
#: A box filled to this share of its height (at a scale below the maximum) is full enough.
GOOD_FILL = 0.95
#: A box still less full at the largest size gets more space between its lines, up to this factor:
#: the free space spread through the text rather than left at the bottom.
MAX_LEADING = 1.5
#: Layouts per document at most (the first at scale 1): each costs about one WeasyPrint layout.
MAX_LAYOUTS = 4
FIT_FILE = "print/fit.toml"


@dataclass(frozen=True)
class FitRange:
    """The scales a format's boxes may take: ``low`` ≤ scale ≤ ``high`` (1 = the template's design)."""

    format: str
    body: float  # body size at scale 1, in the format's unit (pt for print, px for share images)
    low: float
    high: float
    unit: str = "pt"

    def clamp(self, scale: float) -> float:
        return min(self.high, max(self.low, scale))

    def body_size(self, scale: float) -> float:
        return round(self.body * scale, 2)


@dataclass
class Fill:
    """How much of a fixed box its content takes at the scale it was laid out with."""

    available: float  # the box's content height (CSS px)
    needed: float  # its content's height, free space (``.push``) left out; more than available: overflow

    @property
    def ratio(self) -> float:
        return self.needed / self.available if self.available > 0 else 1.0


@dataclass
class _Bracket:
    fits: float  # the largest scale known to fit (0: none yet)
    fails: float  # the smallest scale known not to fit (inf: none yet)


class Fitter:
    """Chooses each box's scale from the fills measured at the scales tried so far."""

    def __init__(self, fit: FitRange) -> None:
        self.fit = fit
        self.scales: dict[str, float] = {}
        self.leading: dict[str, float] = {}  # boxes at the largest size with room left: line spacing × this
        self._known: dict[str, _Bracket] = {}
        self._done: set[str] = set()

    def next_scales(self, fills: dict[str, Fill]) -> dict[str, float] | None:
        """The scales to lay out with next, or None when the current layout is the final one."""
        changed = False
        for label, fill in fills.items():
            if label in self._done:
                changed = self._respace(label, fill) or changed
                continue
            scale = self.scales.get(label, 1.0)
            known = self._known.setdefault(label, _Bracket(0.0, math.inf))
            if fill.ratio <= 1.0:
                known.fits = max(known.fits, scale)
            else:
                known.fails = min(known.fails, scale)
            if fill.ratio <= 1.0 and (fill.ratio >= GOOD_FILL or scale >= self.fit.high - 0.005):
                self._done.add(label)
                if fill.ratio < GOOD_FILL:
                    current = self.leading.get(label, 1.0)
                    wanted = round(min(MAX_LEADING, current * GOOD_FILL / max(fill.ratio, 0.1)), 3)
                    if wanted - current > 0.02:
                        self.leading[label] = wanted
                        changed = True
                continue
            if fill.ratio > 1.0 and scale <= self.fit.low:
                self._done.add(label)  # the smallest size does not fit either: an overflow, reported
                continue
            # Wrapped text grows with the square of its size (taller lines, and more of them).
            guess = self.fit.clamp(scale * math.sqrt(MARGIN / max(fill.ratio, 1e-3)))
            if not known.fits < guess < known.fails:
                low = known.fits or self.fit.low
                high = known.fails if known.fails < math.inf else self.fit.high
                guess = self.fit.clamp(math.sqrt(low * high))
            guess = round(guess, 3)
            if abs(guess - scale) < 0.01 or (known.fits and abs(guess - known.fits) < 0.01):
                # No real change left to try: keep the largest scale known to fit.
                self._done.add(label)
                best = known.fits or self.fit.low
                if fill.ratio > 1.0 and best != scale:
                    self.scales[label] = best
                    changed = True
                continue
            self.scales[label] = guess
            if guess >= self.fit.high - 0.005 and label not in self.leading:
                # Going to the largest size with room to spare: spread it in the same layout (one layout fewer).
                predicted = fill.ratio * (guess / scale) ** 2
                if predicted < GOOD_FILL:
                    self.leading[label] = round(min(MAX_LEADING, GOOD_FILL / max(predicted, 0.1)), 3)
            changed = True
        return dict(self.scales) if changed else None

    def _respace(self, label: str, fill: Fill) -> bool:
        """Adjust the line spacing of a box at its largest size towards a good fill; True if it changed."""
        current = self.leading.get(label)
        if current is None:
            return False
        if fill.ratio > 1.0:  # too much: less, or the design's
            wanted = round(current * MARGIN / fill.ratio, 3)
        elif fill.ratio < GOOD_FILL:
            wanted = round(min(MAX_LEADING, current * GOOD_FILL / max(fill.ratio, 0.1)), 3)
        else:
            return False
        if abs(wanted - current) <= 0.02:
            return False
        if wanted < 1.02:
            del self.leading[label]
        else:
            self.leading[label] = wanted
        return True

    def settle(self, fills: dict[str, Fill]) -> dict[str, float] | None:
        """After the last allowed layout: scales that are known to fit, when the last layout overflowed."""
        fixed = False
        for label, fill in fills.items():
            scale = self.scales.get(label, 1.0)
            known = self._known.get(label)
            if fill.ratio > 1.0 and self.leading.pop(label, False):
                fixed = True  # the wider line spacing was too much: back to the design's
            elif fill.ratio > 1.0 and known is not None and scale > self.fit.low:
                self.scales[label] = known.fits or self.fit.low
                fixed = True
        return dict(self.scales) if fixed else None


def scale_css(scales: dict[str, float], leading: dict[str, float] | None = None) -> str:
    """The stylesheet that gives each box its scale (``--fit``) and line spacing (``--fit-leading``), by label."""
    rules = []
    for label, scale in sorted(scales.items()):
        quoted = label.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
        rules.append(f'[data-fit="{quoted}"] {{ --fit: {scale:g}; }}')
        if leading and label in leading:
            rules.append(f'[data-fit="{quoted}"] p, [data-fit="{quoted}"] li '
                         f'{{ line-height: calc(var(--line-height, 1.35) * {leading[label]:g}); }}')
    return "\n".join(rules)


@lru_cache(maxsize=8)
def _table(path: Path, mtime: float) -> dict:
    with path.open("rb") as fh:
        return tomllib.load(fh)


def fit_range(theme: Theme, fmt: str) -> FitRange | None:
    """The copyfitting range of a format (None: the format is not fitted, e.g. the fact sheet, which flows)."""
    path = theme.file(FIT_FILE)
    if not path.is_file():
        return None
    entry = _table(path, path.stat().st_mtime).get(fmt)
    if not isinstance(entry, dict):
        return None
    body = float(entry["body"])
    return FitRange(fmt, body, float(entry["min"]) / body, float(entry["max"]) / body, str(entry.get("unit", "pt")))


def fit_problems(theme: Theme) -> list[tuple[str, str]]:
    """(format, what is wrong) for every entry of fit.toml that cannot be used."""
    path = theme.file(FIT_FILE)
    if not path.is_file():
        return []
    try:
        table = _table(path, path.stat().st_mtime)
    except tomllib.TOMLDecodeError as err:
        return [("", f"not valid TOML: {err}")]
    found = []
    for fmt, entry in table.items():
        if not isinstance(entry, dict):
            found.append((fmt, "must be a table with body, min and max"))
            continue
        values: list[Any] = [entry.get(k) for k in ("body", "min", "max")]
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 for v in values):
            found.append((fmt, "body, min and max must be positive numbers"))
        elif not values[1] <= values[0] <= values[2]:
            found.append((fmt, f"needs min ≤ body ≤ max (has min {values[1]}, body {values[0]}, max {values[2]})"))
    return found
