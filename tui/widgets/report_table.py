"""The library's table of reports: fixed columns, one line per report, drawn
only when visible, so 10,000 reports cost no more to show than 10. What a row
draws is made inert (annotations.text.sanitize): a title from an old home
shows its control characters as symbols, never sends them to the terminal."""
from __future__ import annotations

from textual.binding import Binding
from textual.events import Click
from textual.message import Message

from .line_table import LineTable


class ReportTable(LineTable):
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

    def cursor_class(self) -> str:
        return "report-table--cursor" if self.has_focus else "report-table--zebra"

    def move_cursor(self, row: int) -> int:
        old = super().move_cursor(row)
        if self.cursor_row != old:
            self.post_message(self.Highlighted(self.cursor_row))
        return old

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


