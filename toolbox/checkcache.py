"""Results of the slow input checks, remembered between builds by the content they read.

A build validates every template, catalog and text before it renders anything, so a
rebuild that renders nothing (or a designer's ``serve`` after one edit) still paid
for compiling ~90 templates and checking every catalog entry. A check whose result
depends only on some files' bytes (and on toolbox itself) is looked up here by a
hash of those bytes first; only a miss runs it. The cache lives in the user's cache
folder (``$XDG_CACHE_HOME/toolbox/checks``, or ``$TOOLBOX_CACHE``), one small JSON
file per result: it may be deleted at any time, and a folder that cannot be written
only means every check runs.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

from . import __version__
from .errors import Collector, Problem


def user_cache() -> Path:
    """toolbox's folder in the user's cache (``$TOOLBOX_CACHE`` first, then the XDG location)."""
    if os.environ.get("TOOLBOX_CACHE"):
        return Path(os.environ["TOOLBOX_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "toolbox"


@cache
def code_digest() -> str:
    """Which toolbox checks the inputs: its version, its own source files (size and time) and the libraries
    that parse templates and catalogs, so an edited checkout or an upgrade never reads an older check's result."""
    import babel
    import jinja2

    # Jinja's parser and Babel's catalog reader give the problems the checks report.
    h = hashlib.sha256(f"{__version__}\0{jinja2.__version__}\0{babel.__version__}".encode())
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        st = path.stat()
        h.update(f"{path.relative_to(package)}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return h.hexdigest()


def digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else part.encode("utf-8", "surrogateescape"))
        h.update(b"\0")
    return h.hexdigest()


def contents(path: Path, limit: int | None = None) -> bytes:
    """A file's bytes for a key (``b""`` when unreadable or over ``limit``: the check itself says why), read once
    per process while its size and time stay the same: coverage() hashes every template once per locale."""
    try:
        st = path.stat()
    except OSError:
        return b""
    if limit is not None and st.st_size > limit:
        return b""
    stamp = (str(path), st.st_size, st.st_mtime_ns)
    if stamp not in _contents:
        try:
            _contents[stamp] = path.read_bytes()
        except OSError:
            return b""
    return _contents[stamp]


_contents: dict[tuple[str, int, int], bytes] = {}


def _file(kind: str, key: str) -> Path:
    return user_cache() / "checks" / kind / key[:2] / f"{key}.json"


def recall(kind: str, parts: Iterable[str | bytes], compute: Callable[[], Any]) -> Any:
    """``compute()``'s JSON-able result, remembered under ``kind`` and the hash of ``parts`` (and toolbox's code)."""
    key = digest(code_digest(), kind, *parts)
    if key in _recalled:
        return _recalled[key]
    path = _file(kind, key)
    try:
        value = json.loads(path.read_text(encoding="utf-8"))["value"]
    except (OSError, ValueError, KeyError, TypeError):  # never stored, or damaged: compute it again
        value = compute()
        store(path, {"value": value})
    _recalled[key] = value
    return value


_recalled: dict[str, Any] = {}  # this process's lookups: coverage() asks the same once per locale


def checked(kind: str, parts: Iterable[str | bytes], check: Callable[[Collector], None], problems: Collector) -> None:
    """Run ``check`` into ``problems`` unless its problems for the same inputs are remembered; then replay those."""

    def run() -> list[list[Any]]:
        found = Collector()
        check(found)
        return [[p.path, p.line, p.message, p.severity] for p in found.problems]

    for path, line, message, severity in recall(kind, parts, run):
        problems.problems.append(Problem(path, line, message, severity))


def store(path: Path, data: object) -> None:
    """``data`` as JSON in ``path``, whole or not at all; an unwritable cache folder only means it is not kept."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    except OSError:
        return  # a read-only cache folder: the check simply runs next time too
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False)
        os.replace(tmp, path)  # whole or not at all: a build beside this one reads either
    except OSError:  # a full disk
        Path(tmp).unlink(missing_ok=True)
