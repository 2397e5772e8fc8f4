"""The microsite in a real browser: headless Chromium, axe-core and the Nu HTML Checker.

Safety properties are tested, not assumed: every network request a page makes
is recorded and must stay on the site; the quick exit is clicked and the
history checked; pages are loaded with JavaScript disabled.

Needs Debian's chromium and chromium-driver, and `npm install` (axe-core,
vnu-jar) - scripts/setup.sh does both. Outside CI a missing browser skips
these tests with the reason; under CI (CI=true) it fails them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-default-apps"]
UNDER_CI = os.environ.get("CI", "").lower() == "true"


def _missing(what: str) -> None:
    message = f"{what}; run scripts/setup.sh"
    if UNDER_CI:
        pytest.fail(message + " (required under CI)")
    pytest.skip(message)


class Browser:
    """One headless Chromium for the session; ``load`` records every request a page makes."""

    def __init__(self) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.profile = tempfile.mkdtemp(prefix="toolbox-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument(f"--user-data-dir={self.profile}")
        options.add_argument("--window-size=390,844")
        options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
        self.driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
        self.driver.set_page_load_timeout(20)
        self.driver.execute_cdp_cmd("Network.enable", {})

    def quit(self) -> None:
        self.driver.quit()
        shutil.rmtree(self.profile, ignore_errors=True)

    def drain(self) -> None:
        self.driver.get_log("performance")
        self.driver.get_log("browser")

    def requests(self, timeout: float = 10) -> list[str]:
        """Every URL requested since the last read, once each request has finished or failed.

        A test that says "no request left the site" must not look while one is still on its
        way: this waits for the requests in flight instead of a fixed time.
        """
        urls: list[str] = []
        pending: set[str] = set()
        deadline = time.monotonic() + timeout
        while True:
            for entry in self.driver.get_log("performance"):
                message = json.loads(entry["message"])["message"]
                params = message["params"]
                if message["method"] == "Network.requestWillBeSent":
                    urls.append(params["request"]["url"])
                    pending.add(params["requestId"])
                elif message["method"] in ("Network.loadingFinished", "Network.loadingFailed"):
                    pending.discard(params["requestId"])
            if not pending:
                return urls
            if time.monotonic() > deadline:
                raise AssertionError(f"requests still unfinished after {timeout} s: {urls}")
            time.sleep(0.02)

    def load(self, path: Path, javascript: bool = True) -> tuple[list[str], list[dict]]:
        """Open a page from disk; (every URL requested, console messages)."""
        self.driver.get("about:blank")
        self.driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": not javascript})
        self.drain()
        self.driver.get(path.as_uri())
        self.driver.execute_script("return document.fonts ? document.fonts.ready.then(() => true) : true") if javascript else None
        return self.requests(), self.driver.get_log("browser")

    def js(self, script: str, *args):
        return self.driver.execute_script(script, *args)


def _wait(condition, timeout: float = 5) -> None:
    """Poll ``condition`` until it holds or ``timeout`` passes (the assertion after says what failed)."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        _missing("chromium or chromedriver is not installed (apt-get install chromium chromium-driver)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        _missing("selenium is not installed (pip install -e '.[test]')")
    b = Browser()
    yield b
    b.quit()


def site_pages(sample_build: Path, manifest: dict) -> list[Path]:
    """Every microsite page, and the root index.html that lists the campaigns (held to the same rules)."""
    return [sample_build / o["path"] for o in manifest["outputs"] if o["format"] == "site"]


def _stays_on_site(url: str, root: Path) -> bool:
    parsed = urlparse(url)
    if parsed.scheme == "data":
        return True
    if parsed.scheme != "file":
        return False
    return Path(parsed.path).resolve().is_relative_to(root.resolve())


# ------------------------------------------------------------------ safety

def test_no_request_leaves_the_site(browser: Browser, sample_build: Path, manifest: dict) -> None:
    pages = site_pages(sample_build, manifest)
    assert len(pages) > 10
    for page in pages:
        requests, console = browser.load(page)
        outside = [u for u in requests if not _stays_on_site(u, sample_build)]
        assert not outside, f"{page.relative_to(sample_build)} requested {outside}"
        assert requests[0] == page.as_uri()
        # CSP violations and failed loads show up as console errors.
        errors = [c["message"] for c in console if c["level"] == "SEVERE"]
        assert not errors, f"{page.relative_to(sample_build)}: {errors}"


def test_styles_and_fonts_apply_from_disk(browser: Browser, sample_build: Path) -> None:
    """CSP 'self' works from file:// in Chromium: the stylesheet and the subset fonts load."""
    for tag, family in (("en", "Noto Sans"), ("ar", "Noto Sans Arabic"), ("mk", "Noto Sans")):
        requests, _ = browser.load(sample_build / f"safe-journeys/{tag}/index.html")
        assert any(u.endswith("assets/site.css") for u in requests)
        assert any(u.endswith(".woff2") for u in requests), f"{tag}: no font loaded"
        bg = browser.js("return getComputedStyle(document.getElementById('quick-exit')).backgroundColor")
        assert bg == "rgb(179, 38, 30)", "site.css did not apply"
        loaded = browser.js("return [...document.fonts].filter(f => f.status == 'loaded').map(f => f.family)")
        assert any(family in f for f in loaded), f"{tag}: {loaded}"


def test_quick_exit_is_early_sticky_and_mirrored(browser: Browser, sample_build: Path, manifest: dict) -> None:
    for page in site_pages(sample_build, manifest):
        browser.load(page)
        first = browser.js("""
            const f = [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]
              .filter(e => e.tabIndex >= 0 && e.offsetParent !== null || e.classList.contains('skip-link'));
            return f.slice(0, 3).map(e => e.id + ' ' + e.className);""")
        assert any("exit" in f for f in first), f"{page}: first focusable are {first}"
    for tag, side in (("en", "right"), ("ar", "left")):
        browser.load(sample_build / f"safe-journeys/{tag}/migrants-in-transit/index.html")
        box = browser.js("const r = document.getElementById('quick-exit').getBoundingClientRect();"
                         "return [r.left, r.right, window.innerWidth]")
        if side == "right":
            assert box[2] - box[1] < 40, f"{tag}: quick exit not at the right edge: {box}"
        else:
            assert box[0] < 40, f"{tag}: quick exit not at the left edge: {box}"
        browser.js("window.scrollTo(0, document.body.scrollHeight)")
        top = browser.js("return document.getElementById('quick-exit').getBoundingClientRect().top")
        assert 0 <= top < 60, f"{tag}: quick exit scrolled away (top={top})"


def test_quick_exit_replaces_history(browser: Browser, sample_build: Path, tmp_path: Path) -> None:
    # A local stand-in for the neutral site: the test must not reach the internet.
    neutral = tmp_path / "neutral.html"
    neutral.write_text("<!DOCTYPE html><title>neutral</title><p>neutral", encoding="utf-8")
    home = sample_build / "safe-journeys/en/index.html"
    page = sample_build / "safe-journeys/en/jobs-abroad/index.html"
    for how in ("click", "shift"):
        browser.driver.get(home.as_uri())
        browser.driver.get(page.as_uri())
        assert browser.js("return history.length") >= 2
        before = browser.js("return history.length")
        browser.js("document.getElementById('quick-exit').href = arguments[0]", neutral.as_uri())
        if how == "click":
            browser.driver.find_element("id", "quick-exit").click()
        else:
            from selenium.webdriver.common.action_chains import ActionChains
            from selenium.webdriver.common.keys import Keys

            for _ in range(3):
                ActionChains(browser.driver).key_down(Keys.SHIFT).key_up(Keys.SHIFT).perform()
        _wait(lambda: browser.driver.current_url == neutral.as_uri())
        assert browser.driver.current_url == neutral.as_uri(), how
        assert browser.js("return history.length") == before, f"{how}: the exit added a history entry"
        browser.driver.back()
        _wait(lambda: browser.driver.current_url != neutral.as_uri())  # Back has gone somewhere
        assert browser.driver.current_url != page.as_uri(), f"{how}: Back returned to the campaign page"
        assert browser.driver.current_url == home.as_uri()


def test_pages_work_without_javascript(browser: Browser, sample_build: Path) -> None:
    try:
        for rel in ("safe-journeys/en/jobs-abroad/index.html", "safe-journeys/ar/help/mk.html", "safe-journeys/index.html",
                    "index.html"):
            browser.load(sample_build / rel, javascript=False)
            text = browser.driver.find_element("tag name", "main").text
            assert len(text) > 40
            exit_link = browser.driver.find_element("id", "quick-exit")
            assert exit_link.is_displayed() and exit_link.get_attribute("href").startswith("http")
            # Content links still navigate: follow the first link inside main.
            links = browser.driver.find_elements("css selector", "main a[href$='.html']")
            if links:
                target = links[0].get_attribute("href")
                links[0].click()
                assert browser.driver.current_url == target
    finally:
        browser.driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


def test_page_reflows_at_400_percent_zoom(browser: Browser, sample_build: Path, manifest: dict) -> None:
    """WCAG 1.4.10: 1280 px at 400% is 320 CSS px wide; nothing may need horizontal scrolling."""
    browser.driver.set_window_size(320, 800)
    try:
        for page in site_pages(sample_build, manifest):
            browser.load(page)
            width = browser.js("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            assert width[0] <= width[1], f"{page.relative_to(sample_build)}: scrolls sideways at 320 px: {width}"
    finally:
        browser.driver.set_window_size(390, 844)


# ------------------------------------------------------------------ accessibility and validity

def test_axe_finds_no_violations(browser: Browser, sample_build: Path, manifest: dict) -> None:
    if not AXE.is_file():
        _missing("node_modules/axe-core is missing (npm install)")
    axe = AXE.read_text(encoding="utf-8")
    found = {}
    for page in site_pages(sample_build, manifest):
        browser.load(page)
        browser.js(axe)
        violations = browser.driver.execute_async_script(
            """const done = arguments[arguments.length - 1];
            axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})
              .then(r => done(r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
              .catch(e => done(['axe failed: ' + e]));""")
        if violations:
            found[str(page.relative_to(sample_build))] = violations
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)


def test_nu_html_checker_finds_no_errors(sample_build: Path, manifest: dict) -> None:
    java = shutil.which("java")
    if not (java and VNU.is_file()):
        _missing("java or node_modules/vnu-jar is missing (npm install; Java 17)")
    pages = [str(p) for p in site_pages(sample_build, manifest)]
    css = [str(p) for p in (sample_build / "safe-journeys/assets").rglob("*.css")]
    result = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--also-check-css", *pages, *css],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr or result.stdout


def test_request_recorder_sees_outside_requests(browser: Browser, tmp_path: Path) -> None:
    """The recorder itself works: a page without our CSP that loads from elsewhere is caught."""
    page = tmp_path / "leaky.html"
    page.write_text('<!DOCTYPE html><title>x</title><img src="http://127.0.0.1:9/pixel.png" alt="">', encoding="utf-8")
    requests, _ = browser.load(page)
    assert [u for u in requests if not _stays_on_site(u, tmp_path)] == ["http://127.0.0.1:9/pixel.png"]


# ------------------------------------------------------------------ offline copies

@pytest.fixture
def offline_site(tmp_path: Path):
    """A site-only campaign whose first group opts into offline copies, served on 127.0.0.1."""
    import functools
    import http.server
    import threading

    from conftest import make_project, run_toolbox

    project = make_project(tmp_path / "project")
    assert run_toolbox("-C", str(project), "new", "demo").returncode == 0
    toml = project / "campaigns/demo/campaign.toml"
    text = toml.read_text(encoding="utf-8")
    first = text[text.index("\n[[groups]]\n") + 1:text.index("# Help contacts")]
    site_only = first.replace('formats = ["site", "leaflet"]', 'formats = ["site"]')
    text = text.replace(first, site_only.replace('formats = ["site"]', 'formats = ["site"]\noffline = true')
                        + site_only.replace('id = "jobs-abroad"', 'id = "second-group"'))
    toml.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = run_toolbox("-C", str(project), "build", "--out", str(out))
    assert result.returncode == 0, result.stderr
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield out, f"http://127.0.0.1:{server.server_address[1]}/", server
    server.shutdown()
    server.server_close()


def test_offline_copy_registers_only_where_allowed_and_works_offline(browser: Browser, offline_site) -> None:
    out, base, server = offline_site
    driver = browser.driver
    # From disk nothing registers (a service worker cannot, and the page does not try).
    browser.load(out / "demo/en/jobs-abroad/index.html")
    assert browser.js("return !navigator.serviceWorker || navigator.serviceWorker.controller === null")
    driver.get(base + "demo/en/jobs-abroad/index.html")
    scope = driver.execute_async_script(
        """const done = arguments[arguments.length - 1];
        navigator.serviceWorker.ready.then(r => done(r.scope)).catch(e => done('error ' + e));""")
    assert scope == base + "demo/en/jobs-abroad/"
    driver.get(base + "demo/en/second-group/index.html")
    scopes = driver.execute_async_script(
        """const done = arguments[arguments.length - 1];
        navigator.serviceWorker.getRegistrations().then(rs => done(rs.map(r => r.scope)));""")
    assert scopes == [base + "demo/en/jobs-abroad/"], "a page of a group without offline = true registered a worker"
    # Once the worker controls the page, it opens without the network.
    driver.get(base + "demo/en/jobs-abroad/index.html")
    deadline = time.time() + 5
    while not browser.js("return !!navigator.serviceWorker.controller") and time.time() < deadline:
        driver.refresh()
        time.sleep(0.2)
    server.shutdown()
    server.server_close()
    driver.refresh()
    assert "A good job offer can be checked." in driver.find_element("tag name", "main").text
    driver.execute_async_script(
        """const done = arguments[arguments.length - 1];
        navigator.serviceWorker.getRegistrations().then(rs => Promise.all(rs.map(r => r.unregister()))).then(() => done());""")
