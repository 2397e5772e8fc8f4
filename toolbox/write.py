"""The only module that writes into the output folder.

Every file is written to a temporary file beside its target and renamed into
place, so an interrupted build never leaves a half-written file where a good
one was. The manifest is written last, the same way.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TextIO

from .campaign.paths import inside
from .errors import Problem, ToolboxError
from .manifest import MANIFEST, Entry, Manifest, entry_problem
from .previous import JOURNAL, LOCK, OWN, STATE, previous_state

_FULL = "free some space (or write elsewhere with --out) and run the command again"
_DENIED = "check the permissions of this file or folder, or write elsewhere with --out"
#: Errors that are the machine's situation, not a bug of toolbox: what to do about each.
ADVICE = {
    errno.ENOSPC: _FULL,
    errno.EDQUOT: _FULL,
    errno.EFBIG: _FULL,
    errno.EROFS: "write elsewhere with --out, or make that file system writable",
    errno.EACCES: _DENIED,
    errno.EPERM: _DENIED,
    errno.EIO: "the disk reported an error; check it, or write elsewhere with --out",
    # Found where toolbox writes: a folder where its file belongs, a file where its folder does.
    errno.EISDIR: "a folder is in the way of a file toolbox writes; move it away",
    errno.ENOTDIR: "a file is in the way of a folder toolbox writes; move it away",
    errno.EEXIST: "a file is in the way of a folder toolbox writes; move it away",
    errno.ELOOP: "a symbolic link is in the way of a file toolbox writes; remove it",
}


def os_problem(exc: OSError) -> Problem | None:
    """A full disk, a read-only folder, a permission refused: a ``path: what happened; what to do`` problem.

    None for any other error (a bug of ours, reported as one).
    """
    advice = ADVICE.get(exc.errno) if exc.errno is not None else None
    if advice is None:
        return None
    return Problem(str(exc.filename or "toolbox"), None, f"{exc.strerror or exc}; {advice} (no file was left "
                   "half-written: each is replaced only once complete)")


def open_own(path: Path, flags: int) -> int:
    """Open one of toolbox's own files in the output folder (the lock, the journal) as a regular file.

    A symbolic link put there in its place would make toolbox create or append to a file
    elsewhere: the link is removed (the name is toolbox's), and the file opened without
    following links.
    """
    if path.is_symlink():
        path.unlink()
    return os.open(path, flags | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)


def _at(exc: OSError, path: Path) -> OSError:
    """The error, naming ``path`` (the file the user knows, not its temporary twin; a failed write names none)."""
    exc.filename = str(path)
    exc.filename2 = None
    return exc


def atomic_write(target: Path, data: bytes) -> None:
    tmp = stage(target, data)
    try:
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _at(exc, target) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_all(folder: Path, files: dict[str, bytes]) -> None:
    """Write several files into ``folder`` all at once, or none of them.

    Each goes to a temporary file beside its target first; only when every one is
    written (the disk did not fill up) are they renamed into place. A file whose
    bytes are unchanged is left as it is.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for name, data in files.items():
            target = inside(folder, name) if "/" not in name else None
            if target is None:
                raise ToolboxError(f"refusing to write {name!r}: it is not a file name inside {folder}")
            if holds(target, data):
                continue
            staged.append((stage(target, data), target))
        for tmp, target in staged:
            try:
                os.replace(tmp, target)
            except OSError as exc:
                raise _at(exc, target) from exc
    except BaseException:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise


def holds(target: Path, data: bytes) -> bool:
    """True when ``target`` already holds exactly ``data`` (it is then left as it is, modification time too)."""
    return target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data


def stage(target: Path, data: bytes) -> str:
    """``data`` in a complete temporary file beside ``target``; its path."""
    target.parent.mkdir(parents=True, exist_ok=True)  # its error names the folder (a file may be in the way)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise _at(exc, target) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _at(exc, target) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def remove_stale_temporaries(out: Path) -> int:
    """Delete temporary files a killed build left behind; return how many."""
    count = 0
    if out.is_dir():
        for tmp in out.rglob(".*.tmp"):
            if tmp.is_file():
                tmp.unlink(missing_ok=True)
                count += 1
    return count


class Journal:
    """Appends a line per file before the file is put in place, so a build that fails or is
    killed still leaves a record of what it wrote (see ``previous.journaled``)."""

    def __init__(self, out: Path) -> None:
        self.path = out / JOURNAL
        self._fh: TextIO | None = None

    def add(self, rel: str, digest: str) -> None:
        try:
            if self._fh is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._fh = os.fdopen(open_own(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND), "a", encoding="utf-8")
                self._fh.write("\n")  # a line cut short by a full disk or a kill stays a line of its own
            # Flushed, not synced: the line is in the kernel before the file is renamed, and
            # survives the process however it ends.
            self._fh.write(json.dumps({"path": rel, "sha256": digest}) + "\n")
            self._fh.flush()
        except OSError as exc:
            raise _at(exc, self.path) from exc

    def clear(self) -> None:
        """The build is finished and its manifest lists what it wrote."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        self.path.unlink(missing_ok=True)


class OutputWriter:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.entries: list[Entry] = []
        self.journal = Journal(out)
        self._written: dict[str, int] = {}  # modification time of each file written (``recorded``)
        remove_stale_temporaries(out)

    def intact(self, entries: list[dict]) -> bool:
        """True when every file of a previous build's entries is on disk as it was written.

        A file with the size and modification time recorded when it was written is taken as it was
        (as git and make do): a no-op rebuild of thousands of outputs would otherwise read and hash
        every one. Any other file is hashed; when it still holds what was written, its new time is
        recorded in ``entries`` (the state kept for the next build).
        """
        for e in entries:
            target = inside(self.out, e.get("path", "")) if isinstance(e, dict) else None
            if target is None:
                return False
            try:
                st = target.stat()
            except OSError:
                return False
            if not stat.S_ISREG(st.st_mode) or st.st_size != e.get("bytes"):
                return False
            if e.get("mtime_ns") == st.st_mtime_ns:
                continue
            if hashlib.sha256(target.read_bytes()).hexdigest() != e["sha256"]:
                return False
            e["mtime_ns"] = st.st_mtime_ns
        return True

    def recorded(self, entries: list[Entry]) -> list[dict]:
        """The state's record of files this build wrote: the manifest's fields and when each was written."""
        return [{**asdict(e), "mtime_ns": self._written.get(e.path)} for e in entries]

    def reuse(self, entries: list[dict]) -> list[Entry] | None:
        """Keep files of the previous build as they are, if every one is still intact on disk."""
        if not self.intact(entries):
            return None
        kept = [Entry.from_json(e) for e in entries]
        self.entries.extend(kept)
        return kept

    def remove_stale(self, previous: list[str]) -> list[str]:
        """Delete files of earlier builds (``previous``) that this build no longer makes."""
        current = {e.path for e in self.entries}
        removed = []
        root = self.out.resolve()
        for rel in sorted(set(previous) - current - OWN):
            target = (self.out / rel).resolve()
            if not target.is_relative_to(root) or not target.is_file():
                continue  # never touch anything outside the output folder
            target.unlink()
            removed.append(rel)
            parent = target.parent
            while parent != root and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent
        return removed

    def write(self, rel: str, data: bytes, *, campaign: str | None = None, group: str | None = None,
              locale: str | None = None, country: str | None = None,
              format: str, pages: int | None = None, translated: float | None = None,  # noqa: A002 - the manifest field
              paper: str | None = None, seconds: float | None = None, scale: float | None = None) -> Entry:
        target = inside(self.out, rel)
        if target is None:  # never reached from valid input; a last line of defence
            raise ToolboxError(f"refusing to write {rel!r}: it is not inside the output folder {self.out}")
        digest = hashlib.sha256(data).hexdigest()
        # Keep an unchanged file as it is (and its modification time).
        if not holds(target, data):
            self.journal.add(rel, digest)
            atomic_write(target, data)
        self._written[rel] = target.stat().st_mtime_ns
        entry = Entry(campaign, group, locale, country, format, rel, len(data), digest, pages, translated, paper, seconds,
                      scale)
        self.entries.append(entry)
        return entry

    def manifest(self, meta: dict) -> Manifest:
        return Manifest(meta, tuple(self.entries))

    def write_manifest(self, meta: dict) -> Path:
        target = self.out / MANIFEST
        atomic_write(target, self.manifest(meta).to_bytes())
        return target


@contextmanager
def output_lock(out: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the output folder for one build at a time.

    An OS file lock (flock): a build that crashes or is killed releases it with
    its process, so a stale lock can never block the next build.
    """
    import fcntl

    out.mkdir(parents=True, exist_ok=True)
    with os.fdopen(open_own(out / LOCK, os.O_RDWR | os.O_CREAT), "r+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait()
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def read_json(path: Path) -> dict:
    """A JSON file of ours, or {} when it is missing or unreadable (a fresh start, not an error)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def write_state(out: Path, keys: dict[str, dict]) -> None:
    text = json.dumps({"version": 1, "outputs": dict(sorted(keys.items()))}, indent=1, sort_keys=True) + "\n"
    atomic_write(out / STATE, text.encode("utf-8"))


def gather_shards(shards: list[Path], out: Path) -> int:
    """Copy the files of shard builds into ``out`` and join their input keys.

    Every shard must have a manifest; a file two shards both made must be the
    same bytes. Returns how many files were copied.
    """
    seen: dict[str, str] = {}
    state: dict[str, dict] = previous_state(out)
    journal = Journal(out)
    problems = []
    copied = 0
    for shard in shards:
        manifest = read_json(shard / MANIFEST)
        if not manifest.get("outputs") or not isinstance(manifest["outputs"], list):
            problems.append(Problem(str(shard / MANIFEST), None,
                                    "no manifest with outputs here; is this a shard's output folder?"))
            continue
        for raw in manifest["outputs"]:
            rel = raw.get("path") if isinstance(raw, dict) else None
            source = inside(shard, rel) if isinstance(rel, str) else None
            if not isinstance(rel, str) or source is None or inside(out, rel) is None or not source.is_file():
                problems.append(Problem(str(shard / MANIFEST), None, f"entry {str(rel)[:80]!r} is not a file inside the shard "
                                        "folder; is this manifest damaged?"))
                continue
            why = entry_problem(raw)
            if why:
                problems.append(Problem(str(shard / MANIFEST), None, f"entry {str(rel)[:80]!r}: {why}; "
                                        "is this manifest damaged?"))
                continue
            entry = Entry.from_json(raw)
            if seen.get(rel, entry.sha256) != entry.sha256:
                problems.append(Problem(str(shard / rel), None, "differs from the same file in another shard; build the shards "
                                                                "from one checkout with the same options"))
                continue
            data = source.read_bytes()
            if hashlib.sha256(data).hexdigest() != entry.sha256:
                problems.append(Problem(str(shard / rel), None, "does not match its manifest entry (damaged or changed after the "
                                                                "build)"))
                continue
            seen[rel] = entry.sha256
            target = out / rel
            if not holds(target, data):
                journal.add(rel, entry.sha256)
                atomic_write(target, data)
            copied += 1
        state.update(previous_state(shard))
    if problems:
        raise ToolboxError(problems)
    write_state(out, state)
    return copied
