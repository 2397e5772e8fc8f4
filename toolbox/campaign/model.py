"""The typed model of a campaign definition.

The dataclasses below *are* the schema of ``campaign.toml``: the loader reads
their field names, types, defaults and ``doc`` metadata, so a field added here
is accepted, type-checked and documented in error hints at once.
Fields whose metadata says ``internal`` are filled by the loader, not by users.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .tomlpos import KeyPath

#: Content sections a target group can have, in reading order. Each is a
#: Markdown file; templates give them their (translated) headings.
SECTIONS = ("about", "warning_signs", "rights", "what_to_do", "safety")

STATUSES = ("draft", "review", "approved")
SERVICE_KINDS = ("shelter", "legal", "medical", "psychological", "social", "police", "general")
CONFIDENCES = ("low", "medium", "medium-high", "high")
#: What kind of line a hotline is: a country's own, or one of [[regional_hotlines]] (docs/campaign-format.md).
HOTLINE_KINDS = ("national", "regional", "international", "emergency")
REGIONAL_KINDS = HOTLINE_KINDS[1:]


def doc(text: str, **extra: Any) -> dict[str, Any]:
    return {"doc": text, **extra}


def internal() -> dict:
    return {"internal": True}


@dataclass(frozen=True)
class Partner:
    name: str = field(metadata=doc("organisation name, printed as given"))
    logo: str = field(default="", metadata=doc("logo image file, relative to the campaign folder"))
    url: str = field(default="", metadata=doc("partner website"))
    key: KeyPath = field(default=(), metadata=internal())


@dataclass(frozen=True)
class Asset:
    id: str = field(metadata=doc("identifier used by target groups (image = \"...\")"))
    file: str = field(metadata=doc("image file, relative to the campaign folder"))
    alt: str = field(metadata=doc("alternative text (translated)"))
    key: KeyPath = field(default=(), metadata=internal())


@dataclass(frozen=True)
class Hotline:
    name: str = field(metadata=doc("what the line is, e.g. \"ASTRA SOS line\" (translated)"))
    number: str = field(metadata=doc("phone number as dialled in the country, e.g. \"0800 11111\""))
    operator: str = field(default="", metadata=doc("who answers (not translated)"))
    hours: str = field(default="", metadata=doc("opening hours, printed in the reader's language: \"24/7\", "
                                                "\"Mo-Fr 10:00-18:00\", \"Mo-Fr 08:00-20:00; Sa 10:00-14:00\", "
                                                "\"Mon-Fri 09-17\", \"daily 8-20\""))
    free: bool = field(default=False, metadata=doc("true when calling is free of charge"))
    anonymous: bool = field(default=False, metadata=doc("true when callers need not give their name"))
    languages: list[str] = field(default_factory=list, metadata=doc("locales the line answers in"))
    channels: list[str] = field(default_factory=lambda: ["voice"], metadata=doc("voice, sms, chat, whatsapp, viber, e-mail"))
    source: str = field(default="", metadata=doc("where the number was found (URL)"))
    last_verified: dt.date | None = field(default=None, metadata=doc("date someone last checked the number"))
    confidence: str = field(default="medium", metadata=doc("low, medium, medium-high or high", choices=CONFIDENCES))
    sample: bool = field(default=False, metadata=doc("true for sample data that must be verified before use"))
    kind: str = field(default="national", metadata=doc("national, regional, international or emergency: printed as a label "
                                                       "(\"Emergency number\") for all but national", choices=HOTLINE_KINDS))
    key: KeyPath = field(default=(), metadata=internal())


@dataclass(frozen=True)
class RegionalHotline(Hotline):
    """A line that serves several countries: shown where a country has no line of its own."""

    kind: str = field(default="regional", metadata=doc("regional, international or emergency (emergency lines are shown in every "
                                                       "country they apply to, after the others)"))
    countries: list[str] = field(default_factory=list, metadata=doc("countries it applies to (ISO codes, XK for Kosovo); empty: "
                                                                    "every campaign country"))


@dataclass(frozen=True)
class Service:
    name: str = field(metadata=doc("name of the service (not translated)"))
    kind: str = field(default="general",
                      metadata=doc("shelter, legal, medical, psychological, social, police or general", choices=SERVICE_KINDS))
    address: str = field(default="", metadata=doc("street address"))
    phone: str = field(default="", metadata=doc("phone number"))
    website: str = field(default="", metadata=doc("website"))
    sample: bool = field(default=False, metadata=doc("true for sample data that must be verified before use"))
    key: KeyPath = field(default=(), metadata=internal())


@dataclass(frozen=True)
class Country:
    hotlines: list[Hotline] = field(default_factory=list, metadata=doc("help lines, most important first"))
    services: list[Service] = field(default_factory=list, metadata=doc("referral services"))
    note: str = field(default="", metadata=doc("a short note shown with the contacts (translated)"))
    code: str = field(default="", metadata=internal())
    key: KeyPath = field(default=(), metadata=internal())


@dataclass(frozen=True)
class LocaleDecl:
    """A locale declared (or overridden) by the campaign."""

    name: str = field(default="", metadata=doc("the language's name in itself, e.g. \"Romani čhib\""))
    script: str = field(default="", metadata=doc("ISO 15924 script: Latn, Cyrl, Arab"))
    direction: str = field(default="", metadata=doc("ltr or rtl", choices=("", "ltr", "rtl")))
    cldr: str = field(default="", metadata=doc("CLDR locale to borrow number and date formats from, e.g. \"sr_Latn\""))
    plural_forms: str = field(default="", metadata=doc("gettext Plural-Forms for a language CLDR lacks"))
    fallback: list[str] = field(default_factory=list,
                                metadata=doc("locales to fall back to, in order, before the source language"))
    transliterate: str = field(default="", metadata=doc("build this locale by transliterating another's translation (sr-Cyrl "
                                                        "from sr-Latn, or the reverse)"))
    key: KeyPath = field(default=(), metadata=internal())


@dataclass(frozen=True)
class TargetGroup:
    id: str = field(metadata=doc("identifier, used in file names and URLs: lowercase letters, digits, hyphens"))
    name: str = field(metadata=doc("name of the group, as readers see it (translated)"))
    audience: str = field(default="", metadata=doc("who they are, for campaign staff (not printed)"))
    locales: list[str] = field(default_factory=list, metadata=doc("locales (BCP 47) this group reads"))
    countries: list[str] = field(default_factory=list, metadata=doc(
        "countries (ISO codes, XK for Kosovo) where the group is reached"))
    formats: list[str] = field(default_factory=lambda: ["site", "leaflet"], metadata=doc(
        "formats to produce: site, and print formats of templates/print/formats.toml: leaflet, poster (A3 and A4), card (wallet "
        "card), factsheet (for professionals), easyread (Easy Read edition)"))
    key_message: str = field(default="", metadata=doc("one sentence: the key message (translated)"))
    call_to_action: str = field(default="", metadata=doc("one sentence: what to do now (translated)"))
    sms: str = field(default="", metadata=doc("short text to forward by SMS or messaging app (translated)"))
    image: str = field(default="", metadata=doc("asset id of the cover image"))
    offline: bool = field(default=False, metadata=doc(
        "save this group's microsite page on readers' phones so it opens without internet (a service worker). "
        "It leaves traces someone checking the phone could find: only for groups whose safety allows it"))
    content: dict[str, str] = field(default_factory=dict, metadata=doc(
        "Markdown file per section: " + ", ".join(SECTIONS), keys=SECTIONS))
    pictograms: dict[str, list[str]] = field(default_factory=dict, metadata=doc(
        "pictogram per point of a section's list, in order (\"\" for none), e.g. warning_signs = [\"fee\", \"passport\"]: "
        "names of the files in templates/pictograms/ (docs/print.md#pictograms); drawn beside the text, never translated",
        keys=SECTIONS))
    key: KeyPath = field(default=(), metadata=internal())


@dataclass(frozen=True)
class CampaignInfo:
    id: str = field(metadata=doc("identifier; must equal the folder name"))
    title: str = field(metadata=doc("campaign title (translated)"))
    summary: str = field(default="", metadata=doc("one or two sentences about the campaign (translated)"))
    source_locale: str = field(default="en", metadata=doc("the language the definition is written in"))
    base_url: str = field(default="", metadata=doc("address where the microsite is published, for links and QR codes"))
    countries: list[str] = field(default_factory=list, metadata=doc("countries the campaign runs in"))
    status: str = field(default="draft", metadata=doc("draft, review or approved", choices=STATUSES))
    date: dt.date | None = field(default=None, metadata=doc("edition date, printed on materials"))
    publisher: str = field(default="", metadata=doc("who publishes the material (printed in the imprint)"))
    exit_url: str = field(default="https://www.wikipedia.org/", metadata=doc("neutral site the quick-exit button goes to"))
    disclaimer: str = field(default="", metadata=doc("funder disclaimer printed on every material (translated)"))
    eu_funded: bool = field(default=False, metadata=doc(
        "true for EU-funded material: prints the EU emblem and \"Funded by the European Union\" beside the disclaimer"))
    print_marks: bool = field(default=False, metadata=doc(
        "true to always build print-shop files: PDF/X in CMYK, 3 mm bleed and crop marks (as toolbox build --print)"))
    pdf_variant: str = field(default="", metadata=doc(
        "PDF variant of print files: pdf/ua-1 (tagged, accessible; the default) or pdf/a-3b (archiving)",
        choices=("", "pdf/ua-1", "pdf/a-3b")))
    print_profile: str = field(default="", metadata=doc(
        "CMYK printing condition of print-shop files (toolbox build --print): fogra39 (built in, coated offset; "
        "the default), fogra29 (built in, uncoated offset) or the path of the print shop's own ICC output profile "
        "in the campaign folder, e.g. \"profiles/shop.icc\""))
    print_paper: str = field(default="", metadata=doc(
        "paper of print-shop files, for the ink limit the preflight checks: coated (300 %) or uncoated (270 %); default: the "
        "profile's", choices=("", "coated", "uncoated")))
    pdf_x: str = field(default="", metadata=doc(
        "PDF/X version of print-shop files: x-4 (the default) or x-1a (for shops that want no live transparency)",
        choices=("", "x-4", "x-1a")))
    proper_names: list[str] = field(default_factory=list, metadata=doc(
        "names never transliterated (organisations, places), e.g. [\"ASTRA\", \"La Strada\"]"))
    min_translated: float = field(default=0.8, metadata=doc(
        "a locale whose campaign catalog is translated below this share (0-1) is not published; template strings (toolbox.po) "
        "are reported apart"))
    no_fallback: list[str] = field(default_factory=list, metadata=doc(
        "parts that must be translated, never shown in a fallback language: contacts (hotline names, notes), safety, and any "
        "section name"))
    sms_segments: int = field(default=2, metadata=doc(
        "SMS parts a text message (a group's sms text and the country's first hotline) may take: 160 GSM-7 characters or 70 "
        "UCS-2 (Arabic, Cyrillic) for one, 153 or 67 per part beyond; the build warns above it (0: no limit)"))
    audio: str = field(default="recorded-only", metadata=doc(
        "audio versions of each group's page (docs/audio.md): recorded-only (the default: the campaign's recordings, where it "
        "has them), synthetic (a recording where there is one, else a synthetic draft where a voice speaks the locale) or none",
        choices=("synthetic", "recorded-only", "none")))
    key: KeyPath = field(default=(), metadata=internal())


@dataclass(frozen=True)
class Campaign:
    campaign: CampaignInfo = field(metadata=doc("the campaign itself"))
    groups: list[TargetGroup] = field(default_factory=list, metadata=doc("target groups ([[groups]] tables)"))
    countries: dict[str, Country] = field(default_factory=dict, metadata=doc("help contacts per country ([countries.XX])"))
    regional_hotlines: list[RegionalHotline] = field(default_factory=list, metadata=doc("lines for several countries "
                                                                                        "([[regional_hotlines]]), shown where a "
                                                                                        "country has no line of its own"))
    partners: list[Partner] = field(default_factory=list, metadata=doc("partner organisations ([[partners]])"))
    assets: list[Asset] = field(default_factory=list, metadata=doc("images ([[assets]])"))
    locales: dict[str, LocaleDecl] = field(default_factory=dict, metadata=doc("locale declarations ([locales.rmn])"))
    # Filled by the loader:
    folder: Path = field(default=Path("."), metadata=internal())
    definition: Path = field(default=Path("campaign.toml"), metadata=internal())
    lines: dict = field(default_factory=dict, metadata=internal())
    key: KeyPath = field(default=(), metadata=internal())

    @property
    def id(self) -> str:
        return self.campaign.id

    def group(self, group_id: str) -> TargetGroup:
        return next(g for g in self.groups if g.id == group_id)

    def asset(self, asset_id: str) -> Asset | None:
        return next((a for a in self.assets if a.id == asset_id), None)
