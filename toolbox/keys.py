"""Input keys: one hash per output, from everything that output depends on.

A print output depends on its campaign's shared data and its own group and
country, the Markdown files and images it shows, the catalog files of its
locale's fallback chain, the templates it includes (found by parsing them)
and the styles and images beside them, the fonts of its script, the toolbox
version and the build options. An output whose key is unchanged since the
last build is not rendered again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, is_dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta

from . import __version__
from .brand import load_brand
from .campaign.contacts import shown_country
from .campaign.model import Campaign
from .checkcache import recall
from .formats import FILE as FORMATS_FILE
from .i18n.catalog import TEMPLATE_DOMAIN, catalog_folders, catalog_tag, po_path
from .i18n.locales import chain, resolve
from .plan import Unit, project_formats, template_name
from .project import PROJECT_FILE, Project
from .render.context import created_date
from .theme import builtin_root

# Files beside the templates that print templates pull in by URL (styles, emblems).
_ASSET_SUFFIXES = (".css", ".svg", ".png", ".jpg", ".jpeg", ".toml", ".icc")


def _plain(obj: Any) -> Any:
    """A stable, JSON-like view of model data (paths as text, dates as ISO)."""
    if is_dataclass(obj) and not isinstance(obj, type):
        return _plain(asdict(obj))
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in sorted(obj.items(), key=lambda kv: str(kv[0]))}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    return obj if isinstance(obj, (str, int, float, bool, type(None))) else str(obj)


def _guide_audio(project: Project, campaign: Campaign, unit: Unit) -> list[str]:
    from .render.audio import voice_messages

    return voice_messages(project, campaign, unit.locale, unit.country) if unit.locale and unit.country else []


class KeyMaker:
    def __init__(self, project: Project, env: jinja2.Environment, options: object) -> None:
        self.project = project
        self.env = env
        self.options = repr(options)
        self.formats = project_formats(project)
        self._files: dict[Path, str] = {}
        self._templates: dict[str, frozenset[str]] = {}
        self._parts: dict[tuple, str] = {}
        self._bases = (("builtin", builtin_root().resolve()), ("project", project.root.resolve()))

    def file(self, path: Path) -> str:
        """Hash of a file's bytes ('missing' for none), once per build."""
        if path not in self._files:
            self._files[path] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "missing"
        return self._files[path]

    def theme_file(self, rel: str) -> str:
        """A theme file's hash and where it was read from: moving an override in or out of the project
        changes the key even when the bytes are the same."""
        path = self.project.theme.file(rel)
        return f"{self.place(path)}:{self.file(path)}"

    def place(self, path: Path) -> str:
        """Where a file is, relative to toolbox's built-in theme or to the project, not where either is installed:
        a project moved to another folder (a CI checkout elsewhere, toolbox in another venv) keeps its keys and
        reuses its dist/, a project made by 'toolbox init' has the keys of the same outputs in this repository
        (whose templates/ are the built-in theme), and a file moved between the project and the theme still
        changes them."""
        resolved = path.resolve()
        for name, base in self._bases:
            if resolved.is_relative_to(base):
                return f"{name}:{resolved.relative_to(base).as_posix()}"
        return resolved.as_posix()

    def _part(self, name: tuple, make: Callable[[], Iterable[tuple[str, object]]]) -> str:
        """A digest shared by many outputs (a campaign's data, a format's templates), made once."""
        def digest() -> str:
            h = hashlib.sha256()
            for label, value in make():
                h.update(f"{label}\0{value}\0".encode())
            return h.hexdigest()

        return self._memo(name, digest)

    def _memo(self, name: tuple, make: Callable[[], str]) -> str:
        """``make()``, once per build for ``name``: thousands of outputs share a campaign's, a format's or a
        country's part."""
        if name not in self._parts:
            self._parts[name] = make()
        return self._parts[name]

    def templates(self, name: str) -> frozenset[str]:
        """``name`` and every template it extends, includes or imports, recursively."""
        if name not in self._templates:
            seen = {name}
            todo = [name]
            while todo:
                current = todo.pop()
                assert self.env.loader is not None  # render.templates.environment sets one
                source, _, _ = self.env.loader.get_source(self.env, current)
                for ref in self._references(current, source):
                    if ref and ref not in seen:
                        seen.add(ref)
                        todo.append(ref)
            self._templates[name] = frozenset(seen)
        return self._templates[name]

    def _references(self, name: str, source: str) -> list[str]:
        """The templates ``name`` names; parsing is most of planning a no-op rebuild, so it is remembered by its
        source (checkcache.py)."""

        def parse() -> list[str | None]:
            return list(meta.find_referenced_templates(self.env.parse(source)))

        return [r for r in recall("template-references", (name, source), parse) if r]

    def _campaign_items(self, campaign: Campaign) -> Iterator[tuple[str, object]]:
        yield "toolbox", __version__
        yield "created", created_date(campaign)  # SOURCE_DATE_EPOCH changes every file's dates
        yield "campaign", _plain(campaign.campaign)
        yield "partners", _plain(campaign.partners)
        yield "assets", _plain(campaign.assets)
        yield "locales", _plain(campaign.locales)
        for asset in campaign.assets:
            yield asset.file, self.file(campaign.folder / asset.file)
        for partner in campaign.partners:
            if partner.logo:
                yield partner.logo, self.file(campaign.folder / partner.logo)
        # The brand kit (toolbox.toml) reaches every output: colours, logo, contact line. Its values, not the
        # file's bytes: a comment edited renders nothing again, and init's all-comments file is no file at all.
        brand = load_brand(self.project)
        yield PROJECT_FILE, _plain(replace(brand, logo=None))
        if brand.logo is not None:
            yield "logo", f"{self.place(brand.logo)}:{self.file(brand.logo)}"
        profile = campaign.campaign.print_profile
        if profile.lower().endswith((".icc", ".icm")):  # the print shop's own profile (built-in ones are templates)
            yield profile, self.file(campaign.folder / profile)

    def _format_items(self, fmt: str) -> Iterator[tuple[str, object]]:
        # The papers and folds it is drawn on: the project's default paper (toolbox.toml) chooses them.
        kind = self.formats[fmt]
        yield "papers", _plain(kind.papers)
        yield "fold", _plain(kind.fold or self.formats.fold)
        for name in sorted(self.templates(template_name(fmt, self.formats))):
            yield name, self.theme_file(name)
        # The folders of every drawn format's template (styles, emblems, formats.toml beside them),
        # the partials and the fonts.
        drawn = [f.template.split("/", 1)[0] for f in self.formats if f.template and "/" in f.template]
        for folder in dict.fromkeys(drawn + ["partials", "fonts", "pictograms"]):
            for path in self.project.theme.listing(folder):
                if path.suffix in _ASSET_SUFFIXES or path.suffix in (".ttf", ".otf"):
                    yield f"{folder}/{path.name}", self.theme_file(f"{folder}/{path.name}")

    def _locale_items(self, campaign: Campaign, tag: str) -> Iterator[tuple[str, object]]:
        info = resolve(tag, campaign.locales)
        yield "script", info.script if info else ""
        for link in chain(tag, campaign.campaign.source_locale, campaign.locales):
            for domain in (TEMPLATE_DOMAIN, campaign.id):
                tag_of = catalog_tag(link, campaign.locales)
                for folder in catalog_folders(self.project, domain):  # every layer: a project's catalog overrides per message
                    path = po_path(folder, tag_of, domain)
                    if domain == TEMPLATE_DOMAIN:
                        # Theme files: a layer the project does not have is no layer (adding one adds an item).
                        if path.is_file():
                            yield self.place(path), self.file(path)
                    else:  # the campaign's own catalogs are the project's, wherever the project is
                        yield path.relative_to(self.project.root).as_posix(), self.file(path)

    def _group_items(self, campaign: Campaign, group_id: str) -> Iterator[tuple[str, object]]:
        group = campaign.group(group_id)
        yield "group", _plain(group)
        for rel in sorted(group.content.values()):
            yield rel, self.file(campaign.folder / rel)

    def print_key(self, campaign: Campaign, unit: Unit) -> str:
        cid, locale, group = campaign.id, unit.locale, unit.group
        assert locale is not None  # print units have a locale (plan.py)
        h = hashlib.sha256()
        country = unit.country
        for part in (
            self.options,
            repr(_plain(unit)),
            # Made once per campaign and country, not per output: thousands of outputs share them.
            self._memo(("country", cid, country), lambda: repr(_plain(shown_country(campaign, country) if country else None))),
            self._part(("campaign", cid), lambda: self._campaign_items(campaign)),
            self._part(("format", unit.format), lambda: self._format_items(unit.format)),
            self._part(("locale", cid, locale), lambda: self._locale_items(campaign, locale)),
            self._part(("group", cid, group), lambda: self._group_items(campaign, group)) if group
            else self._memo(("groups", cid), lambda: repr(_plain(campaign.groups))),  # the guide lists every group's
            "" if unit.group else repr(_guide_audio(self.project, campaign, unit)),  # and says whether audio is there
        ):
            h.update(part.encode("utf-8") + b"\0")
        return h.hexdigest()

    def site_key(self, campaign: Campaign, downloads: dict, audio: list | None = None) -> str:
        """One key for a campaign's whole microsite: pages are cheap, but hundreds add up.

        Covers every group, country and text of the campaign, every catalog of
        its locales, the site templates and everything beside them, and the
        print files the downloads pages list.
        """
        h = hashlib.sha256()

        def add(label: str, value: object) -> None:
            h.update(f"{label}\0{value}\0".encode())

        add("campaign", self._part(("campaign", campaign.id), lambda: self._campaign_items(campaign)))
        add("groups", _plain(campaign.groups))
        add("countries", _plain(campaign.countries))
        add("regional_hotlines", _plain(campaign.regional_hotlines))
        for group in campaign.groups:
            add("group", self._part(("group", campaign.id, group.id), partial(self._group_items, campaign, group.id)))
        for tag in sorted({t for g in campaign.groups for t in g.locales}):
            add("locale", self._part(("locale", campaign.id, tag), partial(self._locale_items, campaign, tag)))
        for folder in ("site", "partials", "fonts", "pictograms"):
            for path in self.project.theme.listing(folder):
                add(f"{folder}/{path.name}", self.theme_file(f"{folder}/{path.name}"))
        emblem = "print/_eu-emblem.svg"  # every page of an EU-funded site includes it
        if self.project.theme.has(emblem):
            add(emblem, self.theme_file(emblem))
        # The downloads pages name each format as formats.toml does.
        add(FORMATS_FILE, self.theme_file(FORMATS_FILE))
        add("downloads", _plain(downloads))
        if audio:  # the group pages' players link the audio files
            add("audio", _plain(audio))
        return h.hexdigest()
