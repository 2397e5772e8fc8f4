"""Template context shared by print and site outputs."""

from __future__ import annotations

import datetime as dt
import os

from markupsafe import Markup

from ..campaign.model import Campaign


def created_date(campaign: Campaign) -> str:
    """The date stamped into outputs: SOURCE_DATE_EPOCH, else the campaign's date.

    Never the wall clock, so two builds of the same input are byte-identical.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    day = campaign.campaign.date or dt.date(2000, 1, 1)
    return f"{day.isoformat()}T00:00:00Z"


def page_url(campaign: Campaign, locale: str, group: str) -> str:
    """Public address of a group's page in a locale ('' when the campaign has no base_url)."""
    base = campaign.campaign.base_url.rstrip("/")
    return f"{base}/{locale}/{group}/" if base else ""


def qr_svg(url: str) -> Markup:
    """A vector QR code for ``url``: static, pointing at the campaign's own domain."""
    if not url:
        return Markup("")
    import segno  # loaded on first use: a rebuild that draws nothing need not load it

    code = segno.make(url, error="m", micro=False)
    return Markup(code.svg_inline(scale=1, border=2, omitsize=True, dark="#000", light="#fff"))
