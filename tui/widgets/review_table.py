"""The review screen's table: one line per body sentence, drawn only when
visible (a 300-sentence report opens as fast as a 3-sentence one). The screen
owns the cursor and builds each row's Text; this widget caches the drawn
lines and keeps the cursor in view. Text segments are made inert
(``line_table.inert_strip``): report text never reaches the terminal raw."""
from __future__ import annotations

from textual.events import Click
from textual.message import Message

from .line_table import LineTable


class ReviewTable(LineTable):
    COMPONENT_CLASSES = {"review-table--cursor"}

    class Clicked(Message):
        def __init__(self, row: int) -> None:
            super().__init__()
            self.row = row

    def cursor_class(self) -> str:
        return "review-table--cursor"

    def on_click(self, event: Click) -> None:
        row = event.y + self.scroll_offset.y
        if 0 <= row < self.row_count:
            self.post_message(self.Clicked(row))
