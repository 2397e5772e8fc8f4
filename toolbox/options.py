"""What a build is asked to do: one frozen value, given to every stage."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ToolboxError
from .render.print import PrintOptions
from .render.timelimit import DEFAULT_TIME_LIMIT
from .render.weight import DEFAULT_BUDGET

PREVIEWS = ("none", "first", "all")


@dataclass(frozen=True)
class Shard:
    """``--shard K/N``: this build makes the K-th of N deterministic slices of the print outputs."""

    index: int  # 1-based
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        try:
            k, n = (int(x) for x in text.split("/"))
        except ValueError:
            raise ToolboxError(f"--shard {text!r}: write K/N, e.g. 2/4 (the 2nd of 4 slices)") from None
        if not 1 <= k <= n:
            raise ToolboxError(f"--shard {text!r}: K must be between 1 and N")
        return cls(k, n)

    def has(self, path: str) -> bool:
        return int(hashlib.sha256(path.encode("utf-8")).hexdigest()[:8], 16) % self.count == self.index - 1


#: ``--executor``: where print outputs are rendered besides this machine's worker processes.
_EXECUTOR = re.compile(r"dask://(?P<host>[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):(?P<port>[0-9]{1,5})")


def executor_problem(text: str) -> str | None:
    """Why ``text`` is not an ``--executor`` value (``dask://HOST:PORT``), or None."""
    found = _EXECUTOR.fullmatch(text)
    if found is None:
        return (f"--executor {text[:80]!r}: write dask://HOST:PORT, the address of a Dask scheduler "
                "(e.g. dask://127.0.0.1:8786; 'dask scheduler' prints it)")
    if not 0 < int(found["port"]) < 65536:
        return f"--executor {text[:80]!r}: the port must be between 1 and 65535"
    return None


@dataclass(frozen=True)
class BuildOptions:
    """Everything ``toolbox build`` can be told, with the library's defaults.

    The print options and the previews are part of every print output's input
    key (``keys.py``): change them and the print files are rendered again.
    """

    campaigns: tuple[str, ...] = ()  # the campaigns to build; empty: every one
    strict: bool = False  # warnings (overflow, untranslated text, a page over its budget…) fail the build
    print_options: PrintOptions = field(default_factory=PrintOptions)  # press profile (bleed, crop marks), PDF variant
    previews: str = "none"  # PNG previews of print files: "none", "first" (page) or "all"
    page_budget: int | None = DEFAULT_BUDGET  # bytes per microsite page, compressed, fonts aside; None: no budget
    pseudo: bool = False  # also build the pseudo-locale en-XA
    jobs: int = 1  # worker processes for print files and font subsets
    force: bool = False  # render everything again, even outputs whose inputs did not change
    shard: Shard | None = None  # build one slice of the print outputs only (no microsite); see merge()
    time_limit: float | None = DEFAULT_TIME_LIMIT  # seconds per output before it is stopped; None: no limit
    locales: tuple[str, ...] = ()  # build only these locales' outputs (serve --locale); empty: every locale
    shard_times: Path | None = None  # --shard: split by these render times (shards.py); None: the project's build-times.json
    executor: str | None = None  # "dask://HOST:PORT": render print outputs on that Dask cluster (docs/building.md)

    def __post_init__(self) -> None:
        # A library caller passing a list or a wrong word must fail here, not deep in a worker.
        object.__setattr__(self, "campaigns", tuple(self.campaigns))
        object.__setattr__(self, "locales", tuple(self.locales))
        if self.previews not in PREVIEWS:
            raise ToolboxError(f"previews {self.previews!r}: use one of {', '.join(PREVIEWS)}")
        if self.jobs < 1:
            raise ToolboxError(f"jobs {self.jobs}: give at least 1")
        if self.executor is not None and (why := executor_problem(self.executor)):
            raise ToolboxError(why)
