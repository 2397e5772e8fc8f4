"""``toolbox serve``: a preview server for designers.

Builds into a temporary folder, serves it on 127.0.0.1, watches campaigns/,
templates/ and locales/ (by polling: standard library only), rebuilds when a
file changes and reloads the open browser page. A build error (a template
error with its file and line, an invalid definition) is shown in the browser
page instead of the site, and the server keeps running.

The live-reload script is added to pages as they are served, never written
to the built files: the output folder holds exactly what ``toolbox build``
writes.
"""

from __future__ import annotations

import base64
import hashlib
import html
import http.server
import json
import logging
import re
import shutil
import socket
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from .build import build
from .schedule import default_jobs
from .errors import ToolboxError
from .project import Project

log = logging.getLogger("toolbox")

WATCHED = ("campaigns", "templates", "locales")
VERSION_PATH = "/__toolbox/version"
POLL_SECONDS = 0.5

#: Polls the version endpoint; reloads the page when a new build (or a new error) is ready.
RELOAD_SCRIPT = """(function () {
  var seen = %s;
  function poll() {
    fetch("%s", { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (v) {
      if (v.version !== seen) { location.reload(); } else { setTimeout(poll, 700); }
    }).catch(function () { setTimeout(poll, 2000); });
  }
  setTimeout(poll, 700);
})();"""


def _hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


@dataclass
class State:
    """What the server shows: the latest build's version and, if it failed, why."""

    version: int = 0
    error: str = ""  # plain text: problems as path:line: message, or an internal error
    building: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)


def snapshot(root: Path) -> dict[str, float]:
    """Modification time and size of every file under the watched folders."""
    files: dict[str, float] = {}
    for name in WATCHED:
        folder = root / name
        if not folder.is_dir():
            continue
        for path in folder.rglob("*"):
            if path.is_file() and not path.name.startswith(".") and not path.name.endswith("~"):
                try:
                    st = path.stat()
                except OSError:
                    continue
                files[str(path.relative_to(root))] = st.st_mtime_ns + st.st_size * 1e-3
    return files


def changed(before: dict[str, float], after: dict[str, float]) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


class Preview:
    def __init__(self, project: Project, out: Path, campaigns: list[str] | None = None, say=None) -> None:
        self.say = say or (lambda message: log.info("%s", message))
        self.project = project
        self.out = out
        self.campaigns = campaigns
        self.state = State()

    def rebuild(self) -> None:
        started = time.perf_counter()
        self.state.building = True
        error = ""
        try:
            # Incremental: only outputs whose inputs changed are rendered again.
            report = build(self.project, self.out, self.campaigns, page_budget=None, jobs=default_jobs())
            for warning in report.warnings:
                self.say(str(warning))
            self.say(f"built {report.outputs} files in {time.perf_counter() - started:.1f} s")
        except ToolboxError as exc:
            error = "\n".join(str(p) for p in exc.problems)
            self.say(error)
        except Exception:  # noqa: BLE001 - a bug of ours must not stop the server; show it in the page
            error = "toolbox: internal error (please report it)\n\n" + traceback.format_exc()
            self.say(error)
        with self.state.lock:
            self.state.error = error
            self.state.version += 1
            self.state.building = False

    def watch(self, stop: threading.Event) -> None:
        before = snapshot(self.project.root)
        while not stop.wait(POLL_SECONDS):
            after = snapshot(self.project.root)
            paths = changed(before, after)
            if not paths:
                continue
            # Let an editor finish writing (several files saved at once).
            time.sleep(0.2)
            after = snapshot(self.project.root)
            paths = changed(before, after)
            before = after
            self.say("changed: " + ", ".join(paths[:5]) + (" …" if len(paths) > 5 else "") + "; rebuilding")
            self.rebuild()

    def handler(self):
        preview = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(preview.out), **kwargs)

            def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
                log.debug("%s - %s", self.address_string(), format % args)

            def end_headers(self) -> None:
                self.send_header("Cache-Control", "no-store")
                self.send_header("Referrer-Policy", "no-referrer")
                super().end_headers()

            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                path = unquote(urlparse(self.path).path)
                with preview.state.lock:
                    version, error = preview.state.version, preview.state.error
                if path == VERSION_PATH:
                    return self._send(200, "application/json", json.dumps({"version": version}).encode())
                if error and (path.endswith((".html", "/")) or "." not in path.rsplit("/", 1)[-1]):
                    return self._send(500, "text/html; charset=utf-8", error_page(error, version).encode("utf-8"))
                target = preview.out / path.lstrip("/")
                if target.is_dir():
                    if not path.endswith("/"):
                        self.send_response(301)
                        self.send_header("Location", path + "/")
                        self.end_headers()
                        return None
                    target = target / "index.html"
                if target.suffix == ".html" and target.is_file():
                    return self._send(200, "text/html; charset=utf-8", inject(target.read_text(encoding="utf-8"), version))
                if not target.exists():
                    return self._not_found(path, version)
                return super().do_GET()

            def _not_found(self, path: str, version: int) -> None:
                campaign = path.strip("/").split("/", 1)[0]
                page = preview.out / campaign / "404.html"
                if campaign and page.is_file():
                    # The 404 page links relatively from the campaign's folder: anchor it there.
                    html_text = page.read_text(encoding="utf-8").replace("base-uri 'none'", "base-uri 'self'", 1)
                    html_text = html_text.replace("<head>", f'<head>\n<base href="/{campaign}/">', 1)
                    return self._send(404, "text/html; charset=utf-8", inject(html_text, version))
                self.send_error(404)
                return None

            def _send(self, status: int, ctype: str, body: bytes | str) -> None:
                data = body.encode("utf-8") if isinstance(body, str) else body
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler


def reload_script(version: int) -> str:
    return RELOAD_SCRIPT % (version, VERSION_PATH)


_CSP = re.compile(r'(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(")')


def inject(page: str, version: int) -> bytes:
    """A built page as served in preview: plus the live-reload script, its hash allowed by the CSP."""
    script = reload_script(version)

    def widen(match: re.Match) -> str:
        policy = match.group(2).replace("&#39;", "'")
        policy = re.sub(r"script-src ", f"script-src {_hash(script)} ", policy, count=1)
        policy = policy.replace("default-src 'none';", "default-src 'none'; connect-src 'self';", 1)
        return match.group(1) + policy.replace("&", "&amp;").replace("\"", "&quot;") + match.group(3)

    page = _CSP.sub(widen, page, count=1)
    tag = f'<script data-toolbox-serve>{script}</script>\n'
    page = page.replace("</body>", tag + "</body>", 1) if "</body>" in page else page + tag
    return page.encode("utf-8")


def error_page(error: str, version: int) -> str:
    script = reload_script(version)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; connect-src 'self'; "
        f"style-src 'unsafe-inline'; script-src {html.escape(_hash(script))}\">"
        "<title>Build error — toolbox serve</title>"
        "<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem;color:#1a1a2e}"
        "pre{white-space:pre-wrap;background:#fdecea;border-inline-start:6px solid #b3261e;padding:1rem;font-size:15px}</style>"
        "</head><body><main><h1>The build failed</h1>"
        "<p>Fix the problem below and save: this page reloads by itself. The server keeps running.</p>"
        f"<pre>{html.escape(error)}</pre></main>"
        f"<script data-toolbox-serve>{script}</script></body></html>\n"
    )


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


class _Server6(_Server):
    address_family = socket.AF_INET6


def serve(project: Project, host: str = "127.0.0.1", port: int = 8000, open_browser: bool = True,
          campaigns: list[str] | None = None, out: Path | None = None, ready=None, say=None) -> None:
    """Build, serve and watch until interrupted. ``ready(url)`` is called once the server listens."""
    temporary = out is None
    folder = Path(tempfile.mkdtemp(prefix="toolbox-serve-")) if temporary else out
    preview = Preview(project, folder, campaigns, say)
    stop = threading.Event()
    server = None
    try:
        # Listen first (a busy port fails at once), build before answering requests.
        server = (_Server6 if ":" in host else _Server)((host, port), preview.handler())
        preview.rebuild()
        address = f"http://{host if ':' not in host else '[' + host + ']'}:{server.server_address[1]}/"
        threading.Thread(target=preview.watch, args=(stop,), daemon=True, name="toolbox-watch").start()
        if ready:
            ready(address)
        if open_browser:
            import webbrowser

            webbrowser.open(address)
        server.serve_forever(poll_interval=0.25)
    finally:
        stop.set()
        if server is not None:
            server.server_close()
        if temporary:
            shutil.rmtree(folder, ignore_errors=True)
