"""A time limit for one render, so a hostile or broken input becomes a problem, not a hang.

Validation bounds what it can measure (SVG complexity, sizes), but a template
loop or an image that is slow to draw in a way no check foresaw must still end.
The limit is an alarm signal in the thread that renders (the main thread of a
worker process, or of toolbox itself with ``--jobs 1``): its handler raises
:class:`RenderTimeout` at the next Python instruction, wherever WeasyPrint or
Jinja is. It is a ``BaseException`` because WeasyPrint catches ``Exception``
around every image it draws and would otherwise log it and draw on.

Should a render be stuck inside C code that never returns to Python, a
watchdog thread ends the whole process a little later: files are only ever
replaced whole (``write.py``), so nothing is left half-written.

WeasyPrint catches even ``BaseException`` around drawing an SVG (logs
"Failed to render SVG image" and goes on), so the alarm repeats every half
second until the block ends, and the block raises at its end whatever was
caught inside: a render past its limit never counts as finished.

A Dask worker (``--executor``) renders in a thread of its own, which gets no
signals: there a timer raises the same exception in that thread
(``PyThreadState_SetAsyncExc``, again every half second). A thread stuck in C
code cannot be stopped that way, and its worker process is not toolbox's to end,
so the watchdog only warns there; the job holds its worker until it returns.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from types import FrameType

#: Seconds one print output (a PDF or a share image) may take: a leaflet takes 1–5 s.
DEFAULT_TIME_LIMIT = 120.0
#: Extra seconds before a render that ignores the alarm (stuck in C code) ends its process.
GRACE = 15.0


class RenderTimeout(BaseException):
    """A render ran past its time limit."""


@contextmanager
def time_limit(seconds: float | None, what: str) -> Iterator[None]:
    """Raise :class:`RenderTimeout` in the block after ``seconds`` (None or 0: no limit)."""
    if not seconds:
        yield
        return
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        with _thread_limit(seconds, what):
            yield
        return

    expired = []

    def alarm(signum: int, frame: FrameType | None) -> None:
        expired.append(True)
        raise RenderTimeout(what)

    def stuck() -> None:
        sys.stderr.write(f"toolbox: {what}: rendering took longer than {seconds:g} s and could not be stopped; "
                         "ending the build (no file was left half-written). Simplify the template or image, "
                         "or raise the limit with --time-limit.\n")
        sys.stderr.flush()
        os._exit(1)

    previous = signal.signal(signal.SIGALRM, alarm)
    watchdog = threading.Timer(seconds + GRACE, stuck)
    watchdog.daemon = True
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.5)
    watchdog.start()
    try:
        yield
    except BaseException:
        if expired:  # whatever the interrupted code raised instead
            raise RenderTimeout(what) from None
        raise
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        watchdog.cancel()
        signal.signal(signal.SIGALRM, previous)
    if expired:
        raise RenderTimeout(what)


@contextmanager
def _thread_limit(seconds: float, what: str) -> Iterator[None]:
    """:func:`time_limit` in a thread that is not the main one: a timer thread sends it the exception."""
    target = ctypes.c_ulong(threading.get_ident())
    expired = threading.Event()
    finished = threading.Event()

    def interrupt() -> None:
        if finished.wait(seconds):
            return
        expired.set()
        sent = 0
        while not finished.is_set():
            if sent * 0.5 > GRACE:
                sys.stderr.write(f"toolbox: {what}: rendering took longer than {seconds:g} s and could not be stopped "
                                 "in this worker thread; it holds the worker until it returns.\n")
                return
            ctypes.pythonapi.PyThreadState_SetAsyncExc(target, ctypes.py_object(RenderTimeout))
            sent += 1
            finished.wait(0.5)

    timer = threading.Thread(target=interrupt, name=f"time limit: {what}", daemon=True)
    timer.start()
    try:
        yield
    except BaseException:
        if expired.is_set():
            raise RenderTimeout(what) from None
        raise
    finally:
        finished.set()
        while timer.is_alive():
            with suppress(RenderTimeout):  # sent just as the block ended; it still counts as past its limit (below)
                timer.join()
        ctypes.pythonapi.PyThreadState_SetAsyncExc(target, None)  # one still pending, sent before the timer ended
    if expired.is_set():
        raise RenderTimeout(what)
