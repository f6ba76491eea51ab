"""`baocao search` (sentences across the library, or every tagged passage) and
`baocao reindex` (rebuild the search index)."""
from __future__ import annotations

import sys

import click
import orjson


def _emit(rows, as_json: bool, plain) -> int:
    """Print the rows; how many there were."""
    n = 0
    try:
        if as_json:
            out = sys.stdout.buffer
            for row in rows:
                out.write(orjson.dumps(row.to_dict()) + b"\n")
                n += 1
            out.flush()
            return n
        from .render import pipe_console

        console = pipe_console(highlight=False, soft_wrap=True)
        for row in rows:
            console.print(plain(row))
            n += 1
        click.echo(f"{n} found", err=True)
        return n
    except BrokenPipeError:  # `baocao search ... | head`
        sys.stderr.close()
        sys.exit(0)


@click.command("search")
@click.argument("query", nargs=-1)
@click.option("--label", default=None, help="Only sentences tagged with this label.")
@click.option("--entity", default=None, help="Only sentences with an entity containing these words.")
@click.option("--from", "date_from", default=None, help="From this report date (YYYY[-MM[-DD]]).")
@click.option("--to", "date_to", default=None, help="Up to this report date (YYYY[-MM[-DD]]).")
@click.option("--annotator", "by", default=None, help="Only sentences this annotator tagged.")
@click.option("--note", default=None, help="With no query: only passages whose note has these words.")
@click.option("--sort", type=click.Choice(["relevance", "date"]), default="relevance", show_default=True,
              help="Best matches first (bm25; with --limit N, among the newest max(1000, N) matches), "
                   "or by report date (oldest first, undated last).")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most N results.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per result.")
@click.pass_context
def search_cmd(ctx: click.Context, query: tuple[str, ...], label, entity, date_from, date_to, by, note,
               sort, limit, as_json) -> None:
    """Sentences of the library matching QUERY, diacritics, tone placement and
    đ/d ignored: words are ANDed; OR; "a phrase"; prefix*; -excluded.

    With no QUERY (and no --entity): every tagged passage across the library,
    filtered by --label, --annotator, --from/--to and --note, with its note.

    --json lines: {"report_id", "date", "title", "sentence", "start", "end",
    "text", "matches": [{start,end}], "labels": [{label,annotator}],
    "entities": [{start,end,label,text}]} (offsets into the canonical text);
    passages: {"report_id", "date", "title", "start", "end", "sentence_start",
    "sentence_end", "label", "annotator", "note", "text"}."""
    from annotations.search import SearchIndex
    from annotations.search.index import window

    from ..kwic import hit_line, passage_line

    text = " ".join(query).strip()
    with SearchIndex(ctx.obj["home"]) as index:
        if not text and not entity:
            _emit(index.tagged(label=label, annotator=by, date_from=date_from, date_to=date_to,
                               note=note, limit=limit), as_json, passage_line)
            return
        n = _emit(index.iter_hits(text, label=label, entity=entity, date_from=date_from, date_to=date_to,
                                  annotator=by, sort=sort, limit=limit, entities=as_json), as_json, hit_line)
        ranked = window(limit) if limit is not None else 0
        if (sort == "relevance" and ranked and n >= limit and not (label or entity or by)
                and index.count(text, date_from=date_from, date_to=date_to, bound=ranked + 1) > ranked):
            click.echo(f"ranked among the newest {ranked:,} matching sentences of more "
                       "(without --limit: every match)", err=True)


@click.command("reindex")
@click.pass_context
def reindex_cmd(ctx: click.Context) -> None:
    """Delete the search and entity indexes and build them again (they hold
    nothing that is not in the library: readers keep them current by themselves)."""
    import time

    from annotations.entity_index import EntityIndex
    from annotations.search import reindex

    t0 = time.perf_counter()
    n = reindex(ctx.obj["home"])
    click.echo(f"search index rebuilt: {n} reports in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    with EntityIndex(ctx.obj["home"]) as index:
        n = index.rebuild()
    click.echo(f"entity index rebuilt: {n} reports in {time.perf_counter() - t0:.1f} s")


def register(group: click.Group) -> None:
    group.add_command(search_cmd)
    group.add_command(reindex_cmd)
