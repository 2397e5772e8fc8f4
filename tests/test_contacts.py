"""Regional and fallback contacts, hours in the reader's language, microsite parity with print,
and the draft mark kept clear of content — read back from real PDFs and pages.

Two test campaigns are built once, with the real templates: tests/fixtures/contacts-demo/
(Bosnia and Herzegovina without a national line; Kosovo) and tests/fixtures/long-urdu/ (a
three-page Urdu fact sheet and short Urdu leaflet, card and poster, all drafts).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import ROOT, make_project, run_toolbox
from toolbox.campaign.contacts import shown_hotlines
from toolbox.campaign.load import load_campaign
from toolbox.errors import Collector

FIXTURES = Path(__file__).parent / "fixtures"
FOOTNOTE = "This designation is without prejudice to positions on status"


def pdf_text(path: Path) -> str:
    text = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.replace("\u00a0", " ").split())


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, str]:
    project = make_project(tmp_path_factory.mktemp("contacts"))
    for name in ("contacts-demo", "long-urdu"):
        shutil.copytree(FIXTURES / name, project / "campaigns" / name)
    result = run_toolbox("build", "--jobs", "1", "--previews", "none", "--out", "dist", cwd=project)
    assert result.returncode == 0, result.stderr
    return project / "dist", result.stderr


def test_a_country_without_a_national_line_shows_the_regional_line_then_emergency() -> None:
    campaign = load_campaign(FIXTURES / "contacts-demo", Collector())
    assert [(h.name, h.kind) for h in shown_hotlines(campaign, "BA")] == [
        ("Regional test helpline", "regional"), ("Test emergency number", "emergency")]
    # A country with its own line keeps it first; the emergency number (no countries: every one) follows.
    assert [(h.name, h.kind) for h in shown_hotlines(campaign, "XK")] == [
        ("Test helpline", "national"), ("Test emergency number", "emergency")]


def test_print_shows_the_regional_line_with_its_kind_and_hours(built) -> None:
    dist, _ = built
    folder = dist / "contacts-demo" / "en" / "jobs"
    leaflet = pdf_text(folder / "contacts-demo-jobs-en-ba-leaflet.pdf")
    assert "Regional helpline Regional test helpline 0800 00 001 · Mon–Fri 9:00 AM – 5:00 PM" in leaflet
    assert "Emergency number Test emergency number 112 · 24 hours, every day" in leaflet
    # The cover box (first line) names the kind and carries the sample notice, like the back panel.
    assert "Regional helpline · Regional test helpline 0800 00 001" in leaflet
    assert leaflet.count("Sample data: verify before use") == 3
    card = pdf_text(folder / "contacts-demo-jobs-en-ba-card.pdf")
    assert "Regional helpline · Regional test helpline 0800 00 001" in card and "Sample data" in card
    poster = pdf_text(folder / "contacts-demo-jobs-en-ba-poster-a4.pdf")
    assert "Regional helpline · Regional test helpline" in poster and "Mon–Fri 9:00 AM – 5:00 PM" in poster
    factsheet = pdf_text(folder / "contacts-demo-jobs-en-ba-factsheet.pdf")
    assert "No national line: a regional line answers." in factsheet and "112" in factsheet


def test_hours_are_printed_in_arabic(built) -> None:
    dist, _ = built
    # pypdf gives the page's visual order (left to right), with words whole.
    pdf = dist / "contacts-demo" / "ar" / "jobs" / "contacts-demo-jobs-ar-ba-leaflet.pdf"
    text = PdfReader(str(pdf)).pages[0].extract_text().replace("\u00a0", " ")
    # The line that holds the whole range (the back panel may wrap it; the cover box does not).
    line = next(t for t in text.splitlines() if "9:00" in t and "5:00" in t)
    assert "الاثنين" in line and "الجمعة" in line and "Mon" not in text  # CLDR day names
    # Right to left: the days stand rightmost, then 9:00 AM (ص), the closing 5:00 PM (م) leftmost.
    assert line.index("م 5:00") < line.index("ص 9:00") < line.index("الاثنين")


def test_sms_and_share_image_use_the_regional_line(built) -> None:
    dist, _ = built
    sms = (dist / "contacts-demo" / "en" / "jobs" / "contacts-demo-jobs-en-ba-sms.txt").read_text(encoding="utf-8")
    assert "Regional test helpline: 0800 00 001" in sms


def test_help_pages_show_kind_hours_and_kosovo_footnote(built) -> None:
    dist, _ = built
    site = dist / "contacts-demo"
    ba = (site / "en" / "help" / "ba.html").read_text(encoding="utf-8")
    assert ba.index("Regional helpline") < ba.index("Regional test helpline") < ba.index("Emergency number")
    assert '<bdi dir="ltr" class="hours">Mon–Fri 9:00\u00a0AM\u00a0–\u00a05:00\u00a0PM</bdi>' in ba
    assert FOOTNOTE not in ba
    xk = (site / "en" / "help" / "xk.html").read_text(encoding="utf-8")
    assert "Where to get help in Kosovo*" in xk and FOOTNOTE in xk
    assert "every day" in xk and "Sample data: verify before use" in xk
    # Pages that list Kosovo among the countries carry the footnote too; the safety page does not name it.
    assert FOOTNOTE in (site / "en" / "index.html").read_text(encoding="utf-8")
    assert FOOTNOTE not in (site / "en" / "safety.html").read_text(encoding="utf-8")


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html"))


def _eu_problems(pages: list[Path]) -> list[str]:
    missing = []
    for page in pages:
        html = page.read_text(encoding="utf-8")
        if 'class="eu-emblem"' not in html or 'class="eu-label"' not in html:
            missing.append(f"{page}: no EU emblem or funding line")
        if "XK" in page.name.upper() and FOOTNOTE not in html:
            missing.append(f"{page}: no Kosovo footnote")
    return missing


def test_every_page_of_an_eu_funded_microsite_carries_the_emblem(built) -> None:
    dist, _ = built
    pages = _pages(dist / "contacts-demo")
    assert len(pages) >= 10
    assert _eu_problems(pages) == []
    home = (dist / "contacts-demo" / "ar" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<svg class="eu-emblem"[^>]*role="img" aria-label="[^"]+"', home)


def test_sample_microsite_carries_emblem_and_disclaimer_on_every_page(sample_build: Path) -> None:
    pages = _pages(sample_build / "safe-journeys")
    assert len(pages) > 20
    assert _eu_problems(pages) == []
    # Every sample number on a help page carries the sample-data notice.
    for page in (sample_build / "safe-journeys").glob("*/help/*.html"):
        html = page.read_text(encoding="utf-8")
        lines = html.count('<div class="hotline')
        assert lines and html.count('<span class="sample">') >= lines, page


def test_the_draft_mark_covers_nothing_on_the_real_templates(built) -> None:
    dist, stderr = built
    assert "covers" not in stderr, stderr
    urdu = dist / "long-urdu" / "ur" / "migrants" / "long-urdu-migrants-ur-ba-factsheet.pdf"
    reader = PdfReader(str(urdu))
    assert len(reader.pages) == 3  # long enough that the disclaimer sits on page 3
    last = reader.pages[2].extract_text()
    # The disclaimer's page (after the help block with the campaign's address) carries the mark
    # too, apart (checked above). Not the Urdu words themselves: Nastaliq's contextual glyphs do
    # not extract back to text.
    assert "long-urdu.example.org" in last and len(last) > 200
    for pdf in (dist / "contacts-demo" / "en").rglob("*.pdf"):  # the mark is there (and measured) in every format
        assert "DRAFT — NOT FOR DISTRIBUTION" in pdf_text(pdf) or "-guide" in pdf.name, pdf


def test_a_mark_over_text_is_reported(tmp_path: Path) -> None:
    # A designer's override that drops the mark into the page: the build must say what it covers.
    (tmp_path / "templates").mkdir()
    shutil.copytree(ROOT / "templates", tmp_path / "templates", dirs_exist_ok=True)
    css = tmp_path / "templates" / "print" / "print.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n.draft-mark { top: 40mm !important; }\n", encoding="utf-8")
    project = make_project(tmp_path, FIXTURES / "long-urdu")
    result = run_toolbox("build", "--jobs", "1", "--previews", "none", "--out", "dist", cwd=project)
    assert result.returncode == 0, result.stderr
    hits = [line for line in result.stderr.splitlines() if "the draft mark covers" in line]
    assert any("long-urdu-migrants-ur-ba-factsheet.pdf" in line and re.search(r"covers “.+” on page \d", line)
               for line in hits), result.stderr
    assert any("-leaflet.pdf" in line for line in hits) and any("-card.pdf" in line for line in hits), result.stderr
    assert all(": warning: " in line for line in hits)  # an error with --strict, like overflow
