"""`baocao suggest`: the suggestion model's label for each body sentence."""
from __future__ import annotations

import sys
from pathlib import Path

import click
import orjson


@click.command("suggest")
@click.argument("report")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per body sentence.")
@click.pass_context
def suggest_cmd(ctx: click.Context, report: str, as_json: bool) -> None:
    """The suggested label of every body sentence of REPORT (an id, or a file
    analysed without importing it), learned from the annotator's labels (the
    cold-start prior before any).

    --json lines: {"sentence", "start", "end", "label" (null: none), "score",
    "margin"} (offsets into the report's canonical text)."""
    from annotations.corpus.library import Library
    from annotations.errors import InputError, LibraryError
    from annotations.suggest import Suggester
    from annotations.text.sanitize import inert

    home = ctx.obj["home"]
    with Suggester(home, ctx.obj.get("annotator")) as sg:
        sg.train()
        lib = Library(home)
        if report in lib:
            text = lib.text(report)
            found = sg.suggest(report, undecided_only=False)
        else:
            path = Path(report)
            if not path.exists():
                raise LibraryError(f"{report}: no report with that id and no such file")
            from annotations.corpus.ingest import Skipped, read_candidates

            cand = next(iter(read_candidates(path)), None)
            if cand is None or isinstance(cand, Skipped):
                raise InputError(str(cand) if cand else f"{path}: no report in this file")
            text = cand.text
            found = sg.suggest_text(text, lib.analyze_text(text))
        version = sg.version
    try:
        if as_json:
            out = sys.stdout.buffer
            for s in found:
                out.write(orjson.dumps({"sentence": s.sentence, "start": s.start, "end": s.end,
                                        "label": s.label, "score": s.score, "margin": s.margin}) + b"\n")
            out.flush()
            return
        click.echo(f"model {version or 'none yet: the cold-start prior'}", err=True)
        for s in found:
            snippet = text[s.start:s.end]
            snippet = snippet if len(snippet) <= 70 else snippet[:69] + "…"
            click.echo(f"{s.sentence:>4}  {inert(s.label or '-'):<12} {s.score:.2f}  "
                       f"(margin {s.margin:.2f})  {inert(snippet)}")
    except BrokenPipeError:  # `baocao suggest ID | head`
        sys.stderr.close()
        sys.exit(0)


def register(group: click.Group) -> None:
    group.add_command(suggest_cmd)
