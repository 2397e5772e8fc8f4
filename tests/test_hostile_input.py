"""Hostile input, round two (issue 19): URL schemes in any case, PDF attachments,
quick exits that do not exit, pseudo country codes, SVG bombs, renders that never
end, symbolic links in templates/. See docs/security.md."""

from __future__ import annotations

import base64
import contextlib
import io
import time
import urllib.parse
from pathlib import Path

import pytest

from conftest import make_project, run_toolbox


def _png(path: Path, colour=(200, 30, 30)) -> Path:
    from PIL import Image

    Image.new("RGB", (8, 8), colour).save(path)
    return path


def _pdf_objects(data: bytes) -> tuple[int, int, int]:
    """(raster images, embedded files, file attachment annotations) anywhere in the PDF, read back with pypdf."""
    from pypdf import PdfReader
    from pypdf.generic import IndirectObject

    reader = PdfReader(io.BytesIO(data))
    images = files = annotations = 0
    for number in range(1, len(reader.xref_objStm) + sum(len(v) for v in reader.xref.values()) + 1):
        try:
            obj = reader.get_object(IndirectObject(number, 0, reader))
        except Exception:  # a number that is not an object in this file
            continue
        if hasattr(obj, "get"):
            subtype, kind = obj.get("/Subtype"), obj.get("/Type")
            images += subtype == "/Image"
            files += kind == "/EmbeddedFile"
            annotations += subtype == "/FileAttachment"
    return images, files + len(reader.attachments), annotations


# --- class 8: schemes are case-insensitive; no attachments ---------------------------------------

def test_no_file_from_outside_reaches_a_pdf_whatever_the_url_looks_like(tmp_path: Path) -> None:
    from toolbox.render.pdf import render_pdf

    project = tmp_path / "project"
    project.mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    inside = _png(project / "inside.png")
    secret = outside / "secret.txt"
    secret.write_text("SECRET-OUTSIDE-THE-PROJECT")
    _png(outside / "o.png", (10, 200, 10))
    o = f"{outside}/o.png"

    def render(body: str, head: str = ""):
        result = render_pdf(f'<html lang="en"><head>{head}</head><body>{body}</body></html>', project, [project])
        return _pdf_objects(result.data), result

    # The controls: inside the project an image loads, whatever the scheme's case.
    assert render(f'<img src="{inside.as_uri()}" alt="">')[0][0] == 1
    assert render(f'<img src="FILE://{inside}" alt="">')[0][0] == 1
    assert render(f'<img src="data:image/png;base64,{base64.b64encode(inside.read_bytes()).decode()}" alt="">')[0][0] == 1

    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><image href="FILE://{o}" '
           'width="8" height="8"/></svg>')
    (project / "hostile.svg").write_text(svg)
    pct = "file://" + urllib.parse.quote(o).replace("/o", "/%6f")  # file:///tmp/…/%6futside/o.png
    hostile = ["file://[/etc/passwd", f"FILE://{o}", f"File://{o}", f"fIlE://{o}", f"file://localhost{o}",
               f"FILE://LOCALHOST{o}", pct,
               f"file://127.0.0.1{o}", f"file://{outside}/../outside/o.png", f"file:{o}",
               (project / "hostile.svg").as_uri(), "data:image/svg+xml," + urllib.parse.quote(svg)]
    for url in hostile:
        (images, _, _), result = render(f'<img src="{url}" alt="">')
        assert images == 0, url
        assert any("refusing" in w for w in result.warnings), (url, result.warnings)

    attach = f'<link rel="attachment" href="File://{secret}">'
    (images, files, annotations), result = render(
        f'<a rel="attachment" href="FILE://{secret}">a</a><a rel="attachment" href="{inside.as_uri()}">b</a>'
        f'<a rel="attachment" href="inside.png">c</a>', attach)
    assert (files, annotations) == (0, 0)
    assert len(result.attachments) == 4  # each one is reported (see render.checks), none is written
    assert b"SECRET-OUTSIDE" not in result.data


def test_the_sanitiser_compares_schemes_in_any_case() -> None:
    from toolbox.i18n.segments import inline_html

    for link in ("JAVASCRIPT:alert(1)", "JavaScript:alert(1)", "DATA:text/html,x", "FILE:///etc/passwd",
                 "File:///etc/passwd", "java&#x09;script:alert(1)", "Vbscript:x"):
        assert "href" not in inline_html(f'<a href="{link}">x</a>'), link
    assert 'href="HTTPS://ok.example.org"' in inline_html('<a href="HTTPS://ok.example.org">x</a>')
    assert "attachment" not in inline_html('<a rel="attachment" href="campaign.toml">x</a>')  # no PDF attachment


# --- class 9: every render has a time limit ------------------------------------------------------

def test_the_time_limit_stops_a_render_in_worker_processes_too(tmp_path: Path) -> None:
    """With --jobs 2 the slow output is reported and the others are still written."""
    from test_invalid_input import case_project

    case = Path(__file__).parent / "fixtures" / "invalid" / "render-time-limit"
    project = case_project(case, tmp_path / "p")
    toml = project / "campaigns/render-time-limit/campaign.toml"
    toml.write_text(toml.read_text().replace('formats = ["hostile"]', 'formats = ["hostile", "card"]\nimage = "cover"')
                    + '\n[[assets]]\nid = "cover"\nfile = "images/cover.png"\nalt = "A road"\n')
    (toml.parent / "images").mkdir()
    _png(toml.parent / "images/cover.png")
    started = time.monotonic()
    result = run_toolbox("build", "--jobs", "2", "--out", "dist", env={"TOOLBOX_TIME_LIMIT": "15"}, cwd=project, timeout=300)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "jobs-en-mk-hostile.pdf: en hostile: rendering took longer than 15 s and was stopped; look at " \
           "templates/print/hostile.html and the image campaigns/render-time-limit/images/cover.png" in result.stderr, \
        result.stderr
    assert time.monotonic() - started < 120
    assert (project / "dist/render-time-limit/en/jobs/render-time-limit-jobs-en-mk-card.pdf").is_file()
    assert not (project / "dist/render-time-limit/en/jobs/render-time-limit-jobs-en-mk-hostile.pdf").exists()


def test_a_render_past_its_limit_never_counts_as_finished() -> None:
    from toolbox.render.timelimit import RenderTimeout, time_limit

    started = time.monotonic()
    with pytest.raises(RenderTimeout), time_limit(0.3, "x.pdf"):
        for _image in range(3):
            with contextlib.suppress(BaseException):  # as WeasyPrint does around each SVG it draws, then goes on
                time.sleep(60)
    assert time.monotonic() - started < 5
    with time_limit(5, "y.pdf"):
        time.sleep(0.01)  # a quick render is untouched
    time.sleep(0.7)  # and no alarm is left behind to fire later


def _busy(seconds: float) -> None:
    """Python work for ``seconds`` (WeasyPrint laying out): an exception sent to a thread lands between instructions."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        sum(range(100))


def test_the_time_limit_stops_a_render_in_a_thread_too() -> None:
    """A Dask worker renders in a thread, which gets no alarm signal: the limit is sent to the thread instead."""
    import threading

    from toolbox.render.timelimit import RenderTimeout, time_limit

    outcome: dict[str, object] = {}

    def render() -> None:
        started = time.monotonic()
        try:
            with time_limit(0.3, "x.pdf"):
                for _image in range(3):
                    with contextlib.suppress(BaseException):  # as WeasyPrint does around each SVG it draws
                        _busy(60)
        except RenderTimeout as stopped:
            outcome["stopped"] = (str(stopped), time.monotonic() - started)
        with time_limit(5, "y.pdf"):
            _busy(0.01)  # a quick render is untouched
        try:
            _busy(1.2)  # and nothing is left behind to land later
        except BaseException as late:  # the test reports whatever lands
            outcome["late"] = late

    worker = threading.Thread(target=render)
    worker.start()
    worker.join(30)
    assert not worker.is_alive()
    assert "late" not in outcome, outcome
    what, took = outcome["stopped"]  # type: ignore[misc]
    assert what == "x.pdf" and took < 5


def test_a_render_that_ignores_the_alarm_ends_its_process() -> None:
    """Stuck for good (here: every alarm swallowed, as C code that never returns would): the watchdog ends it."""
    import subprocess
    import sys

    code = ("import time, toolbox.render.timelimit as t\n"
            "t.GRACE = 0.5\n"
            "with t.time_limit(0.3, 'campaign/en/x-leaflet.pdf'):\n"
            "    while True:\n"
            "        try:\n"
            "            time.sleep(60)\n"
            "        except BaseException:\n"
            "            pass\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert ("toolbox: campaign/en/x-leaflet.pdf: rendering took longer than 0.3 s and could not be stopped; "
            "ending the build (no file was left half-written)") in result.stderr


# --- class 6: the quick exit must leave the site -------------------------------------------------

BASE = "https://Help.Example.org/campaign/"


@pytest.mark.parametrize("exit_url, why", [
    ("", "is empty, so the quick-exit button would reload the same page"),
    ("  ", "is empty"),
    ("javascript:history.back()", "is a javascript: address"),
    ("JavaScript:void(0)", "is a javascript: address"),
    ("data:text/html,<h1>Weather</h1>", "is a data: address"),
    ("/", "is a relative address"),
    ("../index.html", "is a relative address"),
    ("#top", "is a relative address"),
    ("//weather.example/", "is a protocol-relative address"),
    ("https:weather.example", "is not a complete address"),
    ("https:///weather", "has no host name"),
    ("https://[", "has no host name"),  # urllib raises on an unbalanced IPv6 bracket
    ("https://[]/", "has no host name"),
    ("https://help.example.org/leave", "is on the microsite's own host (help.example.org"),
    ("https://HELP.EXAMPLE.ORG/", "is on the microsite's own host"),
    ("https://help.example.org./", "is on the microsite's own host"),
    ("https://www.help.example.org/", "is on the microsite's own host"),
    ("http://help.example.org:8080/", "is on the microsite's own host"),
    ("https://%68elp.example.org/", "is on the microsite's own host"),
    ("https://ｈelp.example.org/", "is on the microsite's own host"),  # fullwidth h: browsers map it to h
    ("https://help.example.org@weather.example/", "has a user name before its host"),
    ("https://weather.example@help.example.org/", "has a user name before its host"),
])
def test_an_exit_that_does_not_leave_is_refused(exit_url: str, why: str) -> None:
    from toolbox.campaign.urls import exit_problem

    problem = exit_problem(exit_url, BASE)
    assert problem is not None and why in problem, problem
    assert "give a neutral site on another host, e.g. https://www.wikipedia.org/" in problem


@pytest.mark.parametrize("exit_url", ["https://www.wikipedia.org/", "http://weather.example/today",
                                      "HTTPS://www.wikipedia.org/", "https://help.example.org.weather.example/",
                                      "https://other.example.org/"])
def test_an_exit_to_another_site_is_accepted(exit_url: str) -> None:
    from toolbox.campaign.urls import exit_problem

    assert exit_problem(exit_url, BASE) is None
    assert exit_problem(exit_url, "") is None


# --- class 7: country codes are assigned ISO 3166-1 codes (and XK) -------------------------------

ISO_CODES = Path("/usr/share/iso-codes/json/iso_3166-1.json")


@pytest.mark.skipif(not ISO_CODES.is_file(), reason="Debian's iso-codes is not installed (apt-get install iso-codes)")
def test_the_country_list_is_iso_3166_as_published() -> None:
    import json

    from toolbox.campaign.countries import ASSIGNED

    published = {c["alpha_2"] for c in json.loads(ISO_CODES.read_text(encoding="utf-8"))["3166-1"]}
    assert published == ASSIGNED, (sorted(ASSIGNED - published), sorted(published - ASSIGNED))


def test_every_country_has_a_name_to_print() -> None:
    from babel import Locale

    from toolbox.campaign.countries import ASSIGNED, USER_ASSIGNED

    assert set(Locale.parse("en").territories) >= ASSIGNED | USER_ASSIGNED


@pytest.mark.parametrize("code", ["ZZ", "EU", "EZ", "UN", "QO", "QM", "QZ", "XA", "XB", "XZ", "AA", "AC", "DG", "EA",
                                  "IC", "TA", "CP", "UK", "EL", "001", "150", "419", "mk", "M", "MKD", ""])
def test_pseudo_grouping_and_reserved_codes_are_refused(code: str) -> None:
    from toolbox.campaign.countries import country_problem

    assert country_problem(code)


@pytest.mark.parametrize("code", ["MK", "XK", "GB", "GR", "SS", "AX", "PS", "TW"])
def test_country_codes_in_use_are_accepted(code: str) -> None:
    from toolbox.campaign.countries import country_problem

    assert country_problem(code) is None


# --- symbolic links inside templates/ ------------------------------------------------------------

def test_a_link_in_templates_to_outside_the_project_is_named(tmp_path: Path) -> None:
    import shutil

    from conftest import ROOT

    project = tmp_path / "project"
    shutil.copytree(ROOT / "templates", project / "templates")
    make_project(project)
    assert run_toolbox("new", "jobs", cwd=project).returncode == 0
    secret = tmp_path / "home" / "notes.txt"
    secret.parent.mkdir()
    secret.write_text("not for publishing")
    (project / "templates/site/notes.txt").symlink_to(secret)
    (project / "templates/partials/elsewhere").symlink_to(secret.parent, target_is_directory=True)
    (project / "templates/site/inside.css").symlink_to(project / "templates/site/site.css")  # inside: fine
    (project / "templates/site/loop.html").symlink_to(project / "templates/site/loop.html")

    result = run_toolbox("validate", cwd=project)
    assert result.returncode == 0, result.stderr
    assert (f"templates/site/notes.txt: warning: is a symbolic link to {secret}, outside the project: the build "
            "would print or publish that file; copy it into templates/ instead") in result.stderr
    assert f"templates/partials/elsewhere: warning: is a symbolic link to {secret.parent}, outside" in result.stderr
    assert "templates/site/loop.html: warning: is a symbolic link that cannot be followed" in result.stderr
    assert "inside.css" not in result.stderr

    strict = run_toolbox("validate", "--strict", cwd=project)
    assert strict.returncode == 1
    assert f"templates/site/notes.txt: is a symbolic link to {secret}, outside the project" in strict.stderr
    assert "Traceback" not in strict.stderr


# --- class 9: SVG images are bounded before anything draws them ----------------------------------

_SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">{}</svg>'


def _nested(levels: int, copies: int = 10, attribute: str = "href") -> str:
    """copies**levels rectangles from a few hundred bytes: each level uses the one below `copies` times."""
    defs = '<rect id="l0" width="1" height="1"/>' + "".join(
        f'<g id="l{n}">' + f'<use {attribute}="#l{n - 1}"/>' * copies + "</g>" for n in range(1, levels + 1))
    return _SVG.format(f'<defs>{defs}</defs><use {attribute}="#l{levels}"/>')


def _markers(paths: int, vertices: int, marker_size: int) -> str:
    path = '<path d="M' + " L".join(f"{i} {i}" for i in range(vertices)) + '"/>'
    return _SVG.format(f'<marker id="m">{"<rect/>" * marker_size}</marker><g marker-mid="url(#m)">{path * paths}</g>')


@pytest.mark.parametrize("svg, why", [
    (_nested(8), "draws more than 50,000 elements"),
    (_nested(8, attribute="xlink:href"), "draws more than 50,000 elements"),
    (_nested(5, copies=10), "draws more than 50,000 elements"),  # 10⁵
    (_markers(20, 100, 50), "draws more than 50,000 elements"),  # a marker inherited from a group, per vertex
    (_SVG.format("<g>" * 101 + "</g>" * 101), "nests elements more than 100 deep"),
    (_SVG.format("<g>" * 100_000 + "</g>" * 100_000), "nests elements more than 100 deep"),
    (_SVG.format('<g id="a"><use href="#a"/></g>'), "refers to itself"),
    (_SVG.format('<g id="a"><use href="#b"/></g><g id="b"><rect fill="url(#a)"/></g>'), "refers to itself"),
    (_SVG.format('<image href="FILE:///etc/passwd"/>'), "refers to 'FILE:///etc/passwd' outside itself"),
    (_SVG.format('<image href="file://localhost/etc/passwd"/>'), "outside itself"),
    (_SVG.format('<image href="file:///%65tc/passwd"/>'), "outside itself"),
    (_SVG.format('<image xlink:href="https://tracker.example.net/p.png"/>'), "outside itself"),
    (_SVG.format('<image href="photo.png"/>'), "outside itself"),
    (_SVG.format('<use href="other.svg#icon"/>'), "outside itself"),
    (_SVG.format('<foreignObject><img xmlns="http://www.w3.org/1999/xhtml" src="file:///etc/passwd"/></foreignObject>'),
     "outside itself"),
    (_SVG.format('<image href="data:image/svg+xml;base64,PHN2Zy8+"/>'), "may embed only PNG, JPEG, GIF or WebP"),
    (_SVG.format('<rect style="fill:url( \'File:///etc/passwd\' )"/>'), "in url(); an SVG may refer only to its own #ids"),
    (_SVG.format("<style>@IMPORT 'x.css';</style>"), "has a style sheet that loads another file"),
    (_SVG.format("<style>rect { fill: url(http://x.example/p.svg#p) }</style>"), "loads another file"),
    (_SVG.format("<script>alert(1)</script>"), "contains a script or an event handler"),
    (_SVG.format('<rect onLoad="alert(1)"/>'), "contains a script or an event handler"),
    ('<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>', "is not an SVG image"),
    ('<!DOCTYPE svg [<!ENTITY a "aa">]>' + _SVG.format("<text>&a;</text>"), "DOCTYPE or entities"),
    (b"\xef\xbb\xbf<!DOCTYPE svg>" + _SVG.format("").encode(), "DOCTYPE or entities"),
    (_SVG.format("").encode("utf-16"), "saved as UTF-16"),
    (_SVG.format("").encode("utf-16-le"), "saved as UTF-16 or UTF-32"),
    (_SVG.format("").encode("utf-32-be"), "saved as UTF-16 or UTF-32"),
    (_SVG.format("").encode("utf-32"), "saved as UTF-32"),
    (b'<?xml version="1.0" encoding="UTF-16"?>' + _SVG.format("").encode(), "declared as UTF-16"),
    (b"<?xml version='1.0' encoding='windows-1252'?>" + _SVG.format("\u201c").encode("cp1252"), "declared as windows-1252"),
    (_SVG.format("caf\xe9").encode("latin-1"), "not UTF-8 text"),
])
def test_hostile_svg_is_refused_in_a_moment(tmp_path: Path, svg, why: str) -> None:
    from toolbox.campaign.limits import image_problem

    path = tmp_path / "image.svg"
    path.write_bytes(svg if isinstance(svg, bytes) else svg.encode("utf-8"))
    started = time.monotonic()
    problem = image_problem(path)
    assert problem is not None and why in problem, problem
    assert time.monotonic() - started < 2


def test_a_decompression_bomb_inside_an_svg_is_refused(tmp_path: Path) -> None:
    import struct
    import zlib

    from toolbox.campaign.limits import image_problem

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    bomb = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 100)) + chunk(b"IEND", b""))
    path = tmp_path / "image.svg"
    path.write_text(_SVG.format(f'<image href="data:image/png;base64,{base64.b64encode(bomb).decode()}"/>'))
    assert "has an embedded image that claims so many pixels" in image_problem(path)


def _tiny_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 20, 30)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("svg", [
    _nested(4),  # 10⁴ copies: a big but real drawing
    _SVG.format("<g>" * 99 + "</g>" * 99),  # with <svg>, 100 deep: the limit
    _SVG.format('<linearGradient id="g"><stop offset="0"/></linearGradient><linearGradient id="h" xlink:href="#g"/>'
                + '<rect fill="url(#h)" width="1" height="1"/>' * 20_000),  # gradients colour, they draw nothing
    _SVG.format('<symbol id="s"><rect/></symbol>' + '<use href="#s" x="1"/>' * 1000),
    _SVG.format(f'<image href="data:image/png;base64,{base64.b64encode(_tiny_png()).decode()}"/>'),
    '<?xml version="1.0" encoding="UTF-8"?>\n' + _SVG.format('<style>.a { fill: url(#g) }</style>'),
    "\ufeff" + _SVG.format(""),
])
def test_ordinary_svg_passes(tmp_path: Path, svg: str) -> None:
    from toolbox.campaign.limits import image_problem

    path = tmp_path / "image.svg"
    path.write_text(svg, encoding="utf-8")
    assert image_problem(path) is None


# --- fuzzing: the new judges never crash ---------------------------------------------------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from test_fuzz import FUZZ  # noqa: E402  (same example counts and TOOLBOX_FUZZ_EXAMPLES as the rest)

_URL_PARTS = st.sampled_from(["https://", "HTTP://", "//", "javascript:", "file:", "data:", "", "@", ".", ":", "/",
                              "help.example.org", "www.", "%2e", "[", "]", "\u3002", "xn--", "#", "?", " ", "\t"])


@FUZZ
@given(st.lists(_URL_PARTS | st.text(max_size=8), max_size=8).map("".join))
def test_url_judges_never_crash(url: str) -> None:
    from toolbox.campaign.urls import exit_problem, file_path, has_userinfo, host, scheme

    problem = exit_problem(url, "https://help.example.org/")
    assert problem is None or "exit_url" in problem
    if problem is None:  # what is accepted is a web address on another host
        assert scheme(url) in ("http", "https") and host(url) not in (None, "help.example.org")
    host(url), scheme(url), has_userinfo(url), file_path(url)


_ELEMENTS = st.sampled_from(["g", "use", "rect", "path", "pattern", "marker", "symbol", "image", "style", "text"])
_ATTRS = st.sampled_from(["id", "href", "xlink:href", "fill", "stroke", "marker-mid", "style", "d", "clip-path"])
_VALUES = st.sampled_from(["#a", "#b", "#c", "url(#a)", "url(#b)", "M0 0 L1 1 L2 2", "fill:url(#c)", "a", "b", "c",
                           "data:image/png;base64,AAAA", "FILE:///etc/passwd", "red"])


@st.composite
def _svgs(draw) -> bytes:
    def element(depth: int) -> str:
        tag = draw(_ELEMENTS)
        attrs = " ".join(f'{a}="{v}"' for a, v in draw(st.dictionaries(_ATTRS, _VALUES, max_size=3)).items())
        children = "".join(element(depth + 1) for _ in range(draw(st.integers(0, 3 if depth < 4 else 0))))
        return f"<{tag} {attrs}>{children}</{tag}>"

    body = "".join(element(0) for _ in range(draw(st.integers(0, 4))))
    text = f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">{body}</svg>'
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-be", "utf-32-le", "latin-1"]))
    return text.encode(encoding) + draw(st.binary(max_size=4))


@FUZZ
@given(_svgs())
def test_svg_judge_never_crashes(data: bytes) -> None:
    from toolbox.campaign.limits import raster_problem
    from toolbox.campaign.svgcheck import svg_problem

    problem = svg_problem(data, raster_problem)
    assert problem is None or isinstance(problem, str)
