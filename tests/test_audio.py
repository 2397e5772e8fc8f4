"""Audio versions (docs/audio.md): real files from espeak-ng and ffmpeg, checked with ffprobe.

One small campaign is built once for the module: the Roma group in English
(a synthetic draft), Serbian (a generated, clearly labelled test recording
that must win over the voice) and Romani (no voice, no recording: a notice
and no file), one country.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import ROOT, make_project, run_toolbox
from toolbox.theme import Theme

pytestmark = pytest.mark.skipif(not (shutil.which("espeak-ng") and shutil.which("ffmpeg") and shutil.which("ffprobe")),
                                reason="espeak-ng and ffmpeg are needed; run scripts/setup.sh --test")

GROUP = "roma-communities"
PREFIX = f"safe-journeys/{{tag}}/{GROUP}/safe-journeys-{GROUP}-{{tag}}-rs-audio"


def _small_campaign(folder: Path) -> None:
    """The sample, cut down to the Roma group in en, sr-Latn and rmn, in Serbia, microsite only."""
    toml = folder / "campaign.toml"
    text = toml.read_text(encoding="utf-8")
    blocks = re.split(r"(?m)^(?=\[\[groups\]\])", text)
    last = blocks[-1]
    cut = last.index("# ---------------------------------------------------------------- locales")
    groups, tail = blocks[1:-1] + [last[:cut]], last[cut:]
    roma = next(g for g in groups if f'id = "{GROUP}"' in g)
    roma = (roma.replace('locales = ["en", "rmn", "sr-Latn", "sr-Cyrl"]', 'locales = ["en", "rmn", "sr-Latn"]')
            .replace('countries = ["RS", "MK"]', 'countries = ["RS"]').replace('formats = ["site", "leaflet"]',
                                                                               'formats = ["site"]'))
    toml.write_text(blocks[0] + roma + tail, encoding="utf-8")


def _test_recording(target: Path) -> None:
    """A TEST recording (not a real voice message): English words saying so, stereo, with tags to be removed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    wav = target.with_suffix(".wav")
    subprocess.run(["espeak-ng", "-v", "en-gb", "-w", str(wav),
                    "This is a test recording for toolbox. It is not a real message."],
                   check=True)
    subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", str(wav), "-ac", "2", "-ar", "48000",
                    "-metadata", "title=Recorded by Jane Doe at the shelter", "-metadata", "artist=Jane Doe",
                    "-c:a", "libopus", "-b:a", "64k", str(target)], check=True)
    wav.unlink()


@pytest.fixture(scope="module")
def audio_build(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("audio")
    project = make_project(tmp / "project", ROOT / "campaigns" / "safe-journeys")
    folder = project / "campaigns" / "safe-journeys"
    _small_campaign(folder)
    _test_recording(folder / "audio" / GROUP / "sr-Latn.ogg")
    out = tmp / "out"
    started = time.perf_counter()
    result = run_toolbox("-v", "-C", str(project), "build", "--jobs", "1", "--out", str(out))
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {"project": project, "out": out, "manifest": manifest, "result": result,
            "seconds": time.perf_counter() - started}


def _probe(path: Path) -> dict:
    run = subprocess.run(["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


def _loudness(path: Path) -> tuple[float, float]:
    """(integrated loudness in LUFS, true peak in dBFS), EBU R128, as ffmpeg measures them."""
    run = subprocess.run(["ffmpeg", "-nostdin", "-hide_banner", "-i", str(path), "-af", "ebur128=peak=true", "-f", "null", "-"],
                         capture_output=True, text=True)
    return (float(re.findall(r"I:\s+(-?[0-9.]+) LUFS", run.stderr)[-1]),
            float(re.findall(r"Peak:\s+(-?[0-9.]+) dBFS", run.stderr)[-1]))


def _entries(manifest: dict) -> dict[str, dict]:
    return {o["path"]: o for o in manifest["outputs"] if o["format"] == "audio"}


def test_audio_for_each_voice_or_recording_and_none_without(audio_build) -> None:
    entries = _entries(audio_build["manifest"])
    expected = {PREFIX.format(tag=tag) + suffix for tag in ("en", "sr-Latn") for suffix in (".ogg", ".mp3")}
    assert set(entries) == expected
    for entry in entries.values():
        assert entry["seconds"] > 0 and entry["country"] == "RS" and entry["group"] == GROUP
    assert not any("seconds" in o for o in audio_build["manifest"]["outputs"] if o["format"] != "audio")
    out = audio_build["out"]
    assert not list((out / "safe-journeys" / "rmn" / GROUP).glob("*audio*"))
    log = audio_build["result"].stderr + audio_build["result"].stdout
    assert f"no audio for '{GROUP}' in rmn (RS): no synthetic voice speaks rmn" in log
    assert "1 without audio" in log
    # A missing voice is a notice, not a warning: it must not fail a --strict build.
    assert not [line for line in log.splitlines() if "warning:" in line and "audio" in line.split("warning:", 1)[1]]


@pytest.mark.parametrize("tag", ["en", "sr-Latn"])
def test_files_are_opus_and_mp3_mono_at_the_set_loudness(audio_build, tag: str) -> None:
    out, entries = audio_build["out"], _entries(audio_build["manifest"])
    for suffix, codec, rate in ((".ogg", "opus", "48000"), (".mp3", "mp3", "24000")):
        rel = PREFIX.format(tag=tag) + suffix
        info = _probe(out / rel)
        (stream,) = info["streams"]
        assert (stream["codec_name"], stream["channels"], stream["sample_rate"]) == (codec, 1, rate)
        assert abs(float(info["format"]["duration"]) - entries[rel]["seconds"]) < 0.2
        from toolbox.render.audio import LOUDNESS

        loudness, peak = _loudness(out / rel)
        assert abs(loudness - LOUDNESS) <= 1.0 and peak < 0.0, (rel, loudness, peak)
        # No title, artist, date or version: nothing a recording's phone wrote about who spoke. Ogg Opus
        # always names its encoder; bit-exact mode leaves the version number out, so the bytes stay the same.
        tags = {**info["format"].get("tags", {}), **stream.get("tags", {})}
        assert set(tags) <= {"encoder"} and not re.search(r"[0-9]", "".join(tags.values())), (rel, tags)
    ogg = _probe(out / (PREFIX.format(tag=tag) + ".ogg"))
    bitrate = int(ogg["format"]["size"]) * 8 / float(ogg["format"]["duration"])
    assert 14_000 < bitrate < 34_000


def test_recording_wins_over_the_voice(audio_build) -> None:
    entries = _entries(audio_build["manifest"])
    recorded = entries[PREFIX.format(tag="sr-Latn") + ".ogg"]["seconds"]
    synthetic = entries[PREFIX.format(tag="en") + ".ogg"]["seconds"]
    assert recorded < 10 < synthetic  # the 4-second test recording, not the two-minute script
    page = (audio_build["out"] / "safe-journeys" / "sr-Latn" / GROUP / "index.html").read_text(encoding="utf-8")
    english = (audio_build["out"] / "safe-journeys" / "en" / GROUP / "index.html").read_text(encoding="utf-8")
    assert "Synthetic voice: a draft, not a recording" in english
    assert 'class="small draft"' not in page  # a human recording is not labelled a draft


def test_player_is_native_lazy_and_labelled(audio_build) -> None:
    page = (audio_build["out"] / "safe-journeys" / "en" / GROUP / "index.html").read_text(encoding="utf-8")
    assert page.count('<audio controls preload="none"') == 1
    assert 'type="audio/ogg; codecs=opus"' in page and 'type="audio/mpeg"' in page
    assert ">Listen to this page<" in page and ">Download the audio<" in page
    assert "media-src 'self'" in page
    rmn = (audio_build["out"] / "safe-journeys" / "rmn" / GROUP / "index.html").read_text(encoding="utf-8")
    assert "<audio" not in rmn


def test_unchanged_script_is_not_synthesised_again(audio_build) -> None:
    out = audio_build["out"]
    before = {p: (out / p).read_bytes() for p in _entries(audio_build["manifest"])}
    result = run_toolbox("-C", str(audio_build["project"]), "build", "--jobs", "1", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "0 made now" in result.stdout + result.stderr
    assert {p: (out / p).read_bytes() for p in before} == before


def test_template_edits_that_leave_the_script_alone_make_no_audio(audio_build, tmp_path: Path) -> None:
    """A designer editing the site or print templates (toolbox serve rebuilds on every save) waits for no voice."""
    project = tmp_path / "project"
    shutil.copytree(audio_build["project"] / "campaigns", project / "campaigns")
    shutil.copytree(ROOT / "templates", project / "templates")
    (project / "locales").symlink_to(ROOT / "locales")
    out = tmp_path / "out"
    shutil.copytree(audio_build["out"], out)
    before = {p: (out / p).read_bytes() for p in _entries(audio_build["manifest"])}
    group_page = out / "safe-journeys" / "en" / GROUP / "index.html"
    site = project / "templates/site/group.html"
    site.write_text(site.read_text(encoding="utf-8").replace("{% block main %}", "{% block main %}<!-- edited -->", 1),
                    encoding="utf-8")
    for name in ("print/leaflet.html", "partials/contact.html"):  # the script imports the contact macros
        path = project / "templates" / name
        path.write_text(path.read_text(encoding="utf-8") + "{# edited, says the same #}\n", encoding="utf-8")
    result = run_toolbox("-C", str(project), "build", "--jobs", "1", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "0 made now" in result.stdout + result.stderr
    assert {p: (out / p).read_bytes() for p in before} == before
    assert "<!-- edited -->" in group_page.read_text(encoding="utf-8")  # the edit itself was built


def test_same_input_same_bytes() -> None:
    from toolbox.render.audio import AudioJob, make_audio, script_text, ssml

    text = '<p>Call for free.</p>\n\n<say-digits>0800 11111</say-digits>'
    job = AudioJob(ssml(script_text(text)), "en-gb", 145, None)
    first, second = make_audio(job), make_audio(job)
    assert not first.error and first.ogg and first.mp3
    assert (first.ogg, first.mp3) == (second.ogg, second.mp3)
    assert not re.search(rb"Lav[fc][0-9]", first.ogg + first.mp3[:4096])  # no encoder version


def test_numbers_are_given_to_the_voice_as_they_are_said() -> None:
    from toolbox.render.audio import spoken

    assert spoken("8:00 ص – 8:00 م") == "8 ص – 8 م"
    assert spoken("Mo–Fr 08:00–20:00, Sa 9:30") == "Mo–Fr 8–20, Sa 9:30"
    assert spoken("code 007, ١٠:٠٠, ٠٠٧") == "code 0 0 7, ١٠, ٠ ٠ ٧"
    assert spoken("112 and 0800 and 30 days") == "112 and 0 8 0 0 and 30 days"


def test_arabic_voice_says_the_hours_the_same_on_every_run(tmp_path: Path) -> None:
    """espeak-ng 1.51's Arabic voice says "00" differently from run to run; the script must never give it one."""
    from toolbox.render.audio import script_text, ssml

    (tmp_path / "s.ssml").write_text(ssml(script_text("8:00 ص – 8:00 م. 20:00. ٠٠٧.")), encoding="utf-8")
    waves = set()
    for run in range(4):
        wav = tmp_path / f"{run}.wav"
        subprocess.run(["espeak-ng", "-m", "-v", "ar", "-s", "145", "-f", str(tmp_path / "s.ssml"), "-w", str(wav)],
                       check=True, capture_output=True)
        waves.add(wav.read_bytes())
    assert len(waves) == 1


def test_hotline_digits_are_read_one_by_one_slowly_twice() -> None:
    from toolbox.render.audio import script_text, ssml

    rendered = "Call.\n\n<say-digits>0800 11111</say-digits>\n\n<say-digits>0800 11111</say-digits>"
    out = ssml(script_text(rendered))
    assert out.count('<prosody rate="slow">0, 8, 0, 0<break time="500ms"/>1, 1, 1, 1, 1</prosody>') == 2


def test_no_other_languages_voice() -> None:
    from toolbox.render.audio import load_voices

    voices = load_voices(Theme.of(ROOT))
    for tag in ("ps", "ckb", "rmn", "prs", "cnr"):
        assert voices.voice(tag) is None, tag  # Dari is not read by the Persian voice, Sorani not by any
    assert voices.voice("sr-Cyrl") == voices.voice("sr-Latn") == "sr"
    assert voices.voice("kmr") == "ku" and voices.voice("fa") == "fa"


def test_recorded_only_refuses_synthetic_voices(audio_build) -> None:
    from toolbox.audio import plan_audio
    from toolbox.inputs import load_all
    from toolbox.project import Project
    from toolbox.render.templates import environment

    project = Project(audio_build["project"])
    campaigns, _ = load_all(project)
    strict = [replace(c, campaign=replace(c.campaign, audio="recorded-only")) for c in campaigns]
    plan = plan_audio(project, environment(project.theme), strict)
    assert [(i.locale, i.synthetic) for i in plan.items] == [("sr-Latn", False)]
    assert any("recordings only" in n and " en " in n for n in plan.notices)


def test_player_in_chromium_without_javascript_fetches_nothing_until_play(audio_build) -> None:
    """JavaScript off: the native player is there and no audio byte is requested; pressing play fetches and plays Opus."""
    from test_site_browser import CHROMEDRIVER, CHROMIUM, Browser

    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("chromium or chromedriver is not installed; run scripts/setup.sh --test")
    browser = Browser()
    try:
        page = audio_build["out"] / "safe-journeys" / "en" / GROUP / "index.html"
        requests, _ = browser.load(page, javascript=False)
        assert not [u for u in requests if u.endswith((".ogg", ".mp3"))], requests
        player = browser.driver.find_element("css selector", "audio[controls]")
        assert player.is_displayed() and player.size["height"] > 0 and player.size["width"] > 200
        browser.driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
        # The reader presses play (a click on the player's play button, at its left end).
        from selenium.webdriver.common.action_chains import ActionChains

        ActionChains(browser.driver).move_to_element_with_offset(player, -player.size["width"] // 2 + 20, 0).click().perform()
        deadline = time.time() + 10
        state = {}
        while time.time() < deadline:
            state = browser.js("const a = document.querySelector('audio'); return {src: a.currentSrc, ready: a.readyState, "
                               "t: a.currentTime, d: a.duration, err: a.error && a.error.code}")
            if state["t"] and state["t"] > 0.2:
                break
            time.sleep(0.2)
        assert state["src"].endswith(".ogg") and not state["err"], state
        assert state["d"] > 60 and state["t"] > 0.2, state  # it plays: the clock moves
        assert [u for u in browser.requests() if u.endswith(".ogg")]
    finally:
        browser.quit()


def test_bundles_put_audio_in_its_own_folder() -> None:
    from toolbox.formats import load
    from toolbox.manifest import Entry
    from toolbox.outreach.pack import kind

    formats = load(Theme.of(ROOT))
    for suffix in ("ogg", "mp3"):
        entry = Entry("c", "g", "en", "RS", "audio", f"c/en/g/c-g-en-rs-audio.{suffix}", 1, "0" * 64)
        assert kind(entry, formats) == "audio"
    assert kind(Entry("c", "g", "en", "RS", "audio", "c/en/g/c-g-en-rs-audio.wav", 1, "0" * 64), formats) is None


def test_print_guide_mentions_voice_messages_only_where_there_are_some(audio_build) -> None:
    from toolbox.inputs import load_all
    from toolbox.project import Project
    from toolbox.render.audio import voice_messages

    project = Project(audio_build["project"])
    (campaign,), _ = load_all(project)
    assert voice_messages(project, campaign, "en", "RS") == [f"safe-journeys-{GROUP}-en-rs-audio.ogg"]
    assert voice_messages(project, campaign, "sr-Latn", "RS")  # the recording
    assert voice_messages(project, campaign, "rmn", "RS") == []
    assert voice_messages(project, replace(campaign, campaign=replace(campaign.campaign, audio="none")), "en", "RS") == []


def test_default_makes_no_audio_without_recordings(audio_build, tmp_path: Path) -> None:
    """Drafts are opt-in: by default a campaign without an audio/ folder makes no audio and gets no notice."""
    from toolbox.audio import plan_audio
    from toolbox.campaign.model import CampaignInfo
    from toolbox.inputs import load_all
    from toolbox.project import Project
    from toolbox.render.templates import environment

    assert CampaignInfo.__dataclass_fields__["audio"].default == "recorded-only"
    project = Project(audio_build["project"])
    (campaign,), _ = load_all(project)
    default = replace(campaign, folder=tmp_path, campaign=replace(campaign.campaign, audio="recorded-only"))
    plan = plan_audio(project, environment(project.theme), [default])
    assert plan.items == [] and plan.notices == []


def test_damaged_recording_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    from toolbox.render.audio import AudioJob, make_audio

    bad = tmp_path / "en.ogg"
    bad.write_bytes(b"OggS not really a recording")
    done = make_audio(AudioJob("", None, 145, str(bad)))
    assert done.error.startswith("ffmpeg") and not done.ogg


def test_audio_starts_workers_that_never_get_ctrl_c(tmp_path: Path) -> None:
    """Audio is the first work of a build, so it often starts the pool: its workers must be born with SIGINT blocked."""
    import signal

    from toolbox.project import Project
    from toolbox.render.audio import AudioJob
    from toolbox.render.print import PrintOptions
    from toolbox.schedule import Workers

    bad = tmp_path / "en.ogg"
    bad.write_bytes(b"OggS not really a recording")  # fails at once: the test wants the workers, not the sound
    with Workers(Project(ROOT), [], 2, PrintOptions(), "none") as workers:
        assert all(done.error for done in workers.audio([AudioJob("", None, 145, str(bad))] * 2))
        masks = workers._pool.map(signal.pthread_sigmask, [signal.SIG_BLOCK] * 4, [[]] * 4)
        assert all(signal.SIGINT in mask for mask in masks)


def test_script_text_reads_sections_as_text() -> None:
    from toolbox.render.audio import script_text, transcript

    rendered = '<p>Open <bdi dir="ltr">\u2066Mo–Fr\u2069</bdi> 8:00 a.m..</p><ul><li>One</li><li>Two</li></ul>'
    assert transcript(script_text(rendered)) == "Open Mo–Fr 8:00 a.m.\n\nOne\n\nTwo\n"
