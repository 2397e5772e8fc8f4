"""``--shard K/N`` balanced by recorded render times (toolbox/shards.py)."""

from __future__ import annotations

import json
import random
import statistics
from pathlib import Path

import pytest

from conftest import ROOT, make_project, run_toolbox
from toolbox.errors import ToolboxError
from toolbox.formats import load as load_formats
from toolbox.inputs import load_all
from toolbox.options import Shard
from toolbox.plan import plan_campaign
from toolbox.project import Project
from toolbox.shards import read_times, selected, slices, times_for_shards


@pytest.fixture(scope="module")
def sample_paths() -> list[str]:
    """The print outputs the bundled sample really plans (136)."""
    project = Project(ROOT)
    campaigns, problems = load_all(project)
    problems.raise_if_errors()
    formats = load_formats(project.theme)
    return [u.path for c in campaigns for u in plan_campaign(c, formats) if u.is_print]


def skewed_times(paths: list[str]) -> dict[str, float]:
    """Render times shaped like a real build's: share images fast, posters and Easy Read slow, a long tail."""
    rng = random.Random(15)
    base = {"share": 0.3, "card": 0.6, "leaflet": 1.6, "poster": 2.4, "easyread": 4.0, "guide": 0.9}
    return {p: next((v for k, v in base.items() if k in p), 1.0) * rng.lognormvariate(0, 0.35) for p in paths}


@pytest.mark.parametrize("count", [2, 3, 4, 8])
def test_slowest_shard_within_15_percent_of_the_mean(sample_paths: list[str], count: int):
    times = skewed_times(sample_paths)
    dealt = slices(sample_paths, count, times)
    loads = [sum(times[p] for p in s) for s in dealt]
    assert max(loads) <= 1.15 * statistics.mean(loads), loads
    assert sorted(p for s in dealt for p in s) == sorted(sample_paths)  # every output in exactly one slice


def test_the_hash_split_is_far_from_that_on_the_same_times(sample_paths: list[str]):
    # Why balance: today's split by a hash of the path leaves one of 8 slices much slower.
    times = skewed_times(sample_paths)
    loads = [sum(times[p] for p in sample_paths if Shard(k, 8).has(p)) for k in range(1, 9)]
    assert max(loads) > 1.15 * statistics.mean(loads)


def test_without_times_the_split_is_todays(sample_paths: list[str]):
    for k in (1, 2, 3):
        assert selected(sample_paths, Shard(k, 3), {}) == {p for p in sample_paths if Shard(k, 3).has(p)}


def test_new_outputs_count_as_the_median_and_the_split_is_stable(sample_paths: list[str]):
    times = skewed_times(sample_paths[:100])  # 36 outputs added since the times were recorded
    first = slices(sample_paths, 4, times)
    assert first == slices(list(reversed(sample_paths)), 4, times)  # the order given does not matter
    assert sorted(p for s in first for p in s) == sorted(sample_paths)
    guess = statistics.median(times.values())
    loads = [sum(times.get(p, guess) for p in s) for s in first]
    assert max(loads) <= 1.15 * statistics.mean(loads)


def test_damaged_times_are_ignored_and_a_named_file_must_hold_some(tmp_path: Path):
    bad = tmp_path / "t.json"
    bad.write_text(json.dumps({"seconds": {"a.pdf": 1.5, "b.pdf": "slow", "c.pdf": -1, "d.pdf": float("inf"), "e.pdf": True}}))
    assert read_times(bad) == {"a.pdf": 1.5}
    (tmp_path / "nonsense.json").write_text("[1, 2")
    assert read_times(tmp_path / "nonsense.json") == {}
    with pytest.raises(ToolboxError, match="--shard-times .*missing.json: no render times in it"):
        times_for_shards(tmp_path, tmp_path / "missing.json")
    assert times_for_shards(tmp_path, None) == {}  # no build-times.json in the project: the hash split


def test_shards_split_by_a_builds_times_and_merge_whole(tmp_path: Path):
    project = make_project(tmp_path / "p")
    assert run_toolbox("new", "jobs", cwd=project).returncode == 0
    full = run_toolbox("build", "--jobs", "1", "--previews", "none", "--out", "full", cwd=project)
    assert full.returncode == 0, full.stderr
    times = json.loads((project / "full/.toolbox-times.json").read_text())["seconds"]
    manifest = json.loads((project / "full/manifest.json").read_text())
    prints = {o["path"] for o in manifest["outputs"] if o["format"] not in ("site", "asset", "sms", "preview", "audio")}
    assert set(times) == {p for p in prints if p.endswith((".pdf", ".png"))} and all(t > 0 for t in times.values())

    made = []
    for k in (1, 2):
        shard = run_toolbox("build", "--jobs", "1", "--previews", "none", "--shard", f"{k}/2",
                            "--shard-times", "full/.toolbox-times.json", "--out", f"s{k}", cwd=project)
        assert shard.returncode == 0, shard.stderr
        made.append({o["path"] for o in json.loads((project / f"s{k}/manifest.json").read_text())["outputs"]})
    assert made[0] and made[1] and not made[0] & made[1]
    assert made[0] | made[1] == set(times)
    assert made[0] == selected(times, Shard(1, 2), times)
    merged = run_toolbox("merge", "s1", "s2", "--previews", "none", "--out", "merged", cwd=project)
    assert merged.returncode == 0, merged.stderr
    assert "0 rendered" in merged.stdout or f"{len(times)} print files reused" in merged.stdout
    assert set(json.loads((project / "merged/.toolbox-times.json").read_text())["seconds"]) == set(times)
