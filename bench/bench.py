"""Benchmark: toolbox builds against raw WeasyPrint, measured in the same run.

    python bench/bench.py                  # 4 copies of the sample: 544 print outputs, 3 runs each
    python bench/bench.py --copies 2 --runs 5

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


def toolbox(project: Path, *args: str) -> float:
    started = time.perf_counter()
    # No PNG previews: the comparison with raw WeasyPrint is about making the PDFs.
    result = subprocess.run([sys.executable, "-m", "toolbox", "build", "-q", "--previews", "none", *args], cwd=project,
                            capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"toolbox build {' '.join(args)} failed:\n{result.stderr}")
    return elapsed


def raw_weasyprint(project: Path) -> tuple[float, int]:
    """Time WeasyPrint alone on the toolbox's own print HTML (made beforehand, not timed)."""
    sys.path.insert(0, str(ROOT))
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from toolbox.inputs import load_all
    from toolbox.i18n.localize import Localizer
    from toolbox.formats import load as load_formats
    from toolbox.plan import plan_campaign
    from toolbox.project import Project
    from toolbox.render.fonts import load_fonts
    from toolbox.render.print import print_html
    from toolbox.render.templates import environment

    proj = Project(project)
    campaigns, problems = load_all(proj)
    problems.raise_if_errors()
    env = environment(proj.templates)
    fonts = load_fonts(proj.templates)
    documents = []
    for campaign in campaigns:
        for unit in (u for u in plan_campaign(campaign, load_formats(proj.templates)) if u.is_print):
            html, variant = print_html(proj, env, fonts, campaign, unit, Localizer(proj, campaign, unit.locale))
            documents.append((html, variant))
    font_config = FontConfiguration()
    base = str(proj.templates / "print")
    started = time.perf_counter()
    for html, variant in documents:
        HTML(string=html, base_url=base).write_pdf(font_config=font_config, pdf_variant=variant, pdf_tags=True)
    return time.perf_counter() - started, len(documents)


def touch_po(project: Path, undo: bool = False) -> None:
    po = project / "locales" / "sq" / "LC_MESSAGES" / f"{SAMPLE}-1.po"
    text = po.read_text(encoding="utf-8")
    a, b = 'msgstr "Dikush', 'msgstr "DIKUSH'
    po.write_text(text.replace(b, a) if undo else text.replace(a, b, 1), encoding="utf-8")


def touch_template(project: Path, n: int) -> None:
    card = project / "templates" / "print" / "card.html"
    card.write_text(card.read_text(encoding="utf-8") + f"\n{{# bench edit {n} #}}\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=4, help="copies of the sample campaign (136 print outputs each: 84 PDFs, 52 share images)")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure; medians are reported")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)), help="jobs for the parallel build")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="toolbox-bench-") as tmp:
        project = make_project(Path(tmp), args.copies)
        out = project / "dist"
        figures: dict[str, list[float]] = {k: [] for k in ("cold1", "print1", "coldN", "noop", "po", "template", "raw")}
        count = 0
        for run in range(args.runs):
            shutil.rmtree(out, ignore_errors=True)
            figures["cold1"].append(toolbox(project, "--jobs", "1"))
            shutil.rmtree(out, ignore_errors=True)
            # --shard 1/1: every print output and no microsite, the fair match for raw WeasyPrint.
            figures["print1"].append(toolbox(project, "--jobs", "1", "--shard", "1/1"))
            shutil.rmtree(out, ignore_errors=True)
            figures["coldN"].append(toolbox(project, "--jobs", str(args.jobs)))
            figures["noop"].append(toolbox(project))
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
    print(f"project: {args.copies} copies of the sample campaign, {count} print outputs (+ microsite); "
          f"medians of {args.runs} runs\n")
    rows = [
        ("cold full build, --jobs 1", med["cold1"]),
        ("cold print-only build (--shard 1/1), --jobs 1", med["print1"]),
        (f"cold full build, --jobs {args.jobs}", med["coldN"]),
        ("no-op rebuild", med["noop"]),
        ("rebuild after one .po changed", med["po"]),
        ("rebuild after one template changed", med["template"]),
        (f"raw WeasyPrint, same {count} documents", med["raw"]),
    ]
    print("| measurement | seconds |\n|---|---:|")
    for name, value in rows:
        print(f"| {name} | {value:.2f} |")
    print()
    print(f"toolbox overhead over raw WeasyPrint, print outputs: {med['print1'] / med['raw']:.2f} (goal ≤ 1.05)")
    print(f"whole build (microsite and fonts included) over raw WeasyPrint: {med['cold1'] / med['raw']:.2f}")
    print(f"parallel speed-up, --jobs {args.jobs} over --jobs 1: {med['cold1'] / med['coldN']:.2f} "
          f"(goal ≥ {0.9 * args.jobs:.1f})")
    print(f"no-op rebuild: {med['noop']:.2f} s (goal < 0.5 s)")


if __name__ == "__main__":
    main()
