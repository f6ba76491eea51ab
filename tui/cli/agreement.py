"""`baocao agreement`: how far several annotators agree (annotations/agreement.py)."""
from __future__ import annotations

import click
import orjson

from annotations.text.sanitize import inert


def _figure(x: float | None) -> str:
    return "  n/a" if x is None else f"{x:5.3f}"


def render(ag) -> list[str]:
    """A readable table of an Agreement (names and labels printed inertly)."""
    out = [f"units: {ag.units} sentence(s) of "
           f"{len(ag.per_report)} report(s); annotators: {inert(', '.join(ag.annotators)) or '-'}"]
    if ag.annotators_per_unit:
        out.append("annotators per unit: " + ", ".join(
            f"{k}: {v}" for k, v in sorted(ag.annotators_per_unit.items())))
    out.append(f"Krippendorff's alpha (nominal): {_figure(ag.alpha).strip()}")
    for label, a in ag.per_label.items():
        out.append(f"  {inert(label):<14} {_figure(a)}  (against the rest)")
    if ag.pairs:
        out.append("")
        out.append(f"{'pair':<30} {'units':>6} {'observed':>9} {'kappa':>7}")
        for p in ag.pairs:
            out.append(f"{inert(p.a + ' / ' + p.b):<30} {p.units:>6} {_figure(p.observed):>9} "
                       f"{_figure(p.kappa):>7}")
        values = ag.values
        for p in ag.pairs:
            if not p.units:
                continue
            out.append("")
            out.append(f"{inert(p.a)} (rows) against {inert(p.b)} (columns)")
            out.append(" " * 14 + "".join(f"{inert(v)[:10]:>11}" for v in values))
            for x in values:
                row = p.confusion.get(x, {})
                out.append(f"{inert(x)[:13]:<14}" + "".join(f"{row.get(y, 0):>11}" for y in values))
    if len(ag.per_report) > 1:
        out.append("")
        out.append("alpha per report:")
        for rid, a in sorted(ag.per_report.items()):
            out.append(f"  {inert(rid):<40} {_figure(a)}")
    out.extend(f"note: {inert(n)}" for n in ag.notes)
    return out


@click.command("agreement")
@click.option("--json", "as_json", is_flag=True, help="One JSON object with every figure.")
@click.option("--annotators", help="Compare only these, comma-separated (default: everyone "
              "who marked a report done).")
@click.option("--report", "report_id", help="Only this report.")
@click.option("--label", help="Alpha for this label against the rest only.")
@click.pass_context
def agreement_cmd(ctx: click.Context, as_json: bool, annotators: str | None,
                  report_id: str | None, label: str | None) -> None:
    """Agreement between annotators on the body sentences of reports that at
    least two of them marked done (`baocao done ID`): Krippendorff's alpha,
    pairwise Cohen's kappa, confusion matrices, alpha per report."""
    from annotations.agreement import home_agreement
    from annotations.corpus.library import Library
    from annotations.store import AnnotationStore

    names = [a.strip() for a in annotators.split(",") if a.strip()] if annotators else None
    with AnnotationStore(ctx.obj["home"], annotator=ctx.obj.get("annotator"), readonly=True) as st:
        ag = home_agreement(st, Library(ctx.obj["home"]), annotators=names, report_id=report_id,
                            label=st.label(label).name if label and label != "none" else label)
    try:
        if as_json:
            click.echo(orjson.dumps(ag.to_dict()).decode())
        else:
            for line in render(ag):
                click.echo(line)
    except BrokenPipeError:
        raise SystemExit(0) from None


def register(group: click.Group) -> None:
    group.add_command(agreement_cmd)
