"""Quality checks on translations: they come from outside volunteers, so they are untrusted.

Each problem names the ``.po`` entry (``file:line``). Checked for every entry
with a translation:

- placeholders (``%(name)s``, ``{name}``, ``{{ x }}``) equal to the source's;
- phone numbers, URLs and e-mail addresses equal to the source's — a wrong
  hotline digit is a safety failure, not a typo;
- Markdown link targets equal to the source's;
- no markup that would break or script a page (``<script>``, event handlers,
  ``javascript:``, tags the source does not have, unbalanced tags);
- as many plural forms as the file's ``Plural-Forms`` header says;
- no file over :data:`~toolbox.limits.MAX_PO_BYTES`, no text over
  :data:`~toolbox.limits.MAX_MESSAGE_CHARS` (a missing quote can swallow a file).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from babel.messages.catalog import Message

from ..errors import Collector, display_path
from ..limits import MAX_MESSAGE_CHARS, MAX_PO_BYTES, read_text
from .catalog import read_catalog

_PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\{.*?\}\}|\{\w+\}")
_URL = re.compile(r"(?:https?://|www\.)[^\s)\]>\"']+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]*\w")
_PHONE = re.compile(r"(?<![\w/])\+?\d[\d \u00a0\-/().]{3,}\d(?![\w/])")
_LINK_TARGET = re.compile(r"\]\(([^)\s]*)")
_TAG = re.compile(r"</?\s*([a-zA-Z][\w-]*)[^>]*>")
_DANGER = re.compile(r"<\s*(script|style|iframe|object|embed|link|meta|form)\b|\bon\w+\s*=|javascript:", re.I)
_VOID = {"br", "img", "hr", "wbr"}


def _phones(text: str) -> Counter:
    return Counter(re.sub(r"[ \u00a0]+", " ", m.group(0)).strip() for m in _PHONE.finditer(_URL.sub(" ", text))
                   if sum(ch.isdigit() for ch in m.group(0)) >= 3 and not re.fullmatch(r"\d{1,2}[-–/.]\d{1,2}", m.group(0)))


def _strip_url(u: str) -> str:
    return u.rstrip(".,;:!?")


def _balanced(text: str) -> bool:
    stack: list[str] = []
    for m in _TAG.finditer(text):
        name = m.group(1).lower()
        if name in _VOID or m.group(0).endswith("/>"):
            continue
        if m.group(0).startswith("</"):
            if not stack or stack.pop() != name:
                return False
        else:
            stack.append(name)
    return not stack


def check_message(source: str, translation: str) -> list[str]:
    """What is wrong with one translation (an empty list when nothing is)."""
    problems = []
    if Counter(_PLACEHOLDER.findall(source)) != Counter(_PLACEHOLDER.findall(translation)):
        problems.append(
            f"placeholders differ: the source has {sorted(_PLACEHOLDER.findall(source)) or 'none'}, "
            f"the translation {sorted(_PLACEHOLDER.findall(translation)) or 'none'}; copy them exactly"
        )
    for what, find in (("web address", lambda t: Counter(_strip_url(u) for u in _URL.findall(t))),
                       ("e-mail address", lambda t: Counter(_EMAIL.findall(t))),
                       ("phone number", _phones),
                       ("link target", lambda t: Counter(_LINK_TARGET.findall(t)))):
        src, dst = find(source), find(translation)
        if src != dst:
            problems.append(
                f"{what} differs: source {sorted(src) or 'none'}, translation {sorted(dst) or 'none'}; "
                f"a {what} must be copied exactly"
            )
    if _DANGER.search(translation):
        problems.append("the translation contains markup that is never allowed (script, style, event handler or javascript: link); remove it")
    else:
        extra = {t.lower() for t in _TAG.findall(translation)} - {t.lower() for t in _TAG.findall(source)}
        if extra:
            problems.append(f"the translation adds HTML tags the source does not have: {sorted(extra)}; remove them")
        elif not _balanced(translation):
            problems.append("the translation has unbalanced HTML tags; close every tag the source has")
    return problems


def _nplurals(path: Path) -> int | None:
    head = path.read_text(encoding="utf-8", errors="replace")[:4000]
    m = re.search(r"nplurals\s*=\s*(\d+)", head)
    return int(m.group(1)) if m else None


def check_po(path: Path, problems: Collector) -> None:
    shown = display_path(path)
    text, problem = read_text(path, MAX_PO_BYTES, "this .po file", " (Poedit does)")
    if problem:
        problems.error(shown, *problem)
        return
    catalog = read_catalog(path, problems)
    if catalog is None:
        return
    nplurals = _nplurals(path)
    lines = text.splitlines()
    for message in catalog:
        if not message.id:
            continue
        long = next((s for s in (*_strings(message.id), *_strings(message.string)) if len(s) > MAX_MESSAGE_CHARS), None)
        if long is not None:
            problems.error(shown, message.lineno, f"this entry has a text of {len(long)} characters, over the limit of "
                                                  f"{MAX_MESSAGE_CHARS} for one message; is a closing quote missing?")
            continue
        if message.fuzzy:
            continue
        _check_entry(message, shown, nplurals, _plural_lines(lines, message.lineno), problems)


def _strings(value) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(v for v in value if v) if isinstance(value, (tuple, list)) else (value,)


def _plural_lines(lines: list[str], lineno: int | None) -> int:
    """How many msgstr[N] lines the entry starting at ``lineno`` has (Babel pads them)."""
    count = 0
    for line in lines[(lineno or 1) - 1:]:
        if not line.strip():
            break
        count += line.startswith("msgstr[")
    return count


def _check_entry(message: Message, shown: str, nplurals: int | None, forms: int, problems: Collector) -> None:
    if isinstance(message.id, tuple):
        strings = [s for s in (message.string or ()) if s]
        if not strings:
            return
        if nplurals and forms != nplurals:
            problems.error(shown, message.lineno, f"{forms} plural forms, but Plural-Forms says nplurals={nplurals}; give exactly {nplurals} msgstr[N] lines")
        pairs = [(message.id[1], s) for s in strings]
    else:
        if not message.string:
            return
        pairs = [(message.id, message.string)]
    for source, translation in pairs:
        for problem in check_message(source, translation):
            problems.error(shown, message.lineno, f"{problem} (msgid {source[:50]!r})")
