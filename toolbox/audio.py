"""Audio versions in a build: which group × locale × country gets one, from which source, and their keys.

A group that has a microsite page or print materials gets an audio version
in every locale × country with a recording (``campaigns/<id>/audio/``), and
with ``audio = "synthetic"`` also where a synthetic voice speaks the locale;
``"none"`` makes none. The default, ``"recorded-only"``, costs a campaign
without recordings nothing (synthesis takes seconds per file).
A locale with neither is a notice, not a warning: most campaigns have
locales no synthetic voice speaks, and their build must stay clean
(``--strict``); ``-v`` lists them and the build summary counts them.
Synthesis and encoding (``render/audio.py``) run in the build's workers.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import jinja2

from .campaign.contacts import shown_country
from .campaign.model import Campaign, TargetGroup
from .errors import Problem, display_path
from .i18n.localize import Localizer
from .project import Project
from .render import audio as sound
from .render.audio import wanted
from .render.templates import render

if TYPE_CHECKING:  # handed in by the build, never imported from here
    from .schedule import Workers
    from .write import OutputWriter

log = logging.getLogger("toolbox")

SCRIPT_TEMPLATE = "audio/script.txt"


@dataclass
class Planned:
    campaign: str
    group: str
    locale: str
    country: str
    synthetic: bool
    job: sound.AudioJob
    key: str
    transcript: str

    @property
    def paths(self) -> tuple[str, str]:
        return (sound.audio_path(self.campaign, self.group, self.locale, self.country, "ogg"),
                sound.audio_path(self.campaign, self.group, self.locale, self.country, "mp3"))


@dataclass
class AudioPlan:
    items: list[Planned] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # group × locale × country without audio, and why
    problems: list[Problem] = field(default_factory=list)


def plan_audio(project: Project, env: jinja2.Environment, campaigns: list[Campaign]) -> AudioPlan:
    """Every audio version the build makes, with its script rendered and its key."""
    plan = AudioPlan()
    voices = sound.load_voices(project.theme)
    engine = None
    for campaign in campaigns:
        policy = campaign.campaign.audio
        if policy == "none" or (policy == "recorded-only" and not (campaign.folder / "audio").is_dir()):
            continue  # a campaign that does not use audio hears nothing about it
        for group in campaign.groups:
            if not wanted(group):
                continue
            for tag in group.locales:
                voice = voices.voice(tag) if policy == "synthetic" else None
                localizer = None
                for cc in group.countries:
                    rec = sound.recording(campaign.folder, group.id, tag, cc)
                    if rec is None and voice is None:
                        why = ("the campaign takes recordings only (audio = \"recorded-only\")" if policy == "recorded-only"
                               else f"no synthetic voice speaks {tag} (templates/audio/voices.toml)")
                        plan.notices.append(f"{campaign.id}: no audio for '{group.id}' in {tag} ({cc}): {why}; "
                                            f"add a recording as "
                                            f"{display_path(campaign.folder / 'audio' / group.id / (tag + '.ogg'))}")
                        continue
                    if localizer is None:
                        localizer = Localizer(project, campaign, tag)
                    paragraphs = _script(project, env, campaign, localizer, group, cc)
                    text = sound.transcript(paragraphs)
                    if rec is None and _fell_back(paragraphs, localizer, text):
                        plan.notices.append(f"{campaign.id}: no synthetic audio for '{group.id}' in {tag} ({cc}): "
                                            "part of its text is not translated, and a voice must not read another language")
                        continue
                    if engine is None:
                        engine = sound.engine_version()
                    job = sound.AudioJob(sound.ssml(paragraphs), None if rec else voice, voices.speed,
                                         str(rec) if rec else None)
                    key = hashlib.sha256(repr((
                        job.ssml, job.voice, job.speed, engine, sound.LOUDNESS, sound.OPUS_BITRATE, sound.MP3_BITRATE,
                        hashlib.sha256(rec.read_bytes()).hexdigest() if rec else None,
                    )).encode("utf-8")).hexdigest()
                    plan.items.append(Planned(campaign.id, group.id, tag, cc, rec is None, job, key, text))
    if plan.items and sound.missing_tools():
        plan.problems.append(Problem("audio", None, f"audio versions need {', '.join(sound.missing_tools())}; install them "
                                     "(Debian: apt-get install espeak-ng ffmpeg, as scripts/setup.sh does), or set "
                                     "audio = \"none\" in the campaign"))
    return plan


def _script(project: Project, env: jinja2.Environment, campaign: Campaign, localizer: Localizer, group: TargetGroup,
            cc: str) -> list[list[tuple[str, str]]]:
    ctx = {
        "group": localizer.group(group, cc),
        "country": localizer.country(shown_country(campaign, cc)),
        "campaign": localizer.campaign_data(),
        "locale": localizer.locale_data(),
        "say_digits": sound.say_digits,
    }
    return sound.script_text(render(env, SCRIPT_TEMPLATE, ctx, localizer.tr))


def _fell_back(paragraphs: list[list[tuple[str, str]]], localizer: Localizer, text: str) -> bool:
    """True when the script holds text of another language (a fallback), which this voice would mispronounce."""
    return localizer.tr.usage.translated < 1.0 and localizer.info.tag != localizer.campaign.campaign.source_locale


def seconds_label(seconds: float) -> str:
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes}:{rest:02d}"


def build_audio(project: Project, env: jinja2.Environment, campaigns: list[Campaign], workers: Workers, writer: OutputWriter,
                state: dict, new_state: dict, report: Any) -> dict[str, list[dict]]:
    """Make (or keep) every audio version; campaign → [{group, locale, country, ogg, mp3, bytes, seconds, synthetic}]."""

    from .errors import ToolboxError

    plan = plan_audio(project, env, campaigns)
    if plan.problems:
        raise ToolboxError(plan.problems)
    for notice in plan.notices:
        log.info("%s", notice)
    report.notices.extend(plan.notices)
    made: dict[str, list[dict]] = {c.id: [] for c in campaigns}
    todo: list[Planned] = []
    kept: dict[str, list] = {}
    for item in plan.items:
        name = f"audio:{item.paths[0]}"
        old = state.get(name)
        entries = writer.reuse(old["entries"]) if old and old.get("key") == item.key else None
        if entries:
            kept[name] = entries
            new_state[name] = old
        else:
            todo.append(item)
    done = dict(zip((id(i) for i in todo), workers.audio([i.job for i in todo]), strict=True))
    failures = []
    for item in plan.items:
        name = f"audio:{item.paths[0]}"
        if name in kept:
            entries = kept[name]
        else:
            result = done[id(item)]
            if result.error:
                where = display_path(item.job.recording) if item.job.recording else f"{item.campaign}: {item.group} {item.locale}"
                failures.append(Problem(where, None, f"could not make the audio version: {result.error}; "
                                        "check that the recording plays, or re-export it (docs/audio.md)"))
                continue
            log.info("audio %s (%s s, %s)", item.paths[0], result.seconds, "synthetic draft" if item.synthetic else "recording")
            common = dict(campaign=item.campaign, group=item.group, locale=item.locale, country=item.country,
                          format=sound.AUDIO_FORMAT, seconds=result.seconds)
            entries = [writer.write(item.paths[0], result.ogg, **common), writer.write(item.paths[1], result.mp3, **common)]
            new_state[name] = {"key": item.key, "entries": writer.recorded(entries), "synthetic": item.synthetic}
            report.audio_rendered += 1
        for entry in entries:
            if entry.bytes > sound.SIZE_BUDGET:
                report.problems.append(Problem(entry.path, None, f"audio file of {entry.bytes // 1024} KB is over "
                                               f"{sound.SIZE_BUDGET // 1024} KB; shorten the script or the recording"))
        ogg, mp3 = entries
        made[item.campaign].append({"group": item.group, "locale": item.locale, "country": item.country,
                                    "ogg": ogg.path, "mp3": mp3.path, "bytes": ogg.bytes, "mp3_bytes": mp3.bytes,
                                    "seconds": ogg.seconds, "synthetic": item.synthetic})
    if failures:
        raise ToolboxError(failures)
    report.audio = sum(len(v) for v in made.values())
    return made
