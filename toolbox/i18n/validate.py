"""The language side of validating a campaign: every locale it names is known, its Markdown is safe to show.

``campaign/validate.py`` checks the definition on its own (syntax, files, ids,
contacts); this module adds what needs the i18n layer — the locales toolbox
knows (built in, declared, or from CLDR) and the text checks shared with
translations (:mod:`toolbox.i18n.checks`). The build's validate stage runs both.
"""

from __future__ import annotations

import difflib
import html
from pathlib import Path

from ..campaign.invisible import hidden_characters, line_of_offset
from ..campaign.limits import MAX_MARKDOWN_BYTES, MAX_MESSAGE_CHARS, read_text
from ..campaign.model import Campaign
from ..campaign.paths import reference_problem
from ..campaign.tomlpos import line_of
from ..campaign.validate import is_tag, locale_references
from ..errors import Collector, display_path
from ..project import Project
from .checks import direction_problems, link_problems, reader_view
from .locales import BUILTIN, in_cldr, resolve
from .segments import split_blocks


def validate_languages(campaign: Campaign, project: Project, problems: Collector) -> None:
    """Unknown locales, CLDR names CLDR lacks, and the problems of every content file the groups name."""
    shown = display_path(campaign.definition)
    for key, tag in locale_references(campaign):
        if is_tag(tag) and resolve(tag, campaign.locales) is None:  # a malformed tag is reported by campaign/validate
            close = difflib.get_close_matches(tag, list(BUILTIN) + list(campaign.locales), n=1)
            hint = (f"did you mean '{close[0]}'?" if close
                    else f"declare it under [locales.\"{tag}\"] with its name, script and direction")
            problems.error(shown, line_of(campaign.lines, key), f"unknown locale '{tag}'; {hint}")
    for decl in campaign.locales.values():
        if decl.cldr and not in_cldr(decl.cldr):
            problems.error(shown, line_of(campaign.lines, decl.key + ("cldr",)),
                           f"cldr = {decl.cldr!r} is not a locale CLDR knows; use e.g. \"en\" or \"sr_Latn\"")
    for group in campaign.groups:
        for rel in group.content.values():
            target = campaign.folder / rel
            # a missing or unsafe reference is reported by campaign/validate; read only the files it accepts
            if rel and reference_problem(campaign.folder, rel, project.root) is None and target.is_file():
                for line, message in markdown_problems(target):
                    problems.error(display_path(target), line, message)


def markdown_problems(path: Path) -> list[tuple[int | None, str]]:
    """(line, message) for a Markdown content file that is too big, not UTF-8, has an overlong block,
    invisible or direction-changing characters, or a link that shows one number or address and goes to another."""
    text, problem = read_text(path, MAX_MARKDOWN_BYTES, "this Markdown file")
    if problem or text is None:
        return [problem or (None, "cannot be read")]
    found: list[tuple[int | None, str]] = [(line_of_offset(text, offset), f"this file contains {message}")
             for offset, message in hidden_characters(text, file_start=True)]
    for b in split_blocks(text):
        if len(b.text) > MAX_MESSAGE_CHARS:
            found.append((b.line, f"this {b.kind} is {len(b.text)} characters long, over the limit of {MAX_MESSAGE_CHARS} "
                                  "for one message; split it into paragraphs"))
            continue
        _, links = reader_view(b.text)
        found += [(b.line, message) for message in link_problems(links) + direction_problems(b.text)]
        typed = {m for _, m in hidden_characters(b.text)}  # reported above, for the whole file
        found += [(b.line, f"this {b.kind} contains, written as a character reference (&#...;), {message}")
                  for _, message in hidden_characters(html.unescape(b.text)) if message not in typed]
    return found
