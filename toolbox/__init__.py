"""toolbox: campaign definitions in, localized leaflets and microsites out.

The public Python API (docs/architecture.md, "Using toolbox from Python")::

    from toolbox import BuildOptions, Project, build

    report = build(Project(Path("my-project")), Path("dist"), BuildOptions(jobs=2, previews="first"))

Names are imported on first use, so ``toolbox --help`` does not load the renderer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["build", "validate", "pack", "merge", "Project", "BuildOptions", "BuildReport", "BuildFailed",
           "Problem", "ToolboxError", "Shard", "__version__"]

#: Public name → the module that defines it.
_PUBLIC = {
    "build": "toolbox.pipeline",
    "validate": "toolbox.pipeline",
    "merge": "toolbox.pipeline",
    "pack": "toolbox.outreach.pack",
    "Project": "toolbox.project",
    "BuildOptions": "toolbox.options",
    "Shard": "toolbox.options",
    "BuildReport": "toolbox.report",
    "BuildFailed": "toolbox.report",
    "Problem": "toolbox.errors",
    "ToolboxError": "toolbox.errors",
}

if TYPE_CHECKING:
    from .errors import Problem, ToolboxError
    from .options import BuildOptions, Shard
    from .outreach.pack import pack
    from .pipeline import build, merge, validate
    from .project import Project
    from .report import BuildFailed, BuildReport


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'toolbox' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
