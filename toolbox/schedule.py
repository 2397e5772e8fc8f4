"""Rendering print outputs, in this process or in worker processes.

Each worker loads fonts once and keeps WeasyPrint's FontConfiguration for its
whole life (``render.pdf.font_config``). Results come back in plan order, so
the files, the manifest and every byte are the same for one job or many.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .campaign.model import Campaign
from .errors import Problem, ToolboxError, display_path
from .formats import SHARE
from .i18n.localize import Localizer
from .plan import Unit, project_formats, template_name
from .project import Project
from .render.fonts import load_fonts
from .render.preview import previews as make_previews
from .render.print import PrintOptions, is_press, press_for, render_print

if TYPE_CHECKING:
    from .cluster import Cluster
    from .render.audio import AudioDone, AudioJob
from .brand import load_brand
from .render.templates import environment
from .render.timelimit import DEFAULT_TIME_LIMIT, RenderTimeout, time_limit


@dataclass(frozen=True)
class PrintJob:
    campaign: str
    unit: Unit


@dataclass
class PrintDone:
    unit: Unit
    data: bytes | None  # None: not rendered (over the time limit); the problems say why
    pages: int | None  # None for share images
    translated: float
    problems: list[Problem] = field(default_factory=list)
    previews: dict[str, bytes] = field(default_factory=dict)
    preflight: str = ""  # press PDFs: the preflight's one-line summary (render.prepress)
    scale: float | None = None  # copyfitting: the output's smallest type scale (None: not fitted)
    layouts: int = 1  # how many times WeasyPrint laid it out (copyfitting tries scales: render/fit.py)
    seconds: float = 0.0  # how long the render took in its worker (shards.py balances --shard slices by it)
    worker: str = ""  # host:pid of the process that rendered it
    memory: int = 0  # that process's peak resident memory so far, bytes


class _Renderer:
    """Everything a process needs to render print units, made once per process."""

    def __init__(self, project: Project, campaigns: list[Campaign], options: PrintOptions, previews: str,
                 limit: float | None = DEFAULT_TIME_LIMIT) -> None:
        self.project = project
        self.limit = limit
        self.campaigns = {c.id: c for c in campaigns}
        self.options = options
        self.previews = previews
        self.env = environment(project.theme)
        self.fonts = load_fonts(project.theme).preferring(load_brand(project).fonts)
        self.formats = project_formats(project)

    def __call__(self, job: PrintJob) -> PrintDone:
        started = time.perf_counter()
        try:
            with time_limit(self.limit, job.unit.path):
                done = self._render(job)
            done.seconds = time.perf_counter() - started
            done.worker, done.memory = _whoami(), peak_memory()
            return done
        except RenderTimeout:
            from .render.pdf import forget_fonts

            forget_fonts()  # the interrupted render may have left WeasyPrint's font state half-updated
            return PrintDone(job.unit, None, None, 0.0, [_timeout_problem(self.campaigns[job.campaign], job.unit, self.limit or 0,
                                                                          template_name(job.unit.format, self.formats))])

    def _render(self, job: PrintJob) -> PrintDone:
        campaign = self.campaigns[job.campaign]
        unit = job.unit
        assert unit.locale is not None  # print units have a locale (plan.py)
        localizer = Localizer(self.project, campaign, unit.locale)
        result, problems = render_print(self.project, self.env, self.fonts, campaign, unit, localizer, self.options)
        kind = self.formats[unit.format]
        if kind.family == SHARE and kind.size:  # an image for messaging apps: rasterised, no preview
            from .render.share import rasterise

            width, height = kind.size
            return PrintDone(unit, rasterise(result.data, width, height), None, localizer.tr.usage.translated, problems,
                             scale=result.scale, layouts=result.layouts)
        summary = ""
        if is_press(self.project, campaign, unit, self.options):
            from .render.prepress import preflight
            from .render.pressdata import PDFX_NAMES, press_data

            press = press_for(self.project, campaign, self.options)
            data = press_data(self.project.theme)
            # The safe zone is measured on the layout (render_print), which sees the QR code and images too.
            report = preflight(result.data, unit.path, press.profile.ink_limit, None, data.bleed)
            problems = problems + report.problems(PDFX_NAMES[press.variant])
            summary = report.summary()
        return PrintDone(unit, result.data, result.pages, localizer.tr.usage.translated, problems,
                         make_previews(result.data, unit.path, self.previews if kind.is_material else "none"),
                         summary, result.scale, layouts=result.layouts)


def _timeout_problem(campaign: Campaign, unit: Unit, limit: float, template: str) -> Problem:
    """What to look at when an output takes too long: its template, and the image it draws."""
    group = campaign.group(unit.group) if unit.group else None
    asset = campaign.asset(group.image) if group and group.image else None
    image = f" and the image {display_path(campaign.folder / asset.file)}" if asset else ""
    return Problem(unit.path, None, f"{unit.locale} {unit.format}: rendering took longer than {limit:g} s and was "
                                    f"stopped; look at templates/{template}{image} (a loop, or "
                                    "an image too complex to draw), or raise the limit with --time-limit "
                                    "if this machine is just slow")


_worker: _Renderer | None = None


def _init_worker(project: Project, campaigns: list[Campaign], options: PrintOptions, previews: str,
                 limit: float | None = DEFAULT_TIME_LIMIT) -> None:
    global _worker
    # Ctrl+C is the build's to handle (it ends the workers): a worker that got it
    # too would print its own traceback. Started with SIGINT blocked (see _map),
    # so it never arrives; ignored here as well, should anything unblock it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    _worker = _Renderer(project, campaigns, options, previews, limit)


def _die_with_parent() -> None:
    """A killed build must not leave workers behind (Linux: ask the kernel to end us with it)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _render_in_worker(job: PrintJob) -> PrintDone:
    assert _worker is not None
    return _worker(job)


def _subset_in_worker(task: tuple) -> bytes | None:
    from .render.fonts import subset_woff2

    return subset_woff2(*task)


def _audio_in_worker(job: AudioJob) -> AudioDone:
    from .render.audio import make_audio

    return make_audio(job)


class Workers:
    """Worker processes for one build: print outputs first, then font subsets.

    With one job everything runs in this process. The pool starts on first use
    and ends with the ``with`` block.
    """

    def __init__(self, project: Project, campaigns: list[Campaign], jobs: int, options: PrintOptions, previews: str,
                 limit: float | None = DEFAULT_TIME_LIMIT, cluster: Cluster | None = None) -> None:
        self.args = (project, campaigns, options, previews, limit)
        self.limit = limit  # also for microsite pages, rendered in this process (build._build_site)
        self.jobs = max(1, jobs)
        self.cluster = cluster  # print outputs go there; audio and font subsets stay on this machine
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        if self._pool is None:
            return
        if exc_type is not None:
            # Interrupted or failed: end the workers now instead of letting them finish their renders.
            for process in list(getattr(self._pool, "_processes", {}).values()):
                process.terminate()
        self._pool.shutdown(cancel_futures=True)

    def _parallel(self, count: int) -> ProcessPoolExecutor | None:
        if self.jobs == 1 or count < 2:
            return None
        if self._pool is None:
            # "spawn", not "fork": a forked worker would inherit the output folder's
            # lock and hold it after a killed build; a spawned one starts clean, as
            # a child of this process, so it dies with it (see _die_with_parent).
            self._pool = ProcessPoolExecutor(max_workers=self.jobs, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_init_worker, initargs=self.args)
        return self._pool

    def print(self, jobs: list[PrintJob]) -> Iterator[PrintDone]:
        """Render print jobs; results in the order given, whatever order they finish in.

        A few jobs per worker are in flight at a time, so the results waiting to
        be written never grow with the number of outputs.
        """
        if self.cluster is not None:
            return self._on_cluster(self.cluster, jobs)
        pool = self._parallel(len(jobs))
        if pool is None:
            renderer = _Renderer(*self.args)
            return (renderer(job) for job in jobs)

        def submit(job: PrintJob) -> Future:
            blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # as in _map: workers never get Ctrl+C
            try:
                return pool.submit(_render_in_worker, job)
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)

        return _unbroken(ordered(submit, jobs, 4 * self.jobs))

    def _on_cluster(self, cluster: Cluster, jobs: list[PrintJob]) -> Iterator[PrintDone]:
        from .cluster import FAILURES, explained

        # Dask's own renderer in each worker process: the same _Renderer, made from the same arguments.
        with cluster.session(_Renderer, self.args) as submit:
            try:
                yield from ordered(submit, jobs, max(16, 4 * cluster.threads))
            except FAILURES as exc:  # the cluster's, not a render's: one line, no traceback
                raise explained(exc) from None

    def audio(self, jobs: list) -> list:
        """Synthesise and encode audio versions (render/audio.py AudioJob → AudioDone), in order."""
        pool = self._parallel(len(jobs))
        if pool is None:
            return [_audio_in_worker(j) for j in jobs]
        # Audio comes first in a build, so this is often where the pool starts: through _map, like the rest.
        return list(_unbroken(_map(pool, _audio_in_worker, jobs)))

    def subsets(self, tasks: list[tuple]) -> list[bytes | None]:
        """Subset fonts: (font path, text) → WOFF2 bytes or None, in order."""
        pool = self._parallel(len(tasks))
        if pool is None:
            return [_subset_in_worker(t) for t in tasks]
        return list(_map(pool, _subset_in_worker, tasks))


def _map(pool: ProcessPoolExecutor, fn: Callable[[Any], Any], items: list) -> Iterator:
    """``pool.map`` with SIGINT blocked while it submits.

    Submitting is when the pool starts its worker processes; a process inherits
    the blocked signal, so Ctrl+C (sent to the whole process group) never
    reaches a worker, not even while it starts up, before its initializer runs.
    The build gets a Ctrl+C pressed meanwhile as soon as submitting is done.
    """
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        return pool.map(fn, items, chunksize=1)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


_END = object()


def ordered(submit: Callable[[Any], Future], items: Iterable[Any], window: int) -> Iterator[Any]:
    """Each item's result, in the order of ``items``, with at most ``window`` (≥ 2) submitted and not yet taken.

    ``Executor.map`` submits everything at once and keeps every result until it
    is taken: with thousands of outputs that is the whole build in memory, and
    on a cluster thousands of tasks at the scheduler. A job still waiting is
    cancelled when the caller stops early.
    """
    pending: deque[Future] = deque()
    source = iter(items)
    try:
        for item in source:
            pending.append(submit(item))
            if len(pending) >= window:
                break
        while pending:
            result = pending.popleft().result()
            # The next job starts before this result is handed on, so the workers stay busy; the
            # result being written is one of the window.
            while len(pending) < window - 1 and (item := next(source, _END)) is not _END:
                pending.append(submit(item))
            yield result
    finally:
        for future in pending:
            future.cancel()


@contextmanager
def connect(executor: str | None, project: Project) -> Iterator[Cluster | None]:
    """The cluster ``executor`` names (``dask://HOST:PORT``, checked by options.py), or None for this machine."""
    if executor is None:
        yield None
        return
    try:
        from .cluster import Cluster
    except ImportError:
        raise ToolboxError(f"--executor {executor}: Dask is not installed here; install it with "
                           "pip install 'toolbox[cluster]' (or pip install 'dask[distributed]')") from None
    cluster = Cluster("tcp://" + executor.removeprefix("dask://"), project)
    try:
        yield cluster
    finally:
        cluster.close()


def _unbroken(results: Iterator[PrintDone]) -> Iterator[PrintDone]:
    """Results, or a clear error when a worker was ended (a render stuck past its time limit says so first)."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        yield from results
    except BrokenProcessPool:
        raise ToolboxError("a worker process ended in the middle of a render (see the message above, if any); "
                           "nothing was left half-written: fix the cause and build again") from None


def peak_memory() -> int:
    """This process's peak resident memory, bytes (Linux counts ru_maxrss in KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _whoami() -> str:
    import socket

    return f"{socket.gethostname()}:{os.getpid()}"


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
