"""Planning, input keys and shards, in the process: no subprocess, no rendering.

The build tests (test_build.py, test_incremental.py) show the same through the command
line; these say exactly which files a campaign plans, which edits change which output's
key, and how shards split the outputs, in well under a second each.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from conftest import make_project
from toolbox.campaign.load import load_campaign
from toolbox.campaign.paths import inside
from toolbox.campaign.validate import validate_campaign
from toolbox.errors import Collector, ToolboxError
from toolbox.formats import load as load_formats
from toolbox.keys import KeyMaker
from toolbox.manifest import Entry, Manifest
from toolbox.options import Shard
from toolbox.plan import plan_campaign
from toolbox.project import Project
from toolbox.render.print import PrintOptions
from toolbox.render.templates import environment
from toolbox.write import gather_shards

DEFINITION = """\
[campaign]
id = "plan"
title = "Planned campaign"
source_locale = "en"
base_url = "https://plan.example.org"
countries = ["MK", "AL"]
status = "draft"
date = 2026-11-24

[[groups]]
id = "jobs"
name = "Looking for work abroad"
locales = ["en", "sq"]
countries = ["MK", "AL"]
formats = ["site", "leaflet", "poster"]
key_message = "Check the offer."
[groups.content]
about = "content/about.md"

[[groups]]
id = "transit"
name = "On the move"
locales = ["en", "ar"]
countries = ["MK"]
formats = ["site"]
key_message = "You have rights."
[groups.content]
about = "content/about.md"

[[countries.MK.hotlines]]
name = "SOS line"
number = "0800 11111"

[[countries.AL.hotlines]]
name = "Linja"
number = "116 006"
"""


@pytest.fixture
def project(tmp_path: Path) -> Project:
    root = make_project(tmp_path / "project", own_locales=True)
    folder = root / "campaigns" / "plan"
    (folder / "content").mkdir(parents=True)
    (folder / "campaign.toml").write_text(DEFINITION, encoding="utf-8")
    (folder / "content" / "about.md").write_text("Someone deceived you. It is not your fault.\n", encoding="utf-8")
    return Project(root)


def _load(project: Project):
    problems = Collector()
    campaign = load_campaign(project.campaigns / "plan", problems)
    assert campaign is not None, problems.problems
    validate_campaign(campaign, project, problems, load_formats(project.theme).chosen)
    assert not problems.errors, problems.errors
    return campaign


def test_plan_lists_every_output_once(project: Project, tmp_path: Path) -> None:
    units = plan_campaign(_load(project), load_formats(project.theme))
    paths = [u.path for u in units]
    assert len(paths) == len(set(paths))
    assert all(inside(tmp_path / "dist", p) is not None for p in paths)
    by_format: dict[str, list[str]] = {}
    for u in units:
        by_format.setdefault(u.format, []).append(u.path)
    # Print: group × locale × country × format; a poster in two paper sizes; the site-only group none.
    assert sorted(by_format["leaflet"]) == sorted(f"plan/{t}/jobs/plan-jobs-{t}-{c}-leaflet.pdf"
                                                  for t in ("en", "sq") for c in ("mk", "al"))
    assert sorted(by_format["poster"]) == sorted(f"plan/{t}/jobs/plan-jobs-{t}-{c}-poster-{p}.pdf"
                                                 for t in ("en", "sq") for c in ("mk", "al") for p in ("a3", "a4"))
    assert not any("/transit/" in p for p in paths if not p.endswith(".html"))
    # Share images beside every group × locale × country with print materials; a guide per locale × country.
    for fmt in ("share-square", "share-portrait"):
        assert sorted(by_format[fmt]) == sorted(f"plan/{t}/jobs/plan-jobs-{t}-{c}-{fmt}.png"
                                                for t in ("en", "sq") for c in ("mk", "al"))
    assert sorted(by_format["guide"]) == sorted(f"plan/{t}/plan-{t}-{c}-guide.pdf" for t in ("en", "sq") for c in ("mk", "al"))
    # The microsite: every locale a site group reads; help pages for the countries of the groups
    # reading it; a group's page only in its own locales.
    site = set(by_format["site"])
    assert site == {
        "plan/index.html", "plan/404.html",
        *(f"plan/{t}/{page}" for t in ("en", "ar", "sq") for page in ("index.html", "downloads.html", "safety.html")),
        "plan/en/help/mk.html", "plan/en/help/al.html", "plan/ar/help/mk.html", "plan/sq/help/mk.html", "plan/sq/help/al.html",
        "plan/en/jobs/index.html", "plan/en/transit/index.html", "plan/ar/transit/index.html", "plan/sq/jobs/index.html",
    }
    assert [u.locale for u in units if u.path.endswith("/safety.html")] == ["en", "ar", "sq"]  # the source first


def _keys(project: Project) -> dict[str, str]:
    campaign = _load(project)
    keys = KeyMaker(project, environment(project.theme), (PrintOptions(), "none"))
    return {u.path: keys.print_key(campaign, u) for u in plan_campaign(campaign, load_formats(project.theme)) if u.is_print}


def _changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    assert before.keys() == after.keys()
    return {p for p in before if before[p] != after[p]}


def test_keys_change_for_the_outputs_an_edit_touches(project: Project) -> None:
    before = _keys(project)
    assert _keys(project) == before  # nothing changed: every output would be reused
    assert len(set(before.values())) == len(before)

    toml = project.campaigns / "plan" / "campaign.toml"
    toml.write_text(DEFINITION.replace('number = "116 006"', 'number = "116 000"'), encoding="utf-8")
    after = _keys(project)
    assert _changed(before, after) == {p for p in before if "-al-" in p}  # Albania's outputs only

    toml.write_text(DEFINITION, encoding="utf-8")
    assert _keys(project) == before
    po = project.locales / "sq" / "LC_MESSAGES" / "plan.po"
    po.parent.mkdir(parents=True, exist_ok=True)
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "Check the offer."\nmsgstr "Kontrolloni ofertën."\n', encoding="utf-8")
    after = _keys(project)
    assert _changed(before, after) == {p for p in before if p.startswith("plan/sq/")}  # the sq outputs only

    (project.campaigns / "plan" / "content" / "about.md").write_text("Changed.\n", encoding="utf-8")
    assert _changed(after, _keys(project)) == {p for p in before if "/jobs/" in p}  # the group showing it, not the guides


def test_shards_split_the_outputs_without_gaps_or_overlaps() -> None:
    paths = [f"c/{t}/g/c-g-{t}-{n}-leaflet.pdf" for t in ("en", "sq", "ar") for n in range(60)]
    for count in (1, 2, 3, 5):
        shards = [Shard(k, count) for k in range(1, count + 1)]
        owners = [[s.index for s in shards if s.has(p)] for p in paths]
        assert all(len(o) == 1 for o in owners), count
        if count > 1:
            assert all(any(s.has(p) for p in paths) for s in shards)  # no shard is left empty
    assert Shard.parse("2/4") == Shard(2, 4)
    for bad in ("0/4", "5/4", "2", "a/b"):
        with pytest.raises(ToolboxError, match="--shard"):
            Shard.parse(bad)


def _shard(folder: Path, files: dict[str, bytes]) -> Path:
    """An output folder as a shard build leaves it: the files and a manifest naming them."""
    outputs = []
    for rel, data in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)
        outputs.append(Entry("c", "g", rel.split("/")[1], "MK", "leaflet", rel, len(data), hashlib.sha256(data).hexdigest(),
                             pages=2))
    (folder / "manifest.json").write_bytes(Manifest({"toolbox": "test", "campaigns": ["c"]}, tuple(outputs)).to_bytes())
    return folder


def test_gathering_shards_copies_their_files_and_refuses_two_versions_of_one(tmp_path: Path) -> None:
    one = _shard(tmp_path / "one", {"c/en/a.pdf": b"A", "c/en/shared.pdf": b"S"})
    two = _shard(tmp_path / "two", {"c/sq/b.pdf": b"B", "c/en/shared.pdf": b"S"})
    out = tmp_path / "out"
    out.mkdir()
    assert gather_shards([one, two], out) == 4
    assert {p.relative_to(out).as_posix() for p in out.rglob("*.pdf")} == {"c/en/a.pdf", "c/en/shared.pdf", "c/sq/b.pdf"}

    three = _shard(tmp_path / "three", {"c/en/shared.pdf": b"other bytes"})
    with pytest.raises(ToolboxError) as caught:
        gather_shards([one, three], tmp_path / "out2")
    assert any("differs from the same file in another shard" in p.message for p in caught.value.problems)
    (one / "c/en/a.pdf").write_bytes(b"changed after the build")
    with pytest.raises(ToolboxError) as caught:
        gather_shards([one], tmp_path / "out3")
    assert any("does not match its manifest entry" in p.message for p in caught.value.problems)
