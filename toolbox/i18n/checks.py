"""Quality checks on translations: they come from outside volunteers, so they are untrusted.

Each problem names the ``.po`` entry (``file:line``). Checked for every entry
with a translation:

- placeholders (``%(name)s``, ``{name}``, ``{{ x }}``) equal to the source's;
- phone numbers, web addresses (with or without a scheme, in any letter case),
  e-mail addresses and link targets equal to the source's — a wrong hotline
  digit is a safety failure, not a typo. They are compared three times: in the
  raw text, in the text readers get (after Markdown, character references such
  as ``&#48;``, comment removal and sanitising: what the site, the PDFs, the
  share images and the SMS show), and in that text with invisible characters
  removed and look-alike digits folded (NFKC);
- every link (inline, reference-style, autolink, ``<a href>``): a link whose
  text is a phone number dials that number, one whose text is an address goes
  there;
- no invisible or direction-changing characters (:mod:`toolbox.campaign.invisible`),
  in the raw text nor after decoding; no HTML comments the source lacks;
- no markup that would break or script a page (``<script>``, event handlers,
  ``javascript:``, tags the source does not have, unbalanced tags);
- as many plural forms as the file's ``Plural-Forms`` header says;
- no file over :data:`~toolbox.campaign.limits.MAX_PO_BYTES`, no text over
  :data:`~toolbox.campaign.limits.MAX_MESSAGE_CHARS` (a missing quote can swallow a file).
"""

from __future__ import annotations

import html
import html.parser
import re
import unicodedata
from collections import Counter
from functools import lru_cache, partial
from pathlib import Path
from urllib.parse import unquote, urlsplit

from babel.messages.catalog import Message

from ..campaign.invisible import hidden_characters
from ..campaign.limits import MAX_MESSAGE_CHARS, MAX_PO_BYTES, read_text
from ..campaign.urls import DOMAIN
from ..checkcache import checked, contents
from ..errors import Collector, display_path
from .catalog import read_catalog
from .numbers import DIALLED_DIGITS, find_numbers, find_phones
from .segments import inline_html
from .translit import transliterate

_PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\{.*?\}\}|\{\w+\}")
_URL = re.compile(r"(?:https?://|www\.)[^\s)\]>\"'<]+", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]*\w")
# A tag name ends at a space, "/" or ">": <https://…> and <info@astra.rs> are Markdown autolinks, not tags.
_TAG = re.compile(r"</?\s*([a-zA-Z][\w-]*)(?=[\s/>])[^>]*>")
_DANGER = re.compile(r"<\s*(script|style|iframe|object|embed|link|meta|form)\b|\bon\w+\s*=|javascript:", re.I)
_VOID = {"br", "img", "hr", "wbr"}
#: Markup whose content the sanitiser drops: comments, CDATA sections, processing instructions.
_HIDDEN_MARKUP = re.compile(r"<[!?]")


def _phones(text: str) -> Counter:
    # In the raw text a character reference (&#8238;) is not a number; the reader's view decodes it.
    return Counter(find_numbers(re.sub(r"&#\d+;?", " ", text)))


def _strip_url(u: str) -> str:
    return u.rstrip(".,;:!?")


def _web_addresses(text: str) -> Counter:
    """URLs, and domain names written without a scheme (what transliteration or a typo would change)."""
    urls = [_strip_url(u) for u in _URL.findall(text)]
    rest = _EMAIL.sub(" ", _URL.sub(" ", text))
    return Counter(urls + DOMAIN.findall(rest))


def _emails(text: str) -> Counter:
    return Counter(_EMAIL.findall(text))


class _Reader(html.parser.HTMLParser):
    """The text and links of sanitised HTML, character references decoded."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[tuple[str, list[str]]] = []  # (href, text pieces)
        self._open: list[tuple[str, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            link: tuple[str, list[str]] = (dict(attrs).get("href") or "", [])
            self.links.append(link)
            self._open.append(link)
        elif tag == "br":
            self.text.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        for _, pieces in self._open:
            pieces.append(data)


@lru_cache(maxsize=4096)
def _html(text: str) -> str:
    """``text`` rendered by the build's own pipeline (Markdown, then the sanitiser)."""
    return str(inline_html(text))


@lru_cache(maxsize=4096)
def reader_view(text: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """(text, links) as a reader gets ``text``: rendered by the build's own pipeline, then decoded.

    Links are (target, link text) pairs.
    """
    parser = _Reader()
    parser.feed(_html(text))
    parser.close()
    return "".join(parser.text), tuple((href, "".join(pieces)) for href, pieces in parser.links)


@lru_cache(maxsize=4096)
def _directions(text: str) -> Counter:
    """The ``dir`` attributes ``text`` keeps once sanitised: ``<bdi dir="rtl">`` around a number
    shows its digits in another order, as U+202E does."""
    return Counter(d.lower() for d in re.findall(r'\sdir="([^"]*)"', _html(text)))


def direction_problems(text: str) -> list[str]:
    """Numbers that ``text`` puts inside a right-to-left element (their digits would show reversed)."""
    found = []
    for m in re.finditer(r'<(bdi|span)\b[^>]*\sdir="rtl"[^>]*>(.*?)</\1>', _html(text), re.S | re.I):
        inner, _ = reader_view(m.group(2))
        for number in _phones(inner):
            found.append(f"the number {number!r} is inside a dir=\"rtl\" element, which shows its digits in another "
                         "order; remove dir=\"rtl\" (the toolbox keeps numbers left-to-right itself)")
    return found


def folded(text: str) -> str:
    """``text`` with invisible characters removed and look-alike characters folded (NFKC): fullwidth
    and mathematical digits become 0-9."""
    return unicodedata.normalize("NFKC", "".join(ch for ch in text if unicodedata.category(ch) != "Cf"))


def _digits(text: str) -> str:
    return "".join(str(unicodedata.digit(ch)) for ch in text if unicodedata.category(ch) == "Nd")


def dials(shown: str, target: str) -> bool:
    """Whether a ``tel:``/``sms:`` target calls the number shown, nationally or with a country code."""
    a, b = _digits(shown), _digits(target)
    if a == b:
        return True
    for national, full, intl in ((a, b, target.lstrip().startswith("+")), (b, a, shown.lstrip().startswith("+"))):
        if not intl and full.startswith("00"):
            full, intl = full[2:], True
        if intl and national:
            for tail in {national, national.lstrip("0")}:
                if tail and full.endswith(tail) and 1 <= len(full) - len(tail) <= 3:
                    return True
    return False


def link_problems(links: tuple[tuple[str, str], ...]) -> list[str]:
    """Links whose text shows one phone number or address and whose target is another."""
    problems = []
    for href, label in links:
        label = folded(label)
        scheme, _, rest = href.partition(":")
        scheme = scheme.lower() if rest and "/" not in scheme else ""
        # A tel: or sms: link must dial every number it shows; any other link is wrong when it
        # shows a phone number (a date or a short number in a label is fine).
        phones = find_numbers(label, DIALLED_DIGITS) if scheme in ("tel", "sms") else find_phones(label)
        if phones:
            if scheme not in ("tel", "sms"):
                problems.append(f"the link {label.strip()!r} shows a phone number but goes to {href!r}; "
                                f"link a phone number to tel:{_digits(phones[0])}")
            else:
                number = unquote(rest.split("?")[0].split(";")[0])
                wrong = next((p for p in phones if not dials(p, number)), None)
                if wrong is not None:
                    shows = "" if wrong == label.strip() else f" shows {wrong!r} but"
                    problems.append(f"the link {label.strip()!r}{shows} dials {number!r}; a link must dial the number it shows")
            continue
        emails = _emails(label)
        if emails:
            address = unquote(rest.split("?")[0]).lower() if scheme == "mailto" else ""
            if any(e.lower() != address for e in emails):
                problems.append(f"the link {label.strip()!r} goes to {href!r}; a link must go where it says")
            continue
        shown = [_strip_url(u) for u in _URL.findall(label)] + DOMAIN.findall(_URL.sub(" ", label))
        if shown:
            host = _host(href)
            for address in shown:
                want = _host(address if "://" in address else "https://" + address)
                if host is None or want is None or want.removeprefix("www.") != host.removeprefix("www."):
                    shows = "" if address == label.strip() else f" shows {address!r} but"
                    problems.append(f"the link {label.strip()!r}{shows} goes to {href!r}; a link must go where it says")
                    break
    return problems


def _host(url: str) -> str | None:
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return host.lower() if host else None


def _balanced(text: str) -> bool:
    stack: list[str] = []
    for m in _TAG.finditer(text):
        name = m.group(1).lower()
        if name in _VOID or m.group(0).endswith("/>"):
            continue
        if m.group(0).startswith("</"):
            if not stack or stack.pop() != name:
                return False
        else:
            stack.append(name)
    return not stack


_FINDERS = (("web address", _web_addresses), ("e-mail address", _emails), ("phone number", _phones))
_VIEWS = ("", " as readers see it (after Markdown, character references such as &#48; and removing comments)",
          " once invisible characters are removed and look-alike digits folded")


def check_message(source: str, translation: str) -> list[str]:
    """What is wrong with one translation (an empty list when nothing is)."""
    problems = []
    if Counter(_PLACEHOLDER.findall(source)) != Counter(_PLACEHOLDER.findall(translation)):
        problems.append(
            f"placeholders differ: the source has {sorted(_PLACEHOLDER.findall(source)) or 'none'}, "
            f"the translation {sorted(_PLACEHOLDER.findall(translation)) or 'none'}; copy them exactly"
        )
    src_text, src_links = reader_view(source)
    dst_text, dst_links = reader_view(translation)
    views = ((source, translation), (src_text, dst_text), (folded(src_text), folded(dst_text)))
    for what, find in _FINDERS:
        for (src_view, dst_view), how in zip(views, _VIEWS, strict=True):
            src, dst = find(src_view), find(dst_view)
            if src != dst:
                problems.append(
                    f"{what} differs{how}: source {sorted(src) or 'none'}, translation {sorted(dst) or 'none'}; "
                    f"{'an' if what[0] in 'aeiou' else 'a'} {what} must be copied exactly"
                )
                break
    # Compared as rendered: every link form (inline, reference-style, autolink, <a href>) with
    # character references decoded. A reference-style translation of an inline link is fine.
    src, dst = Counter(h for h, _ in src_links), Counter(h for h, _ in dst_links)
    if src != dst:
        problems.append(f"link target differs: source {sorted(src) or 'none'}, translation {sorted(dst) or 'none'}; "
                        "a link target must be copied exactly")
    # The source's own links are the campaign's responsibility (validate checks its Markdown).
    problems += [p for p in link_problems(dst_links) if p not in link_problems(src_links)]
    # Typed, or written as character references (&#8238;): decoded without the build's pipeline,
    # which may add isolates around numbers of its own.
    hidden = {message for _, message in hidden_characters(translation) + hidden_characters(html.unescape(translation))}
    problems += sorted(f"the translation contains {message}" for message in hidden)
    if _directions(source) != _directions(translation):
        problems.append(f"the translation changes text direction (dir=): source "
                        f"{sorted(_directions(source).elements()) or 'none'}, "
                        f"translation {sorted(_directions(translation).elements()) or 'none'}; keep the source's dir attributes: "
                        "the toolbox sets the direction of each page and keeps numbers left-to-right itself")
    if _HIDDEN_MARKUP.search(translation) and not _HIDDEN_MARKUP.search(source):
        problems.append("the translation contains an HTML comment (<!-- ... -->, or <![CDATA[ ]]>, <? ?>), which readers "
                        "never see; remove it")
    if _DANGER.search(translation):
        problems.append("the translation contains markup that is never allowed (script, style, event handler or javascript: "
                        "link); remove it")
    else:
        extra = {t.lower() for t in _TAG.findall(translation)} - {t.lower() for t in _TAG.findall(source)}
        if extra:
            problems.append(f"the translation adds HTML tags the source does not have: {sorted(extra)}; remove them")
        elif not _balanced(translation):
            problems.append("the translation has unbalanced HTML tags; close every tag the source has")
    return problems


def _nplurals(path: Path) -> int | None:
    head = path.read_text(encoding="utf-8", errors="replace")[:4000]
    m = re.search(r"nplurals\s*=\s*(\d+)", head)
    return int(m.group(1)) if m else None


def check_po(path: Path, problems: Collector, derived: tuple[tuple[str, str, tuple[str, ...]], ...] = ()) -> None:
    """Check every translated entry of one ``.po`` file.

    ``derived``: (locale, script, proper names) of each locale built from this
    catalog by transliteration; its text is checked too, as readers get it.
    """
    shown = display_path(path)
    # Remembered per catalog's bytes (checkcache.py): a rebuild reads every catalog of every locale.
    checked("po", (shown, contents(path, MAX_PO_BYTES), repr(derived)), partial(_check_po, path, shown, derived), problems)


def _check_po(path: Path, shown: str, derived: tuple[tuple[str, str, tuple[str, ...]], ...], problems: Collector) -> None:
    text, problem = read_text(path, MAX_PO_BYTES, "this .po file", " (Poedit does)")
    if problem or text is None:
        problems.error(shown, *(problem or (None, "cannot be read")))
        return
    catalog = read_catalog(path, problems)
    if catalog is None:
        return
    nplurals = _nplurals(path)
    lines = text.splitlines()
    for message in catalog:
        if not message.id:
            continue
        long = next((s for s in (*_strings(message.id), *_strings(message.string)) if len(s) > MAX_MESSAGE_CHARS), None)
        if long is not None:
            problems.error(shown, message.lineno, f"this entry has a text of {len(long)} characters, over the limit of "
                                                  f"{MAX_MESSAGE_CHARS} for one message; is a closing quote missing?")
            continue
        if message.fuzzy:
            continue
        _check_entry(message, shown, nplurals, _plural_lines(lines, message.lineno), problems, derived)


def _strings(value: str | tuple[str, ...] | list[str] | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(v for v in value if v) if isinstance(value, (tuple, list)) else (value,)


def _plural_lines(lines: list[str], lineno: int | None) -> int:
    """How many msgstr[N] lines the entry starting at ``lineno`` has (Babel pads them)."""
    count = 0
    for line in lines[(lineno or 1) - 1:]:
        if not line.strip():
            break
        count += line.startswith("msgstr[")
    return count


def _check_entry(message: Message, shown: str, nplurals: int | None, forms: int, problems: Collector,
                 derived: tuple[tuple[str, str, tuple[str, ...]], ...] = ()) -> None:
    if isinstance(message.id, tuple):
        strings = [s for s in (message.string or ()) if s]
        if not strings:
            return
        if nplurals and forms != nplurals:
            problems.error(shown, message.lineno, f"{forms} plural forms, but Plural-Forms says nplurals={nplurals}; give "
                                                  f"exactly {nplurals} msgstr[N] lines")
        pairs = [(str(message.id[1]), s) for s in strings]
    else:
        if not message.string:
            return
        pairs = [(str(message.id), str(message.string))]
    for source, translation in pairs:
        found = check_message(source, translation)
        for problem in found:
            problems.error(shown, message.lineno, f"{problem} (msgid {source[:50]!r})")
        for tag, script, names in derived:
            for problem in check_message(source, transliterate(translation, script, list(names))):
                if problem not in found:
                    problems.error(shown, message.lineno, f"{problem}, once transliterated for {tag} (msgid {source[:50]!r})")
