"""The reader's side panel texts: the report's facts and progress, the current
sentence's note, the legend of the gutter and the entity styles, and the
one-line status that replaces the panel on narrow terminals. Pure functions of
what they show: the reader calls them again whenever that changes, the theme
included (styles are passed in, read from the widgets' component classes).
Strings from the home (dates, annotator, notes) are drawn inert: control
characters from an old home are shown as symbols, never sent to the terminal.
"""
from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterable, Mapping

from rich.style import Style
from rich.text import Text

from annotations.models import ENTITY_LABELS, ReportMeta
from annotations.text.sanitize import inert

BAR = 20  # cells of the progress bar
NOTE_LINES = 4  # lines of a note the panel shows; the note dialog has all of it
SEPARATOR = " · "

LetterColor = Callable[[str], tuple[str, str]]  # label name -> (gutter letter, colour)


def date_info(meta: ReportMeta, sep: str = "\n") -> Text:
    """"Date 2017-12-01 (text)", then (after ``sep``) the phrase it came from
    ("from “Sáng ngày 01/12”"): why the report sorts where it does."""
    info = Text()
    info.append("Date ", style="dim")
    info.append(inert(meta.date or "unknown"))
    if meta.date_source != "unknown":
        info.append(f" ({inert(meta.date_source)})", style="dim")
    if meta.date_evidence:
        info.append(f"{sep}from ", style="dim")
        info.append(f"“{inert(meta.date_evidence)}”")
    return info


def report_info(meta: ReportMeta, tagged: int, total: int, annotator: str,
                readonly: bool, decided: int | None = None, done: bool = False) -> Text:
    """Date (and its evidence), progress, annotator. Progress counts decided
    sentences (tagged or marked none) when ``decided`` is given, tagged ones
    otherwise."""
    info = date_info(meta)
    if decided is None:
        info.append("\nTagged ", style="dim")
        info.append(f"{tagged}/{total} sentences")
    else:
        info.append("\nDecided ", style="dim")
        info.append(f"{decided}/{total}")
        info.append(f" ({tagged} tagged)", style="dim")
    done_count = tagged if decided is None else decided
    filled = round(BAR * done_count / total) if total else 0
    info.append("\n" + "█" * filled + "░" * (BAR - filled), style="bold")
    info.append("\nAnnotator ", style="dim")
    info.append(inert(annotator))
    if done:
        info.append("\n✓ done", style="bold")
    if readonly:
        info.append("\nREAD-ONLY", style="bold reverse")
        info.append(" another baocao holds this home", style="dim")
    return info


def _counts(labels: Iterable, letter_color: LetterColor, counts: Mapping[str, int]) -> Text:
    text = Text()
    for label in labels:
        letter, color = letter_color(label.name)
        if text:
            text.append(" ")
        text.append(letter, style=f"bold reverse {color}")
        text.append(str(counts.get(label.name, 0)))
    return text


def status_line(meta: ReportMeta, decided: int, total: int, annotator: str, readonly: bool,
                counts: Mapping[str, int], labels: Iterable, letter_color: LetterColor,
                width: int = 0, done: bool = False, panel_key: str = "") -> Text:
    """The side panel folded into one line: date · progress · label counts ·
    annotator (· READ-ONLY) (· "p panel": the key that unfolds it). When
    ``width`` cells are too few, the key hint goes first, then the annotator,
    the date, the counts; progress and READ-ONLY stay (cut with an ellipsis only
    if even they do not fit). ``width`` 0: no limit."""
    progress = Text(f"{decided}/{total} decided")
    if done:
        progress.append(" ✓ done", style="bold")
    parts = [  # (what, the order in which it is dropped: highest first, 0 never)
        (Text(inert(meta.date or "undated")), 2),
        (progress, 0),
        (_counts(labels, letter_color, counts), 1),
        (Text(inert(annotator), style="dim"), 3),
    ]
    if readonly:
        parts.append((Text("READ-ONLY", style="bold reverse"), 0))
    if panel_key:
        parts.append((Text(f"{panel_key} panel", style="dim"), 4))

    def joined() -> Text:
        return Text(SEPARATOR, style="dim").join(t for t, _ in parts)

    line = joined()
    while width and line.cell_len > width and any(rank for _, rank in parts):
        parts.remove(max(parts, key=lambda part: part[1]))
        line = joined()
    line.no_wrap, line.end = True, ""
    if width:
        line.truncate(width, overflow="ellipsis")
    return line


def note_text(note: str, sentence_index: int | None, width: int) -> Text:
    """The current sentence's note under a "Note (sentence 12)" heading
    (``sentence_index`` counts from 0, the heading from 1), wrapped to ``width``
    cells and cut after NOTE_LINES lines. Empty without a note (hide it)."""
    note = inert(note.strip(), keep_newlines=True)
    if not note:
        return Text()
    text = Text("Note" if sentence_index is None else f"Note (sentence {sentence_index + 1})",
                style="bold dim")
    lines = [piece for para in note.splitlines()
             for piece in (textwrap.wrap(para, max(width, 8)) or [""])]
    if len(lines) > NOTE_LINES:
        lines = lines[:NOTE_LINES]
        lines[-1] = lines[-1][: max(width, 8) - 1] + "…"
    for line in lines:
        text.append("\n" + line)
    return text


def _marks(mark: Style, width: int) -> Text:
    """The gutter's marks, packed into lines of ``width`` cells (0: the three
    short ones on one line)."""
    items = [(("▶", mark), " cursor"), (("┃", mark), " selection"), (("✎", "bold"), " note"),
             (("·", "bold"), " none (decided: no label)")]
    text = Text()
    line = 0
    for (symbol, style), words in items:
        cells = 1 + len(words)
        if line and (line + 2 + cells > width if width else symbol == "·"):
            text.append("\n")
            line = 0
        elif line:
            text.append("  ")
            line += 2
        text.append(symbol, style=style)
        text.append(words)
        line += cells
    return text


def legend(labels: Iterable, letter_color: LetterColor,
           counts: Mapping[str, int], entity_style: Callable[[str], Style] | None,
           entities_key: str, mark_style: Style | None = None, width: int = 0) -> Text:
    """What the gutter and the text show: each label's letter, name and count,
    the marks (cursor, selection, a note, a "none" decision), and the entity
    styles, or how to turn them on (``entity_style`` None: entities are off).
    ``mark_style`` is the gutter's cursor mark (the view's ``cursor-mark``);
    ``width``, the panel's, packs the marks' explanations into lines."""
    text = Text()
    for label in labels:
        letter, color = letter_color(label.name)
        text.append(f" {letter} ", style=f"bold reverse {color}")
        text.append(f" {label.name} {counts.get(label.name, 0)}\n")
    text.append_text(_marks(mark_style or Style(bold=True), width))
    text.append("\nentities ", style="dim")
    if entity_style is None:
        text.append(f"off ({entities_key})", style="dim")
        return text
    for ent in ENTITY_LABELS:
        text.append(ent, style=entity_style(ent))
        text.append(" ")
    return text
