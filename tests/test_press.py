"""Print-shop files (toolbox build --print): PDF/X-4 in CMYK, output intent, roll fold, preflight.

One small campaign (the print-demo leaflet, English, with an RGB cover photo too small for
300 ppi) is built once with --print; the tests read the written files back with pikepdf,
poppler and Ghostscript.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from conftest import ROOT, copy_demo, make_project, run_toolbox
from toolbox.theme import Theme

LEAFLET = "press-demo/en/jobs/press-demo-jobs-en-mk-leaflet.pdf"
_MM = 25.4 / 72


@pytest.fixture(scope="module")
def press(tmp_path_factory) -> dict:
    project = make_project(tmp_path_factory.mktemp("press"))
    folder = copy_demo(project, "press-demo", lambda toml: toml.replace(
        'formats = ["leaflet", "poster", "card", "factsheet"]', 'formats = ["leaflet"]\nimage = "cover"')
        + '\n[[assets]]\nid = "cover"\nfile = "cover.png"\nalt = "A road at dusk"\n')
    # An RGB photo-like picture, 300 px wide: the cover prints it about 83 mm wide, so about 92 ppi.
    photo = Image.new("RGB", (300, 200))
    photo.putdata([(200 - y // 2, 60 + x // 3, 40 + (x + y) // 4) for y in range(200) for x in range(300)])
    photo.save(folder / "cover.png")
    out = project / "dist"
    result = run_toolbox("build", "--print", "--jobs", "1", "--previews", "none", "--out", str(out), cwd=project)
    assert result.returncode == 0, result.stderr
    return {"project": project, "out": out, "stderr": result.stderr, "stdout": result.stdout}


def _pdf(press: dict, rel: str = LEAFLET) -> pikepdf.Pdf:
    return pikepdf.open(press["out"] / rel)


def test_pdfx4_output_intent_names_the_registered_condition(press: dict) -> None:
    with _pdf(press) as pdf:
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1
        intent = intents[0]
        assert intent.S == "/GTS_PDFX"
        assert str(intent.OutputConditionIdentifier) == "FOGRA39"
        assert str(intent.RegistryName) == "http://www.color.org"
        assert "FOGRA39" in str(intent.Info)
        icc = intent.DestOutputProfile
        assert int(icc.N) == 4
        assert icc.read_bytes()[16:20] == b"CMYK"  # the ICC header's colour space
        meta = pdf.open_metadata()
        assert meta.get("pdfxid:GTS_PDFXVersion") == "PDF/X-4"
        # Still tagged: the structure tree survives the PDF/X variant and the post-processing.
        assert "/StructTreeRoot" in pdf.Root and pdf.Root.MarkInfo.Marked


def test_no_rgb_or_lab_anywhere(press: dict) -> None:
    for rel in (LEAFLET, "press-demo/en/press-demo-en-mk-guide.pdf"):
        with _pdf(press, rel) as pdf:
            for obj in pdf.objects:
                if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                    text = repr(obj) if not isinstance(obj, pikepdf.Stream) else repr(obj.stream_dict)
                    assert "/DeviceRGB" not in text and "/CalRGB" not in text and '"/Lab"' not in text, (rel, text[:300])
                if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Form":
                    assert not list(pikepdf.parse_content_stream(obj, "rg RG")), rel
            for page in pdf.pages:
                assert not list(pikepdf.parse_content_stream(page, "rg RG")), rel


def test_rgb_photo_converted_to_cmyk_and_low_resolution_warned(press: dict) -> None:
    with _pdf(press) as pdf:
        images = [x for p in pdf.pages for x in p.get_images().values()]
        assert images, "the cover photo is missing"
        assert all(i.ColorSpace == "/DeviceCMYK" for i in images)
        # A CMYK JPEG, with the photo's colours still there (not flattened to grey)
        assert images[0].Filter == "/DCTDecode"
        picture = Image.open(io.BytesIO(images[0].read_raw_bytes()))
        assert picture.mode == "CMYK" and len(set(zip(*[iter(picture.tobytes())] * 4, strict=True))) > 50
    warned = [line for line in press["stderr"].splitlines() if "cover.png prints at" in line]
    assert warned, press["stderr"]
    ppi = int(re.search(r"at (\d+) ppi", warned[0]).group(1))
    assert 70 < ppi < 120 and "below the 300 ppi" in warned[0] and LEAFLET in warned[0]


def test_boxes_and_bleed_on_every_page(press: dict) -> None:
    with _pdf(press) as pdf:
        for page in pdf.pages:
            trim = [float(v) for v in page.TrimBox]
            bleed = [float(v) for v in page.BleedBox]
            assert round((trim[2] - trim[0]) * _MM) == 297 and round((trim[3] - trim[1]) * _MM) == 210
            assert all(abs(d * _MM - 3) < 0.1 for d in (trim[0] - bleed[0], trim[1] - bleed[1],
                                                          bleed[2] - trim[2], bleed[3] - trim[3]))


def _gs_cmyk(pdf: Path, tmp: Path, page: int, box: str = "-dUseBleedBox", dpi: int = 72) -> Image.Image:
    out = tmp / f"p{page}.tif"
    subprocess.run(["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", box, "-sDEVICE=tiff32nc", f"-r{dpi}",
                    f"-dFirstPage={page}", f"-dLastPage={page}", f"-sOutputFile={out}", str(pdf)], check=True)
    return Image.open(out).convert("CMYK")


@pytest.mark.skipif(not shutil.which("gs"), reason="Ghostscript (scripts/setup.sh installs it)")
def test_ink_coverage_and_cover_colour_run_into_the_bleed(press: dict, tmp_path: Path) -> None:
    image = _gs_cmyk(press["out"] / LEAFLET, tmp_path, 1)
    width, height = image.size
    totals = [sum(px) * 100 / 255 for px in zip(*[iter(image.tobytes())] * 4, strict=True)]
    assert 150 < max(totals) <= 300, max(totals)  # the accent colour is heavy, but within the coated limit
    dpmm = 72 / 25.4
    # In the bleed, 1.5 mm outside the trim: the cover's colour on its top, bottom and outer edge, paper elsewhere.
    edge = round(1.5 * dpmm)
    cover = image.getpixel((width - edge, height // 2))
    flap = image.getpixel((edge, height // 2))
    top_of_cover = image.getpixel((width - round(40 * dpmm), edge))
    assert sum(cover) > 300 and sum(top_of_cover) > 300, (cover, top_of_cover)
    assert flap == (0, 0, 0, 0), flap


@pytest.mark.skipif(not shutil.which("gs"), reason="Ghostscript (scripts/setup.sh installs it)")
def test_body_text_and_qr_code_in_black_ink_only(press: dict, tmp_path: Path) -> None:
    image = _gs_cmyk(press["out"] / LEAFLET, tmp_path, 1, "-dUseTrimBox", 150)
    dpmm = 150 / 25.4
    # The back panel (100–200 mm from the left of the outside): its text and the QR code.
    panel = image.crop((round(100 * dpmm), 0, round(197 * dpmm), image.height))
    dark = [px for px in zip(*[iter(panel.tobytes())] * 4, strict=True) if px[3] > 200]
    assert len(dark) > 2000
    assert all(c == m == y == 0 for c, m, y, _ in dark), {px for px in dark if px[:3] != (0, 0, 0)}


def test_roll_fold_panels(press: dict) -> None:
    """Outside: flap 97 mm | back 100 | cover 100; inside: 100 | 100 | 97 (the flap's back)."""
    text = subprocess.run(["pdftotext", "-bbox", str(press["out"] / LEAFLET), "-"],
                          capture_output=True, text=True, check=True).stdout
    pages = text.split("<page ")[1:]

    def leftmost(page: str, start: float, end: float) -> float:
        """The left edge of the leftmost word between two folds (mm from the trim's left edge)."""
        lefts = [float(x) * _MM - 3 for x in re.findall(r'<word xMin="([\d.]+)"', page)]  # MediaBox starts 3 mm outside the trim
        return min(x for x in lefts if start <= x < end)

    padding = 8
    outside, inside = pages[0], pages[1]
    # Outside: the flap 0–97, the back 97–197, the cover 197–297.
    assert leftmost(outside, 0, 97) == pytest.approx(0 + padding, abs=0.6)
    assert leftmost(outside, 97, 197) == pytest.approx(97 + padding, abs=0.6)
    assert leftmost(outside, 197, 297) == pytest.approx(197 + padding, abs=0.6)
    # Inside: 0–100, 100–200, 200–297. Which text starts a panel depends on the balancing, so the
    # middle panel (which may open with an indented bullet) is told by the third one's edge.
    assert leftmost(inside, 0, 100) == pytest.approx(0 + padding, abs=0.6)
    assert leftmost(inside, 200, 297) == pytest.approx(200 + padding, abs=0.6)
    assert leftmost(inside, 100, 200) >= 100 + padding - 0.6


def test_print_guide_tells_where_the_folds_are(press: dict) -> None:
    text = subprocess.run(["pdftotext", str(press["out"] / "press-demo/en/press-demo-en-mk-guide.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    # The fold guide: the three panels to scale, as the sheet lies for step 1 (the narrow one folds in first).
    assert "100 mm 100 mm 97 mm" in " ".join(text.split()), text


def test_build_reports_preflight_and_preflight_command_passes(press: dict) -> None:
    assert "preflight: 2 print files: PDF/X-4; output intent FOGRA39" in press["stdout"], press["stdout"]
    result = run_toolbox("preflight", str(press["out"]), cwd=press["project"])
    assert result.returncode == 0, result.stderr
    line = next(li for li in result.stdout.splitlines() if li.endswith("leaflet.pdf") or "leaflet.pdf:" in li)
    assert "PDF/X-4, output intent FOGRA39 (http://www.color.org)" in line and "no RGB/Lab" in line
    assert "2 file(s), 1 passed, 1 with problems" in result.stdout  # the leaflet's low-resolution photo
    strict = run_toolbox("preflight", "--strict", str(press["out"] / LEAFLET), cwd=press["project"])
    assert strict.returncode == 1 and "prints at" in strict.stderr and "Traceback" not in strict.stderr


def test_preflight_rejects_a_screen_pdf() -> None:
    from toolbox.render.pdf import render_pdf
    from toolbox.render.prepress import preflight

    html = ('<html lang="en"><head><title>t</title><style>@page { size: 50mm 30mm; margin: 0 }'
            'body { color: #0b6e69 }</style></head><body><p>Call 0800 11111</p></body></html>')
    result = render_pdf(html, ROOT / "templates" / "print", [ROOT])
    report = preflight(result.data, "screen.pdf")
    messages = " ".join(p.message for p in report.problems())
    assert not report.pdfx and "not PDF/X" in messages
    assert any("rg operator" in r for r in report.rgb) and "no PDF/X output intent" in messages
    assert "no TrimBox" in messages or "bleed 0.0 mm" in messages


def test_colours_convert_through_the_profile() -> None:
    from toolbox.render.cmyk import Converter
    from toolbox.render.context import qr_svg
    from toolbox.render.pressdata import press_data

    data = press_data(Theme.of(ROOT))
    converter = Converter(data.folder / data.profiles["fogra39"]["file"], data.colours)
    assert converter.cmyk(0, 0, 0) == (0, 0, 0, 1)  # QR codes and black text: black ink only
    assert converter.cmyk(0x55, 0x55, 0x55)[:3] == (0, 0, 0)  # greys too
    assert converter.cmyk(0x00, 0x33, 0x99) == (1, 0.8, 0, 0)  # EU Reflex Blue, fixed in press.toml
    c, m, y, k = converter.cmyk(0x0b, 0x6e, 0x69)  # the accent green: cyan and yellow, little magenta
    assert c > 0.6 and y > 0.3 and m < 0.2 and c + m + y + k <= 3.0
    paints = set(re.findall(r'(?:fill|stroke)="([^"]*)"', converter.html(str(qr_svg("https://example.org/en/"))))) - {"none"}
    assert paints and paints <= {"device-cmyk(0 0 0 1)", "device-cmyk(0 0 0 0)"}, paints
    css = converter.css(":root { --a: #0b6e69; --a-cmyk: device-cmyk(0.9 0 0.5 0.2) } p { color: rgb(255 0 0) }")
    assert "--a: device-cmyk(0.9 0 0.5 0.2)" in css and "rgb" not in css and "#" not in css


def test_a_print_shops_own_profile(tmp_path: Path) -> None:
    """Any CMYK output profile works; one naming no registered condition is written as Custom."""
    from toolbox.render.cmyk import Converter, is_cmyk_profile
    from toolbox.render.pressdata import resolve_profile

    shop = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")  # Ghostscript's generic CMYK (scripts/setup.sh)
    if not shop.is_file():
        pytest.skip("Ghostscript's profiles are not installed")
    (tmp_path / "profiles").mkdir()
    shutil.copy(shop, tmp_path / "profiles" / "shop.icc")
    assert is_cmyk_profile(tmp_path / "profiles" / "shop.icc") is None
    profile = resolve_profile(Theme.of(ROOT), tmp_path, "profiles/shop.icc")
    assert profile.condition == "Custom" and profile.registry == "" and profile.name and profile.ink_limit == 300
    assert resolve_profile(Theme.of(ROOT), tmp_path, "profiles/shop.icc", "uncoated").ink_limit == 270
    assert Converter(profile.path).cmyk(0, 0, 0) == (0, 0, 0, 1)


def test_safe_zone_names_text_and_qr_code_near_the_trim() -> None:
    from toolbox.render.context import qr_svg
    from toolbox.render.pdf import render_pdf
    from toolbox.render.prepress import layout_problems
    from toolbox.render.pressdata import press_setup

    setup = press_setup(Theme.of(ROOT), ROOT, "", "", "x-4")
    html = ('<html lang="en"><head><title>t</title><style>@page { size: 60mm 40mm; margin: 0; bleed: 3mm }'
            'body { margin: 0 } .edge { margin: 1mm 0 0 10mm } .qr svg { position: absolute; right: 1.5mm; bottom: 5mm;'
            ' width: 15mm; height: 15mm } .safe { margin: 8mm 0 0 10mm }</style></head><body>'
            f'<p class="edge">Edge</p><p class="safe">Safe</p><div class="qr">{qr_svg("https://example.org/")}</div>'
            '</body></html>')
    result = render_pdf(html, ROOT / "templates" / "print", [ROOT], press=setup)
    named = {n.what: n.distance for n in result.near_trim}
    assert set(named) == {"Edge", "the QR code"}, named
    assert 0.5 < named["Edge"] < 3 and 1 < named["the QR code"] < 2
    messages = [p.message for p in layout_problems(result, "x.pdf", "en card", setup.safe_zone)]
    assert any("“Edge” on page 1 is" in m and "inside the 3 mm safe zone" in m for m in messages), messages


def test_press_render_is_reproducible() -> None:
    """Same input, same bytes: WeasyPrint's random XMP DocumentID is replaced by one derived from the document."""
    from toolbox.render.pdf import render_pdf
    from toolbox.render.pressdata import press_setup

    setup = press_setup(Theme.of(ROOT), ROOT, "", "", "x-4")
    html = ('<html lang="en"><head><title>t</title><meta name="dcterms.created" content="2026-11-24T00:00:00Z">'
            '<meta name="dcterms.modified" content="2026-11-24T00:00:00Z"><style>@page { size: 50mm 30mm; '
            'margin: 0; bleed: 3mm; marks: crop } body { color: #0b6e69 }</style></head><body><p>Help</p></body></html>')
    first = render_pdf(html, ROOT / "templates" / "print", [ROOT], press=setup).data
    second = render_pdf(html, ROOT / "templates" / "print", [ROOT], press=setup).data
    assert first == second
    assert b"xmp.did:" in pikepdf.open(io.BytesIO(first)).Root.Metadata.read_bytes()


def test_the_uncoated_profile_is_built_in() -> None:
    """print_profile = "fogra29": uncoated offset, its own output intent and the uncoated ink limit."""
    from toolbox.render.cmyk import Converter
    from toolbox.render.pdf import render_pdf
    from toolbox.render.pressdata import press_setup, resolve_profile

    profile = resolve_profile(Theme.of(ROOT), ROOT, "fogra29")
    assert (profile.condition, profile.registry, profile.paper, profile.ink_limit) == (
        "FOGRA29", "http://www.color.org", "uncoated", 270)
    assert "FOGRA29" in profile.name
    # The same green on uncoated paper: a different separation within the lower ink limit.
    coated = Converter(resolve_profile(Theme.of(ROOT), ROOT, "fogra39").path).cmyk(0x0b, 0x6e, 0x69)
    uncoated = Converter(profile.path).cmyk(0x0b, 0x6e, 0x69)
    assert uncoated != coated and sum(uncoated) <= 2.7
    setup = press_setup(Theme.of(ROOT), ROOT, "fogra29", "", "x-4")
    html = ('<html lang="en"><head><title>t</title><style>@page { size: 50mm 30mm; margin: 0; bleed: 3mm }'
            'body { color: #0b6e69 }</style></head><body><p>Help</p></body></html>')
    pdf = pikepdf.open(io.BytesIO(render_pdf(html, ROOT / "templates" / "print", [ROOT], press=setup).data))
    intent = pdf.Root.OutputIntents[0]
    assert str(intent.OutputConditionIdentifier) == "FOGRA29" and str(intent.RegistryName) == "http://www.color.org"
