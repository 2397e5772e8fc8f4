"""What a locale's readers will see translated, before anything is rendered.

The build uses this to gate publication (a locale whose campaign catalog is
below the campaign's ``min_translated`` is not published: the threshold is
the campaign's own texts, template strings are counted and reported apart,
naming ``toolbox.po``), to warn once per catalog with counts,
to fail ``--strict`` builds naming every untranslated or fuzzy message, and
to refuse fallback for the parts a campaign marks critical.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import formats
from ..brand import load_brand
from ..campaign.model import Campaign
from ..checkcache import contents, recall
from ..errors import Problem, display_path
from ..project import Project
from .catalog import (
    TEMPLATE_DOMAIN,
    catalog_folders,
    catalog_paths,
    catalog_tag,
    locale_messages,
    po_path,
    read_catalog,
    singular,
)
from .workflow import campaign_messages, extract_templates


def template_ids(project: Project) -> list[str]:
    """The template messages a project's outputs may show: its formats' names and labels on its default paper."""
    paper = load_brand(project).paper

    def extract() -> list[str]:
        return [singular(m.id) for m in extract_templates(project, paper=paper) if m.id]

    # Extracting runs Babel over every template, and coverage() asks once per locale: remembered by the
    # bytes it reads (checkcache.py), so a template edited (serve) is seen and an unchanged one is not re-read.
    read = [project.theme.file(formats.FILE)] + [p for f in project.theme.folders if f.is_dir()
                                                  for p in sorted(f.rglob("*.html"))]
    ids: list[str] = recall("template-ids", (paper, *(f"{p}\0".encode() + contents(p) for p in read)), extract)
    return ids


@dataclass
class CatalogCoverage:
    """One catalog (a domain) of one locale."""

    path: Path | None = None
    needed: int = 0
    translated: int = 0
    missing: list[Problem] = field(default_factory=list)  # untranslated or fuzzy, each with its .po line

    @property
    def share(self) -> float:
        return self.translated / self.needed if self.needed else 1.0


@dataclass
class Coverage:
    campaign: str
    locale: str
    content: CatalogCoverage = field(default_factory=CatalogCoverage)  # the campaign's catalog: min_translated
    templates: CatalogCoverage = field(default_factory=CatalogCoverage)  # toolbox.po, shared by every campaign
    critical: list[Problem] = field(default_factory=list)  # untranslated where fallback is forbidden

    @property
    def share(self) -> float:
        """The campaign's own texts translated: what ``min_translated`` is compared with."""
        return self.content.share

    @property
    def missing(self) -> list[Problem]:
        return self.templates.missing + self.content.missing


def _entries(project: Project, tag: str, domain: str, declared: dict) -> tuple[Path, dict[str, tuple[int | None, bool]]]:
    """msgid → (line, fuzzy) for the .po file behind a locale and domain."""
    source = catalog_tag(tag, declared)
    found = catalog_paths(project, source, domain)
    table: dict[str, tuple[int | None, bool]] = {}
    for path in reversed(found):  # the project's catalog last: its lines are the ones to fix
        for m in read_catalog(path) or ():
            if m.id:
                table[singular(m.id)] = (m.lineno, m.fuzzy)
    return (found[0] if found else po_path(project.locales, source, domain)), table


def coverage(project: Project, campaign: Campaign, tag: str) -> Coverage:
    result = Coverage(campaign.id, tag)
    if tag == campaign.campaign.source_locale:
        return result
    declared = campaign.locales
    names = campaign.campaign.proper_names
    critical_parts = set(campaign.campaign.no_fallback)
    wanted: list[tuple[str, str, str]] = [(TEMPLATE_DOMAIN, mid, "template") for mid in template_ids(project)]
    wanted += [(campaign.id, m.msgid, m.part) for m in campaign_messages(campaign, tag)]
    seen: set[tuple[str, str]] = set()
    for domain, counts in ((TEMPLATE_DOMAIN, result.templates), (campaign.id, result.content)):
        table = locale_messages(catalog_folders(project, domain), tag, domain, declared, names)
        path, entries = _entries(project, tag, domain, declared)
        counts.path = path
        shown = display_path(path)
        for d, msgid, part in wanted:
            if d != domain or (d, msgid) in seen:
                continue
            seen.add((d, msgid))
            counts.needed += 1
            if msgid in table:
                counts.translated += 1
                continue
            line, fuzzy = entries.get(msgid, (None, False))
            state = "fuzzy (outdated)" if fuzzy else "untranslated"
            short = msgid if len(msgid) <= 60 else msgid[:57] + "..."
            counts.missing.append(Problem(shown, line, f"{tag}: {state}: {short!r}"))
            if part in critical_parts:
                result.critical.append(Problem(
                    shown, line,
                    f"{tag}: {short!r} must be translated: the campaign forbids fallback for '{part}' "
                    f"(no_fallback in campaign.toml); translate it or remove {tag} from the groups' locales"))
    return result
