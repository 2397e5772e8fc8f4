"""The microsite: static pages with relative links, self-hosted subset fonts, no tracking."""

from __future__ import annotations

import base64
import hashlib
import html as htmllib
import json
from dataclasses import dataclass, replace

import jinja2
from markupsafe import Markup

from ..brand import load_brand, logo_asset
from ..campaign.contacts import shown_country
from ..campaign.model import Campaign
from ..formats import SITE_FORMAT
from ..i18n.locales import resolve
from ..i18n.localize import Localizer
from ..i18n.numbers import Hotline
from ..plan import Unit, project_formats, site_locales
from ..project import Project
from .context import created_date
from .fonts import FontSet
from .templates import relpath, render
from .webfonts import PICKER_FOLDER


@dataclass
class Page:
    unit: Unit
    html: str
    translated: float


def _unlinked(hotline: Hotline | None) -> Hotline | None:
    return replace(hotline, link=False) if hotline else None


def _kosovo_mark(code: str, name: str) -> str:
    """Kosovo's name carries the "*" of the designation footnote wherever a page shows it."""
    return f"{name}*" if code == "XK" else name


def _names_kosovo(unit: Unit, ctx: dict, template: str) -> bool:
    """True when the page shows Kosovo's name: its help page, or a list of countries or materials with XK."""
    if unit.country == "XK":
        return True
    if template == "site/home.html":
        return any(c["code"] == "XK" for c in ctx.get("help_countries", []))
    if template == "site/group.html":
        return "XK" in ctx["group"]["countries"] or any(m["country"] == "XK" for m in ctx.get("materials", []))
    return any(m["country"] == "XK" for m in ctx.get("materials", []))


def script_hash(source: str) -> str:
    """The CSP source (``'sha256-…'``, quotes included) that allows one inline script."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


def _suffix(unit: Unit) -> str:
    """A page's path inside its locale folder: the same for its translations."""
    return unit.path.split("/", 2)[2] if unit.locale else unit.path.split("/", 1)[1]


class SiteRenderer:
    def __init__(self, project: Project, env: jinja2.Environment, fonts: FontSet, campaign: Campaign,
                 downloads: dict[str, list[dict]], units: list[Unit] | None = None, audio: list[dict] | None = None) -> None:
        self.project = project
        self.env = env
        self.fonts = fonts
        self.campaign = campaign
        self.downloads = downloads  # locale → [{group, country, format, paper, path, bytes, pages, preview}]
        self.formats = {f.id: f for f in project_formats(project)}
        self.exit_js = project.theme.file("site/exit.js").read_text(encoding="utf-8")
        sw_path = project.theme.file("site/sw-register.js")
        self.sw_js = sw_path.read_text(encoding="utf-8") if sw_path.is_file() else ""
        self.locales = site_locales(campaign)
        self.units = units or []
        self.audio = audio or []  # [{group, locale, country, ogg, mp3, bytes, seconds, synthetic}] (toolbox/audio.py)
        self.base_url = campaign.campaign.base_url.rstrip("/")
        kit = load_brand(project)
        self.brand = kit.data(logo_asset(kit))

    def url(self, path: str) -> str:
        """Public address of an output path ('' without a base URL); folders end in '/'."""
        if not self.base_url:
            return ""
        rel = path[len(self.campaign.id) + 1:]
        if rel == "index.html" or rel.endswith("/index.html"):
            rel = rel[: -len("index.html")]
        return f"{self.base_url}/{rel}"

    def alternates(self, unit: Unit) -> list[dict]:
        """The same page in every locale it exists in (itself included), for hreflang."""
        if not unit.locale:
            if unit.path != f"{self.campaign.id}/index.html":
                return []
            homes = [u for u in self.units if u.locale and _suffix(u) == "index.html"]
            return [{"tag": u.locale, "path": u.path, "url": self.url(u.path)} for u in homes]
        key = _suffix(unit)
        return [{"tag": u.locale, "path": u.path, "url": self.url(u.path)}
                for u in self.units if u.locale and _suffix(u) == key]

    def service_workers(self) -> dict[str, bytes]:
        """sw.js for each page of a group whose safety profile allows offline copies ({path: bytes})."""
        files: dict[str, bytes] = {}
        source_path = self.project.theme.file("site/sw.js")
        if not source_path.is_file():
            return files
        source = source_path.read_text(encoding="utf-8")
        for group in self.offline_groups():
            for tag in group.locales:
                if tag not in self.locales:
                    continue
                folder = f"{self.campaign.id}/{tag}/{group.id}"
                precache = ["./", "../../assets/site.css", f"../../assets/fonts/{tag}/fonts.css"]
                cached = (folder + "|" + "|".join(precache) + "|" + self.exit_js).encode()
                cache = "toolbox-" + hashlib.sha256(cached).hexdigest()[:12]
                js = source.replace("__CACHE__", cache).replace("__PRECACHE__", json.dumps(precache))
                files[f"{folder}/sw.js"] = js.encode("utf-8")
        return files

    def offline_groups(self) -> list:
        return [g for g in self.campaign.groups if SITE_FORMAT in g.formats and getattr(g, "offline", False)]

    def _common(self, unit: Unit, localizer: Localizer | None) -> dict:
        cid = self.campaign.id

        def link(target: str) -> str:
            return relpath(f"{cid}/{target}", unit.path)

        languages = []
        for tag in self.locales:
            info = resolve(tag, self.campaign.locales)
            assert info is not None  # validation lets only known locales through
            languages.append({"tag": tag, "name": info.name, "dir": info.direction, "href": link(f"{tag}/index.html")})
        alternates = [{**a, "href": relpath(a["path"], unit.path)} for a in self.alternates(unit)]
        offline = bool(unit.group) and any(g.id == unit.group for g in self.offline_groups())
        scripts = [self.exit_js] + ([self.sw_js] if offline and self.sw_js else [])
        return {
            "unit": unit,
            "link": link,
            "languages": languages,
            "created": created_date(self.campaign),
            "exit_script": Markup(self.exit_js),
            "offline_script": Markup(scripts[1]) if len(scripts) > 1 else "",
            "script_hash": Markup(" ".join(script_hash(s) for s in scripts)),
            "offline": offline,
            "base_url": self.base_url,
            "alternates": alternates,
            "x_default": self.url(f"{cid}/index.html"),
            "canonical": self.url(unit.path) if not unit.path.endswith("404.html") else "",
            "og_image": "",
            "eu_funded": self.campaign.campaign.eu_funded,
            "names_kosovo": False,
            "brand": self.brand,
            "formats": self.formats,
        }

    def _materials(self, localizer: Localizer, tag: str) -> list[dict]:
        return [
            {**d, "group_name": localizer.text(self.campaign.group(d["group"]).name),
             "country_name": _kosovo_mark(d["country"], localizer.country_name(d["country"])),
             "paper": d.get("paper")}
            for d in self.downloads.get(tag, [])
        ]

    @staticmethod
    def _material_sets(materials: list[dict]) -> list[dict]:
        """Materials by group × format × paper: one preview per set, one file per country."""
        sets: dict[tuple, dict] = {}
        for m in materials:
            key = (m["group"], m["format"], m["paper"])
            entry = sets.setdefault(key, {"group": m["group"], "group_name": m["group_name"], "format": m["format"],
                                          "paper": m["paper"], "preview": None, "files": []})
            entry["preview"] = entry["preview"] or m.get("preview")
            entry["files"].append(m)
        return list(sets.values())

    def page(self, unit: Unit) -> Page:
        if unit.locale is None:
            # Language picker and 404: every language on one page, each in its own script.
            localizer = Localizer(self.project, self.campaign, self.campaign.campaign.source_locale)
            ctx = self._common(unit, None)
            ctx.update(campaign=localizer.campaign_data(), locale=localizer.locale_data(),
                       fonts_css=ctx["link"](f"assets/fonts/{PICKER_FOLDER}/fonts.css"))
            name = "site/404.html" if unit.path.endswith("404.html") else "site/languages.html"
            ctx["titles"] = {
                tag: Localizer(self.project, self.campaign, tag).campaign_data()["title"] for tag in self.locales
            }
            return Page(unit, render(self.env, name, ctx, localizer.tr), 1.0)

        localizer = Localizer(self.project, self.campaign, unit.locale)
        ctx = self._common(unit, localizer)
        tag = unit.locale
        groups = [g for g in self.campaign.groups if SITE_FORMAT in g.formats and tag in g.locales]
        ctx.update(
            campaign=localizer.campaign_data(),
            locale=localizer.locale_data(),
            fonts_css=ctx["link"](f"assets/fonts/{tag}/fonts.css"),
            groups=[{"id": g.id, "name": localizer.text(g.name),
                     # printed inside the card's link: the numbers without tel: links of their own
                     "key_message": localizer.text(g.key_message, _unlinked(localizer.hotline(g.countries))),
                     "href": ctx["link"](f"{tag}/{g.id}/index.html")} for g in groups],
            help_countries=[{"code": cc, "name": _kosovo_mark(cc, localizer.country_name(cc)),
                             "href": ctx["link"](f"{tag}/help/{cc.lower()}.html")}
                            for cc in sorted({cc for g in groups for cc in g.countries})],
        )
        if unit.group:
            group = self.campaign.group(unit.group)
            ctx["group"] = localizer.group(group)
            ctx["materials"] = [m for m in self._materials(localizer, tag) if m["group"] == group.id]
            ctx["material_sets"] = self._material_sets(ctx["materials"])
            ctx["listen"] = [{**a, "country_name": _kosovo_mark(a["country"], localizer.country_name(a["country"])),
                              "minutes": f"{int(round(a['seconds'])) // 60}:{int(round(a['seconds'])) % 60:02d}"}
                             for a in self.audio if a["group"] == group.id and a["locale"] == tag]
            name = "site/group.html"
        elif unit.country:
            model = shown_country(self.campaign, unit.country)
            ctx["country"] = localizer.country(model)
            name = "site/help.html"
        elif unit.path.endswith("downloads.html"):
            ctx["materials"] = self._materials(localizer, tag)
            ctx["material_sets"] = self._material_sets(ctx["materials"])
            name = "site/downloads.html"
        elif unit.path.endswith("safety.html"):
            name = "site/safety.html"
        else:
            name = "site/home.html"
        ctx["names_kosovo"] = _names_kosovo(unit, ctx, name)
        # Share image: the print preview of this page's material (or of any material in the locale).
        shown = ctx.get("materials") or self._materials(localizer, tag)
        shown = sorted(shown, key=lambda m: m["format"] != "leaflet")  # the leaflet shares best
        preview = next((m["preview"] for m in shown if m.get("preview")), None)
        if preview and self.base_url:
            ctx["og_image"] = self.url(preview)
        html = render(self.env, name, ctx, localizer.tr)
        return Page(unit, html, localizer.tr.usage.translated)


_SITEMAP_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml"'


def sitemap(renderer: SiteRenderer) -> bytes | None:
    """sitemap.xml for a campaign's pages, with hreflang alternates; None without a base URL."""
    if not renderer.base_url:
        return None
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f"<urlset {_SITEMAP_NS}>"]
    for unit in renderer.units:
        if unit.path.endswith("404.html"):
            continue
        lines.append(f"  <url><loc>{htmllib.escape(renderer.url(unit.path))}</loc>")
        for alt in renderer.alternates(unit):
            lines.append(f'    <xhtml:link rel="alternate" hreflang="{alt["tag"]}" href="{htmllib.escape(alt["url"])}"/>')
        lines.append("  </url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode("utf-8")


