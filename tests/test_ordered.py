"""schedule.ordered: results in plan order, with a bounded number in flight (memory does not grow with outputs)."""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from toolbox.schedule import ordered


def test_results_in_order_and_never_more_than_the_window_held():
    lock = threading.Lock()
    state = {"submitted": 0, "taken": 0, "most": 0}
    rng = random.Random(3)
    delays = [rng.uniform(0, 0.004) for _ in range(300)]

    def work(n: int) -> int:
        time.sleep(delays[n])  # finishing out of order
        return n

    with ThreadPoolExecutor(max_workers=4) as pool:
        def submit(n: int):
            with lock:
                state["submitted"] += 1
                state["most"] = max(state["most"], state["submitted"] - state["taken"])
            return pool.submit(work, n)

        results = []
        for n in ordered(submit, range(300), 8):
            results.append(n)
            with lock:
                state["taken"] += 1
    assert results == list(range(300))
    assert state["most"] <= 8


def test_a_failure_cancels_what_is_still_waiting():
    ran = []

    def work(n: int) -> int:
        if n == 2:
            raise ValueError("render failed")
        time.sleep(0.01)
        ran.append(n)
        return n

    with ThreadPoolExecutor(max_workers=1) as pool, pytest.raises(ValueError, match="render failed"):
        list(ordered(lambda n: pool.submit(work, n), range(100), 5))
    assert max(ran) < 10  # the 90-odd jobs never submitted, and those waiting in the window cancelled
