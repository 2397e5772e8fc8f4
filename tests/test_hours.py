"""Opening hours: parsed from the forms campaign staff write, printed with CLDR day names and times."""

from __future__ import annotations

import pytest
from babel import Locale

from toolbox.campaign.hours import ALL_DAYS, NBSP, Hours, HoursError, Labels, Rule, format_hours, parse_hours
from toolbox.i18n.locales import in_cldr

LABELS = Labels("24 hours, every day", "every day")


@pytest.mark.parametrize("text, expected", [
    ("24/7", Hours(always=True)),
    ("24 / 7", Hours(always=True)),
    ("Mo-Su 00:00-24:00", Hours(always=True)),
    ("Mo-Fr 10:00-18:00", Hours((Rule((0, 1, 2, 3, 4), ((600, 1080),)),))),
    ("Mo-Fr 08:00-20:00; Sa 10:00-14:00", Hours((Rule((0, 1, 2, 3, 4), ((480, 1200),)), Rule((5,), ((600, 840),))))),
    ("Mo,We,Fr 09:00-12:00", Hours((Rule((0, 2, 4), ((540, 720),)),))),
    ("Mo 08:00-12:00,13:00-17:00", Hours((Rule((0,), ((480, 720), (780, 1020))),))),
    ("08–20", Hours((Rule((), ((480, 1200),)),))),
    ("Mon–Fri 10–18", Hours((Rule((0, 1, 2, 3, 4), ((600, 1080),)),))),
    ("Mon-Fri 09-17", Hours((Rule((0, 1, 2, 3, 4), ((540, 1020),)),))),
    ("daily 8-20", Hours((Rule(ALL_DAYS, ((480, 1200),)),))),
    ("Every day 8:30-20", Hours((Rule(ALL_DAYS, ((510, 1200),)),))),
    ("Mon–Fri 10–18, Sat 10–14", Hours((Rule((0, 1, 2, 3, 4), ((600, 1080),)), Rule((5,), ((600, 840),))))),
    ("Fr-Mo 20:00-02:00", Hours((Rule((4, 5, 6, 0), ((1200, 120),)),))),
    ("monday  9-12", Hours((Rule((0,), ((540, 720),)),))),
])
def test_accepted_forms(text: str, expected: Hours) -> None:
    assert parse_hours(text) == expected


@pytest.mark.parametrize("text, reason", [
    ("", "empty"),
    ("PH off", "public and school holidays"),
    ("Mo-Fr 09:00-17:00; PH off", "public and school holidays"),
    ("Sa off", "closed days"),
    ("Mo-Fr", "time range such as 10:00-18:00 is missing after the days"),
    ("10", "start of a range"),
    ("25:00-26:00", "not a time of day"),
    ("10:61-12:00", "not a time of day"),
    ("24:30-02:00", "not a time of day"),
    ("10-10", "opens and closes at the same time"),
    ("soon", "'soon' is not a day"),
    ("Mo-Fr 10:00-18:00;", "nothing follows"),
    ("9am-5pm", "'am' is not a day"),
    ("Mo-Fr 10:00-18:00 (summer)", "'(' is not part of an opening time"),
])
def test_refused_values_say_why(text: str, reason: str) -> None:
    with pytest.raises(HoursError, match=None) as caught:
        parse_hours(text)
    assert reason in str(caught.value)


def _say(text: str, cldr: str, direction: str = "ltr", hour24=None) -> str:
    html = str(format_hours(parse_hours(text), Locale.parse(cldr), direction, LABELS, hour24))
    return html.replace(NBSP, " ")


@pytest.mark.parametrize("cldr, direction, expected", [
    ("en", "ltr", '<bdi dir="ltr" class="hours">Mon–Fri 10:00 AM – 6:00 PM and Sat 10:00 AM – 2:00 PM</bdi>'),
    ("sq", "ltr", '<bdi dir="ltr" class="hours">hën–pre 10:00 p.d. – 6:00 m.d. dhe sht 10:00 p.d. – 2:00 m.d.</bdi>'),
    ("sr_Cyrl", "ltr", '<bdi dir="ltr" class="hours">пон–пет 10:00–18:00 и суб 10:00–14:00</bdi>'),
    ("sr_Latn", "ltr", '<bdi dir="ltr" class="hours">pon–pet 10:00–18:00 i sub 10:00–14:00</bdi>'),
    ("mk", "ltr", '<bdi dir="ltr" class="hours">пон.–пет. 10:00–18:00 и саб. 10:00–14:00</bdi>'),
    ("fr", "ltr", '<bdi dir="ltr" class="hours">lun.–ven. 10:00–18:00 et sam. 10:00–14:00</bdi>'),
    ("ar", "rtl", '<bdi dir="rtl" class="hours">الاثنين–الجمعة 10:00 ص – 6:00 م والسبت 10:00 ص – 2:00 م</bdi>'),
    # CLDR's Urdu writes AM/PM in Latin letters: each time is its own LTR isolate, or "AM – 6:00 PM" would
    # join into one left-to-right run and the range would print torn apart.
    ("ur", "rtl", '<bdi dir="rtl" class="hours">پیر–جمعہ <bdi dir="ltr">10:00 AM</bdi> – <bdi dir="ltr">6:00 PM</bdi> '
                  'اور ہفتہ <bdi dir="ltr">10:00 AM</bdi> – <bdi dir="ltr">2:00 PM</bdi></bdi>'),
    ("bn", "ltr", '<bdi dir="ltr" class="hours">সোম–শুক্র 10:00 AM – 6:00 PM এবং শনি 10:00 AM – 2:00 PM</bdi>'),
])
def test_printed_in_the_readers_language(cldr: str, direction: str, expected: str) -> None:
    assert _say("Mo-Fr 10:00-18:00; Sa 10:00-14:00", cldr, direction) == expected


def test_a_range_never_breaks_inside() -> None:
    html = str(format_hours(parse_hours("Mo-Fr 09:00-17:00"), Locale.parse("en"), "ltr", LABELS))
    assert "9:00\u00a0AM\u00a0–\u00a05:00\u00a0PM" in html
    assert "Mon–Fri 9:00" in html  # days and times may wrap apart


def test_romani_borrows_english_day_names_with_a_24_hour_clock() -> None:
    # CLDR has no Romani: rmn borrows en (its declared cldr), but English AM/PM is not the
    # region's clock, so the Localizer forces 24 hours for locales CLDR lacks.
    assert not in_cldr("rmn") and in_cldr("sr-Cyrl") and in_cldr("ar")
    assert _say("Mon-Fri 09-17", "en", hour24=True) == '<bdi dir="ltr" class="hours">Mon–Fri 09:00–17:00</bdi>'
    assert _say("Mo-Fr 20:00-24:00", "en", hour24=True) == '<bdi dir="ltr" class="hours">Mon–Fri 20:00–24:00</bdi>'


def test_always_and_daily_use_the_translated_labels() -> None:
    labels = Labels("24 часа, сваки дан", "сваки дан")
    assert str(format_hours(parse_hours("24/7"), Locale.parse("sr_Cyrl"), "ltr", labels)) == \
        '<bdi dir="ltr" class="hours">24 часа, сваки дан</bdi>'
    assert "сваки дан 08:00–20:00" in str(format_hours(parse_hours("daily 8-20"), Locale.parse("sr_Cyrl"), "ltr", labels))


def test_rtl_isolate_follows_the_text_not_only_the_locale() -> None:
    # Digits alone read in the reader's direction; a label still in English (not yet translated) stays LTR.
    assert _say("08-20", "ar", "rtl") == '<bdi dir="rtl" class="hours">8:00 ص – 8:00 م</bdi>'
    assert _say("08-20", "fa", "rtl").startswith('<bdi dir="rtl" class="hours">8:00–20:00')
    assert _say("24/7", "ar", "rtl") == '<bdi dir="ltr" class="hours">24 hours, every day</bdi>'


def test_day_lists_and_ranges() -> None:
    assert _say("Mo,We,Fr 09:00-12:00", "en") == '<bdi dir="ltr" class="hours">Mon, Wed, and Fri 9:00 AM – 12:00 PM</bdi>'
    assert _say("Mo,Tu,We 9-12", "sr_Latn") == '<bdi dir="ltr" class="hours">pon–sre 09:00–12:00</bdi>'
    assert _say("Sa,Su 10-14", "sr_Latn") == '<bdi dir="ltr" class="hours">sub i ned 10:00–14:00</bdi>'
    assert _say("Fr-Mo 20-02", "sr_Latn") == '<bdi dir="ltr" class="hours">pet–pon 20:00–02:00</bdi>'


def test_markup_in_labels_is_escaped() -> None:
    html = str(format_hours(parse_hours("24/7"), Locale.parse("en"), "ltr", Labels("<b>always</b>", "x")))
    assert "<b>" not in html and "&lt;b&gt;" in html
