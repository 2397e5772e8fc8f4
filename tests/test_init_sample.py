"""`toolbox init my-ngo && cd my-ngo && toolbox build` gives the outputs of the sample built in the repository (issue 13).

Proved without a second whole-sample build: the initialised project plans the same output paths from
the same inputs (campaign files, catalogs, brand kit, every theme file resolving to the built-in one),
gives every print output the incremental key it has in the repository (the keys hash every input), and
one locale built there has, file for file, the SHA-256 of the session's repository build.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from conftest import ROOT, run_toolbox
from toolbox.brand import load_brand
from toolbox.errors import Collector
from toolbox.i18n.catalog import TEMPLATE_DOMAIN, catalog_folders
from toolbox.inputs import load_campaigns
from toolbox.plan import plan_campaign, project_formats
from toolbox.project import Project
from toolbox.theme import SAMPLE

#: Built in the initialised project: Romani, the sample's smallest locale (leaflets, Easy Read, share
#: images, text messages and print guides for two countries).
LOCALE = "rmn"


@pytest.fixture(scope="module")
def ngo(tmp_path_factory) -> Project:
    folder = tmp_path_factory.mktemp("init") / "my-ngo"
    result = run_toolbox("init", str(folder))
    assert result.returncode == 0, result.stderr
    return Project(folder)


def _tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _plan(project: Project) -> list:
    problems = Collector()
    campaigns = load_campaigns(project, [SAMPLE], problems)
    assert not problems.errors, problems.errors
    return [u for c in campaigns for u in plan_campaign(c, project_formats(project))]


def test_init_plans_the_repository_samples_outputs_from_the_same_inputs(ngo: Project) -> None:
    repo = Project(ROOT)
    assert _plan(ngo) == _plan(repo)  # every output path, group, locale, country, format and paper
    assert _tree(ngo.campaigns / SAMPLE) == _tree(repo.campaigns / SAMPLE)
    for domain in (SAMPLE, TEMPLATE_DOMAIN):
        # The catalogs each project reads for a domain, layer by layer, as the build does: the same files, or
        # copies of them (the campaign's, which init copies); no layer of the project's own that the repository lacks.
        ours = {p: h for folder in catalog_folders(ngo, domain) for p, h in _tree(folder).items()
                if p.endswith(f"/{domain}.po")}
        theirs = {p: h for folder in catalog_folders(repo, domain) for p, h in _tree(folder).items()
                  if p.endswith(f"/{domain}.po")}
        assert ours == theirs and ours, domain
    assert load_brand(ngo) == load_brand(repo)  # init's toolbox.toml is all comments: the theme's own look
    for rel in _tree(ROOT / "templates"):
        assert ngo.theme.file(rel) == repo.theme.file(rel), rel  # nothing of the theme shadowed by the project


def _keys(project: Project) -> dict[str, str]:
    from toolbox.keys import KeyMaker
    from toolbox.options import BuildOptions
    from toolbox.render.templates import environment

    problems = Collector()
    campaigns = load_campaigns(project, [SAMPLE], problems)
    options = BuildOptions()
    maker = KeyMaker(project, environment(project.theme), (options.print_options, options.previews))
    return {u.path: maker.print_key(c, u) for c in campaigns for u in plan_campaign(c, project_formats(project))
            if u.is_print}


def test_init_gives_every_print_output_the_repositorys_incremental_key(ngo: Project, tmp_path: Path) -> None:
    """The keys hash every input an output reads (files by content and by their place in the project or the
    theme, not by where either is installed): equal keys, equal inputs. Moved elsewhere, the project keeps them."""
    import shutil

    ours = _keys(ngo)
    assert len(ours) > 100 and ours == _keys(Project(ROOT))
    moved = tmp_path / "moved"
    shutil.copytree(ngo.root, moved, ignore=shutil.ignore_patterns("dist"))
    assert _keys(Project(moved)) == ours
    # And the keys do see the project: a comment in toolbox.toml changes nothing, a colour changes every key.
    (moved / "toolbox.toml").write_text("# only a comment\n", encoding="utf-8")
    assert _keys(Project(moved)) == ours
    (moved / "toolbox.toml").write_text('[brand]\nprimary = "#6a1b9a"\n', encoding="utf-8")
    changed = _keys(Project(moved))
    assert all(changed[p] != ours[p] for p in ours)


def test_one_locale_built_in_an_initialised_project_matches_the_repository_build(ngo: Project, manifest: dict) -> None:
    out = ngo.root / "dist"
    result = run_toolbox("build", "--strict", "--jobs", "1", "--locale", LOCALE, cwd=ngo.root)
    assert result.returncode == 0, result.stderr
    built = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["outputs"]
    ours = {o["path"]: o["sha256"] for o in built if o["locale"] == LOCALE and o["format"] not in ("site", "asset")}
    theirs = {o["path"]: o["sha256"] for o in manifest["outputs"]
              if o["locale"] == LOCALE and o["format"] not in ("site", "asset")}
    assert len(ours) >= 10 and {o["format"] for o in built} >= {"leaflet", "easyread", "guide", "share-square", "sms"}
    differ = sorted(p for p in ours.keys() | theirs.keys() if ours.get(p) != theirs.get(p))
    assert not differ, differ
