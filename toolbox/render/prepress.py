"""Preflight of press PDFs: what a print shop's prepress checks first.

Reads the written file (pikepdf, poppler's ``pdfimages``/``pdftotext``,
Ghostscript) — not what the build meant to write — and reports per file:

- the PDF/X version (XMP ``GTS_PDFXVersion``) and the output intent (condition,
  registry, the profile's description and colour space);
- colour objects in RGB or Lab anywhere: page and form resources, images,
  transparency groups, shadings, and ``rg``/``RG`` operators in content streams;
- fonts not embedded;
- TrimBox and BleedBox on every page, and the bleed they leave;
- raster images below 300 ppi at their printed size;
- the total ink coverage (C+M+Y+K) maximum, from a CMYK rendering of the trimmed
  page by Ghostscript (``tiff32nc``, 72 dpi, so a pixel averages 0.35 mm: a
  hairline of heavy ink does not count, a filled area does), against the paper's limit;
- text closer to the trim than the safe zone (``pdftotext -bbox``).

Every failure is a problem (a warning; ``--strict`` makes it an error).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import Problem

if TYPE_CHECKING:
    from .pdf import PdfResult

#: Lowest effective resolution of a raster image at its printed size.
MIN_PPI = 300
#: Ghostscript's rendering resolution for the ink coverage.
INK_DPI = 72
_MM = 25.4 / 72  # PDF points to mm
_BAD_SPACES = ("/DeviceRGB", "/CalRGB", "/Lab")


@dataclass
class FileReport:
    path: str
    pdfx: str = ""  # e.g. PDF/X-4
    condition: str = ""  # OutputConditionIdentifier
    registry: str = ""
    profile: str = ""  # the embedded output profile's description
    pages: int = 0
    rgb: list[str] = field(default_factory=list)  # where RGB or Lab objects are
    unembedded: list[str] = field(default_factory=list)
    boxes: list[str] = field(default_factory=list)  # pages missing a box, or with too little bleed
    low_res: list[str] = field(default_factory=list)
    ink_max: float | None = None  # %, None when Ghostscript is missing
    ink_page: int = 0
    ink_limit: int = 300
    near_trim: list[str] = field(default_factory=list)
    transparency: bool = False

    def problems(self, expect: str = "") -> list[Problem]:
        found = []

        def warn(message: str) -> None:
            found.append(Problem(self.path, None, f"preflight: {message}", "warning"))

        if not self.pdfx:
            warn("not PDF/X: no GTS_PDFXVersion in the XMP metadata; build with toolbox build --print")
        elif expect and self.pdfx.lower() != expect.lower():
            warn(f"{self.pdfx}, not {expect} as asked")
        if not self.condition:
            warn("no PDF/X output intent (printing condition and ICC profile)")
        if self.rgb:
            warn(f"RGB or Lab colour in {len(self.rgb)} place(s): {', '.join(self.rgb[:4])}"
                 + (" …" if len(self.rgb) > 4 else "") + "; the print shop would convert it blind")
        if self.unembedded:
            warn(f"fonts not embedded: {', '.join(self.unembedded)}")
        for text in self.boxes:
            warn(text)
        for text in self.low_res:
            warn(text)
        if self.ink_max is not None and self.ink_max > self.ink_limit:
            warn(f"total ink coverage reaches {self.ink_max:.0f} % on page {self.ink_page}, over the "
                 f"{self.ink_limit} % the paper takes; lighten the darkest colour (print.css --name-cmyk values)")
        for text in self.near_trim:
            warn(text)
        if self.transparency and self.pdfx.upper().startswith("PDF/X-1"):
            warn("transparency in a PDF/X-1a file (X-1a allows none); use PDF/X-4 or remove opacity from the templates")
        return found

    def summary(self) -> str:
        ink = (f"ink max {self.ink_max:.0f} % (limit {self.ink_limit} %)" if self.ink_max is not None
               else "ink not measured (no Ghostscript)")
        colour = "no RGB/Lab" if not self.rgb else f"{len(self.rgb)} RGB/Lab object(s)"
        fonts = "fonts embedded" if not self.unembedded else f"{len(self.unembedded)} font(s) not embedded"
        boxes = "Trim/BleedBox ok" if not self.boxes else "boxes wrong"
        return (f"{self.path}: {self.pdfx or 'not PDF/X'}, output intent {self.condition or 'none'}"
                f"{' (' + self.registry + ')' if self.registry else ''} “{self.profile}”, {colour}, {fonts}, "
                f"{boxes}, {ink}, {len(self.low_res)} low-res image(s), {len(self.near_trim)} text(s) in the safe zone")


def preflight(data: bytes, path: str, ink_limit: int = 300, safe_zone: float | None = 3.0,
              bleed: float = 3.0) -> FileReport:
    """Check one PDF (its bytes); ``path`` names it in the report. ``safe_zone`` None: text positions not checked."""
    import io

    import pikepdf

    report = FileReport(path, ink_limit=ink_limit)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        report.pages = len(pdf.pages)
        try:
            meta = pdf.open_metadata()
            report.pdfx = str(meta.get("pdfxid:GTS_PDFXVersion") or meta.get("pdfx:GTS_PDFXVersion") or "")
        except Exception:  # noqa: BLE001 - damaged XMP: read as no PDF/X version (reported)
            report.pdfx = ""
        if not report.pdfx and "/GTS_PDFXVersion" in pdf.trailer.get("/Info", {}):
            report.pdfx = str(pdf.trailer.Info.GTS_PDFXVersion)
        for intent in pdf.Root.get("/OutputIntents") or []:
            if intent.get("/S") != "/GTS_PDFX":
                continue
            report.condition = str(intent.get("/OutputConditionIdentifier", ""))
            report.registry = str(intent.get("/RegistryName", ""))
            icc = intent.get("/DestOutputProfile")
            if icc is not None:
                report.profile = _profile_name(icc.read_bytes())
        seen: set = set()
        for number, page in enumerate(pdf.pages, 1):
            _colour_objects(page.obj, f"page {number}", report, seen)
            _boxes(page, number, bleed, report)
        report.unembedded = _unembedded(pdf)
    with tempfile.TemporaryDirectory(prefix="toolbox-preflight-") as tmp:
        file = Path(tmp) / "f.pdf"
        file.write_bytes(data)
        report.low_res = _low_res(file)
        report.ink_max, report.ink_page = ink_coverage(file) or (None, 0)
        report.near_trim = _near_trim(file, safe_zone) if safe_zone is not None else []
    return report


def _profile_name(icc: bytes) -> str:
    import io

    from PIL import ImageCms

    try:
        return ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(icc))).strip()
    except Exception:  # noqa: BLE001 - the preflight names it instead of stopping
        return "an unreadable profile"


def _space_name(space: Any) -> str:
    import pikepdf

    if isinstance(space, pikepdf.Name):
        return str(space)
    if isinstance(space, pikepdf.Array) and len(space):
        head = str(space[0])
        if head == "/ICCBased":
            n = int(space[1].get("/N", 0))
            return {1: "/ICCBased gray", 3: "/DeviceRGB", 4: "/ICCBased CMYK"}.get(n, head)
        if head in ("/Indexed", "/Separation", "/DeviceN"):
            base = space[1] if head == "/Indexed" else space[2]
            return _space_name(base)
        return head
    return ""


def _colour_objects(obj: Any, where: str, report: FileReport, seen: set) -> None:
    """RGB/Lab colour spaces, images, groups, shadings and operators under a page or form."""
    import pikepdf

    if obj.objgen != (0, 0):
        if obj.objgen in seen:
            return
        seen.add(obj.objgen)
    group = obj.get("/Group")
    if group is not None:
        if _space_name(group.get("/CS")) in _BAD_SPACES:
            report.rgb.append(f"{where} transparency group")
        report.transparency = report.transparency or where.startswith("form")
    resources = obj.get("/Resources") or pikepdf.Dictionary()
    for name, space in (resources.get("/ColorSpace") or {}).items():
        if _space_name(space) in _BAD_SPACES:
            report.rgb.append(f"{where} colour space {name} ({_space_name(space)})")
    for name, shading in (resources.get("/Shading") or {}).items():
        if _space_name(shading.get("/ColorSpace")) in _BAD_SPACES:
            report.rgb.append(f"{where} shading {name}")
    for state in (resources.get("/ExtGState") or {}).values():
        if state.get("/SMask") not in (None, "/None") or float(state.get("/ca", 1)) < 1 or float(state.get("/CA", 1)) < 1:
            report.transparency = True
    try:
        target = pikepdf.Page(obj) if obj.get("/Type") == "/Page" else obj
        instructions: list[Any] = list(pikepdf.parse_content_stream(target, "rg RG"))  # (operands, operator) pairs
        for operands, operator in instructions:
            report.rgb.append(f"{where} {operator} operator ({' '.join(str(o) for o in operands)})")
            break  # one per stream is enough to name it
    except Exception:  # noqa: BLE001 - a content stream pikepdf cannot parse is checked no further
        pass
    for name, xobject in (resources.get("/XObject") or {}).items():
        subtype = xobject.get("/Subtype")
        if subtype == "/Image":
            if _space_name(xobject.get("/ColorSpace")) in _BAD_SPACES:
                report.rgb.append(f"{where} image {name} ({_space_name(xobject.get('/ColorSpace'))})")
            if xobject.get("/SMask") is not None:
                report.transparency = True
        elif subtype == "/Form":
            _colour_objects(xobject, f"form {name} on {where}", report, seen)
    for name, pattern in (resources.get("/Pattern") or {}).items():
        if isinstance(pattern, pikepdf.Stream):
            _colour_objects(pattern, f"pattern {name} on {where}", report, seen)
        elif pattern.get("/Shading") is not None and _space_name(pattern.Shading.get("/ColorSpace")) in _BAD_SPACES:
            report.rgb.append(f"{where} pattern {name}")


def _boxes(page: Any, number: int, bleed: float, report: FileReport) -> None:
    trim, bleed_box = page.obj.get("/TrimBox"), page.obj.get("/BleedBox")
    if trim is None or bleed_box is None:
        missing = " and ".join(n for n, b in (("TrimBox", trim), ("BleedBox", bleed_box)) if b is None)
        report.boxes.append(f"page {number} has no {missing}")
        return
    t = [float(v) for v in trim]
    b = [float(v) for v in bleed_box]
    least = min(t[0] - b[0], t[1] - b[1], b[2] - t[2], b[3] - t[3]) * _MM
    if least < bleed - 0.1:
        report.boxes.append(f"page {number}: bleed {least:.1f} mm, the print shop wants {bleed:g} mm")


def _unembedded(pdf: Any) -> list[str]:
    names = set()
    for page in pdf.pages:
        for font in ((page.obj.get("/Resources") or {}).get("/Font") or {}).values():
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and font.get("/DescendantFonts"):
                descriptor = font.DescendantFonts[0].get("/FontDescriptor")
            if font.get("/Subtype") == "/Type3":
                continue
            if descriptor is None or not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                names.add(str(font.get("/BaseFont", "a font")).lstrip("/"))
    return sorted(names)


_IMAGE_ROW = re.compile(r"^\s*(\d+)\s+(\d+)\s+(\w+)\s+(\d+)\s+(\d+)\s+(\w+)\s+\d+\s+\d+\s+\w+\s+\w+"
                        r"\s+(\d+)\s+\d+\s+(\d+)\s+(\d+)")


def _low_res(file: Path) -> list[str]:
    if not shutil.which("pdfimages"):
        return []
    out = subprocess.run(["pdfimages", "-list", str(file)], capture_output=True, text=True).stdout
    found = []
    for line in out.splitlines():
        row = _IMAGE_ROW.match(line)
        if row and row.group(3) == "image":
            ppi = min(int(row.group(8)), int(row.group(9)))
            if ppi < MIN_PPI:
                found.append(f"page {row.group(1)}: an image of {row.group(4)} × {row.group(5)} px prints at "
                             f"{ppi} ppi, below {MIN_PPI}")
    return found


def ink_coverage(file: Path, dpi: int = INK_DPI) -> tuple[float, int] | None:
    """The highest total ink (C+M+Y+K, %) of any pixel of the trimmed pages, and its page; None without Ghostscript."""
    from PIL import Image, ImageChops

    gs = shutil.which("gs")
    if not gs:
        return None
    with tempfile.TemporaryDirectory(prefix="toolbox-ink-") as tmp:
        out = Path(tmp) / "p%03d.tif"
        done = subprocess.run([gs, "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-dUseTrimBox", "-sDEVICE=tiff32nc",
                               f"-r{dpi}", f"-sOutputFile={out}", str(file)], capture_output=True, text=True)
        if done.returncode != 0:
            return None
        best, where = 0.0, 0
        for number, tif in enumerate(sorted(Path(tmp).glob("p*.tif")), 1):
            with Image.open(tif) as image:
                c, m, y, k = image.convert("CMYK").split()
                # Sum in steps that cannot overflow 8 bits: halves, then compare.
                half = ImageChops.add(ImageChops.add(c, m, scale=2), ImageChops.add(y, k, scale=2), scale=2)
                extrema: Any = half.getextrema()  # (lowest, highest) of one band
                top = extrema[1] * 4 / 255 * 100
            if top > best:
                best, where = top, number
        return round(best, 0), where


_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')


def _near_trim(file: Path, safe_zone: float) -> list[str]:
    """Words closer than ``safe_zone`` mm to the trim (poppler reads them in MediaBox coordinates)."""
    if not shutil.which("pdftotext"):
        return []
    import pikepdf

    with pikepdf.open(file) as pdf:
        trims = []
        for page in pdf.pages:
            media = [float(v) for v in page.obj.MediaBox]
            trim = [float(v) for v in page.obj.get("/TrimBox", page.obj.MediaBox)]
            # pdftotext measures from the top-left of the MediaBox
            trims.append((trim[0] - media[0], media[3] - trim[3], trim[2] - media[0], media[3] - trim[1]))
    html = subprocess.run(["pdftotext", "-bbox", str(file), "-"], capture_output=True, text=True).stdout
    found = []
    for number, chunk in enumerate(html.split("<page ")[1:], 1):
        if number > len(trims):
            break
        left, top, right, bottom = trims[number - 1]
        words = []
        for x0, y0, x1, y1, word in _WORD.findall(chunk):
            x0, y0, x1, y1 = float(x0), float(y0), float(x1), float(y1)
            distance = min(x0 - left, y0 - top, right - x1, bottom - y1) * _MM
            if distance < safe_zone - 0.3:
                words.append((distance, word))
        if words:
            distance = min(d for d, _ in words)
            text = " ".join(w for _, w in words[:6])
            found.append(f"page {number}: text {distance:.1f} mm from the trim (safe zone {safe_zone:g} mm): “{text}”")
    return found


def layout_problems(result: PdfResult, path: str, where: str, safe_zone: float) -> list[Problem]:
    """Press problems measured on the laid-out document (``pdf.render_pdf`` with ``press``): images, safe zone."""
    from ..campaign.urls import file_path

    found = []
    for image in result.images:
        if image.ppi < MIN_PPI:
            local = file_path(image.src) if image.src.startswith("file:") else None
            name = local.name if local else image.src[:60]
            found.append(Problem(path, None, f"{where}: image {name} prints at {image.ppi:.0f} ppi on page {image.page}, "
                                             f"below the {MIN_PPI} ppi a press needs; supply it at least "
                                             f"{MIN_PPI / image.ppi:.1f}× larger, or print it smaller", "warning"))
    for near in result.near_trim:
        found.append(Problem(path, None, f"{where}: “{near.what}” on page {near.page} is {near.distance} mm from the "
                                         f"trim, inside the {safe_zone:g} mm safe zone; it may be cut off: give the "
                                         "box more padding", "warning"))
    return found
