"""``toolbox pack``: zip bundles for outreach workers, from the last build.

Reads the build's ``manifest.json`` (never the campaign definitions, never
rebuilds) and writes one zip per campaign × country × locale (or × group):
the print PDFs, share images and text messages of that country and language,
a ``manifest.json`` and ``SHA256SUMS``. Every file is checked against the
build's manifest first, and against the size budgets.

Bundles are reproducible and anonymous: entries sorted, timestamps pinned to
1980-01-01, permissions fixed (0644), paths relative, no user or machine name
anywhere — the same build gives byte-identical zips on every machine.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..brand import Brand
from ..campaign.paths import inside, relative_problem
from ..errors import Problem, ToolboxError
from ..formats import GUIDE, Formats
from ..formats import load as load_formats
from ..manifest import MANIFEST, Entry, entry_problem, parse
from ..render.weight import IMAGE_BUDGET, PDF_BUDGET, kb
from ..theme import Theme
from ..write import write_all

#: Zip entries carry this date (the earliest a zip can hold), so bundles do not tell when or where they were made.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


@dataclass
class BundleFile:
    path: str  # inside the bundle
    source: str  # in the build's output folder
    entry: Entry
    data: bytes


@dataclass
class Bundle:
    name: str  # e.g. safe-journeys_mk_sq (campaign_country_locale[_group])
    campaign: str
    country: str
    locale: str
    group: str | None
    files: list[BundleFile] = field(default_factory=list)
    data: bytes = b""  # the zip


def kind(entry: Entry, formats: Formats) -> str | None:
    """Where a manifest entry goes in a bundle (its format's ``bundle`` in formats.toml): "print", "share",
    "text", "" (the print guide, at the top), or None (not bundled, or a format this project does not know)."""
    fmt = formats.get(entry.format)
    if fmt is None or fmt.bundle is None or not fmt.makes(entry.path):
        return None
    return fmt.bundle


def _is_guide(entry: Entry, formats: Formats) -> bool:
    fmt = formats.get(entry.format)
    return fmt is not None and fmt.family == GUIDE


def read_build(build: Path) -> list[Entry]:
    """The outputs of the build in ``build``; a clear error when there is none or it is damaged.

    The manifest is input like any other (anyone with access to the folder can
    change it): every field that names a bundle, a zip entry or a file to read
    is checked here, before anything is read or written.
    """
    path = build / MANIFEST
    if not path.is_file():
        raise ToolboxError(Problem(str(path), None, "no build here; run 'toolbox build' first (pack never builds)"))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ToolboxError(Problem(str(path), None,
                                   f"cannot read the build's manifest ({exc}); run 'toolbox build' again")) from None
    outputs = data.get("outputs") if isinstance(data, dict) else None
    if not isinstance(outputs, list) or not all(isinstance(o, dict) for o in outputs):
        raise ToolboxError(Problem(str(path), None, "not a toolbox manifest (no list of outputs); run 'toolbox build' again"))
    if data.get("shard"):
        raise ToolboxError(Problem(str(path), None, f"this is shard {str(data['shard'])[:20]!r} of a build; join the shards with "
                                                    f"'toolbox merge' first"))
    problems = [Problem(str(path), None, f"output {i + 1} ({str(o.get('path'))[:80]!r}): {why}; this manifest was "
                        "changed or damaged since the build: run 'toolbox build' again")
                for i, o in enumerate(outputs) for why in [entry_problem(o)] if why]
    if problems:
        raise ToolboxError(problems[:20])
    return list(parse(data).outputs)


def plan_bundles(build: Path, formats: Formats, campaigns: list[str] | None = None, by_group: bool = False) -> list[Bundle]:
    """Group the build's materials into bundles and read (and check) every file."""
    outputs = read_build(build)
    problems: list[Problem] = []
    bundles: dict[tuple, Bundle] = {}
    guides: dict[tuple, BundleFile] = {}
    for entry in outputs:
        where = kind(entry, formats)
        cid, cc, tag, group = entry.campaign, entry.country, entry.locale, entry.group
        if where is None or not (cid and cc and tag):
            continue
        guide = _is_guide(entry, formats)
        if not (isinstance(group, str) and group) and not guide:
            continue
        if campaigns and cid not in campaigns:
            continue
        rel = entry.path
        source = inside(build, rel)
        if source is None or not source.is_file():
            problems.append(Problem(str(build / str(rel)), None, "listed in the manifest but missing; run 'toolbox build' again"))
            continue
        data = source.read_bytes()
        if len(data) != entry.bytes or hashlib.sha256(data).hexdigest() != entry.sha256:
            problems.append(Problem(str(source), None, "does not match the build's manifest (damaged or changed since "
                                    "the build); run 'toolbox build' again"))
            continue
        inside_path = f"{where}/{PurePosixPath(rel).name}" if where else PurePosixPath(rel).name
        if guide:  # one per locale × country: into every bundle of it, below
            guides[(cid, cc, tag)] = BundleFile(inside_path, rel, entry, data)
            continue
        key = (cid, cc, tag, group if by_group else None)
        name = "_".join([cid, cc.lower(), tag] + ([group] if by_group and group else []))
        bundle = bundles.setdefault(key, Bundle(name, cid, cc, tag, group if by_group else None))
        bundle.files.append(BundleFile(inside_path, rel, entry, data))
    for (cid, cc, tag, _), bundle in bundles.items():
        if (cid, cc, tag) in guides:
            bundle.files.append(guides[(cid, cc, tag)])
    if campaigns:
        known = {o.campaign for o in outputs}
        problems += [Problem(str(build / MANIFEST), None, f"no campaign '{c}' in this build")
                     for c in campaigns if c not in known]
    if problems:
        raise ToolboxError(problems)
    if not bundles:
        raise ToolboxError(Problem(str(build / MANIFEST), None, "the build has no print files, share images or text "
                                   "messages to pack (do the groups list print formats?)"))
    result = [bundles[k] for k in sorted(bundles, key=lambda k: tuple(x or "" for x in k))]
    for bundle in result:
        bundle.files.sort(key=lambda f: f.path)
        names = [f.path for f in bundle.files]
        for name in sorted({n for n in names if names.count(n) > 1}):  # toolbox's own names never repeat
            problems.append(Problem(str(build / MANIFEST), None, f"two outputs of bundle {bundle.name} are both named "
                                    f"{PurePosixPath(name).name!r}; this manifest was changed since the build: run 'toolbox "
                                    f"build' again"))
    if problems:
        raise ToolboxError(problems)
    return result


def over_budget(bundles: list[Bundle], pdf_kb: int | None, image_kb: int | None) -> list[Problem]:
    """Files heavier than their budget (``None``: no budget)."""
    problems = []
    seen = set()
    for bundle in bundles:
        for f in bundle.files:
            budget = pdf_kb if f.path.endswith(".pdf") else image_kb if f.path.startswith("share/") else None
            if budget is None or f.source in seen or len(f.data) <= budget * 1024:
                continue
            seen.add(f.source)
            what = "print PDF" if f.path.endswith(".pdf") else "share image"
            option = "--pdf-budget" if f.path.endswith(".pdf") else "--image-budget"
            problems.append(Problem(f.source, None, f"{what} weighs {kb(len(f.data))}, over the budget of {budget} KB; "
                                    f"make it lighter or raise {option}"))
    return problems


def bundle_manifest(bundle: Bundle, toolbox: str) -> bytes:
    files = []
    for f in bundle.files:
        item: dict[str, object] = {"path": f.path, "format": f.entry.format, "group": f.entry.group,
                "locale": f.entry.locale, "country": f.entry.country}
        for k, v in (("paper", f.entry.paper), ("pages", f.entry.pages), ("seconds", f.entry.seconds)):
            if v is not None:
                item[k] = v
        item.update({"bytes": len(f.data), "sha256": hashlib.sha256(f.data).hexdigest(), "source": f.source})
        files.append(item)
    data = {"toolbox": toolbox, "bundle": bundle.name, "campaign": bundle.campaign, "country": bundle.country,
            "locale": bundle.locale, "group": bundle.group, "files": files}
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def checksums(items: list[tuple[str, bytes]]) -> bytes:
    """``sha256sum`` format: check with ``sha256sum -c SHA256SUMS`` inside the unzipped folder."""
    lines = [f"{hashlib.sha256(data).hexdigest()}  {path}\n" for path, data in sorted(items)]
    return "".join(lines).encode("utf-8")


def zip_bytes(folder: str, items: list[tuple[str, bytes]]) -> bytes:
    """A reproducible zip: sorted entries under ``folder/``, pinned dates, fixed permissions, nothing else."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for path, data in sorted(items):
            if relative_problem(f"{folder}/{path}"):  # checked with the manifest; a last line of defence
                raise ToolboxError(f"refusing to add {folder}/{path!r} to a zip: it would unpack outside its folder")
            info = zipfile.ZipInfo(f"{folder}/{path}", date_time=ZIP_DATE)
            info.create_system = 3  # Unix, so the permissions below are the ones unzip applies
            info.external_attr = (0o100644 & 0xFFFF) << 16  # regular file, rw-r--r--
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return buffer.getvalue()


def make_zip(bundle: Bundle, toolbox: str) -> bytes:
    items = [(f.path, f.data) for f in bundle.files]
    items.append(("manifest.json", bundle_manifest(bundle, toolbox)))
    items.append(("SHA256SUMS", checksums(items)))
    return zip_bytes(bundle.name, items)


def pack(build: Path, out: Path, campaigns: list[str] | None = None, by_group: bool = False,
         pdf_kb: int | None = PDF_BUDGET // 1024, image_kb: int | None = IMAGE_BUDGET // 1024,
         theme: Theme | None = None, formats: Formats | None = None, brand: Brand | None = None) -> list[Bundle]:
    """Write the bundles of the build in ``build`` into ``out``; nothing is written when a file is over budget.

    With ``theme`` (the project's theme, for its template and fonts), also
    write each campaign's catalogue for coordinators, ``<campaign>_catalogue.pdf``.
    ``formats`` (the project's output kinds: which bundle folder each goes in)
    is read from ``theme`` when not given. ``brand`` (the project's brand kit,
    ``brand.load_brand``) styles the catalogue as it does every other output.
    """
    if formats is None:
        if theme is None:
            raise ToolboxError("pack needs the project's output formats (templates/print/formats.toml): "
                               "pass formats or theme")
        formats = load_formats(theme)
    bundles = plan_bundles(build, formats, campaigns, by_group)
    heavy = over_budget(bundles, pdf_kb, image_kb)
    if heavy:
        raise ToolboxError(heavy)
    from .. import __version__

    # Everything is made in memory first: a problem found while making the last
    # catalogue must not leave the zips of a half-finished pack behind.
    files: dict[str, bytes] = {}
    for bundle in bundles:
        bundle.data = make_zip(bundle, __version__)
        files[f"{bundle.name}.zip"] = bundle.data
    if theme is not None:
        from ..render.catalogue import catalogue_pdf

        outputs = read_build(build)
        for cid in sorted({b.campaign for b in bundles}):
            files[f"{cid}_catalogue.pdf"] = catalogue_pdf(theme, build, cid, outputs, formats, brand)
    write_all(out, files)
    return bundles
