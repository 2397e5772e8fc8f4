"""Benchmark: toolbox builds against raw WeasyPrint, measured in the same run.

    python bench/bench.py                  # 4 copies of the sample: 544 print outputs, 3 runs each
    python bench/bench.py --copies 2 --runs 5
    python bench/bench.py --programme --fraction 0.02 --runs 3 --scaling 0.1,0.5,1 --scaling-runs 1
                                           # issue 15's regional programme (about 2.5 h on 2 cores, estimated)

``--programme`` builds instead one campaign of five groups, every built-in
locale, six countries and every format (4,968 print outputs at fraction 1;
``--fraction`` builds that share of its group × locale pairs), and also says
the peak memory of the build and of its largest render process and what one
catalog edit re-renders. ``--scaling`` then builds the programme at each
fraction as a user does (cold build at --jobs, no-op, one catalog edited):
the time per output, and the whole-programme no-op and edit at fraction 1.
The overhead figures (--jobs 1, raw WeasyPrint) are taken at --fraction: at
fraction 1 they alone would take about six hours on 2 cores.

Builds a throwaway project of N copies of the bundled sample campaign and
times, as medians over --runs runs of the real ``toolbox`` command:

- cold full build at --jobs 1 and at --jobs <cores>;
- cold print-only build (``--shard 1/1``: every print output, no microsite) at --jobs 1;
- no-op rebuild;
- rebuild after changing one .po file;
- rebuild after changing one print template;
- raw WeasyPrint (one process, one FontConfiguration) writing the same HTML
  the toolbox renders for its print outputs, with the same PDF options.

It prints the figures and the ratios: toolbox overhead over raw WeasyPrint
(print outputs only, and for the whole build including the microsite), the
parallel speed-up, and the no-op time. Not a test: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = "safe-journeys"


def make_project(where: Path, copies: int) -> Path:
    project = where / "project"
    shutil.copytree(ROOT / "templates", project / "templates")
    shutil.copytree(ROOT / "locales", project / "locales")
    for n in range(1, copies + 1):
        cid = f"{SAMPLE}-{n}"
        shutil.copytree(ROOT / "campaigns" / SAMPLE, project / "campaigns" / cid)
        toml = project / "campaigns" / cid / "campaign.toml"
        toml.write_text(toml.read_text(encoding="utf-8").replace(f'id = "{SAMPLE}"', f'id = "{cid}"', 1), encoding="utf-8")
        for po in (project / "locales").glob(f"*/LC_MESSAGES/{SAMPLE}.po"):
            shutil.copy(po, po.with_name(f"{cid}.po"))
    for po in (project / "locales").glob(f"*/LC_MESSAGES/{SAMPLE}.po"):
        po.unlink()
    return project


#: The regional programme of issue 15: six countries, every built-in locale, five target groups, every format.
PROGRAMME = "programme"
COUNTRIES = ["AL", "BA", "MK", "RS", "XK", "ME"]
#: Two more target groups made from the sample's own (their texts are translated already): five in all.
EXTRA_GROUPS = {"migrants-in-transit": "people-in-shelters", "jobs-abroad": "seasonal-work"}


#: Stand-in campaign texts for the built-in locales the sample has no campaign catalog for: another
#: language's translation in the same script (so shaping, fonts and copyfitting cost what they would),
#: never published anywhere. Without them those locales are below min_translated and not built at all.
STAND_INS = {"prs": "fa", "ps": "fa", "ur": "fa", "ckb": "fa", "bs": "sr-Latn", "cnr": "sr-Latn",
             "kmr": "sq", "tr": "sq", "fr": "sq", "bn": "en"}
#: Latin letters to Bengali ones, for the Bengali stand-in (no sample language is written in Bengali).
_BENGALI = dict(zip("abcdefghijklmnopqrstuvwxyz", "অবচদএফগহইজকলমনওপকরসতউভওকযজ", strict=True))


def _bengali(text: str) -> str:
    """English text in Bengali letters, placeholders ({hotline}), tags, entities and digits kept as they are."""
    import re

    parts = re.split(r"(\{[^}]*\}|<[^>]*>|&[#\w]+;|https?://\S+|\S+@\S+)", text)
    return "".join(p if i % 2 else "".join(_BENGALI.get(c.lower(), c) for c in p) for i, p in enumerate(parts))


def stand_in_catalogs(project: Path) -> None:
    """A campaign catalog for every built-in locale that has none (STAND_INS), marked as a stand-in."""
    from babel.messages.pofile import read_po, write_po

    folder = project / "locales"
    for tag, donor in STAND_INS.items():
        target = folder / tag / "LC_MESSAGES" / f"{PROGRAMME}.po"
        if target.exists():
            continue
        if donor == "en":
            with (ROOT / "locales" / f"{SAMPLE}.pot").open("rb") as fh:
                catalog = read_po(fh, locale=tag)
            for message in catalog:
                if message.id:
                    message.string = (tuple(_bengali(i) for i in message.id) if isinstance(message.id, tuple)
                                      else _bengali(message.id))
        else:
            with (folder / donor / "LC_MESSAGES" / f"{PROGRAMME}.po").open("rb") as fh:
                catalog = read_po(fh, locale=tag)
        catalog.locale = tag  # the header's Language and plural forms: the stand-in's own
        catalog.header_comment = f"# Benchmark stand-in: the {donor} texts under {tag}; not a translation."
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as fh:
            write_po(fh, catalog, width=0)


def builtin_locales() -> list[str]:
    """Every locale the toolbox ships a catalog for, the source language and Cyrillic Serbian (transliterated)."""
    tags = sorted(p.parent.parent.name for p in (ROOT / "locales").glob("*/LC_MESSAGES/toolbox.po"))
    return sorted({"en", "sr-Cyrl", *tags})


def print_formats() -> list[str]:
    import tomllib

    table = tomllib.loads((ROOT / "templates" / "print" / "formats.toml").read_text(encoding="utf-8"))
    return [name for name, kind in table.items() if kind.get("family") == "print"]


def programme_pairs(fraction: float) -> list[tuple[str, str]]:
    """The (group, locale) pairs of ``fraction`` of the programme, spread evenly over groups and languages."""
    import tomllib

    sample = tomllib.loads((ROOT / "campaigns" / SAMPLE / "campaign.toml").read_text(encoding="utf-8"))
    groups = [g["id"] for g in sample["groups"]] + list(EXTRA_GROUPS.values())
    locales = builtin_locales()
    # Locale-major order with groups rotating, so a small fraction still mixes scripts and groups.
    pairs = [(groups[(i + j) % len(groups)], tag) for i, tag in enumerate(locales) for j in range(len(groups))]
    wanted = max(1, round(fraction * len(pairs)))
    step = len(pairs) / wanted
    return [pairs[int(k * step)] for k in range(wanted)]


def make_programme(where: Path, fraction: float) -> Path:
    """One campaign: the sample's texts and catalogs, five groups, six countries, every locale and format (or a fraction)."""
    import re

    project = where / "project"
    shutil.copytree(ROOT / "templates", project / "templates")
    shutil.copytree(ROOT / "locales", project / "locales")
    folder = project / "campaigns" / PROGRAMME
    shutil.copytree(ROOT / "campaigns" / SAMPLE, folder)
    for po in (project / "locales").glob(f"*/LC_MESSAGES/{SAMPLE}.po"):
        po.rename(po.with_name(f"{PROGRAMME}.po"))
    stand_in_catalogs(project)
    toml = folder / "campaign.toml"
    text = toml.read_text(encoding="utf-8").replace(f'id = "{SAMPLE}"', f'id = "{PROGRAMME}"', 1)
    text = text.replace('audio = "synthetic"', 'audio = "none"')  # print outputs are what is measured
    head, _, rest = text.partition("\n[[groups]]")
    blocks = ["[[groups]]" + b for b in ("\n[[groups]]" + rest).split("\n[[groups]]")[1:]]
    tail_at = blocks[-1].find("\n# ----")
    tail = blocks[-1][tail_at:]
    blocks[-1] = blocks[-1][:tail_at]
    by_id = {re.search(r'^id = "([^"]+)"', b, re.M).group(1): b for b in blocks}  # type: ignore[union-attr]
    for source, copy in EXTRA_GROUPS.items():
        by_id[copy] = by_id[source].replace(f'id = "{source}"', f'id = "{copy}"', 1)
    chosen: dict[str, list[str]] = {}
    for group, tag in programme_pairs(fraction):
        chosen.setdefault(group, []).append(tag)
    formats = ", ".join(f'"{f}"' for f in ["site", *print_formats()])
    countries = ", ".join(f'"{c}"' for c in COUNTRIES)
    out = []
    for group, tags in chosen.items():
        block = by_id[group]
        block = re.sub(r"^locales = \[.*\]$", "locales = [" + ", ".join(f'"{t}"' for t in tags) + "]", block, count=1, flags=re.M)
        block = re.sub(r"^countries = \[.*\]$", f"countries = [{countries}]", block, count=1, flags=re.M)
        block = re.sub(r"^formats = \[.*\]$", f"formats = [{formats}]", block, count=1, flags=re.M)
        out.append(block)
    toml.write_text(head + "\n" + "\n".join(out) + tail, encoding="utf-8")
    return project


_LAST: dict[str, object] = {}  # what the last toolbox() run said: rendered count, memory


def toolbox(project: Path, *args: str) -> float:
    started = time.perf_counter()
    # No PNG previews: the comparison with raw WeasyPrint is about making the PDFs.
    # -v: the summary then says the peak memory of the build and of each render process.
    # As a user's machine runs it: Python keeps compiled modules (a sandbox's PYTHONDONTWRITEBYTECODE would
    # have every run compile toolbox's ~100 modules again, a third of a second of each no-op rebuild).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    result = subprocess.run([sys.executable, "-m", "toolbox", "-v", "build", "--previews", "none", *args], cwd=project,
                            capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"toolbox build {' '.join(args)} failed:\n{result.stderr[-4000:]}")
    import re

    rendered = re.search(r"(\d+) rendered", result.stdout)
    memory = re.search(r"memory: build peak (\d+) MB(?:; (\d+) render processes, peak (\d+) MB)?", result.stdout)
    _LAST.clear()
    _LAST["rendered"] = int(rendered.group(1)) if rendered else None
    _LAST["from_record"] = "nothing changed since the last build" in result.stderr + result.stdout
    # -v names each output rendered with the number of times WeasyPrint laid it out (copyfitting tries scales).
    _LAST["layouts"] = [int(n) for n in re.findall(r"^render \S+ \((\d+) layouts?\)$", result.stdout + result.stderr, re.M)]
    # -v's "time:" line: the render processes' summed time, and the building process's own CPU while they ran.
    spent = re.search(r"render [\d.]+ s \(CPU here ([\d.]+) s\).*took ([\d.]+) s in their processes", result.stdout)
    if spent:
        _LAST["parent_cpu"], _LAST["render_s"] = float(spent.group(1)), float(spent.group(2))
    if memory:
        _LAST["build_mb"] = int(memory.group(1))
        _LAST["worker_mb"] = int(memory.group(3)) if memory.group(3) else int(memory.group(1))
    return elapsed


def raw_weasyprint(project: Path) -> tuple[float, int]:
    """Time WeasyPrint alone on the toolbox's own print HTML (made beforehand, not timed)."""
    sys.path.insert(0, str(ROOT))
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from toolbox.i18n.localize import Localizer
    from toolbox.inputs import load_all
    from toolbox.plan import plan_campaign, project_formats
    from toolbox.project import Project
    from toolbox.render.fonts import load_fonts
    from toolbox.render.pdf import project_fetcher
    from toolbox.render.print import print_html
    from toolbox.render.templates import environment

    proj = Project(project)
    campaigns, problems = load_all(proj)
    problems.raise_if_errors()
    env = environment(proj.theme)
    fonts = load_fonts(proj.theme)
    formats = project_formats(proj)
    documents = []
    for campaign in campaigns:
        for unit in (u for u in plan_campaign(campaign, formats) if u.is_print and u.locale is not None):
            assert unit.locale is not None
            html, variant = print_html(proj, env, fonts, campaign, unit, Localizer(proj, campaign, unit.locale))
            documents.append((html, variant, project_fetcher([proj.root, campaign.folder], None, proj.theme)))
    font_config = FontConfiguration()
    # As render_pdf resolves them: print.css and images through the theme's layers (project first).
    base = (proj.templates / "print").resolve().as_uri() + "/"
    started = time.perf_counter()
    for html, variant, fetcher in documents:
        HTML(string=html, base_url=base, url_fetcher=fetcher).write_pdf(font_config=font_config, pdf_variant=variant,
                                                                        pdf_tags=True)
    return time.perf_counter() - started, len(documents)


def touch_programme_po(project: Path, run: int, fraction: float) -> str:
    """Edit one catalog of the programme (a translator's delivery): the first non-English locale built."""
    tag = next(t for _, t in programme_pairs(fraction) if t != "en")
    tag = "sr-Latn" if tag == "sr-Cyrl" else tag  # Cyrillic Serbian is made from the Latin catalog
    po = project / "locales" / tag / "LC_MESSAGES" / f"{PROGRAMME}.po"
    with po.open("a", encoding="utf-8") as fh:
        fh.write(f"\n# bench edit {run}\n")
    return tag


def touch_po(project: Path, undo: bool = False) -> None:
    po = project / "locales" / "sq" / "LC_MESSAGES" / f"{SAMPLE}-1.po"
    text = po.read_text(encoding="utf-8")
    a, b = 'msgstr "Dikush', 'msgstr "DIKUSH'
    po.write_text(text.replace(b, a) if undo else text.replace(a, b, 1), encoding="utf-8")


def touch_template(project: Path, n: int) -> None:
    card = project / "templates" / "print" / "card.html"
    card.write_text(card.read_text(encoding="utf-8") + f"\n{{# bench edit {n} #}}\n", encoding="utf-8")


def scaling(fractions: list[float], runs: int, jobs: int) -> list[dict[str, float]]:
    """The programme at each fraction, built as a user builds it: cold full build at --jobs ``jobs``, a no-op
    rebuild (the full path, which leaves the record), three more (answered from it), then one catalog edited
    (so the 100 % row answers the whole-programme goals).

    Each row is printed to stderr as soon as it is measured: a 100 % row takes an hour or more on 2 cores.
    """
    rows = []
    first: dict[str, float] = {}  # the smallest fraction's render time per output (its pairs are in every larger one)
    for fraction in fractions:
        with tempfile.TemporaryDirectory(prefix="toolbox-bench-") as tmp:
            project = make_programme(Path(tmp), fraction)
            cold, full, noop, po, inside, parent, same = [], [], [], [], [], [], []
            count = rendered_po = 0
            worker = build = 0
            for run in range(runs):
                shutil.rmtree(project / "dist", ignore_errors=True)
                cold.append(toolbox(project, "--jobs", str(jobs)))
                count = int(str(_LAST["rendered"] or 0))
                inside.append(float(_LAST.get("render_s", 0.0)) / max(1, count))  # type: ignore[arg-type]
                seconds = same_documents(project / "dist" / ".toolbox-times.json")
                first = first or seconds
                common = [k for k in seconds if k in first]
                same.append(sum(seconds[k] for k in common) / max(1e-9, sum(first[k] for k in common)))
                parent.append(float(_LAST.get("parent_cpu", 0.0)))  # type: ignore[arg-type]
                build = max(build, int(_LAST.get("build_mb", 0)))  # type: ignore[call-overload]
                worker = max(worker, int(_LAST.get("worker_mb", 0)))  # type: ignore[call-overload]
                # The first no-op after a cold build works out every key (and leaves the record, toolbox/noop.py);
                # the next ones are answered from that record, as a user's repeated builds are.
                full.append(toolbox(project))
                noop += [toolbox(project) for _ in range(3)]
                edited = touch_programme_po(project, run, fraction)
                po.append(toolbox(project))
                rendered_po = int(str(_LAST["rendered"] or 0))
            row = {"fraction": fraction, "outputs": count, "cold": statistics.median(cold), "noop": statistics.median(noop),
                   "noop_full": statistics.median(full),
                   "po": statistics.median(po), "po_rendered": rendered_po, "build_mb": build, "worker_mb": worker}
            row["each"] = row["cold"] / max(1, count)
            row["inside"], row["parent_cpu"] = statistics.median(inside), statistics.median(parent)
            row["same"] = statistics.median(same)
            rows.append(row)
            print(f"scaling {fraction:g}: {count} print outputs, cold {row['cold']:.1f} s ({row['each']:.3f} s each), "
                  f"{row['inside']:.3f} s each in a render process, building process's CPU while rendering "
                  f"{row['parent_cpu']:.0f} s, the smallest fraction's documents ×{row['same']:.3f} their time there, "
                  f"no-op {row['noop']:.2f} s (full path {row['noop_full']:.2f} s), "
                  f"{edited} catalog edited {row['po']:.1f} s ({rendered_po} rendered), "
                  f"peak build {build} MB, worker {worker} MB", file=sys.stderr, flush=True)
    return rows


def same_documents(times: Path) -> dict[str, float]:
    """Render seconds per output from a build's times file, print guides left out: a guide covers every group
    of its locale, so at another fraction it is another, longer document (it grows with the programme)."""
    import json

    seconds = json.loads(times.read_text(encoding="utf-8")).get("seconds", {}) if times.is_file() else {}
    return {path: float(s) for path, s in seconds.items() if not path.endswith("-guide.pdf")}


def print_scaling(rows: list[dict[str, float]], jobs: int) -> None:
    print(f"\n| fraction | print outputs | cold full build, --jobs {jobs} (s) | s per output | s per output in a "
          "render process | same documents as the first row, time × | building process's CPU while rendering (s) "
          "| no-op (s) | no-op, full "
          "path (s) | one catalog edited (s) | outputs it rendered | edit / cold | peak MB build / worker |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['fraction']:g} | {r['outputs']:.0f} | {r['cold']:.0f} | {r['each']:.3f} | {r['inside']:.3f} | "
              f"{r['same']:.3f} | "
              f"{r['parent_cpu']:.0f} | {r['noop']:.2f} | "
              f"{r['noop_full']:.2f} | {r['po']:.1f} | {r['po_rendered']:.0f} | {r['po'] / r['cold']:.3f} | "
              f"{r['build_mb']:.0f} / {r['worker_mb']:.0f} |")
    base = rows[0]["each"]
    spread = max(abs(r["each"] / base - 1) for r in rows)
    print(f"largest change in time per output from the smallest fraction: {spread * 100:.0f} % (goal ±10 %)")
    inside = max(abs(r["inside"] / rows[0]["inside"] - 1) for r in rows) if rows[0]["inside"] else 0.0
    print(f"... in a render process alone (the building process's work and the microsite left out): {inside * 100:.0f} %")
    print("the same documents in each larger programme (the smallest fraction's pairs, print guides left out): "
          + ", ".join(f"{r['same'] * 100 - 100:+.0f} %" for r in rows[1:]) + " of their render time there")
    whole = rows[-1]
    print(f"at fraction {whole['fraction']:g}: no-op {whole['noop']:.2f} s (goal < 1 s; the first, which leaves the "
          f"record: {whole['noop_full']:.2f} s); one catalog edited "
          f"{whole['po'] / whole['cold']:.3f} of a cold build (goal < 1/15 = 0.067)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=4,
                        help="copies of the sample campaign (136 print outputs each: 84 PDFs, 52 share images)")
    parser.add_argument("--programme", action="store_true",
                        help="a regional programme instead: six countries, every built-in locale, five groups, every "
                             "format (4,968 print outputs at --fraction 1)")
    parser.add_argument("--fraction", type=float, default=1.0,
                        help="with --programme: build this share of its group × locale pairs (e.g. 0.1)")
    parser.add_argument("--scaling", default="", metavar="F,F,…",
                        help="with --programme: then build the programme at each of these fractions (e.g. 0.1,0.5,1) "
                             "with --jobs: cold build and time per output (cost should grow linearly), no-op "
                             "rebuild, one catalog edited")
    parser.add_argument("--scaling-runs", type=int, default=0, help="runs per --scaling fraction (default: --runs)")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure; medians are reported")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)), help="jobs for the parallel build")
    args = parser.parse_args()

    memory: dict[str, list[int]] = {"build": [], "worker": []}
    edited = ""
    noop_how = ""
    layouts: list[int] = []
    with tempfile.TemporaryDirectory(prefix="toolbox-bench-") as tmp:
        project = make_programme(Path(tmp), args.fraction) if args.programme else make_project(Path(tmp), args.copies)
        out = project / "dist"
        figures: dict[str, list[float]] = {k: [] for k in ("cold1", "print1", "coldN", "noop", "po", "template", "raw")}
        count = 0
        rendered_po = 0
        for run in range(args.runs):
            shutil.rmtree(out, ignore_errors=True)
            figures["cold1"].append(toolbox(project, "--jobs", "1"))
            memory["build"].append(int(_LAST.get("build_mb", 0)))  # type: ignore[call-overload]
            shutil.rmtree(out, ignore_errors=True)
            # --shard 1/1: every print output and no microsite, the fair match for raw WeasyPrint.
            figures["print1"].append(toolbox(project, "--jobs", "1", "--shard", "1/1"))
            layouts = list(_LAST["layouts"])  # type: ignore[call-overload]
            shutil.rmtree(out, ignore_errors=True)
            figures["coldN"].append(toolbox(project, "--jobs", str(args.jobs)))
            memory["worker"].append(int(_LAST.get("worker_mb", 0)))  # type: ignore[call-overload]
            figures["noop"].append(toolbox(project))
            # A cold build leaves the no-op record unless its inputs were changed in the second before it started.
            noop_how = ("answered from the record the cold build left" if _LAST["from_record"]
                        else "full path: every key worked out")
            if args.programme:
                edited = touch_programme_po(project, run, args.fraction)
                figures["po"].append(toolbox(project))
                rendered_po = int(_LAST["rendered"] or 0)  # type: ignore[call-overload]
            else:
                touch_po(project)
                figures["po"].append(toolbox(project))
                touch_po(project, undo=True)
                toolbox(project)  # back to the baseline, not timed
            touch_template(project, run)
            figures["template"].append(toolbox(project))
            seconds, count = raw_weasyprint(project)
            figures["raw"].append(seconds)
            print(f"run {run + 1}/{args.runs} done", file=sys.stderr)

    med = {k: statistics.median(v) for k, v in figures.items()}
    print(f"machine: {platform.machine()}, {len(os.sched_getaffinity(0))} cores, Python {platform.python_version()}, "
          f"{platform.platform()}")
    what = (f"the programme at fraction {args.fraction:g}" if args.programme else f"{args.copies} copies of the sample campaign")
    print(f"project: {what}, {count} print outputs (+ microsite); medians of {args.runs} runs\n")
    rows = [
        ("cold full build, --jobs 1", med["cold1"]),
        ("cold print-only build (--shard 1/1), --jobs 1", med["print1"]),
        (f"cold full build, --jobs {args.jobs}", med["coldN"]),
        (f"no-op rebuild ({noop_how})", med["noop"]),
        (f"rebuild after one .po changed{f' ({edited}: {rendered_po} outputs rendered)' if edited else ''}", med["po"]),
        ("rebuild after one template changed (card.html)", med["template"]),
        (f"raw WeasyPrint, same {count} documents", med["raw"]),
    ]
    print("| measurement | seconds |\n|---|---:|")
    for name, value in rows:
        print(f"| {name} | {value:.2f} |")
    print()
    print(f"toolbox overhead over raw WeasyPrint, print outputs: {med['print1'] / med['raw']:.2f} (goal ≤ 1.10)")
    if layouts:
        # Raw WeasyPrint lays each document out once; copyfitting lays most out again at other type scales.
        mean = statistics.mean(layouts)
        print(f"WeasyPrint layouts per print output (copyfitting): mean {mean:.2f}, "
              f"{sum(n == 1 for n in layouts)} of {len(layouts)} outputs in one")
        print(f"toolbox over raw WeasyPrint doing as many layouts: {med['print1'] / (med['raw'] * mean):.2f} "
              "(what toolbox adds besides the copyfitting layouts)")
    print(f"whole build (microsite and fonts included) over raw WeasyPrint: {med['cold1'] / med['raw']:.2f}")
    print(f"parallel speed-up, --jobs {args.jobs} over --jobs 1: {med['cold1'] / med['coldN']:.2f} "
          f"(goal ≥ {0.925 * args.jobs:.2f})")
    print(f"no-op rebuild: {med['noop']:.2f} s, {noop_how} (goal < 1 s; --scaling measures both paths)")
    print(f"one catalog edited: {med['po']:.2f} s, {med['po'] / med['cold1']:.3f} of a cold build (goal < 1/15 = 0.067)")
    if memory["build"]:
        print(f"peak memory: build {statistics.median(memory['build'])} MB (--jobs 1, it renders itself), "
              f"largest render process {statistics.median(memory['worker'])} MB (--jobs {args.jobs}) (goal < 400 MB)")
    sys.stdout.flush()
    wanted = [float(f) for f in args.scaling.split(",") if f] if args.programme else []
    if wanted:
        print_scaling(scaling(wanted, args.scaling_runs or args.runs, args.jobs), args.jobs)

if __name__ == "__main__":
    main()
