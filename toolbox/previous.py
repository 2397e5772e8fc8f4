"""What a previous build left in the output folder, read as untrusted input.

``manifest.json``, ``.toolbox-state.json`` and ``.toolbox-journal`` are toolbox's
own files, but anyone with access to the folder can change them, and a disk or a
copy can damage them. Whatever they hold, a build must neither crash on them nor
be led by them outside the output folder or into deleting a file toolbox did not
write: a damaged file is set aside with a warning (everything it described is
built again) instead of blocking every later build.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from pathlib import Path

from .campaign.paths import relative_problem
from .manifest import MANIFEST, entry_problem

LOCK = ".toolbox.lock"
STATE = ".toolbox-state.json"  # input keys of the last build, for incremental builds
JOURNAL = ".toolbox-journal"  # files written since the last finished build (journaled below)
#: Seconds each print output took to render, for balanced --shard slices (shards.py). Not in the
#: manifest or the state: they differ from run to run, and those files are byte-identical.
TIMES = ".toolbox-times.json"
#: toolbox's own files in the output folder: never an output, never removed as one.
OWN = frozenset({MANIFEST, LOCK, STATE, JOURNAL, TIMES})

log = logging.getLogger("toolbox")


def _load(path: Path) -> tuple[object, str | None]:
    """The JSON in ``path`` (None when there is no file), or why it cannot be read."""
    if path.is_symlink():  # toolbox writes files, never links: this one could lead anywhere
        return None, "a symbolic link, not a file toolbox wrote"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, None
    except UnicodeDecodeError:
        return None, "not UTF-8 text"
    except OSError as exc:
        return None, exc.strerror or str(exc)
    try:
        return json.loads(text), None
    except RecursionError:
        return None, "nested too deeply"
    except ValueError as exc:
        return None, f"not JSON: {exc}"


def _set_aside(path: Path, why: str, consequence: str) -> None:
    log.warning("%s: warning: %s; ignoring it: %s", path, why, consequence)


def previous_outputs(out: Path) -> list[str]:
    """The paths the previous build's manifest lists; none (with a warning) when it is damaged."""
    path = out / MANIFEST
    data, why = _load(path)
    if data is None and why is None:
        return []
    outputs = data.get("outputs") if isinstance(data, dict) else None
    if why is None and not isinstance(outputs, list):
        why = "not a toolbox manifest (no list of outputs)"
    if why is None and isinstance(outputs, list):
        bad = next((i for i, o in enumerate(outputs) if not isinstance(o, dict) or entry_problem(o)), None)
        if bad is not None:
            why = f"output {bad + 1}: {entry_problem(outputs[bad]) if isinstance(outputs[bad], dict) else 'not an object'}"
    if why or not isinstance(outputs, list):
        _set_aside(path, f"cannot use the previous build's manifest ({why})",
                   "the build starts afresh, and removes only old files it can prove it wrote")
        return []
    return [o["path"] for o in outputs]


def previous_state(out: Path) -> dict[str, dict]:
    """The input keys of the previous build, record by record; a damaged record is dropped (built again)."""
    path = out / STATE
    data, why = _load(path)
    if data is None and why is None:
        return {}
    records = data.get("outputs") if isinstance(data, dict) else None
    if why is None and not isinstance(records, dict):
        why = "not a toolbox state file (no outputs)"
    if why or not isinstance(records, dict):
        _set_aside(path, f"cannot use the previous build's state ({why})", "every output is built again")
        return {}
    state = {name: record for name, record in records.items() if record_problem(record) is None}
    if len(state) < len(records):
        name = next(n for n in records if n not in state)
        _set_aside(path, f"{len(records) - len(state)} damaged record(s), e.g. {name[:80]!r}: {record_problem(records[name])}",
                   "their outputs are built again")
    return state


def record_problem(record: object) -> str | None:
    """Why one record of the state file is not one toolbox writes, or None."""
    if not isinstance(record, dict):
        return "not an object"
    if not isinstance(record.get("key"), str):
        return "no key"
    entries = record.get("entries")
    if not isinstance(entries, list):
        return "no list of files"
    for entry in entries:
        why = entry_problem(entry) if isinstance(entry, dict) else "not an object"
        if why:
            return f"a file: {why}"
    problems = record.get("problems", [])
    if not isinstance(problems, list) or not all(
        isinstance(p, list) and len(p) == 4 and isinstance(p[0], str) and (p[1] is None or type(p[1]) is int)
        and isinstance(p[2], str) and p[3] in ("error", "warning") for p in problems
    ):
        return "its problems are not [path, line, message, severity]"
    weights = record.get("weights", [])
    if not isinstance(weights, list) or not all(
        isinstance(w, list) and len(w) == 3 and isinstance(w[0], str) and all(type(x) is int for x in w[1:]) for w in weights
    ):
        return "its page weights are not [path, bytes, bytes]"
    return None


def journaled(out: Path) -> dict[str, set[str]]:
    """Files a build wrote (path → SHA-256 digests) that no finished build has listed yet.

    A build appends to the journal before each file is renamed into place, and
    removes it once its manifest is written: what is left was written by a build
    that failed or was interrupted. A line that is not one toolbox writes is
    skipped (its file is then never removed).
    """
    written: dict[str, set[str]] = {}
    try:
        with os.fdopen(os.open(out / JOURNAL, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC), "rb") as fh:
            for raw in fh:
                try:
                    line = json.loads(raw.decode("utf-8"))
                except (UnicodeDecodeError, ValueError, RecursionError):
                    continue
                if isinstance(line, dict) and isinstance(line.get("path"), str) and relative_problem(line["path"]) is None \
                        and isinstance(line.get("sha256"), str) and _SHA256.match(line["sha256"]):
                    written.setdefault(line["path"], set()).add(line["sha256"])
    except OSError:
        pass
    return written


def ours(out: Path, digests: dict[str, set[str]]) -> list[str]:
    """Of the files in ``digests``, those on disk with one of their recorded digests: toolbox wrote them."""
    found = []
    for rel, known in sorted(digests.items()):
        target = out / rel
        try:
            if target.is_file() and not target.is_symlink() and hashlib.sha256(target.read_bytes()).hexdigest() in known:
                found.append(rel)
        except OSError:
            continue
    return found


_SHA256 = re.compile(r"^[0-9a-f]{64}$")


