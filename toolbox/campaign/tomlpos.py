"""Line numbers for values in a TOML file.

``tomllib`` parses TOML but forgets where each value came from. NGO staff need
``campaign.toml:42: ...`` to find a mistake, so this module scans the source
once and maps every key path (``("groups", 1, "locales", 2)``) to the line it
starts on: tables, arrays of tables, dotted and quoted keys (escapes decoded as
``tomllib`` decodes them), strings of every kind, arrays and inline tables over
several lines, comments. It reads documents ``tomllib`` accepts; on anything
else it records what it can. Lines are counted as TOML counts them, at ``\\n``
only: U+2028 or U+0085 in a string or comment does not start a line.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import Collector

KeyPath = tuple[str | int, ...]

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}
_SCALAR = re.compile(r"[^,\]}#\n]*")
_TOML_LINE = re.compile(r" ?\(at line (\d+), column \d+\)")


def count_lines(source: str) -> int:
    """How many lines a TOML document has (at least 1)."""
    return source.count("\n") + (0 if source.endswith("\n") else 1)


def syntax_error(exc: tomllib.TOMLDecodeError, source: str) -> tuple[int, str]:
    """The line ``tomllib`` names in ``exc`` and its message without the position.

    "(at end of document)" becomes the last line and the words "at the end of the file".
    """
    message = str(exc)
    m = _TOML_LINE.search(message)
    line = int(m.group(1)) if m else count_lines(source)
    reason = _TOML_LINE.sub("", message).replace(" (at end of document)", " at the end of the file")
    return line, reason.strip()


def read_theme_toml(path: Path, shown: str, problems: Collector) -> tuple[dict[str, Any], str] | None:
    """A designer's TOML file under templates/ (formats.toml, fonts.toml): its data and source text, or None
    with a ``path:line`` problem pointing at docs/templates.md."""
    try:
        source = path.read_text(encoding="utf-8")
        return tomllib.loads(source), source
    except tomllib.TOMLDecodeError as exc:
        line, reason = syntax_error(exc, source)
        problems.error(shown, line, f"cannot read {path.name}: {reason}; see docs/templates.md")
    except (OSError, UnicodeDecodeError, RecursionError) as exc:
        problems.error(shown, 1, f"cannot read {path.name}: {exc}; see docs/templates.md")
    return None


class _Scanner:
    """One pass over the characters; ``self.line`` follows ``self.i``."""

    def __init__(self, source: str) -> None:
        self.s = source
        self.i = 0
        self.line = 1
        self.lines: dict[KeyPath, int] = {}
        self.array_counts: dict[KeyPath, int] = {}
        self.table: KeyPath = ()

    # -- characters ------------------------------------------------------------------------

    def _peek(self, n: int = 0) -> str:
        j = self.i + n
        return self.s[j] if j < len(self.s) else ""

    def _advance(self, n: int = 1) -> None:
        end = min(self.i + n, len(self.s))
        self.line += self.s.count("\n", self.i, end)
        self.i = end

    def _spaces(self) -> None:
        while self.i < len(self.s) and self.s[self.i] in " \t":
            self.i += 1

    def _comment(self) -> None:
        if self._peek() == "#":
            end = self.s.find("\n", self.i)
            self.i = len(self.s) if end < 0 else end

    def _blank(self) -> None:
        """Spaces, newlines and comments (between array elements and statements)."""
        while self.i < len(self.s):
            ch = self.s[self.i]
            if ch in " \t\r":
                self.i += 1
            elif ch == "\n":
                self._advance()
            elif ch == "#":
                self._comment()
            else:
                return

    def _rest_of_line(self) -> None:
        end = self.s.find("\n", self.i)
        self._advance(len(self.s) - self.i if end < 0 else end + 1 - self.i)

    # -- strings and keys ------------------------------------------------------------------

    def _string(self) -> str:
        """Read a string of any of the four kinds at ``self.i``; return its value (basic escapes decoded)."""
        quote = self._peek()
        if self.s.startswith(quote * 3, self.i):
            self._advance(3)
            end = self._find_close(quote * 3, escapes=quote == '"')
            # A closing """ may be followed by one or two more quotes that belong to the string.
            while self.s.startswith(quote, end + 3) and end + 3 < len(self.s):
                end += 1
            value = self.s[self.i:end]
            self._advance(end + 3 - self.i)
            return value
        self.i += 1
        end = self._find_close(quote, escapes=quote == '"')
        value = self.s[self.i:end]
        self._advance(end + 1 - self.i)
        return _unescape(value) if quote == '"' else value

    def _find_close(self, closing: str, escapes: bool) -> int:
        j = self.i
        while j < len(self.s):
            if escapes and self.s[j] == "\\":
                j += 2
                continue
            if self.s.startswith(closing, j):
                return j
            if len(closing) == 1 and self.s[j] == "\n":
                return j  # an unterminated one-line string: tomllib refuses it; stop at the line's end
            j += 1
        return len(self.s)

    def _key(self) -> list[str] | None:
        """A dotted key at ``self.i``; None if there is none."""
        parts: list[str] = []
        while True:
            self._spaces()
            ch = self._peek()
            if ch in ('"', "'"):
                parts.append(self._string())
            else:
                m = _BARE.match(self.s, self.i)
                if not m:
                    return None
                parts.append(m.group(0))
                self.i = m.end()
            self._spaces()
            if self._peek() != ".":
                return parts
            self.i += 1

    # -- structure -------------------------------------------------------------------------

    def _resolve(self, parts: list[str]) -> KeyPath:
        """Resolve a header path: arrays of tables along it point at their last element."""
        path: list[str | int] = []
        for part in parts:
            path.append(part)
            count = self.array_counts.get(tuple(path))
            if count is not None:
                path.append(count - 1)
        return tuple(path)

    def record(self, path: KeyPath, line: int) -> None:
        self.lines.setdefault(path, line)

    def scan(self) -> dict[KeyPath, int]:
        while True:
            self._blank()
            if self.i >= len(self.s):
                return self.lines
            start = self.i
            self._statement()
            if self.i == start:
                self._rest_of_line()  # not TOML; go on at the next line
            else:
                self._spaces()
                self._comment()

    def _statement(self) -> None:
        line = self.line
        if self.s.startswith("[[", self.i):
            self.i += 2
            parts = self._key()
            if parts:
                parent = self._resolve(parts[:-1]) + (parts[-1],)
                count = self.array_counts.get(parent, 0) + 1
                self.array_counts[parent] = count
                self.table = parent + (count - 1,)
                self.record(parent, line)
                self.record(self.table, line)
            self._rest_of_line()
        elif self._peek() == "[":
            self.i += 1
            parts = self._key()
            if parts:
                self.table = self._resolve(parts)
                self.record(self.table, line)
            self._rest_of_line()
        else:
            self._pair(self.table)

    def _pair(self, owner: KeyPath) -> bool:
        """``key = value`` at ``self.i``, its key under ``owner``; False if there is none."""
        start, line = self.i, self.line
        parts = self._key()
        if parts is None or self._peek() != "=":
            self.i, self.line = start, line
            return False
        path = owner + tuple(parts)
        self.record(path, line)
        self.i += 1
        self._spaces()
        self._value(path)
        return True

    def _value(self, path: KeyPath) -> None:
        ch = self._peek()
        if ch in ('"', "'"):
            self._string()
        elif ch == "[":
            self._array(path)
        elif ch == "{":
            self._inline_table(path)
        else:
            # A number, boolean or date and time (which may hold one space): up to what ends a value.
            self.i = _SCALAR.match(self.s, self.i).end()  # type: ignore[union-attr]  # it matches the empty string

    def _array(self, path: KeyPath) -> None:
        index = 0

        def element() -> None:
            nonlocal index
            self.record(path + (index,), self.line)
            self._value(path + (index,))
            index += 1

        self._items("]", element)

    def _inline_table(self, path: KeyPath) -> None:
        self._items("}", lambda: self._pair(path))

    def _items(self, closing: str, item: Callable[[], object]) -> None:
        """Comma-separated items after the opening bracket at ``self.i``, up to ``closing``."""
        self.i += 1
        while True:
            self._blank()
            ch = self._peek()
            if not ch:
                return
            if ch == closing:
                self.i += 1
                return
            if ch == ",":
                self.i += 1
                continue
            start = self.i
            item()
            if self.i == start:
                self.i += 1  # not an item: skip a character rather than loop


def _unescape(value: str) -> str:
    if "\\" not in value:
        return value
    out, j = [], 0
    while j < len(value):
        ch = value[j]
        if ch != "\\" or j + 1 >= len(value):
            out.append(ch)
            j += 1
            continue
        code = value[j + 1]
        width = {"u": 4, "U": 8}.get(code)
        if width:
            try:
                out.append(chr(int(value[j + 2:j + 2 + width], 16)))
            except ValueError:
                out.append(value[j:j + 2 + width])
            j += 2 + width
        else:
            out.append(_ESCAPES.get(code, "\\" + code))
            j += 2
    return "".join(out)


def key_lines(source: str) -> dict[KeyPath, int]:
    """Map each key path in a TOML document to its 1-based line number."""
    return _Scanner(source).scan()


def line_of(lines: dict[KeyPath, int], path: KeyPath) -> int | None:
    """The line of ``path``, or of its nearest ancestor that has one.

    A table known only through its sub-tables (``[a.b]`` without ``[a]``) is
    placed at the first of them; a document with no key at all at line 1.
    """
    p = tuple(path)
    while p:
        if p in lines:
            return lines[p]
        below = [n for k, n in lines.items() if k[: len(p)] == p]
        if below:
            return min(below)
        p = p[:-1]
    return min(lines.values(), default=1)
