"""Rendering print outputs, in this process or in worker processes.

Each worker loads fonts once and keeps WeasyPrint's FontConfiguration for its
whole life (``render.pdf.font_config``). Results come back in plan order, so
the files, the manifest and every byte are the same for one job or many.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Iterator

from .errors import Problem
from .localize import Localizer
from .model import Campaign
from .plan import GUIDE_FORMAT, SHARE_FORMATS, Unit
from .project import Project
from .render.fonts import load_fonts
from .render.preview import previews as make_previews
from .render.print import PrintOptions, render_print
from .render.templates import environment


@dataclass(frozen=True)
class PrintJob:
    campaign: str
    unit: Unit


@dataclass
class PrintDone:
    unit: Unit
    data: bytes
    pages: int | None  # None for share images
    translated: float
    problems: list[Problem] = field(default_factory=list)
    previews: dict[str, bytes] = field(default_factory=dict)


class _Renderer:
    """Everything a process needs to render print units, made once per process."""

    def __init__(self, project: Project, campaigns: list[Campaign], options: PrintOptions, previews: str) -> None:
        self.project = project
        self.campaigns = {c.id: c for c in campaigns}
        self.options = options
        self.previews = previews
        self.env = environment(project.templates)
        self.fonts = load_fonts(project.templates)

    def __call__(self, job: PrintJob) -> PrintDone:
        campaign = self.campaigns[job.campaign]
        unit = job.unit
        localizer = Localizer(self.project, campaign, unit.locale)
        result, problems = render_print(self.project, self.env, self.fonts, campaign, unit, localizer, self.options)
        if unit.format in SHARE_FORMATS:  # an image for messaging apps: rasterised, no preview
            from .render.share import rasterise

            _, width, height = SHARE_FORMATS[unit.format]
            return PrintDone(unit, rasterise(result.data, width, height), None, localizer.tr.usage.translated, problems)
        return PrintDone(unit, result.data, result.pages, localizer.tr.usage.translated, problems,
                         make_previews(result.data, unit.path, self.previews if unit.format != GUIDE_FORMAT else "none"))


_worker: _Renderer | None = None


def _init_worker(project: Project, campaigns: list[Campaign], options: PrintOptions, previews: str) -> None:
    global _worker
    _die_with_parent()
    _worker = _Renderer(project, campaigns, options, previews)


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


def _audio_in_worker(job):
    from .render.audio import make_audio

    return make_audio(job)


class Workers:
    """Worker processes for one build: print outputs first, then font subsets.

    With one job everything runs in this process. The pool starts on first use
    and ends with the ``with`` block.
    """

    def __init__(self, project: Project, campaigns: list[Campaign], jobs: int, options: PrintOptions, previews: str) -> None:
        self.args = (project, campaigns, options, previews)
        self.jobs = max(1, jobs)
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
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
        """Render print jobs; results in the order given, whatever order they finish in."""
        pool = self._parallel(len(jobs))
        if pool is None:
            renderer = _Renderer(*self.args)
            return (renderer(job) for job in jobs)
        return pool.map(_render_in_worker, jobs, chunksize=1)

    def audio(self, jobs: list) -> list:
        """Synthesise and encode audio versions (render/audio.py AudioJob → AudioDone), in order."""
        pool = self._parallel(len(jobs))
        if pool is None:
            return [_audio_in_worker(j) for j in jobs]
        return list(pool.map(_audio_in_worker, jobs, chunksize=1))

    def subsets(self, tasks: list[tuple]) -> list[bytes | None]:
        """Subset fonts: (font path, text) → WOFF2 bytes or None, in order."""
        pool = self._parallel(len(tasks))
        if pool is None:
            return [_subset_in_worker(t) for t in tasks]
        return list(pool.map(_subset_in_worker, tasks, chunksize=1))


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
