"""``--shard K/N`` slices balanced by the render times of the last build, like pytest-split's durations.

Every full build and every merge writes ``.toolbox-times.json`` into its output
folder: the seconds each print output took to render (a reused output keeps
its earlier time). A shard build reads the times from ``--shard-times FILE``,
else from ``build-times.json`` in the project (commit a merged build's times
file there, so CI runners that start empty split the same way) — never from
its own output folder, which holds its own slice's times only — and deals the
outputs out slowest first, each to the slice with the least work so far
(longest processing time first). An output with no recorded time counts as
the median of those recorded. With no times at all, the slices are today's
hash of each output's path.

Every shard of one build must read the same times, or an output may fall in
two slices or in none: ``toolbox merge`` still makes a complete build (a file
two shards made must be the same bytes; one no shard made is rendered), only
later.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Iterable
from pathlib import Path

from .errors import ToolboxError, display_path
from .options import Shard
from .previous import TIMES
from .write import atomic_write

#: The project's committed copy of a build's times, for shard builds into an empty folder.
PROJECT_TIMES = "build-times.json"


def read_times(path: Path) -> dict[str, float]:
    """Recorded seconds per output path; {} for a missing or damaged file (anything not a time is left out)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return {}
    seconds = data.get("seconds") if isinstance(data, dict) else None
    if not isinstance(seconds, dict):
        return {}
    return {k: float(v) for k, v in seconds.items()
            if isinstance(k, str) and isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and v >= 0}


def write_times(out: Path, times: dict[str, float]) -> None:
    text = json.dumps({"version": 1, "seconds": {k: round(v, 3) for k, v in sorted(times.items())}}, indent=1) + "\n"
    atomic_write(out / TIMES, text.encode("utf-8"))


def times_for_shards(project_root: Path, given: Path | None) -> dict[str, float]:
    """The times a shard build splits by: the file given, else the project's committed copy."""
    if given is None:
        return read_times(project_root / PROJECT_TIMES)
    times = read_times(given)
    if not times:
        raise ToolboxError(f"--shard-times {display_path(given)}: no render times in it (missing, unreadable, or not "
                           f"a {TIMES} file a build wrote); give the {TIMES} of a full build or a merge")
    return times


def slices(paths: Iterable[str], count: int, times: dict[str, float]) -> list[list[str]]:
    """``paths`` dealt into ``count`` slices of about equal recorded time (by hash when no time is known)."""
    paths = sorted(set(paths))
    known = [times[p] for p in paths if p in times]
    if not known:
        return [[p for p in paths if Shard(k, count).has(p)] for k in range(1, count + 1)]
    guess = statistics.median(known)
    cost = {p: times.get(p, guess) for p in paths}
    loads = [0.0] * count
    dealt: list[list[str]] = [[] for _ in range(count)]
    for path in sorted(paths, key=lambda p: (-cost[p], p)):
        k = min(range(count), key=lambda i: (loads[i], i))
        dealt[k].append(path)
        loads[k] += cost[path]
    return [sorted(s) for s in dealt]


def selected(paths: Iterable[str], shard: Shard, times: dict[str, float]) -> set[str]:
    """The paths of ``shard``'s slice."""
    return set(slices(paths, shard.count, times)[shard.index - 1])
