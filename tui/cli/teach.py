"""`baocao teach`: the TUI opened on the teach queue."""
from __future__ import annotations

import click


@click.command("teach")
@click.pass_context
def teach_cmd(ctx: click.Context) -> None:
    """Open the TUI on the teach queue: the library's sentences the suggestion
    model is least sure of, first; each answer is a tag (escape: the library)."""
    from ..app import run_app  # textual only now

    run_app(ctx.obj["home"], annotator=ctx.obj["annotator"], teach=True)


def register(main: click.Group) -> None:
    main.add_command(teach_cmd)
