"""The reader's side panel texts: the report's facts and progress, and the
legend of label letters and entity colours. Pure functions of what they show."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from rich.style import Style
from rich.text import Text

from annotations.models import ENTITY_LABELS, ReportMeta

BAR = 20  # cells of the progress bar


def report_info(meta: ReportMeta, tagged: int, total: int, annotator: str,
                readonly: bool) -> Text:
    info = Text()
    info.append("Date ", style="dim")
    info.append(meta.date or "unknown")
    if meta.date_source != "unknown":
        info.append(f" ({meta.date_source})", style="dim")
    info.append("\nTagged ", style="dim")
    info.append(f"{tagged}/{total} sentences")
    filled = round(BAR * tagged / total) if total else 0
    info.append("\n" + "█" * filled + "░" * (BAR - filled), style="bold")
    info.append("\nAnnotator ", style="dim")
    info.append(annotator)
    if readonly:
        info.append("\nREAD-ONLY", style="bold reverse")
        info.append(" another baocao holds this home", style="dim")
    return info


def legend(labels: Iterable, letter_color: Callable[[str], tuple[str, str]],
           counts: Mapping[str, int], entity_style: Callable[[str], Style] | None,
           entities_key: str) -> Text:
    """Each label's letter, name and count; the entity colours, or how to turn
    them on (``entity_style`` None: entities are off)."""
    text = Text()
    for label in labels:
        letter, color = letter_color(label.name)
        text.append(f" {letter} ", style=f"bold reverse {color}")
        text.append(f" {label.name} {counts.get(label.name, 0)}\n")
    text.append("entities ", style="dim")
    if entity_style is None:
        text.append(f"off ({entities_key})", style="dim")
        return text
    for ent in ENTITY_LABELS:
        text.append(ent, style=entity_style(ent))
        text.append(" ")
    return text
