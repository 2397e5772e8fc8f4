"""Output kinds: what each format is, from the designers' ``templates/print/formats.toml``.

One frozen :class:`Format` per kind (a leaflet, a share image, the print
guide, a microsite page, a text message…) says which family it belongs to,
which template draws it, which papers it comes in, how it is printed and
where it goes in an outreach bundle. Planning, rendering, the downloads
pages, the print guide, the catalogue and ``toolbox pack`` all ask this
registry instead of keeping tables of their own, so a new print format is a
template and a table in ``formats.toml``, with no Python to change.

The kinds the code makes by itself (microsite pages, text messages, assets,
previews) are built in (:data:`BUILTIN`); ``formats.toml`` holds the ones a
template draws.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Literal

from .campaign.tomlpos import key_lines, line_of, read_theme_toml
from .errors import Collector, Problem, display_path
from .theme import Theme

#: Where the registry lives, relative to templates/.
FILE = "print/formats.toml"

PRINT, SHARE, GUIDE, SITE, SMS, AUDIO, ASSET = "print", "share", "guide", "site", "sms", "audio", "asset"
FAMILIES = (PRINT, SHARE, GUIDE, SITE, SMS, AUDIO, ASSET)
#: The families formats.toml may declare: the ones a template draws.
DRAWN = (PRINT, SHARE, GUIDE)
#: How a print material is printed (the guide names it in the reader's language).
SIDES = ("single", "long-edge", "short-edge")
#: How a print material is folded ("thirds": a tri-fold leaflet; the guide explains it).
FOLDINGS = ("", "thirds")

#: The format id of microsite pages (also what a group lists in formats = [...] for a site).
SITE_FORMAT = "site"
#: The format id of PNG previews beside their print PDF (manifest format "preview").
PREVIEW_FORMAT = "preview"

_ID = re.compile(r"[a-z][a-z0-9-]*\Z")
_PAPER = re.compile(r"[a-z][a-z0-9-]*\Z")
_DEFAULT_SUFFIX = {PRINT: ".pdf", SHARE: ".png", GUIDE: ".pdf", SITE: ".html", SMS: ".txt", AUDIO: ".ogg", ASSET: ""}
#: Bundle folder by family: "" is the top of the bundle, None: not bundled.
_DEFAULT_BUNDLE: dict[str, str | None] = {PRINT: "print", SHARE: "share", GUIDE: "", SMS: "text", AUDIO: "audio",
                                          SITE: None, ASSET: None}
_KEYS = {"family", "name", "template", "suffix", "papers", "panels", "sides", "folding", "size", "bundle", "downloads",
         "fit", "fold", "letter"}
#: The default papers a project may choose (``paper`` of the brand kit, toolbox.toml): "a4", the tables as they
#: are, or a name here, whose sub-table of a format (``letter = { papers = [...], fold = {...} }``) gives that
#: format's papers and fold on it. A format without one keeps its own (a wallet card is 85 × 55 mm anywhere).
DEFAULT_PAPERS = ("a4", "letter")
_ALTERNATIVE_KEYS = {"papers", "fold", "name"}
#: Paper sizes in mm, portrait (width, height): ISO 216 and the North American ones. Templates draw their
#: page from them (``page.width``, ``page.height``), so a format changes paper in formats.toml alone.
SIZES: dict[str, tuple[float, float]] = {
    "a3": (297, 420), "a4": (210, 297), "a5": (148, 210), "a6": (105, 148),
    "letter": (215.9, 279.4), "legal": (215.9, 355.6), "tabloid": (279.4, 431.8), "half-letter": (139.7, 215.9),
}
_PAPER_KEYS = {"size", "zoom", "label"}
_FIT_KEYS = {"body", "min", "max", "unit"}
_FOLD_KEYS = {"panel", "fold_in"}


@dataclass(frozen=True)
class Paper:
    size: str  # "a4", "a3", "letter": a name of SIZES
    zoom: float = 1.0  # scale of every length the template draws (A3 is A4 × √2)
    label: str = ""  # msgid: what the print guide says about the paper, e.g. "A4 landscape"

    @property
    def width(self) -> float:
        """Portrait width in mm (a landscape template swaps width and height)."""
        return SIZES.get(self.size, SIZES["a4"])[0]

    @property
    def height(self) -> float:
        return SIZES.get(self.size, SIZES["a4"])[1]

    @property
    def css(self) -> str:
        """The size as CSS ``@page { size: … }`` names a CSS page size ("A4", "letter"), for templates
        that write ``size: {{ paper }} portrait``; templates that draw to the paper use width and height."""
        return self.size.upper() if self.size.startswith("a") else self.size


@dataclass(frozen=True)
class FitRange:
    """The type scales a format's fixed boxes may take (copyfitting, render/fit.py): ``low`` ≤ scale ≤ ``high``."""

    format: str
    body: float  # body size at scale 1 (the template's design), in ``unit``
    low: float
    high: float
    unit: str = "pt"  # pt for print, px for share images

    def clamp(self, scale: float) -> float:
        return min(self.high, max(self.low, scale))

    def at_high(self, scale: float) -> bool:
        return scale >= self.high - 0.01

    def body_size(self, scale: float) -> float:
        return round(self.body * scale, 2)


@dataclass(frozen=True)
class Fold:
    """A roll-fold (letter-fold) tri-fold's panel widths in mm: the panel that folds in is narrower, so it closes flat."""

    panel: float
    fold_in: float


@dataclass(frozen=True)
class Alternative:
    """A format on another default paper (``letter = {...}`` of its table): what changes there."""

    paper: str  # of DEFAULT_PAPERS
    papers: tuple[Paper, ...]
    fold: Fold | None = None  # None: the format's own
    name: str = ""  # "": the format's own


@dataclass(frozen=True)
class Format:
    id: str
    family: str  # one of FAMILIES
    template: str | None = None  # relative to templates/; None: made by code
    suffix: str = ".pdf"  # of the output file's name
    name: str = ""  # msgid of the display name (downloads pages, print guide)
    papers: tuple[Paper, ...] = ()
    panels: int = 1
    sides: str = "single"
    folding: str = ""
    size: tuple[int, int] | None = None  # share images: width, height in px
    bundle: str | None = None  # folder inside an outreach bundle ("" its top); None: not bundled
    downloads: bool = False  # listed on the microsite's downloads pages
    fit: FitRange | None = None  # copyfitting range of its fixed boxes; None: not fitted (it flows over pages)
    fold: Fold | None = None  # panel widths of a folded leaflet
    line: int | None = None  # where formats.toml declares it (for messages)
    #: Its papers, fold and name on another default paper (DEFAULT_PAPERS), one each.
    alternatives: tuple[Alternative, ...] = ()

    @property
    def is_material(self) -> bool:
        """A print material proper: previews, the downloads pages, the print guide, the catalogue."""
        return self.family == PRINT

    @property
    def split_papers(self) -> bool:
        """One file per paper (…-poster-a3.pdf, …-poster-a4.pdf) instead of one file."""
        return len(self.papers) > 1

    def makes(self, path: str) -> bool:
        """Whether a file at ``path`` is one of this kind's files (audio comes as .ogg and .mp3)."""
        return path.endswith((".ogg", ".mp3") if self.family == AUDIO else self.suffix)

    def paper(self, size: str | None) -> Paper | None:
        """The paper of a file (its ``size``, or the format's only paper)."""
        if size is None:
            return self.papers[0] if len(self.papers) == 1 else None
        return next((p for p in self.papers if p.size == size), None)

    def zoom(self, size: str | None) -> float:
        paper = self.paper(size)
        return paper.zoom if paper else 1.0

    def on(self, default: str) -> Format:
        """This format on a project's default paper (``"a4"``, ``"letter"``): its alternative papers and fold
        for that paper where formats.toml gives some, else itself."""
        from dataclasses import replace

        for other in self.alternatives:
            if other.paper == default.lower():
                return replace(self, papers=other.papers, fold=other.fold or self.fold, name=other.name or self.name,
                               alternatives=())
        return self


BUILTIN = (
    Format(SITE_FORMAT, SITE, suffix=".html"),
    Format("sms", SMS, suffix=".txt", bundle="text"),
    Format("audio", AUDIO, suffix=".ogg", bundle="audio"),  # and .mp3 beside it (toolbox/audio.py)
    Format(ASSET, ASSET, suffix=""),
    Format(PREVIEW_FORMAT, ASSET, suffix=".png"),
)


@dataclass(frozen=True)
class Formats:
    """Every output kind of a project, in the order formats.toml lists them (built-ins last)."""

    path: Path
    kinds: tuple[Format, ...] = field(default=BUILTIN)

    def __iter__(self) -> Iterator[Format]:
        return iter(self.kinds)

    def __contains__(self, fid: object) -> bool:
        return any(f.id == fid for f in self.kinds)

    def get(self, fid: str | None) -> Format | None:
        return next((f for f in self.kinds if f.id == fid), None)

    def __getitem__(self, fid: str) -> Format:
        found = self.get(fid)
        if found is None:
            raise KeyError(fid)
        return found

    def family(self, family: str) -> list[Format]:
        return [f for f in self.kinds if f.family == family]

    @property
    def chosen(self) -> list[str]:
        """What a group may list in formats = [...]: the print formats and the microsite."""
        return [f.id for f in self.kinds if f.family == PRINT] + [SITE_FORMAT]

    @property
    def fold(self) -> Fold | None:
        """The folded leaflet's panels (the print guide draws them): the first format that has some."""
        return next((f.fold for f in self.kinds if f.fold is not None), None)

    @property
    def guide(self) -> Format | None:
        found = self.family(GUIDE)
        return found[0] if found else None

    def bundle_folder(self, fid: str | None) -> str | None:
        found = self.get(fid)
        return found.bundle if found else None

    def on(self, default: str) -> Formats:
        """Every kind on a project's default paper (the brand kit's ``paper``: "A4" or "Letter")."""
        if default.lower() == DEFAULT_PAPERS[0]:
            return self
        return Formats(self.path, tuple(f.on(default) for f in self.kinds))


def load(theme: Theme) -> Formats:
    """The registry of ``theme``; a ``ToolboxError`` with every problem of formats.toml."""
    problems = Collector()
    formats = read(theme, problems)
    problems.raise_if_errors()
    assert formats is not None
    return formats


_cache: dict[tuple[tuple[Path, ...], Path, int, int], Formats | list[Problem]] = {}


def chosen(theme: Theme) -> list[str] | None:
    """What a group may list in formats = [...]; None when formats.toml has problems (reported with the templates)."""
    found = read(theme, Collector())
    return found.chosen if found is not None else None


def read(theme: Theme, problems: Collector) -> Formats | None:
    """The registry of ``theme`` (the project's formats.toml, else the built-in one), its problems added to
    ``problems`` (None when it has errors)."""
    path = theme.file(FILE)
    try:
        stat = path.stat()
    except OSError:
        problems.error(display_path(path), None, f"templates/{FILE} is missing: it lists the output formats; "
                                                 "restore it from the toolbox repository")
        return None
    key = (theme.folders, path.resolve(), stat.st_mtime_ns, stat.st_size)
    if key not in _cache:
        found = Collector()
        kinds = _parse(theme, path, found)
        _cache.clear()  # one project at a time: a long 'toolbox serve' keeps only the current file
        _cache[key] = found.problems if found.errors else Formats(path, kinds + BUILTIN)
    cached = _cache[key]
    if isinstance(cached, Formats):
        return cached
    problems.problems.extend(cached)
    return None


def _parse(theme: Theme, path: Path, problems: Collector) -> tuple[Format, ...]:
    shown = display_path(path)
    read = read_theme_toml(path, shown, problems)
    if read is None:
        return ()
    data, source = read
    lines = key_lines(source)

    def err(key: tuple, message: str) -> None:
        problems.error(shown, line_of(lines, key), f"{message}; see docs/templates.md (formats.toml)")

    kinds: list[Format] = []
    builtin = {f.id for f in BUILTIN}
    for fid, table in data.items():
        if not isinstance(table, dict):
            err((fid,), f"'{fid}' must be a table: [{fid}] with family = \"print\" and the keys below it")
            continue
        if fid in builtin:
            err((fid,), f"'{fid}' is made by toolbox itself and cannot be declared here; choose another id")
            continue
        if not _ID.match(fid):
            err((fid,), f"format id '{fid}' must be lower-case letters, digits and '-', starting with a letter")
            continue
        made = _format(theme, fid, table, partial(_within, err, fid))
        if made is not None:
            kinds.append(made if made.line is not None else _at(made, line_of(lines, (fid,))))
    if not data:
        err((), "formats.toml declares no format; add a table per format, e.g. [leaflet] family = \"print\"")
    if sum(f.family == GUIDE for f in kinds) > 1:
        err((), "formats.toml declares more than one format of family \"guide\"; keep one")
    return tuple(kinds)


def _at(fmt: Format, line: int | None) -> Format:
    from dataclasses import replace

    return replace(fmt, line=line)


def _within(err: Callable[[tuple, str], None], fid: str, key: tuple, message: str) -> None:
    """A problem of a key of table ``fid``."""
    err((fid, *key), message)


def _format(theme: Theme, fid: str, table: dict, err: Callable[[tuple, str], None]) -> Format | None:
    ok = True
    for key in table:
        if key not in _KEYS:
            err((key,), f"unknown key '{key}' in [{fid}]; known keys: {', '.join(sorted(_KEYS))}")
            ok = False
    family = table.get("family")
    if family not in DRAWN:
        err(("family",) if "family" in table else (), f"[{fid}] needs family = one of {', '.join(repr(f) for f in DRAWN)} "
            "(microsite pages, text messages and assets are built in)")
        return None
    template = table.get("template", f"print/{fid}.html" if family == PRINT else None)
    if not isinstance(template, str) or not template.endswith(".html") or ".." in template.split("/") \
            or template.startswith("/"):
        err(("template",), f"[{fid}] needs template = a file under templates/, e.g. \"print/{fid}.html\"")
        return None
    if not theme.has(template):
        err(("template",) if "template" in table else (),
            f"format '{fid}' has no template (templates/{template}); add it, or remove the [{fid}] table")
        ok = False
    name = table.get("name", "")
    if not isinstance(name, str):
        err(("name",), f"name of [{fid}] must be text: the display name, e.g. name = \"Leaflet\"")
        ok = False
    if family == PRINT and not name:
        err(("name",) if "name" in table else (), f"[{fid}] needs name = its display name (a message id of "
                                                   "toolbox.po), e.g. name = \"Flyer (A5)\"")
        ok = False
    papers = _papers(fid, table.get("papers", []), family, err)
    if papers is None:
        ok = False
    panels = table.get("panels", 1)
    if isinstance(panels, bool) or not isinstance(panels, int) or not 1 <= panels <= 12:
        err(("panels",), f"panels of [{fid}] must be a whole number from 1 to 12 (a tri-fold leaflet has 3)")
        ok = False
    sides = table.get("sides", "single")
    if sides not in SIDES:
        err(("sides",), f"sides of [{fid}] must be one of {', '.join(repr(s) for s in SIDES)}")
        ok = False
    folding = table.get("folding", "")
    if folding not in FOLDINGS:
        err(("folding",), f"folding of [{fid}] must be one of {', '.join(repr(s) for s in FOLDINGS)}")
        ok = False
    size = table.get("size")
    if family == SHARE:
        if not (isinstance(size, list) and len(size) == 2 and all(isinstance(v, int) and not isinstance(v, bool)
                                                                   and 100 <= v <= 4000 for v in size)):
            err(("size",) if "size" in table else (), f"[{fid}] needs size = [width, height] in pixels (100 to 4000), "
                                                      "e.g. size = [1080, 1080]")
            ok = False
    elif size is not None:
        err(("size",), f"size is for share images (family = \"share\"); remove it from [{fid}]")
        ok = False
    bundle = table.get("bundle", _DEFAULT_BUNDLE[family])
    if bundle is not None and (not isinstance(bundle, str) or not re.fullmatch(r"[a-z0-9-]*", bundle)):
        err(("bundle",), f"bundle of [{fid}] must be a folder name of lower-case letters, digits and '-' (\"\": the "
                         "top of the bundle)")
        ok = False
    downloads = table.get("downloads", family == PRINT)
    if not isinstance(downloads, bool):
        err(("downloads",), f"downloads of [{fid}] must be true or false")
        ok = False
    fit = _fit(fid, table.get("fit"), family, err)
    fold = _fold(fid, table.get("fold"), err)
    if folding == "thirds" and fold is None:
        err(("folding",), f"[{fid}] is folded in thirds: give its panel widths in mm, e.g. fold = {{ panel = 100, "
                          "fold_in = 97 }")
        ok = False
    if fold and papers and folding == "thirds" and not _fold_fits(fid, fold, papers[0], ("fold",), err):
        ok = False
    alternatives = []
    for other in DEFAULT_PAPERS[1:]:
        if other in table:
            made = _alternative(fid, other, table[other], family, fold if fold and folding == "thirds" else None, err)
            if made is None:
                ok = False
            else:
                alternatives.append(made)
    if fit is False or fold is False or not ok:
        return None
    return Format(fid, family, template, _DEFAULT_SUFFIX[family], name, papers or (), panels, sides, folding,
                  tuple(size) if size else None, bundle, downloads, fit, fold, alternatives=tuple(alternatives))


def _alternative(fid: str, other: str, value: object, family: str, fold: Fold | None,
                 err: Callable[[tuple, str], None]) -> Alternative | None:
    """``letter = { papers = [...], fold = {...}, name = "..." }``: the format on a project whose default paper
    is ``other``."""
    example = f'{other} = {{ papers = [{{ size = "{other}", label = "{other.capitalize()} portrait" }}] }}'
    if not isinstance(value, dict) or "papers" not in value or set(value) - _ALTERNATIVE_KEYS:
        err((other,), f"{other} of [{fid}] must be a table of papers (and fold, for a folded leaflet; name, when the "
                      f"display name names the paper), e.g. {example}")
        return None
    name = value.get("name", "")
    if not isinstance(name, str):
        err((other, "name"), f"name in {other} of [{fid}] must be text: the display name on {other}")
        return None

    def within(key: tuple, message: str) -> None:
        err((other, *key), message)

    papers = _papers(fid, value["papers"], family, within)
    if papers is None:
        return None
    if family == PRINT and not papers:
        within(("papers",), f"{other} of [{fid}] needs at least one paper, e.g. {example}")
        return None
    own = _fold(fid, value.get("fold"), within)
    if own is False:
        return None
    if fold is not None:  # a folded leaflet: its panels must add up to the other paper too
        if own is None:
            within((), f"[{fid}] is folded in thirds: {other} of [{fid}] needs its own fold = {{ panel, fold_in }} "
                       "(mm) for the other sheet")
            return None
        if not _fold_fits(fid, own, papers[0], (other, "fold"), err):
            return None
    return Alternative(other, papers, own or None, name)


def _fold_fits(fid: str, fold: Fold, paper: Paper, key: tuple, err: Callable[[tuple, str], None]) -> bool:
    """A tri-fold's panels fill its sheet (landscape: the paper's height across): two panels and the fold-in one."""
    across = paper.height
    if abs(2 * fold.panel + fold.fold_in - across) > 0.5:
        err(key, f"the folds of [{fid}] must add up to the width of its {paper.size} sheet, {across:g} mm "
                 f"(2 × panel + fold_in is {2 * fold.panel + fold.fold_in:g} mm)")
        return False
    return True


def _number(value: object) -> float | None:
    """A positive number of TOML as a float, else None."""
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0 else None


def _fit(fid: str, value: object, family: str, err: Callable[[tuple, str], None]) -> FitRange | Literal[False] | None:
    """``fit = { body, min, max[, unit] }``: None when absent, False when wrong (reported)."""
    if value is None:
        return None
    unit = "px" if family == SHARE else "pt"
    example = f"fit = {{ body = 11, min = 9.5, max = 18 }} (sizes in {unit})"
    if not isinstance(value, dict):
        err(("fit",), f"fit of [{fid}] must be a table, e.g. {example}")
        return False
    unknown = sorted(set(value) - _FIT_KEYS)
    body, low, high = (_number(value.get(k)) for k in ("body", "min", "max"))
    if unknown:
        err(("fit",), f"unknown key '{unknown[0]}' in fit of [{fid}]; known: body, min, max, unit")
    elif value.get("unit", unit) not in ("pt", "px"):
        err(("fit",), f"unit of fit of [{fid}] must be \"pt\" or \"px\"")
    elif body is None or low is None or high is None:
        err(("fit",), f"fit of [{fid}] needs body, min and max as positive numbers, e.g. {example}")
    elif not low <= body <= high:
        err(("fit",), f"fit of [{fid}] needs min ≤ body ≤ max (has min {low:g}, body {body:g}, max {high:g})")
    else:
        return FitRange(fid, body, low / body, high / body, str(value.get("unit", unit)))
    return False


def _fold(fid: str, value: object, err: Callable[[tuple, str], None]) -> Fold | Literal[False] | None:
    """``fold = { panel, fold_in }`` in mm: None when absent, False when wrong (reported)."""
    if value is None:
        return None
    example = "fold = { panel = 100, fold_in = 97 }"
    panel, fold_in = (_number(value.get(k)) for k in ("panel", "fold_in")) if isinstance(value, dict) else (None, None)
    if not isinstance(value, dict) or set(value) != _FOLD_KEYS or panel is None or fold_in is None:
        err(("fold",), f"fold of [{fid}] needs panel and fold_in, widths in mm, e.g. {example}")
        return False
    if not panel - 6 <= fold_in <= panel:
        err(("fold",), f"fold_in of [{fid}] must be at most panel and at most 6 mm narrower (has panel {panel:g}, "
                       f"fold_in {fold_in:g}); print shops take the fold-in panel 2–3 mm narrower")
        return False
    return Fold(panel, fold_in)


def _papers(fid: str, value: object, family: str, err: Callable[[tuple, str], None]) -> tuple[Paper, ...] | None:
    example = 'papers = [{ size = "a4", label = "A4 portrait" }]'
    if not isinstance(value, list):
        err(("papers",), f"papers of [{fid}] must be a list of tables, e.g. {example}")
        return None
    if family == PRINT and not value:
        err(("papers",), f"[{fid}] needs at least one paper, e.g. {example}")
        return None
    papers: list[Paper] = []
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            err(("papers", i), f"paper {i + 1} of [{fid}] must be a table, e.g. {{ size = \"a4\", label = \"A4 portrait\" }}")
            return None
        unknown = sorted(set(item) - _PAPER_KEYS)
        size, zoom, label = item.get("size"), item.get("zoom", 1.0), item.get("label", "")
        if unknown:
            err(("papers", i), f"unknown key '{unknown[0]}' in paper {i + 1} of [{fid}]; known: size, zoom, label")
        elif not isinstance(size, str) or not _PAPER.match(size):
            err(("papers", i), f"paper {i + 1} of [{fid}] needs size = a paper name in lower case, e.g. \"a4\"")
        elif size not in SIZES:
            err(("papers", i), f"paper {i + 1} of [{fid}] has size {size!r}, which toolbox does not know; "
                               f"use one of {', '.join(SIZES)}")
        elif isinstance(zoom, bool) or not isinstance(zoom, (int, float)) or not 0.1 <= zoom <= 10:
            err(("papers", i), f"zoom of paper {size} of [{fid}] must be a number from 0.1 to 10 (1: as drawn)")
        elif not isinstance(label, str) or (family == PRINT and not label):
            err(("papers", i), f"paper {size} of [{fid}] needs label = what the print guide says, e.g. \"A4 portrait\"")
        elif any(p.size == size for p in papers):
            err(("papers", i), f"paper {size} is listed twice in [{fid}]")
        else:
            papers.append(Paper(size, float(zoom), label))
            continue
        return None
    return tuple(papers)


def messages(theme: Theme, paper: str | None = None) -> list[tuple[str, int]]:
    """The msgids formats.toml holds (display names, paper labels) with their lines, for 'toolbox i18n extract';
    with ``paper`` (a project's default paper), only those its outputs show: the build's translation gate
    asks no A4 project for the Letter labels, nor a Letter project for the A4 ones it replaces."""
    path = theme.file(FILE)
    try:
        source = path.read_text(encoding="utf-8")
        data = tomllib.loads(source)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return []
    lines = key_lines(source)
    found = []
    for fid, table in data.items():
        if not isinstance(table, dict):
            continue
        # (key path, table) of each view of the format: all of them, or the one on ``paper``.
        others = [((o,), table[o]) for o in DEFAULT_PAPERS[1:] if isinstance(table.get(o), dict)]
        if paper is None:
            views = [((), table), *others]
        else:
            views = [v for v in others if v[0] == (paper.lower(),)] or [((), table)]
        for key, view in views:
            if isinstance(view.get("name"), str) and view["name"]:
                found.append((view["name"], line_of(lines, (fid, *key, "name")) or 1))
            elif key and paper is not None and isinstance(table.get("name"), str) and table["name"]:
                found.append((table["name"], line_of(lines, (fid, "name")) or 1))  # its own name on that paper
            papers = view.get("papers")
            for i, item in enumerate(papers if isinstance(papers, list) else []):
                if isinstance(item, dict) and isinstance(item.get("label"), str) and item["label"]:
                    found.append((item["label"], line_of(lines, (fid, *key, "papers", i)) or 1))
    return found
