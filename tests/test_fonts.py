"""Locales and their fonts: every built-in locale drawn by the face made for it, in print and on the web.

The slow part is one session-scoped build of tests/fixtures/scripts/ widened to every
built-in locale (site + leaflet): each locale's leaflet must embed its script's face
(pdffonts), and every character of its microsite pages must be in the subset fonts its
fonts.css loads (read back with fontTools).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from conftest import ROOT, run_toolbox
from test_site_browser import browser  # noqa: F401 — the session's headless Chromium
from toolbox.campaign.model import LocaleDecl
from toolbox.i18n.catalog import catalog_tag
from toolbox.i18n.locales import BUILTIN, from_cldr, resolve
from toolbox.render.checks import check_print
from toolbox.render.fonts import ALPHABETS, drawn, letters, load_fonts, subset_woff2
from toolbox.render.pdf import PdfResult
from toolbox.render.webfonts import check_pages, page_text, plan_fonts
from toolbox.theme import Theme

FONTS = ROOT / "templates" / "fonts"
SCRIPTS = Path(__file__).parent / "fixtures" / "scripts"
#: Every built-in locale but the designers' pseudo-locale.
LOCALES = [t for t in BUILTIN if t != "en-XA"]


@pytest.fixture(scope="module")
def fonts():
    return load_fonts(Theme.of(ROOT))


def cmap_of(path: Path) -> set[int]:
    return set(TTFont(path).getBestCmap())


# ---------------------------------------------------------------- locales


def test_at_least_18_built_in_locales_including_bengali() -> None:
    assert len(LOCALES) >= 18
    bn = resolve("bn")
    assert (bn.name, bn.script, bn.direction, bn.cldr) == ("বাংলা", "Beng", "ltr", "bn")


@pytest.mark.parametrize("tag", LOCALES)
def test_built_in_locale_agrees_with_cldr(tag: str) -> None:
    info = BUILTIN[tag]
    cldr = from_cldr(info.cldr)
    assert cldr is not None, f"{tag}: CLDR does not know {info.cldr}"
    assert (info.script, info.direction) == (cldr.script, cldr.direction)


def test_other_cldr_locales_take_their_script_from_likely_subtags() -> None:
    assert resolve("hi").script == "Deva"
    assert resolve("am").script == "Ethi"
    assert resolve("bn-IN").script == "Beng"
    assert (resolve("ug").script, resolve("ug").direction) == ("Arab", "rtl")
    assert resolve("xx-nothing") is None


def test_a_declaration_changes_only_the_keys_it_sets() -> None:
    hi = resolve("hi", {"hi": LocaleDecl(fallback=["en"])})
    assert (hi.name, hi.script, hi.cldr, hi.fallback) == ("हिन्दी", "Deva", "hi", ("en",))
    bn = resolve("bn", {"bn": LocaleDecl(name="Bangla")})
    assert (bn.name, bn.script, bn.cldr) == ("Bangla", "Beng", "bn")
    # A language CLDR lacks, formatted like one it has, takes that one's script too.
    rom = resolve("rom", {"rom": LocaleDecl(cldr="sr_Cyrl")})
    assert (rom.script, rom.cldr) == ("Cyrl", "sr_Cyrl")


def test_serbian_cyrillic_is_transliterated_from_latin_unless_declared_otherwise() -> None:
    assert catalog_tag("sr-Cyrl") == "sr-Latn"
    assert catalog_tag("sr-Cyrl", {"sr-Cyrl": LocaleDecl(transliterate="sr-Cyrl")}) == "sr-Cyrl"


# ---------------------------------------------------------------- fonts.toml


@pytest.mark.parametrize("style", ["Regular", "Bold"])
def test_shipped_arabic_face_draws_every_pashto_and_sorani_letter(style: str) -> None:
    have = cmap_of(FONTS / f"NotoSansArabic-{style}.ttf")
    for tag in ("ps", "ckb", "ar", "fa", "prs"):
        assert not [ch for ch in ALPHABETS[tag] if ord(ch) not in have], tag
    nastaliq = cmap_of(FONTS / f"NotoNastaliqUrdu-{style}.ttf")
    assert not [ch for ch in ALPHABETS["ur"] if ord(ch) not in nastaliq]
    # Why Sorani is not set in Nastaliq: the Urdu face lacks its letters.
    assert {"ڕ", "ڵ", "ێ"} - {chr(c) for c in nastaliq} == {"ڕ", "ڵ", "ێ"}


def test_urdu_gets_nastaliq_after_the_latin_face_and_a_taller_line(fonts) -> None:
    assert fonts.families("Arab", "ur") == ["Noto Sans", "Noto Nastaliq Urdu"]
    assert fonts.script_face("Arab", "ur") == "Noto Nastaliq Urdu"
    assert fonts.script_face("Arab", "ckb") == "Noto Sans Arabic"
    assert fonts.script_face("Beng", "bn") == "Noto Sans Bengali"
    assert fonts.line_height("Arab", "ur") >= 2.0 > fonts.line_height("Arab", "ps") > fonts.line_height("Latn", "en")
    assert "--line-height: 2.1" in fonts.css_vars("Arab", "ur")


def test_the_nastaliq_face_narrows_the_reading_measure_of_any_locale_set_in_it(fonts) -> None:
    assert "--measure: 0.875" in fonts.css_vars("Arab", "ur")
    assert fonts.measure("Arab", "fa") == fonts.measure("Latn", "en") == 1.0
    # The measure follows the face, not the locale: Punjabi (Shahmukhi) set in Nastaliq gets it too.
    shahmukhi = replace(fonts, locales={**fonts.locales, "pa": ["Noto Sans", "Noto Nastaliq Urdu"]})
    assert shahmukhi.measure("Arab", "pa-Arab") == 0.875


@pytest.mark.parametrize("tag", LOCALES)
def test_every_built_in_locale_has_fonts_for_its_letters(fonts, tag: str) -> None:
    info = BUILTIN[tag]
    assert fonts.covers(info.script, tag), fonts.coverage(info.script, tag)
    assert not [ch for ch in drawn(info.name) if not any(
        ord(ch) in cmap_of(f.path) for f in fonts.faces_for(info.script, tag))]


def test_a_script_without_a_font_is_not_covered(fonts) -> None:
    assert not fonts.covers("Deva", "hi")
    assert fonts.coverage("Deva", "hi")[0] == 0


# ---------------------------------------------------------------- print check


def test_print_check_requires_the_face_fonts_toml_names_for_the_locale(fonts) -> None:
    naskh_only = PdfResult(b"", 1, fonts={"Noto Sans": "0158 ", "Noto Sans Arabic": "اردوکی"})
    expected = (fonts.script_face("Arab", "ur"), letters("Arab", "ur"))
    problems = check_print(naskh_only, "", "x-ur-leaflet.pdf", "ur", "leaflet", fonts.full_stack("Arab", "ur"),
                           expected=expected)
    assert [p.message for p in problems] == [
        "ur leaflet: the locale's letters are not set in 'Noto Nastaliq Urdu', the face templates/fonts/fonts.toml "
        "names for it; embedded: Noto Sans, Noto Sans Arabic"]
    nastaliq = PdfResult(b"", 1, fonts={"Noto Sans": "0158 ", "Noto Nastaliq Urdu": "اردوکی"})
    assert check_print(nastaliq, "", "x-ur-leaflet.pdf", "ur", "leaflet", fonts.full_stack("Arab", "ur"),
                       expected=expected) == []


# ---------------------------------------------------------------- web check


def test_page_text_is_read_by_language_with_shown_attributes() -> None:
    html = ('<html lang="ur"><head><title>محفوظ</title><style>p{}</style></head><body>'
            '<nav aria-label="زبانیں"><a lang="bn" href="x">বাংলা</a> <a lang="en">English</a></nav>'
            '<img alt="تصویر" src="x.png"><p title="Title">کام<br>ہے</p><script>var x="ignored";</script>'
            '<span lang="not a tag">ادھر</span></body></html>')
    text = page_text(html, "ur")
    assert set(text) == {"ur", "bn", "en"}
    assert "বাংলা" in text["bn"] and "English" in text["en"]
    for part in ("محفوظ", "زبانیں", "تصویر", "Title", "کام", "ہے", "ادھر"):
        assert part in text["ur"]
    assert "ignored" not in "".join(text.values()) and "p{}" not in "".join(text.values())


class _Campaign:
    locales: dict = {}


def _subset(plan) -> dict:
    return {face: subset_woff2(face.path, plan.text_for(face)) for face in plan.faces}


def test_web_fonts_give_each_language_its_own_face(fonts) -> None:
    text = page_text('<html lang="ur"><p>محفوظ کام 0800</p><a lang="bn">বাংলা</a><a lang="ps">پښتو</a></html>', "ur")
    plan = plan_fonts(fonts, _Campaign(), "c/assets/fonts/ur", "ur", [text], italic=False)
    assert set(plan.chars["Noto Nastaliq Urdu"]) == set("محفوظکام")  # Urdu letters in Nastaliq
    assert set(plan.chars["Noto Sans"]) == set("0800 ")  # digits and spaces in the Latin face, first in ur's stack
    assert set(plan.chars["Noto Sans Bengali"]) == set("বাংলা")
    assert set(plan.chars["Noto Sans Arabic"]) == set("پښتو")  # Pashto's name in Pashto's face
    assert plan.stacks["ur"][:2] == ["Noto Sans", "Noto Nastaliq Urdu"]


def test_web_glyph_check_reads_the_subset_fonts_and_names_page_and_characters(fonts) -> None:
    pages = [("c/bn/index.html", page_text('<html lang="bn"><p>নিরাপদ কাজ 0800</p><p title="&#xD85;">x</p></html>', "bn")),
             ("c/bn/help/mk.html", page_text('<html lang="bn"><p>শ্রমিক</p></html>', "bn"))]
    plan = plan_fonts(fonts, _Campaign(), "c/assets/fonts/bn", "bn", [t for _, t in pages], italic=False)
    files = _subset(plan)
    problems = check_pages(plan, pages, files)
    assert [(p.path, p.severity) for p in problems] == [("c/bn/index.html", "error")]
    assert "missing glyphs (tofu) for U+0D85" in problems[0].message
    bengali = TTFont(io.BytesIO(next(d for f, d in files.items() if f.path.name == "NotoSansBengali-Regular.ttf")))
    assert {ord(ch) for ch in "নিরাপদকাজশ্রমিক"} <= set(bengali.getBestCmap())
    # Without the Bengali subset, every Bengali letter of both pages is tofu.
    lost = check_pages(plan, pages, {f: (None if f.family == "Noto Sans Bengali" else d) for f, d in files.items()})
    assert len(lost) == 2 and "U+09A8" in lost[0].message


# ---------------------------------------------------------------- every built-in locale, built


@pytest.fixture(scope="session")
def every_locale_build(tmp_path_factory) -> Path:
    """tests/fixtures/scripts/ in every built-in locale, site + leaflet, built once."""
    tmp = tmp_path_factory.mktemp("scripts")
    project = tmp / "project"
    shutil.copytree(SCRIPTS, project)
    (project / "templates").symlink_to(ROOT / "templates")
    for po in (ROOT / "locales").glob("*/LC_MESSAGES/toolbox.po"):  # template texts where the fixture has none
        target = project / "locales" / po.relative_to(ROOT / "locales")
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(po, target)
    toml = project / "campaigns" / "scripts" / "campaign.toml"
    text = toml.read_text(encoding="utf-8")
    text = re.sub(r'(?m)^locales = \[.*\]$', "locales = [" + ", ".join(f'"{t}"' for t in LOCALES) + "]", text)
    text = text.replace('formats = ["site", "leaflet", "card"]', 'formats = ["site", "leaflet"]')
    toml.write_text(text, encoding="utf-8")
    out = tmp / "out"
    result = run_toolbox("build", "--jobs", "2", "--previews", "none", "--out", str(out), cwd=project, timeout=1200)
    assert result.returncode == 0, result.stderr  # a missing glyph in any PDF, PNG or page fails the build
    return out / "scripts"


def embedded(pdf: Path) -> set[str]:
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    names = [line.split()[0] for line in listing.splitlines()[2:] if line.strip()]
    return {name.split("+", 1)[-1].replace("-", " ").removesuffix(" Bold") for name in names}


@pytest.mark.parametrize("tag", LOCALES)
def test_each_locale_leaflet_embeds_its_face_and_only_declared_fonts(every_locale_build: Path, fonts, tag: str) -> None:
    pdf = every_locale_build / tag / "workers" / f"scripts-workers-{tag}-mk-leaflet.pdf"
    found = embedded(pdf)
    info = BUILTIN[tag]
    assert fonts.script_face(info.script, tag) in found
    assert found <= {f.family for f in fonts.faces}, found


@pytest.mark.parametrize("tag", LOCALES)
def test_each_locale_page_is_drawn_by_the_fonts_it_loads(every_locale_build: Path, tag: str) -> None:
    page = every_locale_build / tag / "workers" / "index.html"
    html = page.read_text(encoding="utf-8")
    css_link = re.search(r'<link rel="stylesheet" href="([^"]*fonts\.css)">', html).group(1)
    folder = (page.parent / css_link).resolve().parent
    css = (folder / "fonts.css").read_text(encoding="utf-8")
    loaded = {}
    for family, src in re.findall(r'font-family: "([^"]+)";[^}]*src: url\("([^"]+)"\)', css):
        loaded.setdefault(family, set()).update(TTFont(folder / src).getBestCmap())
    for lang, text in page_text(html, tag).items():
        stack = re.search(rf":lang\({re.escape(lang)}\) {{ font-family: ([^;]+);", css).group(1)
        families = re.findall(r'"([^"]+)"', stack)
        missing = [ch for ch in drawn(text) if not any(ord(ch) in loaded.get(f, ()) for f in families)]
        assert not missing, f"{tag} page, {lang} text: {missing}"


def test_urdu_page_loads_nastaliq_for_urdu_letters_and_its_line_height(every_locale_build: Path) -> None:
    css = (every_locale_build / "assets" / "fonts" / "ur" / "fonts.css").read_text(encoding="utf-8")
    assert re.search(r':lang\(ur\) \{ font-family: "Noto Sans", "Noto Nastaliq Urdu"', css)
    assert "--line-height: 2.1" in css
    nastaliq = TTFont(every_locale_build / "assets" / "fonts" / "ur" / "NotoNastaliqUrdu-Regular.woff2").getBestCmap()
    assert {ord(ch) for ch in "محفوظکام"} <= set(nastaliq)
    bengali = TTFont(every_locale_build / "assets" / "fonts" / "bn" / "NotoSansBengali-Regular.woff2").getBestCmap()
    assert {ord(ch) for ch in "নিরাপদকাজ"} <= set(bengali)


def test_browser_draws_urdu_in_nastaliq_and_bengali_in_its_face(browser, every_locale_build: Path) -> None:  # noqa: F811 - the fixture
    """Chromium really loads the faces fonts.css names for each language, and gives Urdu its tall lines."""
    for tag, family, other in (("ur", "Noto Nastaliq Urdu", "Noto Sans Bengali"),
                               ("bn", "Noto Sans Bengali", "Noto Nastaliq Urdu")):
        browser.load(every_locale_build / tag / "workers" / "index.html")
        loaded = browser.js("return [...document.fonts].filter(f => f.status == 'loaded').map(f => f.family)")
        assert any(family in f for f in loaded), (tag, loaded)
        assert any(other in f for f in loaded), (tag, loaded)  # the other language's name in the language list
        stack = browser.js("return getComputedStyle(document.querySelector('main p')).fontFamily")
        assert family in stack, stack
        ratio = browser.js("const s = getComputedStyle(document.querySelector('main p'));"
                           "return parseFloat(s.lineHeight) / parseFloat(s.fontSize)")
        assert ratio == pytest.approx(1.5 * (2.1 if tag == "ur" else 1.55) / 1.35, abs=0.02), (tag, ratio)
