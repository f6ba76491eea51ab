"""The review screen's table: one line per body sentence, drawn only when
visible (a 300-sentence report opens as fast as a 3-sentence one). The screen
owns the cursor and builds each row's Text; this widget caches the drawn
lines and keeps the cursor in view. Text segments are made inert
(``report_table.inert_strip``): report text never reaches the terminal raw."""
from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from .report_table import inert_strip

Row = Callable[[int, int], Text]  # (row, width) -> its Text


class ReviewTable(ScrollView, can_focus=True):
    COMPONENT_CLASSES = {"review-table--cursor"}

    class Clicked(Message):
        def __init__(self, row: int) -> None:
            super().__init__()
            self.row = row

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.row_count = 0
        self.cursor = 0
        self.render_row: Row = lambda row, width: Text()
        self._cache: dict[tuple[int, bool], Strip] = {}

    def set_rows(self, count: int, render_row: Row) -> None:
        self.row_count, self.render_row = count, render_row
        self.cursor = max(0, min(self.cursor, count - 1))
        self.virtual_size = Size(0, count)  # width 0: no horizontal scrolling
        self.invalidate()

    def invalidate(self) -> None:
        self._cache.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        row = y + self.scroll_offset.y
        if row >= self.row_count:
            return Strip.blank(width, self.rich_style)
        cursor = row == self.cursor
        strip = self._cache.get((row, cursor))
        if strip is None or strip.cell_length != width:
            line = self.render_row(row, width)
            line.no_wrap, line.end = True, ""
            line.truncate(width, overflow="ellipsis", pad=True)
            if cursor:
                line.stylize(self.get_component_rich_style("review-table--cursor", partial=True))
            strip = inert_strip(line.render(self.app.console), width).apply_style(self.rich_style)
            self._cache[(row, cursor)] = strip
        return strip

    def move_cursor(self, row: int) -> None:
        if not self.row_count:
            return
        old, self.cursor = self.cursor, max(0, min(self.row_count - 1, row))
        self.refresh_line(old)
        self.refresh_line(self.cursor)
        self.scroll_to_region(Region(0, self.cursor, 1, 1), animate=False, immediate=True)

    def on_click(self, event: Click) -> None:
        row = event.y + self.scroll_offset.y
        if 0 <= row < self.row_count:
            self.post_message(self.Clicked(row))
