"""The slow checks' results, remembered by the bytes they read (toolbox/checkcache.py), and the no-op
rebuild's trust in a file's recorded size and time (write.OutputWriter.intact)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from toolbox import checkcache
from toolbox.errors import Collector
from toolbox.i18n.checks import check_po
from toolbox.render.themecheck import check_templates
from toolbox.write import OutputWriter


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("TOOLBOX_CACHE", str(folder))
    checkcache._recalled.clear()  # this process's memory of earlier tests' lookups
    return folder


def _template_problems(templates: Path) -> list[str]:
    problems = Collector()
    check_templates(templates, problems)
    return [str(p) for p in problems.problems]


def test_a_template_error_is_remembered_and_an_edit_is_seen(tmp_path: Path, cache: Path) -> None:
    templates = tmp_path / "templates"
    (templates / "print").mkdir(parents=True)
    card = templates / "print" / "card.html"
    card.write_text("<p>{{ title }</p>\n", encoding="utf-8")
    first = _template_problems(templates)
    assert len(first) == 1 and "card.html:1: template syntax error" in first[0], first
    stored = list((cache / "checks" / "template").rglob("*.json"))
    assert len(stored) == 1
    checkcache._recalled.clear()
    assert _template_problems(templates) == first  # read back from the file, not compiled again
    card.write_text("<p>{{ title }}</p>\n", encoding="utf-8")
    assert _template_problems(templates) == []
    assert len(list((cache / "checks" / "template").rglob("*.json"))) == 2
    card.write_text("<p>{{ title }</p>\n", encoding="utf-8")  # back as it was: the first result again
    assert _template_problems(templates) == first


def test_a_catalog_check_is_remembered_by_its_bytes(tmp_path: Path, cache: Path) -> None:
    po = tmp_path / "sq.po"
    entry = 'msgid "Call {hotline} for help."\nmsgstr "Telefononi {hotlne} për ndihmë."\n'
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n' + entry, encoding="utf-8")

    def problems() -> list[str]:
        found = Collector()
        check_po(po, found)
        return [str(p) for p in found.problems]

    first = problems()
    assert any("hotline" in p for p in first), first
    checkcache._recalled.clear()
    assert problems() == first
    po.write_text(po.read_text(encoding="utf-8").replace("{hotlne}", "{hotline}"), encoding="utf-8")
    assert problems() == []


def test_a_hit_does_not_run_the_check_and_a_damaged_result_is_made_again(cache: Path) -> None:
    runs = []

    def check(problems: Collector) -> None:
        runs.append(1)
        problems.warn("x.html", 3, "a warning")

    for _ in range(2):
        found = Collector()
        checkcache.checked("demo", ("same bytes",), check, found)
        assert [str(p) for p in found.problems] == ["x.html:3: warning: a warning"]
        checkcache._recalled.clear()
    assert len(runs) == 1
    (stored,) = (cache / "checks" / "demo").rglob("*.json")
    stored.write_text("{not json", encoding="utf-8")
    found = Collector()
    checkcache.checked("demo", ("same bytes",), check, found)
    assert len(runs) == 2 and found.warnings
    assert '"a warning"' in stored.read_text(encoding="utf-8")  # and stored whole again


def test_a_cache_that_cannot_be_written_only_means_the_check_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("TOOLBOX_CACHE", str(blocker / "cache"))  # a folder inside a file: mkdir fails
    checkcache._recalled.clear()
    runs = []
    for _ in range(2):
        checkcache._recalled.clear()
        found = Collector()
        checkcache.checked("demo", ("x",), lambda p: (runs.append(1), p.error("y", None, "bad"))[0], found)
        assert [str(p) for p in found.problems] == ["y: bad"]
    assert len(runs) == 2


def test_a_file_with_its_recorded_size_and_time_is_not_read_again(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    writer = OutputWriter(out)
    entry = writer.write("a/card.pdf", b"%PDF-1.7 first", format="card")
    (record,) = writer.recorded([entry])
    target = out / "a" / "card.pdf"
    assert record["mtime_ns"] == target.stat().st_mtime_ns and record["sha256"] == entry.sha256
    assert OutputWriter(out).intact([dict(record)])
    # Touched, same bytes: hashed once, still intact, and the new time is recorded for next time.
    os.utime(target, ns=(target.stat().st_atime_ns, record["mtime_ns"] + 10**9))
    touched = dict(record)
    assert OutputWriter(out).intact([touched]) and touched["mtime_ns"] == record["mtime_ns"] + 10**9
    # Other bytes of the same size, with a new time: not intact, rendered again.
    target.write_bytes(b"%PDF-1.7 other")
    assert not OutputWriter(out).intact([dict(touched)])
    # Deleted or replaced by a folder: not intact.
    target.unlink()
    target.mkdir()
    assert not OutputWriter(out).intact([dict(record)])
