"""The Jinja environment shared by every output: autoescaping, i18n, strict variables."""

from __future__ import annotations

import posixpath

import jinja2
from jinja2.ext import i18n
from markupsafe import Markup

from ..errors import Problem, ToolboxError, display_path
from ..i18n.localize import Translators
from ..i18n.numbers import isolate_html, isolate_plain_html
from ..theme import Theme


def environment(theme: Theme) -> jinja2.Environment:
    env = jinja2.Environment(
        # A project's template replaces the built-in one of the same name (docs/templates.md#overrides).
        loader=jinja2.FileSystemLoader([str(folder) for folder in theme.folders]),
        # Every template, whatever its name: text from outside is escaped unless code marked it
        # Markup after sanitising it (i18n/segments.py). Templates never use |safe.
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=[i18n],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["relpath"] = relpath
    env.filters["ltr"] = ltr
    env.filters["numbers"] = numbers
    return env


def ltr(value: object) -> Markup:
    """``{{ x|ltr }}``: the whole value as one left-to-right isolate (a number, code, address)."""
    return Markup('<bdi dir="ltr">{}</bdi>').format(value)


def numbers(value: object) -> Markup:
    """``{{ x|numbers }}``: plain text with each number, phone number and address in it kept left to right."""
    if hasattr(value, "__html__"):
        return isolate_html(str(value.__html__()))
    return isolate_plain_html(str(value))


def relpath(target: str, start_file: str) -> str:
    """Link from the page at ``start_file`` to ``target`` (both relative to the output folder).

    Links are relative and name index.html explicitly, so the site opens from disk.
    """
    rel = posixpath.relpath(target, posixpath.dirname(start_file) or ".")
    return rel


def render(env: jinja2.Environment, name: str, context: dict, translators: Translators) -> str:
    """Render template ``name`` with the translators installed; template errors carry file:line."""
    # Not install_gettext_callables(newstyle=True): its wrapper turns what gettext
    # returns into plain Markup, losing the language of text that fell back.
    # Our callables do the same %-formatting and return Text (i18n/text.py).
    env.newstyle_gettext = True  # type: ignore[attr-defined]
    env.globals.update(gettext=translators.templates.gettext, ngettext=translators.templates.ngettext,
                       pgettext=translators.templates.pgettext)
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise ToolboxError(Problem(display_path(exc.filename or name), exc.lineno,
                                   f"template syntax error: {exc.message}")) from None
    except jinja2.UndefinedError as exc:
        where = _template_frame(exc)
        raise ToolboxError(Problem(where[0] or name, where[1], f"template error: {exc.message}; check the variable's name in "
                                                               f"docs/templates.md")) from None
    except jinja2.TemplateNotFound as exc:
        raise ToolboxError(Problem(name, None, f"template '{exc.name}' not found under templates/")) from None
    except (jinja2.TemplateError, TypeError, ValueError, ArithmeticError, LookupError, AttributeError, RecursionError) as exc:
        # A designer's template did something impossible ({{ 1 / 0 }}, {{ x[99] }}): their error, not ours.
        where = _template_frame(exc)
        raise ToolboxError(Problem(where[0] or name, where[1], f"template error: {type(exc).__name__}: {exc}; see "
                                                               f"docs/templates.md")) from None


def _template_frame(exc: BaseException) -> tuple[str | None, int | None]:
    """The template file and line an exception was raised from (Jinja rewrites tracebacks)."""
    tb = exc.__traceback__
    found: tuple[str | None, int | None] = (None, None)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".svg", ".xml", ".css", ".txt")):
            found = (display_path(filename), tb.tb_lineno)
        tb = tb.tb_next
    return found
