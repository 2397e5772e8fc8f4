"""``toolbox i18n screenshots``: a locale's outputs as PNG pages, and which message is where on them.

Weblate shows a screenshot beside each string it is linked to. Each page of
each print output, share image and microsite page of the locale (one country
per group and format, as ``extract`` measures them; the microsite on phone-sized
pages, ``survey.phone_page``) is drawn at 96 px per inch (1 px = 1 CSS
px, the unit of the layout), with a thin outline around every message and a
dashed one around each fixed box (``data-fit``). ``screenshots.json`` lists,
for every message, the files it is on and its rectangle there, so a script can
upload and link them (Weblate's API), and the folder layout fits a
component's screenshot file mask: ``DIR/<locale>/*.png``.
"""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image, ImageDraw

from .campaign.model import Campaign
from .errors import ToolboxError
from .project import Project
from .write import atomic_write

#: Pixels per inch of the pictures: one pixel per CSS px, the layout's unit.
DPI = 96
_TEXT, _BOX = (214, 39, 40), (31, 119, 180)


def _pages(pdf: bytes) -> list[Image.Image]:
    from .render.raster import pages

    return list(pages(pdf, dpi=DPI))


def png(image: Image.Image) -> bytes:
    from .render.raster import png as encode

    return encode(image)


def _dashed(draw: ImageDraw.ImageDraw, rect: tuple[float, float, float, float], colour: tuple[int, int, int]) -> None:
    x, y, w, h = rect
    for x0 in range(int(x), int(x + w), 12):
        draw.line([(x0, y), (min(x0 + 6, x + w), y)], fill=colour, width=2)
        draw.line([(x0, y + h), (min(x0 + 6, x + w), y + h)], fill=colour, width=2)
    for y0 in range(int(y), int(y + h), 12):
        draw.line([(x, y0), (x, min(y0 + 6, y + h))], fill=colour, width=2)
        draw.line([(x + w, y0), (x + w, min(y0 + 6, y + h))], fill=colour, width=2)


def screenshots(project: Project, campaigns: list[Campaign], out: Path, locale: str | None = None) -> Path:
    """Write the PNG pages and ``screenshots.json`` under ``out/<locale>/``; return the JSON's path."""
    from .i18n.catalog import TEMPLATE_DOMAIN
    from .i18n.workflow import campaign_messages
    from .survey import trace_campaign

    records: dict[tuple[str, str], dict] = {}
    files: dict[str, dict] = {}
    tags = set()
    for campaign in campaigns:
        tag = locale or campaign.campaign.source_locale
        if locale and not any(locale in g.locales for g in campaign.groups):
            continue
        tags.add(tag)
        folder = out / tag
        folder.mkdir(parents=True, exist_ok=True)
        traced = trace_campaign(project, campaign, tag, shots=True)
        own = {m.msgid for m in campaign_messages(campaign)}
        pictures: dict[str, Image.Image] = {}
        for shot in traced.shots:
            if shot.name not in pictures:
                pages = _pages(shot.pdf)
                for n, image in enumerate(pages, 1):
                    pictures[shot.name.rsplit("-", 1)[0] + f"-{n}.png"] = image
        outlined: set[tuple] = set()
        for msgid, places in traced.survey.places.items():
            domain = campaign.id if msgid in own else TEMPLATE_DOMAIN
            context, _, text = msgid.rpartition("\x04")
            record = records.setdefault((domain, msgid), {"domain": domain, "context": context, "msgid": text,
                                                         "screenshots": []})
            for place in places:
                if not place.shot or place.rect is None or place.shot not in pictures:
                    continue
                image = pictures[place.shot]
                draw = ImageDraw.Draw(image)
                x, y, w, h = place.rect
                draw.rectangle([x - 1, y - 1, x + w + 1, y + h + 1], outline=_TEXT, width=1)
                if place.fit_rect is not None and (place.shot, place.fit_rect) not in outlined:
                    _dashed(draw, place.fit_rect, _BOX)
                    outlined.add((place.shot, place.fit_rect))
                record["screenshots"].append({
                    "file": f"{tag}/{place.shot}", "output": place.output, "box": place.box, "slot": place.slot,
                    "rect": [round(v, 1) for v in place.rect],
                    "box_rect": [round(v, 1) for v in place.fit_rect] if place.fit_rect else None})
        for name, image in pictures.items():
            atomic_write(folder / name, png(image))
            files[f"{tag}/{name}"] = {"campaign": campaign.id, "width": image.width, "height": image.height}
    if not tags:
        raise ToolboxError(f"no campaign is read in {locale}")
    data = {"dpi": DPI, "locales": sorted(tags), "files": files,
            "messages": sorted(records.values(), key=lambda r: (r["domain"], r["msgid"]))}
    target = out / "screenshots.json"
    atomic_write(target, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    return target
