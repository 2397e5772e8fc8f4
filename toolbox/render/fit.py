"""Copyfitting: the type scale of each fixed-size box, as large as its content allows.

A fixed-size format (leaflet panels, card sides, poster, share images) marks its
boxes with ``data-fit``; their type is set in sizes multiplied by the CSS custom
property ``--fit`` (``calc(11pt * var(--fit, 1))``). ``pdf.render_pdf`` lays the
document out once at scale 1, measures how much of each box its content takes,
and asks ``next_scales`` for the scale of each box; it lays out again until every
box fits (or sits at a bound), usually two or three layouts in all. The range
per format — the body size at scale 1 and the smallest and largest body size
allowed — is data: ``fit`` in ``templates/print/formats.toml`` (docs/print.md#copyfitting).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..formats import FitRange

__all__ = ["MAX_LAYOUTS", "Fill", "FitRange", "Fitter", "scale_css"]

#: Aim at this share of a box: lines break differently at the new size than predicted.
MARGIN = 0.96
#: A box filled to this share of its height (at a scale below the maximum) is full enough: one more
#: layout (a second or more per document) for the last few per cent is not worth it.
GOOD_FILL = 0.85
#: A box still less full at the largest size gets more space between its lines, up to this factor:
#: the free space spread through the text rather than left at the bottom (1.35 × 1.3 ≈ 1.75 lines).
MAX_LEADING = 1.3
#: How a box's content height grows with its type scale before two layouts tell: wrapped text grows
#: as about scale**1.7 (taller lines, more of them; headings and gaps grow less), measured on the sample.
POWER = 1.7
#: Layouts per document at most (the first at scale 1), not counting a last one back to a scale known to
#: fit when the last try overflowed: each costs a whole WeasyPrint layout, most of a print output's time.
MAX_LAYOUTS = 3


@dataclass
class Fill:
    """How much of a fixed box its content takes at the scale it was laid out with."""

    available: float  # the box's content height (CSS px)
    needed: float  # its content's height, free space (``.push``) left out; more than available: overflow

    @property
    def ratio(self) -> float:
        return self.needed / self.available if self.available > 0 else 1.0


@dataclass
class _Box:
    """What the layouts so far told about one box."""

    tried: list[tuple[float, float]] = field(default_factory=list)  # (scale, fill ratio)
    fits: float = 0.0  # the largest scale known to fit (0: none yet)
    fails: float = math.inf  # the smallest scale known not to fit
    done: bool = False

    def power(self) -> float:
        """How the content grows with the scale, from the last layout and the one before it at another scale."""
        last, grew = self.tried[-1]
        for scale, ratio in reversed(self.tried[:-1]):
            if abs(last - scale) > 0.01 and ratio > 0 and grew > 0:
                return min(3.0, max(0.8, math.log(grew / ratio) / math.log(last / scale)))
        return POWER


class Fitter:
    """Chooses each box's scale from the fills measured at the scales tried so far.

    Each box's next scale is predicted from how its content grew between the last two
    layouts (a power law), so most documents need two layouts: the design's, then the
    fitted one. A box that reaches the largest size with room left gets wider line
    spacing in the same layout instead of a layout of its own.
    """

    def __init__(self, fit: FitRange) -> None:
        self.fit = fit
        self.scales: dict[str, float] = {}
        self.leading: dict[str, float] = {}  # boxes at the largest size with room left: line spacing × this
        self._boxes: dict[str, _Box] = {}

    def next_scales(self, fills: dict[str, Fill]) -> dict[str, float] | None:
        """The scales to lay out with next, or None when the current layout is the final one."""
        changed = False
        for label, fill in fills.items():
            box = self._boxes.setdefault(label, _Box())
            scale = self.scales.get(label, 1.0)
            ratio = fill.ratio
            box.tried.append((scale, ratio))
            if ratio <= 1.0:
                box.fits = max(box.fits, scale)
            elif label not in self.leading:
                box.fails = min(box.fails, scale)
            if ratio > 1.0 and label in self.leading:
                changed = True  # the wider line spacing was too much: less, or the design's
                wanted = round(self.leading[label] * MARGIN / ratio, 3)
                if wanted < 1.02:
                    del self.leading[label]
                else:
                    self.leading[label] = wanted
                continue
            if box.done:
                continue
            if ratio <= 1.0 and (ratio >= GOOD_FILL or self.fit.at_high(scale)):
                if ratio < GOOD_FILL and self._spread(label, ratio):
                    changed = True  # at the largest size and still short: the lines spread further
                    continue
                box.done = True
                continue
            if ratio > 1.0 and scale <= self.fit.low + 1e-3:
                box.done = True  # the smallest size does not fit either: an overflow, reported
                continue
            power = box.power()
            guess = self.fit.clamp(scale * (MARGIN / max(ratio, 1e-3)) ** (1 / power))
            if not box.fits < guess < box.fails:  # the prediction left what is known: halve the bracket
                low = box.fits or self.fit.low
                high = box.fails if box.fails < math.inf else self.fit.high
                guess = self.fit.clamp(math.sqrt(low * high))
            guess = round(guess, 3)
            if abs(guess - scale) < 0.01 or (box.fits and abs(guess - box.fits) < 0.01):
                box.done = True  # no real change left to try: keep the largest scale known to fit
                best = box.fits or self.fit.low
                if ratio > 1.0 and best != scale:
                    self.scales[label] = best
                    changed = True
                continue
            self.scales[label] = guess
            predicted = ratio * (guess / scale) ** power
            if self.fit.at_high(guess) and predicted < GOOD_FILL:
                self.leading[label] = round(min(MAX_LEADING, GOOD_FILL / max(predicted, 0.1)), 3)
            changed = True
        return dict(self.scales) if changed else None

    def _spread(self, label: str, ratio: float) -> bool:
        """Widen the line spacing of a box at the largest size that is filled to ``ratio``; False when it is as wide as allowed.

        Only paragraphs and list items get the wider spacing (headings and gaps keep theirs), so the box
        grows less than the factor: the factor aims at a full box and the cap keeps it readable."""
        current = self.leading.get(label, 1.0)
        wanted = round(min(MAX_LEADING, current * GOOD_FILL / max(ratio, 0.1)), 3)
        if wanted < current + 0.01:
            return False
        self.leading[label] = wanted
        return True

    def settle(self, fills: dict[str, Fill]) -> dict[str, float] | None:
        """After the last allowed layout: scales that are known to fit, when the last layout overflowed."""
        fixed = False
        for label, fill in fills.items():
            scale = self.scales.get(label, 1.0)
            box = self._boxes.get(label)
            if fill.ratio > 1.0 and self.leading.pop(label, False):
                fixed = True  # the wider line spacing was too much: back to the design's
            elif fill.ratio > 1.0 and box is not None and scale > self.fit.low:
                self.scales[label] = box.fits or self.fit.low
                fixed = True
        return dict(self.scales) if fixed else None


def scale_css(scales: dict[str, float], leading: dict[str, float] | None = None) -> str:
    """The stylesheet that gives each box its scale (``--fit``) and its paragraphs' line spacing, by label."""
    rules = []
    for label, scale in sorted(scales.items()):
        quoted = label.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
        rules.append(f'[data-fit="{quoted}"] {{ --fit: {scale:g}; }}')
        if leading and label in leading:
            rules.append(f'[data-fit="{quoted}"] p, [data-fit="{quoted}"] li '
                         f'{{ line-height: calc(var(--line-height, 1.35) * {leading[label]:g}); }}')
    return "\n".join(rules)
