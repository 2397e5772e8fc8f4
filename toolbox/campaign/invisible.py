"""Invisible and direction-changing characters in text from outside: which are refused, and why.

A reader sees a hotline number as a browser, a PDF or a phone shows it; a
check sees code points. Characters that show nothing (ZERO WIDTH SPACE, WORD
JOINER, the tag characters) split a number so that a check no longer finds it
while every reader still reads it, and bidirectional controls (RIGHT-TO-LEFT
OVERRIDE, the isolates) make Chromium and WeasyPrint show its digits in
another order. They are refused in translations and definitions; the toolbox
keeps numbers and addresses left-to-right itself, so no translator needs them.

Some scripts need a few of these characters between letters: ZWNJ and ZWJ
(Persian, Urdu, Pashto, Sorani, Bengali; ZWJ also in emoji), the directional
marks LRM, RLM and ALM (right-to-left text) and the soft hyphen (long words).
They are allowed, but never inside or next to a number (nor, for ZWNJ and ZWJ,
next to a Latin letter or digit, as in a web or e-mail address).
"""

from __future__ import annotations

import re
import unicodedata

#: C0 control characters and DEL: never part of a name, path or address.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")

#: Needed between letters by some scripts: allowed away from numbers.
IN_WORDS = {0x200C, 0x200D, 0x200E, 0x200F, 0x061C, 0x00AD}
#: ZWNJ and ZWJ join or separate letters of non-Latin scripts; never Latin letters or digits.
JOINERS = {0x200C, 0x200D}
#: Shown as nothing, or as a line or paragraph break the checks do not see.
SEPARATORS = {0x2028, 0x2029, 0x0085}
BIDI_CONTROLS = set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A))
#: Letters and marks that render as nothing or as a blank although Unicode does not call them
#: format characters: 0ㅤ8ㅤ0ㅤ0 (HANGUL FILLER) reads as a number that no check finds.
BLANKS = {0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180C, 0x180D, 0x180F, 0x2800, 0x3164, 0xFFA0}

_CONTROL_NAMES = {0x00: "NULL", 0x07: "BELL", 0x08: "BACKSPACE", 0x0B: "LINE TABULATION", 0x0C: "FORM FEED",
                  0x1B: "ESCAPE", 0x7F: "DELETE"}


#: Printable ASCII, tabs and newlines need no look.
_NOT_PLAIN = re.compile(r"[^\x20-\x7e\t\n\r]")


def describe(ch: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE``: how a message names a character nobody can see."""
    code = ord(ch)
    name = unicodedata.name(ch, "") or _CONTROL_NAMES.get(code, "CONTROL CHARACTER")
    return f"U+{code:04X} {name}"


def _refused(ch: str) -> bool:
    code = ord(ch)
    if ch in "\t\n\r":
        return False
    category = unicodedata.category(ch)
    return (category == "Cc" or code in SEPARATORS or code in BLANKS or (category == "Cf" and code not in IN_WORDS))


def _is_digit(ch: str) -> bool:
    return bool(ch) and unicodedata.category(ch) == "Nd"


def _neighbours(text: str, i: int) -> tuple[str, str]:
    """The visible characters before and after ``text[i]`` (other format characters skipped)."""
    before = after = ""
    j = i - 1
    while j >= 0 and unicodedata.category(text[j]) in ("Cf", "Mn", "Me"):
        j -= 1
    if j >= 0:
        before = text[j]
    j = i + 1
    while j < len(text) and unicodedata.category(text[j]) in ("Cf", "Mn", "Me"):
        j += 1
    if j < len(text):
        after = text[j]
    return before, after


def hidden_characters(text: str, file_start: bool = False) -> list[tuple[int, str]]:
    """(offset, problem) for each invisible or direction-changing character a reader must not get.

    One problem per character and reason, at its first offset. ``file_start``:
    ``text`` is a whole file, which may begin with a byte-order mark.
    """
    found: dict[tuple[str, str], int] = {}
    for m in _NOT_PLAIN.finditer(text):
        i, ch = m.start(), m.group(0)
        code = ord(ch)
        category = unicodedata.category(ch)
        if code == 0xFEFF and i == 0 and file_start:
            continue
        if _refused(ch):
            if code in BIDI_CONTROLS:
                why = ("it changes the order in which the characters around it are shown (a number's digits can "
                       "appear scrambled); remove it: the toolbox keeps numbers and addresses left-to-right itself")
            elif category == "Cc":
                why = "it is a control character, not text; remove it"
            else:
                why = "it is invisible and can hide or split a number or address; remove it"
            found.setdefault((ch, why), i)
            continue
        before, after = _neighbours(text, i)
        if code in IN_WORDS:
            if _is_digit(before) or _is_digit(after):
                found.setdefault((ch, "it is next to a number, where it is invisible but changes how the number is "
                                      "read or shown; remove it (it is allowed between letters only)"), i)
            elif code in JOINERS and any(c.isascii() and c.isalnum() for c in (before, after)):
                found.setdefault((ch, "it is next to a Latin letter or digit (as in a web or e-mail address), where no "
                                      "script needs it; remove it (it is allowed between letters of scripts that join them)"), i)
        elif category in ("Mn", "Me") and _is_digit(before):
            found.setdefault((ch, "it is a combining mark on a digit and changes how the digit looks; remove it"), i)
    return sorted(((i, f"{describe(ch)}: {why}") for (ch, why), i in found.items()))


def line_of_offset(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1
