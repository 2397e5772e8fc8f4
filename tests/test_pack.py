"""Outreach bundles (toolbox pack), share images and text messages, on the sample built once per session."""

from __future__ import annotations

import getpass
import hashlib
import io
import json
import os
import shutil
import socket
import subprocess
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from conftest import make_project, run_toolbox
from toolbox.outreach import sms

SIZES = {"share-square": (1080, 1080), "share-portrait": (1080, 1350)}


@pytest.fixture(scope="session")
def packed(sample_build: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pack")
    result = run_toolbox("pack", "--from", str(sample_build), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "packed" in result.stdout and " KB  print/" in result.stdout  # every file's size is reported
    return out


def test_share_images_per_group_locale_country(manifest: dict, sample_build: Path) -> None:
    pdfs = {(o["group"], o["locale"], o["country"]) for o in manifest["outputs"] if o["path"].endswith(".pdf") and o["group"]}
    for fmt, size in SIZES.items():
        images = [o for o in manifest["outputs"] if o["format"] == fmt]
        assert {(o["group"], o["locale"], o["country"]) for o in images} == pdfs
        for o in images:
            data = (sample_build / o["path"]).read_bytes()
            assert len(data) < 300 * 1024, o["path"]
            with Image.open(io.BytesIO(data)) as img:
                img.verify()
            with Image.open(io.BytesIO(data)) as img:
                assert img.format == "PNG" and img.size == size, o["path"]
                assert not img.info.get("exif") and "Software" not in img.info


def test_text_messages_fit_their_segments_in_each_script(manifest: dict, sample_build: Path) -> None:
    texts = [o for o in manifest["outputs"] if o["format"] == "sms"]
    assert texts and {(o["group"], o["locale"], o["country"]) for o in texts} == \
        {(o["group"], o["locale"], o["country"]) for o in manifest["outputs"] if o["format"] == "share-square"}
    seen = {}
    for o in texts:
        text = (sample_build / o["path"]).read_text(encoding="utf-8").rstrip("\n")
        counted = sms.count(text)
        assert 1 <= counted.segments <= 3, (o["path"], counted)  # the sample allows sms_segments = 3
        seen.setdefault(o["locale"], set()).add(counted.encoding)
    assert seen["en"] == {"GSM-7"}
    for tag in ("mk", "sr-Cyrl", "ar", "fa", "sq"):  # Cyrillic, Arabic script, Albanian ë: UCS-2
        assert seen[tag] == {"UCS-2"}, tag


def test_sms_segment_counts() -> None:
    assert sms.count("a" * 160) == sms.SmsCount("GSM-7", 160, 1)
    assert sms.count("a" * 161).segments == 2
    assert sms.count("a" * 306).segments == 2 and sms.count("a" * 307).segments == 3
    assert sms.count("€" * 80) == sms.SmsCount("GSM-7", 160, 1)  # extension table: two septets each
    assert sms.count("a" * 152 + "€" + "a" * 10).segments == 2  # 165 septets; the escape pair is not split
    assert sms.count("a" * 152 + "€" * 77).segments == 3  # 306 septets, but € cannot straddle two parts
    assert sms.count("ж" * 70) == sms.SmsCount("UCS-2", 70, 1)  # Cyrillic
    assert sms.count("ж" * 71).segments == 2 and sms.count("ж" * 134).segments == 2 and sms.count("ж" * 135).segments == 3
    assert sms.count("ع" * 70).segments == 1 and sms.count("ع" * 71).segments == 2  # Arabic
    assert sms.count("Çë").encoding == "UCS-2" and sms.count("Ç é ñ").encoding == "GSM-7"
    assert sms.count("🙂" * 35) == sms.SmsCount("UCS-2", 70, 1)  # outside the BMP: two UTF-16 units


def test_bundles_unzip_verify_and_open(packed: Path, manifest: dict, tmp_path: Path) -> None:
    zips = sorted(packed.glob("*.zip"))
    names = {z.stem for z in zips}
    expected = {f"{o['campaign']}_{o['country'].lower()}_{o['locale']}" for o in manifest["outputs"]
                if o["path"].endswith(".pdf")}
    assert names == expected and "safe-journeys_mk_sq" in names
    private = [s.encode() for s in {getpass.getuser(), socket.gethostname(), str(Path.home()), str(packed),
                                    os.getcwd()} if len(s) > 2]
    for z in zips:
        data = z.read_bytes()
        assert not [p for p in private if p in data], z.name  # no user, machine or absolute path
        with zipfile.ZipFile(z) as zf:
            infos = zf.infolist()
            assert [i.filename for i in infos] == sorted(i.filename for i in infos)
            for info in infos:
                assert info.filename.startswith(f"{z.stem}/") and ".." not in info.filename
                assert info.date_time == (1980, 1, 1, 0, 0, 0)
                assert info.external_attr >> 16 == 0o100644 and not info.extra and not info.comment
            zf.extractall(tmp_path)
        folder = tmp_path / z.stem
        check = subprocess.run(["sha256sum", "-c", "--strict", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        listed = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        files = {f["path"]: f for f in listed["files"]}
        on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
        assert on_disk == set(files) | {"manifest.json", "SHA256SUMS"}
        country, locale = z.stem.split("_")[1:3]
        assert {(f["country"].lower(), f["locale"]) for f in files.values()} == {(country, locale)}
        assert any(p.startswith("print/") for p in files) and any(p.startswith("text/") for p in files)
        assert any(p.startswith("audio/") for p in files) == (locale != "rmn")  # no voice for Romani, no recording
        guide = [f for f in files.values() if f["format"] == "guide"]
        assert len(guide) == 1 and guide[0]["path"] == f"safe-journeys-{locale}-{country}-guide.pdf" and guide[0]["pages"] == 1
        guide_text = subprocess.run(["pdftotext", "-raw", str(folder / guide[0]["path"]), "-"], capture_output=True,
                                    text=True).stdout
        for rel in files:
            if rel.startswith("print/") and locale not in ("ar", "fa"):  # the guide names every print file of the bundle
                assert rel.removeprefix("print/") in guide_text.replace("\n", ""), (z.name, rel)
        for rel, f in files.items():
            path = folder / rel
            assert path.stat().st_size == f["bytes"] and hashlib.sha256(path.read_bytes()).hexdigest() == f["sha256"]
            if rel.endswith(".pdf"):
                assert f["bytes"] < 1024 * 1024
                info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True)
                pages = [line.split()[-1] for line in info.stdout.splitlines() if line.startswith("Pages:")]
                assert info.returncode == 0 and pages == [str(f["pages"])], rel
            elif rel.endswith(".png"):
                assert f["bytes"] < 300 * 1024
                with Image.open(path) as img:
                    assert img.size == SIZES[f["format"]]
            elif rel.startswith("audio/"):  # voice messages (docs/audio.md): Opus to forward, MP3 to play anywhere
                assert f["format"] == "audio" and f["seconds"] > 0 and rel.endswith((".ogg", ".mp3"))
            else:
                assert rel.startswith("text/") and sms.count(path.read_text(encoding="utf-8").rstrip("\n")).segments <= 3


def test_pack_is_reproducible_and_by_group(sample_build: Path, packed: Path, tmp_path: Path) -> None:
    again = run_toolbox("pack", "--from", str(sample_build), "--out", str(tmp_path / "again"), "-q")
    assert again.returncode == 0 and again.stdout == ""
    assert {z.name: z.read_bytes() for z in packed.glob("*.zip")} == \
        {z.name: z.read_bytes() for z in (tmp_path / "again").glob("*.zip")}
    again = tmp_path / "again" / "safe-journeys_catalogue.pdf"
    assert (packed / "safe-journeys_catalogue.pdf").read_bytes() == again.read_bytes()
    by_group = run_toolbox("pack", "safe-journeys", "--by-group", "--no-catalogue", "--from", str(sample_build), "--out",
                           str(tmp_path / "g"), "-q")
    assert by_group.returncode == 0, by_group.stderr
    assert (tmp_path / "g" / "safe-journeys_mk_en_jobs-abroad.zip").is_file()
    assert (tmp_path / "g" / "safe-journeys_mk_en_roma-communities.zip").is_file()
    assert not (tmp_path / "g" / "safe-journeys_catalogue.pdf").exists()


def test_catalogue_lists_every_material_with_thumbnails(packed: Path, manifest: dict) -> None:
    catalogue = packed / "safe-journeys_catalogue.pdf"
    text = subprocess.run(["pdftotext", "-raw", str(catalogue), "-"], capture_output=True, text=True, check=True).stdout
    flat = text.replace("\n", "")
    names = [Path(o["path"]).name for o in manifest["outputs"]
             if o["format"] not in ("site", "asset", "preview", "sms") and o["campaign"] == "safe-journeys"]
    assert names and not [n for n in names if n not in flat]
    images = subprocess.run(["pdfimages", "-list", str(catalogue)], capture_output=True, text=True, check=True).stdout
    thumbnailed = [n for n in names if not n.endswith(("-guide.pdf", "-audio.ogg", "-audio.mp3"))]
    assert len(images.splitlines()) - 2 >= len(thumbnailed)


def test_pack_errors_are_clear(sample_build: Path, tmp_path: Path) -> None:
    none = run_toolbox("pack", "--from", str(tmp_path / "nothing"), "--out", str(tmp_path / "o"))
    assert none.returncode == 1 and "manifest.json: no build here; run 'toolbox build' first" in none.stderr
    assert "Traceback" not in none.stderr

    heavy = run_toolbox("pack", "--no-catalogue", "--from", str(sample_build), "--out", str(tmp_path / "o"), "--image-budget",
                        "20", "--pdf-budget", "10")
    assert heavy.returncode == 1 and "Traceback" not in heavy.stderr
    assert "share image weighs" in heavy.stderr and "over the budget of 20 KB" in heavy.stderr and "--pdf-budget" in heavy.stderr
    assert not (tmp_path / "o").exists() or not list((tmp_path / "o").glob("*.zip"))  # nothing written

    copy = tmp_path / "dist"
    shutil.copytree(sample_build, copy)
    leaflet = next(copy.rglob("*-leaflet.pdf"))
    leaflet.write_bytes(leaflet.read_bytes()[:-10])
    damaged = run_toolbox("pack", "--no-catalogue", "--from", str(copy), "--out", str(tmp_path / "o"))
    assert damaged.returncode == 1 and "Traceback" not in damaged.stderr
    assert f"{leaflet}: does not match the build's manifest" in damaged.stderr

    unknown = run_toolbox("pack", "--no-catalogue", "nope", "--from", str(sample_build), "--out", str(tmp_path / "o"))
    assert unknown.returncode == 1 and "no campaign 'nope' in this build" in unknown.stderr


def test_build_warns_when_a_text_message_is_too_long(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    assert run_toolbox("new", "jobs", cwd=project).returncode == 0
    toml = project / "campaigns/jobs/campaign.toml"
    text = toml.read_text(encoding="utf-8")
    assert "\nsms = " in text
    text = text.replace("[campaign]\n", "[campaign]\nsms_segments = 1\n", 1)
    toml.write_text(text.replace("\nsms = \"", "\nsms = \"" + "Check every job offer twice. " * 5, 1), encoding="utf-8")
    result = run_toolbox("build", "--previews", "none", "--jobs", "1", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "campaigns/jobs/campaign.toml:" in result.stderr and "needs 2 SMS (GSM-7" in result.stderr
    assert "over sms_segments = 1" in result.stderr
    txt = next((project / "dist").rglob("*-sms.txt")).read_text(encoding="utf-8")
    assert txt.startswith("Check every job offer twice.") and sms.count(txt.rstrip("\n")).segments == 2


# --- a hostile or damaged build folder ------------------------------------------------------

HOSTILE = json.loads((Path(__file__).parent / "fixtures/hostile-output/pack-manifests.json").read_text(encoding="utf-8"))


def _one_file_build(folder: Path, **fields) -> Path:
    """A build of one print file, its manifest entry changed by ``fields``."""
    data = b"%PDF-1.7\n% a stand-in: pack checks and zips files, it does not open them\n"
    (folder / "x").mkdir(parents=True)
    (folder / "x/demo-jobs-en-mk-leaflet.pdf").write_bytes(data)
    entry = {"campaign": "demo", "group": "jobs", "locale": "en", "country": "MK", "format": "leaflet",
             "path": "x/demo-jobs-en-mk-leaflet.pdf", "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
             "pages": 1}
    (folder / "manifest.json").write_text(json.dumps({"outputs": [{**entry, **fields}]}), encoding="utf-8")
    return folder


def _tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def test_one_file_build_packs(tmp_path: Path) -> None:
    """The baseline of the hostile cases below: unchanged, it packs."""
    build = _one_file_build(tmp_path / "build")
    result = run_toolbox("pack", "--no-catalogue", "--by-group", "--from", str(build), "--out", str(tmp_path / "a/b/out"))
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "a/b/out/demo_mk_en_jobs.zip") as zf:
        assert zf.namelist()[0] == "demo_mk_en_jobs/SHA256SUMS"


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_pack_checks_every_manifest_field_before_writing(case: str, tmp_path: Path) -> None:
    build = _one_file_build(tmp_path / "build", **HOSTILE[case].get("entry", {}))
    if "also_at" in HOSTILE[case]:  # the same file twice: two zip entries of one name
        manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
        manifest["outputs"].append({**manifest["outputs"][0], "path": HOSTILE[case]["also_at"]})
        (build / HOSTILE[case]["also_at"]).parent.mkdir(parents=True)
        shutil.copy(build / manifest["outputs"][0]["path"], build / HOSTILE[case]["also_at"])
        (build / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    if "manifest" in HOSTILE[case]:
        (build / "manifest.json").write_text(json.dumps(HOSTILE[case]["manifest"]), encoding="utf-8")
    before = _tree(tmp_path)
    result = run_toolbox("pack", "--no-catalogue", "--by-group", "--from", str(build), "--out", str(tmp_path / "a/b/out"))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert HOSTILE[case]["expected"] in result.stderr, result.stderr
    assert _tree(tmp_path) == before  # nothing written, neither outside --out nor inside it


def test_pack_checks_the_catalogue_before_writing_zips(tmp_path: Path) -> None:
    """A problem found while making the catalogue comes before any zip is on disk."""
    project = make_project(tmp_path / "project")
    # A project elsewhere whose own fonts.toml (over the built-in theme's) is broken: the catalogue needs fonts.
    broken = tmp_path / "elsewhere"
    (broken / "campaigns").mkdir(parents=True)
    (broken / "templates/fonts").mkdir(parents=True)
    (broken / "templates/fonts/fonts.toml").write_text("[families\n", encoding="utf-8")
    build = _one_file_build(tmp_path / "build")
    before = _tree(tmp_path)
    result = run_toolbox("-C", str(broken), "pack", "--from", str(build), "--out", str(tmp_path / "out"))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert "fonts.toml:1" in result.stderr, result.stderr
    assert _tree(tmp_path) == before
    # With the templates, the same build packs, catalogue and all.
    result = run_toolbox("-C", str(project), "pack", "--from", str(build), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["demo_catalogue.pdf", "demo_mk_en.zip"]


def _bomb() -> bytes:
    """A PNG header claiming 100 000 × 100 000 pixels (30 GB decoded), in 70 bytes."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 100)) + chunk(b"IEND", b""))


@pytest.mark.parametrize("preview, expected", [
    (b"not an image at all", "is not an image Pillow can read"),
    (_bomb(), "claims so many pixels that it could exhaust memory"),
])
def test_catalogue_thumbnails_are_checked_before_decoding(preview: bytes, expected: str, tmp_path: Path) -> None:
    """The catalogue decodes previews: one that is not what toolbox made is an error, and nothing is written."""
    project = make_project(tmp_path / "project")
    build = _one_file_build(tmp_path / "build")
    manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    (build / "x/demo-jobs-en-mk-leaflet.png").write_bytes(preview)
    manifest["outputs"].append({**manifest["outputs"][0], "format": "preview", "path": "x/demo-jobs-en-mk-leaflet.png",
                                "bytes": len(preview), "sha256": hashlib.sha256(preview).hexdigest(), "pages": None})
    (build / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    before = _tree(tmp_path)
    result = run_toolbox("-C", str(project), "pack", "--from", str(build), "--out", str(tmp_path / "out"))
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert f"{build}/x/demo-jobs-en-mk-leaflet.png: {expected}" in result.stderr, result.stderr
    assert _tree(tmp_path) == before


def test_catalogue_follows_the_brand_kit(tmp_path: Path) -> None:
    """The catalogue is the project's like every other output: its organisation, contact line, logo, colour
    and default paper (toolbox.toml), read back from the PDF's text, images, pixels and page size."""
    import pypdfium2 as pdfium
    from pypdf import PdfReader

    project = make_project(tmp_path / "project")
    Image.new("RGB", (120, 40), (255, 0, 255)).save(project / "logo.png")  # a colour nothing else has
    (project / "toolbox.toml").write_text(
        '[brand]\norganisation = "Purple Help"\nprimary = "#6a1b9a"\ncontact = "Purple Help · +389 2 123 456"\n'
        'logo = "logo.png"\npaper = "Letter"\n', encoding="utf-8")
    build = _one_file_build(tmp_path / "build")
    result = run_toolbox("-C", str(project), "pack", "--from", str(build), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    catalogue = tmp_path / "out/demo_catalogue.pdf"
    text = subprocess.run(["pdftotext", str(catalogue), "-"], capture_output=True, text=True, check=True).stdout
    assert "Purple Help" in text and "+389 2 123 456" in text
    box = PdfReader(catalogue).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    page = pdfium.PdfDocument(catalogue.read_bytes())[0].render(scale=1).to_pil().convert("RGB")
    colours = page.getcolors(maxcolors=1 << 20)
    assert colours is not None
    count = {rgb: n for n, rgb in colours}
    assert count.get((255, 0, 255), 0) > 500  # the logo
    near = sum(n for rgb, n in count.items() if all(abs(a - b) < 10 for a, b in zip(rgb, (0x6a, 0x1b, 0x9a), strict=True)))
    assert near > 500  # the title and the masthead's rule in the brand's primary colour
    teal = sum(n for rgb, n in count.items() if all(abs(a - b) < 10 for a, b in zip(rgb, (0x0b, 0x6e, 0x69), strict=True)))
    assert teal < 50  # and not the theme's own accent
