"""Issue 19: no encoding trick may put a wrong hotline in front of a reader.

Translations are checked on the text readers get as well as on the raw text
(docs/security.md). Whole bad inputs are kept as data in tests/fixtures/invalid/
(po-encoded-number, po-invisible-characters, po-link-targets, po-fallback-catalog,
definition-invisible-characters); here are the edges of each check, what must stay
allowed, and a build showing that the checks read a translation as the build renders it.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from conftest import make_project, run_toolbox
from toolbox.campaign.invisible import hidden_characters
from toolbox.i18n.catalog import literal_percent
from toolbox.i18n.checks import check_message, dials, folded, reader_view

CALL = "Call 0800 11111 now."
LINK = "Call [0800 11111](tel:080011111)."

HOSTILE = [
    # 1. checks on the wrong text: what readers get differs from what the raw text says
    (CALL, "Thirrni &#48;&#56;&#48;&#48; &#49;&#49;&#49;&#49;&#50; <!-- 0800 11111 --> tani.",
     "phone number differs as readers see it"),
    (CALL, "Thirrni &#x30;&#x38;&#x30;&#x30; 11112 <!-- 0800 11111 -->", "phone number differs"),
    (CALL, "Thirrni 0800 11111 <!-- --> tani.", "HTML comment"),
    (CALL, "Thirrni <![CDATA[0800 11111]]> &#48;&#56;&#48;&#48; &#49;&#49;&#49;&#49;&#50;",
     "phone number differs as readers see it"),
    (CALL, "Thirrni <?x 0800 11111 ?> 0800 11111", "HTML comment"),
    ("See https://help.example.org", "Shih <!-- https://help.example.org --> &#104;ttps://evil.example.net",
     "web address differs as readers see it"),
    ("Write to sos@help.example.org", "Shkruani <!-- sos@help.example.org --> x&#64;evil.example.net",
     "e-mail address differs as readers see it"),
    (CALL, "Thirrni 0800 11111 ose \u2070\u2078\u2070\u2070 \u00b9\u00b9\u00b9\u00b9\u00b2 tani.",  # superscript digits
     "phone number differs once invisible characters are removed and look-alike digits folded"),
    # 2. invisible and direction-changing characters, raw or as character references
    (CALL, "Thirrni 0800 11111 tani. 0\u200b8\u200b0\u200b0\u200b \u200b6\u200b6\u200b6\u200b6\u200b6",
     "U+200B ZERO WIDTH SPACE"),
    (CALL, "Thirrni \u202e0800 11111\u202c tani.", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    (CALL, "Thirrni \u20670800 11111\u2069 tani.", "U+2067 RIGHT-TO-LEFT ISOLATE"),
    (CALL, "Thirrni &#8238;0800 11111 tani.", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    (CALL, "Thirrni &#x2066;0800 11111&#x2069; tani.", "U+2066 LEFT-TO-RIGHT ISOLATE"),
    (CALL, "Thirrni 0800\u2060 11111 tani.", "U+2060 WORD JOINER"),
    (CALL, "Thirrni \ufeff0800 11111 tani.", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
    (CALL, "تماس 0800 11111\u200f.", "U+200F RIGHT-TO-LEFT MARK: it is next to a number"),
    (CALL, "تماس \u061c0800 11111.", "U+061C ARABIC LETTER MARK: it is next to a number"),
    (CALL, "تماس 0800 1\u200c1111.", "U+200C ZERO WIDTH NON-JOINER: it is next to a number"),
    (CALL, "Thirrni 0800 11111 &zwj;tani astra&zwj;.rs", "U+200D ZERO WIDTH JOINER: it is next to a Latin letter"),
    (CALL, "Thirrni 0800 11111\u20e3 tani.", "U+20E3 COMBINING ENCLOSING KEYCAP"),
    (CALL, "Thirrni 0800 11111 \U000e0030 tani.", "U+E0030 TAG DIGIT ZERO"),
    (CALL, "Thirrni 0800 11111 ose 0\u31648\u31640\u31640 6\u31646\u31646\u31646\u31646.", "U+3164 HANGUL FILLER"),
    (CALL, "Thirrni 0800 11111 ose 08\u200900\u200966\u200966\u20096.",  # thin spaces
     "phone number differs once invisible characters"),
    (CALL.replace("0800 11111", '<bdi dir="ltr">0800 11111</bdi>'), 'Thirrni <bdi dir="rtl">0800 11111</bdi> tani.',
     "changes text direction"),
    (CALL.replace("0800 11111", "<span>0800 11111</span>"), "Thirrni <span dir=rtl>0800 11111</span> tani.",
     "changes text direction"),
    # 3. every link target, in every form and letter case
    (LINK, "Thirrni [0800 11111][x].\n\n[x]: tel:080011112", "the link '0800 11111' dials '080011112'"),
    (LINK, "Thirrni [0800 11111](TEL:080011112).", "link target differs"),
    (LINK, "Thirrni [0800 11111](https://evil.example.net).", "shows a phone number but goes to 'https://evil.example.net'"),
    ("Read <https://help.example.org>.", "Lexoni <https://evil.example.net>.", "link target differs"),
    ("Read <https://help.example.org>.", "Lexoni [help.example.org](https://evil.example.net).", "the link 'help.example.org' "
                                                                                                 "goes to "
                                                                                                 "'https://evil.example.net'"),
    ("See https://help.example.org.", "Shih HTTPS://evil.example.net.", "web address differs"),
    ("See astra.rs.", "Shih astra.com.", "web address differs: source ['astra.rs'], translation ['astra.com']"),
    ('Call <a href="tel:080011111">0800 11111</a>.', 'Thirrni <a href="&#116;el:080011112">0800 11111</a>.', "dials '080011112'"),
    ('Write to <sos@help.example.org>.', 'Shkruani [sos@help.example.org](MAILTO:x@evil.example.net).', "link target differs"),
    # 4. numbers found as numbers.py finds them (i18n/numbers.py: EXACT_DIGITS, DIALLED_DIGITS)
    ("Call [112](tel:112).", "Thirrni [112](tel:113).", "the link '112' dials '113'"),  # a short code is dialled too
    ("Since 2020-2026", "Që nga 2020-2027", "phone number differs: source ['2020-2026'], translation ['2020-2027']"),
    ("Call (011) 785-0000.", "Thirrni (011) 785-0001.", "source ['(011) 785-0000'], translation ['(011) 785-0001']"),
    # 5. placeholders as Jinja's %-formatting reads them
    ("Help in %(country)s", "Ndihmë në %(countri)s", "placeholders differ"),
]


@pytest.mark.parametrize("source, translation, expected", HOSTILE, ids=[f"{i}" for i in range(len(HOSTILE))])
def test_hostile_translation_is_refused(source: str, translation: str, expected: str) -> None:
    problems = check_message(source, translation)
    assert any(expected in p for p in problems), problems


FINE = [
    (CALL, "Thirrni 0800 11111 tani."),
    (CALL, "Thirrni&nbsp;0800 11111 tani &amp; sot."),
    ("I want to call 0800 11111", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 0800 11111 \u062a\u0645\u0627\u0633 "
                                  "\u0628\u06af\u06cc\u0631\u0645"),
    # Bengali ya-phala with ZWJ
    ("I want help", "\u0986\u09ae\u09bf \u09b8\u09be\u09b9\u09be\u09af\u09cd\u200d\u09af \u099a\u09be\u0987"),
    ("Windows, please", "\u0644\u0637\u0641\u0627\u064b Windows\u200f \u0631\u0627"),  # RLM beside a Latin word
    ("Human trafficking", "Menschen\u00adhandel"),
    (LINK, "Thirrni [0800 11111][x].\n\n[x]: tel:080011111"),
    ("Call [0800 11111](tel:+38980011111).", "Thirrni [0800 11111](tel:+38980011111)."),
    ("Read <https://help.example.org>.", "Lexoni <https://help.example.org>."),
    ("Write to <sos@help.example.org>.", "Shkruani <sos@help.example.org>."),
    ("See astra.rs and šuma.rs.", "Vidi astra.rs i šuma.rs."),
    ("100%% free", "100% falas"),
    ("Free of charge", "100% falas"),  # a short number is the translator's to write
    (CALL, "Thirrni 0800  11111 tani."),  # a run of spaces reads as one
    (CALL, "Thirrni 0800\u00a011111 tani."),
    ("Open 08:00–20:00", "Hapur 8:00–20:00"),  # times of day are written the local way
    ("See [Law 97/2013](https://help.example.org/law).", "Shih [Ligji 97/2013](https://help.example.org/law)."),
    ("End. Next", "Fund. Tjetri"),
    # a source's own odd link is the campaign's to fix (validate checks its Markdown), not the translator's
    ("See [0800 11111](https://help.example.org/call).", "Shih [0800 11111](https://help.example.org/call)."),
    ("See [https://[](https://help.example.org).", "Shih [https://[](https://help.example.org)."),
]


@pytest.mark.parametrize("source, translation", FINE, ids=[f"{i}" for i in range(len(FINE))])
def test_legitimate_translation_passes(source: str, translation: str) -> None:
    assert check_message(source, translation) == []


def test_a_hidden_character_is_named_with_its_code_point() -> None:
    assert hidden_characters("a\u202eb") == [(1, "U+202E RIGHT-TO-LEFT OVERRIDE: it changes the order in which the "
                                                 "characters around it are shown (a number's digits can appear scrambled); "
                                                 "remove it: the toolbox keeps numbers and addresses left-to-right itself")]
    assert hidden_characters("\ufeffText", file_start=True) == []  # a byte-order mark, as Windows editors write
    assert hidden_characters("x\x07")[0][1].startswith("U+0007 BELL: it is a control character")


@pytest.mark.parametrize("shown, target, same", [
    ("0800 11111", "080011111", True),
    ("0800 11111", "+38980011111", True),
    ("+389 800 11111", "080011111", True),
    ("06 1234 5678", "+390612345678", True),  # Italy keeps its 0 after the country code
    ("0800 11111", "0038980011111", True),
    ("0800 11111", "080011112", False),
    ("0800 11111", "+4480011111999", False),
    ("0800 11111", "80011111", False),
])
def test_a_link_dials_the_number_it_shows(shown: str, target: str, same: bool) -> None:
    assert dials(shown, target) is same


def test_literal_percent_is_kept_literal_under_jinja_formatting() -> None:
    assert literal_percent("100% falas") % {} == "100% falas"
    assert literal_percent("%(country)s: 50% ulje") % {"country": "MK"} == "MK: 50% ulje"
    assert literal_percent("100%% free") % {} == "100% free"


def test_plural_and_singular_template_translations_keep_a_literal_percent() -> None:
    import jinja2

    from toolbox.i18n.catalog import Translator

    tr = Translator("sq", ["sq", "en"], "en",
                    {"sq": {"free": "100% falas", "%(num)d page": ("%(num)d faqe (100%)", "%(num)d faqe (100%)")}})
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    env.newstyle_gettext = True  # type: ignore[attr-defined]  # as render/templates.py does
    env.globals.update(gettext=tr.gettext, ngettext=tr.ngettext)
    page = env.from_string('{{ _("free") }} | {{ ngettext("%(num)d page", "%(num)d pages", 3) }}').render()
    assert page == "100% falas | 3 faqe (100%)"


def test_the_build_renders_what_the_checks_read(tmp_path: Path) -> None:
    """A translation with a literal %, a reference-style link and entities builds, and the page, the
    leaflet's text and the SMS show what reader_view says readers get."""
    project = make_project(tmp_path, own_locales=True)
    assert run_toolbox("new", "jobs", cwd=project).returncode == 0
    toml = project / "campaigns/jobs/campaign.toml"
    toml.write_text(toml.read_text(encoding="utf-8")
                    .replace('locales = ["en"] ', 'locales = ["en", "sq"] ')
                    .replace("exit_url =", "min_translated = 0.0\nexit_url ="), encoding="utf-8")
    source = "Call [0800 11111](tel:080011111) or write to <sos@help.example.org>."
    translation = "Thirrni [0800 11111][sos] ose shkruani &lt;<sos@help.example.org>&gt; &amp; sot.\n\n[sos]: tel:080011111"
    sms = "Job offer abroad? Check it before you pay or travel."
    sms_sq = "Ofert&euml; pune jasht&euml;? Kontrollojeni &amp; mos paguani."
    (project / "campaigns/jobs/content/about.md").write_text(source + "\n", encoding="utf-8")
    po = project / "locales/sq/LC_MESSAGES/jobs.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  f'msgid "{source}"\nmsgstr "{translation.replace(chr(10), chr(92) + "n")}"\n\n'
                  f'msgid "{sms}"\nmsgstr "{sms_sq}"\n', encoding="utf-8")
    templates_po = project / "locales/sq/LC_MESSAGES/toolbox.po"
    text = templates_po.read_text(encoding="utf-8")
    assert 'msgid "free of charge"\nmsgstr "falas"' in text
    templates_po.write_text(text.replace('msgid "free of charge"\nmsgstr "falas"', 'msgid "free of charge"\nmsgstr "100% falas"'),
                            encoding="utf-8")
    result = run_toolbox("build", "--jobs", "1", "--previews", "none", cwd=project)
    assert result.returncode == 0, result.stderr
    out = project / "dist/jobs/sq"
    help_page = next(out.rglob("help/mk.html")).read_text(encoding="utf-8")
    assert "100% falas" in help_page  # was: "template error: TypeError" blaming partials/contacts.html
    page = (out / "jobs-abroad/index.html").read_text(encoding="utf-8")
    paragraph = re.search(r"<p>Thirrni.*?</p>", page, re.S).group(0)
    # Compared without format characters: the build may isolate numbers (U+2066...U+2069) itself.
    seen, links = folded(reader_view(translation)[0]), reader_view(translation)[1]
    assert (folded(reader_view(paragraph[3:-4])[0]), reader_view(paragraph[3:-4])[1]) == (seen, links)
    assert links == (("tel:080011111", "0800 11111"), ("mailto:sos@help.example.org", "sos@help.example.org"))
    leaflet = next(out.rglob("*leaflet*.pdf"))
    pdf_text = subprocess.run(["pdftotext", "-raw", str(leaflet), "-"], capture_output=True, text=True, check=True).stdout
    assert seen in " ".join(folded(pdf_text).split()), pdf_text
    assert "100% falas" in pdf_text
    sms_file = next(out.rglob("*-sms.txt")).read_text(encoding="utf-8")
    assert folded(sms_file).startswith(reader_view(sms_sq)[0] + "\n"), sms_file
