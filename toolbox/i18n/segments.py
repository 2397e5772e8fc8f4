"""Markdown split into translatable blocks, and blocks rendered back to HTML.

One message per block (heading, paragraph, list item), as Sphinx's gettext
builder and mdpo do: translators never see block markup, and a one-word edit
invalidates one message, not a page. Inline markup (emphasis, links) stays in
the message. Supported Markdown: ``#`` headings, paragraphs, ``-``/``*``/``1.``
lists, ``| a | b |`` tables (one message per cell), emphasis, links.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

import markdown
import nh3
from markupsafe import Markup, escape

from .numbers import Hotline, isolate_html

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^\s{0,3}([-*+])\s+(.*)$")
_NUMBER = re.compile(r"^\s{0,3}(\d{1,3})[.)]\s+(.*)$")
_TABLE_RULE = re.compile(r":?-{3,}:?")


@dataclass(frozen=True)
class Block:
    kind: str  # "heading", "paragraph", "bullet", "number"
    text: str  # the message id: inline Markdown, whitespace folded
    line: int  # 1-based line in the Markdown file
    level: int = 0  # heading level
    row: int = 0  # table cells: row in the table (0 is the header row)


def split_blocks(source: str) -> list[Block]:
    """Split Markdown into blocks, each with the line it starts on."""
    blocks: list[Block] = []
    current: dict | None = None

    def close() -> None:
        nonlocal current
        if current is not None:
            text = " ".join(current["lines"]).strip()
            if text:
                blocks.append(Block(current["kind"], text, current["line"], current.get("level", 0)))
        current = None

    table_row = -1
    for n, raw in enumerate(source.splitlines(), start=1):
        line = raw.rstrip()
        if not line.strip():
            close()
            table_row = -1
            continue
        if line.lstrip().startswith("|"):
            close()
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if all(_TABLE_RULE.fullmatch(c) for c in cells):
                continue  # the |---|---| line under the header
            table_row += 1
            blocks.extend(Block("cell", c, n, row=table_row) for c in cells)
            continue
        table_row = -1
        if m := _HEADING.match(line):
            close()
            blocks.append(Block("heading", m.group(2).strip(), n, len(m.group(1))))
            continue
        m = _BULLET.match(line) or _NUMBER.match(line)
        if m:
            close()
            kind = "bullet" if m.re is _BULLET else "number"
            current = {"kind": kind, "lines": [m.group(2).strip()], "line": n}
            continue
        if current is None:
            current = {"kind": "paragraph", "lines": [], "line": n}
        current["lines"].append(line.strip())
    close()
    return blocks


# The allow-list: tags and attributes a leaflet or page may carry from Markdown or a
# translation (both untrusted), documented for designers in docs/security.md. Block
# structure (paragraphs, lists, headings, tables) is made by render_blocks, never
# taken from the input. Everything else is removed; the content of the tags in
# DROPPED_WITH_CONTENT goes with them. No images (a remote image would tell a
# third party who reads the page), no styles, no scripts, no event handlers.
ALLOWED_TAGS = {"a", "em", "strong", "code", "br", "bdi", "span", "abbr"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "hreflang"}, "span": {"lang", "dir"}, "bdi": {"dir"}, "abbr": {"title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "tel", "mailto", "sms"}
DROPPED_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript",
                        "svg", "math", "textarea", "select", "title"}

_md = markdown.Markdown(extensions=[], output_format="html")


def inline_html(text: str) -> Markup:
    """Render inline Markdown to sanitised HTML (no block wrapper)."""
    _md.reset()
    html = _md.convert(text)
    if html.startswith("<p>") and html.endswith("</p>"):
        html = html[3:-4]
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        clean_content_tags=DROPPED_WITH_CONTENT,
    )
    return Markup(clean)


def render_blocks(blocks: list[Block], translate: Callable[[str], tuple[str, str, str]], page_lang: str, heading_base: int = 3,
                  hotline: Hotline | None = None) -> Markup:
    """Render blocks to HTML, translating each block's text.

    ``translate(msgid)`` returns ``(text, lang, dir)``; a block whose text is
    in another language than the page (a fallback) carries its own ``lang``
    and ``dir``, so screen readers pronounce it right and RTL pages do not
    mirror it wrongly. After sanitising, numbers and addresses are isolated
    left to right and ``{hotline}`` becomes ``hotline`` (i18n/numbers.py).
    """
    out: list[str] = []
    open_list: str | None = None
    row: tuple[int, int] | None = None  # (line, row index) of the open table row
    for block in blocks:
        text, lang, direction = translate(block.text)
        attrs = Markup("") if lang == page_lang else Markup(' lang="{}" dir="{}"').format(lang, direction)
        body = isolate_html(inline_html(text), hotline)
        list_tag = {"bullet": "ul", "number": "ol", "cell": "table"}.get(block.kind)
        if list_tag != open_list or (block.kind == "cell" and block.row == 0 and row and row[0] != block.line):
            if row:
                out.append("</tr></tbody></table>" if row[1] else "</tr></thead></table>")
                row = None
            elif open_list:
                out.append(f"</{open_list}>")
            if list_tag and list_tag != "table":
                out.append(f"<{list_tag}>")
            open_list = list_tag
        if block.kind == "cell":
            if row is None:
                out.append("<table><thead><tr>")
            elif row[0] != block.line:
                out.append("</tr></thead><tbody><tr>" if row[1] == 0 else "</tr><tr>")
            row = (block.line, block.row)
            cell = "th" if block.row == 0 else "td"
            out.append(Markup("<{0}{1}>{2}</{0}>").format(cell, attrs, body))
        elif list_tag:
            out.append(Markup("<li{}>{}</li>").format(attrs, body))
        elif block.kind == "heading":
            level = min(6, heading_base + block.level - 1)
            out.append(Markup("<h{0}{1}>{2}</h{0}>").format(level, attrs, body))
        else:
            out.append(Markup("<p{}>{}</p>").format(attrs, body))
    if row:
        out.append("</tr></tbody></table>" if row[1] else "</tr></thead></table>")
    elif open_list:
        out.append(f"</{open_list}>")
    return Markup("\n".join(out))


def plain_text(text: str) -> str:
    """Inline Markdown as plain text (for SMS, alt text, titles)."""
    return html.unescape(re.sub(r"<[^>]+>", "", str(inline_html(text))))


__all__ = ["Block", "split_blocks", "render_blocks", "inline_html", "plain_text", "escape"]
