"""A table of one line per row, drawn only when visible (10,000 rows cost no
more to show than 10), with a cursor row: the base of the library's and the
review screen's tables. The owner builds each row's Text; this widget caches
the drawn lines and keeps the cursor in view. What a row draws is made inert
(annotations.text.sanitize): report text never reaches the terminal raw."""
from __future__ import annotations

from collections.abc import Callable

from rich.segment import Segment
from rich.text import Text
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from annotations.text.sanitize import inert

Row = Callable[[int, int], Text]  # (row, width) -> the row's Text


def inert_strip(segments, width: int) -> Strip:
    """A line of ``width`` cells whose text segments are inert (shown symbols
    are wider than the characters: the line is cut to ``width`` again)."""
    segments = [seg if seg.control or seg.text.isprintable()
                else Segment(inert(seg.text), seg.style) for seg in segments]
    return Strip(segments).adjust_cell_length(width)


class LineTable(ScrollView, can_focus=True):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.row_count = 0
        self.cursor_row = 0
        self.render_row: Row = lambda row, width: Text()
        self.row_key: Callable[[int], object] = int
        self._cache: dict[tuple[object, bool], Strip] = {}

    def set_rows(self, count: int, render_row: Row, row_key: Callable[[int], object] = int,
                 keep: bool = False) -> None:
        """``row_key``: what a row shows (e.g. its report id), so that with ``keep``
        (the rows changed place, not content: a filter) drawn rows are reused."""
        self.row_count = count
        self.render_row, self.row_key = render_row, row_key
        self.cursor_row = max(0, min(self.cursor_row, count - 1))
        if not keep or len(self._cache) > 4000:
            self._cache.clear()
        # width 0: no horizontal scrolling, and a resize does not change it (no layout)
        size = Size(0, count)
        height = self.scrollable_content_region.height
        if keep and (count > height) == (self.virtual_size.height > height):
            # the scroll bar stays (or stays away): no layout, which would repaint
            # the whole screen on every filter keystroke (Widget._size_updated does so)
            self.set_reactive(LineTable.virtual_size, size)
            self._scroll_update(size)
        else:
            self.virtual_size = size
        self.refresh()

    def invalidate(self) -> None:
        self._cache.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def cursor_class(self) -> str:
        """The component class that styles the cursor row."""
        raise NotImplementedError

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = y + self.scroll_offset.y
        if index >= self.row_count:
            return Strip.blank(width, self.rich_style)
        cursor = index == self.cursor_row
        key = (self.row_key(index), cursor)
        strip = self._cache.get(key)
        if strip is None or strip.cell_length != width:
            line = self.render_row(index, width)
            line.no_wrap, line.end = True, ""
            line.truncate(width, overflow="ellipsis", pad=True)
            if cursor:
                line.stylize(self.get_component_rich_style(self.cursor_class(), partial=True))
            strip = inert_strip(line.render(self.app.console), width).apply_style(
                self.rich_style)  # Textual paints no background under a line's segments
            self._cache[key] = strip
        return strip

    def move_cursor(self, row: int) -> int:
        """Put the cursor on ``row`` (kept in range and in view); returns the old row."""
        if not self.row_count:
            return self.cursor_row
        row = max(0, min(self.row_count - 1, row))
        old, self.cursor_row = self.cursor_row, row
        self.refresh_line(old)
        self.refresh_line(row)
        self.scroll_to_region(Region(0, row, 1, 1), animate=False, immediate=True)
        return old
