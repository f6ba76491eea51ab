"""`baocao timeline`: counts per period (annotations/timeline.py), as a table,
JSON lines or a PNG chart (matplotlib, the optional extra `baocao[plot]`)."""
from __future__ import annotations

import sys
from pathlib import Path

import click
import orjson

from annotations.models import ENTITY_LABELS
from annotations.text.sanitize import inert
from annotations.timeline import PERIODS, Timeline

PLOT_MISSING = "--png needs matplotlib, which is not installed: pip install 'baocao[plot]'"


def build(home, *, by: str, label: str | None, entity: str | None, query: str | None,
          annotator: str | None) -> Timeline:
    from annotations import timeline

    if entity and query:
        raise click.UsageError("give --entity or --query, not both")
    if entity:
        ent_label = label.upper() if label and label.upper() in ENTITY_LABELS else None
        if label and ent_label is None:
            raise click.UsageError(f"with --entity, --label is an entity label ({', '.join(ENTITY_LABELS)})")
        return timeline.mentions(home, entity, by, label=ent_label)
    if query is not None:
        from annotations.search import matching, search

        if label is None and annotator is None:  # the index alone: no text read for a count
            dates = (date or None for _rid, date, _sentence in matching(home, query))
        else:
            dates = (hit.date for hit in search(home, query, label=label, annotator=annotator))
        return timeline.hits(dates, query, by)
    from annotations.store.labels import load_config

    labels = [lab.name for lab in load_config(home).labels]
    if label is not None and label not in labels:
        raise click.UsageError(f"unknown label {label!r}; labels are: {', '.join(labels)}")
    return timeline.passages(home, by, label=label, annotator=annotator, labels=labels)


def table(tl: Timeline) -> list[str]:
    """The plain listing: a row per period, a column per series."""
    names = [inert(s)[:14] for s in tl.series]
    width = max([8, *(len(n) for n in names)])
    out = [f"{tl.by:<12}" + "".join(f"{n:>{width + 1}}" for n in names) + f"{'total':>{width + 1}}"]

    def row(head: str, c) -> str:
        return f"{head:<12}" + "".join(f"{c.get(s, 0):>{width + 1}}" for s in tl.series) \
            + f"{sum(c.values()):>{width + 1}}"

    out += [row(p, tl.counts[p]) for p in tl.periods]
    for year in sorted(tl.year_only):
        out.append(row(f"{year} (year only)" if tl.by != "year" else year, tl.year_only[year]))
    if tl.undated:
        out.append(row("undated", tl.undated))
    return out


def write_png(tl: Timeline, path: Path) -> None:
    """A stacked bar chart per period (year-only and undated counts in its caption)."""
    try:
        import matplotlib
    except ImportError:
        raise click.ClickException(PLOT_MISSING) from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(max(6, len(tl.periods) * 0.35), 4), dpi=120)
    bottom = [0] * len(tl.periods)
    for s in tl.series:
        values = [tl.counts[p].get(s, 0) for p in tl.periods]
        ax.bar(tl.periods, values, bottom=bottom, label=s)
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.set_ylabel(tl.what)
    ax.tick_params(axis="x", labelrotation=90)
    apart = [f"{sum(c.values())} dated {y} only" for y, c in sorted(tl.year_only.items())]
    if tl.undated:
        apart.append(f"{sum(tl.undated.values())} undated")
    ax.set_title(f"{tl.what} per {tl.by}" + (f" (not shown: {', '.join(apart)})" if apart else ""),
                 fontsize=9)
    if tl.series:
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


@click.command("timeline")
@click.option("--by", type=click.Choice(PERIODS), default="month", show_default=True,
              help="Count per this period.")
@click.option("--label", help="Passages of this label only (with --entity: an entity label).")
@click.option("--entity", help="Mentions of this entity (variants merged) instead of passages.")
@click.option("--query", help="Hits of this search query instead of passages.")
@click.option("--annotator", "who", help="Passages (or hits) of this annotator only.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per period.")
@click.option("--png", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write a bar chart (needs the extra baocao[plot]).")
@click.pass_context
def timeline_cmd(ctx: click.Context, by: str, label: str | None, entity: str | None,
                 query: str | None, who: str | None, as_json: bool, png: Path | None) -> None:
    """Counts per period, dated by the report dates: tagged passages per label,
    an entity's mentions (--entity) or a query's hits (--query). Reports dated
    only to a year count in the year view and apart ("year only") in the
    others; undated reports are counted apart."""
    if png is not None:
        try:
            import matplotlib  # noqa: F401  (checked before the counting)
        except ImportError:
            from . import fail

            fail(PLOT_MISSING)
    tl = build(ctx.obj["home"], by=by, label=label, entity=entity, query=query, annotator=who)
    if png is not None:
        write_png(tl, png)
    try:
        if as_json:
            for rec in tl.records():
                sys.stdout.buffer.write(orjson.dumps(rec) + b"\n")
            return
        for line in table(tl):
            click.echo(line)
        if png is not None:
            click.echo(f"chart written to {inert(str(png))}", err=True)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(0)


def register(main: click.Group) -> None:
    main.add_command(timeline_cmd)
