"""The microsite: static pages with relative links, self-hosted subset fonts, no tracking."""

from __future__ import annotations

import base64
import hashlib
import html as htmllib
import re
from dataclasses import dataclass

import jinja2
from markupsafe import Markup

from ..localize import Localizer
from ..locales import resolve
from ..model import Campaign
from ..plan import Unit, site_locales
from ..project import Project
from .context import created_date, page_url
from .fonts import FontSet, subset_woff2
from .templates import relpath, render

EXIT_SCRIPT = "templates/site/exit.js"


@dataclass
class Page:
    unit: Unit
    html: str
    translated: float


def _script_hash(source: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii")


class SiteRenderer:
    def __init__(self, project: Project, env: jinja2.Environment, fonts: FontSet, campaign: Campaign,
                 downloads: dict[str, list[dict]]) -> None:
        self.project = project
        self.env = env
        self.fonts = fonts
        self.campaign = campaign
        self.downloads = downloads  # locale → [{group, country, format, path, bytes, pages}]
        self.exit_js = (project.templates / "site" / "exit.js").read_text(encoding="utf-8")
        self.locales = site_locales(campaign)

    def _common(self, unit: Unit, localizer: Localizer | None) -> dict:
        cid = self.campaign.id

        def link(target: str) -> str:
            return relpath(f"{cid}/{target}", unit.path)

        languages = []
        for tag in self.locales:
            info = resolve(tag, self.campaign.locales)
            languages.append({"tag": tag, "name": info.name, "dir": info.direction, "href": link(f"{tag}/index.html")})
        script = localizer.info.script if localizer else "Latn"
        return {
            "unit": unit,
            "link": link,
            "languages": languages,
            "created": created_date(self.campaign),
            "exit_script": Markup(self.exit_js),
            "script_hash": _script_hash(self.exit_js),
            "font_stack": self.fonts.stack(script),
            "base_url": self.campaign.campaign.base_url.rstrip("/"),
            "alternates": [],
            "canonical": "",
        }

    def _materials(self, localizer: Localizer, tag: str) -> list[dict]:
        return [
            {**d, "group_name": localizer.text(self.campaign.group(d["group"]).name),
             "country_name": localizer.country_name(d["country"])}
            for d in self.downloads.get(tag, [])
        ]

    def page(self, unit: Unit) -> Page:
        cid = self.campaign.id
        if unit.locale is None:
            # Language picker and 404: every language on one page, each in its own script.
            localizer = Localizer(self.project, self.campaign, self.campaign.campaign.source_locale)
            ctx = self._common(unit, None)
            ctx.update(campaign=localizer.campaign_data(), locale=localizer.locale_data(), fonts_css=None)
            name = "site/404.html" if unit.path.endswith("404.html") else "site/languages.html"
            ctx["titles"] = {
                tag: Localizer(self.project, self.campaign, tag).campaign_data()["title"] for tag in self.locales
            }
            return Page(unit, render(self.env, name, ctx, localizer.tr), 1.0)

        localizer = Localizer(self.project, self.campaign, unit.locale)
        ctx = self._common(unit, localizer)
        tag = unit.locale
        groups = [g for g in self.campaign.groups if "site" in g.formats and tag in g.locales]
        ctx.update(
            campaign=localizer.campaign_data(),
            locale=localizer.locale_data(),
            fonts_css=ctx["link"](f"assets/fonts/{tag}/fonts.css"),
            groups=[{"id": g.id, "name": localizer.text(g.name), "key_message": localizer.text(g.key_message),
                     "href": ctx["link"](f"{tag}/{g.id}/index.html")} for g in groups],
            help_countries=[{"code": cc, "name": localizer.country_name(cc), "href": ctx["link"](f"{tag}/help/{cc.lower()}.html")}
                            for cc in sorted({cc for g in groups for cc in g.countries})],
            canonical=f"{ctx['base_url']}/{unit.path[len(cid) + 1:]}".replace("/index.html", "/") if ctx["base_url"] else "",
        )
        if unit.group:
            group = self.campaign.group(unit.group)
            ctx["group"] = localizer.group(group)
            ctx["alternates"] = [{"tag": t, "href": ctx["link"](f"{t}/{group.id}/index.html"),
                                  "url": page_url(self.campaign, t, group.id)} for t in group.locales]
            ctx["materials"] = [m for m in self._materials(localizer, tag) if m["group"] == group.id]
            name = "site/group.html"
        elif unit.country:
            ctx["country"] = localizer.country(self.campaign.countries[unit.country])
            name = "site/help.html"
        elif unit.path.endswith("downloads.html"):
            ctx["materials"] = self._materials(localizer, tag)
            name = "site/downloads.html"
        elif unit.path.endswith("safety.html"):
            name = "site/safety.html"
        else:
            name = "site/home.html"
        html = render(self.env, name, ctx, localizer.tr)
        return Page(unit, html, localizer.tr.usage.translated)


_TAG = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S)


def visible_text(html: str) -> str:
    return htmllib.unescape(_TAG.sub(" ", html))


def locale_fonts(fonts: FontSet, script: str, pages_text: str, rel_dir: str) -> dict[str, bytes]:
    """WOFF2 subsets and a fonts.css for one locale: {path relative to the output: bytes}."""
    files: dict[str, bytes] = {}
    rules = []
    for face in fonts.faces_for(script):
        data = subset_woff2(face.path, pages_text)
        if data is None:
            continue
        name = face.path.stem + ".woff2"
        files[f"{rel_dir}/{name}"] = data
        rules.append(
            f'@font-face {{ font-family: "{face.family}"; font-style: {face.style}; font-weight: {face.weight}; '
            f'font-display: swap; src: url("{name}") format("woff2"); }}'
        )
    files[f"{rel_dir}/fonts.css"] = ("\n".join(rules) + "\n").encode("utf-8")
    return files
