"""Line numbers for values in a TOML file.

``tomllib`` parses TOML but forgets where each value came from. NGO staff need
``campaign.toml:42: ...`` to find a mistake, so this module scans the source
once and maps every key path (``("groups", 1, "locales", 2)``) to the line it
starts on. It understands what campaign files use: tables, arrays of tables,
dotted and quoted keys, multi-line arrays and strings, inline tables.
Anything it cannot place is reported at the nearest enclosing key.
"""

from __future__ import annotations

import re

KeyPath = tuple[str | int, ...]

_BARE = re.compile(r"[A-Za-z0-9_-]+")


def _parse_key(text: str, i: int) -> tuple[list[str], int] | None:
    """Parse a dotted key starting at ``text[i]``; return parts and the end index."""
    parts: list[str] = []
    while True:
        while i < len(text) and text[i] in " \t":
            i += 1
        if i >= len(text):
            return None
        ch = text[i]
        if ch in "\"'":
            end = text.find(ch, i + 1)
            if end < 0:
                return None
            parts.append(text[i + 1 : end])
            i = end + 1
        else:
            m = _BARE.match(text, i)
            if not m:
                return None
            parts.append(m.group(0))
            i = m.end()
        while i < len(text) and text[i] in " \t":
            i += 1
        if i < len(text) and text[i] == ".":
            i += 1
            continue
        return parts, i


class _Scanner:
    def __init__(self, source: str) -> None:
        self.lines: dict[KeyPath, int] = {}
        self.array_counts: dict[KeyPath, int] = {}
        self.table: KeyPath = ()
        self.source = source

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
        lines = self.source.splitlines()
        n = 0
        while n < len(lines):
            n = self._line(lines, n)
        return self.lines

    def _line(self, lines: list[str], n: int) -> int:
        raw = lines[n]
        text = raw.strip()
        lineno = n + 1
        if not text or text.startswith("#"):
            return n + 1
        if text.startswith("[["):
            parsed = _parse_key(text, 2)
            if parsed:
                parent = self._resolve(parsed[0][:-1]) + (parsed[0][-1],)
                count = self.array_counts.get(parent, 0) + 1
                self.array_counts[parent] = count
                self.table = parent + (count - 1,)
                self.record(parent, lineno)
                self.record(self.table, lineno)
            return n + 1
        if text.startswith("["):
            parsed = _parse_key(text, 1)
            if parsed:
                self.table = self._resolve(parsed[0])
                self.record(self.table, lineno)
            return n + 1
        parsed = _parse_key(raw, 0)
        if not parsed or parsed[1] >= len(raw) or raw[parsed[1]] != "=":
            return n + 1
        path = self.table + tuple(parsed[0])
        self.record(path, lineno)
        return self._value(lines, n, raw[parsed[1] + 1 :], path)

    def _value(self, lines: list[str], n: int, rest: str, path: KeyPath) -> int:
        """Skip over a value, recording element lines of arrays and inline tables."""
        stripped = rest.lstrip()
        for quote in ('"""', "'''"):
            if stripped.startswith(quote):
                if stripped.count(quote) >= 2:
                    return n + 1
                n += 1
                while n < len(lines) and quote not in lines[n]:
                    n += 1
                return n + 1
        if not stripped.startswith(("[", "{")):
            return n + 1
        # Walk brackets character by character across lines, tracking element
        # indexes of arrays and the keys of inline tables.
        stack: list[list] = []  # [bracket, owner path, element index, last key path]
        line_text, col = rest, 0
        while True:
            while col < len(line_text):
                ch = line_text[col]
                top = stack[-1] if stack else None
                if ch == "#":
                    break
                if top and top[0] == "[" and ch not in " \t,]":
                    self.record(top[1] + (top[2],), n + 1)
                if ch in "\"'":
                    end = line_text.find(ch, col + 1)
                    while ch == '"' and end > 0 and line_text[end - 1] == "\\":
                        end = line_text.find(ch, end + 1)
                    col = len(line_text) if end < 0 else end + 1
                    continue
                if top and top[0] == "{" and ch not in " \t,{}[]":
                    parsed = _parse_key(line_text, col)
                    if parsed and parsed[1] < len(line_text) and line_text[parsed[1]] == "=":
                        top[3] = top[1] + tuple(parsed[0])
                        self.record(top[3], n + 1)
                        col = parsed[1] + 1
                        continue
                if ch in "[{":
                    if top is None:
                        owner = path
                    elif top[0] == "[":
                        owner = top[1] + (top[2],)
                        self.record(owner, n + 1)
                    else:
                        owner = top[3]
                    stack.append([ch, owner, 0, owner])
                    col += 1
                    continue
                if ch in "]}":
                    stack.pop()
                    col += 1
                    if not stack:
                        return n + 1
                    continue
                if ch == "," and top and top[0] == "[":
                    top[2] += 1
                col += 1
            n += 1
            if n >= len(lines):
                return n
            line_text, col = lines[n], 0


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
