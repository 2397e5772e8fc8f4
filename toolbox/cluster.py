"""Rendering print outputs on a Dask distributed cluster: ``toolbox build --executor dask://HOST:PORT``.

Only the rendering moves: a worker gets a print job and returns the bytes (a
``schedule.PrintDone``); this process alone writes files, the state and the
manifest, under the output folder's lock, exactly as with local workers.
``Client.get_executor()`` is a ``concurrent.futures.Executor``, so the build's
scheduling is the same code for a process pool and for a cluster.

A worker reads the project's templates, fonts, catalogs and campaign files from
its own disk, at the same absolute path as this machine (a shared file system,
or the same container image). A worker whose copy, toolbox or WeasyPrint
differs would write other bytes under the same input key, so it is refused:
each worker's :func:`fingerprint` is compared with ours before anything is
written, and again before every job (a worker may join mid-build).

This module imports ``distributed``; it is imported only when ``--executor``
names a cluster (``pip install 'toolbox[cluster]'``).
"""

from __future__ import annotations

import hashlib
import platform
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager, suppress
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from distributed import Client, get_worker
from distributed.diagnostics.plugin import WorkerPlugin
from distributed.scheduler import KilledWorker

from . import __version__
from .errors import ToolboxError
from .project import Project

#: Seconds to wait for the scheduler to answer, and for a first worker to join it.
CONNECT_TIMEOUT = 10.0
WORKER_TIMEOUT = 60.0
_FONT_SUFFIXES = {".ttf", ".otf", ".ttc", ".woff", ".woff2"}


class Refused(Exception):
    """A worker whose fingerprint differs from the build's (its message says what differs)."""


def fingerprint(project: Project) -> dict[str, str]:
    """What decides the bytes a render makes, besides the job itself: software versions and the project's files."""
    parts = {"toolbox": __version__, "Python": platform.python_version()}
    for package in ("weasyprint", "pypdfium2", "pikepdf", "jinja2", "babel"):
        try:
            parts[package] = version(package)
        except PackageNotFoundError:
            parts[package] = "not installed"
    # Every theme layer counts, the built-in one (in the installed package) as much as the project's own.
    fonts, theme = hashlib.sha256(), hashlib.sha256()
    for folder in project.theme.folders:
        for path in _files(folder):
            (fonts if path.suffix.lower() in _FONT_SUFFIXES else theme).update(_record(folder, path))
    parts["fonts"], parts["theme"] = fonts.hexdigest(), theme.hexdigest()
    for name, folders in (("catalogs", project.theme.catalogs), ("campaign files", (project.campaigns,))):
        digest = hashlib.sha256()
        for folder in folders:
            for path in _files(folder):
                digest.update(_record(folder, path))
        parts[name] = digest.hexdigest()
    return parts


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


def _record(folder: Path, path: Path) -> bytes:
    data = path.read_bytes()
    return f"{path.relative_to(folder).as_posix()}\0{len(data)}\0".encode() + hashlib.sha256(data).digest()


def differences(ours: dict[str, str], theirs: dict[str, str]) -> list[str]:
    """The parts of two fingerprints that differ, named for a person: "toolbox 0.1.0 here, 0.2.0 there"."""
    found = []
    for name in ours.keys() | theirs.keys():
        a, b = ours.get(name, "missing"), theirs.get(name, "missing")
        if a != b:
            short = len(a) == 64 and len(b) == 64  # a digest: its first characters are enough to tell
            found.append(f"{name} {a[:12] if short else a} here, {b[:12] if short else b} there")
    return sorted(found)


def refusal(address: str, ours: dict[str, str], theirs: dict[str, str]) -> str | None:
    diff = differences(ours, theirs)
    if not diff:
        return None
    return (f"the Dask worker {address} renders with other inputs than this build ({'; '.join(diff)}), so its files "
            "would differ from a local build's: give every worker the same toolbox and the project at the same "
            "path, with the same files, then build again")


class _Setup(WorkerPlugin):
    """Sent once per build to every worker, also to one that joins later: the renderer's arguments."""

    def __init__(self, name: str, factory: Callable[..., Callable[[Any], Any]], args: tuple, project: Project,
                 expected: dict[str, str]) -> None:
        self.name, self.factory, self.args, self.project, self.expected = name, factory, args, project, expected

    def setup(self, worker: Any) -> None:
        _BUILDS[self.name] = _WorkerBuild(self, worker.address)

    def teardown(self, worker: Any) -> None:
        _BUILDS.pop(self.name, None)


class _WorkerBuild:
    """A worker's side of one build: its own fingerprint checked once, the renderer made on first use."""

    def __init__(self, setup: _Setup, address: str) -> None:
        self.setup = setup
        self.refused = refusal(address, setup.expected, fingerprint(setup.project))
        self.renderer: Callable[[Any], Any] | None = None
        # WeasyPrint, its FontConfiguration and fontconfig are not made for threads: a worker
        # started with several threads renders one output at a time (start it with --nthreads 1).
        self.lock = threading.Lock()

    def __call__(self, job: Any) -> Any:
        if self.refused:
            raise Refused(self.refused)
        with self.lock:
            if self.renderer is None:
                self.renderer = self.setup.factory(*self.setup.args)
            return self.renderer(job)


_BUILDS: dict[str, _WorkerBuild] = {}  # in a worker process: the builds whose plugin it has, by name


def _run(name: str, job: Any) -> Any:
    build = _BUILDS.get(name)
    if build is None:  # the plugin's setup runs before any task on a worker; this is a worker it never reached
        raise Refused(f"the Dask worker {get_worker().address} has not received this build's set-up")
    return build(job)


class Cluster:
    """A connection to a Dask scheduler, made (and its workers checked) before the output folder is touched."""

    def __init__(self, address: str, project: Project) -> None:
        self.address, self.project = address, project
        shown = address.replace("tcp://", "dask://", 1)
        try:
            self.client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ToolboxError(f"--executor {shown}: no Dask scheduler answered within {CONNECT_TIMEOUT:g} s "
                               f"({_first_line(exc)}); start one with 'dask scheduler' and workers with "
                               "'dask worker', or check the address") from None
        try:
            try:
                self.client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
            except TimeoutError:
                raise ToolboxError(f"--executor {shown}: the scheduler has no worker (waited {WORKER_TIMEOUT:g} s); "
                                   f"start some with 'dask worker {address}'") from None
            self.expected = fingerprint(project)
            try:
                found: dict[str, dict[str, str]] = self.client.run(fingerprint, project)
            except Exception as exc:  # noqa: BLE001  (raised on a worker: whatever its toolbox, or none, raises)
                raise ToolboxError(f"--executor {shown}: a Dask worker could not say what it renders with "
                                   f"({type(exc).__name__}: {_first_line(exc)}); install the same toolbox on every "
                                   "worker ('pip install toolbox[cluster]')") from None
            refused = [why for worker, theirs in sorted(found.items()) for why in [refusal(worker, self.expected, theirs)] if why]
            if refused:
                raise ToolboxError(refused[0] + (f" ({len(refused) - 1} more workers differ too)" if len(refused) > 1 else ""))
            self.threads = sum(self.client.nthreads().values())
        except BaseException:
            self.client.close()
            raise
        self._builds = 0

    def close(self) -> None:
        self.client.close()

    @contextmanager
    def session(self, factory: Callable[..., Callable[[Any], Any]], args: tuple) -> Iterator[Callable[[Any], Future]]:
        """A ``submit(job)`` that renders ``factory(*args)(job)`` on a worker, for one build's print jobs."""
        self._builds += 1
        name = f"toolbox-build-{id(self)}-{self._builds}"
        self.client.register_plugin(_Setup(name, factory, args, self.project, self.expected), name=name)
        executor = self.client.get_executor(pure=False)
        try:
            yield lambda job: executor.submit(_run, name, job)
        finally:
            # A lost scheduler must not hide why the build stopped: the plugin goes with it anyway.
            with suppress(Exception):
                self.client.unregister_worker_plugin(name)


def explained(exc: BaseException) -> ToolboxError:
    """A job's failure as the one-line error a person reads, when it is the cluster's and not the render's."""
    if isinstance(exc, Refused):
        return ToolboxError(str(exc))
    if isinstance(exc, KilledWorker):  # a job that ended every worker it was given: Dask gave it up
        return ToolboxError(f"the Dask cluster gave up a print job ({_first_line(exc)}); look at the workers' logs "
                            "(a memory limit?) and build again")
    return ToolboxError(f"the Dask cluster failed: {_first_line(exc)}")


#: What a job fails with when the cluster, not the render, is the cause.
FAILURES = (Refused, KilledWorker)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
