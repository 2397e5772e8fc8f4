"""gettext catalogs, read straight from ``.po`` files, and a translator with fallback.

Catalogs live in ``locales/<tag>/LC_MESSAGES/<domain>.po``: the domain
``toolbox`` holds the shared template strings, one domain per campaign holds
its content. ``.po`` files are read directly (no ``.mo``), so a stale compiled
catalog can never be used by mistake. Fuzzy entries are not used.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po

from ..errors import Collector, display_path
from ..project import Project
from .numbers import isolate_text
from .text import Text, formatted

TEMPLATE_DOMAIN = "toolbox"
#: The language the templates' strings (the msgids of toolbox.pot) are written in.
TEMPLATE_SOURCE = "en"
#: The flag translators (and machine drafts) put on entries nobody has checked yet.
REVIEW_FLAG = "needs-review"


def po_path(locales_dir: Path, tag: str, domain: str) -> Path:
    return locales_dir / tag / "LC_MESSAGES" / f"{domain}.po"


_PO_LINE = re.compile(
    r'\s*(?:#.*|(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+"(?:[^"\\]|\\.)*"|"(?:[^"\\]|\\.)*")?\s*'
)


def syntax_error(text: str) -> tuple[int, str] | None:
    """The first line that is not .po syntax, and why (Babel's reader forgives too much)."""
    for n, line in enumerate(text.splitlines(), start=1):
        if not _PO_LINE.fullmatch(line):
            if line.count('"') % 2 or not line.rstrip().endswith('"'):
                return n, "a string is not closed with \" (or has an unescaped \" inside)"
            return n, f"not a comment, keyword or quoted string: {line.strip()[:40]!r}"
    return None


# What is kept from one .po file to the next read of it, one entry per file: parsed catalogs, the
# tables made from them, their transliterations. A catalog is known by its bytes, not its
# modification time, which an unpacked archive or `cp -p` keeps across a change; an entry is
# replaced when its file changes, so a long `toolbox serve` keeps one version of each file.
_parsed: dict[Path, tuple[bytes, Catalog]] = {}
_tables: dict[Path, tuple[Catalog, dict]] = {}
_transliterated: dict[tuple[Path, str, tuple[str, ...]], tuple[dict, dict]] = {}


def read_catalog(path: Path, problems: Collector | None = None, fresh: bool = False) -> Catalog | None:
    """Parse one ``.po`` file; syntax errors become ``path:line`` problems.

    A build reads the same catalogs in several stages: a parsed one is kept
    while its file's content stays the same. Pass ``fresh`` to get an object
    of your own to change.
    """
    if not path.is_file():
        return None
    data = path.read_bytes()
    digest = hashlib.blake2b(data, digest_size=16).digest()
    key = path.resolve()
    kept = _parsed.get(key)
    if not fresh and kept is not None and kept[0] == digest:
        return kept[1]
    catalog = _parse_catalog(path, data, problems)
    if catalog is not None and not fresh:
        _parsed[key] = (digest, catalog)
    return catalog


def _parse_catalog(path: Path, data: bytes, problems: Collector | None) -> Catalog | None:
    try:
        bad: tuple[int | None, str] | None = syntax_error(data.decode("utf-8"))
    except UnicodeDecodeError:
        bad = (None, "the file is not UTF-8 text; save it as UTF-8")
    if bad is not None:
        if problems is not None:
            problems.error(display_path(path), bad[0], f"cannot parse this .po file: {bad[1]}")
        return None
    try:
        return read_po(io.BytesIO(data), abort_invalid=True)
    except PoFileError as exc:
        if problems is not None:
            line = getattr(exc, "lineno", None)  # Babel counts from 0
            line = line + 1 if isinstance(line, int) else 1
            reason = re.sub(r" on -?\d+$", "", str(exc))
            problems.error(display_path(path), line, f"cannot parse this .po file: {reason}; fix the entry or run 'msgfmt "
                                                     f"--check {display_path(path)}'")
        return None
    except (UnicodeDecodeError, ValueError, LookupError) as exc:  # LookupError: an unknown charset in the header
        if problems is not None:
            problems.error(display_path(path), 1, f"cannot read this .po file: {exc}; the header should say charset=UTF-8")
        return None


def singular(msgid: str | tuple[str, ...] | list[str]) -> str:
    """An entry's message id: a plural entry's is its singular."""
    return msgid if isinstance(msgid, str) else msgid[0]


def messages(path: Path, problems: Collector | None = None) -> dict[str, str | tuple[str, ...]]:
    """msgid → translation for the usable (translated, not fuzzy) entries of a ``.po`` file."""
    catalog = read_catalog(path, problems)
    if catalog is None:
        return {}
    key = path.resolve()
    kept = _tables.get(key)
    if kept is None or kept[0] is not catalog:
        table: dict[str, str | tuple[str, ...]] = {}
        for msg in catalog:
            if not msg.id or msg.fuzzy:
                continue
            if msg.context and isinstance(msg.id, str):
                if msg.string:
                    table[context_key(msg.context, msg.id)] = msg.string if isinstance(msg.string, str) else tuple(msg.string)
                continue
            if isinstance(msg.id, tuple):
                strings = tuple(msg.string) if msg.string else ()
                if strings and all(strings):
                    table[msg.id[0]] = strings
            elif msg.string and isinstance(msg.id, str) and isinstance(msg.string, str):
                table[msg.id] = msg.string
        kept = _tables[key] = (catalog, table)
    return kept[1]


def context_key(context: str, msgid: str) -> str:
    """How a message with a context (``msgctxt``, ``pgettext``) is looked up: gettext's own convention."""
    return f"{context}\x04{msgid}"


def visible(key: str) -> str:
    """The text of a lookup key (without its context)."""
    return key.rsplit("\x04", 1)[-1]


def catalog_tag(tag: str, declared: dict | None = None) -> str:
    """The locale whose .po files hold ``tag``'s translation (itself, unless transliterated)."""
    from .locales import resolve

    info = resolve(tag, declared)
    return info.transliterate if info and info.transliterate else tag


def catalog_folders(project: Project, domain: str) -> tuple[Path, ...]:
    """The locales/ folders a domain's catalogs are read from, most specific first: the template catalogs
    are theme files (the project's, then the built-in ones), a campaign's catalogs are the project's own."""
    return project.theme.catalogs if domain == TEMPLATE_DOMAIN else (project.locales,)


def catalog_paths(project: Project, tag: str, domain: str) -> list[Path]:
    """The catalogs of a locale and domain that exist, most specific first (see ``catalog_folders``)."""
    return [p for folder in catalog_folders(project, domain) if (p := po_path(folder, tag, domain)).is_file()]


_merged: dict[tuple[Path, ...], tuple[tuple[int, ...], dict[str, str | tuple[str, ...]]]] = {}


def merged_messages(paths: list[Path]) -> dict[str, str | tuple[str, ...]]:
    """msgid → translation from several catalogs: a message the first one translates wins (a project's
    catalog overrides the built-in translation of the messages it translates, and only those)."""
    tables = [messages(p) for p in paths]
    if len([t for t in tables if t]) <= 1:
        return next((t for t in tables if t), {})
    key = tuple(p.resolve() for p in paths)
    ids = tuple(id(t) for t in tables)
    kept = _merged.get(key)
    if kept is None or kept[0] != ids:
        table: dict[str, str | tuple[str, ...]] = {}
        for t in reversed(tables):
            table.update(t)
        kept = _merged[key] = (ids, table)
    return kept[1]


def locale_messages(locales_dirs: Path | tuple[Path, ...], tag: str, domain: str, declared: dict | None = None,
                    proper_names: list[str] | None = None) -> dict[str, str | tuple[str, ...]]:
    """msgid → translation for a locale, transliterated when the locale is built that way.

    ``locales_dirs``: one locales/ folder, or several, most specific first (``catalog_folders``)."""
    from .locales import resolve
    from .translit import transliterate

    source = catalog_tag(tag, declared)
    folders = (locales_dirs,) if isinstance(locales_dirs, Path) else locales_dirs
    path = po_path(folders[0], source, domain)
    table = merged_messages([po_path(f, source, domain) for f in folders])
    if source == tag:
        return table
    info = resolve(tag, declared)
    assert info is not None, f"{tag}: only known locales are transliterated"
    script = info.script
    names = tuple(proper_names or ())
    cache_key = (path.resolve(), script, names)
    if cache_key not in _transliterated or _transliterated[cache_key][0] is not table:

        def convert(value: str | tuple[str, ...]) -> str | tuple[str, ...]:
            if isinstance(value, tuple):
                return tuple(transliterate(v, script, list(names)) for v in value)
            return transliterate(value, script, list(names))

        _transliterated[cache_key] = (table, {k: convert(v) for k, v in table.items()})
    return _transliterated[cache_key][1]


@dataclass
class Usage:
    """Which messages an output used, and where each came from."""

    own: set[str] = field(default_factory=set)
    fallback: set[str] = field(default_factory=set)
    missing: set[str] = field(default_factory=set)

    @property
    def total(self) -> int:
        return len(self.own | self.fallback | self.missing)

    @property
    def translated(self) -> float:
        """Share of messages translated in the output's own locale, before fallback."""
        return round(len(self.own) / self.total, 4) if self.total else 1.0


class Translator:
    """Looks a message up along a fallback chain and records what it found.

    The source locale is the last link: its "translation" is the msgid itself.
    """

    def __init__(self, tag: str, chain: list[str], source: str, tables: dict[str, dict],
                 transform: Callable[[str], str] | None = None, declared: dict | None = None) -> None:
        self.tag = tag
        self.chain = chain
        self.source = source
        self.tables = tables  # tag → msgid → translation
        self.usage = Usage()
        self.transform = transform  # computes every translation (the pseudo-locale)
        self.declared = declared or {}  # the campaign's [locales.*]: directions and plural rules
        # (msgid, text) → text marked for i18n/places.py (a locale's screenshots)
        self.marker: Callable[[str, str], str] | None = None

    def _find(self, msgid: str, kind: type) -> tuple[Any, str]:
        """The first entry of type ``kind`` along the chain, and its locale; record the use."""
        if self.transform is not None:
            self.usage.own.add(msgid)
            return (self.transform(msgid) if kind is str else None), self.tag
        if self.tag != self.source:
            for tag in self.chain:
                if tag == self.source:
                    break
                found = self.tables.get(tag, {}).get(msgid)
                if isinstance(found, kind):
                    (self.usage.own if tag == self.tag else self.usage.fallback).add(msgid)
                    return found, tag
            self.usage.missing.add(msgid)
        else:
            self.usage.own.add(msgid)
        return None, self.source

    def lookup(self, msgid: str) -> tuple[str, str]:
        """(text, locale the text is in) for ``msgid``."""
        if not msgid:
            return msgid, self.tag
        found, tag = self._find(msgid, str)
        text = found if found is not None else msgid
        if self.marker is not None:
            text = self.marker(msgid, visible(text))
        return text, tag

    def text(self, msgid: str) -> str:
        return self.lookup(msgid)[0]

    def _text(self, value: str, tag: str, variables: dict) -> Text:
        from .locales import resolve

        info = resolve(tag, self.declared)
        text = formatted(value, variables, tag, info.direction if info else "ltr", tag != self.tag)
        page = resolve(self.tag, self.declared)
        if page is not None and page.direction == "rtl":
            # Plain characters, not <bdi>: a template string may be printed inside an
            # attribute, where its numbers must still read left to right.
            # In HTML the same numbers get <bdi> (Text.__html__).
            return Text(isolate_text(text.plain), text.lang, text.dir, text.fallback, text._html, page_dir="rtl")  # noqa: SLF001 - its own package's type
        return text

    # The template callables (Jinja's newstyle gettext: ``_("… %(x)s", x=…)``).
    # They return Text, not Markup: Jinja escapes it on output (translations come
    # from outside volunteers), fallback text carries its language, and
    # ``.plain`` serves attributes. Like newstyle gettext, the string is always
    # %-formatted, so template authors write ``%%``; a translator's literal %
    # ("100% falas") is kept as written (literal_percent).
    def gettext(self, msgid: str, **variables: object) -> Text:
        value, tag = self.lookup(msgid)
        if tag != self.source or self.transform is not None:
            value = literal_percent(value)
        return self._text(value, tag, variables)

    def pgettext(self, __context: str, __msgid: str, **variables: object) -> Text:
        """``pgettext("card front", "Call")``: the same English with another meaning is another message."""
        key = context_key(__context, __msgid)
        value, tag = self.lookup(key)
        value = value.replace(key, __msgid)  # not translated: the source text, without its context
        if tag != self.source or self.transform is not None:
            value = literal_percent(value)
        return self._text(value, tag, variables)

    def ngettext(self, singular: str, plural: str, n: int, **variables: object) -> Text:
        variables.setdefault("num", n)
        if self.transform is not None:
            self._find(singular, tuple)
            return self._text(literal_percent(self.transform(singular if n == 1 else plural)), self.tag, variables)
        forms, tag = self._find(singular, tuple)
        mark = self.marker or (lambda _, text: text)
        if forms is None:
            return self._text(mark(singular, singular if n == 1 else plural), tag, variables)
        return self._text(mark(singular, literal_percent(forms[min(self._plural_index(tag, n), len(forms) - 1)])), tag, variables)

    def _plural_index(self, tag: str, n: int) -> int:
        """The plural form for ``n`` by ``tag``'s rule, a campaign's declared plural_forms first."""
        from .locales import resolve

        info = resolve(tag, self.declared)
        if info is None:
            return 0 if n == 1 else 1
        expr = info.po_plural_forms.split("plural=", 1)[1].rstrip(";").strip()
        return int(_plural_function(expr)(n))


#: What %-formatting reads in a translation: a named placeholder, or %% (the
#: placeholder check in checks.py makes sure they are the source's).
_FORMAT = re.compile(r"%(?:\(\w+\)[sdif]|[sdif%])")


def literal_percent(text: str) -> str:
    """``text`` with every % that is not a placeholder or %% doubled, so %-formatting shows it as written."""
    out, pos = [], 0
    for m in re.finditer("%", text):
        if m.start() < pos:
            continue
        fmt = _FORMAT.match(text, m.start())
        out.append(text[pos:m.start()])
        out.append(fmt.group(0) if fmt else "%%")
        pos = fmt.end() if fmt else m.end()
    out.append(text[pos:])
    return "".join(out)


_plural_funcs: dict[str, Callable[[int], int]] = {}


def _plural_function(expr: str) -> Callable[[int], int]:
    """Evaluate a gettext plural expression safely (only n and arithmetic)."""
    if expr not in _plural_funcs:
        from gettext import c2py

        _plural_funcs[expr] = c2py(expr)
    return _plural_funcs[expr]
