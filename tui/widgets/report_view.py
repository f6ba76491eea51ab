"""The report text: paragraphs wrapped to the width, one sentence under the
cursor, a selection, entity colours, tagged passages with a gutter letter.

A Line API widget (like Toolong's log view): it wraps the text itself, knows
which lines each paragraph occupies and caches one styled Text per paragraph and
one Strip per line. Moving the cursor invalidates only the paragraphs the old
and new selection touch, so a key press re-renders a few lines, never the report.
Report text is never parsed as markup: styles are spans on a plain Text.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.color import Color
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from annotations.models import ENTITY_LABELS, Analysis

GUTTER = 4  # cursor mark, up to two label letters, a space
MEASURE = 100  # longest text line, in cells, however wide the terminal
_WORD = re.compile(r"\S+")

# Control characters (escape codes included) are shown as their Unicode
# "control picture", one character for one: offsets stay valid and nothing the
# report contains can reach the terminal as a control sequence.
_CONTROL = {c: 0x2400 + c for c in range(32)}
_CONTROL.update({10: 0x20, 9: 0x20, 13: 0x20, 127: 0x2421})
_CONTROL.update({c: 0xFFFD for c in range(0x80, 0xA0)})


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
                r"\S(?:.{0,%d}\S)?(?=\s|$)|\S{%d}" % (max(0, width - 2), width), re.S)
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


@dataclass(frozen=True, slots=True)
class Mark:
    """A tagged passage as the view draws it."""

    start: int
    end: int
    sentence_start: int
    sentence_end: int
    letter: str  # A / T / R: never colour alone
    color: str


class ReportView(ScrollView, can_focus=True):
    COMPONENT_CLASSES = {
        "report-view--cursor",
        "report-view--selection",
        "report-view--gutter",
        "report-view--cursor-mark",
        *(f"report-view--ent-{label.lower()}" for label in ENTITY_LABELS),
    }

    class CursorMoved(Message):
        def __init__(self, view: ReportView) -> None:
            super().__init__()
            self.view = view

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.text = ""
        self.analysis = Analysis()
        self.marks: list[Mark] = []
        self.entities_on = True
        self.cursor = 0
        self.anchor = 0
        self._sent_starts: list[int] = []
        self._para_sents: list[tuple[int, int]] = []  # first, last sentence per paragraph
        self._para_ents: list[list] = []
        self._para_starts: list[int] = []
        self._para_marks: list[list[Mark]] = []
        self._lines: list[tuple[int, int, int]] = []  # (paragraph or -1, start, end)
        self._para_first_line: list[int] = []
        self._width = 0
        self._para_cache: dict[int, Text] = {}
        self._strip_cache: dict[int, Strip] = {}
        self._tints: dict[str, Style] = {}
        self._styles: dict[str, Style] = {}  # component and base styles, per theme

    # ------------------------------------------------------------ content
    def load(self, text: str, analysis: Analysis, marks: list[Mark]) -> None:
        self.text = display_text(text)
        self.analysis = analysis
        self.cursor = self.anchor = 0
        self._sent_starts = [s.start for s in analysis.sentences]
        n_par = len(analysis.paragraphs)
        firsts = [-1] * n_par
        lasts = [-1] * n_par
        for i, s in enumerate(analysis.sentences):
            if firsts[s.paragraph] < 0:
                firsts[s.paragraph] = i
            lasts[s.paragraph] = i
        self._para_sents = list(zip(firsts, lasts))
        self._para_starts = [p.start for p in analysis.paragraphs]
        self._para_ents = [[] for _ in analysis.paragraphs]
        for e in sorted(analysis.entities, key=lambda e: e.start):
            p = self.paragraph_at(e.start)
            if p >= 0 and e.end <= analysis.paragraphs[p].end:
                self._para_ents[p].append(e)
        self._set_marks(marks)
        self._width = 0
        self._lines = []
        self._para_first_line = []
        self._relayout()
        self.scroll_to(0, 0, animate=False, immediate=True)

    def set_marks(self, marks: list[Mark]) -> None:
        """Tagged passages changed: redraw only the paragraphs that differ."""
        old = {(m.start, m.end, m.letter, m.color) for m in self.marks}
        new = {(m.start, m.end, m.letter, m.color) for m in marks}
        self._set_marks(marks)
        for start, end, _, _ in old ^ new:
            self._invalidate_span(start, end)

    def _set_marks(self, marks: list[Mark]) -> None:
        self.marks = sorted(marks, key=lambda m: m.start)
        self._para_marks: list[list[Mark]] = [[] for _ in self.analysis.paragraphs]
        paragraphs = self.analysis.paragraphs
        for m in self.marks:
            p = self.paragraph_at(m.start)
            while 0 <= p < len(paragraphs) and paragraphs[p].start < m.end:
                self._para_marks[p].append(m)
                p += 1

    def paragraph_at(self, offset: int) -> int:
        return bisect_right(self._para_starts, offset) - 1

    def set_entities(self, on: bool) -> None:
        self.entities_on = on
        self._invalidate_all()

    @property
    def sentence_count(self) -> int:
        return len(self.analysis.sentences)

    @property
    def selection(self) -> tuple[int, int]:
        return min(self.cursor, self.anchor), max(self.cursor, self.anchor)

    def select(self, cursor: int, anchor: int | None = None) -> None:
        """Move the cursor (and the selection's other end; None collapses it)."""
        n = self.sentence_count
        if not n:
            return
        cursor = max(0, min(n - 1, cursor))
        anchor = cursor if anchor is None else max(0, min(n - 1, anchor))
        before = self.selection
        self.cursor, self.anchor = cursor, anchor
        for lo, hi in (before, self.selection):
            self._invalidate_sentences(lo, hi)
        self.scroll_to_sentence(cursor)
        self.post_message(self.CursorMoved(self))

    def sentence_at_offset(self, offset: int) -> int:
        return max(0, bisect_right(self._sent_starts, offset) - 1)

    # ------------------------------------------------------------ layout
    def _relayout(self) -> None:
        if not self.scrollable_content_region.width:
            return  # not laid out yet: on_resize comes next
        width = self._measure(self.scrollable_content_region.width)
        if width == self._width and self._lines:
            return
        self._width = width
        self._lines = []
        self._para_first_line = []
        for p, para in enumerate(self.analysis.paragraphs):
            if p:
                self._lines.append((-1, para.start, para.start))
            self._para_first_line.append(len(self._lines))
            chunk = self.text[para.start:para.end]
            self._lines.extend((p, para.start + s, para.start + e)
                               for s, e in wrap_offsets(chunk, width))
        self._para_first_line.append(len(self._lines))
        self._para_cache.clear()
        self._strip_cache.clear()
        self.virtual_size = Size(0, len(self._lines))  # lines are wrapped: no x scroll
        self.refresh()

    @staticmethod
    def _measure(width: int) -> int:
        """Text width for a view width: lines longer than MEASURE are hard to read."""
        return max(10, min(MEASURE, width - GUTTER))

    def on_resize(self) -> None:
        self._relayout()
        self.scroll_to_sentence(self.cursor)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._invalidate_all()

    def _invalidate_all(self) -> None:
        self._para_cache.clear()
        self._strip_cache.clear()
        self._tints.clear()
        self._styles.clear()
        self.refresh()

    def _invalidate_paragraph(self, p: int) -> None:
        self._para_cache.pop(p, None)
        if p + 1 >= len(self._para_first_line):
            return
        y0, y1 = self._para_first_line[p], self._para_first_line[p + 1]
        for y in range(y0, y1):
            self._strip_cache.pop(y, None)
        self.refresh_lines(y0, y1 - y0)

    def _invalidate_sentences(self, lo: int, hi: int) -> None:
        sents = self.analysis.sentences
        if not sents:
            return
        for p in range(sents[lo].paragraph, sents[hi].paragraph + 1):
            self._invalidate_paragraph(p)

    def _invalidate_span(self, start: int, end: int) -> None:
        lo = self.sentence_at_offset(start)
        hi = self.sentence_at_offset(max(start, end - 1))
        self._invalidate_sentences(lo, hi)

    def _para_lines(self, p: int) -> tuple[int, int]:
        """Lines [y0, y1) of paragraph p (not the blank line before the next one)."""
        y0, y1 = self._para_first_line[p], self._para_first_line[p + 1]
        while y1 > y0 + 1 and self._lines[y1 - 1][0] != p:
            y1 -= 1
        return y0, y1

    def sentence_lines(self, index: int) -> tuple[int, int]:
        """First and last line a sentence occupies."""
        sent = self.analysis.sentences[index]
        p = sent.paragraph
        y0, y1 = self._para_lines(p)
        starts = [self._lines[y][1] for y in range(y0, y1)]
        first = y0 + max(0, bisect_right(starts, sent.start) - 1)
        last = y0 + max(0, bisect_right(starts, max(sent.start, sent.end - 1)) - 1)
        return first, last

    def scroll_to_sentence(self, index: int) -> None:
        """Bring a sentence into view with a little context around it."""
        if not self.analysis.sentences or not self._lines:
            return
        first, last = self.sentence_lines(index)
        view_h = max(1, self.scrollable_content_region.height)
        context = 2 if view_h > 10 else 0
        top = max(0, first - context)
        bottom = min(len(self._lines) - 1, last + context)
        height = min(bottom - top + 1, view_h)
        self.scroll_to_region(Region(0, top, 1, height), animate=False, immediate=True)

    # ------------------------------------------------------------ rendering
    def _style(self, name: str) -> Style:
        """A component style ("" is the widget's own), cached until styles change."""
        style = self._styles.get(name)
        if style is None:
            if not name:
                # Textual does not paint a Line API widget's background under its
                # segments: every strip gets the widget's own style beneath
                style = self.rich_style
            else:
                component = f"report-view--{name}"
                style = self.get_component_rich_style(component, partial=True)
                background = self.get_component_styles(component).background
                if background.a:  # "$accent 30%": blend it over the view's background here
                    blended = self.background_colors[1] + background
                    style += Style(bgcolor=blended.rich_color)
            self._styles[name] = style
        return style

    def _tint(self, color: str) -> Style:
        style = self._tints.get(color)
        if style is None:
            base = self.background_colors[1]
            try:
                tint = base.blend(Color.parse(color), 0.45)
            except Exception:  # a bad colour in a user config: fall back to the accent
                tint = base.blend(Color.parse("ansi_blue"), 0.45)
            style = Style(bgcolor=tint.rich_color, color=tint.get_contrast_text(0.95).rich_color)
            self._tints[color] = style
        return style

    def _paragraph_text(self, p: int) -> Text:
        cached = self._para_cache.get(p)
        if cached is not None:
            return cached
        para = self.analysis.paragraphs[p]
        base = para.start
        text = Text(self.text[para.start:para.end], style=self._style(""), end="",
                    no_wrap=True)
        for m in self._para_marks[p]:
            if m.end > para.start and m.start < para.end:
                text.stylize(self._tint(m.color), max(m.start, para.start) - base,
                             min(m.end, para.end) - base)
        if self.entities_on:
            for e in self._para_ents[p]:
                text.stylize(self._style(f"ent-{e.label.lower()}"),
                             e.start - base, e.end - base)
        first, last = self._para_sents[p]
        lo, hi = self.selection
        if first >= 0:
            sents = self.analysis.sentences
            sel = self._style("selection")
            cur = self._style("cursor")
            for i in range(max(first, lo), min(last, hi) + 1):
                s = sents[i]
                text.stylize(cur if i == self.cursor else sel, s.start - base, s.end - base)
        self._para_cache[p] = text
        return text

    def _gutter(self, p: int, start: int, end: int) -> Text:
        gutter_style = self._style("gutter")
        text = Text(style=self._style("") + gutter_style, end="")
        lo_s = self.sentence_at_offset(start)
        hi_s = self.sentence_at_offset(max(start, end - 1))
        lo, hi = self.selection
        if lo_s <= self.cursor <= hi_s:
            text.append("▶", self._style("cursor-mark"))
        elif hi_s >= lo and lo_s <= hi:
            text.append("┃", self._style("cursor-mark"))
        else:
            text.append(" ")
        letters = 0
        seen: set[str] = set()
        for m in self._para_marks[p]:
            if m.start >= end:
                break
            if m.end > start and m.letter not in seen and letters < 2:
                seen.add(m.letter)
                text.append(m.letter, Style(bold=True, color=m.color))
                letters += 1
        text.append(" " * (GUTTER - 1 - letters))
        return text

    def _render(self, y: int, width: int) -> Strip:
        """The strip of line ``y``; the other lines of its paragraph are rendered
        (and cached) in the same pass: one divide of the paragraph's Text."""
        base = self._style("")
        p, start, end = self._lines[y]
        if p < 0:
            return Strip.blank(width, base)
        para = self.analysis.paragraphs[p]
        y0, y1 = self._para_lines(p)
        cuts: list[int] = []
        for yy in range(y0, y1):
            cuts += (self._lines[yy][1] - para.start, self._lines[yy][2] - para.start)
        pieces = self._paragraph_text(p).divide(cuts)
        console = self.app.console
        wanted = None
        for i, yy in enumerate(range(y0, y1)):
            _, s, e = self._lines[yy]
            segments: list[Segment] = list(self._gutter(p, s, e).render(console))
            segments.extend(pieces[2 * i + 1].render(console))
            strip = Strip(segments).adjust_cell_length(width, base).apply_style(base)
            self._strip_cache[yy] = strip
            if yy == y:
                wanted = strip
        return wanted

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if self._width != self._measure(width):  # first frame after a load: wrap now,
            self._relayout()                        # so the text is in this very frame
        index = y + self.scroll_offset.y
        if index >= len(self._lines):
            return Strip.blank(width, self._style(""))
        strip = self._strip_cache.get(index)
        if strip is None or strip.cell_length != width:
            strip = self._render(index, width)
            self._strip_cache[index] = strip
        return strip

    # ------------------------------------------------------------ mouse
    def offset_at(self, x: int, y: int) -> int | None:
        """Text offset under a widget-relative cell, None off the text."""
        index = y + self.scroll_offset.y
        if not 0 <= index < len(self._lines):
            return None
        p, start, end = self._lines[index]
        if p < 0:
            return None
        col = max(0, x - GUTTER)
        pos, acc = start, 0
        while pos < end - 1:
            acc += cell_len(self.text[pos])
            if acc > col:
                break
            pos += 1
        return pos

    def on_click(self, event: Click) -> None:
        offset = self.offset_at(event.x, event.y)
        if offset is not None:
            self.select(self.sentence_at_offset(offset))
