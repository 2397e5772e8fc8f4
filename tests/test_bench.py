"""bench/bench.py keeps working as the toolbox changes: its raw-WeasyPrint baseline renders a small project.

The benchmark itself is not run here (it takes minutes to hours); this catches the
baseline falling behind the toolbox's API, as it once did unnoticed.
"""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import ROOT, run_toolbox


def test_the_raw_baseline_renders_every_print_document_of_a_project_without_templates(tmp_path: Path) -> None:
    project = tmp_path / "p"
    (project / "campaigns").mkdir(parents=True)  # the built-in theme only, as an NGO's project
    assert run_toolbox("new", "jobs", cwd=project).returncode == 0
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import bench
    finally:
        sys.path.remove(str(ROOT / "bench"))
    seconds, documents = bench.raw_weasyprint(project)
    assert documents == 4 and seconds > 0  # leaflet, two share images, print guide
    assert bench.programme_pairs(0.01) and set(bench.print_formats()) >= {"leaflet", "card", "poster"}
