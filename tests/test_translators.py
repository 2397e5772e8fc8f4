"""Translators' tools (issue 16): where each message appears, its room, CSV/XLIFF, glossary, screenshots.

One small project (a new campaign read in English and Albanian, with a leaflet
and a wallet card) is made once for the module; its .pot files are extracted
with the layout measured, as a translator would get them.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from conftest import make_project, run_toolbox
from toolbox.errors import Collector
from toolbox.i18n.flags import for_locale, sms_length
from toolbox.i18n.glossary import check_glossary, export_glossary, read_glossary
from toolbox.i18n.places import Tracer, annotate

PHONE = "0800 11111"


# ------------------------------------------------------------------ marks → slots (no rendering)

def test_marks_become_spans_and_attributes_are_named() -> None:
    mark = Tracer()
    page = (f'<html><head><title>{mark("Jobs")}</title><style>a > b {{ x: 1 }}</style></head><body>'
            f'<section data-fit="card front"><p class="title">{mark("Call us")}</p>'
            f'<img alt="{mark("A road")}"><ul><li>{mark("One **item**")}</li></ul></section>'
            f'<script>if (a < b) {{ go(); }}</script></body></html>')
    clean, uses = annotate(page)
    assert "\ue000" not in clean and "\ue002" not in clean
    assert '<p class="title"><span data-msg="1" data-use="1">Call us</span></p>' in clean
    assert "<script>if (a < b) { go(); }</script>" in clean and "a > b" in clean  # scripts and styles untouched
    slots = {(mark.ids[u.msg], u.slot, u.laid_out) for u in uses}
    assert ("Jobs", "page title", False) in slots
    assert ("Call us", "title", True) in slots
    assert ("A road", "image text for screen readers", False) in slots
    assert ("One **item**", "list item", True) in slots


def test_locale_flags_follow_the_locale_font_and_line_height() -> None:
    flags = ["max-size:320:6", 'font-family:"Noto Sans"', "font-size:15", "md-text"]
    urdu = for_locale(flags, "Noto Nastaliq Urdu", 2.1 / 1.35)  # fonts.toml: Nastaliq lines are taller
    assert urdu == ["max-size:320:3", 'font-family:"Noto Nastaliq Urdu"', "font-size:15"]
    assert sms_length(1, 30, "GSM-7") == 130 and sms_length(2, 30, "UCS-2") == 104


def test_glossary_check_and_export(tmp_path: Path) -> None:
    glossary = tmp_path / "glossary.csv"
    glossary.write_text("source,translation,note\nWarning signs,Shenja paralajmëruese|shenjat paralajmëruese,draft\n",
                        encoding="utf-8")
    po = tmp_path / "x.po"
    po.write_text('msgid "Know the warning signs."\nmsgstr "Njihni shenjat paralajmëruese."\n\n'
                  'msgid "Warning signs at work"\nmsgstr "Sinjale në punë"\n', encoding="utf-8")
    problems = Collector()
    terms = read_glossary(glossary, problems)
    check_glossary(po, terms, problems, glossary)
    assert [p.line for p in problems.warnings] == [4]
    assert "glossary.csv:2" in problems.warnings[0].message and problems.warnings[0].severity == "warning"
    tbx = export_glossary(terms, "sq", "tbx").decode("utf-8")
    assert "<term>Warning signs</term>" in tbx and 'xml:lang="sq"' in tbx and "Shenja paralajmëruese" in tbx
    assert export_glossary(terms, "sq", "csv").decode("utf-8").splitlines()[0] == "source,target,explanation"


# ------------------------------------------------------------------ a small project, extracted with its layout

def _translate_all(po: Path, prefix: str) -> None:
    with po.open("rb") as fh:
        catalog = read_po(fh)
    for m in catalog:
        if m.id and isinstance(m.id, str):
            m.string = f"{prefix}{m.id}"
    with po.open("wb") as fh:
        write_po(fh, catalog, width=0)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("translators"), own_locales=True)
    assert run_toolbox("new", "jobs", cwd=project).returncode == 0
    toml = project / "campaigns/jobs/campaign.toml"
    text = toml.read_text().replace('locales = ["en"]', 'locales = ["en", "sq"]')
    toml.write_text(text.replace('formats = ["site", "leaflet"]', 'formats = ["site", "leaflet", "card"]'))
    md = project / "campaigns/jobs/content/what_to_do.md"
    md.write_text(md.read_text() + f"\nIn danger now? Call {PHONE} at any time.\n")
    extracted = run_toolbox("i18n", "extract", cwd=project)
    assert extracted.returncode == 0, extracted.stderr
    assert run_toolbox("i18n", "init", "sq", cwd=project).returncode == 0
    updated = run_toolbox("i18n", "update", "sq", cwd=project)
    assert updated.returncode == 0, updated.stderr
    _translate_all(project / "locales/sq/LC_MESSAGES/jobs.po", "Sq: ")
    return project


def _entries(pot: Path) -> dict[str, object]:
    with pot.open("rb") as fh:
        return {m.id: m for m in read_po(fh) if m.id}


def test_every_message_says_where_it_appears_and_boxed_ones_their_room(project: Path) -> None:
    pot = project / "locales/jobs.pot"
    entries = _entries(pot)
    assert all(any(c.startswith("Appears in: ") for c in m.auto_comments) for m in entries.values()), \
        [i for i, m in entries.items() if not any(c.startswith("Appears in: ") for c in m.auto_comments)]
    # Every campaign text was found in an output (none falls back to "no output of the current campaigns").
    assert not [i for i, m in entries.items() if "no output of the current" in " ".join(m.auto_comments)]
    call = entries["Call before you travel: we check job offers for free."]
    where = " ".join(call.auto_comments)
    assert "card › card front (title)" in where and "leaflet › outside panel 3 (cover) (cta)" in where
    assert call.locations  # the source locations are kept
    size = [f for f in call.flags if f.startswith("max-size:")]
    assert len(size) == 1 and re.fullmatch(r"max-size:\d+:\d+", size[0])
    assert 'font-family:"Noto Sans"' in call.flags and any(f.startswith("font-size:") for f in call.flags)
    # The room is measured at the format's smallest type (copyfitting shrinks a long text that far): the
    # leaflet's 9.5 pt = 13 px; and a box in columns gives the room left in every column.
    inside = [m for m in entries.values() if "Appears in: leaflet › inside panels" in " ".join(m.auto_comments)
              and "card" not in " ".join(m.auto_comments) and any(f.startswith("max-size:") for f in m.flags)]
    assert inside and all("font-size:13" in m.flags for m in inside), [(m.id, m.flags) for m in inside]
    assert max(int(f.split(":")[2]) for m in inside for f in m.flags if f.startswith("max-size:")) >= 10
    sms = entries["Job offer abroad? Check it before you pay or travel."]
    assert "text message (SMS)" in " ".join(sms.auto_comments)
    assert [f for f in sms.flags if f.startswith("max-length:")] and not [f for f in sms.flags if f.startswith("max-size")]
    template = _entries(project / "locales/toolbox.pot")
    assert "card › card front (meta)" in " ".join(template["free of charge"].auto_comments)
    for path in (pot, project / "locales/toolbox.pot", project / "locales/sq/LC_MESSAGES/jobs.po"):
        checked = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr


def test_a_locale_catalog_gets_its_own_sms_limit(project: Path) -> None:
    pot = _entries(project / "locales/jobs.pot")["Job offer abroad? Check it before you pay or travel."]
    sq = _entries(project / "locales/sq/LC_MESSAGES/jobs.po")["Job offer abroad? Check it before you pay or travel."]
    length = lambda m: int(next(f for f in m.flags if f.startswith("max-length:")).split(":")[1])  # noqa: E731
    assert length(sq) < length(pot)  # Albanian's ë is not GSM-7: the SMS holds 67 characters a part, not 153


# ------------------------------------------------------------------ spreadsheet and XLIFF round trips

KEY = "A good job offer can be checked."
DANGER = f"In danger now? Call {PHONE} at any time."


def _rows(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _write_rows(path: Path, rows: list[dict]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def test_csv_round_trip_reports_what_the_build_reports(project: Path, tmp_path: Path) -> None:
    work = tmp_path / "p"
    shutil.copytree(project, work, symlinks=True)
    po = work / "locales/sq/LC_MESSAGES/jobs.po"
    before = po.read_bytes()
    exported = run_toolbox("i18n", "export", "sq", "--domain", "jobs", "-o", str(tmp_path), cwd=work)
    assert exported.returncode == 0, exported.stderr
    sheet = tmp_path / "jobs.sq.csv"
    rows = _rows(sheet)
    assert list(rows[0]) == ["location", "context", "source", "target", "developer_comments"]
    key_row = next(n for n, r in enumerate(rows, 2) if r["source"] == KEY)  # row 1 is the header
    danger_row = next(n for n, r in enumerate(rows, 2) if r["source"] == DANGER)
    assert "Appears in: leaflet › outside panel 3 (cover) (key)" in rows[key_row - 2]["developer_comments"]
    assert "max-size:" in rows[key_row - 2]["developer_comments"]
    # The translator's edits: one translation far too long for the cover, one hotline digit changed.
    long = "Sq: " + " ".join(["Një ofertë e mirë pune mund të kontrollohet gjithmonë para se të niseni."] * 12)
    rows[key_row - 2]["target"] = long
    rows[danger_row - 2]["target"] = "Sq: Në rrezik tani? Telefononi 0800 11112 në çdo kohë."
    _write_rows(sheet, rows)

    refused = run_toolbox("i18n", "import", str(sheet), cwd=work)
    assert refused.returncode == 1
    assert po.read_bytes() == before  # nothing written while an error remains
    phone = [line for line in refused.stderr.splitlines() if "phone number differs" in line]
    assert phone and phone[0].startswith(f"{sheet}:{danger_row}: row {danger_row}: ")
    room = [line for line in refused.stderr.splitlines() if "lines of" in line]
    assert room and room[0].startswith(f"{sheet}:{key_row}: warning: row {key_row}: the translation takes ")

    # The build, given the same translations (as if the file had been copied in by hand), says the same.
    with po.open("rb") as fh:
        catalog = read_po(fh)
    catalog[KEY].string = long
    catalog[DANGER].string = rows[danger_row - 2]["target"]
    with po.open("wb") as fh:
        write_po(fh, catalog, width=0)
    validated = run_toolbox("validate", cwd=work)
    assert validated.returncode == 1
    built_phone = next(line for line in validated.stderr.splitlines() if "phone number differs" in line)
    what = lambda line: re.search(r"phone number differs.*?copied exactly", line).group(0)  # noqa: E731
    assert what(built_phone) == what(phone[0])
    po.write_bytes(before)

    # The phone number put right: the import goes through, warning about the long text, which the build
    # reports as overflow of the leaflet's cover.
    rows[danger_row - 2]["target"] = f"Sq: Në rrezik tani? Telefononi {PHONE} në çdo kohë."
    _write_rows(sheet, rows)
    imported = run_toolbox("i18n", "import", str(sheet), cwd=work)
    assert imported.returncode == 0, imported.stderr
    assert "imported 2 translations" in imported.stdout and "lines of" in imported.stderr
    with po.open("rb") as fh:
        assert read_po(fh)[KEY].string == long
    strict = run_toolbox("i18n", "import", "--strict", str(sheet), cwd=work)
    assert strict.returncode == 1 and f"{sheet}:{key_row}: row {key_row}: the translation takes" in strict.stderr
    built = run_toolbox("build", "--locale", "sq", "--jobs", "1", "--previews", "none", "--out", str(tmp_path / "dist"),
                        cwd=work)
    assert built.returncode == 0, built.stderr
    # The box the spreadsheet said the text is in (its developer comment) is the one that overflows.
    assert "sq leaflet: overflow in outside panel 3 (cover)" in built.stderr, built.stderr


def test_xliff_round_trip_names_the_unit(project: Path, tmp_path: Path) -> None:
    work = tmp_path / "p"
    shutil.copytree(project, work, symlinks=True)
    exported = run_toolbox("i18n", "export", "sq", "--format", "xliff", "--domain", "jobs", "-o", str(tmp_path), cwd=work)
    assert exported.returncode == 0
    xlf = tmp_path / "jobs.sq.xlf"
    text = xlf.read_text(encoding="utf-8")
    assert 'target-language="sq"' in text and f"<source>{DANGER}</source>" in text
    xlf.write_text(text.replace(f"<target state=\"translated\">Sq: {DANGER}</target>",
                                "<target state=\"translated\">Sq: Telefononi 0800 11112.</target>"), encoding="utf-8")
    refused = run_toolbox("i18n", "import", str(xlf), cwd=work)
    assert refused.returncode == 1
    line = next(line for line in refused.stderr.splitlines() if "phone number differs" in line)
    number = text[:text.index(f"<source>{DANGER}</source>")].count("\n")  # the unit starts on the line before
    assert re.match(rf"{re.escape(str(xlf))}:{number}: unit '\d+': phone number differs", line), line


# ------------------------------------------------------------------ screenshots and the translator's preview

def test_screenshots_outline_each_message_where_the_layout_put_it(project: Path, tmp_path: Path) -> None:
    from PIL import Image

    made = run_toolbox("i18n", "screenshots", "--locale", "sq", "--out", str(tmp_path), cwd=project)
    assert made.returncode == 0, made.stderr
    data = json.loads((tmp_path / "screenshots.json").read_text(encoding="utf-8"))
    assert data["dpi"] == 96 and data["locales"] == ["sq"]
    pngs = sorted(p.name for p in (tmp_path / "sq").glob("*.png"))
    assert sorted(f.split("/", 1)[1] for f in data["files"]) == pngs
    assert "jobs-jobs-abroad-sq-mk-card-1.png" in pngs and "jobs-jobs-abroad-sq-mk-card-2.png" in pngs
    call = next(m for m in data["messages"] if m["msgid"] == "Call before you travel: we check job offers for free.")
    on_card = next(s for s in call["screenshots"] if s["file"].endswith("card-1.png"))
    assert on_card["box"] == "card front" and on_card["slot"] == "title"
    image = Image.open(tmp_path / on_card["file"]).convert("RGB")
    assert image.size == (322, 208)  # 85 × 55 mm at 96 px per inch
    x, y, w, h = on_card["rect"]
    assert x >= 0 and x + w <= image.width and y >= 0 and y + h <= image.height
    # The outline is drawn around the rectangle the mapping gives (red, one px outside it).
    edge = [image.getpixel((int(x + w / 2), int(y - 1))), image.getpixel((int(x - 1), int(y + h / 2)))]
    assert all(px[0] > 150 and px[1] < 90 and px[2] < 90 for px in edge), edge
    # A translated locale's screenshots map the msgid, not the translation drawn.
    assert any(m["msgid"] == KEY and m["domain"] == "jobs" for m in data["messages"])
    assert any(m["msgid"] == "free of charge" and m["domain"] == "toolbox" for m in data["messages"])
    # Microsite pages too, laid out on phone-sized pages (390 px wide), each message where it went.
    page = "site-sq-jobs-abroad-index-1.png"
    assert page in pngs and Image.open(tmp_path / "sq" / page).width == 390
    on_site = [s for s in call["screenshots"] if s["file"].startswith("sq/site-sq-jobs-abroad-index-")]
    assert on_site and on_site[0]["output"].startswith("microsite") and 0 <= on_site[0]["rect"][0] < 390


def test_serve_locale_rebuilds_only_that_locale_and_shows_its_warnings(project: Path, tmp_path: Path) -> None:
    import threading
    import time
    import urllib.request

    from toolbox.project import Project
    from toolbox.serve import Preview, _Server, allowed_hosts

    work = tmp_path / "p"
    shutil.copytree(project, work, symlinks=True)
    said: list[str] = []
    preview = Preview(Project(work), tmp_path / "out", None, said.append, locale="sq")
    preview.rebuild()
    assert not preview.state.error, preview.state.error
    manifest = json.loads((tmp_path / "out/manifest.json").read_text())
    printed = [o for o in manifest["outputs"] if o["path"].endswith(".pdf")]
    assert printed and {o["locale"] for o in printed} == {"sq"}
    assert {o["locale"] for o in manifest["outputs"] if o["format"] == "site"} <= {"sq", "en", None}
    # A translator saves the catalog: one translation too long for the cover.
    po = work / "locales/sq/LC_MESSAGES/jobs.po"
    with po.open("rb") as fh:
        catalog = read_po(fh)
    catalog[KEY].string = "Sq: " + " ".join(["Një ofertë e mirë pune mund të kontrollohet para se të niseni."] * 12)
    with po.open("wb") as fh:
        write_po(fh, catalog, width=0)
    started = time.perf_counter()
    preview.rebuild()
    seconds = time.perf_counter() - started
    print(f"serve --locale sq: rebuild after a catalog save took {seconds:.1f} s ({said[-1]})")
    assert "(5 rendered)" in said[-1]  # sq's leaflet, card, two share images and print guide; nothing of en
    warnings = preview.state.warnings
    assert any("overflow in share image" in w and f"(message “{KEY}”)" in w for w in warnings), warnings
    server = _Server(("127.0.0.1", 0), preview.handler(allowed_hosts("127.0.0.1")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page = urllib.request.urlopen(f"http://127.0.0.1:{server.server_address[1]}/", timeout=30).read().decode()
    finally:
        server.shutdown()
        server.server_close()
    assert "Translator's preview: sq" in page and "overflow in share image" in page
    assert 'href="/jobs/sq/jobs-abroad/index.html"' in page and "jobs-jobs-abroad-sq-mk-leaflet-2.png" in page
    assert "data-toolbox-serve" in page  # reloads itself after the next save


def test_a_row_whose_source_changed_is_not_applied_and_a_bad_header_is_refused(project: Path, tmp_path: Path) -> None:
    work = tmp_path / "p"
    shutil.copytree(project, work, symlinks=True)
    po = work / "locales/sq/LC_MESSAGES/jobs.po"
    before = po.read_bytes()
    assert run_toolbox("i18n", "export", "sq", "--domain", "jobs", "-o", str(tmp_path), cwd=work).returncode == 0
    sheet = tmp_path / "jobs.sq.csv"
    rows = _rows(sheet)
    row = next(n for n, r in enumerate(rows, 2) if r["source"] == KEY)
    rows[row - 2]["source"], rows[row - 2]["target"] = "A bad job offer.", "Sq: Një ofertë e keqe."
    _write_rows(sheet, rows)
    result = run_toolbox("i18n", "import", str(sheet), cwd=work)
    # csv2po would match the row by its location and give KEY this translation: the import does not.
    assert result.returncode == 0 and f"{sheet}:{row}: warning: row {row}: 'A bad job offer.' is not a message" in result.stderr
    assert po.read_bytes() == before
    sheet.write_text("a,b\n1,2\n", encoding="utf-8")
    bad = run_toolbox("i18n", "import", str(sheet), cwd=work)
    assert bad.returncode == 1 and f"{sheet}:1: cannot read this file as CSV: the first row must name the columns" in bad.stderr
    assert "Traceback" not in bad.stderr and po.read_bytes() == before


def test_pgettext_gives_the_same_english_two_messages(tmp_path: Path) -> None:
    from toolbox.i18n.catalog import Translator, context_key, messages
    from toolbox.i18n.workflow import extract_templates
    from toolbox.project import Project

    (tmp_path / "templates/site").mkdir(parents=True)
    (tmp_path / "templates/site/x.html").write_text(
        '{{ pgettext("service kind", "Support") }} {{ _("Support") }}\n', encoding="utf-8")
    catalog = extract_templates(Project(tmp_path))
    # The project's template (the built-in theme's messages are extracted beside it).
    ours = {(m.context, m.id) for m in catalog if m.id and any(str(f).rsplit("/", 1)[-1] == "x.html" for f, _ in m.locations)}
    assert ours == {("service kind", "Support"), (None, "Support")}
    po = tmp_path / "sq.po"
    po.write_text('msgctxt "service kind"\nmsgid "Support"\nmsgstr "Mbështetje"\n\nmsgid "Support"\nmsgstr "Mbështet"\n',
                  encoding="utf-8")
    table = messages(po)
    assert table[context_key("service kind", "Support")] == "Mbështetje" and table["Support"] == "Mbështet"
    sq = Translator("sq", ["sq", "en"], "en", {"sq": table})
    assert str(sq.pgettext("service kind", "Support")) == "Mbështetje" and str(sq.gettext("Support")) == "Mbështet"
    source = Translator("en", ["en"], "en", {})
    assert str(source.pgettext("service kind", "Support")) == "Support"  # the context is never shown
