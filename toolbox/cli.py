"""The ``toolbox`` command: parse options, call one library function, report."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from . import __version__
from .errors import Problem, ToolboxError, display_path
from .render.timelimit import DEFAULT_TIME_LIMIT
from .render.weight import DEFAULT_BUDGET, IMAGE_BUDGET, PDF_BUDGET

if TYPE_CHECKING:
    from .campaign.model import Campaign
    from .render.print import PrintOptions
    from .report import BuildReport

log = logging.getLogger("toolbox")
#: A click command function, kept as it is by the decorators that add options to it.
F = TypeVar("F", bound=Callable[..., Any])


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.WARNING if quiet else (logging.DEBUG if verbose > 1 else logging.INFO if verbose else logging.WARNING)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    root = logging.getLogger("toolbox")
    root.handlers[:] = [handler]
    root.setLevel(level)
    # WeasyPrint's own warnings are collected per output and reported by us.
    logging.getLogger("weasyprint").setLevel(logging.ERROR if not verbose else logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.ERROR)


class Ctx:
    def __init__(self, project_dir: Path | None, verbose: int, quiet: bool) -> None:
        from .project import Project

        self.project = Project(project_dir.resolve()) if project_dir else Project.find()
        self.verbose = verbose
        self.quiet = quiet

    def say(self, message: str) -> None:
        if not self.quiet:
            click.echo(message)


pass_ctx = click.make_pass_decorator(Ctx)


def _verbosity(ctx: click.Context, param: click.Parameter, value: int) -> None:
    """-v/-q work after the subcommand too (toolbox build -q)."""
    obj = ctx.find_object(Ctx)
    if obj is None or not value:
        return
    if param.name == "quiet":
        obj.quiet = True
    else:
        obj.verbose += value
    _setup_logging(obj.verbose, obj.quiet)


def output_options(f: F) -> F:
    f = click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=_verbosity,
                     help="Print only warnings and errors.")(f)
    return click.option("-v", "--verbose", count=True, expose_value=False, callback=_verbosity, help="Say more (-vv: debug).")(f)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="toolbox")
@click.option("-C", "--project", "project_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Project folder (holds campaigns/, templates/, locales/). Default: the nearest one above the current folder.")
@click.option("-v", "--verbose", count=True, help="Say more: each output as it is rendered (-vv: debug).")
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
@click.pass_context
def cli(ctx: click.Context, project_dir: Path | None, verbose: int, quiet: bool) -> None:
    """Turn campaign definitions into localized leaflets and microsites.

    \b
    Typical session:
      toolbox init my-ngo          start a project (sample campaign, brand kit in toolbox.toml)
      toolbox new my-campaign      start a campaign from a working example
      toolbox validate             check every campaign, all problems at once
      toolbox build                write dist/ (PDFs, microsite, manifest.json)
      toolbox serve                preview the microsite on localhost, reloading on every change
    """
    _setup_logging(verbose, quiet)
    ctx.obj = Ctx(project_dir, verbose, quiet)


@cli.command()
@click.argument("campaigns", nargs=-1)
@click.option("--strict", is_flag=True, help="Treat warnings (a symbolic link in templates/ to outside the project, no base_url) "
                                             "as errors.")
@output_options
@pass_ctx
def validate(obj: Ctx, campaigns: tuple[str, ...], strict: bool) -> None:
    """Check campaign definitions: syntax, types, unknown keys, files, locales, contacts.

    Every problem is printed as path:line: message. Exit status 1 when any is found.
    """
    from .pipeline import validate as run_validate

    report = run_validate(obj.project, campaigns, strict=strict)
    for warning in report.warnings:
        click.echo(str(warning), err=True)
    obj.say(f"{len(report.campaigns)} campaign(s) valid: " + ", ".join(report.campaigns))


@cli.command()
@click.argument("campaigns", nargs=-1)
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder. Default: dist/ in the project folder.")
@click.option("--strict", is_flag=True, help="Treat warnings (overflow, rendering problems) as errors.")
@click.option("--print", "press", is_flag=True, help="Files for the print shop: PDF/X-4 in CMYK with the campaign's ICC profile "
                                                     "(print_profile; default FOGRA39) as output intent, 3 mm bleed, crop marks, "
                                                     "and a preflight report.")
@click.option("--pdf-x", type=click.Choice(["x-4", "x-1a"]), default=None,
              help="With --print: the PDF/X version (default: the campaign's pdf_x, else x-4).")
@click.option("--archive", is_flag=True, help="Write PDF/A-3b (archiving) instead of the default tagged PDF/UA-1.")
@click.option("--previews", type=click.Choice(["none", "first", "all"]), default="first", show_default=True,
              help="PNG previews of print outputs beside them (first page or every page), shown on the microsite's downloads "
                   "pages and as its share images.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Render in N worker processes. Default: the number of cores.")
@click.option("--force", is_flag=True, help="Render everything again, even outputs whose inputs did not change.")
@click.option("--shard", default=None, metavar="K/N",
              help="Build only the K-th of N deterministic slices of the print outputs (no microsite); join the slices with "
                   "'toolbox merge'. Slices are balanced by recorded render times (--shard-times, else the project's "
                   "build-times.json), else split by a hash of each output's path.")
@click.option("--shard-times", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="FILE",
              help="With --shard: the .toolbox-times.json of a full build or merge to balance the slices by; every shard "
                   "of one build must be given the same file.")
@click.option("--locale", "locales", multiple=True, metavar="LOCALE",
              help="Build only this locale's outputs (repeatable); the microsite keeps its source-language pages.")
@click.option("--executor", default=None, metavar="dask://HOST:PORT", envvar="TOOLBOX_EXECUTOR",
              help="Render the print outputs on the Dask cluster whose scheduler is at HOST:PORT (needs "
                   "pip install 'toolbox[cluster]'; every worker has the same toolbox and the project at the same path, "
                   "else it is refused). This machine still writes every file. Default: local worker processes "
                   "(--jobs). Also from TOOLBOX_EXECUTOR; docs/building.md.")
@click.option("--pseudo", is_flag=True, help="Also build the pseudo-locale en-XA (accented, 35% longer, bracketed) to find "
                                             "untranslatable strings and overflow.")
@click.option("--page-budget", type=click.FloatRange(min=0), default=DEFAULT_BUDGET // 1024, show_default=True, metavar="KB",
              help="Fail when a microsite page weighs more than KB compressed (HTML + CSS, fonts aside); 0: no budget.")
@click.option("--time-limit", type=click.FloatRange(min=0), default=DEFAULT_TIME_LIMIT, show_default=True,
              metavar="SECONDS", envvar="TOOLBOX_TIME_LIMIT",
              help="Stop rendering one print output after SECONDS and report it as an error (its template and "
                   "image named) instead of hanging; 0: no limit. Also from TOOLBOX_TIME_LIMIT.")
@output_options
@pass_ctx
def build(obj: Ctx, campaigns: tuple[str, ...], out: Path | None, strict: bool, press: bool, pdf_x: str | None,
          archive: bool, previews: str, jobs: int | None, force: bool, shard: str | None, shard_times: Path | None,
          locales: tuple[str, ...], executor: str | None, pseudo: bool, page_budget: float, time_limit: float) -> None:
    """Build PDFs and the microsite for every campaign (or the ones named).

    Validates first and refuses to build invalid input. Writes OUT/manifest.json
    listing every file with its campaign, group, locale, country, format, size
    and SHA-256. Renders only outputs whose inputs changed; when nothing changed
    at all, the last build's result is said again from its record, in a fraction
    of a second (-v says so; docs/building.md#incremental).
    """
    from . import noop

    out_dir = (out or obj.project.root / "dist").resolve()
    # What the outputs depend on (how many jobs, where they run or how long one may take do not change them).
    request = {"campaigns": campaigns, "strict": strict, "press": press, "pdf_x": pdf_x, "archive": archive,
               "previews": previews, "locales": locales, "pseudo": pseudo, "page_budget": page_budget}
    # --shard writes a slice and --executor must reach its cluster: those always build (--force too, but it
    # leaves a record for the next build).
    last = noop.look(obj.project.root, out_dir, request) if shard is None and not executor else None
    if last is not None and last.report is not None and not force:
        log.info("nothing changed since the last build into %s (%d files compared with its record)",
                 out_dir, last.checked)
        _say_built(obj, last.report, out_dir)
        return
    if last is not None:
        log.debug("building: %s", last.why)
        last.forget()

    from .options import BuildOptions, Shard
    from .pipeline import build as run_build
    from .report import BuildFailed
    from .schedule import default_jobs

    options = BuildOptions(campaigns=campaigns, strict=strict, pseudo=pseudo, force=force, previews=previews,
                           print_options=_print_options(press, pdf_x, archive),
                           page_budget=int(page_budget * 1024) or None, jobs=jobs or default_jobs(),
                           shard=Shard.parse(shard) if shard else None, time_limit=time_limit or None,
                           locales=locales, executor=executor or None, shard_times=shard_times)
    try:
        with _progress(obj) as progress:
            report = run_build(obj.project, out_dir, options, progress=progress)
    except BuildFailed as failed:  # its problems are shown by main(); the weights say which pages are heavy
        _say_weights(obj, failed.report)
        raise
    _say_built(obj, report, out_dir)
    if last is not None:
        last.remember(report, obj.project.root, request)


def _say_built(obj: Ctx, report: BuildReport, out_dir: Path) -> None:
    """The warnings and the summary of a build (or of the last one, when nothing changed since)."""
    for warning in report.warnings:
        click.echo(str(warning), err=True)
    _say_weights(obj, report)
    _say_preflight(obj, report.preflight, [w for w in report.warnings if "preflight:" in w.message])
    if report.audio or report.notices:
        obj.say(f"audio: {report.audio} voice messages (.ogg and .mp3; {report.audio_rendered} made now), "
                f"{len(report.notices)} without audio (no recording, no voice; -v lists them; docs/audio.md)")
    if obj.verbose:
        obj.say(memory_line(report.memory, report.worker_memory))
        if report.stages:
            obj.say(stages_line(report))
    removed = f", {len(report.removed)} removed" if report.removed else ""
    obj.say(
        f"built {report.outputs} files ({report.pdfs} PDFs, {report.pages} pages, {report.images} share images: "
        f"{report.rendered} rendered, "
        f"{report.reused} reused{removed}; {len(report.warnings)} warnings) into {out_dir} in {report.seconds:.1f} s; "
        f"open {out_dir / 'index.html'}"
    )


def memory_line(build: int, workers: dict[str, int]) -> str:
    """Peak resident memory, as -v and the benchmark (bench/bench.py) read it."""
    mb = 1024 * 1024
    line = f"memory: build peak {build / mb:.0f} MB"
    if workers:
        peaks = sorted(workers.values())
        line += (f"; {len(peaks)} render processes, peak {peaks[-1] / mb:.0f} MB (largest), "
                 f"{peaks[len(peaks) // 2] / mb:.0f} MB (median)")
    return line


def stages_line(report: BuildReport) -> str:
    """Where the build's time went, stage by stage, as -v and the benchmark (bench/bench.py) read it."""
    parts = [f"{name} {wall:.1f} s (CPU here {cpu:.1f} s)" for name, (wall, cpu) in report.stages.items()]
    return (f"time: {', '.join(parts)}; rendering {report.rendered} print outputs took "
            f"{report.render_seconds:.1f} s in their processes")


def _print_options(press: bool, pdf_x: str | None, archive: bool) -> PrintOptions:
    """--print, --pdf-x and --archive as one choice of PDF kind (a press file cannot also be an archive file)."""
    from .render.print import PrintOptions

    if press and archive:
        raise click.UsageError("--print and --archive ask for two kinds of PDF (PDF/X for the print shop, PDF/A for "
                               "archives); build each into its own --out folder")
    if pdf_x and not press:
        raise click.UsageError(f"--pdf-x {pdf_x} only applies to --print builds; add --print")
    return PrintOptions(press=press, variant="pdf/a-3b" if archive else "", pdf_x=pdf_x or "")


def _say_preflight(obj: Ctx, lines: list[str], problems: list) -> None:
    """The preflight report of press PDFs: every file with -v, else the summary (problems are listed as warnings)."""
    if not lines:
        return
    if obj.verbose:
        for line in lines:
            obj.say(f"preflight {line}")
    versions = sorted({line.split(": ", 1)[1].split(",", 1)[0] for line in lines})
    intents = sorted(set(re.findall(r"output intent (\S+)", "\n".join(lines))))
    inks = [float(m) for m in re.findall(r"ink max (\d+) %", "\n".join(lines))]
    ink = f", ink max {max(inks):.0f} %" if inks else ""
    obj.say(f"preflight: {len(lines)} print files: {', '.join(versions)}; output intent {'; '.join(intents)}{ink}; "
            + (f"{len(problems)} problem(s), listed above" if problems else "no problems"))


@cli.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=True, path_type=Path))
@click.option("--strict", is_flag=True, help="Exit with an error when any check fails (default: warnings).")
@click.option("--paper", type=click.Choice(["coated", "uncoated"]), default="coated", show_default=True,
              help="Paper the files are printed on: the total ink limit (300 % coated, 270 % uncoated).")
@click.option("--safe-zone", type=click.FloatRange(min=0), default=None, metavar="MM",
              help="Text closer to the trim than MM is reported (default: templates/print/press.toml, 3 mm).")
@pass_ctx
def preflight(obj: Ctx, folder: Path, strict: bool, paper: str, safe_zone: float | None) -> None:
    """Preflight the PDFs in FOLDER (or one PDF) as a print shop would, and report per file.

    Checks the PDF/X version and output intent, RGB or Lab objects anywhere, embedded fonts,
    TrimBox/BleedBox and bleed, image resolution (300 ppi), the total ink coverage maximum
    (Ghostscript) and text in the safe zone. What it does not check: docs/print.md.
    """
    from .render.prepress import preflight as check
    from .render.pressdata import press_data

    data = press_data(obj.project.theme)
    files = [folder] if folder.is_file() else sorted(folder.rglob("*.pdf"))
    if not files:
        raise ToolboxError(f"{display_path(folder)}: no PDF files to check")
    problems: list[Problem] = []
    reports = []
    for file in files:
        report = check(file.read_bytes(), display_path(file), data.papers.get(paper, 300),
                       data.safe_zone if safe_zone is None else safe_zone, data.bleed)
        reports.append(report)
        obj.say(report.summary())
        found = report.problems()
        for problem in found:
            click.echo(str(problem), err=True)
        problems += found
    failed = len({p.path for p in problems})
    obj.say(f"preflight: {len(files)} file(s), {len(files) - failed} passed, {failed} with problems "
            f"({len(problems)} in all)")
    if strict and problems:
        raise ToolboxError([Problem(p.path, p.line, p.message) for p in problems])


@contextmanager
def _progress(obj: Ctx) -> Iterator[Callable[[int, int, str, bool], None] | None]:
    """Print-file progress: click's bar (counts and time left) on a terminal, one line per file otherwise."""
    if obj.quiet or (obj.verbose and not sys.stderr.isatty()):
        yield None  # -v already logs every file
        return
    if not sys.stderr.isatty():
        def line(done: int, total: int, path: str, reused: bool) -> None:
            if not reused:
                click.echo(f"[{done}/{total}] {path}", err=True)

        yield line
        return
    bars: list = []

    def tick(done: int, total: int, path: str, reused: bool) -> None:
        if not bars:
            bar: Any = click.progressbar(length=total, label="print files", show_pos=True, show_eta=True, width=28,
                                    file=sys.stderr)  # click 8.5 deprecates get_text_stream
            bars.append(bar.__enter__())
        bars[0].update(done - bars[0].pos)

    try:
        yield tick
    finally:
        if bars:
            bars[0].__exit__(None, None, None)


def _say_weights(obj: Ctx, report: BuildReport) -> None:
    """Microsite page weights: every page with -v, else the heaviest and the budget."""
    from .render.weight import kb

    if not report.weights:
        return
    ranked = sorted(report.weights, key=lambda w: -w.total)
    if obj.verbose:
        for w in ranked:
            obj.say(f"  {kb(w.total):>9}  {w.path}  (HTML {kb(w.html)} + CSS/JS {kb(w.assets)})")
    budget = f"budget {kb(report.budget)}" if report.budget else "no budget"
    obj.say(f"microsite: {len(ranked)} pages, heaviest {kb(ranked[0].total)} compressed ({ranked[0].path}), "
            f"median {kb(ranked[len(ranked) // 2].total)}; fonts aside; {budget} (-v lists every page)")


@cli.command()
@click.argument("campaigns", nargs=-1)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Keep the default: the preview is for this machine only.")
@click.option("--no-open", is_flag=True, help="Do not open a browser window.")
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Build into this folder (default: a folder per project in the user's cache, kept between runs so "
                   "a new start renders only what changed; docs/microsite.md).")
@click.option("--locale", default=None, metavar="LOCALE",
              help="A translator's preview: build only LOCALE's outputs (again on every catalog save), and show its "
                   "microsite pages, a picture of every print page and the build's overflow and glyph warnings "
                   "on the front page.")
@output_options
@pass_ctx
def serve(obj: Ctx, campaigns: tuple[str, ...], port: int, host: str, no_open: bool, out: Path | None,
          locale: str | None) -> None:
    """Preview the microsite: build, serve on localhost, rebuild and reload on every change.

    Watches campaigns/, templates/ and locales/. A build error (with the template's
    file and line) shows in the browser page; fix it and save, the page reloads.
    Live reload is added only while serving, never to built files. Ctrl+C stops.
    """
    from .serve import serve as run_serve

    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: serving on {host}: other machines on the network can see the preview", err=True)

    def ready(url: str) -> None:
        click.echo(f"serving {url} (Ctrl+C to stop)")

    try:
        run_serve(obj.project, host=host, port=port, open_browser=not no_open, campaigns=list(campaigns) or None,
                  out=out.resolve() if out else None, ready=ready, say=lambda m: click.echo(m, err=True), locale=locale)
    except OSError as exc:
        raise ToolboxError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; try --port 0") from None
    except KeyboardInterrupt:
        click.echo("stopped")


@cli.command()
@click.argument("shards", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output folder. Default: dist/ in the project folder.")
@click.option("--print", "press", is_flag=True, help="As given to the shard builds.")
@click.option("--pdf-x", type=click.Choice(["x-4", "x-1a"]), default=None, help="As given to the shard builds.")
@click.option("--archive", is_flag=True, help="As given to the shard builds.")
@click.option("--previews", type=click.Choice(["none", "first", "all"]), default="first", show_default=True,
              help="As given to the shard builds.")
@click.option("--page-budget", type=click.FloatRange(min=0), default=30, show_default=True, metavar="KB",
              help="Fail when a microsite page weighs more than KB compressed (HTML + CSS, fonts aside); 0: no budget.")
@output_options
@pass_ctx
def merge(obj: Ctx, shards: tuple[Path, ...], out: Path | None, press: bool, pdf_x: str | None, archive: bool,
          previews: str, page_budget: float) -> None:
    """Join the output folders of 'toolbox build --shard K/N' runs into one.

    Copies every shard's files, then builds the microsite and the manifest over
    them; print files are reused, not rendered again, because their inputs are
    unchanged. Give the same print options as the shard builds. The output
    folder stays locked from the first copy to the manifest.
    """
    from .options import BuildOptions
    from .pipeline import merge as run_merge

    out_dir = (out or obj.project.root / "dist").resolve()
    options = BuildOptions(print_options=_print_options(press, pdf_x, archive),
                           previews=previews, page_budget=int(page_budget * 1024) or None)
    report = run_merge(obj.project, shards, out_dir, options)
    for warning in report.warnings:
        click.echo(str(warning), err=True)
    obj.say(f"merged {len(shards)} shards ({report.copied} files) into {out_dir}: {report.reused} print files reused, "
            f"{report.rendered} rendered, {report.outputs} files in the manifest")


@cli.command()
@click.argument("campaigns", nargs=-1)
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder to write the zip bundles into (created if missing).")
@click.option("--from", "build_dir", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="DIR",
              help="Output folder of the build to pack. Default: dist/ in the project folder.")
@click.option("--by-group", is_flag=True, help="One bundle per country × locale × target group instead of per country × locale.")
@click.option("--catalogue/--no-catalogue", default=True, show_default=True,
              help="Also write CAMPAIGN_catalogue.pdf: every material with a thumbnail, for coordinators.")
@click.option("--pdf-budget", type=click.IntRange(min=0), default=PDF_BUDGET // 1024, show_default=True, metavar="KB",
              help="Fail when a print PDF weighs more than KB; 0: no budget.")
@click.option("--image-budget", type=click.IntRange(min=0), default=IMAGE_BUDGET // 1024, show_default=True, metavar="KB",
              help="Fail when a share image weighs more than KB; 0: no budget.")
@output_options
@pass_ctx
def pack(obj: Ctx, campaigns: tuple[str, ...], out: Path, build_dir: Path | None, by_group: bool, catalogue: bool,
         pdf_budget: int, image_budget: int) -> None:
    """Zip bundles for outreach workers from the last build (never builds).

    One zip per campaign × country × locale (CAMPAIGN_COUNTRY_LOCALE.zip, e.g.
    safe-journeys_mk_sq.zip; with --by-group, _GROUP added): the print PDFs,
    share images and text messages of that country and language, the print
    guide in that language, manifest.json and SHA256SUMS, with pinned timestamps and no user or machine names; and
    CAMPAIGN_catalogue.pdf listing every material with a thumbnail. Every
    file is checked against the build's manifest and the size budgets first;
    nothing is written when one fails. Layout: docs/outreach.md.
    """
    from .outreach.pack import pack as run_pack
    from .render.weight import kb

    build_path = (build_dir or obj.project.root / "dist").resolve()
    out_dir = out.resolve()
    from .brand import load_brand
    from .plan import project_formats

    bundles = run_pack(build_path, out_dir, list(campaigns) or None, by_group, pdf_budget or None, image_budget or None,
                       obj.project.theme if catalogue else None, project_formats(obj.project), load_brand(obj.project))
    for bundle in bundles:
        obj.say(f"{out_dir / (bundle.name + '.zip')}  {kb(len(bundle.data))}, {len(bundle.files)} files")
        for f in bundle.files:
            obj.say(f"  {kb(len(f.data)):>10}  {f.path}")
    if catalogue:
        for cid in sorted({b.campaign for b in bundles}):
            obj.say(f"{out_dir / (cid + '_catalogue.pdf')}  {kb((out_dir / (cid + '_catalogue.pdf')).stat().st_size)}, for "
                    f"coordinators")
    obj.say(f"packed {len(bundles)} bundles into {out_dir} (budgets: PDF {pdf_budget or 'none'} KB, "
            f"share image {image_budget or 'none'} KB)")


@cli.command()
@click.argument("campaign_id")
@click.option("--title", default=None, help="Campaign title (default: from the id).")
@output_options
@pass_ctx
def new(obj: Ctx, campaign_id: str, title: str | None) -> None:
    """Create campaigns/CAMPAIGN_ID with a commented definition that builds as it is."""
    from .campaign.scaffold import create_campaign

    folder = create_campaign(obj.project, campaign_id, title)
    obj.say(f"created {folder}; edit {folder / 'campaign.toml'}, then run 'toolbox validate'")


@cli.command("init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@output_options
@pass_ctx
def init_project(obj: Ctx, folder: Path) -> None:
    """Create a project in FOLDER that builds as it is.

    \b
    It holds the sample campaign (campaigns/safe-journeys/) and its catalogs
    (locales/), a commented toolbox.toml (the brand kit: colours, logo, contact
    line) and a .gitignore for dist/. The templates stay in toolbox: copy one into
    the project to change it with 'toolbox theme eject PATH' (docs/templates.md).
    """
    from .campaign.scaffold import create_project

    root = folder.resolve()
    create_project(root)
    obj.say(f"created the project {root}: the sample campaign in campaigns/, its translations in locales/, "
            f"the brand kit in toolbox.toml")
    obj.say(f"next: cd {folder} && toolbox build   (then open dist/index.html)")


@cli.group()
def theme() -> None:
    """The built-in theme and this project's overrides of it: list, eject.

    A project's templates/ holds only the theme files it changes; every other
    file comes from toolbox itself, so a new release's fixes arrive by upgrading.
    See docs/templates.md.
    """


@theme.command("eject")
@click.argument("paths", nargs=-1, required=True)
@click.option("--force", is_flag=True, help="Replace a file the project already has with the built-in one.")
@output_options
@pass_ctx
def theme_eject(obj: Ctx, paths: tuple[str, ...], force: bool) -> None:
    """Copy built-in theme files into the project's templates/ for editing.

    \b
    PATHS are relative to templates/: a file (print/card.html, site/site.css,
    fonts/fonts.toml) or a folder (share). The copy then replaces the built-in
    file for this project only; delete it to go back to the built-in one.
    """
    from .campaign.scaffold import eject

    for path in eject(obj.project, list(paths), force):
        obj.say(f"copied {display_path(path)}")


@theme.command("list")
@click.option("--all", "show_all", is_flag=True, help="Also list every built-in file.")
@output_options
@pass_ctx
def theme_list(obj: Ctx, show_all: bool) -> None:
    """Show which theme files and template catalogs this project overrides."""
    from .i18n.catalog import TEMPLATE_DOMAIN

    theme_ = obj.project.theme
    obj.say(f"built-in theme: {theme_.builtin}")
    if len(theme_.folders) == 1:
        obj.say("this project is the built-in theme (the toolbox repository): every file is its own")
    for rel in theme_.overrides():
        obj.say(f"overrides  templates/{rel}")
    for rel in theme_.additions():
        obj.say(f"adds       templates/{rel}")
    if len(theme_.catalogs) > 1:
        for po in sorted(theme_.catalogs[0].glob(f"*/LC_MESSAGES/{TEMPLATE_DOMAIN}.po")):
            obj.say(f"overrides  {display_path(po)} (its translated messages)")
    if obj.project.file.is_file():
        obj.say(f"brand kit  {display_path(obj.project.file)}")
    if show_all:
        for path in sorted(p for p in theme_.builtin.rglob("*") if p.is_file()):
            rel = path.relative_to(theme_.builtin).as_posix()
            obj.say(f"{'(project) ' if theme_.file(rel) != path else 'built-in  '} {rel}")


@cli.group()
def i18n() -> None:
    """Translation catalogs: extract, init, update, status; export/import (CSV, XLIFF), glossary, screenshots.

    See docs/translating.md.
    """


def _i18n_scope(obj: Ctx, locales: tuple[str, ...]) -> tuple[list[Campaign], list[str], list[str], dict]:
    from .i18n.catalog import TEMPLATE_DOMAIN
    from .inputs import load_all

    campaigns, problems = load_all(obj.project)
    problems.raise_if_errors()
    declared: dict = {}
    used: list[str] = []
    for c in campaigns:
        declared.update(c.locales)
        for g in c.groups:
            used += [t for t in g.locales if t != c.campaign.source_locale and t not in used]
    domains = [TEMPLATE_DOMAIN] + [c.id for c in campaigns]
    from .campaign.validate import TAG_RE

    for tag in locales:  # a tag names a folder under locales/: never a path
        if not TAG_RE.match(tag):
            raise ToolboxError(f"{tag!r} is not a locale tag (BCP 47: letters, digits and hyphens, e.g. sq or sr-Latn)")
    # Default: every locale a group reads, and every locale with a catalog folder
    # (the template catalogs of the built-in locales no sample campaign reads yet).
    present = [p.name for p in obj.project.locales.iterdir() if p.is_dir() and TAG_RE.match(p.name)] \
        if obj.project.locales.is_dir() else []
    return campaigns, domains, list(locales) or sorted(set(used) | set(present)), declared


def _translated_locales(tags: list[str], declared: dict) -> list[str]:
    """Locales with catalogs of their own (not built by transliteration)."""
    from .i18n.catalog import catalog_tag

    return [t for t in tags if catalog_tag(t, declared) == t]


@i18n.command()
@click.option("--no-layout", is_flag=True,
              help="Do not render the outputs to find where each message appears and how much room it has "
                   "(faster; the .pot files then lack those comments and size flags).")
@output_options
@pass_ctx
def extract(obj: Ctx, no_layout: bool) -> None:
    """Write locales/*.pot from templates/ and every campaign's texts and Markdown.

    Each message gets a comment naming the outputs and slots it appears in, and
    a message in a fixed box Weblate's size flags (max-size, font-family,
    font-size) for the room the tightest output gives it: the source
    language's outputs are rendered once to measure it.
    """
    from .i18n.workflow import extract as run

    campaigns, _, _, _ = _i18n_scope(obj, ())
    survey = families = None
    if not no_layout:
        from .survey import source_families, survey_all

        survey, families = survey_all(obj.project, campaigns), source_families(obj.project, campaigns)
    for path in run(obj.project, campaigns, survey, families):
        obj.say(f"wrote {path.relative_to(obj.project.root)}")


@i18n.command()
@click.argument("locale")
@output_options
@pass_ctx
def init(obj: Ctx, locale: str) -> None:
    """Start catalogs for a new LOCALE (a BCP 47 tag such as sr-Cyrl or rmn)."""
    from .i18n.workflow import init as run

    _, domains, _, declared = _i18n_scope(obj, ())
    from .i18n.catalog import catalog_tag

    if catalog_tag(locale, declared) != locale:
        raise ToolboxError(f"{locale} is built by transliterating {catalog_tag(locale, declared)}: translate that one instead")
    written = run(obj.project, locale, domains, declared)
    for path in written:
        obj.say(f"created {path.relative_to(obj.project.root)}")
    if not written:
        obj.say(f"catalogs for {locale} already exist; use 'toolbox i18n update'")


@i18n.command()
@click.argument("locales", nargs=-1)
@output_options
@pass_ctx
def update(obj: Ctx, locales: tuple[str, ...]) -> None:
    """Merge the .pot templates into the .po catalogs of LOCALES (default: every locale read or with catalogs)."""
    from .i18n.workflow import update as run
    from .survey import locale_sizes

    campaigns, domains, tags, declared = _i18n_scope(obj, locales)
    sizes = locale_sizes(obj.project, campaigns, declared)
    for result in run(obj.project, _translated_locales(tags, declared), domains, declared, sizes):
        obj.say(f"updated {result.path.relative_to(obj.project.root)}: {result.fuzzy} fuzzy, {result.obsolete} obsolete")


@i18n.command()
@click.argument("locales", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--missing", is_flag=True, help="List the untranslated and outdated messages too.")
@output_options
@pass_ctx
def status(obj: Ctx, locales: tuple[str, ...], as_json: bool, missing: bool) -> None:
    """Translated / fuzzy / untranslated messages per catalog and locale."""
    import json

    from .i18n.workflow import status as run

    _, domains, tags, declared = _i18n_scope(obj, locales)
    rows = run(obj.project, tags, domains, declared)
    if as_json:
        click.echo(json.dumps([{**r.__dict__, "percent": r.percent, "total": r.total} for r in rows], ensure_ascii=False,
                              indent=2))
        return
    click.echo(f"{'catalog':<22} {'locale':<9} {'done':>5} {'fuzzy':>5} {'todo':>5} {'review':>6} {'%':>6}")
    for r in rows:
        click.echo(f"{r.domain:<22} {r.locale:<9} {r.translated:>5} {r.fuzzy:>5} {r.untranslated:>5} {r.review:>6} "
                   f"{r.percent:>6.1f}")
        if missing:
            for mid in r.untranslated_ids:
                click.echo(f"    untranslated: {mid}")
            for mid in r.fuzzy_ids:
                click.echo(f"    outdated: {mid}")


@i18n.command(name="export")
@click.argument("locale")
@click.option("--format", "fmt", type=click.Choice(["csv", "xliff"]), default="csv", show_default=True,
              help="csv: a spreadsheet (location, context, source, target, where it appears and its limits); "
                   "xliff: XLIFF 1.1 for translation tools.")
@click.option("--domain", "domains", multiple=True, metavar="CATALOG",
              help="Only this catalog (toolbox, or a campaign id); repeatable. Default: every catalog of LOCALE.")
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True,
              help="Folder to write the files into.")
@output_options
@pass_ctx
def export_catalogs(obj: Ctx, locale: str, fmt: str, domains: tuple[str, ...], out: Path) -> None:
    """Write LOCALE's catalogs as CSV or XLIFF (translate-toolkit's po2csv / po2xliff).

    Files are named CATALOG.LOCALE.csv (or .xlf), e.g. safe-journeys.sq.csv:
    'toolbox i18n import' reads the catalog and locale back from the name.
    """
    from .i18n.catalog import po_path
    from .i18n.exchange import export

    _, all_domains, _, declared = _i18n_scope(obj, (locale,))
    from .i18n.catalog import catalog_tag

    if catalog_tag(locale, declared) != locale:
        raise ToolboxError(f"{locale} is built by transliterating {catalog_tag(locale, declared)}: export that one instead")
    chosen = list(domains) or all_domains
    for domain in chosen:
        if domain not in all_domains:
            raise ToolboxError(f"no catalog '{domain}' (known: {', '.join(all_domains)})")
    written = [export(obj.project.locales, locale, d, fmt, out.resolve()) for d in chosen
               if po_path(obj.project.locales, locale, d).is_file()]
    if not written:
        raise ToolboxError(f"no catalogs for {locale} yet; run 'toolbox i18n init {locale}'")
    for path in written:
        obj.say(f"wrote {path}")


@i18n.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--locale", default=None, help="The locale the file holds (default: from its name, CATALOG.LOCALE.csv).")
@click.option("--domain", default=None, metavar="CATALOG", help="The catalog it goes into (default: from its name).")
@click.option("--strict", is_flag=True, help="Treat warnings (a translation longer than its box) as errors.")
@output_options
@pass_ctx
def import_catalogs(obj: Ctx, files: tuple[Path, ...], locale: str | None, domain: str | None, strict: bool) -> None:
    """Take translations from CSV or XLIFF files (translate-toolkit's csv2po / xliff2po) into the catalogs.

    The result is checked as the build checks catalogs (placeholders, phone
    numbers, web and e-mail addresses, markup, invisible characters) and each
    boxed translation is measured against its max-size flag; problems name the
    spreadsheet row or XLIFF unit. Nothing is written while an error remains.
    """
    from .errors import Problem
    from .i18n.exchange import import_file, parse_name
    from .survey import room_checker

    _, domains, _, declared = _i18n_scope(obj, ())
    failed: list[Problem] = []
    for path in files:
        named = parse_name(path)
        cat, tag = (domain or (named[0] if named else None)), (locale or (named[1] if named else None))
        if not cat or not tag:
            raise ToolboxError(Problem(str(path), None, "cannot tell the catalog and locale from the name; "
                                                        "give --domain and --locale (export names files CATALOG.LOCALE.csv)"))
        if cat not in domains:
            raise ToolboxError(Problem(str(path), None, f"no catalog '{cat}' (known: {', '.join(domains)})"))
        result = import_file(path, obj.project.locales, tag, cat, declared, room_checker(obj.project, tag, declared), strict)
        for problem in result.problems:
            if problem.severity == "error":
                failed.append(problem)
            else:
                click.echo(str(problem), err=True)
        if result.written:
            obj.say(f"imported {result.changed} translations from {path} into {result.catalog.relative_to(obj.project.root)}")
        elif not any(p.severity == "error" for p in result.problems):
            obj.say(f"{path}: nothing new for {result.catalog.relative_to(obj.project.root)}")
    if failed:
        raise ToolboxError(failed + [Problem(str(files[0]), None, "nothing was imported from a file with errors; "
                                                                  "fix the rows above and import again")])


@i18n.command(name="glossary")
@click.argument("locales", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["tbx", "csv"]), default="tbx", show_default=True,
              help="tbx: TermBase eXchange (translate-toolkit); csv: source, target, explanation columns. Weblate imports both.")
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True,
              help="Folder to write glossary.LOCALE.tbx (or .csv) into.")
@output_options
@pass_ctx
def glossary_export(obj: Ctx, locales: tuple[str, ...], fmt: str, out: Path) -> None:
    """Export locales/LOCALE/glossary.csv for Weblate (default: every locale that has one).

    The build and 'toolbox validate' warn when a translation does not use a
    glossary term's agreed translation (an error with --strict).
    """
    from .errors import Collector
    from .i18n.glossary import export_glossary, glossary_path, read_glossary
    from .write import atomic_write

    tags = list(locales) or sorted(p.parent.name for p in obj.project.locales.glob("*/glossary.csv"))
    problems = Collector()
    written = 0
    for tag in tags:
        terms = read_glossary(glossary_path(obj.project.locales, tag), problems)
        if not terms:
            continue
        target = out.resolve() / f"glossary.{tag}.{fmt}"
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, export_glossary(terms, tag, fmt))
        obj.say(f"wrote {target} ({len(terms)} terms)")
        written += 1
    problems.raise_if_errors()
    for warning in problems.warnings:
        click.echo(str(warning), err=True)
    if not written:
        raise ToolboxError("no glossary terms for " + (", ".join(tags) or "any locale") + "; add locales/LOCALE/glossary.csv "
                           "(columns source, translation, note: docs/translating.md)")


@i18n.command(name="screenshots")
@click.option("--locale", default=None, help="The locale to draw (default: each campaign's source language).")
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for LOCALE/*.png and screenshots.json.")
@click.argument("campaigns", nargs=-1)
@output_options
@pass_ctx
def screenshots_cmd(obj: Ctx, locale: str | None, out: Path, campaigns: tuple[str, ...]) -> None:
    """Draw a locale's print outputs and share images as PNG pages, each message outlined.

    screenshots.json maps every message to the pictures it is on and its
    rectangle there (px), for Weblate (screenshot file mask OUT/LOCALE/*.png).
    """
    from .screenshots import screenshots

    loaded, _, _, _ = _i18n_scope(obj, ())
    chosen = [c for c in loaded if not campaigns or c.id in campaigns]
    target = screenshots(obj.project, chosen, out.resolve(), locale)
    obj.say(f"wrote {target} and the pictures beside it")


INTERRUPTED = ("interrupted: no file was left half-written, and manifest.json is replaced only when a build "
               "finishes; run the command again to finish")


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except ToolboxError as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort as exc:  # click turns Ctrl+C (SIGINT) into Abort
        if isinstance(exc.__context__, KeyboardInterrupt):
            click.echo(INTERRUPTED, err=True)
        else:
            click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo(INTERRUPTED, err=True)
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # a bug of ours, not the user's: say so plainly
        from .write import os_problem

        problem = os_problem(exc) if isinstance(exc, OSError) else None
        if problem is not None:  # a full disk, a read-only folder: the machine's situation, not a bug
            click.echo(str(problem), err=True)
            sys.exit(1)
        if "-v" in sys.argv or "--verbose" in sys.argv or "-vv" in sys.argv:
            raise
        click.echo(f"toolbox: internal error: {type(exc).__name__}: {exc} (run again with -v for details, and report it)",
                   err=True)
        sys.exit(2)
