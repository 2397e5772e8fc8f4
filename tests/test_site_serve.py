"""``toolbox serve``: builds, serves on 127.0.0.1, rebuilds on change, shows template errors in the page."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import struct
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


@contextlib.contextmanager
def _serving(tmp_path: Path):
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
    try:
        yield project, out, base, proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise AssertionError("serve did not stop on Ctrl+C") from None


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """One server for the tests that leave the project as they found it (a start costs a build)."""
    with _serving(tmp_path_factory.mktemp("served")) as (project, out, base, _proc):
        yield project, out, base


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
    line = next(n for n, text in enumerate(good.splitlines(), 1) if "{{ campaign.summary }}" in text)
    home.write_text(good.replace("{{ campaign.summary }}", "{{ campaign.sumary }}"), encoding="utf-8")
    try:
        after = _wait_version(base, before)
        status, page = _get(base + "demo/en/index.html")
        assert status == 500
        assert f"templates/site/home.html:{line}" in page and "sumary" in page
        assert "__toolbox/version" in page  # the error page reloads itself once fixed
        assert _get(base + "__toolbox/version")[0] == 200  # the server keeps running
    finally:
        home.write_text(good, encoding="utf-8")  # the server is shared with other tests
    _wait_version(base, after)
    status, page = _get(base + "demo/en/index.html")
    assert status == 200 and 'id="quick-exit"' in page


# --- hostile clients ------------------------------------------------------------------------

def _raw(base: str, target: str, host: str | None = None, method: str = "GET") -> tuple[int, str]:
    """One request sent byte for byte as written (urllib and http.client would normalise ``..``)."""
    address = base.split("//", 1)[1].rstrip("/")
    name, port = address.rsplit(":", 1)
    with socket.create_connection((name, int(port)), timeout=10) as sock:
        sock.sendall(f"{method} {target} HTTP/1.1\r\nHost: {host or address}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body.decode("utf-8", "replace")


TRAVERSALS = [
    "/../secret.html", "/%2e%2e/secret.html", "/..%2fsecret.html", "/%2e%2e%2fsecret.html", "/..%5csecret.html",
    "/demo/../../secret.html", "/demo/%2e%2e/%2E%2E/secret.html", "/./../secret.html", "//../secret.html",
    "/../private/", "/../private", "/..", "/../", "/demo/leak.html", "/linked/", "/linked/index.html",
    "/%00/../secret.html", "http://127.0.0.1/../secret.html",
]


def test_serve_never_answers_with_a_file_outside_the_output_folder(tmp_path: Path) -> None:
    (tmp_path / "secret.html").write_text("<p>SECRET-FILE</p>", encoding="utf-8")
    (tmp_path / "404.html").write_text("<p>PARENT-404</p>", encoding="utf-8")
    (tmp_path / "private").mkdir()
    (tmp_path / "private/index.html").write_text("<p>SECRET-INDEX</p>", encoding="utf-8")
    with _serving(tmp_path) as (_project, out, base, _proc):
        # Links the designer (or anyone) put into the output folder that lead out of it.
        (out / "demo/leak.html").symlink_to(tmp_path / "secret.html")
        (out / "linked").symlink_to(tmp_path / "private", target_is_directory=True)
        assert _raw(base, "/demo/en/")[0] == 200
        for target in TRAVERSALS:
            for method in ("GET", "HEAD"):
                status, body = _raw(base, target, method=method)
                assert status in (400, 404), (target, method, status)
                assert not re.search("SECRET|PARENT-404", body), (target, method, body[:200])
        # The campaign's own 404 page still answers inside its folder.
        status, body = _raw(base, "/demo/no-such-page.html")
        assert status == 404 and 'id="quick-exit"' in body


def test_serve_refuses_other_host_names(served) -> None:
    """DNS rebinding: a page at evil.example, its name now pointing at 127.0.0.1, must not read the preview."""
    _project, _out, base = served
    port = base.rstrip("/").rsplit(":", 1)[1]
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1.evil.example:{port}", f"localhost.evil.example:{port}"):
        for target in ("/demo/en/", "/__toolbox/version", "/demo/assets/site.css"):
            status, body = _raw(base, target, host=host)
            assert status == 421, (host, target, status)
            assert "quick-exit" not in body and "version" not in body
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "127.0.0.1"):
        assert _raw(base, "/demo/en/", host=host)[0] == 200, host


def test_serve_is_quiet_when_clients_hang_up(tmp_path: Path) -> None:
    with _serving(tmp_path) as (_project, out, base, proc):
        (out / "demo/big.bin").write_bytes(os.urandom(8 << 20))
        address = base.split("//", 1)[1].rstrip("/")
        name, port = address.rsplit(":", 1)
        for _ in range(5):
            sock = socket.create_connection((name, int(port)), timeout=10)
            sock.sendall(f"GET /demo/big.bin HTTP/1.1\r\nHost: {address}\r\n\r\n".encode())
            sock.recv(1024)
            # Close with a reset (no lingering): the server's next write fails at once.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.close()
        assert _raw(base, "/demo/en/")[0] == 200  # still serving
        proc.send_signal(signal.SIGINT)
        _stdout, stderr = proc.communicate(timeout=10)
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr and "ConnectionReset" not in stderr, stderr


def test_serve_without_out_keeps_its_build_for_the_next_start(tmp_path: Path) -> None:
    """A second start renders nothing that did not change: the card (and any audio) comes from the first."""
    project = tmp_path / "project"
    (project / "campaigns").mkdir(parents=True)
    (project / "templates").symlink_to(ROOT / "templates")
    (project / "locales").symlink_to(ROOT / "locales")
    assert run_toolbox("-C", str(project), "new", "demo").returncode == 0
    toml = project / "campaigns/demo/campaign.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('formats = ["site", "leaflet"]', 'formats = ["site", "card"]'),
                    encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "TOOLBOX_CACHE"}  # where a user's cache is
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    said = []
    for _start in range(2):
        proc = subprocess.Popen([sys.executable, "-m", "toolbox", "-C", str(project), "serve", "--port", "0", "--no-open"],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        line = proc.stdout.readline()
        assert line.startswith("serving "), line + proc.stderr.read()
        assert _get(line.split()[1])[0] == 200
        proc.send_signal(signal.SIGINT)
        said.append(proc.communicate(timeout=30)[1])
    first, second = (re.search(r"built (\d+) files \((\d+) rendered\)", s) for s in said)
    assert first and second, said
    assert int(first[2]) >= 1 and int(second[2]) == 0, said
    (folder,) = (tmp_path / "cache" / "toolbox" / "serve").iterdir()
    assert folder.name.startswith("project-") and (folder / "manifest.json").is_file()
