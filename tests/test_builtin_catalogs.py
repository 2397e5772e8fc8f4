"""Every built-in locale ships the template strings (locales/<tag>/LC_MESSAGES/toolbox.po) in full."""

from __future__ import annotations

import subprocess

import pytest
from babel.messages.pofile import read_po

from conftest import ROOT
from toolbox.i18n.catalog import po_path
from toolbox.i18n.checks import check_message
from toolbox.i18n.locales import BUILTIN, resolve

# Built from another locale's catalog, not translated: the source, the
# pseudo-locale, and Serbian Cyrillic (transliterated from sr-Latn).
NOT_TRANSLATED = {"en": None, "en-XA": None, "sr-Cyrl": "sr-Latn"}
TRANSLATED = [tag for tag in BUILTIN if tag not in NOT_TRANSLATED]


def _catalog(tag: str):
    with po_path(ROOT / "locales", tag, "toolbox").open("rb") as fh:
        return read_po(fh)


def _template_ids() -> list:
    with (ROOT / "locales/toolbox.pot").open("rb") as fh:
        return [m.id for m in read_po(fh) if m.id]


@pytest.mark.parametrize("tag", TRANSLATED)
def test_template_catalog_is_complete_and_checked(tag: str) -> None:
    path = po_path(ROOT / "locales", tag, "toolbox")
    assert path.is_file(), f"{tag}: no {path.relative_to(ROOT)}; run 'toolbox i18n init {tag}'"
    catalog = _catalog(tag)
    entries = {m.id: m for m in catalog if m.id}
    for msgid in _template_ids():
        message = entries.get(msgid)
        assert message is not None, f"{tag}: {msgid!r} missing; run 'toolbox i18n update {tag}'"
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings) and not message.fuzzy, f"{tag}: {msgid!r} untranslated or fuzzy"
        sources = msgid if isinstance(msgid, tuple) else (msgid,)
        for i, text in enumerate(strings):
            assert not check_message(sources[min(i, len(sources) - 1)], text), f"{tag}: {text!r}"
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("tag", TRANSLATED)
def test_plural_forms_header_is_the_locales_rule(tag: str) -> None:
    header = dict(_catalog(tag).mime_headers)["Plural-Forms"]
    assert header == resolve(tag).po_plural_forms


def test_arabic_script_catalogs_are_written_in_their_script() -> None:
    # A Kurmanji (Latin) text in the Sorani (Arabic) catalog, or the reverse, is a classic mix-up.
    def letters(tag: str, lo: int, hi: int) -> float:
        text = "".join(str(m.string) for m in _catalog(tag) if m.id and isinstance(m.id, str))
        alpha = [c for c in text if c.isalpha()]
        return sum(lo <= ord(c) <= hi for c in alpha) / len(alpha)

    for tag in ("ar", "fa", "prs", "ps", "ur", "ckb"):
        assert letters(tag, 0x0600, 0x06FF) > 0.9, tag
    assert letters("kmr", 0x0041, 0x024F) > 0.95
    assert letters("bn", 0x0980, 0x09FF) > 0.9
    assert letters("mk", 0x0400, 0x04FF) > 0.9


def test_the_draft_mark_is_translated_everywhere() -> None:
    for tag in TRANSLATED:
        draft = {m.id: m.string for m in _catalog(tag)}["Draft — not for distribution"]
        assert draft and draft != "Draft — not for distribution", tag
