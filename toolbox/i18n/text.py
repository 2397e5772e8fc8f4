"""Translated text that knows its language, for templates.

``{{ text }}`` wraps text that fell back to another language in a span with
that language's ``lang`` and ``dir``, so a reader's browser, PDF tags and
screen reader treat it as that language (an English heading in an Urdu page
is voiced as English and is not mirrored into "?What is happening"). It also
keeps numbers, phone numbers and addresses left to right (``<bdi dir="ltr">``,
:mod:`toolbox.i18n.numbers`) and fills ``{hotline}`` with the output's number.

Attributes (``aria-label``, ``alt``, ``<title>``) cannot hold markup: write
``{{ text.plain }}`` there, or ``{{ text.attr }}`` to keep numbers isolated
with U+2066/U+2069 on right-to-left pages.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from .numbers import Hotline, fill_plain, isolate_html, isolate_plain_html, isolate_text


class Text(str):
    """A translated string with the ``lang``/``dir`` it is written in.

    Its string value is the plain text with ``{hotline}`` filled; ``raw`` is the
    translation as written.
    """

    lang: str
    dir: str
    fallback: bool
    raw: str
    hotline: Hotline | None
    page_dir: str
    _html: Markup | None

    def __new__(cls, value: str, lang: str, direction: str, fallback: bool, html: Markup | None = None,
                hotline: Hotline | None = None, page_dir: str = "ltr") -> Text:
        obj = super().__new__(cls, fill_plain(value, hotline))
        obj.lang, obj.dir, obj.fallback = lang, direction, fallback
        obj.raw, obj.hotline, obj.page_dir = value, hotline, page_dir
        obj._html = html  # the escaped form, when it is not simply the escaped value
        return obj

    @property
    def plain(self) -> str:
        return str.__str__(self)

    @property
    def attr(self) -> str:
        """Plain text for an attribute (alt, title): numbers isolated with LRI/PDI on right-to-left pages."""
        return isolate_text(self.plain) if "rtl" in (self.page_dir, self.dir) else self.plain

    def __html__(self) -> Markup:
        if self._html is None:
            body = isolate_plain_html(self.raw, self.hotline)
        else:  # a template string: its numbers isolated where the bidi algorithm would reorder them
            body = isolate_html(self._html) if "rtl" in (self.page_dir, self.dir) else self._html
        if self.fallback:
            return Markup('<span lang="{}" dir="{}">{}</span>').format(self.lang, self.dir, body)
        return body


def formatted(template: str, variables: dict, lang: str, direction: str, fallback: bool) -> Text:
    """``template % variables`` as Text: markup in a variable survives in HTML, not in ``.plain``."""
    plain = {k: v.plain if isinstance(v, Text) else v.striptags() if isinstance(v, Markup) else v
             for k, v in variables.items()}
    return Text(template % plain, lang, direction, fallback, escape(template) % variables)
