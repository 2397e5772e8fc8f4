"""The packaging round trip, as an NGO installs toolbox: build the wheel and the sdist, install the
wheel into a fresh venv outside the checkout, ``toolbox init`` a project in a temporary folder and
build from it. The theme, template catalogs and sample then come from the installed package, and
a project's override of one template and one catalog message shows in the output.

Kept to about two minutes: the sample is validated whole but built for one small campaign and
one locale (the full sample build is tests/conftest.py's sample_build).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the built wheel installed; its bin/ folder."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--sdist", "--outdir", str(out), str(ROOT)],
                   check=True, capture_output=True, text=True, timeout=600)
    wheels = list(out.glob("toolbox-*.whl"))
    assert len(wheels) == 1 and list(out.glob("toolbox-*.tar.gz")), list(out.iterdir())
    names = zipfile.ZipFile(wheels[0]).namelist()
    for shipped in ("toolbox/_theme/templates/print/card.html", "toolbox/_theme/templates/fonts/NotoSans-Regular.ttf",
                    "toolbox/_theme/locales/sq/LC_MESSAGES/toolbox.po", "toolbox/_theme/campaigns/safe-journeys/campaign.toml"):
        assert shipped in names, shipped
    venv = out / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "-c", str(ROOT / "constraints.txt"), str(wheels[0])]
    result = subprocess.run(pip, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    return venv / "bin"


def _run(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(bin_dir / "toolbox"), *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=900)


def test_the_installed_wheel_inits_and_builds_a_project_with_overrides(installed: Path, tmp_path: Path) -> None:
    result = _run(installed, "init", "my-ngo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    project = tmp_path / "my-ngo"
    listed = _run(installed, "theme", "list", cwd=project)
    assert "site-packages/toolbox/_theme/templates" in listed.stdout, listed.stdout  # not this checkout's
    assert str(ROOT) not in listed.stdout
    checked = _run(installed, "validate", cwd=project)
    assert checked.returncode == 0, checked.stderr  # the whole sample, against the packaged theme and catalogs
    # A small campaign beside the sample, in Albanian: the project overrides the card and one message.
    assert _run(installed, "new", "demo", cwd=project).returncode == 0
    toml = project / "campaigns/demo/campaign.toml"
    text = toml.read_text().replace('locales = ["en"]', 'locales = ["en", "sq"]')
    text = text.replace('formats = ["site", "leaflet"]', 'formats = ["site", "leaflet", "card"]')
    toml.write_text(text.replace("exit_url =", "min_translated = 0\nexit_url =", 1))
    assert _run(installed, "theme", "eject", "print/card.html", cwd=project).returncode == 0
    card = project / "templates/print/card.html"
    card.write_text(card.read_text().replace("{% block body %}", "{% block body %}<p>OURCARD</p>", 1))
    po = project / "locales/sq/LC_MESSAGES/toolbox.po"
    po.parent.mkdir(parents=True, exist_ok=True)  # init copied the sample campaign's Albanian catalog there
    po.write_text('msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "Warning signs"\nmsgstr "SHENJAT TONA"\n', encoding="utf-8")
    built = _run(installed, "build", "demo", "--jobs", "1", "--locale", "sq", cwd=project)
    assert built.returncode == 0, built.stderr
    manifest = json.loads((project / "dist/manifest.json").read_text())
    assert manifest["campaigns"] == ["demo"]
    paths = {o["format"]: project / "dist" / o["path"] for o in manifest["outputs"] if o["locale"] == "sq"}
    assert {"leaflet", "card", "share-square", "site"} <= set(paths)
    for entry in manifest["outputs"]:
        assert (project / "dist" / entry["path"]).stat().st_size == entry["bytes"], entry["path"]

    def text_of(pdf: Path) -> str:
        return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout

    assert "OURCARD" in text_of(paths["card"]) and "OURCARD" not in text_of(paths["leaflet"])
    assert "SHENJAT TONA" in text_of(paths["leaflet"])
    # The built-in wording of that message is replaced; every other text still comes from the packaged catalog.
    assert "Shenja paralajmëruese" not in text_of(paths["leaflet"]) and "Çfarë mund të bëni" in text_of(paths["leaflet"])
