"""The bundled sample, built once through the real CLI, read back as a user would."""

from __future__ import annotations

import hashlib
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest
from pypdf import PdfReader

from toolbox.i18n.locales import resolve

KEY_MESSAGES = {
    "jobs-abroad": "A good job offer can be checked. A real employer will wait while you check.",
    "migrants-in-transit": "A debt to a smuggler does not give anyone the right to own you.",
}
REQUIRED = {"campaign", "group", "locale", "country", "format", "path", "bytes", "sha256"}


def pdf_outputs(manifest: dict, **where) -> list[dict]:
    return [o for o in manifest["outputs"] if o["format"] == "leaflet" and all(o[k] == v for k, v in where.items())]


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def normalise(text: str) -> str:
    """Text without bidi controls, Arabic vowel marks and line breaks."""
    text = re.sub(r"[\u202a-\u202e\u2066-\u2069]|\s?[\u064b-\u0652]", "", text)
    return re.sub(r"\s+", " ", text)


def pdffonts(path: Path) -> list[str]:
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    return lines


# ------------------------------------------------------------------ manifest

def test_manifest_lists_every_file_with_its_hash(sample_build: Path, manifest: dict) -> None:
    assert isinstance(manifest["outputs"], list) and manifest["outputs"]
    listed = set()
    for entry in manifest["outputs"]:
        assert entry.keys() >= REQUIRED, entry
        data = (sample_build / entry["path"]).read_bytes()
        assert len(data) == entry["bytes"]
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        listed.add(entry["path"])
    on_disk = {p.relative_to(sample_build).as_posix() for p in sample_build.rglob("*")
               if p.is_file() and not p.name.startswith(".")}
    assert on_disk - {"manifest.json"} == listed


def test_every_group_locale_country_has_a_leaflet(manifest: dict) -> None:
    expected = (
        {("migrants-in-transit", loc, cc) for loc in ("en", "ar", "fa") for cc in ("BA", "RS", "MK")}
        | {("jobs-abroad", loc, cc) for loc in ("en", "sq", "mk") for cc in ("AL", "MK", "RS")}
        | {("roma-communities", loc, cc) for loc in ("en", "rmn", "sr-Latn", "sr-Cyrl") for cc in ("RS", "MK")}
    )
    got = {(o["group"], o["locale"], o["country"]) for o in pdf_outputs(manifest)}
    assert got == expected


def test_pdf_pages_and_size_match_the_manifest(sample_build: Path, manifest: dict) -> None:
    for entry in pdf_outputs(manifest):
        reader = PdfReader(sample_build / entry["path"])
        assert len(reader.pages) == entry["pages"] == 2
        box = reader.pages[0].mediabox
        # A4 landscape: 297 x 210 mm
        assert round(float(box.width) / 72 * 25.4) == 297 and round(float(box.height) / 72 * 25.4) == 210


def test_translated_share_is_recorded(manifest: dict) -> None:
    for entry in manifest["outputs"]:
        if entry["format"] in ("leaflet",) or (entry["format"] == "site" and entry["locale"]):
            assert 0.0 <= entry["translated"] <= 1.0
    english = pdf_outputs(manifest, locale="en")
    assert all(e["translated"] == 1.0 for e in english)


# ------------------------------------------------------------------ PDFs read back

@pytest.mark.parametrize(
    "locale, group, expected",
    [
        ("en", "jobs-abroad", "A good job offer can be checked."),
        ("sq", "jobs-abroad", None),
        ("mk", "jobs-abroad", None),
        ("ar", "migrants-in-transit", None),
    ],
)
def test_leaflet_text_is_in_its_language_with_real_fonts(sample_build: Path, manifest: dict, locale, group, expected) -> None:
    from babel.messages.pofile import read_po

    entry = pdf_outputs(manifest, locale=locale, group=group)[0]
    path = sample_build / entry["path"]
    text = pdftotext(path)
    if expected is None:  # the translation of the group's key message, from the real catalog
        po = Path(__file__).resolve().parents[1] / "locales" / locale / "LC_MESSAGES" / "safe-journeys.po"
        catalog = read_po(po.open("rb"))
        expected = catalog.get(KEY_MESSAGES[group]).string
        assert expected, f"no translation of the key message in {po}"
    flat = normalise(text)
    # pdftotext reorders Arabic combining marks and the lam-alef ligature: compare words without them.
    words = [w for w in re.split(r"\s+", normalise(expected)) if len(w) > 3 and "لا" not in w][:4]
    assert words
    for word in words:
        assert word.strip(".,:;!?،") in flat, f"{word!r} not in {path.name}"
    fonts = "\n".join(pdffonts(path))
    assert "Noto-Sans" in fonts
    for line in pdffonts(path):
        assert " yes yes " in line, f"font not embedded and subset: {line}"
    if locale == "ar":
        assert "Noto-Sans-Arabic" in fonts
    if locale == "mk":
        assert re.search(r"[\u0400-\u04FF]", text), "no Cyrillic text in the Macedonian leaflet"
    assert "Serif" not in fonts and "DejaVu" not in fonts, "a system font was substituted"


def test_leaflet_carries_contacts_of_its_country(sample_build: Path, manifest: dict) -> None:
    text = pdftotext(sample_build / pdf_outputs(manifest, locale="en", group="jobs-abroad", country="MK")[0]["path"])
    assert "0800 11111" in text
    text = pdftotext(sample_build / pdf_outputs(manifest, locale="en", group="jobs-abroad", country="AL")[0]["path"])
    assert "116 006" in text and "0800 11111" not in text


def test_pdf_metadata_has_title_and_language(sample_build: Path, manifest: dict) -> None:
    entry = pdf_outputs(manifest, locale="ar")[0]
    reader = PdfReader(sample_build / entry["path"])
    assert reader.metadata.title
    assert str(reader.trailer["/Root"].get("/Lang")) == "ar"


# ------------------------------------------------------------------ microsite

class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.html_attrs: dict = {}
        self.links: list[str] = []
        self.resources: list[str] = []
        self.meta: dict[str, str] = {}
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_attrs = a
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if (tag in ("link", "script", "img") and (a.get("href") or a.get("src"))
                and a.get("rel") not in ("canonical", "alternate")):
            self.resources.append(a.get("href") or a.get("src"))
        if tag == "meta":
            self.meta[a.get("http-equiv") or a.get("name") or ""] = a.get("content", "")


def site_pages(manifest: dict) -> list[dict]:
    """Every microsite page, and the root index.html (in the first campaign's source language, en)."""
    return [o for o in manifest["outputs"] if o["format"] == "site"]


def test_site_pages_have_lang_and_dir(sample_build: Path, manifest: dict) -> None:
    pages = site_pages(manifest)
    assert {p["locale"] for p in pages} >= {"en", "ar", "sq", "mk"}
    for entry in pages:
        page = _Page()
        page.feed((sample_build / entry["path"]).read_text(encoding="utf-8"))
        lang = entry["locale"] or "en"
        assert page.html_attrs["lang"] == lang
        assert page.html_attrs["dir"] == resolve(lang).direction


def test_site_links_are_relative_and_resolve_on_disk(sample_build: Path, manifest: dict) -> None:
    for entry in site_pages(manifest):
        path = sample_build / entry["path"]
        page = _Page()
        page.feed(path.read_text(encoding="utf-8"))
        for href in page.links + page.resources:
            parsed = urlparse(href)
            if parsed.scheme in ("tel", "mailto", "sms", "data"):
                continue
            if parsed.scheme in ("http", "https"):
                # Only the quick exit and partner links leave the site, and only as links.
                assert href not in page.resources, f"{entry['path']} loads {href} from another site"
                continue
            if href.startswith("#"):
                continue
            target = (path.parent / parsed.path).resolve()
            assert target.is_file(), f"{entry['path']}: broken link {href}"


def test_site_pages_forbid_third_party_requests(sample_build: Path, manifest: dict) -> None:
    for entry in site_pages(manifest):
        page = _Page()
        page.feed((sample_build / entry["path"]).read_text(encoding="utf-8"))
        csp = page.meta["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "http" not in csp
        assert page.meta["referrer"] == "no-referrer"
        assert "quick-exit" in page.ids


def test_site_fonts_are_subset_woff2(sample_build: Path, manifest: dict) -> None:
    fonts = [o for o in manifest["outputs"] if o["path"].endswith(".woff2")]
    assert {o["locale"] for o in fonts} >= {"en", "ar", "mk", "sq"}
    arabic = [o for o in fonts if o["locale"] == "ar" and "Arabic-Regular" in o["path"]]
    assert arabic and arabic[0]["bytes"] < 40_000  # a full Noto Sans Arabic is 244 KB
    for o in fonts:
        assert (sample_build / o["path"]).read_bytes()[:4] == b"wOF2"


def test_group_page_shows_content_and_contacts(sample_build: Path) -> None:
    html = (sample_build / "safe-journeys/en/jobs-abroad/index.html").read_text(encoding="utf-8")
    assert "A good job offer can be checked." in html
    assert "Someone wants to keep your passport" in html
    assert "<ul>" in html and "<strong>free</strong>" in html
    help_mk = (sample_build / "safe-journeys/en/help/mk.html").read_text(encoding="utf-8")
    assert 'href="tel:080011111"' in help_mk
