"""The `baocao` command line. Heavy modules (textual, underthesea) are imported
inside the commands that need them, so `baocao list` starts fast."""
from __future__ import annotations

import sys
from pathlib import Path

import click
import orjson

from annotations.library import Library, LibraryError
from annotations.paths import resolve_home


def _emit_json(obj) -> None:
    sys.stdout.buffer.write(orjson.dumps(obj) + b"\n")


@click.group(invoke_without_command=True)
@click.option("--home", type=click.Path(file_okay=False, path_type=Path), envvar="BAOCAO_HOME",
              help="Data directory (library + database). Default: $BAOCAO_HOME or the "
                   "platform's user data dir.")
@click.option("--annotator", default=None, help="Name recorded on annotations "
              "(default: config, else your login name).")
@click.version_option(package_name="baocao")
@click.pass_context
def main(ctx: click.Context, home: Path | None, annotator: str | None) -> None:
    """Read and annotate Vietnamese government and Party reports."""
    ctx.obj = {"home": resolve_home(home), "annotator": annotator}
    if ctx.invoked_subcommand is None:
        from .app import run_app

        run_app(ctx.obj["home"], annotator=annotator)


def _library(ctx: click.Context) -> Library:
    return Library(ctx.obj["home"])


def _fail(msg: str) -> None:
    click.echo(f"baocao: {msg}", err=True)
    sys.exit(1)


@main.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-j", "--jobs", type=int, default=None, help="Analysis processes (default: cores).")
@click.pass_context
def import_cmd(ctx: click.Context, paths: tuple[Path, ...], jobs: int | None) -> None:
    """Add report files and folders (.txt, .md, .jsonl) to the library."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from .integration import reanchor_hook

    lib = _library(ctx)
    err = Console(stderr=True)
    with Progress(TextColumn("[progress.description]{task.description}"), BarColumn(),
                  MofNCompleteColumn(), TimeRemainingColumn(), console=err,
                  transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("Analysing", total=None)

        def progress(done: int, total: int, what: str) -> None:
            bar.update(task, completed=done, total=total)

        try:
            summary = lib.import_paths(paths, progress=progress, workers=jobs,
                                       on_text_changed=reanchor_hook(ctx.obj["home"]))
        except LibraryError as exc:
            _fail(str(exc))
    for item in summary.skipped:
        click.echo(f"skipped {item}", err=True)
    for source, existing in summary.duplicates:
        click.echo(f"duplicate {source}: same text as report {existing}", err=True)
    click.echo(f"imported {len(summary.imported)}, updated {len(summary.updated)}, "
               f"unchanged {len(summary.unchanged)}, duplicates {len(summary.duplicates)}, "
               f"skipped {len(summary.skipped)}", err=True)
    if summary.failed:
        sys.exit(1)


@main.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
def list_cmd(ctx: click.Context, as_json: bool) -> None:
    """Reports sorted by date (oldest first)."""
    from .integration import tagged_counts

    try:
        reports = _library(ctx).reports()
    except LibraryError as exc:
        _fail(str(exc))
    tagged = tagged_counts(ctx.obj["home"])
    if as_json:
        out = sys.stdout.buffer
        for m in reports:
            out.write(orjson.dumps({"id": m.id, "title": m.title, "date": m.date,
                                    "date_source": m.date_source, "sentences": m.sentences,
                                    "tagged": tagged.get(m.id, 0)}) + b"\n")
        return
    for m in reports:
        click.echo(f"{m.date or '?':<10}  {m.id:<24}  {m.sentences:>4} sent  "
                   f"{tagged.get(m.id, 0):>4} tagged  {m.title}")


@main.command("show")
@click.argument("report")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.pass_context
def show_cmd(ctx: click.Context, report: str, as_json: bool) -> None:
    """Segmented text with entities. REPORT is an id, or a file path (analysed
    without importing it)."""
    from .integration import annotations_for
    from .render import render_report, show_record

    lib = _library(ctx)
    try:
        if report in lib:
            meta = lib.get(report)
            text = lib.text(report)
            analysis = lib.analysis(report)
            anns = annotations_for(ctx.obj["home"], report)
        else:
            path = Path(report)
            if not path.exists():
                _fail(f"{report}: no report with that id and no such file")
            from annotations.library import read_candidates

            cand = next(iter(read_candidates(path)))
            if not hasattr(cand, "text"):
                _fail(str(cand))
            meta, text = cand, cand.text
            analysis = lib.analyze_text(text)
            anns = []
    except LibraryError as exc:
        _fail(str(exc))
    record = show_record(meta, text, analysis, anns)
    if as_json:
        _emit_json(record)
    else:
        render_report(record)


from .cli_store import register  # noqa: E402  (annotation commands live there)

register(main)
