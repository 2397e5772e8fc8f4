"""The built-in theme and a project's overrides of it (toolbox/theme.py), init, eject, the brand kit.

The build test makes a real project without templates/ of its own (as 'pip install toolbox'
gives an NGO), overrides one template and one catalog message, sets a brand colour, builds
it, and reads the PDFs, the share image and the stylesheet back.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

from conftest import ROOT, run_toolbox
from toolbox.i18n.catalog import merged_messages, po_path
from toolbox.project import Project
from toolbox.render.fonts import load_fonts
from toolbox.theme import Theme, builtin_root

BRAND = "#6a1b9a"


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_project_file_wins_and_every_other_file_comes_from_the_builtin_theme(tmp_path: Path) -> None:
    assert builtin_root() == ROOT  # a checkout: the repository's own folders
    _write(tmp_path / "templates/print/card.html", "{# mine #}\n")
    _write(tmp_path / "templates/print/mine.html", "{# new #}\n")
    theme = Theme.of(tmp_path)
    assert theme.file("print/card.html") == tmp_path / "templates/print/card.html"
    assert theme.file("print/leaflet.html") == ROOT / "templates/print/leaflet.html"
    assert theme.file("print/none.html") == tmp_path / "templates/print/none.html"  # where to add it
    listed = {p.name: p for p in theme.listing("print")}
    assert listed["card.html"].parent == tmp_path / "templates/print"
    assert listed["print.css"].parent == ROOT / "templates/print"
    assert theme.overrides() == ["print/card.html"] and theme.additions() == ["print/mine.html"]
    # A stylesheet named beside the project's print templates is read from the theme.
    assert theme.resolve(tmp_path / "templates/print/print.css") == ROOT / "templates/print/print.css"
    assert Theme.of(ROOT).folders == (ROOT / "templates",)  # the repository is the built-in theme


def test_a_project_catalog_overrides_only_the_messages_it_translates(tmp_path: Path) -> None:
    builtin = po_path(ROOT / "locales", "sq", "toolbox")
    mine = _write(po_path(tmp_path / "locales", "sq", "toolbox"),
                  'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "Warning signs"\nmsgstr "Kujdes!"\n\nmsgid "Stay safe"\nmsgstr ""\n')
    table = merged_messages([mine, builtin])
    assert table["Warning signs"] == "Kujdes!"
    shipped = merged_messages([builtin])
    assert shipped["Warning signs"] != "Kujdes!"
    assert table["Stay safe"] == shipped["Stay safe"]  # untranslated in the project: the built-in translation stays


def test_fonts_toml_is_merged_per_family(tmp_path: Path) -> None:
    _write(tmp_path / "templates/fonts/fonts.toml",
           '[families."Noto Sans"]\nregular = "NotoSans-Regular.ttf"\n\n[line_height]\nLatn = 1.5\n')
    (tmp_path / "templates/fonts/NotoSans-Regular.ttf").write_bytes((ROOT / "templates/fonts/NotoSans-Regular.ttf").read_bytes())
    fonts = load_fonts(Theme.of(tmp_path))
    sans = [f for f in fonts.faces if f.family == "Noto Sans"]
    assert [f.path for f in sans] == [tmp_path / "templates/fonts/NotoSans-Regular.ttf"]  # the project's family, whole
    assert any(f.family == "Noto Nastaliq Urdu" for f in fonts.faces)  # the others stay
    assert fonts.line_height("Latn") == 1.5
    assert fonts.line_height("Arab", "ur") == load_fonts(Theme.of(ROOT)).line_height("Arab", "ur")


def test_init_makes_a_project_that_validates_and_eject_refuses_what_it_cannot_copy(tmp_path: Path) -> None:
    result = run_toolbox("init", "my-ngo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    project = tmp_path / "my-ngo"
    assert (project / "campaigns/safe-journeys/campaign.toml").is_file()
    assert (project / "locales/sq/LC_MESSAGES/safe-journeys.po").is_file()
    assert not (project / "locales/sq/LC_MESSAGES/toolbox.po").exists()  # template catalogs stay built in
    assert "dist/" in (project / ".gitignore").read_text() and "[brand]" in (project / "toolbox.toml").read_text()
    assert not (project / "templates").exists()
    assert run_toolbox("validate", cwd=project).returncode == 0
    again = run_toolbox("init", "my-ngo", cwd=tmp_path)
    assert again.returncode == 1 and "already a toolbox project" in again.stderr
    bad = run_toolbox("theme", "eject", "print/cards.html", "../x", cwd=project)
    assert bad.returncode == 1 and "has no 'print/cards.html'" in bad.stderr and "path inside the theme" in bad.stderr
    assert not (project / "templates").exists()  # nothing copied while a name is wrong
    assert run_toolbox("theme", "eject", "print/card.html", cwd=project).returncode == 0
    listed = run_toolbox("theme", "list", cwd=project)
    assert "overrides  templates/print/card.html" in listed.stdout, listed.stdout


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _colour_share(image: Image.Image, colour: str) -> float:
    """The share of ``image``'s pixels that are (nearly) ``colour``."""
    want = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    data = image.convert("RGB").tobytes()
    near = sum(1 for i in range(0, len(data), 3) if all(abs(data[i + j] - want[j]) < 12 for j in range(3)))
    return near / (image.width * image.height)


def _has_colour(pdf: Path, colour: str, share: float = 0.01) -> bool:
    """At least ``share`` of the first page's pixels are (nearly) ``colour``."""
    return _colour_share(pdfium.PdfDocument(pdf.read_bytes())[0].render(scale=0.5).to_pil(), colour) >= share


def test_a_project_without_templates_builds_with_its_overrides_and_brand(tmp_path: Path) -> None:
    project = tmp_path / "ngo"
    (project / "campaigns").mkdir(parents=True)
    assert run_toolbox("new", "demo", cwd=project).returncode == 0
    toml = project / "campaigns/demo/campaign.toml"
    text = toml.read_text().replace('locales = ["en"]', 'locales = ["en", "sq"]').replace(
        'formats = ["site", "leaflet"]', 'formats = ["site", "leaflet", "card"]')
    toml.write_text(text.replace('exit_url =', 'min_translated = 0\nexit_url =', 1))
    assert run_toolbox("theme", "eject", "print/card.html", cwd=project).returncode == 0
    card = project / "templates/print/card.html"
    card.write_text(card.read_text().replace("{% block body %}", "{% block body %}<p>EJECTEDCARD</p>", 1))
    _write(po_path(project / "locales", "sq", "toolbox"),
           'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "Warning signs"\nmsgstr "SHENJAT TONA"\n')
    _write(project / "toolbox.toml", f'[brand]\norganisation = "Purple Help"\nprimary = "{BRAND}"\n'
                                     'contact = "Purple Help · +389 2 123 456"\n')
    result = run_toolbox("build", "--jobs", "1", "--locale", "sq", cwd=project)
    assert result.returncode == 0, result.stderr
    dist = project / "dist"
    manifest = json.loads((dist / "manifest.json").read_text())
    by_format = {o["format"]: dist / o["path"] for o in manifest["outputs"] if o["locale"] == "sq"}
    card_text, leaflet_text = _pdf_text(by_format["card"]), _pdf_text(by_format["leaflet"])
    assert "EJECTEDCARD" in card_text and "EJECTEDCARD" not in leaflet_text  # the ejected card, and only the card
    assert "SHENJAT TONA" in card_text and "SHENJAT TONA" in leaflet_text  # the project's translation of one message
    assert "Shenja paralajmëruese" not in leaflet_text and "Çfarë mund të bëni" in leaflet_text  # and only of that one
    assert re.search(r"\+389 2 123 456", leaflet_text)  # the brand kit's contact line
    assert _has_colour(by_format["leaflet"], BRAND)  # the cover panel and headings in the brand colour
    # The share image is drawn from the same print CSS.
    assert _colour_share(Image.open(by_format["share-square"]).resize((270, 270)), BRAND) >= 0.01
    css = (dist / "demo/assets/site.css").read_text()
    assert f"--accent: {BRAND};" in css.rsplit(":root", 1)[-1]
    # A colour change re-renders (incremental keys cover toolbox.toml), and the old colour is gone.
    _write(project / "toolbox.toml", '[brand]\nprimary = "#0d47a1"\n')
    again = run_toolbox("build", "--jobs", "1", "--locale", "sq", cwd=project)
    assert again.returncode == 0 and "0 reused" in again.stdout, again.stdout
    assert not _has_colour(by_format["leaflet"], BRAND) and _has_colour(by_format["leaflet"], "#0d47a1")
    assert Project(project).theme.file("print/card.html") == card
