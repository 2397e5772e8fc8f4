import re
from pathlib import Path
from types import SimpleNamespace

from toolbox.campaign.model import LocaleDecl
from toolbox.i18n.catalog import Translator, messages
from toolbox.i18n.locales import chain, resolve
from toolbox.render.templates import environment, render
from toolbox.theme import Theme


def test_fallback_chain_and_usage() -> None:
    tables = {"cnr": {"a": "A-cnr"}, "sr-Latn": {"b": "B-sr"}, "bs": {}}
    tr = Translator("cnr", chain("cnr", "en"), "en", tables)
    assert tr.lookup("a") == ("A-cnr", "cnr")
    assert tr.lookup("b") == ("B-sr", "sr-Latn")
    assert tr.lookup("c") == ("c", "en")
    assert tr.usage.translated == round(1 / 3, 4)


def _render(tmp_path: Path, source: str, tr: Translator) -> str:
    """``source`` rendered as a template with ``tr`` installed, as every output is."""
    (tmp_path / "t.html").write_text(source, encoding="utf-8")
    return render(environment(Theme((tmp_path,), ())), "t.html", {}, SimpleNamespace(templates=tr))


def test_translations_are_escaped_for_templates(tmp_path: Path) -> None:
    tr = Translator("sq", ["sq", "en"], "en", {"sq": {"x": "<script>alert(1)</script>"}})
    assert _render(tmp_path, '{{ _("x") }}', tr) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert _render(tmp_path, '<a title="{{ _("x").plain }}">', tr) == '<a title="&lt;script&gt;alert(1)&lt;/script&gt;">'


def test_template_text_that_falls_back_carries_its_language(tmp_path: Path) -> None:
    tr = Translator("ur", ["ur", "en"], "en", {"ur": {"Get help": "مدد حاصل کریں"}})
    page = _render(tmp_path, '<h2>{{ _("Get help") }}</h2><h2>{{ _("What is happening?") }}</h2>'
                             '<nav aria-label="{{ _("Quick exit").plain }}"></nav>', tr)
    assert page == ('<h2>مدد حاصل کریں</h2><h2><span lang="en" dir="ltr">What is happening?</span></h2>'
                    '<nav aria-label="Quick exit"></nav>')
    assert tr.usage.missing == {"What is happening?", "Quick exit"}


def test_fallback_between_locales_takes_the_direction_of_the_one_found(tmp_path: Path) -> None:
    tr = Translator("prs", chain("prs", "en"), "en", {"prs": {}, "fa": {"Get help": "کمک بگیرید"}})
    assert _render(tmp_path, '{{ _("Get help") }}', tr) == '<span lang="fa" dir="rtl">کمک بگیرید</span>'


def test_template_placeholders_are_formatted_and_escaped(tmp_path: Path) -> None:
    tr = Translator("sq", ["sq", "en"], "en", {"sq": {"Where to get help in %(country)s": "Ku të gjeni ndihmë në %(country)s"}})
    source = ('{{ _("Where to get help in %(country)s", country=name) }}|'
              '{{ _("In partnership with %(names)s", names=name).plain }}')
    (tmp_path / "t.html").write_text(source, encoding="utf-8")
    page = render(environment(Theme((tmp_path,), ())), "t.html", {"name": "<Kosovo>*"}, SimpleNamespace(templates=tr))
    assert page == ('Ku të gjeni ndihmë në &lt;Kosovo&gt;*|In partnership with &lt;Kosovo&gt;*')
    fallback = render(environment(Theme((tmp_path,), ())), "t.html", {"name": "A & B"},
                      SimpleNamespace(templates=Translator("ur", ["ur", "en"], "en", {"ur": {}})))
    assert fallback == '<span lang="en" dir="ltr">Where to get help in A &amp; B</span>|In partnership with A &amp; B'


def test_declared_plural_rules_are_used_when_rendering(tmp_path: Path) -> None:
    # CLDR gives Turkish two forms (n != 1); a campaign declaring three must get them.
    declared = {"tr": LocaleDecl(plural_forms="nplurals=3; plural=(n==1 ? 0 : n<5 ? 1 : 2);")}
    forms = ("%(num)d sayfa (1)", "%(num)d sayfa (az)", "%(num)d sayfa (çok)")
    tr = Translator("tr", ["tr", "en"], "en", {"tr": {"%(num)d page": forms}}, declared=declared)
    page = _render(tmp_path, '{% for n in (1, 3, 7) %}{{ ngettext("%(num)d page", "%(num)d pages", n) }};{% endfor %}', tr)
    assert page == "1 sayfa (1);3 sayfa (az);7 sayfa (çok);"
    undeclared = Translator("tr", ["tr", "en"], "en", {"tr": {"%(num)d page": forms[:2]}})
    assert str(undeclared.ngettext("%(num)d page", "%(num)d pages", 7)) == "7 sayfa (az)"


def test_plural_forms_follow_the_locale() -> None:
    forms = ("{} stranica", "{} stranice", "{} stranica")
    tr = Translator("sr-Latn", ["sr-Latn", "en"], "en", {"sr-Latn": {"page": forms}})
    assert [str(tr.ngettext("page", "pages", n)) for n in (1, 2, 5, 21)] == [forms[0], forms[1], forms[2], forms[0]]


def test_chain_never_crosses_scripts_except_to_the_source() -> None:
    assert chain("cnr", "en") == ["cnr", "sr-Latn", "bs", "en"]
    assert chain("prs", "en") == ["prs", "fa", "en"]
    assert resolve("cnr").name == "crnogorski"
    assert resolve("rmn").po_plural_forms == "nplurals=2; plural=(n != 1);"
    assert resolve("xx-nonsense") is None


def test_fuzzy_entries_are_not_used(tmp_path: Path) -> None:
    po = tmp_path / "x.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
                  '#, fuzzy\nmsgid "a"\nmsgstr "old"\n\nmsgid "b"\nmsgstr "bee"\n', encoding="utf-8")
    assert messages(po) == {"b": "bee"}


_CALL = r'_\((?:[^()]|\([^()]*\))*\)'


def test_template_text_in_attributes_and_titles_is_plain() -> None:
    # Fallback text prints as <span lang dir>…</span>: inside an attribute or <title> that markup
    # would show as text (or break the tag). Those places must use .plain.
    root = Path(__file__).resolve().parents[1] / "templates"
    sources = {p: p.read_text(encoding="utf-8") for p in root.rglob("*") if p.suffix in (".html", ".svg", ".xml")}
    bad = []
    for path, text in sources.items():
        # An attribute's value may hold {{ … }} with quotes of its own: _("…") inside ="…".
        places = re.findall(r'[\w:-]+="((?:[^"{]|\{\{.*?\}\}|\{(?!\{))*)"', text)
        places += re.findall(r"{% block title %}(.*?){% endblock %}", text, re.S)
        for place in places:
            bad += [f"{path.name}: {m.group(0)}" for m in re.finditer(_CALL, place) if not place[m.end():].startswith(".plain")]
        for m in re.finditer(r"{% set (\w+) = (" + _CALL + r")(\.plain)?", text):
            used_in_attribute = any(re.search(r'="[^"]*\{\{ ' + m.group(1) + r' \}\}', t) for t in sources.values())
            if used_in_attribute and not m.group(3):
                bad.append(f"{path.name}: {m.group(0)}")
    assert not bad, "use .plain: " + "; ".join(bad)


def test_a_catalog_edited_between_two_builds_in_one_process_is_read_again(tmp_path: Path) -> None:
    """What ``toolbox serve`` does all day: build, a translator saves a catalog, build again.

    The edit keeps the file's size and modification time, as unpacking an archive of
    translations or ``cp -p`` does: the catalogs kept in memory must follow the content.
    """
    import os

    from conftest import make_project
    from toolbox.campaign.scaffold import create_campaign
    from toolbox.project import Project
    from toolbox.serve import Preview

    root = make_project(tmp_path / "project", own_locales=True)
    project = Project(root)
    toml = create_campaign(project, "demo") / "campaign.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('formats = ["site", "leaflet"]', 'formats = ["site"]')
                    .replace('locales = ["en"]', 'locales = ["en", "sq"]')
                    .replace("[campaign]\n", "[campaign]\nmin_translated = 0.0\n"), encoding="utf-8")  # sq: templates only
    po = root / "locales/sq/LC_MESSAGES/toolbox.po"
    out = tmp_path / "out"
    preview = Preview(project, out, say=lambda message: None)
    page = out / "demo/sq/index.html"

    preview.rebuild()
    assert preview.state.error == ""
    assert "Dalje e shpejtë" in page.read_text(encoding="utf-8")
    stat = po.stat()
    text = po.read_text(encoding="utf-8")
    assert text.count('msgstr "Dalje e shpejtë"') == 1
    po.write_text(text.replace('msgstr "Dalje e shpejtë"', 'msgstr "DALJE E SHPEJTË"'), encoding="utf-8")
    os.utime(po, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (po.stat().st_size, po.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)

    preview.rebuild()
    assert preview.state.error == ""
    html = page.read_text(encoding="utf-8")
    assert "DALJE E SHPEJTË" in html and "Dalje e shpejtë" not in html
