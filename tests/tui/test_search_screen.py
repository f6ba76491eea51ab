"""Pilot tests of the search screen and the tagged-passages screen (issue 15):
results as you type, enter opens the report at the hit, n/N move between the
hits, escape ends them; the passages screen's filters."""
from __future__ import annotations

import pytest
from pilot_support import SIZE, app_for
from textual.widgets import Input

from annotations.corpus.library import Library
from annotations.store import AnnotationStore, Selection
from annotations.text.vietnamese import fold
from tui.screens import search as search_screen
from tui.screens.library import LibraryScreen
from tui.screens.reader import ReaderScreen
from tui.screens.search import HitTable, PassagesScreen, SearchScreen, passage_filters


@pytest.fixture(autouse=True)
def no_debounce(monkeypatch):
    monkeypatch.setattr(search_screen, "DEBOUNCE", 0.001)


async def settled(pilot, screen) -> None:
    """Until the results of what is typed are on screen (the worker posts them)."""
    for _ in range(5000):
        if screen.shown_generation == screen.generation:
            return
        await pilot.pause()
    raise AssertionError("the search results never arrived")


async def type_query(pilot, screen, text: str) -> None:
    screen.query_one(Input).value = text
    await pilot.pause()
    await settled(pilot, screen)


async def test_results_as_you_type_then_open_at_the_hit(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("F")
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await settled(pilot, screen)
        assert screen.rows == []
        await pilot.press(*"xoa nha")
        await settled(pilot, screen)
        partial = len(screen.rows)
        await pilot.press(*" tam")
        await settled(pilot, screen)
        assert 0 < len(screen.rows) <= partial
        assert {"xoa_nha_tam", "xoa_cu"} <= {r.report_id for r in screen.rows}  # xóa and xoá
        assert screen.query_one(HitTable).row_count == len(screen.rows)
        # the first hit of a report with two: enter opens it there, match highlighted
        rid = "xoa_nha_tam"
        hits = sorted((r for r in screen.rows if r.report_id == rid), key=lambda r: r.start)
        assert len(hits) >= 2
        screen.query_one(HitTable).move_cursor(screen.rows.index(hits[0]))
        await pilot.press("enter")
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen) and reader.report_id == rid
        text = Library(tui_home).text(rid)
        first = hits[0].matches[0]
        assert hits[0].sentence == 0  # the headline: the cursor goes beside it (never onto it)
        assert reader.view.cursor == reader.body[0] and reader.view.span == first
        assert fold(text[first[0]:first[1]]) in ("xoa", "nha", "tam")
        await pilot.press("n")  # the next hit, not a note
        assert reader.view.cursor == hits[1].sentence and reader.view.span == hits[1].matches[0]
        await pilot.press("N")
        assert reader.view.span == first
        await pilot.press("escape")  # hits off: the match is no longer highlighted
        assert reader.view.span is None and isinstance(app.screen, ReaderScreen)
        await pilot.press("escape")
        assert app.screen is screen
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)


async def test_a_click_on_a_hit_opens_the_report_there(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("F")
        screen = app.screen
        await type_query(pilot, screen, "xoa nha tam")
        assert len(screen.rows) >= 2
        second = screen.rows[1]
        await pilot.click(HitTable, offset=(4, 2))  # the table's border, then its first two rows
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen) and reader.report_id == second.report_id
        assert reader.view.span == second.matches[0]


async def test_a_full_page_says_how_many_match_after_it_is_shown(tui_home, store_factory, monkeypatch):
    from annotations.search import index as search_index

    monkeypatch.setattr(search_screen, "LIMIT", 2)
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("F")
        screen = app.screen
        every = len(screen.index.search("xoa nha tam"))
        assert every > 3
        for window, said in ((100, f"the best 2 of {every} sentences"),
                             (3, "2 of 3+ sentences, the best of the newest 3")):
            monkeypatch.setattr(search_index, "WINDOW", window)
            await type_query(pilot, screen, "")
            await type_query(pilot, screen, "xoa nha tam")
            for _ in range(5000):
                if screen.counted_generation == screen.generation:
                    break
                await pilot.pause()
            assert len(screen.rows) == 2
            assert str(screen.query_one("#search-status").render()).startswith(said + " · ")


async def test_a_bad_query_says_why_and_the_reader_opens_search(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("F")
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await type_query(pilot, screen, "-xoa")
        status = str(screen.query_one("#search-status").render())
        assert screen.rows == [] and "not excluded" in status
        await type_query(pilot, screen, "[bold]")  # report text and queries are never markup
        assert "error" not in str(screen.query_one("#search-status").render()).lower()


async def test_passages_screen_filters_and_opens_the_passage(tui_home):
    lib = Library(tui_home)
    report = lib.open("xoa_cu")
    with AnnotationStore(tui_home, annotator="tester") as store:
        sel = Selection.of("xoa_cu", report.analysis.sentences, 2, 2, report.meta.sha256)
        store.tag(sel, "risk")
        store.set_note(sel, "kiểm tra tiến độ")
        sel1 = Selection.of("xoa_cu", report.analysis.sentences, 1, 1, report.meta.sha256)
        store.tag(sel1, "task")
    app = app_for(tui_home)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("A")
        screen = app.screen
        assert isinstance(screen, PassagesScreen)
        await settled(pilot, screen)
        assert sorted(r.label for r in screen.rows) == ["risk", "task"]
        await type_query(pilot, screen, "label:risk")
        assert [r.label for r in screen.rows] == ["risk"]
        await type_query(pilot, screen, "kiem tra")
        assert [r.note for r in screen.rows] == ["kiểm tra tiến độ"]
        await type_query(pilot, screen, "annotator:nobody")
        assert screen.rows == []
        await type_query(pilot, screen, "label:risk")
        await pilot.press("enter")
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen) and reader.view.cursor == 2
        assert reader.view.span == (report.analysis.sentences[2].start, report.analysis.sentences[2].end)


def test_passage_filters():
    assert passage_filters("label:risk by from:2024 to:2024-06 annotator:lan") == {
        "label": "risk", "date_from": "2024", "date_to": "2024-06", "annotator": "lan", "note": "by"}
    assert passage_filters("") == {}


def test_search_screen_snapshot(snap_compare, tui_home):
    async def run_before(pilot):
        await pilot.press("F")
        screen = pilot.app.screen
        screen.query_one(Input).cursor_blink = False
        await type_query(pilot, screen, "xoa nha tam")
        status = screen.query_one("#search-status")  # the time taken varies: not in the picture
        status.update(str(status.render()).split(" · ")[0])
        await pilot.pause()

    assert snap_compare(app_for(tui_home), terminal_size=(120, 40), run_before=run_before)
