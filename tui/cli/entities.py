"""`baocao entities`: every entity across the library (annotations/entity_index.py)."""
from __future__ import annotations

import sys

import click
import orjson

from annotations.models import ENTITY_LABELS
from annotations.text.sanitize import inert


@click.command("entities")
@click.option("--label", type=click.Choice(ENTITY_LABELS, case_sensitive=False), help="Only this label.")
@click.option("--min", "min_count", type=click.IntRange(min=1), default=1, show_default=True,
              help="Only entities mentioned at least this often.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per entity.")
@click.pass_context
def entities_cmd(ctx: click.Context, label: str | None, min_count: int, as_json: bool) -> None:
    """Every entity across the library, most mentioned first: mentions, reports,
    first and last report date. Variants of a name (case, tone-mark style, a
    title in front) are one entity."""
    from annotations.entity_index import EntityIndex

    with EntityIndex(ctx.obj["home"]) as index:
        rows = index.entities(label.upper() if label else None, min_count)
    out = sys.stdout.buffer
    try:
        if as_json:
            for row in rows:
                out.write(orjson.dumps(row.to_dict()) + b"\n")
            return
        click.echo(f"{'entity':<40} {'label':<6} {'mentions':>8} {'reports':>7}  first       last")
        for r in rows:
            click.echo(f"{inert(r.name)[:40]:<40} {r.label:<6} {r.count:>8} {r.reports:>7}  "
                       f"{inert(r.first or '-'):<11} {inert(r.last or '-')}")
        click.echo(f"{len(rows)} entities", err=True)
    except BrokenPipeError:  # | head: the reader has what it wanted
        sys.stderr.close()
        sys.exit(0)


def register(main: click.Group) -> None:
    main.add_command(entities_cmd)
