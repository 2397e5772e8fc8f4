"""``toolbox serve``: a preview server for designers.

Builds into a temporary folder, serves it on 127.0.0.1, watches campaigns/,
templates/, locales/ and toolbox.toml (by polling: standard library only), rebuilds when a
file changes and reloads the open browser page. A build error (a template
error with its file and line, an invalid definition) is shown in the browser
page instead of the site, and the server keeps running.

The live-reload script is added to pages as they are served, never written
to the built files: the output folder holds exactly what ``toolbox build``
writes.
"""

from __future__ import annotations

import hashlib
import html
import http.server
import ipaddress
import json
import logging
import re
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlparse

from .campaign.paths import resolved
from .campaign.validate import ID_RE
from .checkcache import user_cache
from .errors import ToolboxError
from .options import BuildOptions
from .pipeline import build
from .project import PROJECT_FILE, Project
from .render.site import script_hash
from .schedule import default_jobs
from .write import os_problem

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


@dataclass
class State:
    """What the server shows: the latest build's version and, if it failed, why."""

    version: int = 0
    error: str = ""  # plain text: problems as path:line: message, or an internal error
    warnings: list[str] = field(default_factory=list)  # the last build's (overflow, draft mark, glossary…)
    seconds: float = 0.0  # how long the last build took
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
    brand = root / PROJECT_FILE  # the brand kit: a colour change shows on the next reload
    if brand.is_file():
        st = brand.stat()
        files[PROJECT_FILE] = st.st_mtime_ns + st.st_size * 1e-3
    return files


def changed(before: dict[str, float], after: dict[str, float]) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


class Preview:
    def __init__(self, project: Project, out: Path, campaigns: list[str] | None = None,
                 say: Callable[[str], None] | None = None, locale: str | None = None) -> None:
        self.say = say or (lambda message: log.info("%s", message))
        self.project = project
        self.out = out
        self.campaigns = campaigns
        #: A translator's preview: only this locale's outputs, print previews of every page, and
        #: the build's warnings on the front page (translator.py).
        self.locale = locale
        self.state = State()

    def rebuild(self) -> None:
        started = time.perf_counter()
        error = ""
        warnings: list[str] = []
        try:
            # Incremental: only outputs whose inputs changed are rendered again.
            if self.locale:
                options = BuildOptions(campaigns=tuple(self.campaigns or ()), page_budget=None, jobs=default_jobs(),
                                       previews="all", locales=(self.locale,))
            else:
                options = BuildOptions(campaigns=tuple(self.campaigns or ()), page_budget=None, jobs=default_jobs())
            report = build(self.project, self.out, options)
            for warning in report.warnings:
                self.say(str(warning))
            warnings = [str(w) for w in report.warnings]
            self.say(f"built {report.outputs} files ({report.rendered} rendered) in {time.perf_counter() - started:.1f} s")
        except ToolboxError as exc:
            error = "\n".join(str(p) for p in exc.problems)
            self.say(error)
        except OSError as exc:
            problem = os_problem(exc)
            error = str(problem) if problem else "toolbox: internal error (please report it)\n\n" + traceback.format_exc()
            self.say(error)
        except Exception:  # noqa: BLE001 - a bug of ours must not stop the server; show it in the page
            error = "toolbox: internal error (please report it)\n\n" + traceback.format_exc()
            self.say(error)
        with self.state.lock:
            self.state.error = error
            self.state.warnings = [] if error else warnings
            self.state.seconds = time.perf_counter() - started
            self.state.version += 1

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

    def handler(self,
                allowed_hosts: frozenset[str] = frozenset({"localhost",
                                                           "127.0.0.1"})) -> type[http.server.BaseHTTPRequestHandler]:
        preview = self
        root = self.out.resolve()

        class Handler(http.server.SimpleHTTPRequestHandler):
            timeout = 60  # a client that stops sending for a minute is dropped, not waited for forever

            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, directory=str(preview.out), **kwargs)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
                log.debug("%s - %s", self.address_string(), format % args)

            def end_headers(self) -> None:
                self.send_header("Cache-Control", "no-store")
                self.send_header("Referrer-Policy", "no-referrer")
                super().end_headers()

            def translate_path(self, path: str) -> str:
                # The standard library's own file serving (non-HTML files) goes through here too.
                target = served_file(root, unquote(urlparse(path).path))
                return str(target) if target is not None else str(root / ".toolbox-serve-refused" / "missing")

            def do_HEAD(self) -> None:
                if self._host_refused():
                    return None
                return super().do_HEAD()

            def do_GET(self) -> None:
                if self._host_refused():
                    return None
                path = unquote(urlparse(self.path).path)
                with preview.state.lock:
                    version, error = preview.state.version, preview.state.error
                if path == VERSION_PATH:
                    return self._send(200, "application/json", json.dumps({"version": version}).encode())
                if error and (path.endswith((".html", "/")) or "." not in path.rsplit("/", 1)[-1]):
                    return self._send(500, "text/html; charset=utf-8", error_page(error, version).encode("utf-8"))
                if preview.locale and path == "/":
                    from .translator import locale_page

                    with preview.state.lock:
                        warnings, seconds = list(preview.state.warnings), preview.state.seconds
                    page = locale_page(root, preview.locale, warnings, seconds, reload_script(version))
                    return self._send(200, "text/html; charset=utf-8", page)
                target = served_file(root, path)
                if target is None:
                    return self._not_found(path, version)
                if target.is_dir():
                    if not path.endswith("/"):
                        self.send_response(301)
                        self.send_header("Location", quote(path + "/"))
                        self.end_headers()
                        return None
                    target = served_file(root, path + "index.html")
                    if target is None:
                        return self._not_found(path, version)
                if target.suffix == ".html" and target.is_file():
                    return self._send(200, "text/html; charset=utf-8", inject(target.read_text(encoding="utf-8"), version))
                if not target.is_file():
                    return self._not_found(path, version)
                return super().do_GET()

            def _host_refused(self) -> bool:
                """A page elsewhere must not read the preview through a name it controls (DNS rebinding)."""
                if host_allowed(self.headers.get("Host"), allowed_hosts):
                    return False
                self._send(421, "text/plain; charset=utf-8", "421 Misdirected Request: this preview answers only "
                           "to the address it was opened at\n")
                return True

            def _not_found(self, path: str, version: int) -> None:
                campaign = path.strip("/").split("/", 1)[0]
                page = served_file(root, f"{campaign}/404.html") if ID_RE.match(campaign) else None
                if page is not None and page.is_file():
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
                if self.command != "HEAD":
                    self.wfile.write(data)

        return Handler


def reload_script(version: int) -> str:
    return RELOAD_SCRIPT % (version, VERSION_PATH)


_CSP = re.compile(r'(<meta http-equiv="Content-Security-Policy" content=")([^"]*)(")')


def inject(page: str, version: int) -> bytes:
    """A built page as served in preview: plus the live-reload script, its hash allowed by the CSP."""
    script = reload_script(version)

    def widen(match: re.Match[str]) -> str:
        policy = match.group(2).replace("&#39;", "'")
        policy = re.sub(r"script-src ", f"script-src {script_hash(script)} ", policy, count=1)
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
        f"style-src 'unsafe-inline'; script-src {html.escape(script_hash(script))}\">"
        "<title>Build error — toolbox serve</title>"
        "<style>body{font:16px/1.5 system-ui,sans-serif;margin:2rem;color:#1a1a2e}"
        "pre{white-space:pre-wrap;background:#fdecea;border-inline-start:6px solid #b3261e;padding:1rem;font-size:15px}</style>"
        "</head><body><main><h1>The build failed</h1>"
        "<p>Fix the problem below and save: this page reloads by itself. The server keeps running.</p>"
        f"<pre>{html.escape(error)}</pre></main>"
        f"<script data-toolbox-serve>{script}</script></body></html>\n"
    )


def served_file(root: Path, url_path: str) -> Path | None:
    """The file (or folder) under ``root`` that ``url_path`` names, or None if it names anything else.

    ``url_path`` is already percent-decoded, so ``%2e%2e/`` and ``..%2f`` arrive
    here as ``../``. Any ``..`` is refused outright rather than resolved, and what
    is left must still be inside ``root`` once symbolic links are followed.
    """
    if "\x00" in url_path or "\\" in url_path:
        return None
    parts = [p for p in url_path.split("/") if p not in ("", ".")]
    if ".." in parts:
        return None
    target = root.joinpath(*parts)
    real = resolved(target)
    if real is None or not (real == root or real.is_relative_to(root)):
        return None
    return target


def allowed_hosts(host: str) -> frozenset[str]:
    """The names (not addresses) the preview answers to: ``localhost`` and the ``--host`` given."""
    return frozenset({host.lower().strip("[]"), "localhost"})


def host_allowed(header: str | None, allowed: frozenset[str]) -> bool:
    """Whether a request's ``Host`` header names the preview.

    DNS rebinding: a page at evil.example whose name is made to resolve to
    127.0.0.1 can reach the preview, but its requests say ``Host: evil.example``.
    An address (``127.0.0.1:8000``, ``[::1]:8000``, a LAN address with
    ``--host 0.0.0.0``) cannot be rebound, so any address is accepted; of names,
    only ``localhost`` and the one given to ``--host``. No ``Host`` at all is
    refused: every browser sends one.
    """
    if not header:
        return False
    name = header.strip().lower()
    if name.startswith("["):  # [::1]:8000
        name = name[1:].split("]", 1)[0]
    elif name.count(":") == 1:
        name = name.split(":", 1)[0]
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        return name.rstrip(".") in allowed


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A browser that closes the connection early (a reload, a cancelled download) is normal:
        # no traceback on the terminal for it. Anything else is a bug of ours: say so, briefly.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            log.debug("%s: connection closed by the client (%s)", client_address[0], type(exc).__name__)
            return
        log.error("toolbox serve: internal error answering %s: %s: %s (please report it)",
                  client_address[0], type(exc).__name__, exc)
        log.debug("%s", traceback.format_exc())


class _Server6(_Server):
    address_family = socket.AF_INET6


def preview_folder(project: Project) -> Path:
    """Where ``serve`` builds when given no ``--out``: one folder per project in the user's cache, kept
    between runs, so a new start renders only what changed (audio synthesis and PDFs are the slow part)."""
    root = project.root.resolve()
    return user_cache() / "serve" / f"{root.name}-{hashlib.sha256(str(root).encode()).hexdigest()[:16]}"


def serve(project: Project, host: str = "127.0.0.1", port: int = 8000, open_browser: bool = True,
          campaigns: list[str] | None = None, out: Path | None = None, ready: Callable[[str], None] | None = None,
          say: Callable[[str], None] | None = None, locale: str | None = None) -> None:
    """Build, serve and watch until interrupted. ``ready(url)`` is called once the server listens."""
    folder = out if out is not None else preview_folder(project)
    preview = Preview(project, folder, campaigns, say, locale)
    stop = threading.Event()
    server = None
    try:
        # Listen first (a busy port fails at once), build before answering requests.
        server = (_Server6 if ":" in host else _Server)((host, port), preview.handler(allowed_hosts(host)))
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
