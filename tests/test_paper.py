"""The brand kit's default paper (toolbox.toml ``paper = "Letter"``): US Letter outputs, from formats.toml alone.

A small project (the print-demo campaign: leaflet, poster, card, fact sheet, Easy Read) is built once on
Letter; the tests read the page sizes back with pypdf, find the leaflet's text on its Letter panels with
poppler, and then switch the project back to A4 to see every output rendered again.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import ROOT, copy_demo, make_project, run_toolbox
from toolbox.formats import SIZES, load
from toolbox.plan import project_formats
from toolbox.project import Project
from toolbox.theme import Theme

FOLDER = "letter-demo/en/jobs"
_PT = 72 / 25.4


@pytest.fixture(scope="module")
def letter(tmp_path_factory) -> dict:
    project = make_project(tmp_path_factory.mktemp("letter"))
    copy_demo(project, "letter-demo", lambda toml: toml.replace('formats = ["leaflet", "poster", "card", "factsheet"]',
                                                                 'formats = ["leaflet", "poster", "card", "factsheet",'
                                                                 ' "easyread"]'))
    (project / "toolbox.toml").write_text('[brand]\norganisation = "Letter Help"\npaper = "Letter"\n', encoding="utf-8")
    out = project / "dist"
    # --strict: an overflow or any other warning on the Letter pages fails the build.
    result = run_toolbox("build", "--strict", "--jobs", "1", "--previews", "none", "--out", str(out), cwd=project)
    assert result.returncode == 0, result.stderr
    return {"project": project, "out": out, "stdout": result.stdout}


def _size(pdf: Path) -> tuple[float, float]:
    box = PdfReader(pdf).pages[0].mediabox
    return round(float(box.width), 1), round(float(box.height), 1)


def test_iso_sized_formats_are_letter_and_the_card_keeps_its_size(letter: dict) -> None:
    out = letter["out"] / FOLDER
    assert _size(out / "letter-demo-jobs-en-mk-factsheet.pdf") == (612.0, 792.0)
    assert _size(out / "letter-demo-jobs-en-mk-easyread.pdf") == (612.0, 792.0)
    assert _size(out / "letter-demo-jobs-en-mk-leaflet.pdf") == (792.0, 612.0)  # landscape
    assert _size(out / "letter-demo-jobs-en-mk-poster-letter.pdf") == (612.0, 792.0)
    assert _size(out / "letter-demo-jobs-en-mk-poster-tabloid.pdf") == (792.0, 1224.0)  # 11 × 17 in
    assert _size(letter["out"] / "letter-demo/en/letter-demo-en-mk-guide.pdf") == (612.0, 792.0)
    card = _size(out / "letter-demo-jobs-en-mk-card.pdf")
    assert card == pytest.approx((85 * _PT, 55 * _PT), abs=0.1)  # a wallet card is 85 × 55 mm anywhere
    assert not list(out.glob("*-poster-a[34].pdf"))
    entries = {e["path"]: e for e in json.loads((letter["out"] / "manifest.json").read_text(encoding="utf-8"))["outputs"]}
    assert entries[f"{FOLDER}/letter-demo-jobs-en-mk-poster-tabloid.pdf"]["paper"] == "tabloid"
    share = entries[f"{FOLDER}/letter-demo-jobs-en-mk-share-square.png"]
    assert share["bytes"] > 0 and "paper" not in share


def _words(pdf: Path, page: int) -> list[tuple[float, str]]:
    """(left edge in mm, word) of every word of a page."""
    text = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    return [(float(x) / _PT, w) for x, w in re.findall(r'<word xMin="([\d.]+)"[^>]*>([^<]*)</word>', text)]


def test_leaflet_panels_land_on_the_letter_folds(letter: dict) -> None:
    """Letter landscape, 279.4 mm: outside flap 91.4 | back 94 | cover 94; inside 94 | 94 | 91.4."""
    pdf = letter["out"] / FOLDER / "letter-demo-jobs-en-mk-leaflet.pdf"
    padding = 8  # print.css --panel-pad

    def leftmost(words: list[tuple[float, str]], start: float, end: float) -> float:
        return min(x for x, _ in words if start <= x < end)

    outside, inside = _words(pdf, 1), _words(pdf, 2)
    assert leftmost(outside, 0, 91.4) == pytest.approx(padding, abs=0.6)
    assert leftmost(outside, 91.4, 185.4) == pytest.approx(91.4 + padding, abs=0.6)
    assert leftmost(outside, 185.4, 279.4) == pytest.approx(185.4 + padding, abs=0.6)
    assert leftmost(inside, 0, 94) == pytest.approx(padding, abs=0.6)
    assert leftmost(inside, 188, 279.4) == pytest.approx(188 + padding, abs=0.6)
    assert leftmost(inside, 94, 188) >= 94 + padding - 0.6
    assert max(x for x, _ in outside + inside) < 279.4 - padding  # nothing starts beyond the last panel's padding
    guide = subprocess.run(["pdftotext", str(letter["out"] / "letter-demo/en/letter-demo-en-mk-guide.pdf"), "-"],
                           capture_output=True, text=True, check=True).stdout
    flat = " ".join(guide.split())
    assert flat.count("94 mm") == 2 and flat.count("91 mm") == 1  # the fold guide, to scale (the bold one apart)
    assert "Letter landscape" in flat and "Tabloid portrait (11 × 17 in)" in flat
    assert "Leaflet (Letter, folded in three)" in flat and "A4" not in flat


def test_switching_the_paper_renders_everything_again(letter: dict) -> None:
    project, out = letter["project"], letter["out"]
    (project / "toolbox.toml").write_text('[brand]\norganisation = "Letter Help"\npaper = "A4"\n', encoding="utf-8")
    result = run_toolbox("build", "--strict", "--jobs", "1", "--previews", "none", "--out", str(out), cwd=project)
    assert result.returncode == 0, result.stderr
    assert "0 reused" in result.stdout, result.stdout
    assert _size(out / FOLDER / "letter-demo-jobs-en-mk-leaflet.pdf") == (841.9, 595.3)  # A4 landscape
    assert _size(out / FOLDER / "letter-demo-jobs-en-mk-poster-a3.pdf") == (841.9, 1190.6)
    assert not (out / FOLDER / "letter-demo-jobs-en-mk-poster-tabloid.pdf").exists()  # the stale Letter files go


def test_every_letter_alternative_fits_its_paper() -> None:
    """The built-in formats.toml on Letter: ISO papers replaced, the tri-fold's panels filling 11 in."""
    formats = load(Theme.of(ROOT)).on("Letter")
    for fmt in formats:
        for paper in fmt.papers:
            assert not paper.size.startswith("a"), (fmt.id, paper)  # no A-size left on a Letter project
    fold = formats["leaflet"].fold
    assert fold is not None and 2 * fold.panel + fold.fold_in == pytest.approx(SIZES["letter"][1])
    assert formats["share-square"].size == (1080, 1080) and formats["card"].papers[0].size == "letter"
    assert load(Theme.of(ROOT)).on("A4")["leaflet"].fold == load(Theme.of(ROOT))["leaflet"].fold


def test_the_project_file_chooses_the_paper(tmp_path: Path) -> None:
    (tmp_path / "campaigns").mkdir()
    assert [p.size for p in project_formats(Project(tmp_path))["poster"].papers] == ["a3", "a4"]
    (tmp_path / "toolbox.toml").write_text('[brand]\npaper = "letter"\n', encoding="utf-8")
    assert [p.size for p in project_formats(Project(tmp_path))["poster"].papers] == ["tabloid", "letter"]


def test_the_translation_gate_asks_for_the_labels_of_the_projects_paper(tmp_path: Path) -> None:
    """A4 projects are not asked to translate the Letter labels (nor Letter projects the A4 ones), while
    'toolbox i18n extract' offers translators every one."""
    from toolbox.formats import messages
    from toolbox.i18n.coverage import template_ids

    every = {m for m, _ in messages(Theme.of(ROOT))}
    assert {"Letter landscape", "Tabloid portrait (11 × 17 in)", "A4 landscape", "Leaflet (Letter, folded in three)"} <= every
    make_project(tmp_path)
    on_a4 = set(template_ids(Project(tmp_path)))
    assert "A4 landscape" in on_a4 and "Letter landscape" not in on_a4 and "Poster" in on_a4
    (tmp_path / "toolbox.toml").write_text('[brand]\npaper = "Letter"\n', encoding="utf-8")
    on_letter = set(template_ids(Project(tmp_path)))
    assert {"Letter landscape", "Leaflet (Letter, folded in three)", "Poster", "Wallet card"} <= on_letter
    assert "A4 landscape" not in on_letter and "Leaflet (A4, folded in three)" not in on_letter
