"""Audio versions of a group's page, per locale × country: the only module that runs espeak-ng and ffmpeg.

Sources, in order (docs/audio.md): a human recording the campaign provides
(``campaigns/<id>/audio/<group>/<locale>-<cc>.ogg`` or ``<locale>.ogg``), a
synthetic draft from espeak-ng for a locale ``templates/audio/voices.toml``
gives a voice, or nothing. Never another language's voice. Either source is
loudness-normalised (EBU R128, ffmpeg ``loudnorm``) and written twice: Opus in
Ogg (messaging apps' own voice-message format) and MP3 (players without Opus),
with no tags at all, so the bytes depend on the sound alone and a file says
nothing about who made or received it.
"""

from __future__ import annotations

import html.parser
import re
import shutil
import subprocess
import tempfile
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup

from ..campaign.model import Campaign, TargetGroup
from ..project import Project
from ..theme import Theme

AUDIO_FORMAT = "audio"
#: Recording files a campaign may provide, in the order they are looked for.
RECORDING_SUFFIXES = (".ogg", ".opus", ".mp3", ".m4a", ".wav")
#: Integrated loudness (LUFS) every file is normalised to: voice messages on a phone speaker.
LOUDNESS = -18.0
LIMIT = -3.0  # dBFS, before the last small gain and the codecs' overshoot
OPUS_BITRATE = "24k"
MP3_BITRATE = "32k"
MP3_RATE = 24000  # MPEG-2 layer III: plenty for speech, half the bytes of 48 kHz
#: Bytes written per file before the build warns (a voice message must forward on a slow line).
SIZE_BUDGET = 1024 * 1024
POLICIES = ("synthetic", "recorded-only", "none")


@dataclass(frozen=True)
class Voices:
    voices: dict[str, str]
    speed: int

    def voice(self, tag: str) -> str | None:
        """The espeak-ng voice for ``tag``: its own entry or its language's, never another language's."""
        if tag in self.voices:
            return self.voices[tag]
        language = tag.split("-")[0]
        return self.voices.get(language)


def load_voices(theme: Theme) -> Voices:
    path = theme.file("audio/voices.toml")
    if not path.is_file():
        return Voices({}, 145)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return Voices({str(k): str(v) for k, v in data.get("voices", {}).items()}, int(data.get("speed", 145)))


def recording(folder: Path, group: str, tag: str, country: str) -> Path | None:
    """The campaign's recording for a group × locale × country: per country first, then per locale."""
    base = folder / "audio" / group
    for stem in (f"{tag}-{country.lower()}", tag):
        for suffix in RECORDING_SUFFIXES:
            path = base / f"{stem}{suffix}"
            if path.is_file():
                return path
    return None


def audio_path(cid: str, group: str, tag: str, country: str, suffix: str) -> str:
    """Named like the group's other materials: campaign, group, locale, country; nothing about the listener."""
    return f"{cid}/{tag}/{group}/{cid}-{group}-{tag}-{country.lower()}-audio.{suffix}"


# ------------------------------------------------------------------ the script

_DIGITS_TAG = "say-digits"
_BLOCK = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "div", "section", "ul", "ol", "blockquote"}
_INVISIBLE = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u00ad"))


def say_digits(number: str) -> Markup:
    """``{{ say_digits(line.number) }}`` in templates/audio/: the number read digit by digit, slowly."""
    return Markup('<say-digits>{}</say-digits>').format(number)


class _Script(html.parser.HTMLParser):
    """Rendered script (text with the sections' HTML) → paragraphs, each a list of (kind, text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[tuple[str, str]] = []
        self.digits = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == _DIGITS_TAG:
            self.digits = True
        elif tag in _BLOCK:
            self.parts.append(("break", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == _DIGITS_TAG:
            self.digits = False
        elif tag in _BLOCK:
            self.parts.append(("break", ""))

    def handle_data(self, data: str) -> None:
        self.parts.append(("digits" if self.digits else "text", data.translate(_INVISIBLE)))


def script_text(rendered: str) -> list[list[tuple[str, str]]]:
    """Paragraphs of (kind, text): kind "text" or "digits". Blank lines and block elements end a paragraph."""
    parser = _Script()
    parser.feed(re.sub(r"\n\s*\n", "<br>", rendered))
    parser.close()
    paragraphs: list[list[tuple[str, str]]] = [[]]
    for kind, text in parser.parts:
        if kind == "break":
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        text = re.sub(r"\s+", " ", text)
        if kind == "text":  # "8:00 a.m.." where a template adds a full stop after text ending in one
            text = re.sub(r"(?<=[^.])\.\.(?!\.)", ".", text)
        if text.strip():
            paragraphs[-1].append((kind, text.strip() if kind == "digits" else text))
    return [p for p in paragraphs if p]


def transcript(paragraphs: list[list[tuple[str, str]]]) -> str:
    """The script as plain text (what the voice says; part of the output's key)."""
    return "\n\n".join("".join(t for _, t in p).strip() for p in paragraphs) + "\n"


def _spelled(number: str) -> str:
    """"0800 11111" → "0, 8, 0, 0 … 1, 1, 1, 1, 1": each digit its own word, a pause between groups."""
    groups = [", ".join(ch for ch in group if not ch.isspace()) for group in re.split(r"[\s\-/.()]+", number) if group]
    return '<break time="500ms"/>'.join(groups)


#: Zero in the digits of the locales with a voice: Latin, Arabic, Persian/Urdu, Bengali, Devanagari.
_ZERO = "0\u0660\u06f0\u09e6\u0966"
_FULL_HOUR = re.compile(rf"(?<![\d:])[{_ZERO}]?(\d{{1,2}}):[{_ZERO}]{{2}}(?![\d:])")
_LEADING_ZERO = re.compile(rf"(?<!\d)[{_ZERO}]\d+")


def spoken(text: str) -> str:
    """Written numbers as a voice should get them: "8:00" → "8", "007" → "0 0 7".

    Every voice reads "8:00" as "eight zero zero"; said, a full hour is the hour
    alone. And a number with a leading zero is a code or a phone number, said
    digit by digit. It also keeps espeak-ng 1.51's Arabic voice deterministic:
    a run of two or more zeros ("00", "8:00", "007") makes it read memory it
    never set and say a different sound on each run (so Arabic audio differed
    between builds); single digits between spaces it reads the same every time.
    Arabic-Indic and other digits are treated alike.
    """
    text = _FULL_HOUR.sub(lambda m: m.group(1), text)
    return _LEADING_ZERO.sub(lambda m: " ".join(m.group(0)), text)


def ssml(paragraphs: list[list[tuple[str, str]]]) -> str:
    """SSML for espeak-ng: a pause after each paragraph; numbers slowly, digit by digit."""
    from xml.sax.saxutils import escape

    out = ["<speak>"]
    for paragraph in paragraphs:
        pieces = []
        for kind, text in paragraph:
            if kind == "digits":
                pieces.append(f'<prosody rate="slow">{_spelled(escape(text))}</prosody><break time="400ms"/>')
            else:
                pieces.append(escape(spoken(text)))
        out.append("".join(pieces) + '<break time="700ms"/>')
    out.append("</speak>")
    return "\n".join(out)


# ------------------------------------------------------------------ sound

class AudioError(Exception):
    """espeak-ng or ffmpeg failed on an input (a damaged recording): reported as a problem, not a traceback."""


@lru_cache(maxsize=1)
def engine_version() -> str:
    """espeak-ng and ffmpeg versions: part of every audio output's key (a new encoder may give new bytes)."""
    parts = []
    for cmd in (["espeak-ng", "--version"], ["ffmpeg", "-hide_banner", "-version"]):
        if shutil.which(cmd[0]) is None:
            parts.append(f"{cmd[0]}: missing")
            continue
        run = subprocess.run(cmd, capture_output=True, text=True)
        parts.append(run.stdout.splitlines()[0] if run.stdout else f"{cmd[0]}: ?")
    return "; ".join(parts)


def missing_tools() -> list[str]:
    return [tool for tool in ("espeak-ng", "ffmpeg", "ffprobe") if shutil.which(tool) is None]


@dataclass(frozen=True)
class AudioJob:
    """One audio version to make: from a recording when there is one, else from SSML with a voice."""

    ssml: str
    voice: str | None
    speed: int
    recording: str | None  # path of the campaign's recording


@dataclass
class AudioDone:
    ogg: bytes
    mp3: bytes
    seconds: float
    error: str = ""


def _run(cmd: list[str], what: str) -> subprocess.CompletedProcess:
    run = subprocess.run(cmd, capture_output=True)
    if run.returncode != 0:
        tail = run.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise AudioError(f"{what} failed: {tail[0]}")
    return run


# Bit-exact output and no tags: no encoder name, no date, no title, a fixed Ogg serial number.
_EXACT = ["-map_metadata", "-1", "-map_chapters", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact"]


def make_audio(job: AudioJob) -> AudioDone:
    """Synthesise (or take the recording), normalise loudness, encode Opus and MP3."""
    try:
        with tempfile.TemporaryDirectory(prefix="toolbox-audio-") as tmp:
            tmpdir = Path(tmp)
            source = Path(job.recording) if job.recording else tmpdir / "voice.wav"
            if not job.recording:
                (tmpdir / "script.ssml").write_text(job.ssml, encoding="utf-8")
                _run(["espeak-ng", "-m", "-v", job.voice or "", "-s", str(job.speed), "-f", str(tmpdir / "script.ssml"),
                      "-w", str(source)], "espeak-ng")
            ogg, mp3 = tmpdir / "out.ogg", tmpdir / "out.mp3"
            # EBU R128: measure the integrated loudness, bring it to LOUDNESS with one gain for the whole file
            # and a limiter for the peaks, measure again and correct what the limiter took. (ffmpeg's one-pass
            # loudnorm works at 192 kHz: three times the time.) The limiter leaves headroom for the codecs'
            # overshoot, so the decoded files stay below 0 dBFS.
            level = tmpdir / "level.wav"
            _run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(source), "-af",
                  f"aformat=channel_layouts=mono,volume={LOUDNESS - loudness(source):.2f}dB,"
                  f"alimiter=limit={10 ** (LIMIT / 20):.3f}:level=false", "-c:a", "pcm_s16le", *_EXACT, str(level)],
                 "ffmpeg (loudness)")
            gain = max(-3.0, min(3.0, LOUDNESS - loudness(level)))
            graph = (f"[0:a]volume={gain:.2f}dB,"
                     f"asplit=2[a][b];[a]aresample=48000[o];[b]aresample={MP3_RATE}[m]")
            source = level
            _run(["ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", str(source),
                  "-filter_complex", graph,
                  "-map", "[o]", "-c:a", "libopus", "-b:a", OPUS_BITRATE, "-application", "voip", "-compression_level", "5",
                  "-ac", "1", *_EXACT, str(ogg),
                  "-map", "[m]", "-c:a", "libmp3lame", "-b:a", MP3_BITRATE, "-compression_level", "7", "-ac", "1",
                  "-id3v2_version", "0", "-write_id3v1", "0", *_EXACT, str(mp3)], "ffmpeg")
            return AudioDone(ogg.read_bytes(), mp3.read_bytes(), duration(ogg))
    except (AudioError, OSError) as exc:
        return AudioDone(b"", b"", 0.0, str(exc))


def loudness(path: Path) -> float:
    """Integrated loudness (LUFS, EBU R128) of a sound file, by ffmpeg's ebur128 filter."""
    run = _run(["ffmpeg", "-nostdin", "-hide_banner", "-i", str(path), "-af", "aformat=channel_layouts=mono,ebur128",
                "-f", "null", "-"], "ffmpeg (loudness)")
    found = re.findall(r"I:\s+(-?[0-9.]+) LUFS", run.stderr.decode("utf-8", "replace"))
    if not found or float(found[-1]) < -60:
        raise AudioError("the sound is silent or too quiet to measure")
    return float(found[-1])


def duration(path: Path) -> float:
    run = _run(["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)], "ffprobe")
    return round(float(run.stdout.decode().strip() or 0), 2)


def wanted(group: TargetGroup) -> bool:
    """A group gets voice messages when it has any materials at all."""
    return bool(group.formats)


def voice_messages(project: Project, campaign: Campaign, tag: str, cc: str) -> list[str]:
    """Audio files a locale × country's bundles will carry (for the print guide), without rendering any script.

    A group counts when it has a recording, or a voice under ``audio = "synthetic"``; a draft
    dropped because its text fell back to another language is still counted (rare: a gap the
    translation gate reports anyway).
    """
    policy = campaign.campaign.audio
    if policy == "none":
        return []
    voices = load_voices(project.theme)
    files = []
    for group in campaign.groups:
        if not wanted(group) or tag not in group.locales or cc not in group.countries:
            continue
        if recording(campaign.folder, group.id, tag, cc) or (policy == "synthetic" and voices.voice(tag)):
            files.append(audio_path(campaign.id, group.id, tag, cc, "ogg").rsplit("/", 1)[-1])
    return files
