"""A rebuild with nothing to do is answered from the last build's record (toolbox/noop.py).

The real command on a small project (one card and its microsite): a no-op is
answered without building, and each kind of change — an input edited to the same
size, a file added to the theme, an output touched, another option, a damaged
record — builds again. The record's own rules (a racy input, a stat change with
the same time) are checked on the module with a folder of plain files.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

from conftest import copy_demo, make_project, run_toolbox
from toolbox import noop
from toolbox.report import BuildReport

ANSWERED = "nothing changed since the last build"


def _build(project: Path, *args: str) -> tuple[str, str]:
    result = run_toolbox("-vv", "build", "--jobs", "1", "--previews", "none", *args, cwd=project)
    assert result.returncode == 0, result.stderr
    return result.stdout, result.stderr


def _summary(stdout: str) -> str:
    line = next(line for line in stdout.splitlines() if line.startswith("built "))
    return re.sub(r" in [\d.]+ s;", " in … s;", line)


def _rendered(stdout: str) -> tuple[int, int]:
    found = re.search(r"(\d+) rendered, (\d+) reused", _summary(stdout))
    assert found, stdout
    return int(found.group(1)), int(found.group(2))


def _settle(project: Path, *args: str) -> tuple[str, str]:
    """Build until the build leaves a record (a file changed in the last second leaves none), then once more."""
    for _ in range(3):
        stdout, stderr = _build(project, *args)
        if ANSWERED in stderr:
            return stdout, stderr
        time.sleep(1.1)
    raise AssertionError(f"no build was answered from a record:\n{stderr}")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    root = make_project(tmp_path_factory.mktemp("noop"))
    copy_demo(root, edit=lambda text: text.replace('formats = ["leaflet", "poster", "card", "factsheet"]',
                                                   'formats = ["site", "card"]'))
    return root


def test_a_no_op_is_answered_from_the_record_and_any_change_builds_again(project: Path) -> None:
    first, _ = _build(project)
    made, _ = _rendered(first)
    assert made >= 2  # the card, the print guide, share images
    answered, stderr = _settle(project)
    assert _rendered(answered) == (0, made)
    assert re.search(rf"{ANSWERED} into .*dist \(\d+ files compared with its record\)", stderr)

    # An input edited to the same size (a letter for a letter): its time and inode tell.
    about = project / "campaigns" / "print-demo" / "content" / "about.md"
    text = about.read_text(encoding="utf-8")
    about.write_text(text.replace("a", "e", 1), encoding="utf-8")
    stdout, stderr = _build(project)
    assert "building: an input or the request changed" in stderr and ANSWERED not in stderr
    assert _rendered(stdout)[0] >= 1
    _settle(project)

    # A file added anywhere in the project is an input too (templates/ here is the repository's own, linked:
    # never write there).
    (project / "brand").mkdir(exist_ok=True)
    (project / "brand" / "logo-draft.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>\n", encoding="utf-8")
    _, stderr = _build(project)
    assert "building: an input or the request changed" in stderr
    _settle(project)

    # An output changed or removed in the output folder: built again.
    card = next((project / "dist").rglob("*-card.pdf"))
    card.unlink()
    stdout, stderr = _build(project)
    assert "building: an output changed" in stderr and card.is_file()
    assert _rendered(stdout)[0] == 1
    _settle(project)

    # Another request: the record answers only the options it was made with.
    _, stderr = _build(project, "--page-budget", "100")
    assert "building: an input or the request changed" in stderr
    _settle(project)

    # A damaged record is no record.
    record = noop.look(project, project / "dist", {}).record
    assert record.is_file()
    record.write_text("{not json", encoding="utf-8")
    _, stderr = _build(project)
    assert "building: no record of the last build" in stderr
    # --force builds, and leaves a record.
    _settle(project)
    _, stderr = _build(project, "--force")
    assert ANSWERED not in stderr
    _, stderr = _build(project)
    assert ANSWERED in stderr


def test_warnings_of_the_last_build_are_said_again(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    copy_demo(root, edit=lambda text: text.replace('formats = ["leaflet", "poster", "card", "factsheet"]',
                                                   'formats = ["site", "card"]').replace(
        'base_url = "https://print-demo.example.org"\n', ""))  # no base_url: a warning, every build
    built, built_err = _build(root)
    answered, answered_err = _settle(root)
    warnings = [line for line in built_err.splitlines() if ": warning: " in line]
    assert warnings and warnings == [line for line in answered_err.splitlines() if ": warning: " in line]
    assert f"{len(warnings)} warnings" in _summary(answered)


# ---------------------------------------------------------------- the record's rules, on plain files


def _folder(tmp: Path) -> tuple[Path, Path]:
    root, out = tmp / "project", tmp / "project" / "dist"
    (root / "campaigns").mkdir(parents=True)
    (root / "campaigns" / "a.toml").write_text("one\n", encoding="utf-8")
    out.mkdir()
    (out / "x.pdf").write_bytes(b"pdf")
    state = {"version": 1, "outputs": {"x": {"key": "k", "entries": [{"path": "x.pdf"}]}}}
    (out / ".toolbox-state.json").write_text(json.dumps(state), encoding="utf-8")
    return root, out


def test_a_racy_input_leaves_no_record_and_a_settled_one_does(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TOOLBOX_CACHE", str(tmp_path / "cache"))
    root, out = _folder(tmp_path)
    report = BuildReport(out, campaigns=["a"], outputs=1, rendered=1)
    noop.look(root, out, {}).remember(report, root, {})  # a.toml was written this very second
    assert noop.look(root, out, {}).report is None
    monkeypatch.setattr(noop, "RACY_NS", 0)
    noop.look(root, out, {}).remember(report, root, {})
    again = noop.look(root, out, {})
    assert again.report is not None and (again.report.rendered, again.report.reused) == (0, 1)
    assert noop.look(root, out, {"strict": True}).report is None  # another request


def test_an_edit_that_keeps_size_and_time_is_still_seen(tmp_path: Path, monkeypatch) -> None:
    """An editor that restores the time (or an edit in the same clock tick): the inode or ctime changes."""
    monkeypatch.setenv("TOOLBOX_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(noop, "RACY_NS", 0)
    root, out = _folder(tmp_path)
    noop.look(root, out, {}).remember(BuildReport(out, outputs=1), root, {})
    assert noop.look(root, out, {}).report is not None
    source = root / "campaigns" / "a.toml"
    before = source.stat()
    time.sleep(0.01)
    replacement = source.with_name("a.toml.new")
    replacement.write_text("two\n", encoding="utf-8")
    os.utime(replacement, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(replacement, source)  # as editors save: a new file in its place
    assert source.stat().st_size == before.st_size and source.stat().st_mtime_ns == before.st_mtime_ns
    assert noop.look(root, out, {}).report is None


def test_an_output_folder_holding_the_project_is_never_answered(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TOOLBOX_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(noop, "RACY_NS", 0)
    root, _ = _folder(tmp_path)
    found = noop.look(root, root, {})
    assert found.inputs is None and found.report is None
