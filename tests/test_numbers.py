"""Numbers, phone numbers and addresses kept left to right (toolbox/i18n/numbers.py), and {hotline}.

Unit tests over many inputs; how the outputs look to a reader (positions of
digit groups in PDFs and in Chromium) is in tests/test_bidi.py.
"""

from __future__ import annotations

import re

import pytest
from markupsafe import Markup

from toolbox.i18n.numbers import (
    LRI,
    PDI,
    Hotline,
    digits,
    find_spans,
    isolate_html,
    isolate_plain_html,
    isolate_text,
    looks_like_phone,
)
from toolbox.i18n.segments import inline_html, render_blocks, split_blocks
from toolbox.outreach.sms import count, sms_text
from toolbox.theme import Theme

MK = Hotline((("0800 11111", "080011111", ""),))


@pytest.mark.parametrize("text, expected", [
    ("Call 0800 11111 now", [("phone", "0800 11111")]),
    ("اتصل بـ 0800 11111 الآن.", [("phone", "0800 11111")]),
    ("Call +381 11 785 0000.", [("phone", "+381 11 785 0000")]),
    ("Call 011/785-0000, daily", [("phone", "011/785-0000")]),
    ("Call (011) 785 0000", [("phone", "(011) 785 0000")]),
    ("+44 (0)20 7946 0000", [("phone", "+44 (0)20 7946 0000")]),
    ("رقم ٠٨٠٠ ١١١١١ للمساعدة", [("phone", "٠٨٠٠ ١١١١١")]),  # Arabic-Indic digits
    ("شمارہ ۰۸۰۰ ۱۱۱۱۱", [("phone", "۰۸۰۰ ۱۱۱۱۱")]),  # Extended Arabic-Indic (Urdu, Persian)
    ("নম্বর ০৮০০ ১১১১১", [("phone", "০৮০০ ১১১১১")]),  # Bengali digits
    ("(0800 11111)", [("phone", "0800 11111")]),  # the sentence's brackets stay outside
    ("Call 0800 11111.", [("phone", "0800 11111")]),  # so does the full stop
    ("0800 11111، 011 785 0000", [("phone", "0800 11111"), ("phone", "011 785 0000")]),  # Arabic comma separates
    ("116 006", [("phone", "116 006")]),  # EU harmonised number, grouped like an amount
    ("ژمارە 0800 11111ە", [("phone", "0800 11111")]),  # a Kurdish suffix glued after the number
    ("بـ0800 11111", [("phone", "0800 11111")]),  # an Arabic preposition glued before it
    ("open 08:00–20:00", [("number", "08:00–20:00")]),
    ("page 1 / 5", [("number", "1 / 5")]),
    ("on 1.12.2026", [("number", "1.12.2026")]),
    ("2020–2026", [("number", "2020–2026")]),
    ("3 000 000 people", [("number", "3 000 000")]),
    ("112", [("number", "112")]),
    ("24/7", [("number", "24/7")]),
    ("mp3 files", []),  # digits glued to Latin letters are part of a word
    ("COVID-19", [("number", "19")]),
    ("see https://example.org/help/work?x=1.", [("url", "https://example.org/help/work?x=1")]),
    ("(https://example.org/a_(b))", [("url", "https://example.org/a_(b)")]),
    ("www.example.org/help, then", [("url", "www.example.org/help")]),
    ("مزید https://example.org/help۔", [("url", "https://example.org/help")]),  # Urdu full stop
    ("write to help@example.org!", [("email", "help@example.org")]),
    ("اكتب إلى help.desk+1@example.org.", [("email", "help.desk+1@example.org")]),
    ("no digits here", []),
])
def test_find_spans(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(s.kind, s.text) for s in find_spans(text)] == expected
    for span in find_spans(text):
        assert text[span.start:span.end] == span.text


def test_digits_in_any_script() -> None:
    assert digits("٠٨٠٠ ١١١١١") == digits("۰۸۰۰ ۱۱۱۱۱") == digits("0800-11111") == "080011111"


@pytest.mark.parametrize("number, phone", [
    ("0800 11111", True), ("011 785 0000", True), ("+381 11 785 0000", True), ("116 666", True),
    ("1.12.2026", False), ("2020-2026", False), ("08:00–20:00", False), ("3 000 000", False), ("112", False),
    ("1 000 000", False), ("+1 000 000", True),
])
def test_looks_like_phone(number: str, phone: bool) -> None:
    assert looks_like_phone(number) is phone


def test_isolate_text_wraps_each_span_once() -> None:
    text = "اتصل 0800 11111 أو help@example.org"
    assert isolate_text(text) == f"اتصل {LRI}0800 11111{PDI} أو {LRI}help@example.org{PDI}"
    assert isolate_text("no numbers") == "no numbers"


@pytest.mark.parametrize("html, expected", [
    # a number that is a link's text: isolated inside the link, the href untouched
    ('<a href="tel:080011111">0800 11111</a>',
     '<a href="tel:080011111"><bdi dir="ltr" class="num">0800 11111</bdi></a>'),
    # attributes never change, even when they hold numbers or addresses
    ('<a href="https://example.org/1 2" title="0800 11111">x</a>', '<a href="https://example.org/1 2" title="0800 11111">x</a>'),
    # emphasis around the number
    ("<strong>0800 11111</strong>!", '<strong><bdi dir="ltr" class="num">0800 11111</bdi></strong>!'),
    # already isolated left to right: left alone (no bdi in a bdi)
    ('<bdi dir="ltr">0800 11111</bdi>', '<bdi dir="ltr">0800 11111</bdi>'),
    # isolated by a translator in the wrong direction: still isolated inside it
    ('<bdi dir="rtl">0800 11111</bdi>', '<bdi dir="rtl"><bdi dir="ltr" class="num">0800 11111</bdi></bdi>'),
    # escaped text stays escaped
    ("a &amp; b &lt;1 2&gt;", 'a &amp; b &lt;<bdi dir="ltr" class="num">1 2</bdi>&gt;'),
    ("line<br>0800 11111", 'line<br><bdi dir="ltr" class="num">0800 11111</bdi>'),
    ('<a href="mailto:help@example.org">help@example.org</a>',
     '<a href="mailto:help@example.org"><bdi dir="ltr">help@example.org</bdi></a>'),
])
def test_isolate_html(html: str, expected: str) -> None:
    assert isolate_html(html) == expected


def test_hotline_becomes_a_tel_link_but_never_a_link_in_a_link() -> None:
    assert isolate_html("اتصل {hotline} الآن", MK) == (
        'اتصل <a href="tel:080011111" class="tel"><bdi dir="ltr" class="num">0800 11111</bdi></a> الآن')
    assert isolate_html('<a href="https://example.org">call {hotline}</a>', MK) == (
        '<a href="https://example.org">call <bdi dir="ltr" class="num">0800 11111</bdi></a>')
    # without a hotline (an output that has none) the placeholder stays visible, never silently empty
    assert isolate_html("call {hotline}") == "call {hotline}"


def test_several_countries_are_listed_with_the_locales_or() -> None:
    both = Hotline((("0800 11111", "080011111", "North Macedonia"), ("011 785 0000", "0117850000", "Serbia")), "ur")
    assert both.plain(False) == "0800 11111 (North Macedonia) یا 011 785 0000 (Serbia)"
    assert both.plain(True) == f"{LRI}0800 11111{PDI} (North Macedonia) یا {LRI}011 785 0000{PDI} (Serbia)"
    assert str(both.html()).count('href="tel:') == 2


def test_markdown_blocks_isolate_after_sanitising() -> None:
    source = ("- Call {hotline} or **0800 22222**.\n"
              "- Write to <help@example.org> or see [the page](https://example.org/a/b).\n"
              '- <bdi dir="rtl" onclick="x()">011 785 0000</bdi>\n')
    html = render_blocks(split_blocks(source), lambda t: (t, "ar", "rtl"), "ar", hotline=MK)
    assert '<a href="tel:080011111" class="tel"><bdi dir="ltr" class="num">0800 11111</bdi></a>' in html
    assert '<strong><bdi dir="ltr" class="num">0800 22222</bdi></strong>' in html
    assert 'href="https://example.org/a/b"' in html  # link target untouched
    assert "onclick" not in html  # sanitised first: the isolation adds markup only to clean HTML
    assert '<bdi dir="rtl"><bdi dir="ltr" class="num">011 785 0000</bdi></bdi>' in html
    # the markup is still balanced
    opened = re.findall(r"<(bdi|a|strong|li|ul)\b", html)
    closed = re.findall(r"</(bdi|a|strong|li|ul)>", html)
    assert sorted(opened) == sorted(closed)


def test_plain_text_to_html() -> None:
    assert isolate_plain_html("<b>0800 11111</b>") == '&lt;b&gt;<bdi dir="ltr" class="num">0800 11111</bdi>&lt;/b&gt;'
    assert isinstance(isolate_plain_html("x"), Markup)
    assert inline_html("0800 11111") == "0800 11111"  # sanitising itself adds nothing


def test_sms_isolates_only_right_to_left_texts_and_counts_the_isolates() -> None:
    country = {"hotlines": [{"name": "SOS", "number": "0800 11111"}]}
    ltr = sms_text({"sms": "Call 0800 11111."}, country)
    assert LRI not in ltr and count(ltr.rstrip("\n")).encoding == "GSM-7"
    rtl = sms_text({"sms": "اتصل بالرقم 0800 11111."}, country, rtl=True)
    assert rtl == f"اتصل بالرقم {LRI}0800 11111{PDI}.\nSOS: {LRI}0800 11111{PDI}\n"
    counted = count(rtl.rstrip("\n"))
    assert counted.encoding == "UCS-2" and counted.units == len(rtl.rstrip("\n"))  # 4 isolates, 4 units


def test_template_strings_of_right_to_left_locales_isolate_with_characters(tmp_path) -> None:
    """Template strings may be printed inside attributes: plain LRI/PDI, never <bdi>; only right-to-left locales."""
    import shutil
    from pathlib import Path

    from conftest import make_project
    from toolbox.campaign.load import load_campaign
    from toolbox.errors import Collector
    from toolbox.i18n.localize import translators
    from toolbox.project import Project

    fixture = Path(__file__).parent / "fixtures" / "bidi"
    root = make_project(tmp_path)
    shutil.copytree(fixture, root / "campaigns" / "bidi", ignore=shutil.ignore_patterns("locales"))
    project = Project(root)
    campaign = load_campaign(project.campaigns / "bidi", Collector())
    footnote = ("This designation is without prejudice to positions on status, and is in line with UNSCR 1244/1999 "
                "and the ICJ Opinion on the Kosovo declaration of independence.")
    ar = str(translators(project, campaign, "ar").templates.gettext(footnote))
    assert f"{LRI}1244/1999{PDI}" in ar and "<bdi" not in ar
    assert LRI not in str(translators(project, campaign, "en").templates.gettext(footnote))


def test_template_filters_for_designers(tmp_path) -> None:
    from toolbox.render.templates import environment

    (tmp_path / "t.html").write_text("{{ n|ltr }}|{{ a|numbers }}|{{ m|numbers }}", encoding="utf-8")
    out = environment(Theme((tmp_path,), ())).get_template("t.html").render(
        n="<0800 11111>", a="Bulevar 12, 11000 Beograd", m=Markup("<em>0800 11111</em>"))
    assert out == ('<bdi dir="ltr">&lt;0800 11111&gt;</bdi>|Bulevar <bdi dir="ltr" class="num">12</bdi>, '
                   '<bdi dir="ltr" class="num">11000</bdi> Beograd|<em><bdi dir="ltr" class="num">0800 11111</bdi></em>')


def test_hotline_printed_inside_a_link_has_no_link_of_its_own() -> None:
    from dataclasses import replace

    assert isolate_plain_html("Call {hotline}", replace(MK, link=False)) == (
        'Call <bdi dir="ltr" class="num">0800 11111</bdi>')


def test_what_hotline_becomes_per_output() -> None:
    from toolbox.campaign.model import Campaign, CampaignInfo, Country
    from toolbox.campaign.model import Hotline as Line
    from toolbox.i18n.hotlines import hotline_for, main_hotline

    def country(code: str, number: str) -> Country:
        return Country(hotlines=[Line(name="SOS", number=number)], code=code)

    campaign = Campaign(CampaignInfo(id="x", title="x"), countries={
        "MK": country("MK", "0800 11111"), "RS": country("RS", "011 785 0000"), "ME": country("ME", "0800 11111"),
        "AL": Country(code="AL")})
    assert main_hotline(campaign, "RS").number == "011 785 0000" and main_hotline(campaign, "AL") is None
    assert hotline_for(campaign, ["RS"]).numbers == (("011 785 0000", "0117850000", ""),)
    # no country (a group's page): every country's number, named; a number shared by two countries once
    both = hotline_for(campaign, ["MK", "RS", "ME", "AL"], {"MK": "North Macedonia", "RS": "Serbia", "ME": "Montenegro"}.get)
    assert both.plain(False) == "0800 11111 (North Macedonia, Montenegro) or 011 785 0000 (Serbia)"
    assert hotline_for(campaign, ["AL"]) is None
