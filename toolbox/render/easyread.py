"""The Easy Read rules that can be measured, checked on the laid-out document.

Inclusion Europe's "Information for all" standards, as far as a layout shows
them: body text at least 14 pt, no hyphenation, no italics, no capitals set by
style, text aligned to the start side (left, or right in right-to-left
languages), lines short enough to follow (one point per line). Wording rules
(short sentences, one idea each, active voice) are for authors and reviewers:
docs/print.md#easy-read says what to write.
"""

from __future__ import annotations

from ..errors import Problem
from .pdf import TextLine

FORMAT = "easyread"
MIN_SIZE = 14.0  # pt
#: Characters a line may hold; a line of one word (an address, a long compound) is let through.
MAX_LINE = 70


def check_easy_read(lines: list[TextLine], path: str, locale: str) -> list[Problem]:
    """One problem per rule broken (the first line that breaks it named, and how many do)."""
    rules = {
        "smaller than 14 pt": lambda l: min(l.sizes) < MIN_SIZE - 0.01,
        "set in italics": lambda l: l.italic,
        "hyphenated (hyphens: auto)": lambda l: l.hyphens == "auto",
        "not aligned to the start side": lambda l: l.align not in ("start", "left" if l.direction == "ltr" else "right"),
        "set in capitals (text-transform)": lambda l: l.capitals,
        f"longer than {MAX_LINE} characters": lambda l: len(l.text) > MAX_LINE and " " in l.text,
    }
    problems = []
    for rule, broken in rules.items():
        bad = [line for line in lines if broken(line)]
        if bad:
            first = bad[0]
            size = f", {min(first.sizes):g} pt" if rule.startswith("smaller") else ""
            problems.append(Problem(path, None, f"{locale} {FORMAT}: Easy Read: {len(bad)} line(s) {rule}, first on page "
                                                f"{first.page}{size}: “{first.text[:60]}”; fix templates/print/easyread.html "
                                                "(docs/print.md#easy-read)"))
    if not lines:
        problems.append(Problem(path, None, f"{locale} {FORMAT}: Easy Read: no text found to check"))
    return problems
