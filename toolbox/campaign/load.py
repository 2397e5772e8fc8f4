"""campaigns/<id>/campaign.toml → :class:`~toolbox.campaign.model.Campaign`.

The loader checks syntax, types and unknown keys, keeping the line of every
value; it collects every problem before giving up. Cross-references (files,
locales, contacts, formats) are checked afterwards by :mod:`toolbox.campaign.validate`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import tomllib
import types
import typing
from pathlib import Path
from typing import Any

from ..errors import Collector, display_path
from .invisible import hidden_characters
from .limits import MAX_DEFINITION_BYTES, read_text
from .model import Campaign
from .tomlpos import KeyPath, key_lines, line_of, syntax_error

DEFINITION = "campaign.toml"

_TYPE_NAMES = {str: "a string", bool: "true or false", int: "a whole number", float: "a number", dt.date: "a date (2026-11-24)"}


class _Reader:
    def __init__(self, path: Path, source: str, problems: Collector) -> None:
        self.path = path
        self.shown = display_path(path)
        self.lines = key_lines(source)
        self.problems = problems

    def error(self, key: KeyPath, message: str) -> None:
        self.problems.error(self.shown, line_of(self.lines, key), message)

    def table(self, cls: type, data: Any, key: KeyPath) -> Any:
        """Build dataclass ``cls`` from TOML table ``data``; ``None`` if it is unusable."""
        if not isinstance(data, dict):
            self.error(key, f"{_name(key)} must be a table, not {_describe(data)}")
            return None
        hints = typing.get_type_hints(cls)
        fields = {f.name: f for f in dataclasses.fields(cls) if not f.metadata.get("internal")}
        values: dict[str, Any] = {}
        for name, value in data.items():
            if name not in fields:
                self.error(key + (name,), _unknown(name, key, list(fields)))
                continue
            converted = self.value(hints[name], value, key + (name,), fields[name].metadata)
            if converted is not _BAD:
                values[name] = converted
        ok = True
        for name, f in fields.items():
            required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            if required and name not in values:
                if name not in data:  # a bad value was already reported
                    where = f"[{_name(key)}]" if key else "the file"
                    self.error(key, f"{where} is missing the required key '{name}' ({f.metadata.get('doc', '')})")
                ok = False
        if not ok:
            return None
        if "key" in {f.name for f in dataclasses.fields(cls)}:
            values["key"] = key
        return cls(**values)

    def value(self, hint: Any, value: Any, key: KeyPath, meta: typing.Mapping) -> Any:
        origin = typing.get_origin(hint)
        args = typing.get_args(hint)
        if origin in (typing.Union, types.UnionType):
            if value is None:
                return None
            hint = next(a for a in args if a is not type(None))
            return self.value(hint, value, key, meta)
        if origin is list:
            if not isinstance(value, list):
                self.error(key, f"{_name(key)} must be a list, e.g. [\"a\", \"b\"], not {_describe(value)}")
                return _BAD
            items = [self.value(args[0], v, key + (i,), {}) for i, v in enumerate(value)]
            return [v for v in items if v is not _BAD and v is not None]
        if origin is dict:
            if not isinstance(value, dict):
                self.error(key, f"{_name(key)} must be a table, not {_describe(value)}")
                return _BAD
            allowed = meta.get("keys")
            out = {}
            for k, v in value.items():
                if allowed and k not in allowed:
                    self.error(key + (k,), _unknown(k, key, list(allowed)))
                    continue
                converted = self.value(args[1], v, key + (k,), {})
                if converted is not _BAD and converted is not None:
                    out[k] = _with_code(converted, k)
            return out
        if isinstance(hint, type) and dataclasses.is_dataclass(hint):
            table = self.table(hint, value, key)
            return _BAD if table is None else table  # its problems are reported
        if hint is dt.date and isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if hint is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if isinstance(value, hint) and not (hint in (int, float) and isinstance(value, bool)):
            if hint is str:
                for _, problem in hidden_characters(value):
                    self.error(key, f"{_name(key)} contains {problem}")
            choices = meta.get("choices")
            if choices and value not in choices:
                hint_text = _suggest(value, choices) or "use one of: " + ", ".join(c for c in choices if c)
                self.error(key, f"{_name(key)} = {value!r} is not allowed; {hint_text}")
                return _BAD
            return value
        self.error(key, f"{_name(key)} must be {_TYPE_NAMES.get(hint, hint.__name__)}, not {_describe(value)}")
        return _BAD


_BAD = object()


def _with_code(obj: Any, code: str) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type) and "code" in {f.name for f in dataclasses.fields(obj)}:
        return dataclasses.replace(obj, code=code)
    return obj


def _name(key: KeyPath) -> str:
    out = ""
    for part in key:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + part
    return out or "the file"


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _suggest(word: str, choices: typing.Iterable[str]) -> str:
    close = difflib.get_close_matches(str(word), [c for c in choices if c], n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def _unknown(name: str, key: KeyPath, allowed: list[str]) -> str:
    where = f"in [{_name(key)}]" if key else "at the top level"
    hint = _suggest(name, allowed) or "known keys: " + ", ".join(sorted(allowed))
    return f"unknown key '{name}' {where}; {hint}"


def load_campaign(folder: Path, problems: Collector) -> Campaign | None:
    """Load one campaign folder; report problems into ``problems``."""
    path = folder / DEFINITION
    shown = display_path(path)
    if not path.is_file():
        problems.error(display_path(folder), None, f"no {DEFINITION} here; create one with 'toolbox new {folder.name}'")
        return None
    try:
        source, problem = read_text(path, MAX_DEFINITION_BYTES, DEFINITION)
    except OSError as exc:
        problems.error(shown, None, f"cannot read {DEFINITION}: {exc.strerror or exc}; check its permissions")
        return None
    if problem or source is None:
        problems.error(shown, *(problem or (None, "cannot be read")))
        return None
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        line, reason = syntax_error(exc, source)
        problems.error(shown, line, f"TOML syntax error: {reason}; see docs/campaign-format.md")
        return None
    except RecursionError:
        problems.error(shown, _deepest_line(source), "values are nested too deeply (lists inside lists ...); "
                                                     "see docs/campaign-format.md for the shape of each key")
        return None
    reader = _Reader(path, source, problems)
    if "campaign" not in data:
        problems.error(shown, 1, "missing the [campaign] table (id, title, ...); see docs/campaign-format.md")
        return None
    campaign = reader.table(Campaign, data, ())
    if campaign is None:
        return None
    loaded: Campaign = dataclasses.replace(campaign, folder=folder, definition=path, lines=reader.lines)
    return loaded


def _deepest_line(source: str) -> int:
    """The line where brackets nest deepest (strings and comments are not told apart: a hint only)."""
    depth = best = 0
    line = best_line = 1
    for ch in source:
        if ch == "\n":
            line += 1
        elif ch in "[{":
            depth += 1
            if depth > best:
                best, best_line = depth, line
        elif ch in "]}":
            depth -= 1
    return best_line


def find_campaigns(root: Path) -> list[Path]:
    """Campaign folders under ``root`` (each holds a campaign.toml), sorted by id."""
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and (p / DEFINITION).exists())
