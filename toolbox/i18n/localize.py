"""The translate stage: a campaign seen in one locale.

Builds the plain data that templates render: every translatable text looked
up along the locale's fallback chain, Markdown sections rendered block by
block, contacts left as data. Text that fell back to another language knows
its own ``lang`` and ``dir``.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from babel import Locale as BabelLocale
from babel.dates import format_date
from markupsafe import Markup

from ..campaign.hours import Hours, HoursError, Labels, format_hours, parse_hours
from ..campaign.model import SECTIONS, Campaign, Country, TargetGroup
from ..campaign.pictograms import with_pictograms
from ..project import Project
from .catalog import TEMPLATE_DOMAIN, TEMPLATE_SOURCE, Translator, Usage, catalog_folders, locale_messages, visible
from .hotlines import hotline_for, tel
from .locales import LocaleInfo, chain, in_cldr, resolve
from .numbers import Hotline
from .pseudo import TAG as PSEUDO
from .pseudo import pseudo
from .segments import plain_text, render_blocks, split_blocks
from .text import Text


class ShownHours:
    """A hotline's opening hours for one locale; templates say them with the translated labels.

    ``{{ line.hours.show(_("24 hours, every day"), _("every day")) }}`` (the
    ``hours`` macro of templates/partials/contact.html), so the labels are
    template strings translators see. False when the line gives no hours.
    """

    def __init__(self, raw: str, locale: BabelLocale, direction: str, hour24: bool | None) -> None:
        self.raw = raw
        self.locale, self.direction, self.hour24 = locale, direction, hour24
        try:
            self.parsed: Hours | None = parse_hours(raw) if raw.strip() else None
        except HoursError:  # validation reports it; a build given it anyway prints it as written
            self.parsed = None

    def __bool__(self) -> bool:
        return bool(self.raw.strip())

    def show(self, always: str, daily: str) -> Markup:
        if self.parsed is None:
            return Markup('<bdi dir="ltr" class="hours">{}</bdi>').format(self.raw)
        return format_hours(self.parsed, self.locale, self.direction, Labels(always, daily), self.hour24)

    def __str__(self) -> str:
        return self.raw


@dataclass
class Translators:
    """The two catalogs an output reads: shared template strings and campaign content."""

    templates: Translator
    content: Translator
    usage: Usage


#: Set while ``i18n/places.py`` traces where messages appear: every lookup returns the message
#: wrapped in invisible marks, whatever the locale (a context variable, so site pages and text
#: messages, which make their own Localizers, are traced too).
#: Its value is an ``i18n.places.Tracer`` (typed loosely: places imports this module).
TRACE: ContextVar[Any] = ContextVar("toolbox_trace", default=None)


def translators(project: Project, campaign: Campaign, tag: str) -> Translators:
    usage = Usage()
    made = []
    for domain in (TEMPLATE_DOMAIN, campaign.id):
        # Template strings are written in English whatever language a campaign is written in:
        # an Urdu-source campaign still reads its headings from locales/ur/.../toolbox.po.
        source = TEMPLATE_SOURCE if domain == TEMPLATE_DOMAIN else campaign.campaign.source_locale
        links = chain(tag, source, campaign.locales)
        folders = catalog_folders(project, domain)
        tables = {t: locale_messages(folders, t, domain, campaign.locales, campaign.campaign.proper_names)
                  for t in links if t != source}
        transform = (lambda text: pseudo(visible(text), campaign.campaign.proper_names)) if tag == PSEUDO else None
        trace = TRACE.get()
        if trace is not None and not trace.translated:
            transform = trace
        tr = Translator(tag, links, source, tables, transform, declared=campaign.locales)
        if trace is not None and trace.translated:
            tr.marker = trace.mark
        tr.usage = usage
        made.append(tr)
    return Translators(made[0], made[1], usage)


class Localizer:
    """Turns model objects into template data for one locale."""

    def __init__(self, project: Project, campaign: Campaign, tag: str) -> None:
        self.project = project
        self.campaign = campaign
        info = resolve(tag, campaign.locales)
        assert info is not None, f"{tag}: validation lets only known locales through"
        self.info: LocaleInfo = info
        self.tr = translators(project, campaign, tag)
        self.babel = BabelLocale.parse(self.info.cldr)
        # A locale CLDR lacks (Romani) borrows day names from its declared cldr locale, but not a
        # 12-hour clock with English AM/PM: it gets the 24-hour clock of the region it is read in.
        self.hour24 = True if not in_cldr(tag) else None

    def direction_of(self, tag: str) -> str:
        other = resolve(tag, self.campaign.locales)
        return other.direction if other else "ltr"

    def text(self, msgid: str, hotline: Hotline | None = None) -> Text:
        value, lang = self.tr.content.lookup(msgid)
        return Text(value, lang, self.direction_of(lang), lang != self.info.tag, hotline=hotline, page_dir=self.info.direction)

    def hotline(self, countries: list[str]) -> Hotline | None:
        """What ``{hotline}`` becomes for outputs about ``countries`` (one: its main number; several: each, named)."""
        return hotline_for(self.campaign, countries, self.country_name, str(self.babel))

    def markdown(self, rel: str, hotline: Hotline | None = None) -> Markup:
        path = self.campaign.folder / rel
        blocks = split_blocks(path.read_text(encoding="utf-8"))

        def translate(msgid: str) -> tuple[str, str, str]:
            value, lang = self.tr.content.lookup(msgid)
            return value, lang, self.direction_of(lang)

        return render_blocks(blocks, translate, self.info.tag, hotline=hotline)

    def country_name(self, code: str) -> str:
        return str(self.babel.territories.get(code, code))

    def language_label(self, tag: str) -> Markup:
        info = resolve(tag, self.campaign.locales)
        if info is None:
            return Markup("<bdi>{}</bdi>").format(tag)
        return Markup('<bdi lang="{}" dir="{}">{}</bdi>').format(info.tag, info.direction, info.name)

    def date(self) -> str:
        d = self.campaign.campaign.date
        return format_date(d, "long", locale=self.babel) if d else ""

    def country(self, country: Country) -> dict:
        return {
            "code": country.code,
            "name": self.country_name(country.code),
            "note": self.text(country.note, self.hotline([country.code])) if country.note else "",
            "hotlines": [
                {
                    "name": self.text(h.name),
                    "number": h.number,
                    "tel": tel(h.number),
                    "operator": h.operator,
                    "hours": ShownHours(h.hours, self.babel, self.info.direction, self.hour24),
                    "kind": h.kind,
                    "free": h.free,
                    "anonymous": h.anonymous,
                    # Each name in its own language and direction: an Urdu name in a Sorani leaflet
                    # takes the Urdu face, and a list of right-to-left names keeps its order.
                    "languages": [self.language_label(t) for t in h.languages],
                    "channels": h.channels,
                    "sample": h.sample,
                    "last_verified": h.last_verified.isoformat() if h.last_verified else "",
                    "confidence": h.confidence,
                }
                for h in country.hotlines
            ],
            "services": [
                {
                    "name": s.name,
                    "kind": s.kind,
                    "address": s.address,
                    "phone": s.phone,
                    "tel": tel(s.phone),
                    "website": s.website,
                    "sample": s.sample,
                }
                for s in country.services
            ],
            "sample": any(h.sample for h in country.hotlines) or any(s.sample for s in country.services),
        }

    def group(self, group: TargetGroup, country: str | None = None) -> dict:
        """A group's texts for an output about ``country`` (None: a page for every country of the group).

        ``{hotline}`` in them becomes that country's main number, or without a
        country the main number of each of the group's countries, each named.
        """
        asset = self.campaign.asset(group.image) if group.image else None
        hotline = self.hotline([country] if country else group.countries)
        return {
            "id": group.id,
            "name": self.text(group.name),
            "key_message": self.text(group.key_message, hotline),
            "call_to_action": self.text(group.call_to_action, hotline),
            "sms": self.sms(group, hotline),
            # Every section is present (empty when the group has none) so templates can test it.
            "sections": {name: with_pictograms(self.markdown(group.content[name], hotline), group.pictograms.get(name, []),
                                               self.project.theme) if name in group.content else Markup("")
                         for name in SECTIONS},
            "image": {"path": (self.campaign.folder / asset.file).resolve(), "alt": self.text(asset.alt)} if asset else None,
            "countries": group.countries,
        }

    def sms(self, group: TargetGroup, hotline: Hotline | None) -> Text | str:
        """The group's text message as plain text (Markdown removed), ``{hotline}`` filled."""
        if not group.sms:
            return ""
        found = self.text(group.sms)
        return Text(plain_text(found.raw), found.lang, found.dir, found.fallback, hotline=hotline, page_dir=self.info.direction)

    def campaign_data(self) -> dict:
        c = self.campaign.campaign
        return {
            "id": c.id,
            "title": self.text(c.title),
            "summary": self.text(c.summary),
            "publisher": c.publisher,
            "date": self.date(),
            "status": c.status,
            "disclaimer": self.text(c.disclaimer) if c.disclaimer else "",
            "base_url": c.base_url.rstrip("/"),
            "exit_url": c.exit_url,
            "partners": [
                {"name": p.name, "url": p.url, "logo": (self.campaign.folder / p.logo).resolve() if p.logo else None}
                for p in self.campaign.partners
            ],
        }

    def locale_data(self) -> dict:
        return {"tag": self.info.tag, "name": self.info.name, "dir": self.info.direction, "script": self.info.script}
