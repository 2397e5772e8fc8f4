"""The command line as users meet it: help, version, a new campaign that builds as it is."""

from __future__ import annotations

import json
from pathlib import Path

from pypdf import PdfReader

from conftest import make_project, run_toolbox


def test_help_and_version() -> None:
    result = run_toolbox("--help")
    assert result.returncode == 0
    for verb in ("build", "validate", "new", "i18n"):
        assert verb in result.stdout
    assert "--out" in run_toolbox("build", "--help").stdout
    version = run_toolbox("--version")
    assert version.returncode == 0 and version.stdout.startswith("toolbox, version ")


def test_new_campaign_validates_and_builds(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    created = run_toolbox("new", "jobs-2027", cwd=project)
    assert created.returncode == 0, created.stderr
    toml = (project / "campaigns/jobs-2027/campaign.toml").read_text()
    assert toml.count("#") > 10, "the scaffold should explain itself in comments"
    assert run_toolbox("validate", cwd=project).returncode == 0
    built = run_toolbox("build", "-q", cwd=project)
    assert built.returncode == 0, built.stderr
    manifest = json.loads((project / "dist/manifest.json").read_text())
    pdfs = [o for o in manifest["outputs"] if o["format"] == "leaflet"]
    assert len(pdfs) == 1 and pdfs[0]["country"] == "MK"
    assert len(PdfReader(project / "dist" / pdfs[0]["path"]).pages) == 2
    assert (project / "dist/jobs-2027/en/jobs-abroad/index.html").is_file()
    again = run_toolbox("new", "jobs-2027", cwd=project)
    assert again.returncode == 1 and "already exists" in again.stderr
    bad = run_toolbox("new", "Bad Name", cwd=project)
    assert bad.returncode == 1 and "lowercase" in bad.stderr and "Traceback" not in bad.stderr


def test_docs_key_reference_matches_the_model() -> None:
    from toolbox.campaign.schema_doc import render_into

    doc = Path(__file__).resolve().parents[1] / "docs" / "campaign-format.md"
    text = doc.read_text(encoding="utf-8")
    assert render_into(text) == text, "run: python -m toolbox.campaign.schema_doc"


def test_docs_full_example_has_no_syntax_or_key_errors(tmp_path: Path) -> None:
    from toolbox.campaign.load import load_campaign
    from toolbox.errors import Collector

    doc = (Path(__file__).resolve().parents[1] / "docs" / "campaign-format.md").read_text(encoding="utf-8")
    example = doc.split("## Full example", 1)[1].split("```toml", 1)[1].split("```", 1)[0]
    folder = tmp_path / "safe-journeys"
    folder.mkdir()
    (folder / "campaign.toml").write_text(example, encoding="utf-8")
    problems = Collector()
    assert load_campaign(folder, problems) is not None
    assert problems.problems == []
