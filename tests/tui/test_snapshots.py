"""Snapshots (pytest-textual-snapshot) of the library, the reader with entities,
all three labels, a none mark and a note, and help, at 120×40 and 80×24 (where
the side panel folds into a status line; `p` unfolds it)."""
from __future__ import annotations

import pytest
from textual.widgets import Input

from tui.app import make_app
from tui.widgets.report_table import ReportTable

SIZES = [(120, 40), (80, 24)]
READER_REPORT = "004_0e0ad6727c6305cf"  # a seed rich in entities


def app_for(home):
    return make_app(home, "tester")


async def _quiet(pilot) -> None:
    for box in pilot.app.query(Input):
        box.cursor_blink = False
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_library(snap_compare, tui_home, size):
    async def run_before(pilot):
        await _quiet(pilot)

    assert snap_compare(app_for(tui_home), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_reader_with_entities_and_labels(snap_compare, tui_home, size):
    async def run_before(pilot):
        await _quiet(pilot)
        screen = pilot.app.screen
        screen.query_one(ReportTable).move_cursor(screen.shown.index(READER_REPORT))
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("j", "a", "t", "J", "r", "minus", "k", "n", *"xem lai", "enter")
        await pilot.pause()

    assert snap_compare(app_for(tui_home), terminal_size=size, run_before=run_before)


def test_reader_narrow_with_the_panel_unfolded(snap_compare, tui_home):
    async def run_before(pilot):
        await _quiet(pilot)
        screen = pilot.app.screen
        screen.query_one(ReportTable).move_cursor(screen.shown.index(READER_REPORT))
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("a", "t", "p")
        await pilot.pause()

    assert snap_compare(app_for(tui_home), terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help(snap_compare, tui_home, size):
    async def run_before(pilot):
        await _quiet(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(app_for(tui_home), terminal_size=size, run_before=run_before)
