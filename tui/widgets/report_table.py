"""The library's table of reports: fixed columns, one line per report, drawn
only when visible, so 10,000 reports cost no more to show than 10. What a row
draws is made inert (annotations.text.sanitize): a title from an old home
shows its control characters as symbols, never sends them to the terminal."""
from __future__ import annotations

from collections.abc import Callable

from rich.segment import Segment
from rich.text import Text
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from annotations.text.sanitize import inert

Row = Callable[[int, int], Text]  # (index, title width) -> the row's Text


def inert_strip(segments, width: int) -> Strip:
    """A line of ``width`` cells whose text segments are inert (shown symbols
    are wider than the characters: the line is cut to ``width`` again)."""
    segments = [seg if seg.control or seg.text.isprintable()
                else Segment(inert(seg.text), seg.style) for seg in segments]
    return Strip(segments).adjust_cell_length(width)


class ReportTable(ScrollView, can_focus=True):
    BINDINGS = [
        Binding("down", "cursor(1)", "Down", show=False),
        Binding("up", "cursor(-1)", "Up", show=False),
        Binding("j", "cursor(1)", "Down", show=False),
        Binding("k", "cursor(-1)", "Up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("home", "edge(0)", "First", show=False),
        Binding("end", "edge(1)", "Last", show=False),
        Binding("enter", "select", "Open report", show=False),
    ]
    COMPONENT_CLASSES = {"report-table--cursor", "report-table--zebra"}

    class Selected(Message):
        def __init__(self, row: int) -> None:
            super().__init__()
            self.row = row

    class Highlighted(Message):
        """The cursor moved to another row."""

        def __init__(self, row: int) -> None:
            super().__init__()
            self.row = row

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.row_count = 0
        self.cursor_row = 0
        self.render_row: Row = lambda index, width: Text()
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
        self.virtual_size = Size(0, count)
        self.refresh()

    def invalidate(self) -> None:
        self._cache.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

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
            line.end = ""
            line.no_wrap = True
            line.truncate(width, overflow="ellipsis", pad=True)
            if cursor:
                name = "report-table--cursor" if self.has_focus else "report-table--zebra"
                line.stylize(self.get_component_rich_style(name, partial=True))
            strip = inert_strip(line.render(self.app.console), width).apply_style(
                self.rich_style)  # Textual paints no background under a line's segments
            self._cache[key] = strip
        return strip

    def move_cursor(self, row: int) -> None:
        if not self.row_count:
            return
        row = max(0, min(self.row_count - 1, row))
        old, self.cursor_row = self.cursor_row, row
        self.refresh_line(old)
        self.refresh_line(row)
        if row != old:
            self.post_message(self.Highlighted(row))
        self.scroll_to_region(Region(0, row, 1, 1), animate=False, immediate=True)

    def _cursor_style_changed(self) -> None:
        # Focus only changes how the cursor row looks: redraw that row, not the table.
        if self.cursor_row < self.row_count:
            self._cache.pop((self.row_key(self.cursor_row), True), None)
        self.refresh_line(self.cursor_row)

    def on_focus(self) -> None:
        self._cursor_style_changed()

    def on_blur(self) -> None:
        self._cursor_style_changed()

    def action_cursor(self, delta: int) -> None:
        self.move_cursor(self.cursor_row + delta)

    def action_page(self, direction: int) -> None:
        self.move_cursor(self.cursor_row + direction * max(1, self.size.height - 1))

    def action_edge(self, end: int) -> None:
        self.move_cursor(self.row_count - 1 if end else 0)

    def action_select(self) -> None:
        if self.row_count:
            self.post_message(self.Selected(self.cursor_row))

    def on_click(self, event: Click) -> None:
        row = event.y + self.scroll_offset.y
        if 0 <= row < self.row_count:
            self.move_cursor(row)
            if event.chain >= 2:
                self.action_select()


