"""``manifest.json``: every file of a build, one typed :class:`Entry` each.

The build writes it last (``write.OutputWriter``); ``toolbox merge`` reads the
shards' manifests, ``toolbox pack`` and the catalogue read the build's. They
all go through this module, so the file's fields (documented in
docs/building.md) are spelled in one place, and so is the rule that links a
PNG preview to the print PDF it shows.

A manifest is input like any other (anyone with access to the folder can
change it): :func:`entry_problem` says why an entry is not one toolbox writes,
before any of its fields names a file.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from .formats import PREVIEW_FORMAT

MANIFEST = "manifest.json"
#: Fields written even when empty (``null``): what an output is of.
_ALWAYS = ("campaign", "group", "locale", "country")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
#: A preview's name after its PDF's stem: "" (the first page only) or "-<page>" (every page).
_PREVIEW_TAIL = re.compile(r"(?:-[1-9][0-9]*)?\.png\Z")


@dataclass(frozen=True)
class Entry:
    campaign: str | None
    group: str | None
    locale: str | None
    country: str | None
    format: str
    path: str  # relative to the output folder, POSIX
    bytes: int
    sha256: str
    pages: int | None = None
    translated: float | None = None
    paper: str | None = None  # formats made in several papers: "a3", "a4" (on Letter: "tabloid", "letter")
    seconds: float | None = None  # audio only: its duration
    scale: float | None = None  # fitted formats: the type scale copyfitting chose (1: the template's design)

    def as_json(self) -> dict:
        """The entry as manifest.json holds it: empty optional fields left out."""
        return {k: v for k, v in asdict(self).items() if v is not None or k in _ALWAYS}

    @classmethod
    def from_json(cls, data: dict) -> Entry:
        """An entry from manifest.json or the state file (checked first with :func:`entry_problem`)."""
        values: dict[str, Any] = {f.name: data.get(f.name) for f in fields(cls)}
        return cls(**values)

    def shows(self, pdf: str) -> bool:
        """True when this entry is a preview of the print PDF at ``pdf`` (``…-leaflet.png``, ``…-leaflet-2.png``)."""
        if self.format != PREVIEW_FORMAT or not pdf.endswith(".pdf"):
            return False
        stem = pdf[: -len(".pdf")]
        return self.path.startswith(stem) and bool(_PREVIEW_TAIL.fullmatch(self.path[len(stem):]))


def previews_of(pdf: Entry | dict, entries: list[Entry]) -> list[Entry]:
    """The previews of a print PDF among ``entries``, first page first."""
    path = pdf.path if isinstance(pdf, Entry) else str(pdf.get("path", ""))
    return sorted((e for e in entries if e.shows(path)), key=lambda e: e.path)


@dataclass(frozen=True)
class Manifest:
    meta: dict  # toolbox (version), campaigns, shard ("K/N") for a shard build
    outputs: tuple[Entry, ...]

    def to_bytes(self) -> bytes:
        outputs = [e.as_json() for e in sorted(self.outputs, key=lambda e: e.path)]
        text = json.dumps({**self.meta, "outputs": outputs}, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
        return text.encode("utf-8")

    @property
    def shard(self) -> str | None:
        return self.meta.get("shard")


class ManifestError(ValueError):
    """Why a manifest.json cannot be used (its own message, without the file's path)."""


def parse(data: object) -> Manifest:
    """A manifest from its JSON, every entry checked; a ``ManifestError`` saying what is wrong."""
    outputs = data.get("outputs") if isinstance(data, dict) else None
    if not isinstance(outputs, list) or not all(isinstance(o, dict) for o in outputs):
        raise ManifestError("not a toolbox manifest (no list of outputs)")
    problems = [f"output {i + 1} ({str(o.get('path'))[:80]!r}): {why}"
                for i, o in enumerate(outputs) for why in [entry_problem(o)] if why]
    if problems:
        raise ManifestError("; ".join(problems[:20]))
    assert isinstance(data, dict)
    return Manifest({k: v for k, v in data.items() if k != "outputs"}, tuple(Entry.from_json(o) for o in outputs))


def read(path: Path) -> Manifest:
    """The manifest at ``path``; ``OSError``/``ManifestError`` when it is missing, unreadable or damaged."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ManifestError(f"cannot read it ({exc})") from None
    return parse(data)


def merge(manifests: list[Manifest]) -> list[Entry]:
    """The entries of several shards' manifests, each path once; a ``ManifestError`` when two differ."""
    seen: dict[str, Entry] = {}
    for manifest in manifests:
        for entry in manifest.outputs:
            if seen.get(entry.path, entry).sha256 != entry.sha256:
                raise ManifestError(f"{entry.path} differs between shards")
            seen[entry.path] = entry
    return [seen[p] for p in sorted(seen)]


def entry_problem(entry: dict) -> str | None:
    """Why a manifest entry is not one toolbox writes (a name or type that must not reach a file name), or None."""
    from .campaign.countries import ACCEPTED as COUNTRIES
    from .campaign.paths import RESERVED, relative_problem
    from .campaign.validate import TAG_RE, id_problem

    rel = entry.get("path")
    if not isinstance(rel, str):
        return "its path is not text"
    why = relative_problem(rel)
    if why:
        return f"its path {why}"
    if not isinstance(entry.get("format"), str) or not entry["format"]:
        return "its format is not a name"
    for key in ("campaign", "group"):
        value = entry.get(key)
        if value is not None and (not isinstance(value, str) or id_problem(value, key)):
            return f"{key} {str(value)[:80]!r} is not an identifier (lowercase letters, digits and hyphens)"
    tag = entry.get("locale")
    if tag is not None and (not isinstance(tag, str) or not TAG_RE.match(tag) or tag.lower() in RESERVED):
        return f"locale {str(tag)[:80]!r} is not a BCP 47 tag"
    country = entry.get("country")
    if country is not None and (not isinstance(country, str) or country not in COUNTRIES):
        return f"country {str(country)[:80]!r} is not an ISO 3166 country code"
    size = entry.get("bytes")
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        return "its size ('bytes') is not a whole number"
    if not isinstance(entry.get("sha256"), str) or not _SHA256.match(entry["sha256"]):
        return "its 'sha256' is not a SHA-256 digest"
    pages = entry.get("pages")
    if pages is not None and (not isinstance(pages, int) or isinstance(pages, bool) or pages < 0):
        return "its page count is not a whole number"
    translated = entry.get("translated")
    if translated is not None and (not isinstance(translated, (int, float)) or isinstance(translated, bool)):
        return "its share of translated text is not a number"
    paper = entry.get("paper")
    if paper is not None and (not isinstance(paper, str) or not re.fullmatch(r"[a-z0-9-]{1,16}", paper)):
        return f"its paper {str(paper)[:20]!r} is not a paper size such as a4"
    scale = entry.get("scale")
    if scale is not None and (not isinstance(scale, (int, float)) or isinstance(scale, bool) or not 0 < scale < 100):
        return "its type scale is not a number"
    return None
