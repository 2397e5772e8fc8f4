"""The Easy Read edition and pictograms (issue 18).

The rule check is run on real layouts of small documents (one that keeps every
rule, in both directions, and one that breaks each); the print-demo campaign is
built once with the easyread format and pictograms, and read back.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import make_project, run_toolbox
from toolbox.render.easyread import check_easy_read
from toolbox.render.pdf import render_pdf

DEMO = Path(__file__).parent / "fixtures" / "print-demo"
GOOD = """<html lang="{lang}" dir="{dir}"><head><style>
@page {{ size: A4; margin: 20mm; }} body {{ font-family: "DejaVu Sans", sans-serif; font-size: 16pt; {extra} }}
p {{ max-width: 130mm; }}
</style></head><body><p>{text}</p><p>Call 0800 11111.</p>
<div data-mark="draft mark" style="font-size: 8pt; text-transform: uppercase">Draft</div></body></html>"""


def _lines(tmp: Path, extra: str = "", text: str = "Someone keeps your passport.", lang="en", direction="ltr"):
    result = render_pdf(GOOD.format(extra=extra, text=text, lang=lang, dir=direction), tmp, [tmp], lines=True)
    return result.lines


@pytest.mark.parametrize("lang, direction, text", [("en", "ltr", "Someone keeps your passport."),
                                             ("ar", "rtl", "شخص يحتفظ بجواز سفرك.")])
def test_a_page_that_keeps_the_rules_passes(tmp_path: Path, lang: str, direction: str, text: str) -> None:
    lines = _lines(tmp_path, text=text, lang=lang, direction=direction)
    assert [line.text for line in lines] == [text, "Call 0800 11111."]  # the draft mark is not read
    assert check_easy_read(lines, "x.pdf", lang) == []


@pytest.mark.parametrize("extra, rule", [
    ("font-size: 12pt", "smaller than 14 pt, first on page 1, 12 pt"),
    ("font-style: italic", "set in italics"),
    ("hyphens: auto", "hyphenated"),
    ("text-align: justify", "not aligned to the start side"),
    ("text-align: right", "not aligned to the start side"),
    ("text-transform: uppercase", "set in capitals"),
])
def test_each_broken_rule_is_named_with_its_line(tmp_path: Path, extra: str, rule: str) -> None:
    problems = check_easy_read(_lines(tmp_path, extra), "x.pdf", "en")
    assert len(problems) == 1 and rule in problems[0].message, [p.message for p in problems]
    assert "“Someone keeps your passport.”".casefold() in problems[0].message.casefold()
    assert problems[0].severity == "error"


def test_long_lines_are_named_but_a_single_long_word_is_not(tmp_path: Path) -> None:
    long = _lines(tmp_path, text="Someone keeps your passport and your money and says that you owe them a debt for the trip.",
                  extra="font-size: 7pt")  # about 90 characters a line
    assert any("longer than 70 characters" in p.message for p in check_easy_read(long, "x.pdf", "en"))
    word = _lines(tmp_path, text="https://a-long-address-for-testing.example.org/en/jobs-abroad/index.html")
    assert check_easy_read(word, "x.pdf", "en") == []


# ---------------------------------------------------------------- the format, built


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict, str]:
    tmp = tmp_path_factory.mktemp("easyread")
    shutil.copytree(Path(__file__).resolve().parents[1] / "templates", tmp / "templates", symlinks=True)
    project = make_project(tmp)
    target = project / "campaigns" / DEMO.name
    shutil.copytree(DEMO, target)
    toml = (target / "campaign.toml").read_text(encoding="utf-8")
    toml = toml.replace('formats = ["leaflet", "poster", "card", "factsheet"]', 'formats = ["site", "leaflet", "easyread"]')
    toml = toml.replace('what_to_do = "content/what_to_do.md"\n',
                        'what_to_do = "content/what_to_do.md"\n\n[groups.pictograms]\n'
                        'warning_signs = ["fee", "contract", "", "passport"]\n')
    (target / "campaign.toml").write_text(toml, encoding="utf-8")
    out = project / "out"
    result = run_toolbox("build", "--jobs", "1", "--previews", "none", "--time-limit", "0", "--out", str(out), cwd=project)
    assert result.returncode == 0, result.stderr
    return out, json.loads((out / "manifest.json").read_text(encoding="utf-8")), result.stderr


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_easyread_is_built_checked_and_listed(built) -> None:
    out, manifest, stderr = built
    (entry,) = [o for o in manifest["outputs"] if o["format"] == "easyread"]
    assert entry["path"].endswith("-en-mk-easyread.pdf") and entry["pages"] >= 1
    assert "Easy Read" not in stderr  # the template keeps its own rules
    assert "covers" not in stderr  # no pictogram over its point's text (nor the draft mark over anything)
    text = " ".join(_text(out / entry["path"]).split())
    assert text.count("0800 11111") >= entry["pages"] + 2  # in the box at the start and the end, and on every page
    downloads = (out / DEMO.name / "en" / "downloads.html").read_text(encoding="utf-8")
    assert "Easy Read (large print, with pictures)" in downloads


def test_pictograms_are_drawn_beside_their_points_and_not_read(built) -> None:
    out, manifest, _ = built
    page = (out / DEMO.name / "en" / "jobs" / "index.html").read_text(encoding="utf-8")
    items = re.findall(r'<li class="has-picto"[^>]*><span class="picto" aria-hidden="true"><svg aria-hidden="true"', page)
    assert len(items) == 3  # four points named, one with "" (none)
    leaflet = next(o for o in manifest["outputs"] if o["format"] == "leaflet")
    pdf = out / leaflet["path"]
    # Vector strokes in the PDF, no text of their own: the point's text is read once.
    text = " ".join(_text(pdf).split())
    assert text.count("Someone wants to keep your passport") <= 1
    streams = subprocess.run(["qpdf", "--qdf", "--object-streams=disable", str(pdf), "-"], capture_output=True,
                             check=True).stdout
    assert b"1 J" in streams  # round line caps: Lucide's strokes (nothing else on a leaflet has them)


@pytest.mark.parametrize("padding, covers", [("2.1em", True), ("18mm", False)])
def test_a_pictogram_over_its_text_is_found(tmp_path: Path, padding: str, covers: bool) -> None:
    """Easy Read's 14 mm pictograms need more room than the leaflet's 2.1 em: the build measures it."""
    from markupsafe import Markup

    from toolbox.campaign.pictograms import with_pictograms

    items = with_pictograms(Markup("<ul><li>Someone keeps your passport.</li></ul>"), ["passport"],
                            Path(__file__).resolve().parents[1] / "templates")
    html = (f'<html lang="en"><head><style>@page {{ size: A5; margin: 15mm }} body {{ font-size: 16pt }}'
            f'li.has-picto {{ list-style: none; position: relative; padding-inline-start: {padding} }}'
            '.picto { position: absolute; top: 0; left: 0; width: 14mm; height: 14mm } .picto svg { width: 100%; height: 100% }'
            f'</style></head><body>{items}</body></html>')
    hits = render_pdf(html, tmp_path, [tmp_path]).collisions
    assert [(h.label, h.covered) for h in hits] == ([("pictogram", "Someone keeps your passport.")] if covers else [])


def test_pictograms_print_in_the_accent_colour_on_screen_and_press(tmp_path: Path) -> None:
    """WeasyPrint draws an inline SVG's currentColor black: the build gives each pictogram the accent colour."""
    from markupsafe import Markup

    from toolbox.campaign.pictograms import tinted, with_pictograms
    from toolbox.render.prepress import preflight
    from toolbox.render.pressdata import press_setup
    from toolbox.render.raster import pages

    templates = Path(__file__).resolve().parents[1] / "templates"
    items = with_pictograms(Markup("<ul><li>Someone keeps your passport.</li></ul>"), ["passport"], templates)
    html = tinted('<html lang="en"><head><title>t</title><style>:root { --accent: #0b6e69 } @page { size: 60mm 30mm; '
                  'margin: 0; bleed: 3mm } li { list-style: none } .picto svg { width: 20mm; height: 20mm }</style>'
                  f'</head><body>{items}</body></html>', ":root { --accent: #ff0000 }")  # the page's own wins
    assert 'color="#0b6e69"' in html
    screen = render_pdf(html, tmp_path, [tmp_path])
    colours = {c for _, c in next(iter(pages(screen.data, dpi=72))).convert("RGB").getcolors(1 << 20)}
    assert any(g > r + 40 and g > 60 for r, g, b in colours), "no green stroke"  # not black, not grey
    press = render_pdf(html, tmp_path, [tmp_path, templates], press=press_setup(templates, tmp_path, "", "", "x-4"))
    assert preflight(press.data, "p.pdf").rgb == []  # the colour went through the profile: no RGB in a press file
