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
  made to a file elsewhere on their computer would print or publish that file.

Undefined variables show only when a template is rendered; ``render.templates``
reports them with the template's file and line.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import jinja2

from .. import formats
from ..errors import Collector, display_path
from ..campaign.limits import read_text
from ..campaign.paths import reference_problem, resolved
from ..campaign.tomlpos import key_lines, line_of, syntax_error
from .fonts import _STYLES
from .templates import environment

#: Files the build reads itself (not through Jinja), relative to templates/.
REQUIRED = ("site/site.css", "site/exit.js", "fonts/fonts.toml")
#: Suffixes of the files Jinja renders (autoescaped: see render.templates).
TEMPLATE_SUFFIXES = (".html", ".svg", ".xml")
#: The first bytes of TrueType, OpenType, collections, WOFF and WOFF2 files.
_FONT_MAGIC = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf", b"wOFF", b"wOF2")
_MAX_TEMPLATE_BYTES = 1_000_000


def check_designs(templates: Path, problems: Collector) -> None:
    """Report every problem with templates/ and its fonts into ``problems``."""
    if not templates.is_dir():
        problems.error(display_path(templates), None, "no templates/ folder here; run toolbox in a project folder (or use -C)")
        return
    for rel in REQUIRED:
        if not (templates / rel).is_file():
            problems.error(display_path(templates / rel), None, f"templates/{rel} is missing; restore it from the toolbox repository")
    check_templates(templates, problems)
    check_fonts(templates, problems)
    formats.read(templates, problems)
    check_links(templates, problems)


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


def check_templates(templates: Path, problems: Collector) -> None:
    env = environment(templates)
    for path in sorted(templates.rglob("*")):
        if path.suffix not in TEMPLATE_SUFFIXES or not path.is_file():
            continue
        shown = display_path(path)
        source, problem = read_text(path, _MAX_TEMPLATE_BYTES, "this template", " (and split a template this big into partials)")
        if problem:
            problems.error(shown, *problem)
            continue
        try:
            env.compile(source, path.relative_to(templates).as_posix(), str(path))
        except jinja2.TemplateSyntaxError as exc:  # also unknown filters and tests
            problems.error(shown, exc.lineno, f"template syntax error: {exc.message}; see docs/templates.md")
        except RecursionError:
            problems.error(shown, None, "template blocks are nested too deeply; simplify it")


def check_fonts(templates: Path, problems: Collector) -> None:
    folder = templates / "fonts"
    path = folder / "fonts.toml"
    if not path.is_file():
        return  # reported as a missing required file
    shown = display_path(path)
    try:
        source = path.read_text(encoding="utf-8")
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        line, reason = syntax_error(exc, source)
        problems.error(shown, line, f"cannot read fonts.toml: {reason}; see docs/templates.md")
        return
    except (UnicodeDecodeError, RecursionError) as exc:
        problems.error(shown, 1, f"cannot read fonts.toml: {exc}; see docs/templates.md")
        return
    lines = key_lines(source)

    def err(key: tuple, message: str) -> None:
        problems.error(shown, line_of(lines, key), message)

    families = data.get("families", {})
    if not isinstance(families, dict) or not families:
        err(("families",), "fonts.toml needs a [families.\"Name\"] table per font family; see docs/templates.md")
        return
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
                if name not in families:
                    err((table, name_of, i), f"{table}.{name_of} names '{name}', which has no [families.\"{name}\"] table")
    heights = data.get("line_height", {})
    if not isinstance(heights, dict):
        err(("line_height",), "[line_height] must map a script or locale to a number, e.g. ur = 2.1")
        return
    for name_of, value in heights.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.8 <= value <= 4:
            err(("line_height", name_of), f"line_height.{name_of} must be a number between 0.8 and 4 "
                                          "(times the font size), e.g. 1.6")
