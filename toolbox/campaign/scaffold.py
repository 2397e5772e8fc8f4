"""``toolbox new``: a campaign folder that validates and builds as it is."""

from __future__ import annotations

import datetime as dt
import shutil
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


PROJECT_FILE_TEXT = '''# toolbox.toml: the project file. Your organisation's brand kit, read by every output:
# the microsite, the print PDFs and the share images. Every key is optional; remove
# the "# " before a key to use it. Reference: docs/templates.md#brand-kit.
[brand]
# organisation = "Your organisation"
# primary = "#0b6e69"              # sRGB, #rrggbb: headings, rules, the leaflet's cover panel, links
# primary_cmyk = [100, 0, 45, 45]  # its ink percentages for offset print (toolbox build --print)
# accent = "#b3261e"               # boxes get a light tint of it
# accent_cmyk = [0, 90, 85, 10]
# logo = "brand/logo.svg"          # SVG, PNG or JPEG, relative to this folder
# contact = "Your organisation · info@example.org · +389 2 000 000"   # printed under the imprint
# paper = "A4"                     # or "Letter": US Letter fact sheets, leaflets, guides; Tabloid and Letter posters

# [brand.fonts]                    # a family of templates/fonts/fonts.toml per script
# Latn = "Noto Sans"
'''

GITIGNORE = "# Built files: make them again with 'toolbox build' and 'toolbox pack'.\ndist/\noutreach/\n"


def create_project(root: Path) -> list[Path]:
    """``toolbox init``: a project folder that builds as it is (the built-in sample campaign, its catalogs,
    a commented toolbox.toml, a .gitignore); the theme stays in the package until a file is ejected."""
    from ..project import PROJECT_FILE
    from ..theme import SAMPLE, builtin_root

    builtin = builtin_root()
    if (root / "campaigns").exists() or (root / PROJECT_FILE).exists():
        raise ToolboxError(Problem(str(root), None, "is already a toolbox project (it has campaigns/ or toolbox.toml); "
                                                    "add a campaign there with 'toolbox new CAMPAIGN-ID'"))
    sample = builtin / "campaigns" / SAMPLE
    made = [root / "campaigns" / SAMPLE]
    shutil.copytree(sample, made[0])
    for po in sorted((builtin / "locales").glob(f"*/LC_MESSAGES/{SAMPLE}.po")):
        target = root / "locales" / po.relative_to(builtin / "locales")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(po, target)
        made.append(target)
    for glossary in sorted((builtin / "locales").glob("*/glossary.csv")):  # the agreed terms, per language
        target = root / "locales" / glossary.relative_to(builtin / "locales")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(glossary, target)
    pot = builtin / "locales" / f"{SAMPLE}.pot"
    if pot.is_file():
        shutil.copyfile(pot, root / "locales" / pot.name)
    (root / PROJECT_FILE).write_text(PROJECT_FILE_TEXT, encoding="utf-8")
    (root / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    return made + [root / PROJECT_FILE, root / ".gitignore"]


def eject(project: Project, names: list[str], force: bool = False) -> list[Path]:
    """``toolbox theme eject``: copy built-in theme files (or folders) into the project's templates/ for editing.

    Nothing is copied while a name is wrong, or names a file the project already has (unless ``force``)."""
    theme = project.theme
    problems = []
    pairs: list[tuple[Path, Path]] = []
    for name in names:
        rel = name.removeprefix("templates/").strip("/")
        parts = rel.split("/")
        if not rel or ".." in parts or name.startswith(("/", "~")) or "\\" in name:
            problems.append(Problem(name, None, "give a path inside the theme, e.g. print/card.html or site/site.css"))
            continue
        source = theme.builtin / rel
        if source.is_dir():
            files = sorted(p for p in source.rglob("*") if p.is_file())
        elif source.is_file():
            files = [source]
        else:
            near = sorted(p.relative_to(theme.builtin).as_posix() for p in (theme.builtin / parts[0]).glob("*")) \
                if (theme.builtin / parts[0]).is_dir() else sorted(p.name for p in theme.builtin.iterdir() if p.is_dir())
            more = " …" if len(near) > 12 else ""
            problems.append(Problem(name, None, f"the built-in theme has no '{rel}'; it has {', '.join(near[:12])}{more} "
                                                "('toolbox theme list --all' lists every file)"))
            continue
        for path in files:
            target = theme.own / path.relative_to(theme.builtin)
            if theme.own.resolve() == theme.builtin.resolve():
                problems.append(Problem(name, None, "this project is the built-in theme itself (the toolbox repository): "
                                                    "edit templates/ directly"))
                break
            if target.exists() and not force:
                problems.append(Problem(str(target), None, "already in the project; edit it there, or use --force to "
                                                           "replace it with the built-in file"))
                continue
            pairs.append((path, target))
    if problems:
        raise ToolboxError(problems)
    for source_path, target in pairs:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source_path, target)
    return [target for _, target in pairs]
