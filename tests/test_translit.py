import pytest

from toolbox.i18n.translit import transliterate

PAIRS = [
    ("Ljubav i njegova džamija", "Љубав и његова џамија"),
    ("LJUDI NJIHOVI DŽEPOVI", "ЉУДИ ЊИХОВИ ЏЕПОВИ"),
    ("Njegoš, Džon, Đorđe, Ćuprija, Šabac, Žabalj, Čačak", "Његош, Џон, Ђорђе, Ћуприја, Шабац, Жабаљ, Чачак"),
    ("nadživeti injekcija konjugacija", "надживети инјекција конјугација"),
]


@pytest.mark.parametrize("latin, cyrillic", PAIRS)
def test_both_directions(latin: str, cyrillic: str) -> None:
    assert transliterate(latin, "Cyrl") == cyrillic
    assert transliterate(cyrillic, "Latn") == latin


def test_all_caps_digraphs_follow_the_word() -> None:
    assert transliterate("ЉУБАВ Љубав Њ", "Latn") == "LJUBAV Ljubav Nj"


def test_markup_urls_numbers_placeholders_and_names_are_left_alone() -> None:
    text = ('Pozovite ASTRA SOS liniju 011 785 0000 ili pišite na info@astra.rs, '
            'vidi [sajt](https://astra.rs/nj-lj) <a href="https://x.org/pomoc">ovde</a> u %(country)s')
    out = transliterate(text, "Cyrl", ["ASTRA", "SOS"])
    assert out == ('Позовите ASTRA SOS линију 011 785 0000 или пишите на info@astra.rs, '
                   'види [сајт](https://astra.rs/nj-lj) <a href="https://x.org/pomoc">овде</a> у %(country)s')


@pytest.mark.parametrize("kept", ["astra.rs", "ASTRA.RS", "sos.astra.org.rs", "HTTPS://astra.rs/nj", "mailto:sos@astra.rs",
                                  "TEL:0800", "&nbsp;", "&#x30;", "&amp;"])
def test_addresses_without_a_scheme_and_character_references_stay_latin(kept: str) -> None:
    # astra.rs in Cyrillic (астра.рс) is another domain, which someone else may own.
    out = transliterate(f"Pišite nam: {kept} danas", "Cyrl")
    assert out == f"Пишите нам: {kept} данас"


def test_reference_style_link_targets_stay_as_written() -> None:
    out = transliterate("Vidi [našu stranu][nj].\n\n[nj]: /pomoc/nj", "Cyrl")
    assert out == "Види [нашу страну][њ].\n\n[њ]: /pomoc/nj"


def test_a_sentence_end_is_not_a_domain() -> None:
    assert transliterate("Kraj rečenice. Nova počinje.", "Cyrl") == "Крај реченице. Нова почиње."
