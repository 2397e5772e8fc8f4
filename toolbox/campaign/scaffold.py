"""``toolbox new``: a campaign folder that validates and builds as it is."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import Problem, ToolboxError
from ..project import Project
from .validate import ID_RE

DEFINITION = '''# Campaign definition. Every key is explained in docs/campaign-format.md.
# Texts are written in the source language; translators translate them
# through locales/ (see docs/translating.md). Contacts are data: never translated.

[campaign]
id = "{id}"                      # must equal the folder name
title = "{title}"
summary = "One or two sentences about the campaign."
source_locale = "en"             # the language this file is written in
base_url = "https://{id}.example.org"   # where the microsite will be published (QR codes point here)
countries = ["MK"]               # ISO codes; XK for Kosovo
status = "draft"                 # draft -> review -> approved; drafts are marked on every page
date = {date}                    # edition date, printed on materials
publisher = "Your organisation"
exit_url = "https://www.wikipedia.org/"  # neutral site the quick-exit button opens
# audio = "synthetic"            # audio versions: your recordings (campaigns/{id}/audio/), else synthetic drafts (docs/audio.md)

# One [[groups]] table per target group.
[[groups]]
id = "jobs-abroad"               # lowercase letters, digits, hyphens
name = "Looking for work abroad"
audience = "Who they are (for staff; not printed)."
locales = ["en"]                 # languages this group reads (BCP 47: sq, mk, sr-Latn, ar, ...)
countries = ["MK"]               # where they are reached; each needs contacts below
formats = ["site", "leaflet"]
key_message = "A good job offer can be checked."
call_to_action = "Call before you travel: we check job offers for free."
sms = "Job offer abroad? Check it before you pay or travel."

[groups.content]                 # Markdown files, relative to this folder
about = "content/about.md"
warning_signs = "content/warning_signs.md"
rights = "content/rights.md"
what_to_do = "content/what_to_do.md"

# Help contacts per country. SAMPLE DATA: verify every number before use.
[[countries.MK.hotlines]]
name = "SOS line"
number = "0800 11111"
hours = "08–20"
free = true
anonymous = true
languages = ["mk", "en"]
confidence = "high"
sample = true
'''

CONTENT = {
    "about.md": "Explain in two or three short sentences what is happening, without blame.\n",
    "warning_signs.md": "- Someone keeps your passport.\n- You must pay a fee to get the job.\n- There is no written contract.\n",
    "rights.md": "- Help is **free** and confidential.\n- It is not your fault if you were deceived.\n",
    "what_to_do.md": "1. Call the help line before you travel.\n2. Leave copies of your documents with your family.\n",
}


def create_campaign(project: Project, campaign_id: str, title: str | None = None) -> Path:
    if not ID_RE.match(campaign_id):
        raise ToolboxError(Problem(campaign_id, None, "a campaign id may use only lowercase letters, digits and hyphens, e.g. "
                                                      "'jobs-2027'"))
    folder = project.campaigns / campaign_id
    if folder.exists():
        raise ToolboxError(Problem(str(folder), None, "already exists; choose another id or edit the campaign there"))
    title = title or campaign_id.replace("-", " ").capitalize()
    (folder / "content").mkdir(parents=True)
    text = DEFINITION.format(id=campaign_id, title=title.replace('"', "'"), date=dt.date.today().isoformat())
    (folder / "campaign.toml").write_text(text, encoding="utf-8")
    for name, body in CONTENT.items():
        (folder / "content" / name).write_text(body, encoding="utf-8")
    return folder
