"""Library commands: import, list, show, repair."""
from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import orjson


def _emit_json(obj) -> None:
    sys.stdout.buffer.write(orjson.dumps(obj) + b"\n")


def _warn(msg: str) -> None:
    click.echo(f"baocao: warning: {msg}", err=True)


class _Size(click.ParamType):
    """A size: bytes, or a number with K, M or G (binary: 20M = 20 MiB)."""

    name = "size"
    _UNITS = {"": 1, "b": 1, "k": 1 << 10, "kb": 1 << 10, "m": 1 << 20, "mb": 1 << 20,
              "g": 1 << 30, "gb": 1 << 30}

    def convert(self, value, param, ctx) -> int:
        if isinstance(value, int):
            return value
        import re

        m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", str(value))
        unit = m and self._UNITS.get(m.group(2).lower())
        if not m or unit is None or float(m.group(1)) * unit < 1:
            self.fail(f"{value!r} is not a size (examples: 20M, 500K, 1G, 1048576)", param, ctx)
        return int(float(m.group(1)) * unit)


@contextmanager
def _interrupts_as_keyboard_interrupt() -> Iterator[dict]:
    """SIGTERM (and SIGHUP) stop an import the way Ctrl-C does: cleanly, with
    what was committed reported. Yields a dict whose "signal" is set to the
    signal number that arrived."""
    import signal

    got: dict = {}

    def stop(signum, _frame):
        got.setdefault("signal", signum)
        raise KeyboardInterrupt

    old = {}
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is not None:
            try:
                old[sig] = signal.signal(sig, stop)
            except (ValueError, OSError):  # not the main thread
                pass
    try:
        yield got
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)


def _stopped_by(got: dict) -> tuple[str, int]:
    import signal

    sig = got.get("signal", signal.SIGINT)
    name = {signal.SIGINT: "Ctrl-C"}.get(sig) or signal.Signals(sig).name
    return name, 128 + int(sig)


_SENTENCES = re.compile(r": [\d,]+/[\d,]+ sentences$")


@click.command("import")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--samples", is_flag=True, help="Also the bundled sample reports (five seeds).")
@click.option("--json", "as_json", is_flag=True,
              help='One JSON line per file on standard output ({"kind": "file", "id", "status", '
                   '"source", "reason"}), then {"kind": "summary", ...}; the human summary stays '
                   "on standard error.")
@click.option("-j", "--jobs", "--workers", "jobs", type=int, default=None,
              help="Analysis processes (default: cores).")
@click.option("--max-size", type=_Size(), default="20M", show_default=True,
              help="Refuse files bigger than this (K, M, G: 500K, 20M, 1G).")
@click.option("--scheduler", default=None, metavar="ADDR",
              help="Analyse on this Dask scheduler (tcp://HOST:8786; default $BAOCAO_DASK_SCHEDULER); "
                   "needs baocao[dask] here and on the workers.")
@click.pass_context
def import_cmd(ctx: click.Context, paths: tuple[Path, ...], samples: bool, as_json: bool,
               jobs: int | None, max_size: int, scheduler: str | None) -> None:
    """Add report files and folders (.txt, .md, .jsonl) to the library
    (--samples: the bundled sample reports).

    Ctrl-C (or SIGTERM) stops it cleanly: the reports finished so far are
    kept and listed, nothing half-written is left."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from annotations.corpus.engines import scheduler_address
    from annotations.home import seeds_dir
    from annotations.services import import_paths
    from annotations.text.sanitize import inert

    if samples:
        paths = (*paths, seeds_dir())
    if not paths:
        raise click.UsageError("give a file or folder to import (or --samples for the bundled "
                               "sample reports)")

    def reanchored(r) -> None:
        click.echo(f"report {inert(r.report_id)}: text changed; annotations kept {r.kept}, "
                   f"moved {r.moved}, orphaned {r.orphaned}", err=True)

    err = Console(stderr=True)
    with _interrupts_as_keyboard_interrupt() as got:
        try:
            with Progress(TextColumn("[progress.description]{task.description}"), BarColumn(),
                          MofNCompleteColumn(), TimeRemainingColumn(),
                          TextColumn("{task.fields[note]}", markup=False), console=err,
                          transient=True, disable=not err.is_terminal) as bar:
                task = bar.add_task("Analysing", total=None, note="")

                def progress(done: int, total: int, what: str) -> None:
                    # inside a big report: "<file>: 1,200/3,400 sentences" (ingest, throttled)
                    note = inert(what) if _SENTENCES.search(what) else ""
                    bar.update(task, completed=done, total=total, note=note)

                summary = import_paths(ctx.obj["home"], paths, annotator=ctx.obj["annotator"],
                                       workers=jobs, progress=progress, warn=_warn,
                                       on_reanchored=reanchored, max_bytes=max_size,
                                       scheduler=scheduler_address(scheduler))
        except KeyboardInterrupt:  # before the import began (or after it ended): nothing changed
            name, code = _stopped_by(got)
            click.echo(f"baocao: import stopped ({name}) before it began; nothing was imported",
                       err=True)
            sys.exit(code)
    for note in summary.repaired:
        click.echo(f"repaired: {inert(note)}", err=True)
    for item in summary.skipped:
        click.echo(f"skipped {item}", err=True)
    for source, existing in summary.duplicates:
        click.echo(f"duplicate {inert(source)}: same text as report {inert(existing)}", err=True)
    click.echo(f"imported {len(summary.imported)}, updated {len(summary.updated)}, "
               f"unchanged {len(summary.unchanged)}, duplicates {len(summary.duplicates)}, "
               f"skipped {len(summary.skipped)}", err=True)
    if as_json:
        _import_json(ctx, summary)
    if summary.interrupted:
        name, code = _stopped_by(got)
        click.echo(f"baocao: import stopped ({name}): the {len(summary.imported)} imported and "
                   f"{len(summary.updated)} updated report(s) above are saved; the rest was not "
                   "imported (run the same import again to finish it)", err=True)
        sys.exit(code)
    if summary.failed:
        sys.exit(1)


def _import_json(ctx: click.Context, summary) -> None:
    """import --json: a line per file, then the counts (stdout, for scripts)."""
    from annotations.corpus.library import Library

    lib = Library(ctx.obj["home"])
    rows = []
    for status, ids in (("imported", summary.imported), ("updated", summary.updated),
                        ("unchanged", summary.unchanged)):
        rows += [{"kind": "file", "id": rid, "status": status, "source": lib.get(rid).source_path,
                  "reason": None} for rid in ids]
    rows += [{"kind": "file", "id": existing, "status": "duplicate", "source": source,
              "reason": f"same text as report {existing}"} for source, existing in summary.duplicates]
    rows += [{"kind": "file", "id": None, "status": "failed" if s.failure else "skipped",
              "source": s.source, "reason": s.reason} for s in summary.skipped]
    rows.append({"kind": "summary", "imported": len(summary.imported),
                 "updated": len(summary.updated), "unchanged": len(summary.unchanged),
                 "duplicates": len(summary.duplicates), "skipped": len(summary.skipped),
                 "interrupted": summary.interrupted})
    for row in rows:
        _emit_json(row)
    sys.stdout.buffer.flush()


EMPTY_HINT = ("the library is empty: add reports with `baocao import PATH` (files or folders of "
              ".txt, .md, .jsonl) or `baocao import --samples` (the bundled sample reports)")


@click.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
def list_cmd(ctx: click.Context, as_json: bool) -> None:
    """Reports sorted by date (oldest first).

    Plain lines show outside text inertly (control characters as symbols, one
    line per report). --json is data for programs: the exact strings, as JSON
    (control characters below U+0020 escaped; DEL, C1 and bidi characters are
    valid JSON text and stay as they are)."""
    from annotations.corpus.library import Library

    home = ctx.obj["home"]
    lib = Library(home)
    mine = {}
    if home.has_store:  # no annotations: the store's modules are not even loaded
        from annotations.services import progress

        mine = progress(home, ctx.obj.get("annotator"), warn=_warn)
    if as_json:
        lines = lib.list_json({rid: (p["tagged"], p["done"]) for rid, p in mine.items()})
        reports = bool(lines)
    else:
        reports = lib.listing("id", "title", "date", "sentences")
    for note in lib.notes:  # a first-release index migrated, a lost catalogue rebuilt
        click.echo(f"baocao: {note}", err=True)
    if not reports:  # a first run: say how to begin (stderr: stdout stays data)
        click.echo(f"baocao: {EMPTY_HINT}", err=True)
    if as_json:
        if lines:
            sys.stdout.buffer.write(lines.encode() + b"\n")
        return
    nothing = {"tagged": 0, "none": 0, "done": False}
    from annotations.text.sanitize import inert  # a terminal: outside text shown, never obeyed

    for rid, title, date, sentences in reports:
        p = mine.get(rid, nothing)
        click.echo(f"{inert(date or '?'):<10}  {inert(rid):<24}  {sentences:>4} sent  "
                   f"{p['tagged']:>4} tagged {'✓' if p['done'] else ' '}  {inert(title)}")


@click.command("show")
@click.argument("report")
@click.option("--json", "as_json", is_flag=True, help="One JSON object.")
@click.option("--tags", is_flag=True, help="Add each token's raw POS, chunk and NER tags (with --json).")
@click.option("--plain", is_flag=True,
              help="No colour: entities marked in the text as [PER Tô Lâm] (survives pipes).")
@click.pass_context
def show_cmd(ctx: click.Context, report: str, as_json: bool, tags: bool, plain: bool) -> None:
    """Segmented text with entities. REPORT is an id, or a file path (analysed
    without importing it)."""
    from annotations.services import show

    record = show(ctx.obj["home"], report, tags=tags)
    if as_json:
        _emit_json(record)
    elif plain:
        from .render import plain_report

        click.echo(plain_report(record), nl=False)
    else:
        from .render import render_report

        render_report(record)


@click.command("repair")
@click.pass_context
def repair_cmd(ctx: click.Context) -> None:
    """Check the library catalogue and repair it: a damaged one is kept aside
    and rebuilt from the texts and the analysis cache (titles and dates are
    taken from the texts again; which file a report came from is lost), a
    missing one rebuilt; leftovers of interrupted imports are removed."""
    from annotations.corpus.library import Library
    from annotations.text.sanitize import inert

    for note in Library(ctx.obj["home"]).repair():
        click.echo(f"baocao: {inert(note)}")


def register(group: click.Group) -> None:
    for cmd in (import_cmd, list_cmd, show_cmd, repair_cmd):
        group.add_command(cmd)
