"""The public Python API (``import toolbox``): a build in the library, its report, its rules.

One small campaign (microsite only, English and Arabic), built in this process
through ``toolbox.build``, no command line; the page budget and ``strict`` are
enforced by the library itself.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import toolbox
from conftest import make_project
from toolbox import BuildFailed, BuildOptions, BuildReport, Problem, Project, ToolboxError


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Project:
    from toolbox.campaign.scaffold import create_campaign

    project = Project(make_project(tmp_path_factory.mktemp("api")))
    toml = create_campaign(project, "demo") / "campaign.toml"
    text = toml.read_text(encoding="utf-8")
    # Arabic without a campaign catalog: published (min_translated 0), with a warning that its texts fall back.
    text = text.replace('publisher = "Your organisation"', 'publisher = "Your organisation"\nmin_translated = 0')
    text = text.replace('locales = ["en"]', 'locales = ["en", "ar"]').replace('formats = ["site", "leaflet"]',
                                                                              'formats = ["site"]')
    toml.write_text(text, encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def built(project: Project, tmp_path_factory) -> tuple[Path, BuildReport]:
    out = tmp_path_factory.mktemp("api-out")
    return out, toolbox.build(project, out, BuildOptions(jobs=1))


def test_the_public_names() -> None:
    for name in ("build", "validate", "pack", "merge", "Project", "BuildOptions", "BuildReport", "Problem", "ToolboxError"):
        assert name in toolbox.__all__ and getattr(toolbox, name) is not None
    assert callable(toolbox.build) and callable(toolbox.merge) and callable(toolbox.pack)
    assert issubclass(BuildFailed, ToolboxError)


def test_a_build_reports_what_it_wrote(built: tuple[Path, BuildReport]) -> None:
    out, report = built
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert report.out == out and report.campaigns == ["demo"]
    assert report.outputs == len(manifest["outputs"]) > 0
    assert (report.pdfs, report.images, report.rendered, report.reused) == (0, 0, 0, 0)  # a microsite only
    assert {w.path for w in report.weights} >= {"demo/index.html", "demo/en/index.html", "demo/ar/index.html"}
    assert not report.errors and not report.failed
    assert all(isinstance(p, Problem) for p in report.problems)
    assert any("ar: " in w.message and "fall back" in w.message for w in report.warnings), report.warnings


def test_the_root_page_is_a_safe_language_picker(built: tuple[Path, BuildReport]) -> None:
    out, _ = built
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert '<meta name="referrer" content="no-referrer">' in page
    body = page[page.index("<body"):]
    assert body.index('id="quick-exit"') < body.index("<a ", body.index('id="quick-exit"') + 1), "quick exit is not first"
    assert 'href="https://www.wikipedia.org/" rel="noreferrer"' in page
    languages = re.findall(r'<li lang="([^"]+)" dir="([^"]+)"><a href="([^"]+)"[^>]*><span class="lang-name">([^<]+)<', page)
    assert languages == [("en", "ltr", "demo/en/index.html", "English"), ("ar", "rtl", "demo/ar/index.html", "العربية")]
    for _, _, href, _ in languages:
        assert (out / href).is_file()
    assert 'href="demo/assets/site.css"' in page and (out / "demo/assets/site.css").is_file()
    assert (out / "demo/assets/fonts/_languages/fonts.css").is_file()


def test_a_page_over_budget_fails_the_build_before_the_manifest(project: Project, built: tuple[Path, BuildReport]) -> None:
    out, _ = built
    manifest = (out / "manifest.json").read_bytes()
    with pytest.raises(BuildFailed) as failed:
        toolbox.build(project, out, BuildOptions(page_budget=1024))
    over = [p for p in failed.value.problems if "over the budget of 1.0 KB" in p.message]
    assert over and all(p.severity == "error" for p in over)
    assert {p.path for p in over} == {str(out / w.path) for w in failed.value.report.weights if w.total > 1024}
    assert set(failed.value.report.errors) == set(over)  # the report carries them too, as the only errors
    assert (out / "manifest.json").read_bytes() == manifest, "a build over budget replaced the manifest"
    assert toolbox.build(project, out, BuildOptions(page_budget=None)).outputs > 0  # no budget: no problem


def test_strict_turns_warnings_into_errors(project: Project, built: tuple[Path, BuildReport], tmp_path: Path) -> None:
    _, report = built
    assert report.warnings
    with pytest.raises(BuildFailed) as failed:
        toolbox.build(project, tmp_path / "strict", BuildOptions(strict=True))
    assert failed.value.problems and all(p.severity == "error" for p in failed.value.problems)
    assert any(p.path.endswith("demo.po") for p in failed.value.problems)  # each untranslated Arabic text
    assert not (tmp_path / "strict" / "manifest.json").exists()


def test_validate_reports_without_writing(project: Project) -> None:
    report = toolbox.validate(project)
    assert report.out is None and report.campaigns == ["demo"] and not report.errors
    with pytest.raises(ToolboxError, match="no campaign 'nope'"):
        toolbox.validate(project, ["nope"])


def test_options_are_frozen_and_checked() -> None:
    options = BuildOptions(campaigns=["demo"])  # type: ignore[arg-type]
    assert options.campaigns == ("demo",)
    with pytest.raises(AttributeError):
        options.strict = True  # type: ignore[misc]
    with pytest.raises(ToolboxError, match="previews"):
        BuildOptions(previews="some")
    with pytest.raises(ToolboxError, match="no shard"):
        toolbox.merge(Project(Path("/nonexistent")), [], Path("/nonexistent"), BuildOptions(shard=toolbox.Shard(1, 2)))
