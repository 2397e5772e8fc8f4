"""Input the toolbox must survive: markup from outside, files outside the project,
huge files, Ctrl+C, two builds at once. See docs/security.md."""

from __future__ import annotations

import hashlib
import html.parser
import http.server
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT, make_project, run_toolbox
from toolbox.theme import Theme

PAYLOADS = [
    "<script>alert('md')</script>",
    "<img src=\"https://tracker.example.net/pixel.png\" onerror=\"alert('img')\">",
    "![cover](https://tracker.example.net/remote.png)",
    "<iframe src=\"https://evil.example.net/\"></iframe>",
    "<style>body { display: none }</style>",
    "<a href=\"https://ok.example.org\" onclick=\"alert('click')\">click</a>",
    "[call us](javascript:alert('link'))",
    "<svg onload=\"alert('svg')\"><circle r=\"1\"/></svg>",
    "<object data=\"https://evil.example.net/x.swf\"></object>",
    "<span style=\"color:red\" onmouseover=\"alert('span')\">hover</span>",
]
#: What must not survive into any output.
FORBIDDEN = re.compile(r"alert\(|tracker\.example|evil\.example|<iframe|<object|onclick|onerror|onload|onmouseover|javascript:",
                       re.I)


def _hashes(out: Path) -> dict[str, str]:
    return {o["path"]: o["sha256"] for o in json.loads((out / "manifest.json").read_text())["outputs"]}


def _consistent(out: Path) -> None:
    """Every file the manifest lists is on disk with its recorded hash; no temporary file is left."""
    for rel, digest in _hashes(out).items():
        assert hashlib.sha256((out / rel).read_bytes()).hexdigest() == digest, rel
    assert not list(out.rglob(".*.tmp"))


def _site_project(tmp: Path, about: str = "Someone deceived you.", leaflet: bool = False, own_locales: bool = False) -> Path:
    project = make_project(tmp, own_locales=own_locales)
    assert run_toolbox("new", "jobs", cwd=project).returncode == 0
    toml = project / "campaigns/jobs/campaign.toml"
    # With print files, a build takes seconds (a few PDFs, one after the other with --jobs 1).
    formats = '["site", "leaflet", "card", "poster"]' if leaflet else '["site"]'
    toml.write_text(toml.read_text().replace('formats = ["site", "leaflet"]', f"formats = {formats}"))
    (project / "campaigns/jobs/content/about.md").write_text(about, encoding="utf-8")
    return project


# --- markup from outside ---------------------------------------------------------------------

def test_raw_html_in_markdown_never_reaches_the_microsite(tmp_path: Path) -> None:
    about = "\n\n".join(["Someone deceived you. It is not your fault."] + PAYLOADS) + "\n"
    project = _site_project(tmp_path, about)
    result = run_toolbox("build", "--jobs", "1", cwd=project)
    assert result.returncode == 0, result.stderr
    page = (project / "dist/jobs/en/jobs-abroad/index.html").read_text(encoding="utf-8")
    assert "Someone deceived you." in page and ">click</a>" in page and ">hover</span>" in page
    for path in (project / "dist").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not FORBIDDEN.search(text), (path, FORBIDDEN.search(text))
        # The only scripts are the toolbox's own inline ones (quick exit), no <style> from content.
        assert "display: none" not in text


class _Tags(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def test_translations_are_sanitised_too() -> None:
    """A translation that slipped past the .po checks is still cleaned when rendered."""
    from toolbox.i18n.segments import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_blocks, split_blocks

    blocks = split_blocks("First paragraph.\n\n- an item\n\n# A heading\n")
    for payload in PAYLOADS:
        out = str(render_blocks(blocks, lambda msgid, payload=payload: (payload, "sq", "ltr"), "sq"))
        assert not FORBIDDEN.search(out), (payload, out)
        parser = _Tags()
        parser.feed(out)
        for tag, attrs in parser.found:
            assert tag in ALLOWED_TAGS | {"p", "ul", "li", "h3"}, (payload, out)
            assert set(attrs) <= ALLOWED_ATTRIBUTES.get(tag, set()) | {"lang", "dir", "rel"}, (payload, out)


def test_templates_escape_everything_and_never_use_safe(tmp_path: Path) -> None:
    from toolbox.render.templates import environment

    env = environment(Theme.of(ROOT))
    for name in ("x.html", "x.css", "x.txt", "x.js"):
        assert env.from_string("{{ v }}").render(v="<script>") == "&lt;script&gt;", name
        assert env.autoescape is True or env.autoescape(name)
    for path in (ROOT / "templates").rglob("*"):
        if path.suffix in (".html", ".svg", ".xml", ".css", ".js"):
            assert not re.search(r"\|\s*safe\b|autoescape\s+false", path.read_text(encoding="utf-8")), path


# --- nothing read from outside the project ---------------------------------------------------

class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):
        _Recorder.requests.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


def _png(path: Path) -> Path:
    from PIL import Image

    Image.new("RGB", (8, 8), (200, 30, 30)).save(path)
    return path


def test_weasyprint_reads_only_files_inside_the_project(tmp_path: Path) -> None:
    """A template (or anything that reaches the HTML) naming an outside file or a URL loads nothing."""
    from pypdf import PdfReader

    from toolbox.render.pdf import render_pdf

    project = tmp_path / "project"
    project.mkdir()
    inside = _png(project / "inside.png")
    outside = _png(tmp_path / "outside.png")
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    remote = f"http://127.0.0.1:{server.server_port}"
    try:
        def images(body: str) -> tuple[int, list[str]]:
            result = render_pdf(f"<html><body>{body}</body></html>", project, [project])
            return sum(len(p.images) for p in PdfReader(__import__("io").BytesIO(result.data)).pages), result.warnings

        assert images(f'<img src="{inside.as_uri()}">')[0] == 1  # the control: inside the project it works
        count, warnings = images(f'<img src="{outside.as_uri()}"><img src="../outside.png">'
                                 f'<img src="{remote}/pixel.png"><link rel="stylesheet" href="{remote}/x.css">'
                                 f'<style>@import url("{remote}/y.css"); '
                                 f'body {{ background: url("{outside.as_uri()}") }}</style>')
        assert count == 0
        assert _Recorder.requests == []
        assert any("outside.png" in w for w in warnings), warnings
    finally:
        server.shutdown()


# --- resource limits -------------------------------------------------------------------------

def _validate_fails_fast(project: Path, expected: str) -> str:
    started = time.monotonic()
    result = run_toolbox("validate", cwd=project, timeout=60)
    assert time.monotonic() - started < 30
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert expected in result.stderr, result.stderr
    return result.stderr


def test_huge_markdown_file(tmp_path: Path) -> None:
    project = _site_project(tmp_path, "Someone deceived you. " * 20_000)
    _validate_fails_fast(project, "campaigns/jobs/content/about.md: this Markdown file is 440 kB, over the limit of 100 kB")


def test_overlong_paragraph_names_its_line(tmp_path: Path) -> None:
    project = _site_project(tmp_path, "# Title\n\n" + "word " * 1500 + "\n")
    _validate_fails_fast(project, "campaigns/jobs/content/about.md:3: this paragraph is 7499 characters long, over the limit of "
                                  "5000")


def test_translation_thousands_of_lines_long(tmp_path: Path) -> None:
    project = _site_project(tmp_path, own_locales=True)
    toml = project / "campaigns/jobs/campaign.toml"
    toml.write_text(toml.read_text().replace('locales = ["en"]', 'locales = ["en", "sq"]'))
    po = project / "locales/sq/LC_MESSAGES/jobs.po"
    lines = "\n".join(f'"line {i} of a translation that never ends\\n"' for i in range(4000))
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  f'msgid "SOS line"\nmsgstr ""\n{lines}\n', encoding="utf-8")
    _validate_fails_fast(project, "locales/sq/LC_MESSAGES/jobs.po:5: this entry has a text of")
    po.write_text("# padding\n" * 250_000, encoding="utf-8")
    _validate_fails_fast(project, "locales/sq/LC_MESSAGES/jobs.po: this .po file is 2.5 MB, over the limit of 2.0 MB")


def test_decompression_bomb_is_refused_before_decoding(tmp_path: Path) -> None:
    import struct
    import zlib

    from toolbox.campaign.limits import image_problem

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    bomb = tmp_path / "bomb.png"  # 100 000 × 100 000 pixels (30 GB decoded) in 70 bytes
    bomb.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(b"\0" * 100)) + chunk(b"IEND", b""))
    started = time.monotonic()
    assert "could exhaust memory" in image_problem(bomb)
    truncated = tmp_path / "truncated.png"
    whole = _png(tmp_path / "whole.png").read_bytes()
    truncated.write_bytes(whole[: len(whole) - 20])
    assert "damaged" in image_problem(truncated)
    assert image_problem(tmp_path / "whole.png") is None
    assert time.monotonic() - started < 5


# --- interrupted and concurrent builds -------------------------------------------------------

def _start_build(out: Path, cwd: Path, *extra: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "toolbox", "build", "--out", str(out), "-v", *extra],
                            cwd=cwd, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def _wait_for_renders(proc: subprocess.Popen, count: int) -> list[str]:
    seen: list[str] = []
    deadline = time.monotonic() + 120
    while sum(line.startswith("render ") for line in seen) < count and time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        seen.append(line)
    return seen


def test_ctrl_c_exits_cleanly_and_keeps_previous_output(sample_build: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    shutil.copytree(sample_build, out)
    manifest_before = (out / "manifest.json").read_bytes()
    # A new date changes every PDF, so the interrupted build is really replacing files.
    # Two worker processes whatever the machine, and Ctrl+C only once their results come back:
    # the workers are running, busy or idle, when it arrives (either way, they must stay quiet).
    proc = _start_build(out, ROOT, "--jobs", "2", env={"SOURCE_DATE_EPOCH": "1767225600"})
    seen = _wait_for_renders(proc, 4)
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl+C: the whole process group, workers too
    rest = proc.stderr.read()
    proc.wait(timeout=60)
    assert sum(line.startswith("render ") for line in seen) >= 4, "the build ended before it could be interrupted"
    assert proc.returncode == 130
    assert "interrupted: no file was left half-written" in rest
    assert "Traceback" not in rest
    assert (out / "manifest.json").read_bytes() == manifest_before
    from pypdf import PdfReader

    for rel in _hashes(out):
        if rel.endswith(".pdf"):
            assert len(PdfReader(out / rel).pages) >= 1  # old or new, always whole
    assert not list(out.rglob(".*.tmp"))


def test_workers_never_get_ctrl_c() -> None:
    """Ctrl+C goes to the whole process group; a worker that took it would print its own traceback."""
    from toolbox.project import Project
    from toolbox.render.print import PrintOptions
    from toolbox.schedule import Workers

    with Workers(Project(ROOT), [], 2, PrintOptions(), "none") as workers:
        pool = workers._parallel(2)
        assert set(pool.map(signal.getsignal, [signal.SIGINT] * 4)) == {signal.SIG_IGN}
        for pid in list(pool._processes):
            os.kill(pid, signal.SIGINT)
        # A worker ended by the signal would break the pool: this map would raise BrokenProcessPool.
        assert list(pool.map(os.readlink, ["/proc/self"] * 4))
        assert all(p.is_alive() for p in pool._processes.values())


def test_two_builds_into_one_folder_wait_for_each_other(tmp_path: Path) -> None:
    project = _site_project(tmp_path, leaflet=True)
    out = project / "dist"
    first = _start_build(out, project, "--jobs", "1")
    _wait_for_renders(first, 1)  # the first build holds the output folder now
    second = _start_build(out, project, "--jobs", "1", "--force")
    first_err = first.stderr.read()
    second_err = second.stderr.read()
    assert first.wait(timeout=120) == 0, first_err
    assert second.wait(timeout=120) == 0, second_err
    assert "another build is writing to" in second_err
    _consistent(out)
    assert any(p.endswith("-leaflet.pdf") for p in _hashes(out))


def test_a_killed_build_does_not_leave_the_folder_locked(tmp_path: Path) -> None:
    project = _site_project(tmp_path, leaflet=True)
    out = project / "dist"
    first = _start_build(out, project, "--jobs", "1")
    _wait_for_renders(first, 1)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    result = run_toolbox("build", "--jobs", "1", "--out", str(out), cwd=project, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "another build is writing" not in result.stderr
    _consistent(out)


@pytest.mark.parametrize("entry", ["../../escaped.txt", "/tmp/escaped.txt"])
def test_merge_never_writes_outside_the_output_folder(tmp_path: Path, entry: str) -> None:
    from toolbox.errors import ToolboxError
    from toolbox.write import gather_shards

    shard = tmp_path / "shard"
    shard.mkdir()
    (shard / "manifest.json").write_text(json.dumps({"outputs": [{"path": entry, "sha256": "0" * 64}]}))
    with pytest.raises(ToolboxError, match="is not a file inside the shard folder"):
        gather_shards([shard], tmp_path / "out" / "dist")
    assert not (tmp_path / "escaped.txt").exists() and not Path("/tmp/escaped.txt").exists()


@pytest.mark.parametrize("state", ['{"outputs": 5}', '{"outputs": {"a.pdf": [1]}}', "[" * 100_000, "\udcff"])
def test_merge_sets_a_damaged_shard_state_aside(tmp_path: Path, state: str) -> None:
    from toolbox.write import gather_shards

    shard = tmp_path / "shard"
    (shard / "x").mkdir(parents=True)
    (shard / "x/a.pdf").write_bytes(b"pdf")
    entry = {"path": "x/a.pdf", "format": "leaflet", "bytes": 3, "sha256": hashlib.sha256(b"pdf").hexdigest()}
    (shard / "manifest.json").write_text(json.dumps({"outputs": [entry], "shard": "1/2"}))
    (shard / ".toolbox-state.json").write_bytes(state.encode("utf-8", "surrogateescape"))
    assert gather_shards([shard], tmp_path / "out") == 1
    assert (tmp_path / "out/x/a.pdf").read_bytes() == b"pdf"


def test_locale_arguments_are_never_paths(tmp_path: Path) -> None:
    project = _site_project(tmp_path, own_locales=True)
    for command in ("init", "update", "status"):
        result = run_toolbox("i18n", command, "../../escaped", cwd=project)
        assert result.returncode == 1, result.stderr
        assert re.search(r"'\.\./\.\./escaped'(: | is not a locale tag)|unknown locale '\.\./\.\./escaped'",
                         result.stderr), result.stderr
    assert not (tmp_path.parent / "escaped").exists() and not list(tmp_path.rglob("escaped*"))
