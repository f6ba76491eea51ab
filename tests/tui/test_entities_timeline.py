"""The entities screen (filter as you type, mentions in context, the reader
opened at a mention) and the timeline screen (stacked bars with a letter per
label, sparklines of the selected entities, the numbers on demand); Pilot
tests and snapshots at 120×40."""
from __future__ import annotations

from pathlib import Path

import pytest
from pilot_support import SIZE, app_for
from textual.widgets import DataTable, Input, Static
from timelinehelp import put_reports

from annotations.corpus.library import Library
from annotations.store import AnnotationStore, Selection
from tui.screens.entities import EntitiesScreen, MentionsScreen
from tui.screens.reader import ReaderScreen
from tui.screens.timeline import TimelineScreen, sparkline

REPORTS = [
    ("t1", "2024-01-10", "Tổng Bí thư Tô Lâm thăm Hà Nội. Ban [bold]Kinh tế[/bold] họp.",
     [("Tổng Bí thư Tô Lâm", "PER"), ("Hà Nội", "LOC"), ("Ban [bold]Kinh tế[/bold]", "ORG")]),
    ("t2", "2024-05", "Hội nghị mở đầu. Đồng chí TÔ LÂM phát biểu tại Hà Nội.",
     [("Đồng chí TÔ LÂM", "PER"), ("Hà Nội", "LOC")]),
    ("t3", "2024", "Tô Lâm dự họp. Hà Nội mưa.", [("Tô Lâm", "PER"), ("Hà Nội", "LOC")]),
    ("t4", None, "Báo cáo chưa rõ ngày. Hà Nội nắng.", [("Hà Nội", "LOC")]),
    ("t5", "2024-08-02", "Tỉnh ủy họp. Kết quả tốt. Rủi ro lớn.", [("Tỉnh ủy", "ORG")]),
]


@pytest.fixture
def ent_home(home: Path) -> Path:
    put_reports(home, REPORTS)
    lib = Library(home)
    with AnnotationStore(home, annotator="tester") as store:
        for rid, first, last, label in [("t1", 0, 0, "a"), ("t2", 0, 1, "t"), ("t5", 1, 1, "a"),
                                        ("t5", 2, 2, "r"), ("t3", 0, 0, "r"), ("t4", 1, 1, "t")]:
            meta = lib.get(rid)
            store.tag(Selection.of(rid, lib.open(rid).analysis.sentences, first, last, meta.sha256), label)
    return home


def cells(table: DataTable, column: int) -> list[str]:
    return [str(table.get_row_at(i)[column]) for i in range(table.row_count)]


async def loaded(pilot) -> None:
    """Wait for the screen's worker and the message it posts."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_entities(pilot) -> EntitiesScreen:
    await pilot.press("E")
    await loaded(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, EntitiesScreen)
    for _ in range(100):  # until the worker's answer is drawn (each pause: the queue handled once)
        if screen.rows:
            break
        await pilot.pause()
    screen.query_one(Input).cursor_blink = False
    return screen


async def test_entities_list_filters_as_you_type(ent_home: Path, monkeypatch):
    said = []
    indexing = EntitiesScreen._indexing
    monkeypatch.setattr(EntitiesScreen, "_indexing", lambda self, *n: said.append(n) or indexing(self, *n))
    async with app_for(ent_home).run_test(size=SIZE) as pilot:
        screen = await open_entities(pilot)
        assert said == [(5, 5)]  # the first build said how far it was
        table = screen.query_one("#entities-table", DataTable)
        assert cells(table, 1)[:2] == ["Hà Nội", "Tô Lâm"]  # 4 and 3 mentions
        assert cells(table, 3)[:2] == ["4", "3"]
        assert "Ban [bold]Kinh tế[/bold]" in cells(table, 1)  # drawn as written, not as markup
        await pilot.press("slash", *"to lam")
        assert screen.query_one(Input).value == "to lam"
        assert cells(table, 1) == ["Tô Lâm"]
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace", "backspace")
        assert table.row_count == len(screen.rows) == 4
        await pilot.press("escape")  # from the filter: to the list
        assert table.has_focus and isinstance(pilot.app.screen, EntitiesScreen)
        await pilot.press("escape")
        assert not isinstance(pilot.app.screen, EntitiesScreen)


async def test_mentions_in_context_open_the_reader_there(ent_home: Path):
    async with app_for(ent_home).run_test(size=SIZE) as pilot:
        screen = await open_entities(pilot)
        table = screen.query_one("#entities-table", DataTable)
        table.move_cursor(row=cells(table, 1).index("Tô Lâm"))
        await pilot.press("enter")
        await loaded(pilot)
        mentions = pilot.app.screen
        assert isinstance(mentions, MentionsScreen)
        rows = mentions.query_one(DataTable)
        assert cells(rows, 1) == ["t3", "t1", "t2"]  # by report date: "2024" sorts first
        assert cells(rows, 3) == ["Tô Lâm", "Tổng Bí thư Tô Lâm", "Đồng chí TÔ LÂM"]
        assert cells(rows, 4)[2] == " phát biểu tại Hà Nội."
        rows.move_cursor(row=2)
        await pilot.press("enter")
        await loaded(pilot)
        reader = pilot.app.screen
        assert isinstance(reader, ReaderScreen) and reader.report_id == "t2"
        assert reader.view.cursor == 1  # the mention's sentence
        await pilot.press("escape")
        assert pilot.app.screen is mentions


async def test_timeline_bars_sparklines_and_numbers(ent_home: Path):
    async with app_for(ent_home).run_test(size=SIZE) as pilot:
        screen = await open_entities(pilot)
        table = screen.query_one("#entities-table", DataTable)
        table.move_cursor(row=cells(table, 1).index("Tô Lâm"))
        await pilot.press("space")
        assert cells(table, 0)[cells(table, 1).index("Tô Lâm")] == "✓"
        await pilot.press("L")
        await loaded(pilot)
        tl = pilot.app.screen
        assert isinstance(tl, TimelineScreen) and tl.by == "quarter"
        chart = str(tl.query_one("#timeline-chart", Static).content)
        lines = chart.splitlines()
        q1 = next(x for x in lines if x.startswith("2024-Q1"))
        q3 = next(x for x in lines if x.startswith("2024-Q3"))
        assert set(q1.split()[1]) == {"a"} and sorted(set(q3.split()[1])) == ["a", "r"]  # letters
        assert any(x.startswith("2024 year only") for x in lines)
        assert any(x.startswith("undated") for x in lines)
        sparks = str(tl.query_one("#timeline-sparks", Static).content)
        assert "Tô Lâm" in sparks and sparkline([1, 1, 0]) in sparks  # Q1, Q2, Q3
        await pilot.press("n")
        chart = str(tl.query_one("#timeline-chart", Static).content)
        assert "a1 t0 r1 = 2" in next(x for x in chart.splitlines() if x.startswith("2024-Q3"))
        await pilot.press("b")
        await loaded(pilot)
        assert tl.by == "year"
        chart = str(tl.query_one("#timeline-chart", Static).content)
        assert "year only" not in chart and "a2 t1 r2 = 5" in chart  # the year-only report in 2024


def test_sparkline():
    assert sparkline([0, 1, 2, 4]) == "·▂▄█"
    assert sparkline([0, 0]) == "··"


def test_entities_snapshot(snap_compare, ent_home: Path):
    async def run_before(pilot):
        for box in pilot.app.query(Input):
            box.cursor_blink = False
        await open_entities(pilot)

    assert snap_compare(app_for(ent_home), terminal_size=SIZE, run_before=run_before)


def test_timeline_snapshot(snap_compare, ent_home: Path):
    async def run_before(pilot):
        screen = await open_entities(pilot)
        table = screen.query_one("#entities-table", DataTable)
        for name in ("Tô Lâm", "Hà Nội"):
            table.move_cursor(row=cells(table, 1).index(name))
            await pilot.press("space")
        await pilot.press("L")
        await loaded(pilot)
        await pilot.press("n")

    assert snap_compare(app_for(ent_home), terminal_size=SIZE, run_before=run_before)
