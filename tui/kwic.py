"""Keyword in context: a search hit or a tagged passage as one line of Rich
Text, for `baocao search` and the search screens. Every piece of report text
is made inert and added as plain text with styles as spans: never markup."""
from __future__ import annotations

from rich.text import Text

from annotations.text.sanitize import inert

LEFT, RIGHT = 40, 70  # characters shown before and after the match the line centres on
MATCH = "bold reverse"


def anchor(matches, right: int = RIGHT) -> int | None:
    """Where the line centres: the earliest match that opens the span of
    ``right`` characters holding the most matches. With ``xoa nha tam`` the
    words side by side win over a lone ``tâm`` of ``quan tâm`` before them."""
    best, most = None, 0
    for s, _ in matches:
        held = sum(1 for s2, e2 in matches if s <= s2 and e2 <= s + right)
        if held > most:
            best, most = s, held
    return best


def kwic(hit, left: int = LEFT, right: int = RIGHT) -> Text:
    """The hit's sentence around its densest run of matches, every match highlighted."""
    first = anchor(hit.matches, right) if hit.matches else hit.start
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
