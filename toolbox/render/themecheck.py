"""Checks on the designers' files before anything renders.

Templates and fonts come from designers, who do not read Python: a typo in a
template or a font file renamed must be a ``path:line`` message from
``toolbox validate``, not a crash halfway through a build. Checked here:

- every template under templates/ compiles (syntax, unknown filters and tests);
- the files the build reads directly exist (site.css, exit.js, fonts.toml);
- templates/print/formats.toml declares every output format correctly (``toolbox.formats``);
- templates/fonts/fonts.toml parses, uses known style names, and every font it
  names exists inside templates/fonts/ and is a font file;
- no symbolic link inside templates/ leads out of the project (a warning; an
  error with ``--strict``): templates are trusted code, but a link a designer
  made to a file elsewhere on their computer would print or publish that file;
- for each campaign (:func:`check_locale_fonts`), a font draws every locale it
  prints in, and the name of every language a hotline lists.

Undefined variables show only when a template is rendered; ``render.templates``
reports them with the template's file and line.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from functools import partial
from pathlib import Path
from typing import TypeGuard

import jinja2

from .. import checkcache, formats
from ..campaign.limits import read_text
from ..campaign.model import Campaign
from ..campaign.paths import reference_problem, resolved
from ..campaign.tomlpos import KeyPath, key_lines, line_of, read_theme_toml
from ..errors import Collector, display_path
from ..i18n.locales import resolve
from ..project import Project
from ..theme import Theme
from .fonts import _STYLES, cmap, drawn, letters, load_fonts
from .templates import environment

#: Files the build reads itself (not through Jinja), relative to templates/.
REQUIRED = ("site/site.css", "site/exit.js", "fonts/fonts.toml")
#: Suffixes of the files Jinja renders (autoescaped: see render.templates).
TEMPLATE_SUFFIXES = (".html", ".svg", ".xml")
#: The first bytes of TrueType, OpenType, collections, WOFF and WOFF2 files.
_FONT_MAGIC = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf", b"wOFF", b"wOF2")
_MAX_TEMPLATE_BYTES = 1_000_000


def check_designs(theme: Theme, problems: Collector) -> None:
    """Report every problem with the theme (the project's templates/ and the built-in one) into ``problems``."""
    for rel in REQUIRED:
        if not theme.has(rel):
            problems.error(display_path(theme.file(rel)), None, f"templates/{rel} is missing; restore it from the toolbox "
                                                                f"repository, or 'toolbox theme eject {rel}'")
    env = environment(theme)
    inherited: set[str] = set()
    for folder in reversed(theme.folders):  # the built-in theme first: a project's fonts.toml may name its families
        if folder.is_dir():
            check_templates(folder, problems, env)
            inherited |= check_fonts(folder, problems, inherited)
    formats.read(theme, problems)
    check_links(theme.own, problems)


def check_links(templates: Path, problems: Collector) -> None:
    """Warn about every symbolic link under templates/ whose target is outside the project.

    "The project" is the folder holding templates/ and whatever templates/ itself
    resolves to (a project may keep a shared templates/ folder as one link).
    """
    base = resolved(templates)
    if base is None:
        return
    roots = (base, templates.parent.resolve())
    for folder, dirs, files in os.walk(templates):  # never follows a link to a folder: each is judged here
        for name in sorted(dirs + files):
            link = Path(folder) / name
            if not link.is_symlink():
                continue
            target = resolved(link)
            shown = display_path(link.parent) + "/" + name
            if target is None:
                problems.warn(shown, None, f"is a symbolic link that cannot be followed (it loops: {os.readlink(link)}); "
                                           "replace it with the file itself")
            elif not any(target.is_relative_to(r) for r in roots):
                problems.warn(shown, None, f"is a symbolic link to {target}, outside the project: the build would "
                                           "print or publish that file; copy it into templates/ instead "
                                           "(an error with --strict)")


def check_templates(templates: Path, problems: Collector, env: jinja2.Environment | None = None) -> None:
    env = env or environment(Theme((templates,), ()))
    for path in sorted(templates.rglob("*")):
        if path.suffix not in TEMPLATE_SUFFIXES or not path.is_file():
            continue
        shown = display_path(path)
        # Compiling is most of a no-op rebuild's checks: remembered per template's bytes (checkcache.py).
        data = checkcache.contents(path, _MAX_TEMPLATE_BYTES)
        checkcache.checked("template", (shown, path.relative_to(templates).as_posix(), data),
                           partial(_check_template, path, templates, shown, env), problems)


def _check_template(path: Path, templates: Path, shown: str, env: jinja2.Environment, problems: Collector) -> None:
    source, problem = read_text(path, _MAX_TEMPLATE_BYTES, "this template", " (and split a template this big into partials)")
    if problem or source is None:
        problems.error(shown, *(problem or (None, "cannot be read")))
        return
    try:
        env.compile(source, path.relative_to(templates).as_posix(), str(path))
    except jinja2.TemplateSyntaxError as exc:  # also unknown filters and tests
        problems.error(shown, exc.lineno, f"template syntax error: {exc.message}; see docs/templates.md")
    except RecursionError:
        problems.error(shown, None, "template blocks are nested too deeply; simplify it")


def check_fonts(templates: Path, problems: Collector, inherited: AbstractSet[str] = frozenset()) -> set[str]:
    """Check the fonts.toml of one theme folder; ``inherited``: the families of the folders it overrides.
    Returns the families it declares."""
    folder = templates / "fonts"
    path = folder / "fonts.toml"
    if not path.is_file():
        return set()  # a project's own templates/ may leave fonts to the built-in theme
    shown = display_path(path)
    read = read_theme_toml(path, shown, problems)
    if read is None:
        return set()
    data, source = read
    lines = key_lines(source)

    def err(key: tuple, message: str) -> None:
        problems.error(shown, line_of(lines, key), message)

    families = data.get("families", {})
    if not isinstance(families, dict) or not (families or inherited):
        err(("families",), "fonts.toml needs a [families.\"Name\"] table per font family; see docs/templates.md")
        return set()
    for family, files in families.items():
        if not isinstance(files, dict):
            err(("families", family), f"[families.\"{family}\"] must be a table of style = \"file.ttf\"")
            continue
        for style, filename in files.items():
            key = ("families", family, style)
            if style not in _STYLES:
                err(key, f"unknown style '{style}' for {family}; use {', '.join(_STYLES)}")
            elif not isinstance(filename, str) or not filename:
                err(key, f"{family} {style} must be a font file name, e.g. \"NotoSans-Regular.ttf\"")
            elif why := reference_problem(folder, filename, templates):
                err(key, f"font file {filename!r} {why}")
            elif not (folder / filename).is_file():
                err(key, f"font file '{filename}' does not exist (looked for {display_path(folder / filename)}); "
                         "add the file to templates/fonts/ or fix the name")
            else:
                with (folder / filename).open("rb") as fh:
                    if fh.read(4) not in _FONT_MAGIC:
                        err(key, f"'{filename}' is not a font file (TrueType, OpenType or WOFF); replace it")
    for table, example in (("scripts", 'Latn = ["Noto Sans"]'), ("locales", 'ur = ["Noto Sans", "Noto Nastaliq Urdu"]')):
        stacks = data.get(table, {})
        if not isinstance(stacks, dict):
            err((table,), f"[{table}] must map a {table[:-1]} to a list of families, e.g. {example}")
            continue
        for name_of, names in stacks.items():
            if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
                err((table, name_of), f"{table}.{name_of} must be a list of family names, e.g. {example}")
                continue
            for i, name in enumerate(names):
                if name not in families and name not in inherited:
                    err((table, name_of, i), f"{table}.{name_of} names '{name}', which has no [families.\"{name}\"] table")
    heights = data.get("line_height", {})
    if not isinstance(heights, dict):
        err(("line_height",), "[line_height] must map a script or locale to a number, e.g. ur = 2.1")
        return set(families)
    for name_of, value in heights.items():
        if not (_number(value) and 0.8 <= value <= 4):
            err(("line_height", name_of), f"line_height.{name_of} must be a number between 0.8 and 4 "
                                          "(times the font size), e.g. 1.6")
    _check_ink(data.get("ink", {}), set(families) | set(inherited), err)
    _check_measure(data.get("measure", {}), set(families) | set(inherited), err)
    return set(families)


def _number(value: object) -> TypeGuard[int | float]:
    """A TOML int or float (TOML's true and false are bools, which Python counts as ints)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _by_family(name: str, table: object, what: str, example: str, known: set[str],
               err: Callable[[tuple, str], None]) -> Iterator[tuple[str, object]]:
    """The entries of a family-keyed table ([ink], [measure]) whose family exists; the others are reported."""
    if not isinstance(table, dict):
        err((name,), f"[{name}] must map a font family to {what}, e.g. {example}")
        return
    for family, value in table.items():
        if family not in known:
            err((name, family), f"{name} names '{family}', which has no [families.\"{family}\"] table")
        else:
            yield family, value


def _check_measure(measure: object, known: set[str], err: Callable[[tuple, str], None]) -> None:
    """[measure]: family = how wide its lines of reading text are, × the design's."""
    example = '"Noto Nastaliq Urdu" = 0.875'
    for family, value in _by_family("measure", measure, "a factor of the design's line width", example, known, err):
        if not (_number(value) and 0.5 <= value <= 1.5):
            err(("measure", family), f"measure.\"{family}\" must be a number between 0.5 and 1.5 "
                                     f"(× the design's line width), e.g. {example}")


def _check_ink(ink: object, known: set[str], err: Callable[[tuple, str], None]) -> None:
    """[ink]: family = { above, below }, how far its letters reach in em (the check for marks over text)."""
    example = '"Noto Nastaliq Urdu" = { above = 1.5, below = 0.7 }'
    for family, reach in _by_family("ink", ink, "how far its letters reach", example, known, err):
        if not isinstance(reach, dict) or not reach or set(reach) - {"above", "below"}:
            err(("ink", family), f"ink.\"{family}\" must be a table of above and below (em from the baseline), "
                                 f"e.g. {example}")
            continue
        for side, value in reach.items():
            if not (_number(value) and 0 < value <= 3):
                err(("ink", family, side), f"ink.\"{family}\".{side} must be a number of em from 0 to 3, e.g. 1.5")


def check_locale_fonts(campaign: Campaign, project: Project, problems: Collector) -> None:
    """Every locale the campaign prints in has fonts: found here, not after minutes of rendering.

    A locale needs a font stack in templates/fonts/fonts.toml that draws its letters; a
    language named in a hotline's list of languages needs some font for its name.
    """
    try:
        fonts = load_fonts(project.theme)
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
                if info and lost:
                    problems.error(shown, line_of(campaign.lines, hotline.key + ("languages", i)),
                                   f"the name of language '{tag}' ({info.name}) is printed in its own script, but no "
                                   f"font in templates/fonts/fonts.toml draws {lost!r}; add a font for {info.script}")


def print_profile_problem(campaign: Campaign, project: Project) -> str | None:
    """What is wrong with ``[campaign] print_profile`` (a built-in id or an ICC file in the campaign folder), or None."""
    from .cmyk import is_cmyk_profile
    from .pressdata import press_data

    setting = campaign.campaign.print_profile
    if not setting:
        return None
    known = press_data(project.theme).profiles
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


def check_print_profile(campaign: Campaign, project: Project, problems: Collector) -> None:
    """``[campaign] print_profile`` names a built-in profile or a CMYK ICC file in the campaign folder."""
    wrong = print_profile_problem(campaign, project)
    if wrong:
        problems.error(display_path(campaign.definition), line_of(campaign.lines, ("campaign", "print_profile")), wrong)
