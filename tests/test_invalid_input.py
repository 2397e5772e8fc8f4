"""Bad input: a clear path:line message, exit status 1, no traceback.

Each case is a folder under tests/fixtures/invalid/, copied into a throwaway
project as the campaign campaigns/<case>/ (symbolic links kept as links):

- ``campaign.toml`` and the files it names;
- ``expected.txt``: lines the error output must contain (a line starting with
  ``campaign.toml`` is looked for as ``campaigns/<case>/campaign.toml``);
- ``project/`` (optional): files laid over the project root, e.g. a broken
  ``project/templates/site/home.html`` or ``project/locales/sq/LC_MESSAGES/<case>.po``
  (the project then gets its own copy of templates/ or locales/ first);
- ``command.txt`` (optional): the command to run instead of ``validate``, e.g.
  ``build --jobs 1 --out dist`` for errors that show only when rendering.

Add a folder to add a case.
"""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, make_project, run_toolbox

CASES = sorted(p for p in (Path(__file__).parent / "fixtures" / "invalid").iterdir() if p.is_dir())
_NOT_CAMPAIGN = ("project", "expected.txt", "command.txt")


def case_project(case: Path, tmp: Path) -> Path:
    """A throwaway project holding the case's campaign and its overlay files."""
    overlay = case / "project"
    for folder in ("templates", "locales"):
        if (overlay / folder).is_dir():
            shutil.copytree(ROOT / folder, tmp / folder)
    project = make_project(tmp)
    shutil.copytree(case, project / "campaigns" / case.name, symlinks=True,
                    ignore=lambda d, names: [n for n in names if Path(d) == case and n in _NOT_CAMPAIGN])
    if overlay.is_dir():
        shutil.copytree(overlay, project, dirs_exist_ok=True)
    return project


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_reports_problem(case: Path, tmp_path: Path) -> None:
    project = case_project(case, tmp_path)
    command = case / "command.txt"
    args = shlex.split(command.read_text(encoding="utf-8")) if command.is_file() else ["validate"]
    result = run_toolbox(*args, cwd=project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    for expected in (case / "expected.txt").read_text(encoding="utf-8").splitlines():
        if expected.strip():
            assert f"campaigns/{case.name}/{expected}" in result.stderr or expected in result.stderr, (
                f"expected {expected!r} in:\n{result.stderr}"
            )


def test_build_refuses_invalid_input_and_keeps_previous_output(tmp_path: Path) -> None:
    project = make_project(tmp_path, Path(__file__).parent / "fixtures" / "invalid" / "unknown-key")
    out = tmp_path / "dist"
    out.mkdir()
    (out / "manifest.json").write_text('{"outputs": []}\n')
    result = run_toolbox("build", "--out", str(out), cwd=project)
    assert result.returncode == 1
    assert "unknown key 'locale'" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json"]
    assert (out / "manifest.json").read_text() == '{"outputs": []}\n'


def test_no_campaigns_is_a_clear_error(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    result = run_toolbox("validate", cwd=project)
    assert result.returncode == 1
    assert "no campaigns found; create one with 'toolbox new CAMPAIGN-ID'" in result.stderr


def test_unknown_campaign_named_on_command_line(tmp_path: Path) -> None:
    project = make_project(tmp_path, Path(__file__).parent / "fixtures" / "invalid" / "unknown-key")
    result = run_toolbox("validate", "nope", cwd=project)
    assert result.returncode == 1
    assert "no campaign 'nope'" in result.stderr
