"""The translation workflow on real .po files: extract → init → translate → build → update → build."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from pypdf import PdfReader

from conftest import ROOT, make_project, run_toolbox


def translate(po: Path, translations: dict[str, str], flags: tuple[str, ...] = ()) -> None:
    """Fill msgstr entries as a translator's tool would."""
    with po.open("rb") as fh:
        catalog = read_po(fh)
    for message in catalog:
        if message.id in translations:
            message.string = translations[message.id]
            message.flags.discard("fuzzy")
            message.flags.update(flags)
    with po.open("wb") as fh:
        write_po(fh, catalog, width=0, include_previous=True)


def entry_line(po: Path, msgid: str) -> int:
    lines = po.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line == f'msgid "{msgid}"')


SQ = {
    "Jobs": "Punë",
    "One or two sentences about the campaign.": "Një ose dy fjali për fushatën.",
    "Looking for work abroad": "Në kërkim të punës jashtë vendit",
    "A good job offer can be checked.": "Një ofertë e mirë pune mund të kontrollohet.",
    "Call before you travel: we check job offers for free.": "Telefononi para se të udhëtoni: ne i kontrollojmë ofertat falas.",
    "Job offer abroad? Check it before you pay or travel.": "Ofertë pune jashtë? Kontrollojeni para se të paguani.",
    "Explain in two or three short sentences what is happening, without blame.":
        "Shpjegoni shkurt çfarë po ndodh, pa fajësuar askënd.",
    "Someone keeps your passport.": "Dikush ua mban pasaportën.",
    "You must pay a fee to get the job.": "Duhet të paguani një tarifë për punën.",
    "There is no written contract.": "Nuk ka kontratë me shkrim.",
    "Help is **free** and confidential.": "Ndihma është **falas** dhe konfidenciale.",
    "It is not your fault if you were deceived.": "Nuk është faji juaj nëse u mashtruat.",
    "Call the help line before you travel.": "Telefononi linjën e ndihmës para se të udhëtoni.",
    "Leave copies of your documents with your family.": "Lini kopje të dokumenteve te familja.",
    "SOS line": "Linja SOS",
}


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    """A new campaign, read in English and Albanian, with its own catalogs."""
    project = make_project(tmp_path, own_locales=True)
    assert run_toolbox("new", "jobs", cwd=project).returncode == 0
    toml = project / "campaigns/jobs/campaign.toml"
    toml.write_text(toml.read_text().replace('locales = ["en"]', 'locales = ["en", "sq"]'))
    assert run_toolbox("i18n", "extract", cwd=project).returncode == 0
    assert run_toolbox("i18n", "init", "sq", cwd=project).returncode == 0
    # The shared template strings are not under test here: make sure every one has a translation.
    assert run_toolbox("i18n", "update", "sq", cwd=project).returncode == 0
    po = project / "locales/sq/LC_MESSAGES/toolbox.po"
    with po.open("rb") as fh:
        missing = {m.id: f"(sq) {m.id}" for m in read_po(fh) if m.id and isinstance(m.id, str) and (not m.string or m.fuzzy)}
    translate(po, missing)
    return project


def test_extract_writes_one_message_per_block_with_references_and_flags(project: Path) -> None:
    pot = (project / "locales/jobs.pot").read_text(encoding="utf-8")
    assert "#: jobs/content/warning_signs.md:2\n" in pot
    assert 'msgid "Someone keeps your passport."' in pot and 'msgid "- Someone' not in pot
    assert "#. Text message for 'jobs-abroad'" in pot
    # The SMS text shares its messages with the hotline's line: the limit is sms_segments (2) parts
    # of 153 GSM-7 characters less that line, written for Weblate.
    limit = re.search(r'#, max-length:(\d+)\nmsgid "Job offer abroad\? Check it before you pay or travel."', pot)
    assert limit and 160 < int(limit.group(1)) < 306
    assert re.search(r"^#, (.*, )?md-text(,|$)", pot, re.M)
    assert "#: jobs/campaign.toml:" in pot
    template_pot = (project / "locales/toolbox.pot").read_text(encoding="utf-8")
    assert "#: templates/print/leaflet.html:" in template_pot
    sq_po = (project / "locales/sq/LC_MESSAGES/jobs.po").read_text(encoding="utf-8")
    assert '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"' in sq_po


def test_round_trip_translate_build_change_update(project: Path) -> None:
    po = project / "locales/sq/LC_MESSAGES/jobs.po"
    translate(po, SQ, flags=("needs-review",))
    status = json.loads(run_toolbox("i18n", "status", "--json", cwd=project).stdout)
    row = next(r for r in status if r["domain"] == "jobs" and r["locale"] == "sq")
    assert row["untranslated"] == 0 and row["review"] == row["translated"] > 10

    built = run_toolbox("build", "--strict", cwd=project)
    assert built.returncode == 0, built.stderr
    manifest = json.loads((project / "dist/manifest.json").read_text())
    leaflet = next(o for o in manifest["outputs"] if o["locale"] == "sq" and o["format"] == "leaflet")
    assert leaflet["translated"] == 1.0
    # In the order it was laid out (pypdf reads the content stream: panel by panel, column by column),
    # not by position: pdftotext joins lines of two columns that happen to line up.
    text = "\n".join(page.extract_text() for page in PdfReader(project / "dist" / leaflet["path"]).pages)
    # Copyfitting sets the type as large as the panel allows, so a word may be hyphenated at a line end.
    assert "Dikush ua mban pasaportën." in " ".join(re.sub("[\u2010-]\n", "", text).split())

    # The source changes: one list item is reworded.
    md = project / "campaigns/jobs/content/warning_signs.md"
    md.write_text(md.read_text().replace("Someone keeps your passport.", "Someone keeps your passport or ID card."))
    assert run_toolbox("i18n", "extract", cwd=project).returncode == 0
    updated = run_toolbox("i18n", "update", cwd=project)
    assert updated.returncode == 0 and "1 fuzzy" in updated.stdout
    text = po.read_text(encoding="utf-8")
    assert '#| msgid "Someone keeps your passport."' in text  # translators see what changed
    assert 'msgstr "Dikush ua mban pasaportën."' in text  # the old translation is kept
    assert "Në kërkim të punës jashtë vendit" in text  # nothing else is lost

    lenient = run_toolbox("build", cwd=project)
    assert lenient.returncode == 0
    assert re.search(r"jobs.po: warning: sq: 1 of \d+ campaign texts untranslated or fuzzy", lenient.stderr)
    strict = run_toolbox("build", "--strict", cwd=project)
    assert strict.returncode == 1
    line = entry_line(po, "Someone keeps your passport or ID card.")
    assert (f"locales/sq/LC_MESSAGES/jobs.po:{line - 3}" in strict.stderr or f"jobs.po:{line}" in strict.stderr
            or "jobs.po:" in strict.stderr)
    assert "fuzzy (outdated): 'Someone keeps your passport or ID card.'" in strict.stderr
    assert "Traceback" not in strict.stderr


def test_locale_below_threshold_is_not_published(project: Path) -> None:
    translate(project / "locales/sq/LC_MESSAGES/jobs.po", {"SOS line": "Linja SOS"})
    toml = project / "campaigns/jobs/campaign.toml"  # template strings, all translated, count too: ask for more
    toml.write_text(toml.read_text().replace("[campaign]\n", "[campaign]\nmin_translated = 0.9\n", 1))
    built = run_toolbox("build", cwd=project)
    assert built.returncode == 0, built.stderr
    assert "sq is not published" in built.stderr and "below min_translated 90%" in built.stderr
    manifest = json.loads((project / "dist/manifest.json").read_text())
    assert not [o for o in manifest["outputs"] if o["locale"] == "sq"]


def test_a_projects_template_catalog_overrides_only_what_it_translates(project: Path) -> None:
    """The project's toolbox.po lays its messages over the built-in theme's (issue 13): one it leaves
    empty is the built-in translation, not English, and the catalog is not short."""
    translate(project / "locales/sq/LC_MESSAGES/jobs.po", SQ)
    po = project / "locales/sq/LC_MESSAGES/toolbox.po"
    with po.open("rb") as fh:
        catalog = read_po(fh)
    kept = 0
    for message in catalog:
        if message.id and isinstance(message.id, str):
            kept += 1
            if kept > 5:
                message.string = ""
    with po.open("wb") as fh:
        write_po(fh, catalog, width=0)
    toml = project / "campaigns/jobs/campaign.toml"
    toml.write_text(toml.read_text().replace("[campaign]\n", "[campaign]\nmin_translated = 0.9\n", 1))
    built = run_toolbox("build", cwd=project)
    assert built.returncode == 0, built.stderr
    assert "not published" not in built.stderr  # every campaign text is translated
    assert "template messages" not in built.stderr and "jobs.po: warning" not in built.stderr, built.stderr
    manifest = json.loads((project / "dist/manifest.json").read_text())
    assert [o for o in manifest["outputs"] if o["locale"] == "sq"]
    home = (project / "dist/jobs/sq/index.html").read_text(encoding="utf-8")
    assert "Merrni ndihmë" in home and '<span lang="en" dir="ltr">Get help</span>' not in home


def test_a_locale_without_template_catalog_is_told_how_to_start_it(tmp_path: Path) -> None:
    """German: neither the project nor the built-in theme translates the templates, so they fall back to
    English, marked, and the build says how to start the catalog."""
    project = make_project(tmp_path, own_locales=True)
    assert run_toolbox("new", "jobs", cwd=project).returncode == 0
    toml = project / "campaigns/jobs/campaign.toml"
    text = toml.read_text().replace('locales = ["en"]', 'locales = ["en", "de"]').replace('formats = ["site", "leaflet"]',
                                                                                          'formats = ["site"]')
    toml.write_text(text.replace("[campaign]\n", "[campaign]\nmin_translated = 0\n", 1))
    built = run_toolbox("build", "--jobs", "1", cwd=project)
    assert built.returncode == 0, built.stderr
    assert re.search(r"locales/de/LC_MESSAGES/toolbox.po: warning: de: (\d+) of \1 template messages .*"
                     r"start it with 'toolbox i18n init de'", built.stderr), built.stderr
    assert re.search(r"jobs.po: warning: de: (\d+) of \1 campaign texts", built.stderr)
    home = (project / "dist/jobs/de/index.html").read_text(encoding="utf-8")
    assert '<span lang="en" dir="ltr">Get help</span>' in home  # the missing catalog falls back, marked


def test_fallback_forbidden_for_contacts(project: Path) -> None:
    toml = project / "campaigns/jobs/campaign.toml"
    toml.write_text(toml.read_text().replace('\n[[groups]]\n', '\nno_fallback = ["contacts"]\n\n[[groups]]\n', 1))
    translate(project / "locales/sq/LC_MESSAGES/jobs.po", {k: v for k, v in SQ.items() if k != "SOS line"})
    built = run_toolbox("build", cwd=project)
    assert built.returncode == 1
    assert "sq: 'SOS line' must be translated: the campaign forbids fallback for 'contacts'" in built.stderr


@pytest.mark.parametrize("msgid, bad, expected", [
    ("Where to get help in %(country)s", "Ku të gjeni ndihmë", "placeholders differ"),
    ("SOS line", "Linja SOS <script>alert(1)</script>", "markup that is never allowed"),
    ("SOS line", "Linja <b>SOS", "adds HTML tags"),
])
def test_bad_translations_are_errors_with_po_line(project: Path, msgid: str, bad: str, expected: str) -> None:
    domain = "toolbox" if "%(" in msgid else "jobs"
    po = project / f"locales/sq/LC_MESSAGES/{domain}.po"
    translate(po, {msgid: bad})
    result = run_toolbox("validate", cwd=project)
    assert result.returncode == 1
    assert re.search(rf"locales/sq/LC_MESSAGES/{domain}\.po:\d+: .*{expected}", result.stderr), result.stderr
    assert "Traceback" not in result.stderr


def test_altered_phone_number_is_an_error(project: Path) -> None:
    # A campaign text that contains a number: the translation must keep it exactly.
    toml = project / "campaigns/jobs/campaign.toml"
    toml.write_text(toml.read_text().replace('call_to_action = "Call before you travel: we check job offers for free."',
                                             'call_to_action = "Call 0800 11111 before you travel."'))
    assert run_toolbox("i18n", "extract", cwd=project).returncode == 0
    assert run_toolbox("i18n", "update", cwd=project).returncode == 0
    po = project / "locales/sq/LC_MESSAGES/jobs.po"
    translate(po, {"Call 0800 11111 before you travel.": "Telefononi 0800 11112 para se të udhëtoni."})
    result = run_toolbox("validate", cwd=project)
    assert result.returncode == 1
    assert "phone number differs: source ['0800 11111'], translation ['0800 11112']" in result.stderr
    assert re.search(r"jobs\.po:\d+: ", result.stderr)


def test_unparseable_po_and_wrong_plural_count(project: Path) -> None:
    po = project / "locales/sq/LC_MESSAGES/toolbox.po"
    text = po.read_text(encoding="utf-8")
    broken = text.replace('msgid "Sample data: verify before use"', 'msgid "Sample data: verify before use', 1)
    po.write_text(broken, encoding="utf-8")
    result = run_toolbox("validate", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert re.search(r"locales/sq/LC_MESSAGES/toolbox\.po:\d+: cannot parse this \.po file", result.stderr), result.stderr

    plural = text.replace('"Plural-Forms: nplurals=2;', '"Plural-Forms: nplurals=3;')
    po.write_text(plural, encoding="utf-8")
    result = run_toolbox("validate", cwd=project)
    assert result.returncode == 1
    assert "plural forms, but Plural-Forms says nplurals=3" in result.stderr


def test_pseudo_locale_translates_every_message(project: Path) -> None:
    built = run_toolbox("build", "--pseudo", cwd=project)
    assert built.returncode == 0, built.stderr
    html = (project / "dist/jobs/en-XA/jobs-abroad/index.html").read_text(encoding="utf-8")
    assert 'lang="en-XA"' in html
    assert "[Šöɱéöñé ķééþš ýöûŕ þàššþöŕţ." in html  # content
    assert "[Ŵàŕñîñĝ šîĝñš" in html  # template strings
    help_page = (project / "dist/jobs/en-XA/help/mk.html").read_text(encoding="utf-8")
    assert 'href="tel:080011111"' in help_page and ">0800 11111<" in help_page  # numbers untouched


def test_init_refuses_transliterated_and_unknown_locales(project: Path) -> None:
    result = run_toolbox("i18n", "init", "xx-nonsense", cwd=project)
    assert result.returncode == 1 and "unknown locale 'xx-nonsense'" in result.stderr


def test_every_bundled_catalog_passes_msgfmt_check() -> None:
    for po in sorted((ROOT / "locales").glob("*/LC_MESSAGES/*.po")):
        result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], capture_output=True, text=True)
        assert result.returncode == 0, f"{po}: {result.stderr}"
