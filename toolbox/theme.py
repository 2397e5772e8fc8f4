"""The built-in theme, and a project's overrides of it: which file each theme path is read from.

The theme is ``templates/`` (print, site, share, outreach, fonts, pictograms, audio voices) and
the template catalogs ``locales/<tag>/LC_MESSAGES/toolbox.po``. In a checkout they are the
repository's top-level folders; in an installed wheel the same trees ship as package data under
``toolbox/_theme/``. A project overrides the theme file by file: a path is looked up in the
project's ``templates/`` first, then in the built-in one (as MkDocs' ``custom_dir`` and Hugo's
lookup order do), so a project holds only what it changed and takes every later release's other
files as they come.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
#: Where the wheel carries the built-in theme (pyproject.toml maps the top-level folders here).
PACKAGED = _PACKAGE / "_theme"
#: The sample campaign ``toolbox init`` copies, beside the theme.
SAMPLE = "safe-journeys"


def builtin_root() -> Path:
    """The folder holding the built-in ``templates/``, ``locales/`` and ``campaigns/``."""
    if (PACKAGED / "templates").is_dir():
        return PACKAGED
    return _PACKAGE.parent  # a checkout (or an editable install of one)


@dataclass(frozen=True)
class Theme:
    """Theme folders, most specific first: the project's, then the built-in ones."""

    folders: tuple[Path, ...]
    catalogs: tuple[Path, ...]

    @classmethod
    def of(cls, root: Path) -> Theme:
        """The theme a project at ``root`` builds with: its own files first, then the built-in ones."""
        builtin = builtin_root()
        return cls(_distinct(root / "templates", builtin / "templates"), _distinct(root / "locales", builtin / "locales"))

    @property
    def own(self) -> Path:
        """The project's templates/ folder (where ``theme eject`` copies to), present or not."""
        return self.folders[0]

    @property
    def builtin(self) -> Path:
        return self.folders[-1]

    def file(self, rel: str) -> Path:
        """The file that ``rel`` (a path under templates/, with ``/``) is read from; the project's path when
        no folder has it, so a report of a missing file names the place to add it."""
        for folder in self.folders:
            if (folder / rel).is_file():
                return folder / rel
        return self.own / rel

    def has(self, rel: str) -> bool:
        return any((folder / rel).is_file() for folder in self.folders)

    def listing(self, folder: str) -> list[Path]:
        """The files of ``folder`` (not recursive), one per name, each from the first theme folder that has it."""
        found: dict[str, Path] = {}
        for root in self.folders:
            base = root / folder
            if base.is_dir():
                for path in base.iterdir():
                    if path.is_file():
                        found.setdefault(path.name, path)
        return [found[name] for name in sorted(found)]

    def relative(self, path: Path) -> str | None:
        """``path`` as a theme path (``print/card.html``) when it lies inside a theme folder."""
        resolved = path.resolve()
        for folder in self.folders:
            base = folder.resolve()
            if resolved.is_relative_to(base):
                return resolved.relative_to(base).as_posix()
        return None

    def resolve(self, path: Path) -> Path:
        """A file named inside any theme folder (a stylesheet's URL) as the theme reads it: project first."""
        rel = self.relative(path)
        return path if rel is None else self.file(rel)

    def catalog(self, tag: str, domain: str) -> list[Path]:
        """A locale's catalogs of ``domain`` that exist, project first (its messages override the built-in ones)."""
        return [path for folder in self.catalogs if (path := folder / tag / "LC_MESSAGES" / f"{domain}.po").is_file()]

    def overrides(self) -> list[str]:
        """Theme paths the project's templates/ holds that the built-in theme has too."""
        if len(self.folders) < 2 or not self.own.is_dir():
            return []
        return sorted(p.relative_to(self.own).as_posix() for p in self.own.rglob("*")
                      if p.is_file() and (self.builtin / p.relative_to(self.own)).is_file())

    def additions(self) -> list[str]:
        """Theme paths only the project has (a new format's template, a font)."""
        if len(self.folders) < 2 or not self.own.is_dir():
            return []
        return sorted(p.relative_to(self.own).as_posix() for p in self.own.rglob("*")
                      if p.is_file() and not any((f / p.relative_to(self.own)).is_file() for f in self.folders[1:]))


def _distinct(*folders: Path) -> tuple[Path, ...]:
    """The folders without repeats: in this repository the project is the built-in theme."""
    seen: dict[Path, Path] = {}
    for folder in folders:
        seen.setdefault(folder.resolve(), folder)
    return tuple(seen.values())
