"""The Easy Read rules that can be measured, checked on the laid-out document.

Inclusion Europe's "Information for all" standards, as far as a layout shows
them: body text at least 14 pt, no hyphenation, no italics, no capitals set by
style, text aligned to the start side (left, or right in right-to-left
languages), lines short enough to follow (one point per line). Wording rules
(short sentences, one idea each, active voice) are for authors and reviewers:
docs/print.md#easy-read says what to write.
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import Problem
from .pdf import TextLine

FORMAT = "easyread"
MIN_SIZE = 14.0  # pt
#: Characters a line may hold; a line of one word (an address, a long compound) is let through.
MAX_LINE = 70


def check_easy_read(lines: list[TextLine], path: str, locale: str) -> list[Problem]:
    """One problem per rule broken (the first line that breaks it named, and how many do)."""
    rules: dict[str, Callable[[TextLine], bool]] = {
        "smaller than 14 pt": lambda line: min(line.sizes) < MIN_SIZE - 0.01,
        "set in italics": lambda line: line.italic,
        "hyphenated (hyphens: auto)": lambda line: line.hyphens == "auto",
        "not aligned to the start side": lambda line: line.align not in ("start", "left" if line.direction == "ltr" else "right"),
        "set in capitals (text-transform)": lambda line: line.capitals,
        f"longer than {MAX_LINE} characters": lambda line: len(line.text) > MAX_LINE and " " in line.text,
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
