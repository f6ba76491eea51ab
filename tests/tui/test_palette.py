"""The command palette (reports without diacritics, reader-only commands) and
the export it starts."""
from __future__ import annotations

import orjson
from pilot_support import SIZE, app_for, notifications, open_first
from textual.command import CommandPalette

from annotations.corpus.library import Library
from tui.commands import ReaderCommands, ReportsProvider
from tui.screens.library import LibraryScreen
from tui.screens.reader import ReaderScreen


async def hits(provider_cls, screen, query: str) -> list:
    provider = provider_cls(screen)
    return [hit async for hit in provider.search(query)]


async def palette_choose(pilot, query: str) -> None:
    """Open the palette, type ``query``, run the best hit."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(app.screen, CommandPalette)
    await pilot.press(*query)
    await app.workers.wait_for_complete()  # the palette gathers hits in a worker
    await pilot.pause()
    await pilot.press("enter")  # the best hit is highlighted: run it
    await pilot.pause()
    assert not isinstance(app.screen, CommandPalette)


async def test_system_commands_are_app_wide_only(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(2):  # the library, then the reader: the same commands
            titles = [c.title for c in app.get_system_commands(app.screen)]
            assert "Export annotations" in titles and "Show label set" in titles
            assert not any(t.startswith("Open report") or "ntities" in t for t in titles)
            await open_first(pilot)


async def test_reports_provider_folds_titles(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        found = await hits(ReportsProvider, app.screen, "xoa nha tam")
        ids = [h.command.args[0] for h in sorted(found, reverse=True)]
        assert ids[:2] == ["xoa_nha_tam", "xoa_cu"]  # the exact phrase first
        best = max(found)
        assert best.text == "Open report: " + Library(tui_home).get("xoa_nha_tam").title
        assert "2023-02" in best.help
        assert await hits(ReportsProvider, app.screen, "XOÁ nhà") != []  # any case, tone style
        assert await hits(ReportsProvider, app.screen, "khong co dau") == []
        markup = await hits(ReportsProvider, app.screen, "bao cao thu nghiem")
        assert "[bold]" in str(markup[0].prompt)  # a title is never markup


async def test_palette_finds_a_report_typed_without_diacritics(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await palette_choose(pilot, "xoa nha tam")
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.report_id == "xoa_nha_tam"
        total = len(Library(tui_home))
        position = [m.id for m in Library(tui_home).reports()].index("xoa_nha_tam") + 1
        assert str(app.screen.query_one("#reader-title").render()).startswith(f"{position}/{total}")
        await palette_choose(pilot, "ke hoach xoa")  # from the reader: loads in place
        assert app.screen.report_id == "xoa_cu"


async def test_reader_commands_live_on_the_reader(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not LibraryScreen.COMMANDS  # the library has no reader commands
        assert [p() for p in ReaderScreen.COMMANDS] == [ReaderCommands]
        reader = await open_first(pilot)
        [toggle] = await hits(ReaderCommands, reader, "entities")
        assert "key: e" in toggle.help
        await palette_choose(pilot, "entities on")
        assert app.screen is reader and not reader.view.entities_on
        await palette_choose(pilot, "next undecided")
        assert reader.view.cursor == reader.body[1]


async def test_palette_opens_with_ctrl_p_and_exports(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await palette_choose(pilot, "export")
        await app.workers.wait_for_complete()
        await pilot.pause()
        done = [n for n in notifications(app) if n.title in ("Exported", "Export failed")]
        assert done and done[-1].title == "Exported", [n.message for n in done]


async def test_show_label_set(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await palette_choose(pilot, "show label set")
        assert any("achievement" in n.message for n in notifications(app))


async def test_export_writes_native_jsonl(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = await open_first(pilot)
        await pilot.press("a", "j", "r")
        path = tui_home / "exports" / "test.jsonl"
        app.export(path)
        await app.workers.wait_for_complete()
        await pilot.pause()  # the worker's ExportFinished message is handled
        records = [orjson.loads(line) for line in path.read_bytes().splitlines()]
        assert sorted(r["label"] for r in records) == ["achievement", "risk"]
        assert {r["report_id"] for r in records} == {reader.report_id}
        assert any(str(path) in n.message for n in notifications(app))


async def test_export_failure_is_shown(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        blocker = tui_home / "exports"
        blocker.write_text("a file where the folder should be", encoding="utf-8")
        app.export(blocker / "x.jsonl")
        await app.workers.wait_for_complete()
        await pilot.pause()
        [failed] = [n for n in notifications(app, "error") if n.title == "Export failed"]
        assert "exports" in failed.message
