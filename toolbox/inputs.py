"""What a build reads, loaded and checked before anything is written.

Campaign definitions (loaded, then validated), the theme under templates/,
every translation catalog the build would read, and which locales are
published (the translation gate). Each function adds its problems to a
:class:`~toolbox.errors.Collector`, so a user sees all of them at once.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .brand import check_fonts as check_brand_fonts
from .brand import read_brand
from .campaign.load import find_campaigns, load_campaign
from .campaign.model import Campaign
from .campaign.validate import validate_campaign
from .errors import Collector, Problem, display_path
from .formats import chosen as chosen_formats
from .i18n.catalog import TEMPLATE_DOMAIN, catalog_paths, catalog_tag
from .i18n.checks import check_po
from .i18n.coverage import coverage
from .i18n.glossary import check_glossary, glossary_path, read_glossary
from .i18n.hotlines import literal_number_problems, placeholder_problems
from .i18n.locales import chain, resolve
from .i18n.pseudo import TAG as PSEUDO
from .i18n.validate import validate_languages
from .project import Project
from .render.fonts import load_fonts
from .render.themecheck import check_designs, check_locale_fonts, check_print_profile


def load_campaigns(project: Project, only: list[str] | None, problems: Collector) -> list[Campaign]:
    """Every campaign definition under campaigns/ (or the ones named), as typed models."""
    folders = find_campaigns(project.campaigns)
    if only:
        known = {f.name for f in folders}
        for cid in only:
            if cid not in known:
                problems.error("campaigns", None, f"no campaign '{cid}' (known: {', '.join(sorted(known)) or 'none'})")
        folders = [f for f in folders if f.name in only]
    if not folders and not problems.errors:
        problems.error(str(project.campaigns), None, "no campaigns found; create one with 'toolbox new CAMPAIGN-ID'")
    campaigns = []
    for folder in folders:
        campaign = load_campaign(folder, problems)
        if campaign is not None:
            campaigns.append(campaign)
    return campaigns


def check_campaigns(project: Project, campaigns: list[Campaign], problems: Collector) -> None:
    """Validate the definitions, the theme and the catalogs; then the texts, once they are known safe to read."""
    for campaign in campaigns:
        check_campaign(campaign, project, problems)
    check_designs(project.theme, problems)
    check_project_file(project, problems)
    if not problems.errors:
        check_catalogs(project, campaigns, problems)
    if not problems.errors:  # the content files are known to be safe to read only now
        for campaign in campaigns:
            placeholder_problems(campaign, problems)
            literal_number_problems(project, campaign, problems)


def check_project_file(project: Project, problems: Collector) -> None:
    """toolbox.toml's brand kit: every bad value with its line; a font it names must be one fonts.toml declares."""
    brand = read_brand(project, problems)
    if brand.fonts and not problems.errors:
        check_brand_fonts(brand, {face.family for face in load_fonts(project.theme).faces}, project, problems)


def check_campaign(campaign: Campaign, project: Project, problems: Collector) -> None:
    """The validate stage for one loaded campaign: the definition, its languages, and fonts that draw them."""
    validate_campaign(campaign, project, problems, chosen_formats(project.theme))
    validate_languages(campaign, project, problems)
    check_locale_fonts(campaign, project, problems)
    check_print_profile(campaign, project, problems)


def load_all(project: Project, only: list[str] | None = None) -> tuple[list[Campaign], Collector]:
    """Load and validate every campaign (or the ones named); all problems at once."""
    problems = Collector()
    campaigns = load_campaigns(project, only, problems)
    check_campaigns(project, campaigns, problems)
    return campaigns, problems


def check_catalogs(project: Project, campaigns: list[Campaign], problems: Collector) -> None:
    """Check every .po file the build would read (translations are untrusted input).

    That is every catalog on the fallback chain of every published locale
    (``sr-Latn`` reads ``bs`` for what it lacks), and, for a locale made by
    transliteration, its source catalog as transliterated.
    """
    derived: dict[Path, set[tuple[str, str, tuple[str, ...]]]] = {}
    for campaign in campaigns:
        source_locale = campaign.campaign.source_locale
        for tag in {t for g in campaign.groups for t in g.locales}:
            for link in chain(tag, source_locale, campaign.locales):
                if link == source_locale:
                    continue
                source = catalog_tag(link, campaign.locales)
                info = resolve(link, campaign.locales)
                for domain in (TEMPLATE_DOMAIN, campaign.id):
                    for path in catalog_paths(project, source, domain):
                        made = derived.setdefault(path, set())
                        if source != link and info is not None:
                            made.add((link, info.script, tuple(campaign.campaign.proper_names)))
    for path in sorted(derived):
        check_po(path, problems, tuple(sorted(derived[path])))
    # The agreed terms (locales/<tag>/glossary.csv): warnings, errors with --strict.
    for path in sorted(derived):
        tag = path.parent.parent.name
        glossary = glossary_path(path.parent.parent.parent, tag)
        check_glossary(path, read_glossary(glossary, problems), problems, glossary)


def without_locales(campaign: Campaign, tags: set[str]) -> Campaign:
    """The campaign as published: groups lose the locales that are not published."""
    if not tags:
        return campaign
    groups = [replace(g, locales=[t for t in g.locales if t not in tags]) for g in campaign.groups]
    return replace(campaign, groups=groups)


def with_pseudo_locale(campaign: Campaign) -> Campaign:
    """Every group also in the pseudo-locale, for designers (``toolbox build --pseudo``)."""
    groups = [replace(g, locales=[*g.locales, PSEUDO]) if PSEUDO not in g.locales else g for g in campaign.groups]
    return replace(campaign, groups=groups)


def translation_gate(project: Project, campaigns: list[Campaign], strict: bool) -> tuple[dict[str, set[str]], list[Problem]]:
    """Which locales are published per campaign, and what to say about the others.

    A locale whose campaign catalog is below the campaign's ``min_translated``
    is not published; template strings (``toolbox.po``) do not count towards
    it but are reported apart, naming that catalog. A published locale warns
    once per short catalog with counts (``--strict``: an error per message);
    an untranslated message in a part the campaign forbids fallback for is an
    error.
    """
    skipped: dict[str, set[str]] = {}
    problems = Collector()
    for campaign in campaigns:
        source = campaign.campaign.source_locale
        for tag in sorted({t for g in campaign.groups for t in g.locales} - {source, PSEUDO}):
            cov = coverage(project, campaign, tag)
            content, templates = cov.content, cov.templates
            assert content.path is not None and templates.path is not None  # set for every locale but the source
            where = display_path(content.path)
            if cov.share < campaign.campaign.min_translated:
                skipped.setdefault(campaign.id, set()).add(tag)
                problems.warn(where, None, f"{tag} is not published: {content.translated} of {content.needed} campaign texts "
                              f"({cov.share:.0%}) translated, below min_translated {campaign.campaign.min_translated:.0%} "
                              f"({campaign.id}); see 'toolbox i18n status --missing {tag}'")
                continue
            problems.problems.extend(cov.critical)
            if strict:
                problems.problems.extend(cov.missing)
                continue
            if content.missing:
                problems.warn(where, None, f"{tag}: {len(content.missing)} of {content.needed} campaign texts untranslated or "
                              f"fuzzy fall back to another language; see 'toolbox i18n status --missing {tag}'")
            if templates.missing:
                how = (f"see 'toolbox i18n status --missing {tag}'" if templates.path.is_file()
                       else f"start it with 'toolbox i18n init {tag}'")
                problems.warn(display_path(templates.path), None,
                              f"{tag}: {len(templates.missing)} of {templates.needed} template messages (headings, buttons, "
                              f"footers) untranslated or fuzzy fall back to another language; translate them in this "
                              f"catalog (shared by every campaign); {how}")
    return skipped, problems.problems
