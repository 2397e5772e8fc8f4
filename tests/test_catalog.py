from pathlib import Path

from toolbox.i18n.catalog import Translator, messages
from toolbox.locales import chain, resolve


def test_fallback_chain_and_usage() -> None:
    tables = {"cnr": {"a": "A-cnr"}, "sr-Latn": {"b": "B-sr"}, "bs": {}}
    tr = Translator("cnr", chain("cnr", "en"), "en", tables)
    assert tr.lookup("a") == ("A-cnr", "cnr")
    assert tr.lookup("b") == ("B-sr", "sr-Latn")
    assert tr.lookup("c") == ("c", "en")
    assert tr.usage.translated == round(1 / 3, 4)


def test_translations_are_escaped_for_templates() -> None:
    tr = Translator("sq", ["sq", "en"], "en", {"sq": {"x": "<script>alert(1)</script>"}})
    assert str(tr.gettext("x")) == "&lt;script&gt;alert(1)&lt;/script&gt;"


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
