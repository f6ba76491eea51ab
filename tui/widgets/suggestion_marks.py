"""How the report view draws a suggestion: never like a saved tag.

A tag is a bold capital letter in the gutter over a strong tint of its label's
colour; a suggestion is the label's key in lower case, dim and italic, then
its confidence in tenths (``t7``: task, 0.7 or more), over a faint tint. A
"none" suggestion is a dim ``-`` (the none key) and its tenths, untinted. So
the two differ in shape and weight, not in colour alone.
"""
from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text

FAINT = 0.16  # how much of the label colour a suggested sentence's background takes


@dataclass(frozen=True, slots=True)
class Hint:
    """One suggestion as the view draws it (offsets into the canonical text).
    It holds what is drawn, not the score: a retrain that moves a score within
    its tenth leaves the hint equal, so the view draws that paragraph again
    only when what it shows changed."""

    start: int
    end: int
    letter: str  # the label's key in lower case, "-" for none
    color: str | None  # the label's colour; None for none (no tint)
    tenths: str  # the confidence's first digit (tenths_of)


def tenths_of(score: float) -> str:
    return str(min(9, int(score * 10)))


def hint_cell(hint: Hint, room: int, muted: Style) -> Text:
    """The gutter's ``room`` (1 or 2) cells for a hint: letter, then tenths."""
    text = Text(hint.letter, Style(color=hint.color, dim=True, italic=True) if hint.color
                else muted)
    if room > 1:
        text.append(hint.tenths, muted)
    return text
