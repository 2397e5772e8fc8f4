"""A build killed mid-render loses nothing: old files stay whole, the next build recovers."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from pypdf import PdfReader

from conftest import ROOT, run_toolbox


def _hashes(out: Path) -> dict[str, str]:
    return {o["path"]: o["sha256"] for o in json.loads((out / "manifest.json").read_text())["outputs"]}


def test_killed_build_leaves_previous_output_intact(sample_build: Path, tmp_path: Path) -> None:
    import hashlib

    out = tmp_path / "dist"
    shutil.copytree(sample_build, out)
    before = _hashes(out)
    manifest_before = (out / "manifest.json").read_bytes()
    # A new date changes every PDF, so the killed build is really replacing files.
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    proc = subprocess.Popen([sys.executable, "-m", "toolbox", "build", "--out", str(out), "-v"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    # Wait until it has rendered a few outputs, then kill it without warning.
    rendered = 0
    deadline = time.monotonic() + 120
    while rendered < 4 and time.monotonic() < deadline:
        line = proc.stderr.readline()
        rendered += line.startswith("render ")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert rendered >= 4, "the build finished or failed before it could be interrupted"

    assert (out / "manifest.json").read_bytes() == manifest_before
    replaced = 0
    for rel, digest in before.items():
        data = (out / rel).read_bytes()
        if hashlib.sha256(data).hexdigest() != digest:
            replaced += 1
            assert rel.endswith(".pdf")
            assert len(PdfReader(out / rel).pages) == 2  # a whole new file, not half of one
    assert replaced >= 1

    result = run_toolbox("build", "--out", str(out), env={"SOURCE_DATE_EPOCH": "1767225600"})
    assert result.returncode == 0, result.stderr
    assert not list(out.rglob(".*.tmp"))
    for rel, digest in _hashes(out).items():
        assert hashlib.sha256((out / rel).read_bytes()).hexdigest() == digest
