"""Library commands: import, list, show."""
from __future__ import annotations

import sys
from pathlib import Path

import click
import orjson


def _emit_json(obj) -> None:
    sys.stdout.buffer.write(orjson.dumps(obj) + b"\n")


def _warn(msg: str) -> None:
    click.echo(f"baocao: warning: {msg}", err=True)


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-j", "--jobs", type=int, default=None, help="Analysis processes (default: cores).")
@click.pass_context
def import_cmd(ctx: click.Context, paths: tuple[Path, ...], jobs: int | None) -> None:
    """Add report files and folders (.txt, .md, .jsonl) to the library."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from annotations.services import import_paths

    def reanchored(r) -> None:
        click.echo(f"report {r.report_id}: text changed; annotations kept {r.kept}, "
                   f"moved {r.moved}, orphaned {r.orphaned}", err=True)

    err = Console(stderr=True)
    with Progress(TextColumn("[progress.description]{task.description}"), BarColumn(),
                  MofNCompleteColumn(), TimeRemainingColumn(), console=err,
                  transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("Analysing", total=None)

        def progress(done: int, total: int, what: str) -> None:
            bar.update(task, completed=done, total=total)

        summary = import_paths(ctx.obj["home"], paths, annotator=ctx.obj["annotator"],
                               workers=jobs, progress=progress, warn=_warn,
                               on_reanchored=reanchored)
    for item in summary.skipped:
        click.echo(f"skipped {item}", err=True)
    for source, existing in summary.duplicates:
        click.echo(f"duplicate {source}: same text as report {existing}", err=True)
    click.echo(f"imported {len(summary.imported)}, updated {len(summary.updated)}, "
               f"unchanged {len(summary.unchanged)}, duplicates {len(summary.duplicates)}, "
               f"skipped {len(summary.skipped)}", err=True)
    if summary.failed:
        sys.exit(1)


@click.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
def list_cmd(ctx: click.Context, as_json: bool) -> None:
    """Reports sorted by date (oldest first)."""
    from annotations.corpus.library import Library
    from annotations.services import progress

    reports = Library(ctx.obj["home"]).reports()
    mine = progress(ctx.obj["home"], ctx.obj.get("annotator"), warn=_warn)
    nothing = {"tagged": 0, "none": 0, "done": False}
    if as_json:
        out = sys.stdout.buffer
        for m in reports:
            p = mine.get(m.id, nothing)
            out.write(orjson.dumps({"id": m.id, "title": m.title, "date": m.date,
                                    "date_source": m.date_source, "sentences": m.sentences,
                                    "tagged": p["tagged"], "done": p["done"]}) + b"\n")
        return
    for m in reports:
        p = mine.get(m.id, nothing)
        click.echo(f"{m.date or '?':<10}  {m.id:<24}  {m.sentences:>4} sent  "
                   f"{p['tagged']:>4} tagged {'✓' if p['done'] else ' '}  {m.title}")


@click.command("show")
@click.argument("report")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.pass_context
def show_cmd(ctx: click.Context, report: str, as_json: bool) -> None:
    """Segmented text with entities. REPORT is an id, or a file path (analysed
    without importing it)."""
    from annotations.services import show

    record = show(ctx.obj["home"], report)
    if as_json:
        _emit_json(record)
    else:
        from .render import render_report

        render_report(record)


def register(group: click.Group) -> None:
    for cmd in (import_cmd, list_cmd, show_cmd):
        group.add_command(cmd)
