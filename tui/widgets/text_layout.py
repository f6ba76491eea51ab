"""Where a report's text sits on screen: paragraphs wrapped into lines, the lines
of each paragraph and sentence, the offset under a cell. Plain Python, no
widget: ReportView owns one and draws from it; the reader asks the view, never
the layout's lines directly.

Offsets are ``str`` indices into the canonical text (the product's contract);
a line is ``(paragraph, start, end)``, paragraph -1 for the blank line between
two paragraphs.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from rich.cells import cell_len

from annotations.models import Analysis

GUTTER = 4  # cursor mark, up to two label letters, a space
MEASURE = 100  # longest text line, in cells, however wide the terminal
_WORD = re.compile(r"\S+")

# Control characters (escape codes included) are shown as their Unicode
# "control picture", one character for one: offsets stay valid and nothing the
# report contains can reach the terminal as a control sequence.
_CONTROL = {c: 0x2400 + c for c in range(32)}
_CONTROL.update({10: 0x20, 9: 0x20, 13: 0x20, 127: 0x2421})
_CONTROL.update({c: 0xFFFD for c in range(0x80, 0xA0)})
# invisible format characters (bidi overrides, zero-width) and line separators:
# shown, one for one, so offsets hold and none can reorder or hide text
_CONTROL.update({c: 0xFFFD for c in (0x00AD, 0x061C, 0x2028, 0x2029, 0xFEFF,
                                     *range(0x200B, 0x2010), *range(0x202A, 0x202F),
                                     *range(0x2060, 0x2065), *range(0x2066, 0x2070))})


def display_text(text: str) -> str:
    return text.translate(_CONTROL)


# Characters that take two cells (CJK, emoji...): a paragraph without any can be
# wrapped by character counts, with one regular expression.
_WIDE = re.compile("[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
                   "\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60"
                   "\uffe0-\uffe6\U0001f000-\U0001faff\U00020000-\U0003fffd]")
_LINE_RES: dict[int, re.Pattern] = {}


def wrap_offsets(s: str, width: int) -> list[tuple[int, int]]:
    """Greedy word wrap: (start, end) of each line in ``s``; over-long words fold."""
    width = max(1, width)
    if not _WIDE.search(s):
        line_re = _LINE_RES.get(width)
        if line_re is None:  # the longest run ending at a word end, else a fold
            line_re = _LINE_RES[width] = re.compile(
                rf"\S(?:.{{0,{max(0, width - 2)}}}\S)?(?=\s|$)|\S{{{width}}}", re.S)
        return [m.span() for m in line_re.finditer(s)] or [(0, 0)]
    return wrap_cells(s, width)


def wrap_cells(s: str, width: int) -> list[tuple[int, int]]:
    """wrap_offsets for text with wide characters: measures cells word by word."""
    width = max(1, width)
    lines: list[tuple[int, int]] = []
    cur_start = cur_end = -1
    cur_w = 0
    for m in _WORD.finditer(s):
        ws, we = m.span()
        ww = cell_len(s[ws:we])
        if cur_start >= 0:
            gap = cell_len(s[cur_end:ws])
            if cur_w + gap + ww <= width:
                cur_end, cur_w = we, cur_w + gap + ww
                continue
            lines.append((cur_start, cur_end))
        while ww > width:
            cut, acc = ws, 0
            while cut < we and acc + cell_len(s[cut]) <= width:
                acc += cell_len(s[cut])
                cut += 1
            cut = max(cut, ws + 1)
            lines.append((ws, cut))
            ws = cut
            ww = cell_len(s[ws:we])
        cur_start, cur_end, cur_w = ws, we, ww
    if cur_start >= 0:
        lines.append((cur_start, cur_end))
    return lines or [(0, 0)]


def measure(view_width: int) -> int:
    """Text width for a view width: lines longer than MEASURE are hard to read."""
    return max(10, min(MEASURE, view_width - GUTTER))


@dataclass(frozen=True, slots=True)
class Mark:
    """A tagged passage as the view draws it."""

    start: int
    end: int
    sentence_start: int
    sentence_end: int
    letter: str  # A / T / R: never colour alone
    color: str


Line = tuple[int, int, int]  # (paragraph or -1, start, end)


class TextLayout:
    """One report's text wrapped to a width. ``wrap`` is the only thing that
    changes it; every other method is a lookup."""

    def __init__(self, text: str = "", analysis: Analysis | None = None) -> None:
        self.text = display_text(text)
        self.analysis = analysis = analysis or Analysis()
        self.sent_starts = [s.start for s in analysis.sentences]
        self.para_starts = [p.start for p in analysis.paragraphs]
        n_par = len(analysis.paragraphs)
        firsts, lasts = [-1] * n_par, [-1] * n_par
        for i, s in enumerate(analysis.sentences):
            if firsts[s.paragraph] < 0:
                firsts[s.paragraph] = i
            lasts[s.paragraph] = i
        self.para_sents: list[tuple[int, int]] = list(zip(firsts, lasts))  # -1: none
        self.set_entities(analysis.entities)
        self.width = 0
        self.lines: list[Line] = []
        self._para_first_line: list[int] = []

    def set_entities(self, entities) -> None:
        """The entities drawn (the analysis's, or corrected: anything with
        start, end, label), by paragraph."""
        paragraphs = self.analysis.paragraphs
        self.para_ents: list[list] = [[] for _ in paragraphs]
        for e in sorted(entities, key=lambda e: e.start):
            p = self.paragraph_at(e.start)
            if p >= 0 and e.end <= paragraphs[p].end:
                self.para_ents[p].append(e)

    @property
    def sentence_count(self) -> int:
        return len(self.analysis.sentences)

    @property
    def line_count(self) -> int:
        return len(self.lines)

    # ------------------------------------------------------------ wrapping
    def wrap(self, width: int) -> bool:
        """Wrap every paragraph to ``width`` cells; False if already so wrapped."""
        if width == self.width and self.lines:
            return False
        self.width = width
        self.lines = []
        self._para_first_line = []
        for p, para in enumerate(self.analysis.paragraphs):
            if p:
                self.lines.append((-1, para.start, para.start))
            self._para_first_line.append(len(self.lines))
            chunk = self.text[para.start:para.end]
            self.lines.extend((p, para.start + s, para.start + e)
                              for s, e in wrap_offsets(chunk, width))
        self._para_first_line.append(len(self.lines))
        return True

    # ------------------------------------------------------------ lookups
    def paragraph_at(self, offset: int) -> int:
        return bisect_right(self.para_starts, offset) - 1

    def sentence_at_offset(self, offset: int) -> int:
        return max(0, bisect_right(self.sent_starts, offset) - 1)

    def sentence_at_line(self, y: int) -> int:
        """The sentence a line starts in (clamped to the text)."""
        y = max(0, min(len(self.lines) - 1, y))
        return self.sentence_at_offset(self.lines[y][1]) if self.lines else 0

    def line_sentences(self, y: int) -> tuple[int, int]:
        """First and last sentence on line ``y``."""
        _, start, end = self.lines[y]
        return self.sentence_at_offset(start), self.sentence_at_offset(max(start, end - 1))

    def paragraph_lines(self, p: int) -> tuple[int, int]:
        """Lines [y0, y1) of paragraph p (not the blank line before the next one)."""
        y0, y1 = self._para_first_line[p], self._para_first_line[p + 1]
        while y1 > y0 + 1 and self.lines[y1 - 1][0] != p:
            y1 -= 1
        return y0, y1

    def paragraph_span_lines(self, p: int) -> tuple[int, int]:
        """Lines [y0, y1) from paragraph p up to the next one (its blank line too)."""
        if p + 1 >= len(self._para_first_line):
            return 0, 0
        return self._para_first_line[p], self._para_first_line[p + 1]

    def paragraphs_of_sentences(self, lo: int, hi: int) -> range:
        sents = self.analysis.sentences
        if not sents:
            return range(0)
        return range(sents[lo].paragraph, sents[hi].paragraph + 1)

    def paragraphs_of_span(self, start: int, end: int) -> range:
        return self.paragraphs_of_sentences(self.sentence_at_offset(start),
                                            self.sentence_at_offset(max(start, end - 1)))

    def sentence_lines(self, index: int) -> tuple[int, int]:
        """First and last line a sentence occupies."""
        sent = self.analysis.sentences[index]
        y0, y1 = self.paragraph_lines(sent.paragraph)
        starts = [self.lines[y][1] for y in range(y0, y1)]
        first = y0 + max(0, bisect_right(starts, sent.start) - 1)
        last = y0 + max(0, bisect_right(starts, max(sent.start, sent.end - 1)) - 1)
        return first, last

    def page_target(self, cursor: int, direction: int, height: int) -> int:
        """The sentence a page up/down from ``cursor`` lands on, for a view
        ``height`` lines high (two lines of overlap)."""
        if not self.sentence_count or not self.lines:
            return cursor
        first, _ = self.sentence_lines(cursor)
        return self.sentence_at_line(first + direction * max(1, height - 2))

    def offset_at(self, y: int, col: int) -> int | None:
        """Text offset at text column ``col`` (cells, gutter excluded) of line
        ``y``; None off the text."""
        if not 0 <= y < len(self.lines):
            return None
        p, start, end = self.lines[y]
        if p < 0:
            return None
        pos, acc = start, 0
        while pos < end - 1:
            acc += cell_len(self.text[pos])
            if acc > max(0, col):
                break
            pos += 1
        return pos

    def marks_by_paragraph(self, marks: list[Mark]) -> list[tuple[Mark, ...]]:
        """The marks touching each paragraph, in text order."""
        out: list[list[Mark]] = [[] for _ in self.analysis.paragraphs]
        paragraphs = self.analysis.paragraphs
        for m in sorted(marks, key=lambda m: m.start):
            p = self.paragraph_at(m.start)
            while 0 <= p < len(paragraphs) and paragraphs[p].start < m.end:
                out[p].append(m)
                p += 1
        return [tuple(ms) for ms in out]
