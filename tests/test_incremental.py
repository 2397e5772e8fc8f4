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
    text = text.replace('locales = ["en"]', 'locales = ["en", "sq"]').replace('formats = ["site", "leaflet"]', 'formats = '
                                                                                                               '["site", '
                                                                                                               '"leaflet", '
                                                                                                               '"card"]')
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


# --- a damaged output folder ----------------------------------------------------------------

DAMAGED = json.loads((Path(__file__).parent / "fixtures/hostile-output/build-folders.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def site_build(tmp_path_factory) -> tuple[Path, Path]:
    """A site-only project (builds in a second or two) and its first build."""
    project = make_project(tmp_path_factory.mktemp("site") / "p")
    assert run_toolbox("new", "demo", cwd=project).returncode == 0
    toml = project / "campaigns/demo/campaign.toml"
    toml.write_text(toml.read_text().replace('formats = ["site", "leaflet"]', 'formats = ["site"]'))
    out = project.parent / "built"
    result = run_toolbox("build", "--jobs", "1", "--out", str(out), cwd=project)
    assert result.returncode == 0, result.stderr
    return project, out


def _damage(out: Path, case: dict) -> None:
    files = {"manifest": out / "manifest.json", "state": out / ".toolbox-state.json"}
    for name, path in files.items():
        if name in case:
            path.write_text(json.dumps(case[name]), encoding="utf-8")
        raw = case.get(f"{name}_bytes")
        if raw is not None:
            if raw.startswith("REPEAT:"):
                _, unit, count = raw.split(":")
                raw = unit * int(count)
            path.write_bytes(raw.encode("latin-1"))
    if "set" in case:
        (name, *keys, last), value = case["set"]
        data = json.loads(files[name].read_text(encoding="utf-8"))
        node = data
        for key in keys:
            node = node[key]
        node[last] = value
        files[name].write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize("case", sorted(DAMAGED))
def test_a_damaged_output_folder_is_rebuilt_not_a_crash(case: str, site_build: tuple[Path, Path], tmp_path: Path) -> None:
    project, built = site_build
    out = tmp_path / "out"
    shutil.copytree(built, out)
    (out / "demo/notes.txt").write_text("mine", encoding="utf-8")  # a file toolbox did not write
    (tmp_path / "outside.txt").write_text("mine", encoding="utf-8")
    _damage(out, DAMAGED[case])
    result = run_toolbox("build", "--jobs", "1", "--out", str(out), cwd=project)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert DAMAGED[case]["expected"] in result.stderr, result.stderr
    assert outputs(out).keys() == outputs(built).keys()
    for rel, entry in outputs(out).items():
        assert hashlib.sha256((out / rel).read_bytes()).hexdigest() == entry["sha256"], rel
    assert (out / "demo/notes.txt").exists() and (tmp_path / "outside.txt").exists() and (out / ".toolbox.lock").exists()
    again = run_toolbox("build", "--jobs", "1", "--out", str(out), cwd=project)
    assert again.returncode == 0 and "warning" not in again.stderr, again.stderr  # repaired by the build


def test_files_of_a_failed_build_are_removed_once_no_build_makes_them(tmp_path: Path) -> None:
    """A build that fails after writing (here: tofu in Albania's card) must not leave its files published forever."""
    project = make_project(tmp_path / "p")
    assert run_toolbox("new", "demo", cwd=project).returncode == 0
    toml = project / "campaigns/demo/campaign.toml"
    good = toml.read_text()
    toml.write_text(good.replace('formats = ["site", "leaflet"]', 'formats = ["site", "card"]')
                    .replace('countries = ["MK"]', 'countries = ["MK", "AL"]')
                    + '\n[[countries.AL.hotlines]]\nname = "SOS \u0f40 line"\nnumber = "116 006"\nfree = true\n')
    out = project / "dist"
    failed = run_toolbox("build", "--jobs", "1", cwd=project)
    assert failed.returncode == 1 and "missing glyphs (tofu) for U+0F40" in failed.stderr, failed.stderr
    albanian = sorted(str(p.relative_to(out)) for p in out.rglob("*")
                      if p.is_file() and ("-al-" in p.name or p.name == "al.html"))
    assert any(rel.endswith("-al-card.pdf") for rel in albanian), albanian  # written, then the build failed
    mine = out / "demo/en/help/al.html"
    mine.write_text("<p>my own page, not toolbox's</p>", encoding="utf-8")
    (out / "demo/notes-al.txt").write_text("mine", encoding="utf-8")

    toml.write_text(good.replace('formats = ["site", "leaflet"]', 'formats = ["site", "card"]'))  # Albania dropped
    result = run_toolbox("build", "--jobs", "1", cwd=project)
    assert result.returncode == 0, result.stderr
    assert f"{len(albanian) - 1} removed" in result.stdout, result.stdout
    assert [rel for rel in albanian if (out / rel).exists()] == ["demo/en/help/al.html"]  # changed since: not ours
    assert (out / "demo/notes-al.txt").exists()
    assert not (out / ".toolbox-journal").exists()  # a finished build's files are all in its manifest


@pytest.mark.parametrize("where, replace_with, expected", [
    ("manifest.json", "folder", "manifest.json: Is a directory; a folder is in the way of a file toolbox writes"),
    (".toolbox.lock", "folder", ".toolbox.lock: Is a directory; a folder is in the way of a file toolbox writes"),
    ("demo/en", "file", "demo/en: File exists; a file is in the way of a folder toolbox writes"),
])
def test_something_in_the_way_is_a_clear_error(where: str, replace_with: str, expected: str,
                                               site_build: tuple[Path, Path], tmp_path: Path) -> None:
    project, built = site_build
    out = tmp_path / "out"
    shutil.copytree(built, out)
    thing = out / where
    shutil.rmtree(thing) if thing.is_dir() else thing.unlink()
    thing.mkdir() if replace_with == "folder" else thing.write_text("mine")
    result = run_toolbox("build", "--jobs", "1", "--out", str(out), cwd=project)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert expected in result.stderr, result.stderr
    assert (thing.is_dir() if replace_with == "folder" else thing.read_text() == "mine")  # left for the user to move


def test_links_in_place_of_toolboxs_own_files_lead_nowhere(site_build: tuple[Path, Path], tmp_path: Path) -> None:
    """toolbox's own files replaced by links out of the folder: nothing read, created or appended there."""
    project, built = site_build
    out = tmp_path / "out"
    shutil.copytree(built, out)
    mine = out / "demo/mine.html"
    mine.write_text("mine", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # A journal elsewhere "proving" toolbox wrote the user's file: followed, it would be removed.
    (elsewhere / "journal").write_text(json.dumps({"path": "demo/mine.html",
                                                   "sha256": hashlib.sha256(b"mine").hexdigest()}) + "\n")
    (elsewhere / "manifest.json").write_bytes((built / "manifest.json").read_bytes())
    (elsewhere / "state.json").write_bytes((built / ".toolbox-state.json").read_bytes())
    before = {p.name: p.read_bytes() for p in elsewhere.iterdir()}
    for own, target in ((".toolbox.lock", "lock"), (".toolbox-journal", "journal"), ("manifest.json", "manifest.json"),
                        (".toolbox-state.json", "state.json")):
        (out / own).unlink(missing_ok=True)
        (out / own).symlink_to(elsewhere / target)
    about = project / "campaigns/demo/content/about.md"
    text = about.read_text(encoding="utf-8")
    about.write_text("Someone lied to you about the job.", encoding="utf-8")  # so that pages are written (journaled)
    try:
        result = run_toolbox("build", "--jobs", "1", "--out", str(out), cwd=project)
    finally:
        about.write_text(text, encoding="utf-8")
    assert result.returncode == 0, result.stderr
    assert "manifest.json: warning: cannot use the previous build's manifest (a symbolic link" in result.stderr
    assert {p.name: p.read_bytes() for p in elsewhere.iterdir()} == before  # nothing created, changed or appended
    assert mine.read_text() == "mine"
    assert not any((out / own).is_symlink() for own in (".toolbox.lock", "manifest.json", ".toolbox-state.json"))
