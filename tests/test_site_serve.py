"""``toolbox serve``: builds, serves on 127.0.0.1, rebuilds on change, shows template errors in the page."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, run_toolbox


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def _version(base: str) -> int:
    return json.loads(_get(base + "__toolbox/version")[1])["version"]


def _wait_version(base: str, above: int, timeout: float = 60) -> int:
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = _version(base)
        if v > above:
            return v
        time.sleep(0.2)
    raise AssertionError(f"no rebuild within {timeout} s")


@pytest.fixture
def served(tmp_path: Path):
    """A small site-only project with its own copy of templates/, served on a free port."""
    project = tmp_path / "project"
    (project / "campaigns").mkdir(parents=True)
    shutil.copytree(ROOT / "templates", project / "templates")
    (project / "locales").symlink_to(ROOT / "locales")
    assert run_toolbox("-C", str(project), "new", "demo").returncode == 0
    toml = project / "campaigns/demo/campaign.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('formats = ["site", "leaflet"]', 'formats = ["site"]'),
                    encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "toolbox", "-C", str(project), "serve", "--port", "0", "--no-open",
                             "--out", str(out)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line.startswith("serving "):
        proc.kill()
        raise AssertionError(f"serve did not start: {line}{proc.stderr.read()}")
    base = line.split()[1]
    yield project, out, base
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError("serve did not stop on Ctrl+C")


def test_serve_binds_localhost_and_adds_reload_only_when_serving(served) -> None:
    project, out, base = served
    assert base.startswith("http://127.0.0.1:")
    status, page = _get(base + "demo/en/")
    assert status == 200
    assert "data-toolbox-serve" in page and "__toolbox/version" in page
    on_disk = (out / "demo/en/index.html").read_text(encoding="utf-8")
    assert "data-toolbox-serve" not in on_disk and "__toolbox" not in on_disk
    # The CSP allows the injected script by its hash, and nothing else is widened.
    csp = page.split('http-equiv="Content-Security-Policy" content="', 1)[1].split('"', 1)[0]
    assert csp.count("sha256-") == on_disk.count("sha256-") + 1
    assert "unsafe" not in csp
    status, missing = _get(base + "demo/en/deep/no-such-page.html")
    assert status == 404 and 'id="quick-exit"' in missing
    assert '<base href="/demo/">' in missing  # its relative links work from any depth


def test_serve_shows_template_errors_and_recovers(served) -> None:
    project, _out, base = served
    home = project / "templates/site/home.html"
    good = home.read_text(encoding="utf-8")
    before = _version(base)
    home.write_text(good.replace("{{ campaign.summary }}", "{{ campaign.sumary }}"), encoding="utf-8")
    after = _wait_version(base, before)
    status, page = _get(base + "demo/en/index.html")
    assert status == 500
    assert "templates/site/home.html:4" in page and "sumary" in page
    assert "__toolbox/version" in page  # the error page reloads itself once fixed
    assert _get(base + "__toolbox/version")[0] == 200  # the server keeps running
    home.write_text(good, encoding="utf-8")
    _wait_version(base, after)
    status, page = _get(base + "demo/en/index.html")
    assert status == 200 and 'id="quick-exit"' in page
