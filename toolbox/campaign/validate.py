"""Cross-reference checks on a loaded campaign: every problem, each with path:line."""

from __future__ import annotations

import difflib
import html
import re
from pathlib import Path


from .contacts import shown_hotlines
from .countries import country_problem
from ..errors import Collector, display_path
from ..i18n.checks import direction_problems, link_problems, reader_view
from .hours import ACCEPTED, HoursError, parse_hours
from ..i18n.segments import split_blocks
from .invisible import CONTROL, hidden_characters, line_of_offset
from .limits import MAX_MARKDOWN_BYTES, MAX_MESSAGE_CHARS, image_problem, read_text
from ..i18n.locales import BUILTIN, in_cldr, resolve
from .model import REGIONAL_KINDS, Campaign
from .paths import RESERVED, reference_problem, resolved
from ..project import Project
from .tomlpos import KeyPath, line_of
from .urls import exit_problem, has_userinfo, scheme

ID_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
#: BCP 47 syntax (language, then subtags of letters and digits): a tag becomes a folder name.
TAG_RE = re.compile(r"^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8}){0,6}$")
_SCHEME = re.compile(r"^\s*[A-Za-z][A-Za-z0-9+.-]*:(?!\d)")
#: Addresses that may become links in a reader's browser.
URL_RE = re.compile(r"^https?://[^\s\x00-\x1f\x7f<>\"'`\\]+$", re.I)


def chosen_formats(project: Project) -> list[str] | None:
    """What a group may list in formats = [...]; None when formats.toml has problems (reported with the templates)."""
    from .. import formats as registry

    found = registry.read(project.templates, Collector())
    return found.chosen if found is not None else None


def pictogram_names(project: Project) -> set[str]:
    """Pictograms are the SVG files under templates/pictograms/ (passport.svg → passport)."""
    folder = project.templates / "pictograms"
    return {p.stem for p in folder.glob("*.svg")} if folder.is_dir() else set()


def id_problem(value: str, what: str) -> str | None:
    """Why ``value`` cannot be an identifier (it becomes a folder or file name), or None."""
    if not ID_RE.match(value):
        return f"{what} '{value}' may use only lowercase letters, digits and hyphens (at most 64, not starting or ending with a hyphen)"
    if value.split(".")[0] in RESERVED:
        return f"{what} '{value}' is a device name reserved on Windows; choose another"
    return None


def markdown_problems(path: Path) -> list[tuple[int | None, str]]:
    """(line, message) for a Markdown content file that is too big, not UTF-8, has an overlong block,
    invisible or direction-changing characters, or a link that shows one number or address and goes to another."""
    text, problem = read_text(path, MAX_MARKDOWN_BYTES, "this Markdown file")
    if problem:
        return [problem]
    found = [(line_of_offset(text, offset), f"this file contains {message}")
             for offset, message in hidden_characters(text, file_start=True)]
    for b in split_blocks(text):
        if len(b.text) > MAX_MESSAGE_CHARS:
            found.append((b.line, f"this {b.kind} is {len(b.text)} characters long, over the limit of {MAX_MESSAGE_CHARS} "
                                  "for one message; split it into paragraphs"))
            continue
        _, links = reader_view(b.text)
        found += [(b.line, message) for message in link_problems(links) + direction_problems(b.text)]
        typed = {m for _, m in hidden_characters(b.text)}  # reported above, for the whole file
        found += [(b.line, f"this {b.kind} contains, written as a character reference (&#...;), {message}")
                  for _, message in hidden_characters(html.unescape(b.text)) if message not in typed]
    return found


def print_profile_problem(campaign: Campaign, project: Project) -> str | None:
    """What is wrong with ``[campaign] print_profile`` (a built-in id or an ICC file in the campaign folder), or None."""
    from ..render.cmyk import is_cmyk_profile
    from ..render.pressdata import press_data

    setting = campaign.campaign.print_profile
    if not setting:
        return None
    known = press_data(project.templates).profiles
    if setting in known:
        return None
    if not setting.lower().endswith((".icc", ".icm")):
        return (f"print_profile {setting!r} is neither a built-in profile ({', '.join(sorted(known))}) nor an ICC file; "
                "give the path of the print shop's profile in the campaign folder, e.g. \"profiles/shop.icc\"")
    unsafe = reference_problem(campaign.folder, setting, project.root)
    if unsafe:
        return f"print_profile {setting!r} {unsafe}"
    target = campaign.folder / setting
    if not target.is_file():
        return (f"print_profile '{setting}' does not exist (looked for {display_path(target)}); put the print shop's "
                f"ICC profile there, or use a built-in one: {', '.join(sorted(known))}")
    wrong = is_cmyk_profile(target)
    return f"print_profile '{setting}' {wrong}" if wrong else None


def validate_campaign(campaign: Campaign, project: Project, problems: Collector) -> None:
    shown = display_path(campaign.definition)
    root = project.root

    def at(key: KeyPath) -> int | None:
        return line_of(campaign.lines, key)

    def err(key: KeyPath, message: str) -> None:
        problems.error(shown, at(key), message)

    def check_file(key: KeyPath, rel: str, what: str, required: bool = True) -> None:
        if not rel:
            if required:
                err(key, f"{what} is empty; give the file's path relative to the campaign folder, e.g. content/about.md")
            return
        unsafe = reference_problem(campaign.folder, rel, root)
        if unsafe:
            err(key, f"{what} {rel!r} {unsafe}")
            return
        target = (campaign.folder / rel)
        if not target.is_file():
            err(key, f"{what} '{rel}' does not exist (looked for {display_path(target)}); check the spelling or add the file")
            return
        if what == "content file":
            for line, message in markdown_problems(target):
                problems.error(display_path(target), line, message)
        else:
            bad = image_problem(target)
            if bad:
                err(key, f"{what} '{rel}' {bad}")

    def check_url(key: KeyPath, value: str, name: str, link: bool = True) -> None:
        """A web address. ``link``: it becomes a link readers can follow, so only http(s)."""
        if not value:
            return
        if link and not URL_RE.match(value):
            err(key, f"{name} {value!r} must be a web address starting with https:// (or http://), "
                     "without spaces or quotes")
        elif link and has_userinfo(value):
            err(key, f"{name} {value!r} has a user name before its host (…@); browsers go to the host after "
                     "the @, not the one a reader sees first; write the address without it")
        elif not link and (_SCHEME.match(value) and not URL_RE.match(value) or CONTROL.search(value)):
            err(key, f"{name} {value!r} must be a web address (https://...) or plain text, not a {value.split(':')[0]}: link")

    def check_locale(key: KeyPath, tag: str) -> None:
        if not TAG_RE.match(tag) or tag.lower() in RESERVED:
            err(key, f"locale {tag!r} is not a BCP 47 tag (letters, digits and hyphens: en, sr-Latn, ar); fix the spelling")
            return
        if resolve(tag, campaign.locales) is None:
            close = difflib.get_close_matches(tag, list(BUILTIN) + list(campaign.locales), n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"declare it under [locales.\"{tag}\"] with its name, script and direction"
            err(key, f"unknown locale '{tag}'; {hint}")

    info = campaign.campaign
    if info.id != campaign.folder.name:
        err(("campaign", "id"), f"campaign id '{info.id}' must equal its folder name '{campaign.folder.name}'")
    bad_id = id_problem(info.id, "campaign id")
    if bad_id:
        err(("campaign", "id"), bad_id)
    for what, path in (("the campaign folder", campaign.folder), ("campaign.toml", campaign.definition)):
        real = resolved(path)
        if real is not None and not real.is_relative_to(root.resolve()):
            err(("campaign",), f"{what} is a symbolic link to {real}, outside the project; move it into campaigns/")
    check_locale(("campaign", "source_locale"), info.source_locale)
    if info.base_url and scheme(info.base_url) != "https":
        err(("campaign", "base_url"), f"base_url '{info.base_url}' must start with https:// (readers' connections must be private)")
    elif info.base_url:
        check_url(("campaign", "base_url"), info.base_url, "base_url")
    exit_wrong = exit_problem(info.exit_url, info.base_url)
    if exit_wrong:
        err(("campaign", "exit_url"), exit_wrong)
    else:
        check_url(("campaign", "exit_url"), info.exit_url, "exit_url")
    if not info.base_url:
        problems.warn(shown, at(("campaign",)), "no base_url: QR codes and canonical links are left out until the microsite has an address")

    for i, code in enumerate(info.countries):
        if country_problem(code):
            err(("campaign", "countries", i), country_problem(code))
    for tag, decl in campaign.locales.items():
        if not TAG_RE.match(tag) or tag.lower() in RESERVED:
            err(decl.key, f"[locales.\"{tag}\"]: {tag!r} is not a BCP 47 tag (letters, digits and hyphens, e.g. rom or sr-Latn)")
        for j, other in enumerate(decl.fallback):
            check_locale(decl.key + ("fallback", j), other)
        if decl.transliterate:
            check_locale(decl.key + ("transliterate",), decl.transliterate)
        if decl.cldr and not in_cldr(decl.cldr):
            err(decl.key + ("cldr",), f"cldr = {decl.cldr!r} is not a locale CLDR knows; use e.g. \"en\" or \"sr_Latn\"")
        if decl.plural_forms and _plural_problem(decl.plural_forms):
            err(decl.key + ("plural_forms",), f"plural_forms = {decl.plural_forms!r} is not a gettext Plural-Forms "
                                              "expression; write e.g. \"nplurals=2; plural=(n != 1);\"")

    check_locale_fonts(campaign, project, problems)
    profile_wrong = print_profile_problem(campaign, project)
    if profile_wrong:
        err(("campaign", "print_profile"), profile_wrong)

    formats = chosen_formats(project)
    seen_groups: dict[str, KeyPath] = {}
    for group in campaign.groups:
        gk = group.key
        bad_id = id_problem(group.id, "group id")
        if bad_id:
            err(gk + ("id",), bad_id)
        if group.id in seen_groups:
            err(gk + ("id",), f"duplicate group id '{group.id}' (first defined at line {at(seen_groups[group.id] + ('id',))})")
        seen_groups.setdefault(group.id, gk)
        if not group.locales:
            err(gk + ("locales",), f"group '{group.id}' has no locales; list the languages its readers read, e.g. locales = [\"en\"]")
        for i, tag in enumerate(group.locales):
            check_locale(gk + ("locales", i), tag)
        for i, code in enumerate(group.countries):
            if country_problem(code):
                err(gk + ("countries", i), country_problem(code))
            elif not shown_hotlines(campaign, code):
                err(gk + ("countries", i), f"country '{code}' has no help contacts: no [[countries.{code}.hotlines]] entry, "
                                           f"and no [[regional_hotlines]] entry applies to it; add a hotline for {code}, or a "
                                           f"[[regional_hotlines]] entry with countries = [\"{code}\"] (sample = true until verified)")
            elif info.countries and code not in info.countries:
                err(gk + ("countries", i), f"country '{code}' is not among the campaign's countries {info.countries}")
        for i, fmt in enumerate(group.formats):
            if formats is not None and fmt not in formats:
                close = difflib.get_close_matches(fmt, sorted(formats), n=1)
                hint = f"did you mean '{close[0]}'?" if close else "formats: " + ", ".join(sorted(formats))
                err(gk + ("formats", i), f"format '{fmt}' is not in templates/print/formats.toml (a new print format "
                                         f"needs a table there and its template); {hint}")
        for section, rel in group.content.items():
            check_file(gk + ("content", section), rel, "content file")
        known = pictogram_names(project)
        for section, names in group.pictograms.items():
            if section not in group.content:
                err(gk + ("pictograms", section), f"pictograms for '{section}', but the group has no {section} text; "
                                                  f"add content.{section} or remove these pictograms")
            for i, name in enumerate(names):
                if name and name not in known:
                    close = difflib.get_close_matches(name, sorted(known), n=1)
                    hint = f"did you mean '{close[0]}'?" if close else "pictograms: " + ", ".join(sorted(known))
                    err(gk + ("pictograms", section, i), f"no pictogram '{name}' (templates/pictograms/{name}.svg); {hint}")
        if group.image and campaign.asset(group.image) is None:
            err(gk + ("image",), f"image '{group.image}' is not an asset id; add it under [[assets]]")

    seen_assets: set[str] = set()
    for asset in campaign.assets:
        bad_id = id_problem(asset.id, "asset id")
        if bad_id:
            err(asset.key + ("id",), bad_id)
        if asset.id in seen_assets:
            err(asset.key + ("id",), f"duplicate asset id '{asset.id}'")
        seen_assets.add(asset.id)
        check_file(asset.key + ("file",), asset.file, "image")
    for partner in campaign.partners:
        check_file(partner.key + ("logo",), partner.logo, "logo", required=False)
        check_url(partner.key + ("url",), partner.url, "partner url")

    def check_hotline(hotline) -> None:
        for i, tag in enumerate(hotline.languages):
            check_locale(hotline.key + ("languages", i), tag)
        if not re.fullmatch(r"\+?[0-9][0-9 ()/-]{1,24}", hotline.number):
            err(hotline.key + ("number",), f"hotline number '{hotline.number}' may contain only digits, spaces, + ( ) / -")
        check_url(hotline.key + ("source",), hotline.source, "source", link=False)
        if hotline.hours.strip():
            try:
                parse_hours(hotline.hours)
            except HoursError as exc:
                err(hotline.key + ("hours",), f"hours = {hotline.hours!r} cannot be read: {exc}; write them in one of "
                                              f"the forms {ACCEPTED} (docs/campaign-format.md#opening-hours)")

    for line in campaign.regional_hotlines:
        check_hotline(line)
        if line.kind not in REGIONAL_KINDS:
            hint = "a country's own line goes under [[countries.XX.hotlines]]" if line.kind == "national" else ""
            err(line.key + ("kind",), f"kind = {line.kind!r} is not allowed in [[regional_hotlines]]; use one of: "
                                      f"{', '.join(REGIONAL_KINDS)}" + (f" ({hint})" if hint else ""))
        for i, code in enumerate(line.countries):
            if country_problem(code):
                err(line.key + ("countries", i), country_problem(code))
            elif info.countries and code not in info.countries:
                err(line.key + ("countries", i), f"country '{code}' is not among the campaign's countries {info.countries}; "
                                                 "add it there or remove it here")

    for code, country in campaign.countries.items():
        if country_problem(code):
            err(country.key, f"[countries.{code}]: {country_problem(code)}")
        for hotline in country.hotlines:
            check_hotline(hotline)
        for service in country.services:
            check_url(service.key + ("website",), service.website, "website", link=False)


def check_locale_fonts(campaign: Campaign, project: Project, problems: Collector) -> None:
    """Every locale the campaign prints in has fonts: found here, not after minutes of rendering.

    A locale needs a font stack in templates/fonts/fonts.toml that draws its letters; a
    language named in a hotline's list of languages needs some font for its name.
    """
    from ..render.fonts import cmap, drawn, letters, load_fonts  # here: validating needs no fonts until now

    try:
        fonts = load_fonts(project.templates)
        every = frozenset().union(*(cmap(face.path) for face in fonts.faces))
    except Exception:  # noqa: BLE001 — a missing or broken font file: check_designs reports it with its line
        return
    shown = display_path(campaign.definition)
    reported: set[str] = set()

    def check(tag: str, key: KeyPath) -> None:
        info = resolve(tag, campaign.locales)
        if info is None or tag in reported:
            return
        reported.add(tag)
        decl = campaign.locales.get(tag)
        if not letters(info.script, tag):
            if decl is not None and decl.script:
                key = decl.key + ("script",)
            problems.error(shown, line_of(campaign.lines, key),
                           f"locale '{tag}': script {info.script!r} is not an ISO 15924 script with letters in "
                           "Unicode; use a code such as Latn, Cyrl, Arab or Beng")
            return
        share, missing = fonts.coverage(info.script, tag)
        if fonts.covers(info.script, tag):
            return
        if decl is not None:
            key = decl.key + (("script",) if decl.script else ())
        some = "".join(missing[:12]) + ("…" if len(missing) > 12 else "")
        problems.error(shown, line_of(campaign.lines, key),
                       f"locale '{tag}' ({info.script} script): no font in templates/fonts/fonts.toml draws its letters "
                       f"(it draws {share:.0%}; missing {some}); add a font family for {info.script} under [scripts], "
                       f"or for {tag} under [locales] (see docs/templates.md), or fix the locale's script")

    check(campaign.campaign.source_locale, ("campaign", "source_locale"))
    for group in campaign.groups:
        for i, tag in enumerate(group.locales):
            check(tag, group.key + ("locales", i))
    for country in campaign.countries.values():
        for hotline in country.hotlines:
            for i, tag in enumerate(hotline.languages):
                info = resolve(tag, campaign.locales)
                lost = "".join(dict.fromkeys(ch for ch in info.name if ch in drawn(ch) and ord(ch) not in every)) if info else ""
                if lost:
                    problems.error(shown, line_of(campaign.lines, hotline.key + ("languages", i)),
                                   f"the name of language '{tag}' ({info.name}) is printed in its own script, but no "
                                   f"font in templates/fonts/fonts.toml draws {lost!r}; add a font for {info.script}")


def _plural_problem(forms: str) -> bool:
    from gettext import c2py

    m = re.fullmatch(r"\s*nplurals\s*=\s*([1-6])\s*;\s*plural\s*=(.+?);?\s*", forms)
    if not m:
        return True
    try:
        c2py(m.group(2))
    except (ValueError, SyntaxError, RecursionError, OverflowError):
        return True
    return False

