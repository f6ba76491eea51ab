"""The report text: paragraphs wrapped to the width, one sentence under the
cursor, a selection, entity colours, tagged passages with a gutter letter.

A Line API widget (like Toolong's log view) drawing from a TextLayout
(text_layout.py: wrapping and every line/offset lookup). It caches one styled
Text per paragraph and one Strip per line, each stored with the key of
everything it was drawn from (``_paragraph_key``): a stale entry can never be
drawn, and nothing is invalidated by hand. Moving the cursor asks Textual to
repaint only the lines of the paragraphs the old and new selection touch, and
only those miss the cache, so a key press re-renders a few lines, never the
report. Report text is never parsed as markup: styles are spans on a plain Text.
"""
from __future__ import annotations

from dataclasses import replace

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.color import Color, ColorParseError
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from annotations.models import ENTITY_LABELS, Analysis

from .suggestion_marks import FAINT, Hint, hint_cell
from .text_layout import GUTTER, Mark, TextLayout, measure

__all__ = ["GUTTER", "Mark", "ReportView"]

ParagraphKey = tuple  # (generation, marks of the paragraph, selection inside it)


class ReportView(ScrollView, can_focus=True, inherit_bindings=False):
    """No bindings of its own: ScrollView's (arrows, page keys, home/end) would
    scroll a long report under a cursor that stays put; the reader's move it."""

    COMPONENT_CLASSES = {
        "report-view--cursor",
        "report-view--selection",
        "report-view--gutter",
        "report-view--cursor-mark",
        "report-view--span",  # the entity mode's word range
        "report-view--caption",  # paragraphs never tagged (models.PARAGRAPH_KINDS)
        "report-view--heading",
        *(f"report-view--ent-{label.lower()}" for label in ENTITY_LABELS),
    }

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.text_layout = TextLayout()
        self.marks: list[Mark] = []
        self.entities_on = True
        self.cursor = 0
        self.anchor = 0
        self.span: tuple[int, int] | None = None  # the entity mode's word range (offsets)
        self._ent_gen: list[int] = []  # per paragraph: bumped when its entities change
        self._para_marks: list[tuple[Mark, ...]] = []
        self._para_hints: list[tuple[Hint, ...]] = []  # suggestions (suggestion_marks.py)
        self._hints: list[Hint] = []  # as last given: the same again costs nothing
        # Bumped when something every line depends on changes: the text, its
        # wrapping, the theme or styles, entities on/off. With the paragraph's
        # marks and its part of the selection it keys both caches.
        self._generation = 0
        self._para_cache: dict[int, tuple[ParagraphKey, Text]] = {}
        self._strip_cache: dict[int, tuple[tuple, Strip]] = {}
        self._tints: dict[tuple[str, float], Style] = {}
        self._styles: dict[str, Style] = {}  # component and base styles, this generation

    # ------------------------------------------------------------ content
    @property
    def text(self) -> str:
        """The text as drawn (control characters made visible, one for one)."""
        return self.text_layout.text

    @property
    def analysis(self) -> Analysis:
        return self.text_layout.analysis

    def load(self, text: str, analysis: Analysis, marks: list[Mark]) -> None:
        self.text_layout = TextLayout(text, analysis)
        self.cursor = self.anchor = 0
        self.marks = sorted(marks, key=lambda m: m.start)
        self._para_marks = self._marks_by_paragraph(self.marks)
        self._para_hints = self.text_layout.marks_by_paragraph([])
        self._hints = []
        self._para_cache.clear()
        self._strip_cache.clear()
        self._bump()
        self._relayout()
        self.scroll_to(0, 0, animate=False, immediate=True)

    def set_marks(self, marks: list[Mark]) -> None:
        """Tagged passages changed: repaint only the paragraphs whose marks differ."""
        old = self._para_marks
        self.marks = sorted(marks, key=lambda m: m.start)
        self._para_marks = self._marks_by_paragraph(self.marks)
        for p, (before, after) in enumerate(zip(old, self._para_marks)):
            if before != after:
                self._refresh_paragraph(p)

    def _marks_by_paragraph(self, marks: list[Mark]) -> list[tuple[Mark, ...]]:
        """The marks touching each paragraph, each cut to it: its part there is
        all the paragraph draws, so a long passage split or merged elsewhere
        leaves this paragraph's marks equal and its lines are not drawn again."""
        layout = self.text_layout
        out = []
        for p, found in enumerate(layout.marks_by_paragraph(marks)):
            para = layout.analysis.paragraphs[p]
            first, last = layout.para_sents[p]
            out.append(tuple(
                m if para.start <= m.start and m.end <= para.end else
                replace(m, start=max(m.start, para.start), end=min(m.end, para.end),
                        sentence_start=max(m.sentence_start, first),
                        sentence_end=min(m.sentence_end, last))
                for m in found))
        return out

    def set_hints(self, hints: list[Hint]) -> None:
        """Suggestions changed: repaint only the paragraphs whose hints differ."""
        if hints == self._hints:
            return
        self._hints = hints
        old = self._para_hints
        self._para_hints = self.text_layout.marks_by_paragraph(hints)
        for p, (before, after) in enumerate(zip(old, self._para_hints)):
            if before != after:
                self._refresh_paragraph(p)

    def set_entity_spans(self, entities) -> None:
        """Draw these entities (corrected ones) instead of the analysis's:
        only the paragraphs whose entities changed are drawn again."""
        old = self.text_layout.para_ents
        self.text_layout.set_entities(entities)
        if len(self._ent_gen) != len(old):
            self._ent_gen = [0] * len(old)
        for p, (before, after) in enumerate(zip(old, self.text_layout.para_ents)):
            if before != after:
                self._ent_gen[p] += 1
                self._refresh_paragraph(p)

    def set_span(self, span: tuple[int, int] | None) -> None:
        """Highlight a character range (the entity mode's words), None: none."""
        if span == self.span:
            return
        for s in (self.span, span):
            if s is not None:
                self._refresh_paragraph(self.text_layout.paragraph_at(s[0]))
        self.span = span

    def set_entities(self, on: bool) -> None:
        if on != self.entities_on:
            self.entities_on = on
            self._bump()

    def _bump(self) -> None:
        """Every line changes: a new generation, a full repaint."""
        self._generation += 1
        self._styles.clear()
        self._tints.clear()
        self.refresh()

    @property
    def sentence_count(self) -> int:
        return self.text_layout.sentence_count

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
            for p in self.text_layout.paragraphs_of_sentences(lo, hi):
                self._refresh_paragraph(p)
        self.scroll_to_sentence(cursor)

    def sentence_at_offset(self, offset: int) -> int:
        return self.text_layout.sentence_at_offset(offset)

    def sentence_lines(self, index: int) -> tuple[int, int]:
        """First and last line a sentence occupies."""
        return self.text_layout.sentence_lines(index)

    def page_target(self, direction: int) -> int:
        """The sentence a page down (1) or up (-1) from the cursor lands on."""
        return self.text_layout.page_target(self.cursor, direction,
                                            self.scrollable_content_region.height)

    # ------------------------------------------------------------ layout
    def _relayout(self) -> None:
        if not self.scrollable_content_region.width:
            return  # not laid out yet: on_resize comes next
        if self.text_layout.wrap(measure(self.scrollable_content_region.width)):
            self._para_cache.clear()  # not for correctness (the keys change): memory
            self._strip_cache.clear()
            self._bump()
            self.virtual_size = Size(0, self.text_layout.line_count)  # wrapped: no x scroll

    def on_resize(self) -> None:
        self._relayout()
        self.scroll_to_sentence(self.cursor)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._bump()

    def _refresh_paragraph(self, p: int) -> None:
        """Ask Textual to repaint paragraph p's lines (its caches re-key themselves)."""
        y0, y1 = self.text_layout.paragraph_span_lines(p)
        if y1 > y0:
            self.refresh_lines(y0, y1 - y0)

    def scroll_to_sentence(self, index: int) -> None:
        """Keep a sentence (the cursor's) in the upper third of the view, so the
        text after it shows. While its first line is in the band from two lines
        below the top to a third of the height, the view stays put: j/k inside it
        do not scroll. Leaving it, the view follows: down, the cursor rides the
        band's lower edge; up, its upper edge (two lines of context above). A
        sentence too long for the view below the band shows from its first line.
        The view never scrolls past the text's ends (no blank lines at the top;
        the last sentences of a report sit lower)."""
        if not self.sentence_count or not self.text_layout.lines:
            return
        first, last = self.text_layout.sentence_lines(index)
        view_h = max(1, self.scrollable_content_region.height)
        upper = 2 if view_h > 10 else 0  # lines of context above the cursor
        lower = max(upper, view_h // 3)  # the lowest row its first line may sit on
        top = y = self.scroll_offset.y
        if first < top + upper:
            top = first - upper
        elif first > top + lower:
            top = first - lower
        top = min(max(top, last - view_h + 1), first)  # all of it if it fits, its start first
        top = max(0, min(top, self.max_scroll_y))
        if top != y:
            self.scroll_to(y=top, animate=False, immediate=True)

    # ------------------------------------------------------------ rendering
    def _style(self, name: str) -> Style:
        """A component style ("" is the widget's own), cached for this generation."""
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

    def partial_style(self, name: str) -> Style:
        """A component's own style, as get_component_rich_style(partial=True)
        gives it (the side panel's legend draws with these), cached for this
        generation: the legend is drawn again after every tag."""
        key = f"partial:{name}"
        style = self._styles.get(key)
        if style is None:
            style = self._styles[key] = self.get_component_rich_style(
                f"report-view--{name}", partial=True)
        return style

    def _tint(self, color: str, amount: float = 0.45) -> Style:
        style = self._tints.get((color, amount))
        if style is None:
            base = self.background_colors[1]
            try:
                tint = base.blend(Color.parse(color), amount)
            except ColorParseError:  # a bad colour in a user config: the accent instead
                tint = base.blend(Color.parse("ansi_blue"), amount)
            style = Style(bgcolor=tint.rich_color, color=tint.get_contrast_text(0.95).rich_color)
            self._tints[(color, amount)] = style
        return style

    def _paragraph_key(self, p: int) -> ParagraphKey:
        """Everything paragraph p's lines are drawn from, besides the text and
        the generation: its marks, and the part of the selection inside it."""
        first, last = self.text_layout.para_sents[p]
        lo, hi = self.selection
        a, b = max(first, lo), min(last, hi)
        para = self.text_layout.analysis.paragraphs[p]
        span = self.span if self.span and para.start <= self.span[0] < para.end else None
        hints = self._para_hints[p] if self._para_hints else ()
        ents = self._ent_gen[p] if p < len(self._ent_gen) else 0
        if first < 0 or a > b:
            return (self._generation, self._para_marks[p], hints, None, ents, span)
        cursor = self.cursor if a <= self.cursor <= b else -1
        return (self._generation, self._para_marks[p], hints, a, b, cursor, ents, span)

    def styled_paragraph(self, p: int) -> Text:
        """Paragraph p with its marks, entities and selection as style spans."""
        key = self._paragraph_key(p)
        cached = self._para_cache.get(p)
        if cached is not None and cached[0] == key:
            return cached[1]
        layout = self.text_layout
        para = layout.analysis.paragraphs[p]
        base = para.start
        text = Text(layout.text[para.start:para.end], style=self._style(""), end="",
                    no_wrap=True)
        if para.kind != "body":  # a caption dimmed, a heading bold: not for tagging
            text.stylize(self._style(para.kind if para.kind == "heading" else "caption"),
                         0, para.end - base)
        for h in key[2]:
            if h.color:
                text.stylize(self._tint(h.color, FAINT), max(h.start, para.start) - base,
                             min(h.end, para.end) - base)
        for m in self._para_marks[p]:
            text.stylize(self._tint(m.color), max(m.start, para.start) - base,
                         min(m.end, para.end) - base)
        if self.entities_on:
            for e in layout.para_ents[p]:
                text.stylize(self._style(f"ent-{e.label.lower()}"),
                             e.start - base, e.end - base)
        first, last = layout.para_sents[p]
        lo, hi = self.selection
        if first >= 0:
            sents = layout.analysis.sentences
            sel, cur = self._style("selection"), self._style("cursor")
            for i in range(max(first, lo), min(last, hi) + 1):
                s = sents[i]
                text.stylize(cur if i == self.cursor else sel, s.start - base, s.end - base)
        if key[-1] is not None:  # the entity mode's words, over everything
            text.stylize(self._style("span"), key[-1][0] - base, min(key[-1][1], para.end) - base)
        self._para_cache[p] = (key, text)
        return text

    def _gutter(self, p: int, y: int) -> Text:
        _, start, end = self.text_layout.lines[y]
        text = Text(style=self._style("") + self._style("gutter"), end="")
        lo_s, hi_s = self.text_layout.line_sentences(y)
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
        for h in self._para_hints[p] if self._para_hints and letters < 2 else ():
            if h.start >= end:
                break
            if h.end > start:  # the line's first suggestion, in the cells left
                cell = hint_cell(h, 2 - letters, self._style("gutter"))
                text.append_text(cell)
                letters += cell.cell_len
                break
        text.append(" " * (GUTTER - 1 - letters))
        return text

    def strip_at(self, y: int, width: int) -> Strip:
        """Line ``y`` of the text (not of the window) drawn ``width`` cells wide.
        On a miss the paragraph's other lines are drawn (and cached) in the same
        pass: one divide of the paragraph's Text."""
        base = self._style("")
        p = self.text_layout.lines[y][0]
        if p < 0:
            return Strip.blank(width, base)
        key = (self._paragraph_key(p), width)
        cached = self._strip_cache.get(y)
        if cached is not None and cached[0] == key:
            return cached[1]
        para = self.text_layout.analysis.paragraphs[p]
        y0, y1 = self.text_layout.paragraph_lines(p)
        lines = self.text_layout.lines
        cuts: list[int] = []
        for yy in range(y0, y1):
            cuts += (lines[yy][1] - para.start, lines[yy][2] - para.start)
        pieces = self.styled_paragraph(p).divide(cuts)
        console = self.app.console
        wanted = None
        for i, yy in enumerate(range(y0, y1)):
            segments: list[Segment] = list(self._gutter(p, yy).render(console))
            segments.extend(pieces[2 * i + 1].render(console))
            strip = Strip(segments).adjust_cell_length(width, base).apply_style(base)
            self._strip_cache[yy] = (key, strip)
            if yy == y:
                wanted = strip
        return wanted

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if self.text_layout.width != measure(width):  # first frame after a load: wrap now,
            self._relayout()                      # so the text is in this very frame
        index = y + self.scroll_offset.y
        if index >= self.text_layout.line_count:
            return Strip.blank(width, self._style(""))
        return self.strip_at(index, width)

    # ------------------------------------------------------------ mouse
    def offset_at(self, x: int, y: int) -> int | None:
        """Text offset under a widget-relative cell, None off the text."""
        return self.text_layout.offset_at(y + self.scroll_offset.y, x - GUTTER)

    class SentenceClicked(Message):
        """A click on a sentence: the screen moves the cursor there (and updates
        what follows the cursor)."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def on_click(self, event: Click) -> None:
        offset = self.offset_at(event.x, event.y)
        if offset is not None:
            self.post_message(self.SentenceClicked(self.sentence_at_offset(offset)))
