"""The microsite as files: alternates, canonical URLs, sitemap, weights, previews, offline copies."""

from __future__ import annotations

import json
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import make_project, run_toolbox


def _site_pages(manifest: dict) -> list[dict]:
    return [o for o in manifest["outputs"] if o["format"] == "site" and o["campaign"]]


def _links(html: str, rel: str) -> list[tuple[str, str]]:
    return re.findall(rf'<link rel="{rel}" hreflang="([^"]+)" href="([^"]+)">', html)


def test_every_page_kind_has_canonical_and_hreflang(sample_build: Path, manifest: dict) -> None:
    base = "https://safe-journeys.example.org/"
    kinds = set()
    for entry in _site_pages(manifest):
        html = (sample_build / entry["path"]).read_text(encoding="utf-8")
        rel = entry["path"].split("/", 1)[1]
        if rel == "404.html":
            assert 'rel="canonical"' not in html and 'content="noindex"' in html
            continue
        kind = "languages" if rel == "index.html" else rel.split("/", 1)[1].split("/")[0].replace(".html", "")
        kinds.add(kind if kind in ("index", "downloads", "safety", "help", "languages") else "group")
        canonical = re.search(r'<link rel="canonical" href="([^"]+)">', html).group(1)
        assert canonical == base + rel.removesuffix("index.html")
        alternates = dict(_links(html, "alternate"))
        assert alternates, f"{entry['path']}: no hreflang alternates"
        assert alternates.pop("x-default") == base
        if entry["locale"]:
            assert alternates[entry["locale"]] == canonical  # a page lists itself too
        for tag, url in alternates.items():
            assert url.startswith(base + tag + "/")
            target = url[len(base):] + ("index.html" if url.endswith("/") else "")
            assert (sample_build / "safe-journeys" / target).is_file(), f"{entry['path']}: {url} does not exist"
        assert 'content="noindex"' not in html
    assert kinds == {"languages", "index", "downloads", "safety", "help", "group"}


def test_sitemap_lists_every_page_with_alternates(sample_build: Path, manifest: dict) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ET.parse(sample_build / "safe-journeys/sitemap.xml").getroot()
    urls = {u.find("s:loc", ns).text: u for u in root.findall("s:url", ns)}
    pages = [o for o in _site_pages(manifest) if not o["path"].endswith("404.html")]
    assert len(urls) == len(pages)
    group = urls["https://safe-journeys.example.org/ar/migrants-in-transit/"]
    langs = {link.get("hreflang") for link in group.findall("x:link", ns)}
    assert {"en", "ar"} <= langs and "sq" not in langs
    assert any(o["path"] == "safe-journeys/sitemap.xml" and o["format"] == "asset" for o in manifest["outputs"])


def test_fragments_in_other_languages_carry_lang(sample_build: Path) -> None:
    html = (sample_build / "safe-journeys/ar/help/mk.html").read_text(encoding="utf-8")
    assert '<bdi lang="mk" dir="ltr">македонски</bdi>' in html
    picker = (sample_build / "safe-journeys/index.html").read_text(encoding="utf-8")
    assert re.search(r'<li lang="ar" dir="rtl"><a [^>]*hreflang="ar"', picker)


def test_no_site_page_loads_anything_from_elsewhere(sample_build: Path, manifest: dict) -> None:
    for entry in _site_pages(manifest):
        html = (sample_build / entry["path"]).read_text(encoding="utf-8")
        for src in re.findall(r'<(?:script|img|link|iframe|source|video|audio)\b[^>]*(?:src|href)="([^"]+)"', html):
            if 'rel="canonical"' in src or src.startswith("https://safe-journeys.example.org/"):
                continue
            assert not re.match(r"^(https?:)?//", src), f"{entry['path']} loads {src}"
        assert "serviceWorker" not in html  # the sample sets no group offline
        assert "data-toolbox-serve" not in html and "__toolbox" not in html


# ------------------------------------------------------------------ a small project: previews, offline, budget

@pytest.fixture(scope="module")
def small(tmp_path_factory) -> tuple[Path, Path, subprocess.CompletedProcess]:
    """A scaffolded campaign with a second group; the first opts into offline copies. Built with previews."""
    project = make_project(tmp_path_factory.mktemp("small"))
    assert run_toolbox("-C", str(project), "new", "demo").returncode == 0
    toml = project / "campaigns/demo/campaign.toml"
    text = toml.read_text(encoding="utf-8")
    first = text[text.index("\n[[groups]]\n") + 1:text.index("# Help contacts")]
    second = first.replace('id = "jobs-abroad"', 'id = "second-group"').replace('formats = ["site", "leaflet"]',
                                                                                'formats = ["site"]')
    text = text.replace(first,
                        first.replace('formats = ["site", "leaflet"]', 'formats = ["site", "leaflet"]\noffline = true') + second)
    toml.write_text(text, encoding="utf-8")
    out = project / "out"
    result = run_toolbox("-C", str(project), "build", "--out", str(out), "--previews", "first", "-v")
    assert result.returncode == 0, result.stderr
    return project, out, result


def test_build_reports_page_weights_and_fails_the_budget(small) -> None:
    project, out, result = small
    assert re.search(r"microsite: \d+ pages, heaviest [\d.]+ KB compressed", result.stdout)
    assert re.search(r"^\s+[\d.]+ KB  demo/en/jobs-abroad/index.html", result.stdout, re.M)
    over = run_toolbox("-C", str(project), "build", "--out", str(out.parent / "out-budget"), "--page-budget", "1")
    assert over.returncode == 1
    assert re.search(r"demo/en/jobs-abroad/index.html: page weighs [\d.]+ KB compressed .* over the budget of 1.0 KB",
                     over.stderr), over.stderr
    assert "Traceback" not in over.stderr


def test_verbose_build_says_where_the_time_went(small) -> None:
    _project, _out, result = small
    line = re.search(r"^time: (.*); rendering (\d+) print outputs took ([\d.]+) s in their processes$", result.stdout, re.M)
    assert line, result.stdout
    stages = dict(re.findall(r"(\w+) ([\d.]+) s \(CPU here [\d.]+ s\)", line.group(1)))
    assert list(stages) == ["load", "validate", "plan", "audio", "render", "site", "write"]
    rendered = re.search(r"(\d+) rendered, ", result.stdout)
    assert rendered and int(line.group(2)) == int(rendered.group(1)) > 0 and float(line.group(3)) > 0
    built = float(re.search(r"into \S+ in ([\d.]+) s", result.stdout).group(1))
    assert sum(float(v) for v in stages.values()) <= built + 0.2


def test_downloads_show_previews_and_pages_share_them(small) -> None:
    _project, out, _ = small
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    previews = [o for o in manifest["outputs"] if o["format"] == "preview"]
    if not previews:
        pytest.skip("the print stage wrote no previews")
    downloads = (out / "demo/en/downloads.html").read_text(encoding="utf-8")
    img = re.search(r'<img class="preview" src="([^"]+)"', downloads)
    assert img and (out / "demo/en" / img.group(1)).is_file()
    group = (out / "demo/en/jobs-abroad/index.html").read_text(encoding="utf-8")
    og = re.search(r'<meta property="og:image" content="([^"]+)">', group).group(1)
    assert og.startswith("https://demo.example.org/en/jobs-abroad/") and og.endswith(".png")


def test_offline_copy_only_for_the_group_that_allows_it(small) -> None:
    _project, out, _ = small
    offline = (out / "demo/en/jobs-abroad/index.html").read_text(encoding="utf-8")
    other = (out / "demo/en/second-group/index.html").read_text(encoding="utf-8")
    assert (out / "demo/en/jobs-abroad/sw.js").is_file()
    assert not (out / "demo/en/second-group/sw.js").exists()
    assert "serviceWorker" in offline and "worker-src 'self'" in offline
    assert "serviceWorker" not in other and "worker-src" not in other
    assert "saved on your phone" in offline
    # Both inline scripts are allowed by hash, nothing else.
    csp = re.search(r'Content-Security-Policy" content="([^"]+)"', offline).group(1)
    assert csp.count("sha256-") == 2 and "unsafe" not in csp
    sw = (out / "demo/en/jobs-abroad/sw.js").read_text(encoding="utf-8")
    assert '"./"' in sw and "__PRECACHE__" not in sw


def test_quick_exit_is_translated_and_first(sample_build: Path, manifest: dict) -> None:
    labels = {}
    for entry in _site_pages(manifest):
        html = (sample_build / entry["path"]).read_text(encoding="utf-8")
        body = html.split("<body", 1)[1]
        first_link = re.search(r"<a [^>]*>", body).group(0)
        assert 'id="quick-exit"' in first_link and 'rel="noreferrer"' in first_link, entry["path"]
        assert 'href="https://www.wikipedia.org/"' in first_link
        labels[entry["locale"]] = re.search(r'id="quick-exit"[^>]*>([^<]+)<', body).group(1)
    assert labels["en"] == "Leave this page quickly"
    for tag in ("ar", "mk", "sq"):
        assert labels[tag] != labels["en"], f"quick exit not translated in {tag}"
