"""A full disk, a read-only or a locked output folder: a clear message, exit status 1, nothing lost.

Real file systems, no mocks: each case runs toolbox in a mount namespace of its own
(``unshare -m``) over a small tmpfs, which is filled up, remounted read-only, or has a
folder made immutable (``chattr +i``: the tests run as root, whom permission bits do
not stop). The mounts vanish with the namespace, whatever happens to the test.
"Permission denied" is toolbox run as another user (``setpriv``) on root's folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import make_project, run_toolbox
from test_pack import _one_file_build


def _can_mount() -> str | None:
    """Why this machine cannot run these tests, or None."""
    if shutil.which("unshare") is None:
        return "no unshare command"
    probe = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c",
                            "d=$(mktemp -d) && mount -t tmpfs -o size=64k tmpfs $d && touch $d/x && chattr +i $d/x"],
                           capture_output=True, text=True)
    return None if probe.returncode == 0 else f"cannot mount a tmpfs in a mount namespace here: {probe.stderr.strip()}"


pytestmark = pytest.mark.skipif(_can_mount() is not None, reason=str(_can_mount()))


def _in_namespace(script: str, tmp: Path, **env: str) -> None:
    """Run ``script`` (sh) with $MNT a fresh tmpfs of its own; $SAVE and $PY as given."""
    mnt = tmp / "mnt"
    mnt.mkdir()
    result = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-ec", script],
                            env={**os.environ, "MNT": str(mnt), "PY": sys.executable, **env},
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not os.path.ismount(mnt)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    project = make_project(tmp_path / "p")
    assert run_toolbox("new", "demo", cwd=project).returncode == 0
    toml = project / "campaigns/demo/campaign.toml"
    toml.write_text(toml.read_text().replace('formats = ["site", "leaflet"]', 'formats = ["site"]'))
    return project


# Build once into the tmpfs, keep a copy, change the site, break the file system, build again.
BUILD_TWICE = """
mount -t tmpfs -o size=1m tmpfs "$MNT"
cd "$PROJECT"
"$PY" -m toolbox build --jobs 1 --out "$MNT/dist" > /dev/null
cp -a "$MNT/dist" "$SAVE/before"
echo "Someone lied to you about the job." > campaigns/demo/content/about.md
{break_it}
set +e
"$PY" -m toolbox build --jobs 1 --out "$MNT/dist" > "$SAVE/stdout" 2> "$SAVE/stderr"
echo $? > "$SAVE/rc"
set -e
{mend_it}
cp -a "$MNT/dist" "$SAVE/after"
"""

BREAKS = {
    "full": ("head -c 2M /dev/zero > \"$MNT/filler\" || true", "", "No space left on device; free some space"),
    "read-only": ("mount -o remount,ro \"$MNT\"", "", "Read-only file system; write elsewhere with --out"),
    "immutable": ("find \"$MNT/dist/demo\" -type d -exec chattr +i {} +", "chattr -R -i \"$MNT/dist\"",
                  "Operation not permitted; check the permissions of this file or folder"),
}


@pytest.mark.parametrize("how", sorted(BREAKS))
def test_build_on_a_broken_disk_says_so_and_keeps_the_previous_build(how: str, site: Path, tmp_path: Path) -> None:
    save = tmp_path / "save"
    save.mkdir()
    break_it, mend_it, expected = BREAKS[how]
    _in_namespace(BUILD_TWICE.format(break_it=break_it, mend_it=mend_it), tmp_path, PROJECT=str(site), SAVE=str(save))
    stderr = (save / "stderr").read_text()
    assert (save / "rc").read_text().strip() == "1", stderr
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    assert expected in stderr and f"{tmp_path / 'mnt' / 'dist'}" in stderr, stderr
    before, after = save / "before", save / "after"
    assert (after / "manifest.json").read_bytes() == (before / "manifest.json").read_bytes()
    for entry in json.loads((before / "manifest.json").read_text())["outputs"]:  # every file whole, as it was
        assert hashlib.sha256((after / entry["path"]).read_bytes()).hexdigest() == entry["sha256"], entry["path"]
    assert not list(after.rglob("*.tmp"))


PACK = """
mount -t tmpfs -o size=64k tmpfs "$MNT"
mkdir "$MNT/bundles"
cd "$SAVE"
{break_it}
set +e
"$PY" -m toolbox pack --no-catalogue --from "$BUILD" --out "$MNT/bundles" > "$SAVE/stdout" 2> "$SAVE/stderr"
echo $? > "$SAVE/rc"
set -e
ls -A "$MNT/bundles" > "$SAVE/left"
"""


@pytest.mark.parametrize("how", ["full", "read-only"])
def test_pack_on_a_broken_disk_says_so_and_writes_nothing(how: str, tmp_path: Path) -> None:
    build = _one_file_build(tmp_path / "build")
    save = tmp_path / "save"
    save.mkdir()
    _in_namespace(PACK.format(break_it=BREAKS[how][0]), tmp_path, BUILD=str(build), SAVE=str(save))
    stderr = (save / "stderr").read_text()
    assert (save / "rc").read_text().strip() == "1", stderr
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    assert BREAKS[how][2] in stderr and f"{tmp_path / 'mnt' / 'bundles'}/demo_mk_en.zip" in stderr, stderr
    assert (save / "left").read_text().split() in ([], ["filler"])  # no zip, no temporary file


@pytest.fixture
def public_tmp():
    """A folder another user can read (pytest's own is private to root)."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="toolbox-disk-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("setpriv") is None, reason="needs root and setpriv to run as another user")
def test_permission_denied_says_so(public_tmp: Path) -> None:
    """Another user's output folder: 'Permission denied', for build and pack (as nobody, whom permissions stop)."""
    as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-m", "toolbox"]
    build = _one_file_build(public_tmp / "build")
    theirs = public_tmp / "theirs"
    theirs.mkdir(mode=0o755)
    result = subprocess.run([*as_nobody, "pack", "--no-catalogue", "--from", str(build), "--out", str(theirs)],
                            capture_output=True, text=True, cwd=public_tmp)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert f"{theirs}/demo_mk_en.zip: Permission denied; check the permissions" in result.stderr, result.stderr
    assert not list(theirs.iterdir())

    project = make_project(public_tmp / "p")
    assert run_toolbox("new", "demo", cwd=project).returncode == 0
    toml = project / "campaigns/demo/campaign.toml"
    toml.write_text(toml.read_text().replace('formats = ["site", "leaflet"]', 'formats = ["site"]'))
    assert run_toolbox("build", "--jobs", "1", "--out", str(theirs / "dist"), cwd=project).returncode == 0
    manifest = (theirs / "dist/manifest.json").read_bytes()
    result = subprocess.run([*as_nobody, "build", "--jobs", "1", "--out", str(theirs / "dist")],
                            capture_output=True, text=True, cwd=project)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert f"{theirs}/dist/.toolbox.lock: Permission denied; check the permissions" in result.stderr, result.stderr
    assert (theirs / "dist/manifest.json").read_bytes() == manifest
