"""Pilot tests of the library screen: order, sort, filter, first run, errors."""
from __future__ import annotations

from pilot_support import SIZE, app_for, notifications, open_first, shown_ids
from textual.widgets import Input

from annotations.corpus.library import Library
from annotations.home import Home
from tui.screens.library import LibraryScreen
from tui.widgets.report_table import ReportTable


async def test_library_lists_by_date_and_sort_flips(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        expected = [m.id for m in Library(tui_home).reports()]
        assert shown_ids(app) == expected
        assert app.screen.query_one(ReportTable).row_count == len(expected)
        await pilot.press("s")
        dated = [m.id for m in Library(tui_home).reports() if m.date]
        assert shown_ids(app)[:len(dated)] == dated[::-1]
        await pilot.press("s")
        assert shown_ids(app) == expected


async def test_filter_ignores_diacritics_and_tone_styles(tui_home, store_factory):
    lib = Library(tui_home)

    def has_phrase(rid: str) -> bool:  # both tone-mark styles, any case
        haystack = f"{lib.get(rid).title} {lib.text(rid)}".lower()
        return "xóa nhà tạm" in haystack or "xoá nhà tạm" in haystack

    expected = {m.id for m in lib.reports() if has_phrase(m.id)}
    assert {"xoa_nha_tam", "xoa_cu", "000_04edcb8ab5506732"} <= expected < {m.id for m in lib.reports()}
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"xoa nha tam")  # typed at once: no key is lost
        assert app.screen.query_one("#filter", Input).value == "xoa nha tam"
        assert set(shown_ids(app)) == expected  # the catalogue answers each keystroke
        await pilot.press("escape")  # clears the filter
        assert len(shown_ids(app)) == len(lib)
        assert not app.screen.query_one("#filter", Input).display
        assert app.focused is app.screen.query_one(ReportTable)


async def test_q_on_library_quits(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        assert app._exit


async def test_first_run_imports_seeds_in_a_worker(home, store_factory):
    app = app_for(home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.seeding_shown  # the progress was mounted while seeding ...
        assert not app.screen.query("#seeding")  # ... and removed once done
        assert len(shown_ids(app)) == 5
        assert app.screen.query_one(ReportTable).row_count == 5
        assert any(n.title == "Welcome" for n in notifications(app))
    assert len(Library(home)) == 5


async def test_empty_home_locked_by_another_process_is_not_seeded(home, store_factory):
    """With another writer on the home (an import, say) the app opens read-only,
    says who holds the lock, never tries to seed, and says why it is empty."""
    other = Home(home)  # its own lock file descriptor: another writer, for flock
    other.acquire_writer("someone-else")
    try:
        app = app_for(home, store_factory)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.readonly
            [told] = [n for n in notifications(app, "warning") if n.title == "Read-only"]
            assert "someone-else" in told.message and "open for writing" in told.message
            assert not [n for n in notifications(app) if "sample reports" in (n.title or "")]
            assert "another baocao is writing" in str(app.screen.query_one("#library-empty").render())
            assert shown_ids(app) == []
            assert not app.screen.query("#seeding")
            assert app.screen.query_one("#library-empty").display
            await pilot.press("question_mark")  # still alive and responsive
            await pilot.press("escape")
            assert isinstance(app.screen, LibraryScreen)
        assert len(Library(home)) == 0
    finally:
        other.release_writer()


async def test_missing_text_and_corrupt_index_are_shown(tui_home, store_factory):
    lib = Library(tui_home)
    first = lib.reports()[0].id
    (tui_home / "library" / "texts" / f"{first}.txt").unlink()
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any(n.title == "Cannot open the report" for n in notifications(app))
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)
    for log in (tui_home / "library").glob("catalogue.sqlite-*"):
        log.unlink()
    (tui_home / "library" / "catalogue.sqlite").write_text("{not a database" * 500, encoding="utf-8")
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        assert any(n.title == "Cannot read the library" for n in notifications(app))
        assert not app.workers  # no attempt to seed over a broken catalogue


async def test_library_selects_the_report_just_left(tui_home, store_factory):
    """After ]/[ in the reader, back in the library the cursor is on the report
    last shown, not the one opened; a report left without moving stays selected."""
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        order = shown_ids(app)
        table = app.screen.query_one(ReportTable)
        await open_first(pilot, order[0])
        await pilot.press("right_square_bracket", "right_square_bracket", "escape")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        assert table.cursor_row == 2 and app.screen.current_id() == order[2]
        await open_first(pilot, order[4])
        await pilot.press("left_square_bracket", "q")
        await pilot.pause()
        assert app.screen.current_id() == order[3]
        await pilot.press("question_mark", "escape")  # help over the library: cursor kept
        await pilot.pause()
        assert app.screen.current_id() == order[3]
        await open_first(pilot, order[1])  # opened and left as is: not the report left before
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.current_id() == order[1]


async def test_library_shows_the_cursor_reports_date_evidence(tui_home, store_factory):
    """Under the table: the cursor row's date, its source and the phrase it came
    from, following the cursor."""
    metas = {m.id: m for m in Library(tui_home).reports()}
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        line = app.screen.query_one("#library-date")
        shown = []
        for row, rid in enumerate(shown_ids(app)):
            if row:
                await pilot.press("j")
                await pilot.pause()
            m = metas[rid]
            text = line.content.plain
            assert text.startswith(f"Date {m.date or 'unknown'}")
            if m.date_evidence:
                assert f"from “{m.date_evidence}”" in text
                shown.append(rid)
        assert {"002_3e02a63f107bf8c3", "004_0e0ad6727c6305cf"} <= set(shown)
        assert "Ngày 10/7" in metas["002_3e02a63f107bf8c3"].date_evidence
