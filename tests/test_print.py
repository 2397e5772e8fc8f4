"""Print production: formats, sizes, fonts, text, PDF structure, overflow, tofu, previews.

Real PDFs, rendered by WeasyPrint and read back with poppler (pdfinfo, pdffonts,
pdftotext, pdftoppm) and pypdf. The bundled sample is built once (``sample_build``);
overflow, tofu and press-profile cases build the small campaign in
tests/fixtures/print-demo/ in a throwaway project.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest

from conftest import copy_demo, make_project, run_toolbox

FIXTURES = Path(__file__).parent / "fixtures"
DEMO = FIXTURES / "print-demo"
REFERENCE = FIXTURES / "previews"

PT_PER_MM = 72 / 25.4
#: Page size in points (width, height) and page counts per format (and paper).
SIZES = {
    ("leaflet", None): (297 * PT_PER_MM, 210 * PT_PER_MM),
    ("poster", "a4"): (210 * PT_PER_MM, 297 * PT_PER_MM),
    ("poster", "a3"): (297 * PT_PER_MM, 420 * PT_PER_MM),
    ("card", None): (85 * PT_PER_MM, 55 * PT_PER_MM),
    ("factsheet", None): (210 * PT_PER_MM, 297 * PT_PER_MM),
}
PAGES = {"leaflet": {2}, "poster": {1}, "card": {2}, "factsheet": {1, 2}}
PRINT_FORMATS = set(PAGES)


def prints(manifest: dict, **where) -> list[dict]:
    return [o for o in manifest["outputs"] if o["format"] in PRINT_FORMATS and all(o.get(k) == v for k, v in where.items())]


def boxes(path: Path) -> dict[str, tuple[float, ...]]:
    out = subprocess.run(["pdfinfo", "-box", str(path)], capture_output=True, text=True, check=True).stdout
    found = {}
    for line in out.splitlines():
        m = re.match(r"(\w+Box):\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)", line)
        if m:
            found[m.group(1)] = tuple(float(v) for v in m.groups()[1:])
    return found


def text(path: Path, page: int | None = None) -> str:
    args = ["pdftotext", "-enc", "UTF-8"] + (["-f", str(page), "-l", str(page)] if page else []) + [str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def fonts(path: Path) -> list[tuple[str, str, str]]:
    """(name, embedded, subset) per font of a PDF, from pdffonts."""
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    rows = []
    for line in lines:
        parts = line.split()
        rows.append((parts[0], parts[-5], parts[-4]))
    return rows


def demo_project(tmp_path: Path, edit=None) -> Path:
    project = make_project(tmp_path)
    copy_demo(project, edit=edit)
    return project


# ---------------------------------------------------------------- the bundled sample


def test_every_print_format_is_built_with_its_contract(manifest: dict) -> None:
    formats = {o["format"] for o in prints(manifest)}
    assert formats == PRINT_FORMATS
    posters = prints(manifest, format="poster")
    assert {o["paper"] for o in posters} == {"a3", "a4"}
    for o in posters:
        assert o["path"].endswith(f"-poster-{o['paper']}.pdf")
    for o in prints(manifest):
        assert o["format"] == "poster" or "paper" not in o
        for key in ("campaign", "group", "locale", "country", "path", "bytes", "sha256", "pages", "translated"):
            assert key in o


def test_page_sizes_boxes_and_counts(sample_build: Path, manifest: dict) -> None:
    seen = set()
    for o in prints(manifest):
        kind = (o["format"], o.get("paper"))
        if kind in seen:
            continue
        seen.add(kind)
        pdf = sample_build / o["path"]
        found = boxes(pdf)
        width, height = SIZES[kind]
        media = found["MediaBox"]
        assert media[2] - media[0] == pytest.approx(width, abs=0.5), o["path"]
        assert media[3] - media[1] == pytest.approx(height, abs=0.5), o["path"]
        assert found["TrimBox"] == media  # no bleed without --print
        assert o["pages"] in PAGES[o["format"]]
        assert len(pypdf.PdfReader(pdf).pages) == o["pages"]
    assert len(seen) == len(SIZES)


def test_fonts_are_embedded_subset_and_declared(sample_build: Path, manifest: dict) -> None:
    allowed = {"Latn": {"Noto-Sans", "Noto-Sans-Bold"}, "Cyrl": {"Noto-Sans", "Noto-Sans-Bold"},
               "Arab": {"Noto-Sans", "Noto-Sans-Bold", "Noto-Sans-Arabic", "Noto-Sans-Arabic-Bold"}}
    script = {"en": "Latn", "sq": "Latn", "mk": "Cyrl", "ar": "Arab"}
    for o in prints(manifest):
        if o["locale"] not in script:
            continue
        for name, embedded, subset in fonts(sample_build / o["path"]):
            assert (embedded, subset) == ("yes", "yes"), (o["path"], name)
            assert name.split("+", 1)[1] in allowed[script[o["locale"]]], (o["path"], name)


@pytest.mark.parametrize("locale, expected", [
    ("en", ["Warning signs", "011 785 0000"]),
    ("sq", ["011 785 0000"]),
    # Hours in the reader's language (CLDR day names), not as written in campaign.toml ("Mon–Fri 10–18").
    ("mk", ["011 785 0000", "пон.–пет. 10:00–18:00"]),
])
def test_card_text_reads_back_per_locale(sample_build: Path, manifest: dict, locale: str, expected: list[str]) -> None:
    (card,) = prints(manifest, format="card", locale=locale, country="RS")
    flat = " ".join(text(sample_build / card["path"]).split())
    for snippet in expected:
        assert snippet in flat
    if locale == "mk":
        assert re.search(r"[\u0400-\u04ff]{4}", flat), "Macedonian card has no Cyrillic text"


def test_arabic_factsheet_keeps_numbers_and_page_counter_left_to_right(sample_build: Path, manifest: dict) -> None:
    (sheet,) = prints(manifest, format="factsheet", locale="ar", country="RS")
    flat = " ".join(text(sample_build / sheet["path"]).split())
    assert "011 785 0000" in flat
    for page in range(1, sheet["pages"] + 1):
        counter = re.sub(r"[\u200e\u200f\u202a-\u202e\s]", "", text(sample_build / sheet["path"], page))
        assert f"{page}/{sheet['pages']}" in counter  # not "2/1": the counter stays left to right
    assert re.search(r"[\u0600-\u06ff]{4}", flat)


def test_tagged_pdf_ua_with_title_and_language(sample_build: Path, manifest: dict) -> None:
    for o in prints(manifest, country="RS"):
        reader = pypdf.PdfReader(sample_build / o["path"])
        root = reader.trailer["/Root"]
        assert root["/Lang"] == o["locale"]
        assert "/StructTreeRoot" in root
        assert bool(root["/MarkInfo"]["/Marked"])
        assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
        assert reader.metadata.title
        assert b'pdfuaid:part="1"' in root["/Metadata"].get_object().get_data()
        if shutil.which("qpdf"):
            check = subprocess.run(["qpdf", "--check", str(sample_build / o["path"])], capture_output=True, text=True)
            assert check.returncode == 0 and "No syntax or stream encoding errors" in check.stdout, check.stdout


def test_draft_mark_on_every_page(sample_build: Path, manifest: dict) -> None:
    # The sample campaign is in review and its translations are flagged needs-review.
    for o in prints(manifest, locale="en", country="RS"):
        for page in range(1, o["pages"] + 1):
            assert "draft" in text(sample_build / o["path"], page).lower(), (o["path"], page)


def test_qr_address_is_printed_and_vector(sample_build: Path, manifest: dict) -> None:
    (poster,) = prints(manifest, format="poster", paper="a4", locale="sq", country="AL")
    flat = " ".join(text(sample_build / poster["path"]).split())
    assert "https://safe-journeys.example.org/sq/jobs-abroad/" in flat
    listing = subprocess.run(["pdfimages", "-list", str(sample_build / poster["path"])], capture_output=True, text=True)
    assert len(listing.stdout.strip().splitlines()) <= 2  # header only: the QR code and emblem are vectors


def test_eu_visibility_where_configured(sample_build: Path, manifest: dict) -> None:
    (leaflet,) = prints(manifest, format="leaflet", locale="en", group="jobs-abroad", country="AL")
    flat = " ".join(text(sample_build / leaflet["path"]).split())
    assert "Funded by the European Union" in flat
    assert "sole responsibility of the publisher" in flat


# ---------------------------------------------------------------- throwaway projects


def test_demo_builds_clean_with_kosovo_footnote_and_no_draft_mark(tmp_path: Path) -> None:
    project = demo_project(tmp_path, lambda t: t.replace('countries = ["MK"]\nformats', 'countries = ["MK", "XK"]\nformats'))
    out = tmp_path / "out"
    result = run_toolbox("build", "--strict", "--out", str(out), cwd=project)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for o in prints(manifest):
        flat = " ".join(text(out / o["path"]).split())
        assert "draft" not in flat.lower()  # approved, English source: nothing to review
        if o["country"] == "XK" and o["format"] != "card":
            assert "UNSCR 1244/1999" in flat
            if o["format"] in ("leaflet", "factsheet"):
                assert "Kosovo*" in flat
        if o["country"] == "MK":
            assert "1244/1999" not in flat


def test_overflow_is_reported_with_locale_format_and_text(tmp_path: Path) -> None:
    project = demo_project(tmp_path)
    signs = project / "campaigns" / DEMO.name / "content" / "warning_signs.md"
    signs.write_text("".join(f"- Sign {i}: someone asks you to pay a fee before you travel and keeps your passport.\n"
                             for i in range(120)), encoding="utf-8")  # more than fits even at 9.5 pt
    out = tmp_path / "out"
    relaxed = run_toolbox("build", "--out", str(out), cwd=project)
    assert relaxed.returncode == 0, relaxed.stderr
    lines = [line for line in relaxed.stderr.splitlines() if "overflow" in line]
    # The inside flows over three columns: text that does not fit even at the smallest size runs off its side.
    assert any("warning: en leaflet: overflow in inside panels (about, warning signs, rights)" in line and "“Sign " in line
               for line in lines), relaxed.stderr
    assert any("en factsheet: overflow" in line for line in lines)
    assert not any(" card" in line for line in lines)  # the card shows five signs: they fit
    strict = run_toolbox("build", "--strict", "--out", str(tmp_path / "strict"), cwd=project)
    assert strict.returncode == 1
    assert re.search(r"^\S+-leaflet\.pdf: en leaflet: overflow", strict.stderr, re.M), strict.stderr
    assert not (tmp_path / "strict" / "manifest.json").exists()


def test_overflow_names_the_translated_message_and_its_locale(tmp_path: Path) -> None:
    shutil.copytree(Path(__file__).resolve().parents[1] / "locales", tmp_path / "locales")
    project = demo_project(tmp_path, lambda t: t.replace('locales = ["en"]', 'locales = ["en", "sq"]')
                           .replace('status = "approved"', 'status = "approved"\nmin_translated = 0.0'))
    long = " ".join(["Dikush dëshiron t'jua mbajë pasaportën «për siguri», edhe pse nuk ka asnjë të drejtë ta bëjë."] * 14)
    (project / "locales" / "sq" / "LC_MESSAGES" / "print-demo.po").write_text(
        'msgid ""\nmsgstr ""\n"Language: sq\\n"\n"MIME-Version: 1.0\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        f'msgid "Someone wants to keep your passport."\nmsgstr "{long}"\n', encoding="utf-8")
    result = run_toolbox("build", "--out", str(tmp_path / "out"), cwd=project)
    assert result.returncode == 0, result.stderr
    # The leaflet's inside flows over three columns and shrinks to fit; the card is already at its smallest size.
    assert re.search(r"-sq-mk-card\.pdf: warning: sq card: overflow in card back \(warning signs, rights\).*“Dikush .*” "
                     r"is pushed out \(message “Someone wants to keep your passport\.”\)", result.stderr), result.stderr
    assert not re.search(r"-en-mk-card\.pdf: .*overflow", result.stderr)
    assert not re.search(r"-sq-mk-leaflet\.pdf: .*overflow", result.stderr)


def test_an_address_wider_than_its_panel_is_reported(tmp_path: Path) -> None:
    long = "https://a-very-long-campaign-domain-name-for-testing-overflow.example.org"
    project = demo_project(tmp_path, lambda t: t.replace('base_url = "https://print-demo.example.org"', f'base_url = "{long}"'))
    result = run_toolbox("build", "--out", str(tmp_path / "out"), cwd=project)
    assert result.returncode == 0, result.stderr
    assert re.search(r"warning: en leaflet: overflow in outside panel 2 \(contacts\) on page 1: “https://a-very-long.*” "
                     r"is wider than the box", result.stderr), result.stderr


def test_missing_glyph_fails_the_build_naming_the_character(tmp_path: Path) -> None:
    project = demo_project(tmp_path, lambda t: t.replace('key_message = "A good job offer can be checked."',
                                                        'key_message = "A good job offer \\uE000 can be checked."'))
    out = tmp_path / "out"
    result = run_toolbox("build", "--out", str(out), cwd=project)
    assert result.returncode == 1
    assert re.search(r"-leaflet\.pdf: en leaflet: missing glyphs \(tofu\) for U\+E000", result.stderr), result.stderr
    assert not (out / "manifest.json").exists()


def test_a_font_outside_the_declared_ones_fails_the_build(tmp_path: Path) -> None:
    # Sinhala: no font in templates/fonts/ draws it. Fontconfig may substitute a system font
    # (a "font fallback" error) or find none (a tofu error): either way the build fails naming it.
    project = demo_project(tmp_path, lambda t: t.replace('key_message = "A good job offer can be checked."',
                                                        'key_message = "A good job offer \\u0D85 can be checked."'))
    result = run_toolbox("build", "--out", str(tmp_path / "out"), cwd=project)
    assert result.returncode == 1
    assert "U+0D85" in result.stderr
    assert re.search(r"en leaflet: (font fallback|missing glyphs)", result.stderr)


def test_press_profile_adds_bleed_and_crop_marks_and_writes_pdf_x(tmp_path: Path) -> None:
    """A print shop's file is PDF/X (tests/test_press.py checks it in depth), and never also PDF/A."""
    project = demo_project(tmp_path)
    out = tmp_path / "out"
    both = run_toolbox("build", "--print", "--archive", "--out", str(out), cwd=project)
    assert both.returncode == 2 and "--print and --archive ask for two kinds of PDF" in both.stderr, both.stderr
    assert not out.exists() and "Traceback" not in both.stderr
    result = run_toolbox("build", "--print", "--out", str(out), cwd=project)
    assert result.returncode == 0, result.stderr
    card = next(out.rglob("*-card.pdf"))
    found = boxes(card)
    bleed = 3 * PT_PER_MM
    assert found["TrimBox"][2] - found["TrimBox"][0] == pytest.approx(85 * PT_PER_MM, abs=0.5)
    assert found["MediaBox"][0] == pytest.approx(-bleed, abs=0.1)
    assert found["BleedBox"][2] - found["BleedBox"][0] == pytest.approx(85 * PT_PER_MM + 2 * bleed, abs=0.5)
    xmp = pypdf.PdfReader(card).trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b"<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp and b"pdfaid:part" not in xmp


def test_campaign_settings_choose_press_profile_and_variant(tmp_path: Path) -> None:
    project = demo_project(tmp_path, lambda t: t.replace("eu_funded = true", 'eu_funded = true\nprint_marks = true\npdf_x = '
                                                                             '"x-1a"'))
    out = tmp_path / "out"
    assert run_toolbox("build", "--out", str(out), cwd=project).returncode == 0
    poster = next(out.rglob("*-poster-a4.pdf"))
    found = boxes(poster)
    assert found["MediaBox"][0] == pytest.approx(-3 * PT_PER_MM, abs=0.1)
    assert b"PDF/X-1a:2003" in pypdf.PdfReader(poster).trailer["/Root"]["/Metadata"].get_object().get_data()
    from toolbox.render.prepress import preflight

    report = preflight(poster.read_bytes(), poster.name)
    assert not report.transparency and not report.problems("PDF/X-1a:2003"), report.problems()  # crop marks made opaque


def test_campaign_pdf_variant_writes_pdf_a(tmp_path: Path) -> None:
    project = demo_project(tmp_path, lambda t: t.replace("eu_funded = true", 'eu_funded = true\npdf_variant = "pdf/a-3b"'))
    out = tmp_path / "out"
    assert run_toolbox("build", "--out", str(out), cwd=project).returncode == 0
    poster = next(out.rglob("*-poster-a4.pdf"))
    assert boxes(poster)["MediaBox"][0] == pytest.approx(0, abs=0.1)
    assert b'pdfaid:part="3"' in pypdf.PdfReader(poster).trailer["/Root"]["/Metadata"].get_object().get_data()


def test_previews_are_listed_beside_their_pdf(tmp_path: Path) -> None:
    project = demo_project(tmp_path)
    out = tmp_path / "out"
    result = run_toolbox("build", "--previews", "all", "--out", str(out), cwd=project)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    previews = [o for o in manifest["outputs"] if o["format"] == "preview"]
    pdf_pages = sum(o["pages"] for o in prints(manifest))
    assert len(previews) == pdf_pages
    for o in previews:
        assert (out / o["path"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert o["group"] == "jobs" and o["locale"] == "en" and o["country"] == "MK"
    assert {o["paper"] for o in previews if "poster" in o["path"]} == {"a3", "a4"}
    assert any(o["path"].endswith("-leaflet-2.png") for o in previews)


# ---------------------------------------------------------------- visual regression


def _pgm(pdf: Path, page: int) -> tuple[int, int, bytes]:
    data = subprocess.run(["pdftoppm", "-gray", "-r", "20", "-f", str(page), "-l", str(page), str(pdf)],
                          capture_output=True, check=True).stdout
    header = data.split(b"\n", 3)
    width, height = (int(v) for v in header[1].split())
    return width, height, header[3]


@pytest.fixture(scope="module")
def demo_build(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("print-demo")
    project = demo_project(tmp)
    out = tmp / "out"
    result = run_toolbox("build", "--out", str(out), cwd=project)
    assert result.returncode == 0, result.stderr
    return out


@pytest.mark.parametrize("name, page",
                         [("leaflet", 1), ("leaflet", 2), ("card", 1), ("card", 2), ("poster-a4", 1), ("factsheet", 1)])
def test_previews_match_the_checked_in_pictures(demo_build: Path, name: str, page: int) -> None:
    """Grey 20 dpi renderings against tests/fixtures/previews/ (mean difference under 2%).

    After an intended design change: TOOLBOX_UPDATE_PREVIEWS=1 python -m pytest tests/test_print.py
    and look at the new pictures before committing them.
    """
    pdf = next(demo_build.rglob(f"*-{name}.pdf"))
    width, height, pixels = _pgm(pdf, page)
    reference = REFERENCE / f"{name}-{page}.pgm"
    if os.environ.get("TOOLBOX_UPDATE_PREVIEWS"):
        reference.parent.mkdir(parents=True, exist_ok=True)
        reference.write_bytes(b"P5\n%d %d\n255\n" % (width, height) + pixels)
    ref = reference.read_bytes().split(b"\n", 3)
    assert tuple(int(v) for v in ref[1].split()) == (width, height)
    diff = sum(abs(a - b) for a, b in zip(pixels, ref[3], strict=True)) / (255 * len(pixels))
    assert diff < 0.02, f"{name} page {page} differs from {reference.name} by {diff:.1%}"


def _words(pdf: Path, page: int) -> list[tuple[float, str]]:
    out = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return [(float(x) / PT_PER_MM, w) for x, w in re.findall(r'xMin="([\d.]+)"[^>]*>([^<]*)</word>', out)]


def test_leaflet_panels_mirror_for_right_to_left(sample_build: Path, manifest: dict) -> None:
    """The cover (with the hotline) is the right-hand panel in English, the left-hand one in Arabic."""
    for locale, cover, flap in (("en", (198, 297), (0, 99)), ("ar", (0, 99), (198, 297))):
        (leaflet,) = prints(manifest, format="leaflet", locale=locale, group="migrants-in-transit", country="RS")
        xs = [x for x, w in _words(sample_build / leaflet["path"], 1) if w == "785"]  # 011 785 0000
        assert any(cover[0] <= x <= cover[1] for x in xs), (locale, xs)
        assert not any(flap[0] <= x <= flap[1] for x in xs), (locale, xs)


def test_card_back_keeps_five_signs_and_one_rights_sentence(demo_build: Path) -> None:
    card = " ".join(text(next(demo_build.rglob("*-card.pdf")), 2).split())
    assert "You must travel at once." in card  # the fifth sign
    assert "Nobody answers questions" not in card  # the sixth is left out
    assert "Help is free" in card and "keep your own passport" not in card
    leaflet = " ".join(text(next(demo_build.rglob("*-leaflet.pdf"))).split())
    assert "Nobody answers" in leaflet  # (the point may break across the inside's columns)
