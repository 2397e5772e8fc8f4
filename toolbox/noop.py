"""A rebuild with nothing to do, answered from one record instead of a build.

An incremental build that renders nothing still loads and validates every
campaign and catalog and works out the input key of every output (keys.py):
seconds for a programme of thousands of outputs, against the 1 s a user waits
for "nothing changed". So a finished build records, in the user's cache, what
it was asked (the command's options), what it read — the size, time and inode
of every file under the project and the built-in theme, toolbox's own code
and libraries (checkcache.code_digest), the audio tools and the environment
that reach the outputs — and every file it left in the output folder. The next
``toolbox build`` with the same request compares that record with the disk
(stat calls only, no file read) and, when all of it is the same, reports the
last build's result again without loading anything.

Anything it cannot vouch for means a real build: no record, another request,
any file added, removed or touched, an output touched, a record that is
damaged or of another toolbox. A file changed in the same clock tick as the
record was taken could keep its size and time, so a build that saw any input
changed in its last second before it started, or any input change while it
ran, leaves no record (as git treats a "racily clean" index entry).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import resource
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from . import __version__
from .checkcache import code_digest, store, user_cache
from .errors import Problem
from .manifest import MANIFEST
from .previous import JOURNAL, STATE, TIMES
from .render.weight import PageWeight
from .report import BuildReport
from .theme import builtin_root

FORMAT = 1
#: More files than this under the project (a project folder that is also something else): not worth walking.
MAX_FILES = 50_000
#: A file changed this recently before the build could change again unseen within one clock tick.
RACY_NS = 1_000_000_000
#: Folders under a project that are never a build's input (a virtualenv, caches, version control).
SKIP = frozenset({"__pycache__", "node_modules"})
#: Programs whose versions reach outputs (render/audio.py keys audio by them).
TOOLS = ("espeak-ng", "ffmpeg", "ffprobe")
#: Environment variables that change outputs or where inputs are found.
ENVIRON = ("SOURCE_DATE_EPOCH", "TOOLBOX_THEME", "PATH", "FONTCONFIG_FILE", "FONTCONFIG_PATH", "XDG_DATA_DIRS")


@dataclass
class Look:
    """What the output folder's record says about a build asked for ``request``."""

    out: Path
    record: Path
    inputs: str | None  # digest of every input's size, time and inode; None: too many to vouch for
    newest_ns: int  # the most recent change among the inputs
    taken_ns: int  # when the inputs were looked at
    report: BuildReport | None = None  # the last build's result again, when nothing changed
    checked: int = 0  # files compared with the record
    why: str = ""  # why a real build is needed (for -v)

    def remember(self, report: BuildReport, root: Path, request: dict) -> None:
        """After a build that succeeded: record it, unless an input changed while it ran or just before."""
        if self.inputs is None or self.newest_ns >= self.taken_ns - RACY_NS:
            return
        now, _, _ = _inputs(root, self.out, request)
        if now != self.inputs:
            return
        outputs = _state_files(self.out)
        if outputs is None:
            return
        # A file that is not there (no journal after a finished build) is recorded as not there.
        entry = {"format": FORMAT, "toolbox": __version__, "inputs": self.inputs,
                 "outputs": [[rel, *_stat(self.out / rel)] for rel in sorted(outputs)],
                 "report": _report_record(report)}
        store(self.record, entry)

    def forget(self) -> None:
        """A real build is about to write: the record no longer describes the folder."""
        with contextlib.suppress(OSError):  # an unwritable cache: look() will find the outputs changed anyway
            self.record.unlink()


def look(root: Path, out: Path, request: dict) -> Look:
    """Compare the record of the last build into ``out`` with the disk; ``.report`` is set when nothing changed."""
    root, out = root.resolve(), out.resolve()
    taken = time.time_ns()
    record = user_cache() / "noop" / (hashlib.sha256(os.fsencode(out)).hexdigest()[:32] + ".json")
    if root.is_relative_to(out):  # nothing to tell inputs and outputs apart by
        return Look(out, record, None, 0, taken, why="the output folder holds the project")
    inputs, newest, count = _inputs(root, out, request)
    found = Look(out, record, inputs, newest, taken)
    if inputs is None:
        found.why = f"more than {MAX_FILES} files under {root}"
        return found
    try:
        data = json.loads(record.read_bytes())
    except (OSError, ValueError):
        found.why = "no record of the last build"
        return found
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("toolbox") != __version__:
        found.why = "the record is of another toolbox"
        return found
    if data.get("inputs") != inputs:
        found.why = "an input or the request changed"
        return found
    outputs = data.get("outputs")
    if not isinstance(outputs, list):
        found.why = "a damaged record"
        return found
    for item in outputs:
        if not (isinstance(item, list) and len(item) in (1, 3) and isinstance(item[0], str)) or \
                _stat(out / item[0]) != item[1:]:
            found.why = "an output changed"
            return found
    report = _report_from(data.get("report"), out)
    if report is None:
        found.why = "a damaged record"
        return found
    report.seconds = (time.time_ns() - taken) / 1e9
    found.report, found.checked = report, count + len(outputs)
    return found


def _inputs(root: Path, out: Path, request: dict) -> tuple[str | None, int, int]:
    """(digest, newest change in ns, files) of everything a build reads; digest None when too many files."""
    h = hashlib.sha256()
    newest = 0
    count = 0

    # A file added or removed changes the list walked, so folders' own times (which the build's own
    # output folder changes, when it is inside the project) are not needed.
    def add(label: str, st: os.stat_result | None) -> None:
        nonlocal newest
        if st is None:
            h.update(f"{label}\0-\0".encode("utf-8", "surrogateescape"))
            return
        newest = max(newest, st.st_mtime_ns, st.st_ctime_ns)
        h.update(f"{label}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{st.st_ino}\0".encode("utf-8", "surrogateescape"))

    h.update(json.dumps({"request": request, "root": str(root), "out": str(out), "code": code_digest(),
                         "python": sys.version, "env": {k: os.environ.get(k) for k in ENVIRON}},
                        sort_keys=True, default=str).encode())
    for tool in TOOLS:
        found = shutil.which(tool)
        add(f"tool:{tool}:{found}", _info(Path(found)) if found else None)
    builtin = builtin_root().resolve()
    roots = [("project", root)] + [(f"builtin:{name}", builtin / name) for name in ("templates", "locales", "campaigns")]
    seen: set[tuple[int, int]] = set()
    for label, top in roots:
        if out == top or top.is_relative_to(out):
            return None, newest, count  # the output folder holds the inputs: nothing to tell apart
        for folder, dirs, files in os.walk(top, followlinks=True):
            here = Path(folder)
            st = _info(here)
            if st is None or (st.st_dev, st.st_ino) in seen or here == out:
                dirs[:] = []
                continue
            seen.add((st.st_dev, st.st_ino))  # a linked folder is walked once (and a loop ends)
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP)
            for name in sorted(files):
                count += 1
                if count > MAX_FILES:
                    return None, newest, count
                add(f"{label}:{(here / name).relative_to(top)}", _info(here / name))
    return h.hexdigest(), newest, count


def _info(path: Path) -> os.stat_result | None:
    try:
        return path.stat()  # through links: a linked template is read where it points
    except OSError:
        return None


def _stat(path: Path) -> list[int]:
    st = _info(path)
    return [st.st_size, st.st_mtime_ns] if st is not None else []


def _state_files(out: Path) -> set[str] | None:
    """Every file the build left in ``out`` (its state's entries and toolbox's own files), or None."""
    try:
        state = json.loads((out / STATE).read_bytes())
        records = state["outputs"].values()
        paths = {entry["path"] for record in records for entry in record["entries"]}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    if not all(isinstance(p, str) for p in paths):
        return None
    return paths | {MANIFEST, STATE, JOURNAL, TIMES, "index.html"}


def _report_record(report: BuildReport) -> dict:
    fields = asdict(report)
    fields.pop("out")
    fields["reused"] = report.rendered + report.reused
    fields.update(rendered=0, audio_rendered=0, removed=[], seconds=0.0, memory=0, worker_memory={}, copied=0,
                  stages={}, render_seconds=0.0)
    return fields


def _report_from(fields: object, out: Path) -> BuildReport | None:
    if not isinstance(fields, dict):
        return None
    try:
        data = dict(fields)
        data["problems"] = [Problem(**p) for p in data["problems"]]
        data["weights"] = [PageWeight(**w) for w in data["weights"]]
        report = BuildReport(out, **data)
    except (TypeError, KeyError):
        return None
    report.memory = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return report
