"""Translated text that knows its language, for templates.

``{{ text }}`` wraps text that fell back to another language in a span with
that language's ``lang`` and ``dir``, so a reader's browser, PDF tags and
screen reader treat it as that language (an English heading in an Urdu page
is voiced as English and is not mirrored into "?What is happening").
Attributes (``aria-label``, ``alt``, ``<title>``) cannot hold markup: write
``{{ text.plain }}`` there.
"""

from __future__ import annotations

from markupsafe import Markup, escape


class Text(str):
    """A translated string with the ``lang``/``dir`` it is written in."""

    lang: str
    dir: str
    fallback: bool

    def __new__(cls, value: str, lang: str, direction: str, fallback: bool, html: Markup | None = None) -> "Text":
        obj = super().__new__(cls, value)
        obj.lang, obj.dir, obj.fallback = lang, direction, fallback
        obj._html = html  # the escaped form, when it is not simply the escaped value
        return obj

    @property
    def plain(self) -> str:
        return str.__str__(self)

    def __html__(self) -> Markup:
        if self.fallback:
            return Markup('<span lang="{}" dir="{}">{}</span>').format(self.lang, self.dir, self._escaped())
        return self._escaped()

    def _escaped(self) -> Markup:
        return self._html if self._html is not None else escape(self.plain)


def formatted(template: str, variables: dict, lang: str, direction: str, fallback: bool) -> Text:
    """``template % variables`` as Text: markup in a variable survives in HTML, not in ``.plain``."""
    plain = {k: v.plain if isinstance(v, Text) else v.striptags() if isinstance(v, Markup) else v
             for k, v in variables.items()}
    return Text(template % plain, lang, direction, fallback, escape(template) % variables)
