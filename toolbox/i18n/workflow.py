"""The translation workflow: extract → init → update → status.

Each step is a plain function over Babel's catalogs; ``toolbox i18n ...``
commands are thin wrappers. Layout (docs/translating.md)::

    locales/toolbox.pot                          shared template strings
    locales/<campaign>.pot                       one campaign's content
    locales/<tag>/LC_MESSAGES/toolbox.po
    locales/<tag>/LC_MESSAGES/<campaign>.po
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import write_po

from .. import formats
from ..campaign.contacts import applies
from ..campaign.model import SECTIONS, Campaign, TargetGroup
from ..campaign.tomlpos import line_of
from ..errors import Collector, Problem, ToolboxError, display_path
from ..project import Project
from ..write import atomic_write
from .catalog import REVIEW_FLAG, TEMPLATE_DOMAIN, catalog_paths, catalog_tag, context_key, po_path, read_catalog, singular
from .locales import resolve
from .numbers import HOTLINE
from .segments import split_blocks

#: ``survey``: a ``toolbox.survey`` result (a higher layer: typed loosely here). ``sizes(domain, tag,
#: msgid, flags)``: the size flags a locale's catalog gets for a message.
Sizes = Callable[[str, str, str, list[str]], list[str]]

# Pinned so extraction is reproducible: a .pot only changes when its messages do.
_EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)

SMS_SEGMENT = 160


def pot_path(project: Project, domain: str) -> Path:
    return project.locales / f"{domain}.pot"


def _new_catalog(domain: str, locale: str | None = None) -> Catalog:
    return Catalog(
        locale=None, domain=domain, project=f"toolbox: {domain}", version="1",
        msgid_bugs_address="", creation_date=_EPOCH, revision_date=_EPOCH,
        copyright_holder="", charset="utf-8", fuzzy=False,
    )


def extract_templates(project: Project, survey: Any = None, family: str = "", paper: str | None = None) -> Catalog:
    """Every ``_()``/``{% trans %}`` string in templates/ and the names in templates/print/formats.toml
    (where each appears, from ``survey``); with ``paper``, only the format names and labels shown on it."""
    catalog = _new_catalog(TEMPLATE_DOMAIN)
    options = {"extensions": "jinja2.ext.i18n", "trim_blocks": "True", "lstrip_blocks": "True"}
    folders = project.theme.folders
    for i, folder in enumerate(folders):
        if not folder.is_dir():
            continue
        found = extract_from_dir(
            str(folder),
            method_map=[("**.html", "jinja2.ext:babel_extract")],
            options_map={"**.html": options},
        )
        for filename, lineno, message, comments, context in found:
            if any((earlier / filename).is_file() for earlier in folders[:i]):
                continue  # the project's copy of this template is the one built
            catalog.add(message, None, [(f"templates/{filename}", lineno)], auto_comments=comments, context=context)
    # Display names and paper labels of the output formats, shown by the guide and the downloads pages.
    for message, lineno in formats.messages(project.theme, paper):
        catalog.add(message, None, [(f"templates/{formats.FILE}", lineno)])
    if survey is not None:
        describe(catalog, survey, family)
    return catalog


def describe(catalog: Catalog, survey: Any, family: str) -> None:
    """Add where each message appears (``#.``) and, for one in a fixed box, its room (Weblate's flags)."""
    from .flags import room_flags, unmanaged

    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
        if message.context:
            key = context_key(message.context, key)
        keys = (key, message.id[1]) if isinstance(message.id, tuple) else (key,)
        where = next((survey.where(k) for k in keys if survey.where(k)), "")
        if not where and message.locations:
            # Shown only when a campaign's data asks for it (a Kosovo footnote, a regional line).
            files = ", ".join(dict.fromkeys(f for f, _ in message.locations))
            where = f"Appears in: no output of the current campaigns; {files} shows it when the data asks for it."
        if where and where not in message.auto_comments:
            message.auto_comments.append(where)
        room = next((survey.tightest(k) for k in keys if survey.tightest(k)), None)
        if room is not None and family:
            sms = [f for f in message.flags if f.startswith("max-length:")]
            message.flags = set(unmanaged(message.flags)) | set(room_flags(room, family)) | set(sms)


@dataclass(frozen=True)
class SourceMessage:
    msgid: str
    location: tuple[str, int]
    comment: str
    part: str  # "campaign", "group", "contacts", "asset", or a section name
    flags: tuple[str, ...] = ()


def placeholder_flags(text: str) -> tuple[str, ...]:
    """``python-brace-format`` for a text with ``{hotline}``: translation tools then insist it is kept."""
    return ("python-brace-format",) if HOTLINE in text else ()


def hotline_hint(text: str) -> str:
    return f" Keep {HOTLINE} exactly: it becomes the help line's number." if HOTLINE in text else ""


def sms_reserved(campaign: Campaign, group: TargetGroup) -> int:
    """Characters the build adds after a group's SMS text: a line break and the longest first hotline line."""
    longest = 0
    for code in group.countries:
        country = campaign.countries.get(code)
        if country is not None and country.hotlines:
            first = country.hotlines[0]
            longest = max(longest, len(f"{first.name}: {first.number}"))
    return longest + 2 if longest else 1


def sms_limit(campaign: Campaign, group: TargetGroup, encoding: str = "GSM-7") -> int:
    from .flags import sms_length

    return sms_length(campaign.campaign.sms_segments, sms_reserved(campaign, group), encoding)


def campaign_messages(campaign: Campaign, locale: str | None = None) -> list[SourceMessage]:
    """Every translatable text of a campaign (or only what ``locale``'s readers see)."""
    out: list[SourceMessage] = []
    rel_def = f"{campaign.id}/campaign.toml"

    def add(text: str, key: tuple, comment: str, part: str, flags: tuple[str, ...] = ()) -> None:
        if text:
            out.append(SourceMessage(text, (rel_def, line_of(campaign.lines, key) or 1), comment + hotline_hint(text),
                                     part, flags + placeholder_flags(text)))

    info = campaign.campaign
    add(info.title, ("campaign", "title"), "Campaign title: cover of every leaflet, page titles.", "campaign")
    add(info.summary, ("campaign", "summary"), "Campaign summary: microsite home page.", "campaign")
    add(info.disclaimer, ("campaign", "disclaimer"), "Funder disclaimer, printed small on every material.", "campaign")
    groups = [g for g in campaign.groups if locale is None or locale in g.locales]
    for group in groups:
        k = group.key
        add(group.name, k + ("name",), f"Name of the target group '{group.id}', as readers see it.", "group")
        add(group.key_message, k + ("key_message",),
            f"Key message for '{group.id}': leaflet cover, page heading. One sentence.", "group")
        add(group.call_to_action, k + ("call_to_action",), f"Call to action for '{group.id}'. One short sentence.", "group")
        limit = sms_limit(campaign, group)
        parts = campaign.campaign.sms_segments or 1
        add(group.sms, k + ("sms",), f"Text message for '{group.id}', forwarded by SMS with the help line's name and "
            f"number after it: keep it within {limit} characters, so that with the number it takes at most {parts} SMS "
            f"(fewer in Arabic or Cyrillic script: your catalog's max-length flag says how many).", "group",
            (f"max-length:{limit}",))
        for section in SECTIONS:
            rel = group.content.get(section)
            if not rel:
                continue
            for block in split_blocks((campaign.folder / rel).read_text(encoding="utf-8")):
                out.append(SourceMessage(
                    block.text, (f"{campaign.id}/{rel}", block.line),
                    f"Markdown {block.kind} in '{section}' of '{group.id}'. Keep **bold**, *emphasis* and [links](...) markup."
                    + hotline_hint(block.text),
                    section, ("md-text",) + placeholder_flags(block.text)))
    for asset in campaign.assets:
        if locale is None or any(g.image == asset.id for g in groups):
            add(asset.alt, asset.key + ("alt",), f"Alternative text of image '{asset.id}', read aloud by screen readers.",
                "asset")
    reached = {cc for g in groups for cc in g.countries}
    for code, country in sorted(campaign.countries.items()):
        if locale is not None and code not in reached:
            continue
        for hotline in country.hotlines:
            add(hotline.name, hotline.key + ("name",), f"Name of a help line in {code}. The number is not translated.",
                "contacts")
        add(country.note, country.key + ("note",), f"Note shown with the contacts for {code}.", "contacts")
    for line in campaign.regional_hotlines:
        if locale is None or any(applies(line, cc, campaign) for cc in reached):
            add(line.name, line.key + ("name",), f"Name of a {line.kind} help line, shown in countries without a line "
                                                 "of their own. The number is not translated.", "contacts")
    return out


def extract_campaign(campaign: Campaign, survey: Any = None, family: str = "") -> Catalog:
    """The campaign's .pot: one entry per distinct text, with every place it appears."""
    catalog = _new_catalog(campaign.id)
    for m in campaign_messages(campaign):
        existing = catalog.get(m.msgid)
        if existing is not None:
            existing.locations.append(m.location)
            continue
        catalog.add(m.msgid, None, [m.location], flags=m.flags, auto_comments=[m.comment])
    if survey is not None:
        describe(catalog, survey, family)
    return catalog


def _flags_last(match: re.Match[bytes]) -> bytes:
    """A ``#,`` line with the size flags after the others (Babel sorts them all), in a fixed order."""
    from .flags import MANAGED

    flags = match.group(1).decode("utf-8").split(", ")
    order = {prefix: n for n, prefix in enumerate(MANAGED)}

    def rank(flag: str) -> tuple[int, str]:
        return next((order[p] for p in MANAGED if flag.startswith(p)), -1), flag

    return ("#, " + ", ".join(sorted(flags, key=rank))).encode("utf-8")


def _po_bytes(catalog: Catalog, plural_forms: str = "") -> bytes:
    buf = io.BytesIO()
    write_po(buf, catalog, width=0, include_previous=True, sort_output=False)
    data = re.sub(rb"^#, (.*)$", _flags_last, buf.getvalue(), flags=re.M)
    if plural_forms and b'"Plural-Forms:' not in data:
        # Babel writes Plural-Forms only for locales CLDR knows; ours come from locales.py.
        data = data.replace(b'"MIME-Version:', f'"Plural-Forms: {plural_forms}\\n"\n"MIME-Version:'.encode(), 1)
    return data


def po_bytes(catalog: Catalog, tag: str, declared: dict | None = None) -> bytes:
    """A locale's catalog as ``update`` writes it (headers from our locale table)."""
    return _po_bytes(catalog, _header_for(catalog, tag, declared or {}))


def extract(project: Project, campaigns: list[Campaign], survey: Any = None,
            families: dict[str, str] | None = None) -> list[Path]:
    """Write the .pot templates; return their paths.

    ``survey`` (``toolbox/survey.py``): where each message appears and its room;
    ``families``: domain → the font family of its source language (the size flags' font).
    """
    written = []
    families = families or {}
    catalogs = [(TEMPLATE_DOMAIN, extract_templates(project, survey, families.get(TEMPLATE_DOMAIN, "")))]
    catalogs += [(c.id, extract_campaign(c, survey, families.get(c.id, ""))) for c in campaigns]
    for domain, catalog in catalogs:
        path = pot_path(project, domain)
        atomic_write(path, _po_bytes(catalog))
        written.append(path)
    return written


def _header_for(catalog: Catalog, tag: str, declared: dict) -> str:
    """Set a locale's headers; return its Plural-Forms."""
    info = resolve(tag, declared)
    catalog.language_team = f"{info.english if info else tag} <translators>"
    catalog.revision_date = _EPOCH
    catalog.creation_date = _EPOCH
    # Babel derives Plural-Forms from the locale; set it from our table, which
    # also covers languages CLDR lacks (Romani).
    forms = info.po_plural_forms if info else "nplurals=2; plural=(n != 1);"
    nplurals = int(forms.split("nplurals=")[1].split(";")[0])
    # Babel has no setters for these (and types them as never set).
    catalog._num_plurals = nplurals  # type: ignore[assignment]  # noqa: SLF001
    catalog._plural_expr = forms.split("plural=", 1)[1].rstrip(";").strip()  # type: ignore[assignment]  # noqa: SLF001
    catalog.locale = None
    catalog._locale_identifier = tag.replace("-", "_")  # noqa: SLF001
    return forms


def _read_template(project: Project, domain: str) -> Catalog:
    path = pot_path(project, domain)
    if not path.is_file():
        raise ToolboxError(Problem(display_path(path), None, "no template yet; run 'toolbox i18n extract' first"))
    problems = Collector()
    catalog = read_catalog(path, problems)
    problems.raise_if_errors()
    assert catalog is not None  # read_catalog reports why it returns None
    return catalog


def init(project: Project, tag: str, domains: list[str], declared: dict) -> list[Path]:
    """Start catalogs for a new locale (existing ones are left alone)."""
    if resolve(tag, declared) is None:
        raise ToolboxError(Problem(tag, None, f"unknown locale '{tag}'; declare it under [locales.\"{tag}\"] in the campaign"))
    written = []
    for domain in domains:
        path = po_path(project.locales, tag, domain)
        if path.exists():
            continue
        template = _read_template(project, domain)
        catalog = _new_catalog(domain)
        for message in template:
            if message.id:
                catalog.add(message.id, None, message.locations, flags=[f for f in message.flags if f != "fuzzy"],
                            auto_comments=message.auto_comments, context=message.context)
        forms = _header_for(catalog, tag, declared)
        atomic_write(path, _po_bytes(catalog, forms))
        written.append(path)
    return written


@dataclass
class Updated:
    path: Path
    fuzzy: int
    obsolete: int


def update(project: Project, tags: list[str], domains: list[str], declared: dict, sizes: Sizes | None = None) -> list[Updated]:
    """Merge new templates into existing catalogs; never lose a translation.

    Changed source text becomes fuzzy with its previous msgid kept (``#|``);
    removed messages stay in the file as obsolete (``#~``). ``sizes(domain, tag,
    msgid, template flags)`` gives a message's length flags for the locale
    (``i18n/flags.py``); they replace the catalog's own.
    """
    from .flags import unmanaged

    results = []
    for domain in domains:
        template = _read_template(project, domain)
        for tag in tags:
            path = po_path(project.locales, tag, domain)
            problems = Collector()
            catalog = read_catalog(path, problems, fresh=True)
            problems.raise_if_errors()
            if catalog is None:
                continue
            catalog.update(template, no_fuzzy_matching=False, update_creation_date=False)
            if sizes is not None:
                for message in catalog:
                    if message.id:
                        source = template.get(message.id, message.context)
                        flags = sorted(source.flags) if source is not None else []
                        key = message.id if isinstance(message.id, str) else message.id[0]
                        message.flags = set(unmanaged(message.flags)) | set(sizes(domain, tag, key, flags))
            forms = _header_for(catalog, tag, declared)
            atomic_write(path, _po_bytes(catalog, forms))
            fuzzy = sum(1 for m in catalog if m.id and m.fuzzy)
            results.append(Updated(path, fuzzy, len(catalog.obsolete)))
    return results


@dataclass
class Status:
    domain: str
    locale: str
    translated: int
    fuzzy: int
    untranslated: int
    review: int
    untranslated_ids: list[str]
    fuzzy_ids: list[str]

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        return round(100.0 * self.translated / self.total, 1) if self.total else 100.0


def status(project: Project, tags: list[str], domains: list[str], declared: dict | None = None) -> list[Status]:
    """Counts per catalog and locale; a transliterated locale reports its source catalog."""
    out = []
    problems = Collector()
    for domain in domains:
        for tag in tags:
            # The template catalogs are theme files: the built-in one, with the project's messages over it.
            layers = [c for p in reversed(catalog_paths(project, catalog_tag(tag, declared), domain))
                      if (c := read_catalog(p, problems)) is not None]
            catalog = list({singular(m.id): m for layer in layers for m in layer if m.id}.values()) if layers else None
            if catalog is None:
                pot = pot_path(project, domain)
                if domain == TEMPLATE_DOMAIN and not pot.is_file():
                    pot = project.theme.catalogs[-1] / pot.name
                template = read_catalog(pot, problems)
                ids = [m.id for m in template or () if m.id]
                out.append(Status(domain, tag, 0, 0, len(ids), 0, [str(i) for i in ids], []))
                continue
            translated = fuzzy = untranslated = review = 0
            missing, outdated = [], []
            for m in catalog:
                if not m.id:
                    continue
                mid = singular(m.id)
                done = all(m.string) if isinstance(m.string, tuple) else bool(m.string)
                if m.fuzzy:
                    fuzzy += 1
                    outdated.append(mid)
                elif done:
                    translated += 1
                    review += REVIEW_FLAG in m.flags
                else:
                    untranslated += 1
                    missing.append(mid)
            out.append(Status(domain, tag, translated, fuzzy, untranslated, review, missing, outdated))
    problems.raise_if_errors()
    return out
