"""Copyfitting and balanced panels (issue 18): type as large as each fixed box allows, within bounds.

The arithmetic of ``render/fit.py`` is tested alone; then one small campaign with
short, normal, 30 % longer and far too long texts is built once (real WeasyPrint),
and the bundled sample's leaflets are measured as the issue measured them: the
lowest inked row of each panel at 30 dpi.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from conftest import make_project, run_toolbox
from toolbox.errors import Collector
from toolbox.formats import load as load_formats
from toolbox.formats import read as read_formats
from toolbox.render.fit import MAX_LAYOUTS, MAX_LEADING, Fill, Fitter, scale_css
from toolbox.theme import Theme

ROOT = Path(__file__).resolve().parents[1]
DEMO = Path(__file__).parent / "fixtures" / "print-demo"
FORMATS = load_formats(Theme.of(ROOT))
LEAFLET = FORMATS["leaflet"].fit
assert LEAFLET is not None


# ---------------------------------------------------------------- the arithmetic


def test_the_fixed_formats_have_fit_ranges() -> None:
    for fmt in ("leaflet", "card", "poster", "share-square", "share-portrait", "guide"):
        fit = FORMATS[fmt].fit
        assert fit is not None and fit.low <= 1 <= fit.high, fmt
    assert FORMATS["factsheet"].fit is None  # flows over pages: not fitted
    assert FORMATS["easyread"].fit is None
    assert LEAFLET.body_size(LEAFLET.low) == 9.5 and FORMATS["share-square"].fit.unit == "px"


def _run(fitter: Fitter, needed_at_1: float, power: float = 2.0, layouts: int = MAX_LAYOUTS) -> float:
    """Drive the fitter with a box whose content grows as scale**power (a model of wrapped text)."""
    scales: dict[str, float] = {}
    fill = Fill(100.0, needed_at_1)
    for _ in range(layouts - 1):
        chosen = fitter.next_scales({"box": fill})
        if chosen is None:
            break
        scales = chosen
        fill = Fill(100.0, needed_at_1 * scales["box"] ** power)
    else:
        scales = fitter.settle({"box": fill}) or scales
    return scales.get("box", 1.0)


def test_short_text_grows_to_the_largest_size_and_spreads_its_lines() -> None:
    fitter = Fitter(LEAFLET)
    assert _run(fitter, 20.0) == pytest.approx(LEAFLET.high, abs=0.005)
    assert 1 < fitter.leading["box"] <= MAX_LEADING


def test_a_box_still_short_at_the_largest_size_spreads_its_lines_further() -> None:
    # The sample's Roma flap: 36 % full at scale 1, predicted 83 % at the largest size, measured 67 %.
    fitter = Fitter(LEAFLET)
    first = fitter.next_scales({"box": Fill(100.0, 36.0)})
    assert first == {"box": pytest.approx(LEAFLET.high, abs=0.005)}
    before = fitter.leading.get("box", 1.0)
    assert fitter.next_scales({"box": Fill(100.0, 67.0)}) is not None
    assert before < fitter.leading["box"] <= MAX_LEADING
    # As wide as allowed: nothing more to try, however short the box still is.
    fitter.leading["box"] = MAX_LEADING
    assert fitter.next_scales({"box": Fill(100.0, 70.0)}) is None
    # Too wide after all: back towards the design's spacing.
    spread = Fitter(LEAFLET)
    spread.next_scales({"box": Fill(100.0, 36.0)})
    spread.next_scales({"box": Fill(100.0, 67.0)})
    wide = spread.leading["box"]
    spread.next_scales({"box": Fill(100.0, 104.0)})
    assert spread.leading.get("box", 1.0) < wide


@pytest.mark.parametrize("needed", [60.0, 95.0, 110.0, 125.0])
def test_a_text_near_the_box_ends_filling_it_without_overflow(needed: float) -> None:
    scale = _run(Fitter(LEAFLET), needed)
    final = needed * scale ** 2
    assert LEAFLET.low <= scale <= LEAFLET.high
    assert final <= 100.0, (needed, scale, final)
    assert final >= 85.0 or scale == pytest.approx(LEAFLET.high, abs=0.005), (needed, scale, final)


def test_text_that_does_not_fit_at_the_smallest_size_stays_there() -> None:
    assert _run(Fitter(LEAFLET), 400.0) == pytest.approx(LEAFLET.low, abs=0.005)


def test_a_bad_guess_falls_back_to_the_largest_size_that_fitted() -> None:
    # Content that grows faster than predicted (fixed parts wrap into new lines): the last try overflows.
    scale = _run(Fitter(LEAFLET), 70.0, power=4.0, layouts=3)
    assert 70.0 * scale ** 4 <= 100.0


def test_scale_css_quotes_labels() -> None:
    css = scale_css({'panel "1" (a\\b)': 1.2}, {'panel "1" (a\\b)': 1.1})
    assert '[data-fit="panel \\"1\\" (a\\\\b)"] { --fit: 1.2; }' in css
    assert "line-height: calc(var(--line-height, 1.35) * 1.1)" in css


def test_bad_fit_and_fold_are_named_with_their_line(tmp_path: Path) -> None:
    (tmp_path / "print").mkdir()
    for name in ("leaflet.html", "card.html"):
        (tmp_path / "print" / name).write_text("<html></html>", encoding="utf-8")
    (tmp_path / "print" / "formats.toml").write_text(
        '[leaflet]\nfamily = "print"\nname = "Leaflet"\npapers = [{ size = "a4", label = "A4" }]\nfolding = "thirds"\n'
        'fit = { body = 11, min = 12, max = 17 }\nfold = { panel = 100, fold_in = 90 }\n'
        '[card]\nfamily = "print"\nname = "Card"\npapers = [{ size = "a4", label = "A4" }]\nfit = { body = "x" }\n',
        encoding="utf-8")
    problems = Collector()
    assert read_formats(Theme((tmp_path,), ()), problems) is None
    found = {(p.line, p.message.split(";")[0]) for p in problems.errors}
    assert found == {
        (6, "fit of [leaflet] needs min ≤ body ≤ max (has min 12, body 11, max 17)"),
        (7, "fold_in of [leaflet] must be at most panel and at most 6 mm narrower (has panel 100, fold_in 90)"),
        (12, "fit of [card] needs body, min and max as positive numbers, e.g. fit = { body = 11, min = 9.5, max = 18 } "
             "(sizes in pt)"),
    }, found


# ---------------------------------------------------------------- real layouts

SENTENCE = "Someone offers you a job abroad and asks you to pay a fee before you travel there."
#: Words of the inside text per group: the inside holds about 700 words at the design size (11 pt).
SIZES = {"short": 40, "normal": 640, "long": 830, "overlong": 2400}  # long: 30 % more than normal


def _text(words: int) -> str:
    count = max(1, words // len(SENTENCE.split()))
    return "\n\n".join(" ".join([SENTENCE] * 3) for _ in range(max(1, count // 3))) + "\n"


@pytest.fixture(scope="module")
def fitted(tmp_path_factory) -> tuple[Path, dict, str]:
    project = make_project(tmp_path_factory.mktemp("fit"))
    target = project / "campaigns" / DEMO.name
    shutil.copytree(DEMO, target)
    toml = (target / "campaign.toml").read_text(encoding="utf-8")
    head, group = toml.split("[[groups]]", 1)
    group, tail = group.split("[[countries.MK.hotlines]]", 1)
    groups = []
    for name, words in SIZES.items():
        (target / "content" / f"about-{name}.md").write_text(_text(words), encoding="utf-8")
        groups.append("[[groups]]" + group.replace('id = "jobs"', f'id = "{name}"')
                      .replace('formats = ["leaflet", "poster", "card", "factsheet"]', 'formats = ["leaflet"]')
                      .replace('about = "content/about.md"', f'about = "content/about-{name}.md"'))
    (target / "campaign.toml").write_text(head + "".join(groups) + "[[countries.MK.hotlines]]" + tail, encoding="utf-8")
    out = project / "out"
    result = run_toolbox("build", "--jobs", "1", "--previews", "none", "--time-limit", "0", "--out", str(out), cwd=project)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    leaflets = {o["group"]: o for o in manifest["outputs"] if o["format"] == "leaflet"}
    return out, leaflets, result.stderr


def test_every_fitted_output_records_its_scale(fitted) -> None:
    out, leaflets, _ = fitted
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for o in manifest["outputs"]:
        if o["format"] in ("leaflet", "share-square", "share-portrait", "guide"):
            assert isinstance(o["scale"], float), o
        elif o["format"] in ("site", "asset", "preview"):
            assert "scale" not in o, o


def test_scale_follows_the_amount_of_text(fitted) -> None:
    _, leaflets, _ = fitted
    inside = {g: o["scale"] for g, o in leaflets.items()}
    # The manifest's scale is the smallest of the output's boxes; the inside's own is in the PDF's type.
    assert inside["short"] >= inside["normal"] >= inside["long"] >= inside["overlong"]
    assert inside["overlong"] == pytest.approx(LEAFLET.low, abs=0.002)


def _body_sizes(pdf: Path, page: int, word: str = "Someone") -> set[float]:
    """Font sizes (pt) of the given word on a page, read back from the PDF with pdftotext's word boxes."""
    html = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    heights = {round(float(y1) - float(y0), 1) for y0, y1, w in re.findall(
        r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', html) if w == word}
    return heights


def test_body_text_grows_when_short_and_shrinks_when_long_never_below_the_minimum(fitted) -> None:
    out, leaflets, _ = fitted
    # Word box height is the font's ascent + descent: about 1.36 × the size for Noto Sans.
    size = {g: max(_body_sizes(out / o["path"], 2)) / 1.36 for g, o in leaflets.items()}
    assert size["short"] > 15.5  # grown from 11 pt towards the 17 pt maximum
    assert 10 < size["normal"] < 15.5
    assert 9.3 < size["long"] < size["normal"]
    assert size["overlong"] == pytest.approx(9.5, abs=0.3)


def test_only_text_that_does_not_fit_at_the_minimum_overflows(fitted) -> None:
    _, _, stderr = fitted
    overflows = [line for line in stderr.splitlines() if "overflow" in line]
    assert overflows and all("-overlong-" in line for line in overflows), stderr
    assert any("overflow in inside panels (about, warning signs, rights)" in line and "“Someone offers" in line
               for line in overflows), stderr


# ---------------------------------------------------------------- the sample's leaflets

DPI = 30


def _panel_fill(pdf: Path) -> list[list[float]]:
    """Per page, per panel (thirds of the sheet): the lowest inked row as a share of the page height."""
    from PIL import Image, ImageChops

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-gray", "-png", "-r", str(DPI), str(pdf), f"{tmp}/p"], check=True)
        pages = [Image.open(p).convert("L") for p in sorted(Path(tmp).glob("p-*.png"))]
    fills = []
    for image in pages:
        width, height = image.size
        row = []
        for i in range(3):
            # A few pixels in from each fold: the dashed fold line is not content.
            panel = image.crop((i * width // 3 + 3, 0, (i + 1) * width // 3 - 3, height))
            background = max(range(256), key=panel.histogram().__getitem__)
            ink = ImageChops.difference(panel, Image.new("L", panel.size, background)).point(lambda v: 255 if v > 60 else 0)
            box = ink.getbbox()
            row.append(box[3] / height if box else 0.0)
        fills.append(row)
    return fills


def test_every_sample_leaflet_panel_is_filled_to_two_thirds(sample_build: Path, manifest: dict) -> None:
    leaflets = [o for o in manifest["outputs"] if o["format"] == "leaflet"]
    assert {o["locale"] for o in leaflets} >= {"en", "ar", "sr-Cyrl", "sq"}
    low = []
    for o in leaflets:
        for page, row in enumerate(_panel_fill(sample_build / o["path"]), 1):
            low += [(round(f, 2), o["path"].rsplit("/", 1)[-1], page, panel) for panel, f in enumerate(row, 1) if f < 0.65]
    assert not low, low
