"""Output kinds as data: templates/print/formats.toml, read by every stage.

The end-to-end test adds a print format the code has never heard of — a
template and a table, no Python — in a throwaway project, and finds it in the
PDFs, the previews, the print guide, the downloads page, the bundles and the
catalogue.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, make_project, run_toolbox
from toolbox.errors import Collector
from toolbox.formats import FILE, PRINT, SHARE, SITE_FORMAT, load, read
from toolbox.manifest import Entry, previews_of
from toolbox.plan import plan_campaign
from toolbox.theme import Theme

HANDBILL_TABLE = """
[handbill]
family = "print"
name = "Handbill"
papers = [
  { size = "a5", label = "A5 portrait" },
  { size = "a6", zoom = 0.7071, label = "A6 portrait" },
]
sides = "single"
"""

#: A print template of its own, made in two papers (A5 and A6, the lengths scaled by zoom).
HANDBILL = """{% extends "print/_base.html" %}
{% block pages %}1{% endblock %}
{% block page_css %}
@page { size: {{ paper or "A5" }} portrait; margin: 0; }
.handbill { box-sizing: border-box; width: {{ "%.2f" % (148 * zoom) }}mm; height: {{ "%.2f" % (210 * zoom) }}mm;
            padding: {{ "%.2f" % (12 * zoom) }}mm; font-size: {{ "%.2f" % (12 * zoom) }}pt; overflow: hidden; }
.format-handbill .draft-mark { top: 1mm; }
.format-handbill .draft-mark span { font-size: 6pt; }
{% endblock %}
{% block body %}
<section class="handbill" data-fit="handbill page">
  <p style="margin-top: 8mm">{{ group.key_message }}</p>
  <p><bdi dir="ltr">{{ country.hotlines[0].number }}</bdi></p>
</section>
{% endblock %}
"""


def _templates(tmp: Path) -> Path:
    """A minimal templates/ holding formats.toml and the templates it names."""
    folder = tmp / "templates"
    for name in ("print/leaflet.html", "share/square.html", "outreach/guide.html"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text("{# stand-in #}\n", encoding="utf-8")
    return folder


def _problems(templates: Path, toml: str) -> list[str]:
    (templates / FILE).write_text(toml, encoding="utf-8")
    problems = Collector()
    assert read(Theme((templates,), ()), problems) is None
    return [str(p) for p in problems.problems]


def test_the_registry_lists_every_kind_the_product_makes() -> None:
    formats = load(Theme.of(ROOT))
    assert [f.id for f in formats.family(PRINT)] == ["leaflet", "poster", "card", "factsheet", "easyread", "flyer"]
    assert [(f.id, f.size) for f in formats.family(SHARE)] == [("share-square", (1080, 1080)), ("share-portrait", (1080, 1350))]
    assert formats.guide is not None and formats.guide.template == "outreach/guide.html" and formats.guide.bundle == ""
    poster = formats["poster"]
    assert poster.split_papers and [(p.size, p.zoom) for p in poster.papers] == [("a3", 1.4142), ("a4", 1.0)]
    assert poster.zoom("a3") == 1.4142 and formats["leaflet"].zoom(None) == 1.0
    assert formats["leaflet"].folding == "thirds" and formats["leaflet"].panels == 3
    assert formats.bundle_folder("sms") == "text" and formats.bundle_folder("preview") is None
    assert formats.bundle_folder("audio") == "audio" and formats["audio"].family == "audio"
    assert SITE_FORMAT in formats.chosen and "share-square" not in formats.chosen and "guide" not in formats.chosen


def test_a_format_in_several_papers_is_one_file_each(tmp_path: Path) -> None:
    from toolbox.campaign.load import load_campaign
    from toolbox.project import Project

    project = make_project(tmp_path)
    result = run_toolbox("new", "demo", cwd=project)
    assert result.returncode == 0, result.stderr
    definition = project / "campaigns/demo/campaign.toml"
    definition.write_text(definition.read_text(encoding="utf-8").replace(
        'formats = ["site", "leaflet"]', 'formats = ["site", "poster", "card"]'), encoding="utf-8")
    campaign = load_campaign(project / "campaigns/demo", Collector())
    units = plan_campaign(campaign, load(Project(project).theme))
    prints = [(u.format, u.paper, u.path.rsplit("/", 1)[-1]) for u in units if u.is_print]
    assert prints == [
        ("poster", "a3", "demo-jobs-abroad-en-mk-poster-a3.pdf"),
        ("poster", "a4", "demo-jobs-abroad-en-mk-poster-a4.pdf"),
        ("card", None, "demo-jobs-abroad-en-mk-card.pdf"),
        ("share-square", None, "demo-jobs-abroad-en-mk-share-square.png"),
        ("share-portrait", None, "demo-jobs-abroad-en-mk-share-portrait.png"),
        ("guide", None, "demo-en-mk-guide.pdf"),
    ]


@pytest.mark.parametrize("toml, expected", [
    ('[flyer]\nfamily = "print"\nname = "Flyer"\npapers = [{ size = "a5", label = "A5" }]\n',
     "formats.toml:1: format 'flyer' has no template (templates/print/flyer.html)"),
    ('[leaflet]\nfamily = "print"\nname = "Leaflet"\npapers = [{ size = "a4", label = "A4" }]\ncolour = "red"\n',
     "formats.toml:5: unknown key 'colour' in [leaflet]"),
    ('[leaflet]\nfamily = "print"\nname = "Leaflet"\n\npapers = [\n  { size = "a4", label = "A4" },\n  { size = "A3", label = '
     '"A3" },\n]\n',
     "formats.toml:7: paper 2 of [leaflet] needs size = a paper name in lower case"),
    ('[leaflet]\nfamily = "poster"\n', "formats.toml:2: [leaflet] needs family = one of 'print', 'share', 'guide'"),
    ('[leaflet]\nfamily = "print"\nname = "Leaflet"\npapers = [{ size = "a4", label = "A4" }]\nsides = "both"\n',
     "formats.toml:5: sides of [leaflet] must be one of 'single', 'long-edge', 'short-edge'"),
    ('[share-square]\nfamily = "share"\ntemplate = "share/square.html"\nsize = [1080]\n',
     "formats.toml:4: [share-square] needs size = [width, height] in pixels"),
    ('[site]\nfamily = "print"\n', "formats.toml:1: 'site' is made by toolbox itself"),
    ('[leaflet\nfamily = "print"\n', "formats.toml:1: cannot read formats.toml"),
])
def test_bad_formats_toml_is_a_located_problem(tmp_path: Path, toml: str, expected: str) -> None:
    problems = _problems(_templates(tmp_path), toml)
    assert any(expected in p for p in problems), problems


def test_previews_name_their_pdf() -> None:
    def entry(path: str, fmt: str = "preview") -> Entry:
        return Entry("c", "g", "en", "MK", fmt, path, 1, "0" * 64)

    pdf = entry("c/en/g/c-g-en-mk-card.pdf", "card")
    others = [entry("c/en/g/c-g-en-mk-card-big.png"), entry("c/en/g/c-g-en-mk-card-2.png"),
              entry("c/en/g/c-g-en-mk-card-1.png"), entry("c/en/g/c-g-en-mk-cards.png")]
    assert [e.path for e in previews_of(pdf, others)] == ["c/en/g/c-g-en-mk-card-1.png", "c/en/g/c-g-en-mk-card-2.png"]
    assert entry("c/en/g/c-g-en-mk-poster-a3.png").shows("c/en/g/c-g-en-mk-poster-a3.pdf")
    assert not entry("c/en/g/c-g-en-mk-poster-a3.png").shows("c/en/g/c-g-en-mk-poster.pdf")
    assert Entry.from_json(pdf.as_json()) == pdf and "pages" not in pdf.as_json() and pdf.as_json()["group"] == "g"


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_a_new_print_format_needs_a_template_and_a_table_only(tmp_path: Path) -> None:
    """The product's A5 flyer, and a handbill in A5 and A6 unknown to the code, show wherever print formats show."""
    from pypdf import PdfReader

    project = tmp_path / "project"
    project.mkdir()
    shutil.copytree(ROOT / "templates", project / "templates")
    make_project(project)
    (project / "templates/print/handbill.html").write_text(HANDBILL, encoding="utf-8")
    with (project / "templates" / FILE).open("a", encoding="utf-8") as fh:
        fh.write(HANDBILL_TABLE)  # the flyer is in the product's formats.toml already
    assert run_toolbox("new", "demo", cwd=project).returncode == 0
    definition = project / "campaigns/demo/campaign.toml"
    definition.write_text(definition.read_text(encoding="utf-8").replace(
        'formats = ["site", "leaflet"]', 'formats = ["site", "flyer", "handbill"]'), encoding="utf-8")
    out = tmp_path / "dist"
    result = run_toolbox("build", "--jobs", "1", "--out", str(out), cwd=project)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr.replace("0 warnings", ""), result.stderr

    folder = out / "demo/en/jobs-abroad"
    sizes = {"a5": (148, 210), "a6": (105, 148)}
    entries = {e["path"]: e for e in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["outputs"]}
    files = {"flyer": (148, 210), **{f"handbill-{paper}": size for paper, size in sizes.items()}}
    for name, (width, height) in files.items():
        pdf = folder / f"demo-jobs-abroad-en-mk-{name}.pdf"
        reader = PdfReader(pdf)
        box = reader.pages[0].mediabox
        assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (width, height)
        assert "0800 11111" in _pdf_text(pdf)
        rel = pdf.relative_to(out).as_posix()
        assert entries[rel]["format"] == name.split("-")[0] and entries[rel]["pages"] == len(reader.pages)
        assert entries[rel].get("paper") == (name.split("-")[1] if "-" in name else None)  # one paper: no field
        preview = rel[: -len(".pdf")] + ".png"  # the preview, beside its PDF
        assert entries[preview]["format"] == "preview" and (out / preview).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert 1 <= entries["demo/en/jobs-abroad/demo-jobs-abroad-en-mk-flyer.pdf"]["pages"] <= 2

    guide = _pdf_text(out / "demo/en/demo-en-mk-guide.pdf")
    assert guide.count("Handbill") == 2 and "A5 portrait" in guide and "A6 portrait" in guide and "single-sided" in guide
    assert "Flyer (A5)" in guide and "double-sided, flip on the long edge" in guide
    assert "How to fold" not in guide  # the handbill is not folded

    downloads = (out / "demo/en/downloads.html").read_text(encoding="utf-8")
    for paper in sizes:
        assert f'href="jobs-abroad/demo-jobs-abroad-en-mk-handbill-{paper}.pdf"' in downloads
        assert f'Handbill <bdi dir="ltr">{paper.upper()}</bdi>' in downloads
        assert f'src="jobs-abroad/demo-jobs-abroad-en-mk-handbill-{paper}.png"' in downloads
    assert 'href="jobs-abroad/demo-jobs-abroad-en-mk-flyer.pdf"' in downloads and "Flyer (A5)</h" in downloads

    packed = tmp_path / "packed"
    result = run_toolbox("pack", "--from", str(out), "--out", str(packed), cwd=project)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(packed / "demo_mk_en.zip") as zf:
        names = zf.namelist()
    for paper in sizes:
        assert f"demo_mk_en/print/demo-jobs-abroad-en-mk-handbill-{paper}.pdf" in names
    assert "demo_mk_en/print/demo-jobs-abroad-en-mk-flyer.pdf" in names and "demo_mk_en/demo-en-mk-guide.pdf" in names
    assert "demo_mk_en/text/demo-jobs-abroad-en-mk-sms.txt" in names
    catalogue = _pdf_text(packed / "demo_catalogue.pdf")
    assert "handbill A5" in catalogue and "handbill A6" in catalogue and "demo-jobs-abroad-en-mk-flyer.pdf" in catalogue
    assert "demo-jobs-abroad-en-mk-handbill-a6.pdf" in catalogue.replace("\n", "")
