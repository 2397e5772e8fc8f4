"""Locales the toolbox knows, including the ones CLDR lacks or names wrongly.

Locales are BCP 47 tags everywhere users see them (``sr-Latn``, ``rmn``).
Each has a native name, script, direction, the CLDR locale it borrows number
and date formatting from, and a default fallback chain. A campaign may
declare more locales, or override these, under ``[locales.<tag>]``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from babel import Locale as BabelLocale
from babel import UnknownLocaleError
from babel.core import get_global
from babel.messages.plurals import get_plural


@dataclass(frozen=True)
class LocaleInfo:
    tag: str
    name: str  # in its own language
    english: str
    script: str
    direction: str
    cldr: str
    plural_forms: str = ""  # only where CLDR has no data
    fallback: tuple[str, ...] = ()
    transliterate: str = ""  # built from this locale's translation by transliteration

    @property
    def babel(self) -> BabelLocale:
        return BabelLocale.parse(self.cldr)

    @property
    def po_plural_forms(self) -> str:
        if self.plural_forms:
            return self.plural_forms
        return get_plural(self.babel).plural_forms


_L = LocaleInfo
BUILTIN: dict[str, LocaleInfo] = {
    loc.tag: loc
    for loc in [
        _L("en", "English", "English", "Latn", "ltr", "en"),
        _L("sq", "Shqip", "Albanian", "Latn", "ltr", "sq"),
        _L("sr-Latn", "srpski (latinica)", "Serbian (Latin)", "Latn", "ltr", "sr_Latn", fallback=("bs",)),
        # Serbian is one language in two scripts: the Cyrillic pages are transliterated from the
        # Latin translation unless a campaign declares `transliterate = "sr-Cyrl"` (own catalogs).
        _L("sr-Cyrl", "српски (ћирилица)", "Serbian (Cyrillic)", "Cyrl", "ltr", "sr_Cyrl", transliterate="sr-Latn"),
        _L("bs", "bosanski", "Bosnian", "Latn", "ltr", "bs", fallback=("sr-Latn",)),
        # Babel parses "cnr" as sr_Latn_ME ("srpski (latinica, Crna Gora)"):
        # Montenegrin readers call their language crnogorski.
        _L("cnr", "crnogorski", "Montenegrin", "Latn", "ltr", "sr_Latn_ME", fallback=("sr-Latn", "bs")),
        _L("mk", "македонски", "Macedonian", "Cyrl", "ltr", "mk"),
        _L("ar", "العربية", "Arabic", "Arab", "rtl", "ar"),
        _L("fa", "فارسی", "Persian (Farsi)", "Arab", "rtl", "fa"),
        # CLDR has Dari only as fa_AF.
        _L("prs", "دری", "Dari", "Arab", "rtl", "fa_AF", fallback=("fa",)),
        _L("ps", "پښتو", "Pashto", "Arab", "rtl", "ps"),
        _L("ur", "اردو", "Urdu", "Arab", "rtl", "ur"),
        _L("ckb", "کوردی", "Central Kurdish (Sorani)", "Arab", "rtl", "ckb"),
        _L("kmr", "Kurmancî", "Northern Kurdish (Kurmanji)", "Latn", "ltr", "ku"),
        _L("tr", "Türkçe", "Turkish", "Latn", "ltr", "tr"),
        _L("fr", "français", "French", "Latn", "ltr", "fr"),
        # CLDR's locale "bn" names no script (its likely subtags say Beng).
        _L("bn", "বাংলা", "Bangla (Bengali)", "Beng", "ltr", "bn"),
        # CLDR has no Romani: borrow English number formats, two plural forms.
        _L("rmn", "romani čhib", "Balkan Romani", "Latn", "ltr", "en", "nplurals=2; plural=(n != 1);"),
        # Pseudo-locale for designers: every message accented, longer, bracketed.
        _L("en-XA", "[Ƥšéûđö]", "Pseudo-locale", "Latn", "ltr", "en"),
    ]
}



def likely_script(loc: BabelLocale) -> str:
    """The ISO 15924 script of a CLDR locale: its own, else CLDR's likely subtags (bn → Beng)."""
    if loc.script:
        return loc.script
    likely = get_global("likely_subtags")
    for key in (str(loc), f"{loc.language}_{loc.territory}" if loc.territory else "", loc.language):
        parts: list[str] = likely.get(key, "").split("_") if key else []
        if len(parts) > 1 and len(parts[1]) == 4:
            return parts[1]
    return "Latn"


def from_cldr(tag: str) -> LocaleInfo | None:
    """What CLDR knows about ``tag`` (name, script, direction), or None if it does not know it."""
    try:
        loc = BabelLocale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None
    rtl = loc.character_order == "right-to-left"
    return LocaleInfo(tag, loc.get_display_name(loc) or tag, loc.english_name or tag, likely_script(loc),
                      "rtl" if rtl else "ltr", str(loc))


def in_cldr(tag: str) -> bool:
    """True when CLDR (Babel) has data for ``tag`` itself; Romani, for one, borrows another's."""
    try:
        BabelLocale.parse(tag.replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return False
    return True


def resolve(tag: str, declared: dict | None = None) -> LocaleInfo | None:
    """The locale for ``tag``: built-in, overridden or declared by the campaign.

    ``declared`` maps tags to :class:`toolbox.campaign.model.LocaleDecl`. A tag that is
    neither built in nor declared is accepted only if CLDR knows it; its script
    comes from CLDR's likely subtags, not "Latn" by default.
    """
    decl = (declared or {}).get(tag)
    base = BUILTIN.get(tag) or from_cldr(tag)
    if base is None and decl is None:
        return None
    if decl is not None:
        # A declaration changes only the keys it sets: the rest stays built in or from CLDR.
        borrowed = from_cldr(decl.cldr) if base is None and decl.cldr else None
        if borrowed is not None:  # a language CLDR lacks, formatted like one it has: take its script too
            base = replace(borrowed, tag=tag, name=tag, english=tag)
        base = base or LocaleInfo(tag, tag, tag, "Latn", "ltr", "en")
        changes = {k: v for k, v in {
            "name": decl.name, "script": decl.script, "direction": decl.direction,
            "cldr": decl.cldr, "plural_forms": decl.plural_forms,
        }.items() if v}
        if decl.fallback:
            changes["fallback"] = tuple(decl.fallback)
        if decl.transliterate:
            changes["transliterate"] = decl.transliterate
        base = replace(base, **changes)
    return base


def chain(tag: str, source: str, declared: dict | None = None) -> list[str]:
    """The fallback chain of ``tag``: itself, its declared fallbacks, then ``source``.

    A fallback in another script than the reader's is skipped unless it is the
    source language (the last resort), so a Sorani reader is never given Kurmanji.
    """
    first = resolve(tag, declared)
    out = [tag]
    for other in first.fallback if first else ():
        info = resolve(other, declared)
        if info and first and info.script == first.script and other not in out:
            out.append(other)
    if source not in out:
        out.append(source)
    return out
