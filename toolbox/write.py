"""The only module that writes into the output folder.

Every file is written to a temporary file beside its target and renamed into
place, so an interrupted build never leaves a half-written file where a good
one was. The manifest is written last, the same way.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

MANIFEST = "manifest.json"
LOCK = ".toolbox.lock"


@dataclass
class Entry:
    campaign: str | None
    group: str | None
    locale: str | None
    country: str | None
    format: str
    path: str
    bytes: int
    sha256: str
    pages: int | None = None
    translated: float | None = None
    paper: str | None = None  # posters: "a3" or "a4"


def atomic_write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_stale_temporaries(out: Path) -> int:
    """Delete temporary files a killed build left behind; return how many."""
    count = 0
    if out.is_dir():
        for tmp in out.rglob(".*.tmp"):
            if tmp.is_file():
                tmp.unlink(missing_ok=True)
                count += 1
    return count


class OutputWriter:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.entries: list[Entry] = []
        remove_stale_temporaries(out)

    def write(self, rel: str, data: bytes, *, campaign=None, group=None, locale=None, country=None,
              format: str, pages: int | None = None, translated: float | None = None,
              paper: str | None = None) -> Entry:
        target = self.out / rel
        # Keep an unchanged file as it is (and its modification time).
        if not (target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data):
            atomic_write(target, data)
        entry = Entry(campaign, group, locale, country, format, rel, len(data),
                      hashlib.sha256(data).hexdigest(), pages, translated, paper)
        self.entries.append(entry)
        return entry

    def manifest(self, meta: dict) -> dict:
        outputs = [
            {k: v for k, v in asdict(e).items() if v is not None or k in ("group", "locale", "country", "campaign")}
            for e in sorted(self.entries, key=lambda e: e.path)
        ]
        return {**meta, "outputs": outputs}

    def write_manifest(self, meta: dict) -> Path:
        target = self.out / MANIFEST
        text = json.dumps(self.manifest(meta), ensure_ascii=False, indent=2, sort_keys=False) + "\n"
        atomic_write(target, text.encode("utf-8"))
        return target


@contextmanager
def output_lock(out: Path, on_wait=None):
    """Hold the output folder for one build at a time.

    An OS file lock (flock): a build that crashes or is killed releases it with
    its process, so a stale lock can never block the next build.
    """
    import fcntl

    out.mkdir(parents=True, exist_ok=True)
    with open(out / LOCK, "a+") as fh:
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
