"""Where a project's folders are: campaigns/, templates/, locales/, toolbox.toml."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .theme import Theme

#: The project file: the brand kit (docs/templates.md#brand-kit).
PROJECT_FILE = "toolbox.toml"


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def campaigns(self) -> Path:
        return self.root / "campaigns"

    @property
    def templates(self) -> Path:
        """The project's own templates/ folder: its overrides of the theme (read through ``theme``)."""
        return self.root / "templates"

    @cached_property
    def theme(self) -> Theme:
        """The theme files this project builds with: its own templates/ and locales/ first, then the built-in ones."""
        return Theme.of(self.root)

    def __getstate__(self) -> dict[str, object]:
        # A worker elsewhere (a Dask worker) finds its own built-in theme, in its own install: the paths
        # of ours mean nothing there. Its files are then compared with ours (cluster.fingerprint).
        return {"root": self.root}

    @property
    def file(self) -> Path:
        return self.root / PROJECT_FILE

    @property
    def locales(self) -> Path:
        return self.root / "locales"

    @classmethod
    def find(cls, start: Path | None = None) -> Project:
        """The nearest folder at or above ``start`` that has a campaigns/ folder."""
        here = (start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / "campaigns").is_dir():
                return cls(folder)
        return cls(here)
