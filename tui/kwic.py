"""Keyword in context: a search hit or a tagged passage as one line of Rich
Text, for `baocao search` and the search screens. Every piece of report text
is made inert and added as plain text with styles as spans: never markup."""
from __future__ import annotations

from rich.text import Text

from annotations.text.sanitize import inert

LEFT, RIGHT = 40, 70  # characters shown before and after a hit's first match
MATCH = "bold reverse"


def kwic(hit, left: int = LEFT, right: int = RIGHT) -> Text:
    """The hit's sentence around its first match, every match highlighted."""
    first = hit.matches[0][0] if hit.matches else hit.start
    lo, hi = max(hit.start, first - left), min(hit.end, first + right)
    line = Text("…" if lo > hit.start else "")
    at = lo
    for s, e in hit.matches:
        s, e = max(s, at), min(e, hi)
        if s >= e:
            continue
        line.append(inert(hit.text[at - hit.start:s - hit.start]))
        line.append(inert(hit.text[s - hit.start:e - hit.start]), style=MATCH)
        at = e
    line.append(inert(hit.text[at - hit.start:hi - hit.start]))
    if hi < hit.end:
        line.append("…")
    return line


def hit_line(hit) -> Text:
    """date, report#sentence, [labels], the keyword in context."""
    line = Text(f"{inert(hit.date or 'undated'):<10} {inert(hit.report_id)}#{hit.sentence}", style="dim")
    labels = sorted({t.label for t in hit.labels})
    if labels:
        line.append(f" [{inert(','.join(labels))}]", style="bold")
    line.append("  ")
    line.append(kwic(hit))
    return line


def passage_line(p, width: int = 100) -> Text:
    """date, report#sentences, label (annotator), the passage's start, its note."""
    sents = f"{p.sentence_start}" + (f"-{p.sentence_end}" if p.sentence_end != p.sentence_start else "")
    line = Text(f"{inert(p.date or 'undated'):<10} {inert(p.report_id)}#{sents}", style="dim")
    line.append(f" {inert(p.label)}", style="bold")
    line.append(f" ({inert(p.annotator)})  ", style="dim")
    line.append(inert(p.text if len(p.text) <= width else p.text[:width - 1] + "…"))
    if p.note:
        line.append(f"  — note: {inert(p.note)}", style="italic")
    return line
