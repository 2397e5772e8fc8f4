"""Weblate's length flags, written into catalogs so a translator's tool warns while they type.

- ``max-size:WIDTH:LINES`` with ``font-family:NAME`` and ``font-size:PX``: the
  room a fixed box gives a message (measured in the tightest output by
  ``i18n/places.py``); Weblate renders the translation in that font and
  counts the lines.
- ``max-length:N``: a text message's characters, from the campaign's
  ``sms_segments`` and the SMS encoding the locale's letters need.

The ``.pot`` holds the source locale's values; ``toolbox i18n update`` writes
each locale's own (its font family from templates/fonts/fonts.toml, its line
height: Urdu's Nastaliq lines are taller, so fewer fit). Babel and msgfmt
keep flags they do not know as they are.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from .places import Room

#: Flags this module writes; ``update`` replaces them instead of adding to what the catalog had.
MANAGED = ("max-size:", "font-family:", "font-size:", "max-length:")
_SIZE = re.compile(r"max-size:(\d+):(\d+)$")

#: One SMS, and each part of a longer one (GSM-7 letters, else UCS-2: outreach/sms.py).
SINGLE = {"GSM-7": 160, "UCS-2": 70}
PART = {"GSM-7": 153, "UCS-2": 67}


def quoted(value: str) -> str:
    """A flag value as Weblate reads it: quoted when it holds a space, comma or colon."""
    return f'"{value}"' if re.search(r"[\s,:\"]", value) else value


def room_flags(room: Room, family: str) -> list[str]:
    return [f"max-size:{room.width}:{room.lines}", f"font-family:{quoted(family)}", f"font-size:{room.font_size}"]


def unmanaged(flags: Iterable[str]) -> list[str]:
    return [f for f in flags if not f.startswith(MANAGED)]


def for_locale(flags: Iterable[str], family: str | None, line_scale: float) -> list[str]:
    """The source's size flags as a locale needs them: its own face, as many of its lines as fit."""
    out = []
    for flag in flags:
        size = _SIZE.match(flag)
        if size:
            lines = max(1, math.floor(int(size.group(2)) / line_scale + 1e-6))
            out.append(f"max-size:{size.group(1)}:{lines}")
        elif flag.startswith("font-family:") and family:
            out.append(f"font-family:{quoted(family)}")
        elif flag.startswith(("font-size:", "max-size:")):
            out.append(flag)
    return out


def sms_length(segments: int, reserved: int, encoding: str) -> int:
    """Characters a group's SMS text may have: ``segments`` parts, less the hotline line the build adds."""
    parts = max(segments, 1)
    capacity = SINGLE[encoding] if parts == 1 else PART[encoding] * parts
    return max(capacity - reserved, 20)

