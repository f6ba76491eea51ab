"""The reader's entity mode, as plain maths (no Textual): a cursor on words, a
word range selected from it, the entity under the cursor, and an entity's
edge moved by a word. The words are ``annotations.corrections.word_spans``: a
correction may only start and end where they do.
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

Span = tuple[int, int]


class EntityMode:
    def __init__(self, words: Sequence[Span], paragraphs: Sequence[Span], at: int = 0):
        self.words = list(words)  # (start, end) of each word, in order
        self._starts = [s for s, _ in self.words]
        self._paras = [p for p in paragraphs]
        self.cursor = self.anchor = self.word_at(at) if self.words else 0

    def word_at(self, offset: int) -> int:
        """The word at an offset (the one before it, between words)."""
        return max(0, bisect_right(self._starts, offset) - 1)

    def move(self, delta: int) -> None:
        """Move by ``delta`` words; the selection collapses."""
        self.cursor = self.anchor = self._clamp(self.cursor + delta)

    def extend(self, delta: int) -> None:
        """Move the cursor by ``delta`` words, the anchor stays: a word range,
        never across a paragraph break (a correction cannot span one)."""
        target = self._clamp(self.cursor + delta)
        if self._para(self.words[target][0]) == self._para(self.words[self.anchor][0]):
            self.cursor = target

    def _clamp(self, i: int) -> int:
        return max(0, min(len(self.words) - 1, i))

    def _para(self, offset: int) -> int:
        return max(0, bisect_right([p[0] for p in self._paras], offset) - 1)

    @property
    def selection(self) -> Span:
        """Characters from the first to the last selected word."""
        lo, hi = sorted((self.cursor, self.anchor))
        return self.words[lo][0], self.words[hi][1]

    @property
    def selecting(self) -> bool:
        return self.cursor != self.anchor

    def entity_under(self, entities: Sequence):
        """The entity overlapping the cursor's word, or None."""
        s, e = self.words[self.cursor]
        for ent in entities:
            if ent.start < e and s < ent.end:
                return ent
        return None

    def edge_moved(self, span: Span, side: str, delta: int) -> Span | None:
        """``span`` with its ``side`` ("start" or "end") moved out (``delta`` 1:
        grow) or in (-1: shrink) by one word; None when that leaves no word or
        crosses a paragraph break."""
        s, e = span
        inside = [i for i, (ws, we) in enumerate(self.words) if s <= ws and we <= e]
        if side == "start":
            first = inside[0] if inside else self.word_at(s)
            i = first - delta
            if i < 0 or i >= len(self.words):
                return None
            new = (self.words[i][0], e)
        else:
            last = inside[-1] if inside else self.word_at(e)
            i = last + delta
            if i < 0 or i >= len(self.words):
                return None
            new = (s, self.words[i][1])
        if new[0] >= new[1] or self._para(new[0]) != self._para(new[1] - 1):
            return None
        return new
