"""A pseudo-locale (``en-XA``) that "translates" every message.

Accented, about 35% longer and wrapped in brackets, so designers see at once
which strings are not translatable (they stay plain), where a layout breaks
when text grows, and where text is cut off (a missing closing bracket).
Placeholders, markup, URLs, numbers and proper names are left intact.
"""

from __future__ import annotations

from .translit import _spans

TAG = "en-XA"

_ACCENTS = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "àƀçđéƒĝĥîĵķļɱñöþǫŕšţûṽŵẋýžÀƁÇĐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ",
)
_PAD = " ~·~·~·~·~·~·~·~·~·~·~·~·~·~·~·~·~·~·~·~·~·~·~·~·~·~·~·~·~·~·~·~·~·~·~·~·~·~·~·~·~"


def pseudo(text: str, proper_names: list[str] | None = None) -> str:
    if not text:
        return text
    body = "".join(piece.translate(_ACCENTS) if free else piece for free, piece in _spans(text, proper_names or []))
    extra = max(1, round(len(text) * 0.35) - 2)
    return f"[{body}{_PAD[:extra]}]"
