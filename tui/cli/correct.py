"""`baocao correct`: entity corrections from scripts (the reader's entity mode
does the same with keys). Offsets are canonical-text offsets (`show --json`)."""
from __future__ import annotations

import sys

import click
import orjson

from annotations.text.sanitize import inert


def _int(value: str, what: str) -> int:
    from annotations.corrections import CorrectionError  # not loaded by every command

    try:
        return int(value)
    except ValueError:
        raise CorrectionError(f"{what} must be a whole number, not {value!r}; nothing was changed") \
            from None


def _row(c, rank: int | None = None) -> dict:
    d = c.to_doc()
    if rank is not None:
        d["rank"] = rank
    return d


def _line(c, rank: int | None = None) -> str:
    head = f"{rank:>4}  " if rank is not None else ""
    return (f"{head}{c.id[:8]}  {inert(c.created_at)}  {inert(c.annotator):<12} {c.kind:<8} "
            f"{inert(c.report_id)} {c.start}–{c.end}  {inert(c.describe())}")


@click.command("correct")
@click.argument("report_id", required=False)
@click.option("--add", nargs=3, metavar="START END LABEL",
              help="Make text[START:END] an entity LABEL (PER ORG LOC DOC EVENT TIME NUM); "
                   "over an entity it relabels it or fixes its boundary.")
@click.option("--remove", nargs=2, metavar="START END", help="Remove the entity at START–END.")
@click.option("--list", "list_", is_flag=True, help="The corrections made in this report.")
@click.option("--rules", is_flag=True, help="Every rule of the library, highest rank first.")
@click.option("--delete", "delete_id", metavar="RULE_ID",
              help="Delete a rule (its id, or a unique start of it, from --rules).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
def correct_cmd(ctx: click.Context, report_id: str | None, add, remove, list_: bool,
                rules: bool, delete_id: str | None, as_json: bool) -> None:
    """Correct the entities of a report; each correction becomes a rule for the
    whole library (your own rules rank above others', then the newest first)."""
    from annotations.corpus.library import Library
    from annotations.corrections import Rules, make_remove, make_set
    from annotations.store import AnnotationStore
    from annotations.store.records import now_iso

    home, annotator = ctx.obj["home"], ctx.obj.get("annotator")
    actions = sum(bool(x) for x in (add, remove, list_, rules, delete_id))
    if actions != 1:
        raise click.UsageError("give one of --add, --remove, --list, --rules, --delete")
    if (add or remove or list_) and not report_id:
        raise click.UsageError("--add, --remove and --list need a report ID")
    if list_ or rules:
        if not home.has_store:
            return
        with AnnotationStore(home, annotator=annotator, readonly=True) as store:
            ranked = Rules(store.corrections(), store.annotator).corrections
        shown = [(i, c) for i, c in enumerate(ranked, 1) if rules or c.report_id == report_id]
        if list_:
            Library(home).get(report_id)  # an unknown id: one line
        for rank, c in shown:
            if as_json:
                sys.stdout.buffer.write(orjson.dumps(_row(c, rank if rules else None)) + b"\n")
            else:
                click.echo(_line(c, rank if rules else None))
        sys.stdout.flush()
        return
    if delete_id:
        with AnnotationStore(home, annotator=annotator) as store:
            hits = [c for c in store.corrections() if c.id.startswith(delete_id)]
            if len(hits) != 1:
                from annotations.corrections import CorrectionError

                raise CorrectionError(f"{len(hits) or 'no'} rule(s) with an id starting "
                                      f"{delete_id!r}; nothing was deleted")
            change = store.delete_correction(hits[0].id)
        click.echo(inert(change.what))
        return
    lib = Library(home)
    report = lib.open(report_id)
    if add:
        start, end = _int(add[0], "START"), _int(add[1], "END")
    else:
        start, end = _int(remove[0], "START"), _int(remove[1], "END")
    with AnnotationStore(home, annotator=annotator) as store:
        shown = Rules(store.corrections(), store.annotator).apply(
            report_id, report.text, report.analysis.entities)
        if add:
            c = make_set(report_id, report.text, report.analysis, shown, start, end, add[2],
                         annotator=store.annotator, now=now_iso())
        else:
            c = make_remove(report_id, report.text, shown, start, end,
                            annotator=store.annotator, now=now_iso())
        store.correct(c)
    if as_json:
        sys.stdout.buffer.write(orjson.dumps(_row(c)) + b"\n")
        sys.stdout.flush()
    else:
        click.echo(_line(c))


def register(group: click.Group) -> None:
    group.add_command(correct_cmd)
