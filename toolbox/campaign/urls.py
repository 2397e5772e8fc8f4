"""Judging web addresses and file URLs from untrusted input.

Schemes and host names are case-insensitive (RFC 3986 3.1, 3.2.2): ``FILE:``,
``File:`` and ``file:`` are one scheme, and ``Help.Example.org.`` is
``help.example.org``. Every check that looks at a URL's scheme or host goes
through the functions here, so none of them can be fooled by case again.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

#: The scheme as WeasyPrint (and urllib) read it: letters first, then letters, digits, + . -
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
#: A domain name without a scheme (astra.rs, šuma.rs): the last label is Latin letters, as the
#: top-level domains of our readers' countries are.
DOMAIN = re.compile(r"(?<![\w.@/-])(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[a-z]{2,24}(?![\w@-]|\.\w)", re.I)


def scheme(url: str) -> str | None:
    """The URL's scheme in lowercase (``FILE:///x`` → ``file``), or None for a relative reference."""
    found = _SCHEME.match(url)
    return found.group(1).lower() if found else None


def host(url: str) -> str | None:
    """The host a browser would connect to, normalised for comparison, or None when it has none.

    Lowercase, without a trailing dot, percent-decoded and in its IDNA (punycode)
    form, so ``HELP.example.org.``, ``help.example.org`` and ``%68elp.example.org``
    compare equal; ``www.`` in front is kept (see :func:`same_site`).
    """
    try:
        name = urlsplit(url).hostname
    except ValueError:  # an unbalanced [ in an IPv6 address
        return None
    if not name:
        return None
    name = unquote(name).rstrip(".").lower()
    try:
        return name.encode("idna").decode("ascii")
    except UnicodeError:
        return name


def same_site(a: str, b: str) -> bool:
    """Whether two host names (as :func:`host` gives them) are one site: equal, or equal but for ``www.``."""
    return a.removeprefix("www.") == b.removeprefix("www.")


def has_userinfo(url: str) -> bool:
    """Whether the address has a user name before its host (``https://ngo.org@evil.example/``).

    Browsers connect to the part after the ``@``; a reader (or a reviewer) sees the
    part before it. No address a campaign prints needs one.
    """
    try:
        return "@" in urlsplit(url).netloc
    except ValueError:
        return False


def file_path(url: str) -> Path | None:
    """The local file a ``file:`` URL opens, or None when it names another host or no absolute path.

    Read as urllib opens it: the query dropped (as WeasyPrint does), the host
    empty or ``localhost``, the path percent-decoded (``%65tc`` is ``etc``).
    """
    try:
        parts = urlsplit(url.split("?", 1)[0])
        name = parts.hostname
    except ValueError:  # file://[/etc/passwd: an unbalanced IPv6 bracket
        return None
    if parts.scheme.lower() != "file" or (name or "localhost").lower() != "localhost":
        return None
    path = unquote(parts.path)
    if not path.startswith("/") or "\x00" in path:
        return None
    return Path(path)


def exit_problem(exit_url: str, base_url: str) -> str | None:
    """Why ``exit_url`` would not take a reader off the campaign's site at once, or None.

    The quick exit must leave: an empty or relative address reloads (or stays on)
    the page, ``javascript:`` runs instead of leaving, and an address on the
    microsite's own host (``base_url``, in any case, with a trailing dot or ``www.``)
    stays on it.
    """
    fix = "give a neutral site on another host, e.g. https://www.wikipedia.org/"
    if not exit_url.strip():
        return f"exit_url is empty, so the quick-exit button would reload the same page; {fix}"
    kind = scheme(exit_url)
    if kind not in ("https", "http") or not exit_url[len(kind) + 1:].startswith("//"):
        what = ("not a complete address (https://host/…)" if kind in ("https", "http") else
                f"a {kind}: address" if kind else
                "a protocol-relative address" if exit_url.startswith("//") else "a relative address")
        return f"exit_url {exit_url!r} is {what}: the quick exit needs a web address to go to; {fix}"
    if has_userinfo(exit_url):
        return (f"exit_url {exit_url!r} has a user name before its host (…@); browsers go to the host after "
                f"the @; {fix}")
    target = host(exit_url)
    if target is None:
        return f"exit_url {exit_url!r} has no host name; {fix}"
    own = host(base_url) if base_url else None
    if own is not None and same_site(target, own):
        return (f"exit_url {exit_url!r} is on the microsite's own host ({own}, from base_url), so the quick "
                f"exit would not leave it; {fix}")
    return None
