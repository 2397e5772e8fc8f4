"""Incremental, parallel, sharded and reproducible builds, on a small project of its own."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from conftest import ROOT, make_project, run_toolbox


def outputs(out: Path) -> dict[str, dict]:
    return {o["path"]: o for o in json.loads((out / "manifest.json").read_text())["outputs"]}


def mtimes(out: Path) -> dict[str, int]:
    return {rel: (out / rel).stat().st_mtime_ns for rel in outputs(out)}


def counts(stdout: str) -> tuple[int, int]:
    m = re.search(r"(\d+) rendered, (\d+) reused", stdout)
    assert m, stdout
    return int(m.group(1)), int(m.group(2))


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """Two locales × two countries × leaflet and card, with templates of its own to edit."""
    project = make_project(tmp_path / "p", own_locales=True)
    (project / "templates").unlink()
    shutil.copytree(ROOT / "templates", project / "templates")
    assert run_toolbox("new", "jobs", cwd=project).returncode == 0
    toml = project / "campaigns/jobs/campaign.toml"
    text = toml.read_text()
    text = text.replace('locales = ["en"]', 'locales = ["en", "sq"]').replace('formats = ["site", "leaflet"]', 'formats = ["site", "leaflet", "card"]')
    text = text.replace('countries = ["MK"]', 'countries = ["MK", "AL"]')
    text += '\n[[countries.AL.hotlines]]\nname = "SOS line"\nnumber = "116 006"\nfree = true\n'
    toml.write_text(text)
    assert run_toolbox("i18n", "extract", cwd=project).returncode == 0
    assert run_toolbox("i18n", "init", "sq", cwd=project).returncode == 0
    for po in (project / "locales/sq/LC_MESSAGES").glob("*.po"):
        with po.open("rb") as fh:
            catalog = read_po(fh)
        for m in catalog:
            if m.id and isinstance(m.id, str) and (not m.string or m.fuzzy):
                m.string = f"(sq) {m.id}"
                m.flags.discard("fuzzy")
        with po.open("wb") as fh:
            write_po(fh, catalog, width=0)
    return project


def test_rebuild_renders_only_what_changed(project: Path) -> None:
    out = project / "dist"
    first = run_toolbox("build", "--jobs", "2", cwd=project)
    assert first.returncode == 0, first.stderr
    assert counts(first.stdout) == (20, 0)  # 2 locales × 2 countries × (leaflet, card, share-square, share-portrait, guide)
    before = mtimes(out)

    noop = run_toolbox("build", cwd=project)
    assert counts(noop.stdout) == (0, 20)
    assert mtimes(out) == before, "a reused output must not be rewritten"

    po = project / "locales/sq/LC_MESSAGES/jobs.po"
    po.write_text(po.read_text(encoding="utf-8").replace("(sq) SOS line", "(sq) Linja SOS"), encoding="utf-8")
    changed_po = run_toolbox("build", cwd=project)
    assert counts(changed_po.stdout) == (10, 10)  # only the Albanian outputs
    after = mtimes(out)
    redone = {rel for rel in before if rel.endswith(".pdf") and after[rel] != before[rel]}
    # (the Albanian print guides were rendered again too, but show no contact: same bytes, not rewritten)
    assert redone == {rel for rel in before if rel.endswith(".pdf") and "-sq-" in rel and "-guide" not in rel}

    card = project / "templates/print/card.html"
    card.write_text(card.read_text(encoding="utf-8") + "\n{# a designer's edit #}\n", encoding="utf-8")
    changed_template = run_toolbox("build", cwd=project)
    assert counts(changed_template.stdout) == (4, 16)  # only the cards

    forced = run_toolbox("build", "--force", cwd=project)
    assert counts(forced.stdout) == (20, 0)


def test_outputs_no_longer_defined_are_removed(project: Path) -> None:
    out = project / "dist"
    assert run_toolbox("build", cwd=project).returncode == 0
    albanian = [rel for rel in outputs(out) if "-al-" in rel]
    assert albanian
    toml = project / "campaigns/jobs/campaign.toml"
    toml.write_text(toml.read_text().replace('countries = ["MK", "AL"]', 'countries = ["MK"]'))
    result = run_toolbox("build", cwd=project)
    assert result.returncode == 0, result.stderr
    assert f"{len(albanian) + 2} removed" in result.stdout  # and the two Albania help pages
    assert not [rel for rel in outputs(out) if "-al-" in rel or rel.endswith("/help/al.html")]
    for rel in albanian:
        assert not (out / rel).exists()


def test_shards_merge_into_the_same_bytes_as_one_build(project: Path, tmp_path: Path) -> None:
    whole, a, b, merged = (tmp_path / n for n in ("whole", "a", "b", "merged"))
    assert run_toolbox("build", "--out", str(whole), cwd=project).returncode == 0
    assert run_toolbox("build", "--shard", "1/2", "--out", str(a), cwd=project).returncode == 0
    assert run_toolbox("build", "--shard", "2/2", "--out", str(b), cwd=project).returncode == 0
    sliced = set(outputs(a)) | set(outputs(b))
    assert not set(outputs(a)) & set(outputs(b))
    assert sliced == {rel for rel, o in outputs(whole).items() if o["format"] not in ("site", "asset", "sms", "audio")}
    result = run_toolbox("merge", str(a), str(b), "--out", str(merged), cwd=project)
    assert result.returncode == 0, result.stderr
    assert "20 print files reused, 0 rendered" in result.stdout
    assert {r: o["sha256"] for r, o in outputs(merged).items()} == {r: o["sha256"] for r, o in outputs(whole).items()}
    bad = run_toolbox("build", "--shard", "3/2", cwd=project)
    assert bad.returncode == 1 and "K must be between 1 and N" in bad.stderr


def test_progress_lines_when_not_a_terminal(project: Path) -> None:
    result = run_toolbox("build", "--jobs", "1", cwd=project)
    assert result.returncode == 0
    lines = [line for line in result.stderr.splitlines() if line.startswith("[")]
    assert len(lines) == 20 and lines[-1].startswith("[20/20] jobs/")


def test_sample_is_reproducible_and_parallel_equals_serial(sample_build: Path, tmp_path: Path) -> None:
    """The session's sample was built with the default jobs (every core); build it again with one."""
    again = tmp_path / "again"
    result = run_toolbox("build", "--jobs", "1", "--strict", "--out", str(again))
    assert result.returncode == 0, result.stderr
    first, second = outputs(sample_build), outputs(again)
    assert set(first) == set(second)
    differ = [rel for rel in first if first[rel]["sha256"] != second[rel]["sha256"]]
    assert not differ, f"not byte-identical: {differ[:5]}"
    for rel in first:
        assert hashlib.sha256((again / rel).read_bytes()).hexdigest() == second[rel]["sha256"]
