"""Serbian Latin ↔ Cyrillic transliteration, for one translation in two scripts.

Applied to translated text only: markup, Markdown link targets, inline code,
URLs, domain names and e-mail addresses (with or without a scheme: astra.rs
written in Cyrillic is someone else's domain), character references (``&nbsp;``),
placeholders and the campaign's proper names are left exactly as they are.
"""

from __future__ import annotations

import re

from ..campaign.urls import DOMAIN

_CYR_TO_LAT = {
    "А": "A", "Б": "B", "В": "V", "Г": "G", "Д": "D", "Ђ": "Đ", "Е": "E", "Ж": "Ž", "З": "Z", "И": "I",
    "Ј": "J", "К": "K", "Л": "L", "Љ": "Lj", "М": "M", "Н": "N", "Њ": "Nj", "О": "O", "П": "P", "Р": "R",
    "С": "S", "Т": "T", "Ћ": "Ć", "У": "U", "Ф": "F", "Х": "H", "Ц": "C", "Ч": "Č", "Џ": "Dž", "Ш": "Š",
}
_CYR_TO_LAT.update({k.lower(): v.lower() for k, v in list(_CYR_TO_LAT.items())})

_LAT_TO_CYR = {v: k for k, v in _CYR_TO_LAT.items() if len(v) == 1}
_DIGRAPHS = {"lj": "љ", "nj": "њ", "dž": "џ"}

# Words where n+j or d+ž are two letters, not one (Serbian orthography lists them).
_SPLIT_PREFIXES = ("nadž", "podž", "odž", "injek", "konjug", "konjunk", "vanjezi", "tanjug")

_PROTECTED = re.compile(
    r"<[^>]*>"                          # HTML tags and their attributes
    r"|\]\([^)]*\)"                     # Markdown link targets
    r"|\]:[ \t]*\S+"                    # ... and those of reference definitions ([x]: /pomoc)
    r"|`[^`]*`"                         # inline code
    r"|%\(\w+\)[sdif]|%[sdif]"          # printf placeholders
    r"|\{\{.*?\}\}|\{\w+\}"             # Jinja and format placeholders
    r"|(?:https?://|www\.)\S+"          # URLs, in any letter case
    r"|[\w.+-]+@[\w-]+\.[\w.-]+"        # e-mail addresses
    r"|&(?:#\d+|#x[0-9a-f]+|[a-z]\w*);" # character references
    r"|(?:mailto|tel|sms):\S+"          # addresses readers' phones act on
    r"|" + DOMAIN.pattern,              # domain names without a scheme (astra.rs)
    re.I,
)


def _spans(text: str, names: list[str]) -> list[tuple[bool, str]]:
    """Split text into (may_transliterate, piece) parts."""
    pattern = _PROTECTED
    if names:
        alternation = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        pattern = re.compile(f"{_PROTECTED.pattern}|(?<!\\w)(?:{alternation})(?!\\w)")
    out, pos = [], 0
    for m in pattern.finditer(text):
        if m.start() > pos:
            out.append((True, text[pos:m.start()]))
        out.append((False, m.group(0)))
        pos = m.end()
    if pos < len(text):
        out.append((True, text[pos:]))
    return out


def _cyr_to_lat(text: str) -> str:
    out = []
    for i, ch in enumerate(text):
        latin = _CYR_TO_LAT.get(ch)
        if latin is None:
            out.append(ch)
            continue
        if len(latin) == 2 and ch.isupper():
            nxt = text[i + 1] if i + 1 < len(text) else ""
            prev = text[i - 1] if i else ""
            # All-caps word: ЉУДИ → LJUDI, but Љубав → Ljubav.
            if nxt.isupper() or (not nxt.isalpha() and prev.isupper()):
                latin = latin.upper()
        out.append(latin)
    return "".join(out)


def _lat_to_cyr(text: str) -> str:
    out = []
    i = 0
    word_start = 0
    while i < len(text):
        ch = text[i]
        if not ch.isalpha():
            word_start = i + 1
        pair = text[i:i + 2]
        if pair.lower() in _DIGRAPHS:
            word = text[word_start:].lower()
            if not any(word.startswith(p) and i - word_start == p.index(pair.lower()[0]) for p in _SPLIT_PREFIXES):
                cyr = _DIGRAPHS[pair.lower()]
                out.append(cyr.upper() if pair[0].isupper() else cyr)
                i += 2
                continue
        out.append(_LAT_TO_CYR.get(ch, ch))
        i += 1
    return "".join(out)


def transliterate(text: str, to_script: str, proper_names: list[str] | None = None) -> str:
    """Serbian text into ``to_script`` ("Cyrl" or "Latn"), leaving protected spans alone."""
    convert = _lat_to_cyr if to_script == "Cyrl" else _cyr_to_lat
    return "".join(convert(piece) if free else piece for free, piece in _spans(text, proper_names or []))
