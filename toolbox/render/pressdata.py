"""The print shop's data: profiles, ink limits, bleed, safe zone, fixed CMYK colours (leaflet panels: formats.toml).

Read from ``templates/print/press.toml`` (documented in docs/print.md, "For print
shops"), so a designer or a print shop changes a number without Python.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:  # made lazily in press_setup: building transforms costs
    from .cmyk import Converter

PRESS_FILE = "print/press.toml"
DEFAULT_PROFILE = "fogra39"
#: PDF/X versions a press build may write: X-4 (live transparency, the default) or X-1a (flattened, older RIPs).
PDF_X = {"x-4": "pdf/x-4", "x-1a": "pdf/x-1a"}
#: What each writes as GTS_PDFXVersion (the preflight compares).
PDFX_NAMES = {"pdf/x-4": "PDF/X-4", "pdf/x-1a": "PDF/X-1a:2003"}
#: Characterised printing conditions registered at the ICC whose identifier a profile's description names
#: exactly (FOGRA39, FOGRA51, CGATS TR 006…). Names such as "SWOP" or "GRACoL" alone are not identifiers.
_REGISTERED = re.compile(r"\b(FOGRA\d{2}|CGATS TR \d{3})\b")


@dataclass(frozen=True)
class PressProfile:
    """The printing condition of one press build."""

    path: Path  # the ICC file
    name: str  # what the report shows: the profile's description
    condition: str  # OutputConditionIdentifier: a registered condition (FOGRA39) or "Custom"
    registry: str  # RegistryName: http://www.color.org for a registered condition, else ""
    info: str  # Info of the output intent: the printing condition in words
    paper: str  # coated or uncoated: chooses the ink limit
    ink_limit: int  # highest total area coverage accepted, %


@dataclass(frozen=True)
class PressData:
    profiles: dict[str, dict]
    papers: dict[str, int]
    bleed: float
    safe_zone: float
    colours: dict[str, tuple[float, float, float, float]]
    folder: Path


@lru_cache(maxsize=8)
def press_data(templates: Path) -> PressData:
    path = templates / PRESS_FILE
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    geometry = data.get("geometry", {})
    return PressData(
        profiles=data.get("profiles", {}),
        papers={k: int(v) for k, v in data.get("papers", {}).items()},
        bleed=float(geometry.get("bleed", 3.0)),
        safe_zone=float(geometry.get("safe_zone", 3.0)),
        colours={k.lower(): cast("tuple[float, float, float, float]", tuple(float(x) for x in v))  # c, m, y, k
                 for k, v in data.get("colours", {}).items()},
        folder=path.parent,
    )


def resolve_profile(templates: Path, campaign_folder: Path, setting: str, paper: str = "") -> PressProfile:
    """The profile a campaign's ``print_profile`` names: a built-in id (default fogra39) or a path in the campaign folder.

    The caller has validated the setting (``validate.py``); an unreadable file raises ``ValueError``.
    """
    from PIL import ImageCms

    data = press_data(templates)
    setting = setting or DEFAULT_PROFILE
    if setting in data.profiles:
        entry = data.profiles[setting]
        path = data.folder / entry["file"]
        name = ImageCms.getProfileDescription(ImageCms.getOpenProfile(str(path))).strip()
        chosen = paper or entry.get("paper", "coated")
        return PressProfile(path, name, entry["condition"], entry.get("registry", ""), entry.get("info", name),
                            chosen, data.papers.get(chosen, 300))
    path = campaign_folder / setting
    try:
        name = ImageCms.getProfileDescription(ImageCms.getOpenProfile(str(path))).strip() or path.name
    except Exception as exc:  # validated before; a file changed since
        raise ValueError(f"{path}: not a readable ICC profile") from exc
    found = _REGISTERED.search(name)
    chosen = paper or ("uncoated" if re.search(r"uncoated|\bPSO ?U|FOGRA(29|47|52)", name, re.I) else "coated")
    return PressProfile(path, name, found.group(1) if found else "Custom",
                        "http://www.color.org" if found else "", name, chosen, data.papers.get(chosen, 300))


@dataclass(frozen=True)
class PressSetup:
    """Everything a press render needs: the profile, its converter, the PDF/X version, the safe zone."""

    profile: PressProfile
    converter: Converter  # made once per process: building transforms costs
    variant: str  # pdf/x-4 or pdf/x-1a
    safe_zone: float


@lru_cache(maxsize=16)
def press_setup(templates: Path, campaign_folder: Path, setting: str, paper: str, pdf_x: str) -> PressSetup:
    from .cmyk import Converter

    profile = resolve_profile(templates, campaign_folder, setting, paper)
    data = press_data(templates)
    return PressSetup(profile, Converter(profile.path, data.colours), PDF_X.get(pdf_x or "x-4", "pdf/x-4"), data.safe_zone)
