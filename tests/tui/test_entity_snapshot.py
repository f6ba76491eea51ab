"""Snapshot of the reader's entity mode at 120×40: an analyst's correction drawn,
a word range selected, the mode's keys in the key bar."""
from __future__ import annotations

from textual.widgets import Input

from tui.app import make_app
from tui.widgets.report_table import ReportTable

REPORT = "004_0e0ad6727c6305cf"


def test_entity_mode(snap_compare, tui_home):
    async def run_before(pilot):
        for box in pilot.app.query(Input):
            box.cursor_blink = False
        await pilot.pause()
        screen = pilot.app.screen
        screen.query_one(ReportTable).move_cursor(screen.shown.index(REPORT))
        await pilot.press("enter")
        await pilot.pause()
        # "ban Tổ chức Trung ương" made ORG (it was "Trung ương" alone), then "Hội nghị" selected
        await pilot.press("ctrl+e", *["j"] * 22, *["J"] * 4, "2")
        await pilot.press(*["j"] * 4, "J")
        await pilot.pause()

    assert snap_compare(make_app(tui_home, "tester"), terminal_size=(120, 40),
                        run_before=run_before)
