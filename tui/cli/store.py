"""Annotation commands: export, import-annotations, stats, done."""
from __future__ import annotations

import sys
from pathlib import Path

import click
import orjson

from annotations.errors import StoreError
from annotations.text.sanitize import inert


def _store(ctx: click.Context, *, readonly: bool):
    from annotations.store import AnnotationStore

    return AnnotationStore(ctx.obj["home"], annotator=ctx.obj.get("annotator"),
                           readonly=readonly)


_FORMAT_NAMES = ["native", "prodigy", "prodigy-choice", "doccano", "doccano-seq", "conll", "csv",
                 "labelstudio", "spacy"]  # annotations.interchange.formats.FORMATS (not imported at start-up)


@click.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write here (atomically: the file appears complete or not at all). "
                   "Default: standard output.")
@click.option("--format", "fmt", type=click.Choice(_FORMAT_NAMES), default="native", show_default=True,
              help="Output format: native: pandas, datasets, import-annotations; prodigy: Prodigy "
                   "classification view; prodigy-choice: Prodigy choice view (multi-class); doccano: "
                   "doccano Text Classification project; doccano-seq: doccano Sequence Labeling project "
                   "(one record per report); conll: CoNLL/IOB2 entities; csv: Excel/LibreOffice (UTF-8 "
                   "with BOM); labelstudio: Label Studio tasks JSON; spacy: spaCy DocBin (needs baocao[spacy] and "
                   "-o). See docs/exports.md.")
@click.option("--label", help="Only this label (name or key).")
@click.option("--by", "only_annotator", metavar="NAME", help="Only this annotator's annotations.")
@click.option("--annotator", "old_annotator", hidden=True)  # the old spelling of --by
@click.option("--with-none", is_flag=True,
              help='Also the "none" decisions, as records with label null.')
@click.option("--gold", is_flag=True,
              help="The gold set instead: adjudicated sentences (the review screen) and those "
                   "every annotator who marked the report done agreed on (marked unanimous).")
@click.option("--with-orphans", is_flag=True,
              help="doccano: include orphaned annotations (offsets -1); left out by default, "
                   "with their count on standard error.")
@click.option("--spans", "spans", type=click.Choice(["none", "predictions"]), default="none",
              show_default=True,
              help="prodigy, prodigy-choice: leave the entities out, or give them with the "
                   "passage's tokens as spans marked with their source (model: a prediction).")
@click.option("--content", type=click.Choice(["both", "entities", "passages"]), default="both",
              show_default=True, help="doccano-seq: which spans each report's record carries.")
@click.pass_context
def export_cmd(ctx: click.Context, output: Path | None, fmt: str, label: str | None,
               only_annotator: str | None, old_annotator: str | None, with_none: bool, gold: bool,
               with_orphans: bool, spans: str, content: str) -> None:
    """Annotations as JSONL, one record per line (streamed); csv, conll,
    labelstudio and spacy as their tools read them. docs/exports.md: the
    schemas and the command that loads each format."""
    from annotations.corpus.library import Library
    from annotations.interchange.export import export_to_path, iter_native, write_jsonl
    from annotations.interchange.formats import Counts, Options, convert_records

    if old_annotator is not None:
        click.echo("baocao: export --annotator is now --by (the global --annotator says who you are)",
                   err=True)
        only_annotator = only_annotator or old_annotator
    if gold and only_annotator:
        raise click.UsageError("--gold is every annotator's agreement: leave out --by")
    if fmt == "spacy" and output is None:
        raise click.UsageError("a DocBin is binary: give a file with -o (e.g. -o train.spacy)")

    with _store(ctx, readonly=True) as store:
        label = store.label(label).name if label else None
        if store.problems:
            raise StoreError("\n".join(str(p) for p in store.problems.values()))
        lib = Library(ctx.obj["home"])
        if gold:
            from annotations.gold import iter_gold

            native = iter_gold(store, lib, label=label, with_none=with_none)
        else:
            native = iter_native(store, lib, label=label, annotator=only_annotator,
                                 with_none=with_none)
        counts = Counts()
        opts = Options(orphans=with_orphans, spans=spans == "predictions", content=content,
                       labels=tuple(lab.name for lab in store.labels))
        records = convert_records(store, lib, fmt, native, opts, counts)
        try:
            if output is not None:
                n = export_to_path(records, output)
                click.echo(f"exported {n} record(s) to {inert(str(output))}", err=True)
            else:
                out = sys.stdout.buffer
                try:
                    write_jsonl(records, out)
                    out.flush()
                except BrokenPipeError:  # `baocao export | head`
                    from . import quiet_pipe

                    quiet_pipe()
        except OSError as exc:
            raise StoreError(f"cannot write the export: {exc.strerror or exc}") from None
        if counts.orphans:
            click.echo(f"baocao: {counts.orphans} orphaned annotation(s) left out (no offsets into "
                       "the current text" + (": --with-orphans includes them)" if fmt == "doccano"
                                             else ")"), err=True)


@click.command("import-annotations")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def import_annotations_cmd(ctx: click.Context, file: Path) -> None:
    """Load annotations from a native export (or bare records with report_id,
    start, end, label, text). All or nothing; importing twice changes nothing."""
    from annotations.corpus.library import Library
    from annotations.interchange.import_annotations import import_file

    with _store(ctx, readonly=False) as store:
        result = import_file(store, Library(ctx.obj["home"]), file)
    click.echo(f"{inert(str(file))}: added {result.added}, updated {result.updated}, unchanged "
               f"{result.unchanged} ({len(result.reports)} report(s) written"
               + (f"; {result.done} marked done" if result.done else "") + ")", err=True)


@click.command("stats")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
def stats_cmd(ctx: click.Context, as_json: bool) -> None:
    """Counts per label, per report and per annotator.

    --json lines, in this order: {"kind": "total", "annotations", "reports",
    "orphaned"}; one {"kind": "label", "label", "count"} per label (every
    configured label, then any other label found); one {"kind": "annotator",
    "annotator", "count"}; one {"kind": "report", "report_id", "title", "date",
    "count", "labels": {label: n}, "annotators": {name: n}, "tagged" (sentences
    covered), "sentences", "orphaned"} per report with annotations, in library
    order; last {"kind": "model", "annotator", "version", "labels" (sentences
    learnt from), "macro_f1" (cross-validated on the annotator's own labels,
    null below 10), "per_label": [{"label" (null: none), "f1"}], "accepted",
    "overridden" (suggestions)}."""
    from collections import Counter

    from annotations.corpus.library import Library

    with _store(ctx, readonly=True) as store:
        summary = store.summary()
        problems = list(store.problems.values())
        label_names = [lab.name for lab in store.labels]
    metas = {m.id: m for m in Library(ctx.obj["home"]).reports()}
    order = [rid for rid in metas if rid in summary] + sorted(r for r in summary if r not in metas)
    labels: Counter[str] = Counter({name: 0 for name in label_names})
    annotators: Counter[str] = Counter()
    for e in summary.values():
        labels.update(e["labels"])
        annotators.update(e["annotators"])
    total = sum(e["count"] for e in summary.values())
    orphaned = sum(e["orphaned"] for e in summary.values())
    model = None if problems else _model_stats(ctx)
    if as_json:
        out = sys.stdout.buffer
        rows = [{"kind": "total", "annotations": total, "reports": len(summary),
                 "orphaned": orphaned}]
        rows += [{"kind": "label", "label": k, "count": labels[k]}
                 for k in [*label_names, *sorted(set(labels) - set(label_names))]]
        rows += [{"kind": "annotator", "annotator": k, "count": n}
                 for k, n in sorted(annotators.items())]
        for rid in order:
            e, m = summary[rid], metas.get(rid)
            rows.append({"kind": "report", "report_id": rid, "title": m.title if m else None,
                         "date": m.date if m else None, "count": e["count"],
                         "labels": e["labels"], "annotators": e["annotators"],
                         "tagged": e["tagged"], "sentences": m.sentences if m else None,
                         "body_sentences": m.body_sentences if m else None,
                         "orphaned": e["orphaned"]})
        if model is not None:
            rows.append(model)
        for row in rows:
            out.write(orjson.dumps(row) + b"\n")
        out.flush()
    else:
        click.echo(f"{total} annotation(s) in {len(summary)} report(s)"
                   + (f", {orphaned} orphaned" if orphaned else ""))
        click.echo("\nper label")
        for k, n in labels.items():  # outside text (an old home's shards) is shown inert
            click.echo(f"  {inert(k):<16} {n:>7}")
        click.echo("\nper annotator")
        for k, n in sorted(annotators.items()):
            click.echo(f"  {inert(k):<16} {n:>7}")
        click.echo("\nper report")
        for rid in order:
            e, m = summary[rid], metas.get(rid)
            parts = ", ".join(f"{inert(k)} {v}" for k, v in sorted(e["labels"].items()))
            sent = f"{e['tagged']}/{m.body_sentences} sent" if m else "not in library"
            click.echo(f"  {inert((m.date if m else None) or '?'):<10}  {inert(rid):<24} "
                       f"{e['count']:>5}  ({parts}; {sent})  {inert(m.title) if m else ''}")
        if model is not None:
            _print_model(model)
    for p in problems:
        click.echo(f"baocao: {inert(str(p), keep_newlines=True)}", err=True)
    if problems:
        sys.exit(1)


def _model_stats(ctx: click.Context) -> dict:
    """The suggestion model's figures for the annotator (trains it if needed)."""
    from annotations.suggest import Suggester

    with Suggester(ctx.obj["home"], ctx.obj.get("annotator")) as sg:
        version = sg.train()
        q = sg.quality()
        o = sg.outcomes()
        return {"kind": "model", "annotator": sg.annotator, "version": version,
                "labels": sg.labelled, "macro_f1": q.macro_f1 if q else None,
                "per_label": [{"label": k, "f1": v} for k, v in q.per_label.items()] if q else [],
                "accepted": o.accepted, "overridden": o.overridden}


def _print_model(m: dict) -> None:
    click.echo(f"\nsuggestion model of {inert(m['annotator'])}: "
               + (f"{m['version']}, learnt from {m['labels']} sentence(s)" if m["version"]
                  else "no labels yet (the cold-start prior)"))
    if m["macro_f1"] is None:
        click.echo("  quality: needs at least 10 labelled sentences of two kinds")
    else:
        click.echo(f"  cross-validated macro-F1 {m['macro_f1']:.3f}")
        for row in m["per_label"]:
            click.echo(f"  {inert(row['label'] or 'none'):<16} {row['f1']:>7.3f}")
    click.echo(f"  suggestions accepted {m['accepted']}, overridden {m['overridden']}")


@click.command("done")
@click.argument("report_ids", nargs=-1, required=True)
@click.option("--undo", is_flag=True, help="Mark them not done again.")
@click.pass_context
def done_cmd(ctx: click.Context, report_ids: tuple[str, ...], undo: bool) -> None:
    """Mark reports done for the annotator: their undecided sentences count as none."""
    from annotations.corpus.library import Library

    lib = Library(ctx.obj["home"])
    for rid in report_ids:
        lib.get(rid)  # UnknownReport names the id before anything is written
    with _store(ctx, readonly=False) as store:
        for rid in report_ids:
            change = store.set_done(rid, not undo)
            state = "not done" if undo else "done"
            click.echo(f"{inert(rid)}: {state}" + ("" if change.what else " (already)"))


def register(group: click.Group) -> None:
    """Add the annotation commands to the `baocao` group."""
    for cmd in (export_cmd, import_annotations_cmd, stats_cmd, done_cmd):
        group.add_command(cmd)
