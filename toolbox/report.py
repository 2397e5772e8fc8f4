"""What a build did and found: counts, page weights and every problem, in one value."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import Problem, ToolboxError
from .render.weight import DEFAULT_BUDGET, PageWeight, kb, over_budget


@dataclass
class BuildReport:
    out: Path | None  # None: nothing was to be written (validate)
    campaigns: list[str] = field(default_factory=list)
    outputs: int = 0
    pdfs: int = 0
    pages: int = 0
    images: int = 0  # share images (share-square, share-portrait)
    rendered: int = 0  # print outputs rendered by this build
    reused: int = 0  # print outputs kept from the previous build (their inputs did not change)
    copied: int = 0  # files copied from shard builds (merge)
    audio: int = 0  # audio versions (each an .ogg and an .mp3)
    audio_rendered: int = 0  # audio versions synthesised or encoded by this build
    notices: list[str] = field(default_factory=list)  # not problems: group × locale × country without audio (-v)
    removed: list[str] = field(default_factory=list)  # files of the previous build no longer made
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)  # errors and warnings, as found
    weights: list[PageWeight] = field(default_factory=list)  # microsite pages, compressed, fonts aside
    budget: int | None = DEFAULT_BUDGET  # bytes per page; None: no budget
    strict: bool = False  # warnings count as errors
    preflight: list[str] = field(default_factory=list)  # press builds: one summary line per print file
    memory: int = 0  # peak resident memory of the building process, bytes
    worker_memory: dict[str, int] = field(default_factory=dict)  # worker (host:pid) → its peak resident memory, bytes
    # Stage → (wall seconds, this process's CPU seconds): where a build's time went (-v, bench/bench.py).
    stages: dict[str, tuple[float, float]] = field(default_factory=dict)
    render_seconds: float = 0.0  # the print outputs' render times in their processes, summed

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def failed(self) -> bool:
        return bool(self.errors or (self.strict and self.warnings))

    def budget_problems(self) -> list[Problem]:
        """An error for every microsite page heavier than the budget."""
        if self.budget is None:
            return []
        return [
            Problem(str(self.out / w.path) if self.out else w.path, None,
                    f"page weighs {kb(w.total)} compressed (HTML {kb(w.html)} + CSS/JS {kb(w.assets)}, fonts aside), "
                    f"over the budget of {kb(self.budget)}; shorten it or raise --page-budget")
            for w in over_budget(self.weights, self.budget)
        ]

    def stop_if_errors(self) -> None:
        """End a stage that found errors (warnings wait for the end: a strict build still renders)."""
        if self.errors:
            raise BuildFailed(self, self.errors)

    def enforce(self) -> None:
        """End a build that failed, with every problem it found (``strict``: warnings as errors)."""
        if self.failed:
            raise BuildFailed(self, [replace(p, severity="error") for p in self.problems] if self.strict
                              else self.problems)


class BuildFailed(ToolboxError):
    """A build (or a validation) that found errors; ``report`` says what it had done until then."""

    def __init__(self, report: BuildReport, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.report = report
