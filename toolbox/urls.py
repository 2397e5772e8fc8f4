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
    parts = urlsplit(url.split("?", 1)[0])
    if parts.scheme.lower() != "file" or (parts.hostname or "localhost").lower() != "localhost":
        return None
    path = unquote(parts.path)
    if not path.startswith("/") or "\x00" in path:
        return None
    return Path(path)
