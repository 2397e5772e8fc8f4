"""A glossary per locale: the agreed translation of the campaign's key terms.

``locales/<tag>/glossary.csv`` has the columns ``source``, ``translation`` and
``note`` (a header row first). ``translation`` may list accepted forms
separated by ``|`` (inflected forms: ``shenjat paralajmëruese|shenja
paralajmëruese``). A translated message whose source contains a term (whole
words, any letter case) must contain one of its forms; otherwise the build and
``toolbox validate`` warn (an error with ``--strict``), naming the ``.po``
entry and the glossary row. The glossary is exported for Weblate as TBX or CSV
(``toolbox i18n glossary``).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import Collector, display_path
from .catalog import read_catalog

FILENAME = "glossary.csv"
COLUMNS = ("source", "translation", "note")


@dataclass(frozen=True)
class Term:
    source: str
    forms: tuple[str, ...]
    note: str
    line: int  # row in glossary.csv (the header is row 1)

    @property
    def translation(self) -> str:
        return self.forms[0] if self.forms else ""


def glossary_path(locales_dir: Path, tag: str) -> Path:
    return locales_dir / tag / FILENAME


def read_glossary(path: Path, problems: Collector | None = None) -> list[Term]:
    """The terms of one glossary file; a malformed row is a problem naming it."""
    if not path.is_file():
        return []
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        if problems is not None:
            problems.error(shown, 1, "the glossary is not UTF-8 text; save it as CSV UTF-8")
        return []
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS[:2] if c not in (reader.fieldnames or [])]
    if missing:
        if problems is not None:
            problems.error(shown, 1, f"the first row must name the columns {', '.join(COLUMNS)}; missing: {', '.join(missing)}")
        return []
    terms = []
    for row in reader:
        source = (row.get("source") or "").strip()
        forms = tuple(f.strip() for f in (row.get("translation") or "").split("|") if f.strip())
        if not source and not forms:
            continue
        if not source or not forms:
            if problems is not None:
                problems.warn(shown, reader.line_num, "a glossary row needs both a source term and its translation")
            continue
        terms.append(Term(source, forms, (row.get("note") or "").strip(), reader.line_num))
    return terms


def _contains(text: str, term: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(term)}(?!\w)", text, re.I) is not None


def check_glossary(po: Path, terms: list[Term], problems: Collector, glossary: Path) -> None:
    """Warn for each translated entry of ``po`` whose source uses a term and whose translation does not."""
    if not terms:
        return
    catalog = read_catalog(po)
    if catalog is None:
        return
    shown, where = display_path(po), display_path(glossary)
    for message in catalog:
        if not message.id or message.fuzzy or not isinstance(message.string, str) or not message.string \
                or not isinstance(message.id, str):
            continue
        for term in terms:
            if _contains(message.id, term.source) and not any(f.casefold() in message.string.casefold() for f in term.forms):
                problems.warn(shown, message.lineno,
                                 f"glossary: the source uses '{term.source}', the translation has none of "
                                 f"{' / '.join(repr(f) for f in term.forms)} ({where}:{term.line}); use the agreed "
                                 f"term, or add the form you used to the glossary (msgid {message.id[:50]!r})")


def export_glossary(terms: list[Term], tag: str, fmt: str, source_lang: str = "en") -> bytes:
    """The glossary as Weblate imports it: TBX (translate-toolkit), or CSV with source and target columns."""
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["source", "target", "explanation"])
        for term in terms:
            writer.writerow([term.source, term.translation, term.note])
        return out.getvalue().encode("utf-8")
    from translate.storage import tbx

    store = tbx.tbxfile(sourcelanguage=source_lang, targetlanguage=tag)
    for term in terms:
        unit = store.addsourceunit(term.source)  # type: ignore[no-untyped-call]  # translate-toolkit has no types
        unit.target = term.translation
        if term.note:
            unit.addnote(term.note)
    return bytes(store)
