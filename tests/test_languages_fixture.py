"""The multi-script fixture campaign (tests/fixtures/languages/): ur, ckb, ps, bn, kmr, rmn and en.

Its template text must appear in each reader's language, and template text
that falls back must say it is English.
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.pofile import read_po

from conftest import ROOT, make_project, run_toolbox

FIXTURE = Path(__file__).parent / "fixtures" / "languages"
LOCALES = ["ur", "ckb", "ps", "bn", "kmr", "rmn"]


def test_fixture_validates_with_complete_catalogs() -> None:
    result = run_toolbox("-C", str(FIXTURE), "validate")
    assert result.returncode == 0, result.stderr
    status = run_toolbox("-C", str(FIXTURE), "i18n", "status", "--json")
    rows = __import__("json").loads(status.stdout)
    assert {(r["domain"], r["locale"]) for r in rows} == {(d, t) for d in ("toolbox", "safe-passage") for t in LOCALES}
    assert all(r["untranslated"] == 0 and r["fuzzy"] == 0 for r in rows), rows
    assert all(r["review"] == r["translated"] for r in rows if r["domain"] == "safe-passage")  # drafts, not reviewed


class _Texts(HTMLParser):
    """Every text node of <body> with the nearest lang around it."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []
        self.texts: list[tuple[str, str]] = []
        self.in_body = False

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.in_body = True
        if tag in ("br", "img", "meta", "link", "input"):
            return
        self.stack.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self.in_body and data.strip() and not any(t == "script" for t, _ in self.stack):
            lang = next((lang for _, lang in reversed(self.stack) if lang), "")
            self.texts.append((data.strip(), lang))


def _site_only_copy(tmp: Path) -> Path:
    """The fixture as a project of its own, microsite only (print needs fonts per script)."""
    shutil.copytree(FIXTURE / "locales", tmp / "locales")  # resolves the links to the shared toolbox.po
    project = make_project(tmp)
    shutil.copytree(FIXTURE / "campaigns", project / "campaigns", dirs_exist_ok=True)
    toml = project / "campaigns/safe-passage/campaign.toml"
    text = re.sub(r'formats = \[[^\]]*\]', 'formats = ["site"]', toml.read_text(encoding="utf-8"))
    toml.write_text(text, encoding="utf-8")
    return project


def test_untranslated_template_text_in_an_urdu_page_is_marked_english(tmp_path: Path) -> None:
    # A project template with a newer msgid that no catalog (the project's or the built-in theme's) translates.
    (tmp_path / "templates/site").mkdir(parents=True)
    for name in ("home.html", "group.html"):
        (tmp_path / "templates/site" / name).write_text((ROOT / "templates/site" / name).read_text(encoding="utf-8")
                                                        .replace('_("Get help")', '_("Get help now")')
                                                        .replace("_('Get help')", "_('Get help now')"), encoding="utf-8")
    project = _site_only_copy(tmp_path)
    po = project / "locales/ur/LC_MESSAGES/toolbox.po"
    with po.open("rb") as fh:
        catalog = read_po(fh)
    template_ids = [m.id for m in catalog if m.id and isinstance(m.id, str)] + ["Get help now"]

    built = run_toolbox("build", "--jobs", "1", "--previews", "none", "--out", str(project / "dist"), cwd=project)
    assert built.returncode == 0, built.stderr
    assert re.search(r"locales/ur/LC_MESSAGES/toolbox.po: warning: ur: 1 of \d+ template messages", built.stderr), built.stderr
    site = project / "dist/safe-passage"
    home = (site / "ur/index.html").read_text(encoding="utf-8")
    assert '<html lang="ur" dir="rtl">' in home
    assert '<h2><span lang="en" dir="ltr">Get help now</span></h2>' in home

    for page in (site / "ur").rglob("*.html"):
        parser = _Texts()
        parser.feed(page.read_text(encoding="utf-8"))
        for text, lang in parser.texts:
            english = [mid for mid in template_ids if mid in text and len(mid) > 4]
            assert not english or lang == "en", f"{page.name}: English {english} in {lang or 'ur'} context"
        assert "<span" not in "".join(re.findall(r'(?:aria-label|alt|content)="[^"]*"', page.read_text(encoding="utf-8")))
    group = (site / "ur/migrants-in-transit/index.html").read_text(encoding="utf-8")
    assert 'aria-label="Get help now"' in group  # attributes take the text without markup


def test_template_text_is_in_each_readers_language(tmp_path: Path) -> None:
    project = _site_only_copy(tmp_path)
    built = run_toolbox("build", "--jobs", "1", "--previews", "none", "--out", str(project / "dist"), cwd=project)
    assert built.returncode == 0, built.stderr
    assert "template messages" not in built.stderr and "not published" not in built.stderr
    expected = {"kmr": "Alîkarî bistînin", "ckb": "یارمەتی وەربگرە", "ps": "مرسته ترلاسه کړئ",
                "bn": "সাহায্য নিন", "ur": "مدد حاصل کریں", "rmn": "Rode ažutipe"}
    for tag, heading in expected.items():
        home = (project / f"dist/safe-passage/{tag}/index.html").read_text(encoding="utf-8")
        assert f"<h2>{heading}</h2>" in home, tag
        assert 'lang="en"' not in home.split("<main", 1)[1], f"{tag}: English fallback on a complete page"
