"""Bad campaign definitions: a clear path:line message, exit status 1, no traceback.

Each case is a folder under tests/fixtures/invalid/: a campaign and an
expected.txt listing lines the error output must contain. Add a folder to add
a case.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import make_project, run_toolbox

CASES = sorted(p for p in (Path(__file__).parent / "fixtures" / "invalid").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_validate_reports_problem(case: Path, tmp_path: Path) -> None:
    project = make_project(tmp_path, case)
    result = run_toolbox("validate", cwd=project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
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
