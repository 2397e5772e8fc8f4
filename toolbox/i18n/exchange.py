"""Catalogs as spreadsheets (CSV) and XLIFF, for translators who use neither Poedit nor Weblate.

The conversion is translate-toolkit's (``po2csv``/``csv2po``, ``po2xliff``/
``xliff2po``), not code of ours. An import takes only the *translations* from
the file: they are put into the locale's current catalog (its comments,
flags and locations stay as ``extract``/``update`` wrote them), and that
catalog is checked exactly as the build checks it (``i18n/checks.py``:
placeholders, phone numbers, addresses, markup, invisible characters) plus the
room of boxed messages (their ``max-size`` flag, measured in the locale's
font). Problems name the spreadsheet row or the XLIFF unit. Nothing is written
while an error remains.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import read_po

from ..errors import Collector, Problem, display_path
from ..write import atomic_write
from .catalog import po_path, read_catalog

FORMATS = {"csv": ".csv", "xliff": ".xlf"}
#: Columns of an exported spreadsheet: translate-toolkit's, plus where the text appears and its limits.
COLUMNS = ["location", "context", "source", "target", "developer_comments"]
_NAME = re.compile(r"^(?P<domain>[\w.-]+?)\.(?P<locale>[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\.(?:csv|xlf|xliff)$")


def export_name(domain: str, tag: str, fmt: str) -> str:
    """``safe-journeys.sq.csv``: ``import`` reads the catalog back from the name."""
    return f"{domain}.{tag}{FORMATS[fmt]}"


def export(locales_dir: Path, tag: str, domain: str, fmt: str, out_dir: Path) -> Path:
    """Write one catalog as CSV or XLIFF into ``out_dir``; return the file."""
    from translate.convert.po2xliff import po2xliff
    from translate.storage import pypo

    source = po_path(locales_dir, tag, domain)
    with source.open("rb") as fh:
        store = pypo.pofile(fh)
    target = out_dir / export_name(domain, tag, fmt)
    if fmt == "csv":
        data = _csv(store)
    else:
        store.filename = f"locales/{tag}/LC_MESSAGES/{domain}.po"  # the file= the XLIFF names, not a path of this machine
        data = bytes(po2xliff().convertstore(store, sourcelanguage="en"))
    out_dir.mkdir(parents=True, exist_ok=True)
    atomic_write(target, data)
    return target


def _csv(store) -> bytes:
    from translate.convert.po2csv import po2csv
    from translate.storage import csvl10n

    convert = po2csv()
    out = csvl10n.csvfile(fieldnames=COLUMNS)
    for unit in store.units:
        row = convert.convertunit(unit)
        if row is None:
            continue
        # Where it appears and how much room it has: what a translator in a spreadsheet cannot see otherwise.
        notes = [unit.getnotes("developer")]
        limits = [f for f in unit.typecomments and " ".join(unit.typecomments).replace("#,", "").split(",") if
                  f.strip().startswith(("max-size:", "max-length:", "font-"))]
        if limits:
            notes.append("Limits: " + ", ".join(f.strip() for f in limits))
        row.developer_comments = "\n".join(n for n in notes if n)
        out.addunit(row)
    return bytes(out)


@dataclass
class Imported:
    catalog: Path  # the .po file the translations went into
    changed: int
    problems: list[Problem]
    written: bool


def parse_name(path: Path) -> tuple[str, str] | None:
    found = _NAME.match(path.name)
    return (found.group("domain"), found.group("locale")) if found else None


def _to_po(path: Path, template: Path) -> bytes:
    """The file converted to .po by translate-toolkit, the current catalog as template."""
    import logging

    # Rows the catalog lacks are reported by us, with their row number: not logged by csv2po as well.
    quiet = logging.getLogger("translate")
    level, quiet.level = quiet.level, logging.ERROR
    try:
        return _convert(path, template)
    finally:
        quiet.setLevel(level)


def _convert(path: Path, template: Path) -> bytes:
    out = io.BytesIO()
    with path.open("rb") as fh, template.open("rb") as tmpl:
        if path.suffix == ".csv":
            from translate.convert.csv2po import convertcsv

            convertcsv(fh, out, tmpl)
        else:
            from translate.convert.xliff2po import convertxliff

            convertxliff(fh, out, None)
    return out.getvalue()


def _where(path: Path) -> dict[tuple[str, str], tuple[int, str]]:
    """(context, source) → (line, how to name it): the spreadsheet row, or the XLIFF unit."""
    text = path.read_text(encoding="utf-8-sig")
    found: dict[tuple[str, str], tuple[int, str]] = {}
    if path.suffix == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        missing = [c for c in ("source", "target") if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"the first row must name the columns {', '.join(COLUMNS)} (missing: {', '.join(missing)})")
        for number, row in enumerate(reader, 2):  # the row a spreadsheet shows (header is row 1), whatever line breaks cells hold
            found.setdefault(((row.get("context") or "").strip(), row.get("source") or ""), (number, f"row {number}"))
        return found
    from translate.storage import xliff

    store = xliff.xlifffile(text.encode("utf-8"))
    starts = {m.group(2): text.count("\n", 0, m.start()) + 1
              for m in re.finditer(r"<trans-unit\b[^>]*?\bid=([\"'])(.*?)\1", text)}
    for unit in store.units:
        if unit.isheader():
            continue
        uid = unit.getid()
        source = str(unit.source)
        context = unit.getcontext() or ""
        line = starts.get(uid, starts.get(uid.split("\x04")[-1], 1))
        found.setdefault((context, source), (line, f"unit {uid.split(chr(4))[-1]!r}"))
    return found


def import_file(path: Path, locales_dir: Path, tag: str, domain: str, declared: dict | None = None, check_room=None,
                strict: bool = False) -> Imported:
    """Take the translations of ``path`` into ``tag``'s ``domain`` catalog, after the build's checks.

    ``check_room(catalog path) -> [(msgid, message)]``: boxed messages whose
    translation needs more lines than their ``max-size`` flag allows (warnings;
    errors with ``strict``).
    """
    from .checks import check_po
    from .workflow import po_bytes

    shown = display_path(path)
    target = po_path(locales_dir, tag, domain)
    problems = Collector()
    current = read_catalog(target, problems, fresh=True)
    if current is None:
        problems.raise_if_errors()
        return Imported(target, 0, [Problem(shown, None, f"no catalog {display_path(target)} to import into; "
                                                         f"run 'toolbox i18n init {tag}' first")], False)
    try:
        where = _where(path)
        converted = read_po(io.BytesIO(_to_po(path, target)))
    except Exception as exc:  # noqa: BLE001 - translate-toolkit's, csv's and Babel's parse errors have no common type
        kind = "CSV" if path.suffix == ".csv" else "XLIFF"
        return Imported(target, 0, [Problem(shown, 1, f"cannot read this file as {kind}: {exc}; "
                                                      "export it again with 'toolbox i18n export'")], False)
    changed = 0
    unknown: list[Problem] = []
    known = {(m.context or "", m.id[0] if isinstance(m.id, tuple) else m.id) for m in current if m.id}
    for key, (line, name) in sorted(where.items(), key=lambda item: item[1][0]):
        if key not in known and key[1]:
            unknown.append(Problem(shown, line, f"{name}: {key[1][:60]!r} is not a message of {display_path(target)} "
                                                "(changed source text?); skipped: export again after "
                                                "'toolbox i18n update'", "warning"))
    for message in converted:
        if not message.id:
            continue
        entry = current.get(message.id, message.context)
        key = (message.context or "", message.id[0] if isinstance(message.id, tuple) else message.id)
        if entry is None or key not in where:
            # csv2po also matches a row by its location: a row whose source text changed since the
            # export would put its translation on another text. Only rows with the entry's own source count.
            continue
        if message.string and message.string != entry.string:
            entry.string = message.string
            entry.flags.discard("fuzzy")
            changed += 1
    data = po_bytes(current, tag, declared)
    found = Collector()
    with tempfile.TemporaryDirectory(prefix="toolbox-import-") as tmp:
        trial = Path(tmp) / target.name
        trial.write_bytes(data)
        check_po(trial, found)
        room = check_room(trial) if check_room else []
        by_line = {m.lineno: m for m in (read_catalog(trial, None, fresh=True) or ()) if m.id}
    out: list[Problem] = list(unknown)
    for problem in found.problems:
        message = by_line.get(problem.line)
        msgid = (message.id[0] if isinstance(message.id, tuple) else message.id) if message else None
        line, name = where.get(((message.context or "") if message else "", msgid or ""), (None, "an entry"))
        text = re.sub(r"\s*\(msgid .*\)$", "", problem.message)
        out.append(Problem(shown, line, f"{name}: {text} (source {(msgid or '')[:50]!r})", problem.severity))
    for msgid, context, text in room:
        if (context or "", msgid) not in where:
            continue  # not in this file: the build reports it
        line, name = where[(context or "", msgid)]
        out.append(Problem(shown, line, f"{name}: {text}", "error" if strict else "warning"))
    errors = [p for p in out if p.severity == "error"]
    if not errors and changed:
        atomic_write(target, data)
    return Imported(target, changed, out, not errors and bool(changed))
