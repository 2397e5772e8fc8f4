"""Errors that know where they come from and how to show themselves.

Every problem a user can cause is a :class:`Problem` (``path:line: message``).
Stages collect problems and raise one :class:`ToolboxError` holding all of
them, so a user fixes everything in one round instead of one error per run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import click


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int | None
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}: {prefix}{self.message}"


def display_path(path: Path | str, root: Path | None = None) -> str:
    """A path as the user should read it: relative to the project when possible."""
    p = Path(path)
    if root is not None:
        try:
            return p.resolve().relative_to(root.resolve()).as_posix()
        except (ValueError, OSError, RuntimeError):  # RuntimeError: a symbolic link loop (Python < 3.13)
            pass
    try:
        return p.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):
        return p.as_posix()


class ToolboxError(click.ClickException):
    """One or more user-facing problems; the CLI prints them and exits 1."""

    exit_code = 1

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem("toolbox", None, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = sorted(set(problems), key=lambda p: (p.path, p.line or 0, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))

    def show(self, file: IO[Any] | None = None) -> None:  # click calls it to print the error
        for problem in self.problems:
            click.echo(str(problem), err=True)
        errors = sum(1 for p in self.problems if p.severity == "error")
        if errors > 1:
            click.echo(f"{errors} problems found.", err=True)


class Collector:
    """Gathers problems during a stage; ``raise_if_errors`` ends the stage."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def error(self, path: str, line: int | None, message: str) -> None:
        self.problems.append(Problem(path, line, message))

    def warn(self, path: str, line: int | None, message: str) -> None:
        self.problems.append(Problem(path, line, message, "warning"))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def raise_if_errors(self) -> None:
        if self.errors:
            raise ToolboxError(self.errors)
