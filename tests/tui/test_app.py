"""Pilot tests: every binding and flow of the app, on a real home and store."""
from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from textual.widgets import Input

from annotations.corpus.library import Library
from annotations.store import AnnotationStore, StoreError
from tui.app import make_app
from tui.bindings import TABLE, binding, keys_for
from tui.screens.help import HelpScreen
from tui.screens.library import LibraryScreen
from tui.screens.note import NoteScreen
from tui.screens.reader import ReaderScreen
from tui.widgets.annotation_list import AnnotationList
from tui.widgets.report_table import ReportTable
from tui.widgets.report_view import ReportView, display_text, wrap_cells, wrap_offsets

SIZE = (120, 40)


def app_for(home: Path, store_factory=None, **kw):
    return make_app(home, "tester", store_factory=store_factory, **kw)


def shown_ids(app) -> list[str]:
    return list(app.screen.shown)


def view_text(view: ReportView, width: int = 200) -> str:
    """Everything the view draws, line by line, as render_line gives it (cached
    strips included: rendering one line caches its paragraph's other lines)."""
    view._strip_cache.clear()
    lines = []
    for y in range(len(view._lines)):
        strip = view._strip_cache.get(y) or view._render(y, width)
        lines.append("".join(seg.text for seg in strip))
    return "\n".join(lines)


async def open_first(pilot, rid: str | None = None) -> ReaderScreen:
    app = pilot.app
    if rid is not None:
        app.screen.query_one(ReportTable).move_cursor(app.screen.shown.index(rid))
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, ReaderScreen)
    return app.screen


def longest(home: Path) -> str:
    return max(Library(home).reports(), key=lambda m: m.sentences).id


# ---------------------------------------------------------------- library

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
    assert {"xoa_nha_tam", "xoa_cu", "000_04edcb8ab5506732"} <= expected < set(lib._load_index())
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"xoa nha tam")  # typed at once: no key is lost
        assert app.screen.query_one("#filter", Input).value == "xoa nha tam"
        await app.workers.wait_for_complete()  # the background fold of report texts
        await pilot.pause()
        assert set(shown_ids(app)) == expected
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
        saw_progress = False
        while not saw_progress and app.workers:
            saw_progress = bool(app.screen.query("#seeding"))
            await pilot.pause(0.01)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert saw_progress
        assert not app.screen.query("#seeding")
        assert len(shown_ids(app)) == 5
        assert app.screen.query_one(ReportTable).row_count == 5
    assert len(Library(home)) == 5


# ---------------------------------------------------------------- reader: moving

async def test_open_move_extend_and_back(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first = shown_ids(app)[0]
        reader = await open_first(pilot)
        view = reader.view
        assert reader.report_id == first and view.cursor == 0
        await pilot.press("j", "down")
        assert view.selection == (2, 2)
        await pilot.press("k")
        assert view.selection == (1, 1)
        await pilot.press("up")
        assert view.selection == (0, 0)
        if view.sentence_count >= 3:
            await pilot.press("J", "shift+down")
            assert (view.anchor, view.cursor) == (0, 2)
            await pilot.press("K")
            assert view.selection == (0, 1)
            await pilot.press("shift+up")
            assert view.selection == (0, 0)
        await pilot.press("G")
        assert view.cursor == view.sentence_count - 1
        await pilot.press("g")
        assert view.cursor == 0
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)
        reader = await open_first(pilot)
        await pilot.press("q")
        assert isinstance(app.screen, LibraryScreen)


async def test_next_and_previous_report(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        order = shown_ids(app)
        reader = await open_first(pilot)
        await pilot.press("right_square_bracket")
        assert reader.report_id == order[1]
        assert reader.view.text == display_text(Library(tui_home).text(order[1]))
        await pilot.press("left_square_bracket")
        assert reader.report_id == order[0]
        await pilot.press("left_square_bracket")  # already the first: stays
        assert reader.report_id == order[0]


async def test_mouse_click_selects_sentence(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = await open_first(pilot, longest(tui_home))
        view = reader.view
        target = 3
        y, _ = view.sentence_lines(target)
        sent = view.analysis.sentences[target]
        # the first line of the sentence may start with the previous one: click its start
        line_start = view._lines[y][1]
        x = 4 + len(view.text[line_start:sent.start])
        await pilot.click(ReportView, offset=(x + 1, y - view.scroll_offset.y))
        assert view.cursor == target


# ---------------------------------------------------------------- reader: tagging

async def test_tag_relabel_remove_undo_redo(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = await open_first(pilot)
        rid = reader.report_id
        store = app.store
        await pilot.press("j", "a")
        anns = store.for_report(rid)
        assert [(a.label, a.sentence_start, a.sentence_end) for a in anns] == [("achievement", 1, 1)]
        assert reader.view.marks[0].letter == "A"
        assert "A" in view_text(reader.view).splitlines()[reader.view.sentence_lines(1)[0]][:4]
        await pilot.press("t")  # relabel
        assert [a.label for a in store.for_report(rid)] == ["task"]
        await pilot.press("t")  # same key again: removed
        assert store.for_report(rid) == []
        assert reader.view.marks == []
        await pilot.press("u")  # undo the removal
        assert [a.label for a in store.for_report(rid)] == ["task"]
        await pilot.press("ctrl+r")  # redo it
        assert store.for_report(rid) == []
        await pilot.press("r", "x")
        assert store.for_report(rid) == []
        await pilot.press("u")
        assert [a.label for a in store.for_report(rid)] == ["risk"]
        # the library shows the counts after going back
        await pilot.press("escape")
        await pilot.pause()
        screen = app.screen
        row = screen._row(screen.shown.index(rid), 120).plain
        assert f"  1/{Library(tui_home).get(rid).sentences}" in row
    # durable: a fresh store on the same home sees it
    again = AnnotationStore(tui_home, annotator="tester")
    try:
        assert [a.label for a in again.for_report(rid)] == ["risk"]
    finally:
        again.close()


async def test_extended_selection_tags_one_passage(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = await open_first(pilot, longest(tui_home))
        await pilot.press("j", "J", "J", "a")
        # blank lines between paragraphs stay blank (no gutter mark, no letter)
        drawn = view_text(reader.view).splitlines()
        for y, (p, _, _) in enumerate(reader.view._lines):
            if p < 0:
                assert not drawn[y].strip(), (y, drawn[y])
        [ann] = app.store.for_report(reader.report_id)
        assert (ann.sentence_start, ann.sentence_end) == (1, 3)
        text = Library(tui_home).text(reader.report_id)
        assert text[ann.start:ann.end] == ann.text
        assert reader.view.selection == (3, 3)  # collapsed after tagging
        # inside the passage, a key acts on the whole passage
        await pilot.press("k", "r")
        [ann] = app.store.for_report(reader.report_id)
        assert (ann.label, ann.sentence_start, ann.sentence_end) == ("risk", 1, 3)
        options = reader.query_one(AnnotationList)
        assert options.option_count == 1


async def test_next_untagged_and_annotation_jump(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = await open_first(pilot, longest(tui_home))
        await pilot.press("a", "j", "t", "g", "full_stop")
        assert reader.view.cursor == 2
        options = reader.query_one(AnnotationList)
        options.focus()
        options.highlighted = 1
        await pilot.press("enter")  # second annotation: sentence 1
        assert reader.view.cursor == 1
        assert app.focused is reader.view


async def test_note_dialog(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = await open_first(pilot)
        await pilot.press("n")  # nothing tagged: a hint, no dialog
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("a", "n")
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*"xem lai", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        [ann] = app.store.for_report(reader.report_id)
        assert ann.note == "xem lai"
        await pilot.press("n", "escape")  # cancel keeps the note
        await pilot.pause()
        assert app.store.for_report(reader.report_id)[0].note == "xem lai"


async def test_entities_toggle(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = await open_first(pilot, longest(tui_home))
        assert reader.view.analysis.entities
        assert reader.view.entities_on
        ent = reader.view.analysis.entities[0]
        p = next(i for i, para in enumerate(reader.view.analysis.paragraphs)
                 if para.start <= ent.start < para.end)
        styled = reader.view._paragraph_text(p)
        assert any(s.start <= ent.start - reader.view.analysis.paragraphs[p].start < s.end
                   for s in styled.spans)
        await pilot.press("e")
        assert not reader.view.entities_on
        plain = reader.view._paragraph_text(p)
        assert len(plain.spans) < len(styled.spans)
        await pilot.press("e")
        assert reader.view.entities_on


async def test_store_write_failure_is_shown_and_not_drawn(tui_home, store_factory, monkeypatch):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = await open_first(pilot)

        def broken(*args, **kwargs):
            raise StoreError("disk full: annotations/reports/x.json")

        monkeypatch.setattr(app.store, "tag", broken)
        await pilot.press("a")
        await pilot.pause()
        assert reader.view.marks == []
        assert app.store.for_report(reader.report_id) == []
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors and "disk full" in errors[-1].message


async def test_second_instance_is_read_only(tui_home, store_factory):
    first = app_for(tui_home, store_factory)
    async with first.run_test(size=SIZE):
        assert not first.readonly
        second = app_for(tui_home, store_factory)
        async with second.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert second.readonly
            assert any(n.severity == "warning" and "read-only" in n.message.lower()
                       for n in second._notifications)
            assert "READ-ONLY" in str(second.screen.query_one("#library-title").render())
            reader = await open_first(pilot)
            await pilot.press("a")
            assert second.store.for_report(reader.report_id) == []
            assert reader.view.marks == []


async def test_markup_and_escape_codes_render_literally(tui_home, store_factory):
    lib = Library(tui_home)
    rid = next(m.id for m in lib.reports() if "[bold]" in m.title)
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = await open_first(pilot, rid)
        drawn = view_text(reader.view)
        assert "[link=https://example.com]liên kết[/link]" in drawn
        assert "[/] lạ" in drawn and "[red]cùng[/]" in drawn
        assert "\x1b" not in drawn
        canonical = lib.text(rid)
        if "\x1b" in canonical:  # shown as a visible symbol, one for one
            assert "␛[31mđỏ" in drawn
        assert "[bold]" in str(reader.query_one("#reader-title").render())


def test_display_text_and_wrap():
    assert display_text("a\x1b[1mb\x07") == "a␛[1mb␇"
    s = "một hai ba bốn năm sáu bảy tám chín mười"
    lines = wrap_offsets(s, 12)
    assert all(len(s[a:b]) <= 12 for a, b in lines)
    assert " ".join(s[a:b] for a, b in lines) == s
    assert wrap_offsets("x" * 25, 10) == [(0, 10), (10, 20), (20, 25)]
    # the fast path (no wide characters) and the cell-measuring path agree
    import random

    rng = random.Random(4)
    words = "một hai ba bốn Nghị quyết 18-NQ/TW Đại hội XIV xxxxxxxxxxxxxxxxxxxxxxx".split()
    for _ in range(500):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 30)))
        width = rng.randint(2, 50)
        assert wrap_offsets(text, width) == wrap_cells(text, width), (text, width)
    wide = "中文字符 测试 一二三四五六七八九十"
    assert all(sum(2 for _ in wide[a:b]) <= 8 for a, b in wrap_offsets(wide, 8))


# ---------------------------------------------------------------- help and palette

async def test_help_lists_every_binding(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rendered = app.screen.query_one("#help-table").content
        from rich.console import Console

        console = Console(width=100, record=True)
        console.print(rendered)
        out = console.export_text()
        for spec in TABLE:
            assert spec.description in out, spec
        for label in app.labels:
            assert f"Tag as {label.name}" in out
        box = app.screen.query_one("#help-dialog")
        await pilot.press("j", "j")
        await pilot.pause()
        assert box.scroll_y > 0 or box.max_scroll_y == 0
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)


def test_binding_table_drives_screens():
    from tui.app import BaocaoApp

    for scope, cls in (("library", LibraryScreen), ("reader", ReaderScreen), ("app", BaocaoApp)):
        ids = {b.id for b in cls.BINDINGS}
        assert ids == {k.id for k in keys_for(scope)}


async def test_palette_commands(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Export annotations" in titles and "Show label set" in titles
        assert sum(t.startswith("Open report: ") for t in titles) == len(Library(tui_home))
        reader = await open_first(pilot)
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        commands["Toggle entities"].callback()
        assert not reader.view.entities_on
        last = Library(tui_home).reports()[-1]
        commands[f"Open report: {last.title}"].callback()
        await pilot.pause()
        assert app.screen.report_id == last.id
        commands["Show label set"].callback()
        await pilot.pause()
        assert any("achievement" in n.message for n in app._notifications)


async def test_palette_opens_with_ctrl_p(tui_home, store_factory):
    from textual.command import CommandPalette

    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"export")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        done = [n for n in app._notifications if n.title in ("Exported", "Export failed")]
        assert done and done[-1].title == "Exported", [n.message for n in done]


async def test_export_writes_native_jsonl(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = await open_first(pilot)
        await pilot.press("a", "j", "r")
        path = tui_home / "exports" / "test.jsonl"
        app.export(path)
        await app.workers.wait_for_complete()
        await pilot.pause()
        records = [orjson.loads(line) for line in path.read_bytes().splitlines()]
        assert sorted(r["label"] for r in records) == ["achievement", "risk"]
        assert {r["report_id"] for r in records} == {reader.report_id}
        assert any(str(path) in n.message for n in app._notifications)


async def test_report_without_cached_analysis_loads_in_a_worker(tui_home, store_factory,
                                                               monkeypatch):
    import time

    monkeypatch.setattr(Library, "is_analysed", lambda self, report_id: False)
    slow = Library.analysis

    def slow_analysis(self, report_id):  # as if the NLP pipeline had to run
        time.sleep(0.5)
        return slow(self, report_id)

    monkeypatch.setattr(Library, "analysis", slow_analysis)
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        await pilot.press("a")  # ignored while the report loads: no tag on the old text
        assert reader.loading_report
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not reader.loading_report
        assert reader.view.sentence_count == Library(tui_home).get(reader.report_id).sentences
        assert app.store.for_report(reader.report_id) == []
        await pilot.press("a")
        assert len(app.store.for_report(reader.report_id)) == 1


@pytest.mark.parametrize("theme", ["textual-light", "nord", "gruvbox"])
async def test_builtin_themes(tui_home, store_factory, theme):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = await open_first(pilot, longest(tui_home))
        dark = reader.view._render(0, 100)
        app.theme = theme
        await pilot.pause()
        await pilot.press("a")
        themed = reader.view._render(0, 100)
        background = reader.view.rich_style.bgcolor
        assert background is not None
        # every segment of a line carries the theme's background (or a highlight)
        assert all(seg.style and seg.style.bgcolor for seg in themed)
        assert [s.style for s in themed] != [s.style for s in dark]


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
        assert any(n.title == "Cannot open the report" for n in app._notifications)
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)
    (tui_home / "library" / "index.json").write_text("{not json", encoding="utf-8")
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        assert any(n.title == "Cannot read the library" for n in app._notifications)
        assert not app.workers  # no attempt to seed over a broken index


async def test_orphaned_annotation_is_listed_flagged_and_never_drawn(home, tmp_path):
    from click.testing import CliRunner

    from annotations.store import Passage
    from tui.cli import main

    src = tmp_path / "bao_cao.txt"
    src.write_text("Hội nghị đã đánh giá kết quả quý 3/2024.\n\nNhiệm vụ thời gian tới rất nặng nề.",
                   encoding="utf-8")
    assert CliRunner().invoke(main, ["--home", str(home), "import", str(src)]).exit_code == 0
    lib = Library(home)
    text, sent = lib.text("bao_cao"), lib.analysis("bao_cao").sentences[1]
    with AnnotationStore(home, annotator="tester") as store:
        store.tag(Passage("bao_cao", sent.start, sent.end, 1, 1, text[sent.start:sent.end],
                          lib.get("bao_cao").sha256), "risk")
    src.write_text("Hội nghị đã đánh giá kết quả quý 3/2024.\n\nMột đoạn hoàn toàn khác.",
                   encoding="utf-8")
    res = CliRunner().invoke(main, ["--home", str(home), "import", str(src)])
    assert res.exit_code == 0 and "orphaned 1" in res.stderr
    app = app_for(home)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = await open_first(pilot)
        assert reader.view.marks == [] and reader.tagged_sentences() == 0
        [ann] = reader.annotations
        assert ann.orphaned
        options = reader.query_one(AnnotationList)
        line = "".join(seg.text for seg in options.render_line(0))
        assert "orphaned" in line
        options.focus()
        cursor = reader.view.cursor
        await pilot.press("enter")  # jumping to it only explains
        await pilot.pause()
        assert reader.view.cursor == cursor
        assert any("no longer in the report" in n.message for n in app._notifications)


def test_focus_moving_keys_are_priority_bindings():
    """`/` and `n` move focus to a text box; as priority bindings they run before
    the next key is routed, so letters typed right after them (fast typing,
    pasted text) land in the box, never on the table or the reader, where they
    would be tag keys. (Pilot waits between keys and cannot show the race; the
    tmux session in the notes did.)"""
    by_id = {k.id: binding(k) for k in TABLE}
    assert by_id["filter"].priority and by_id["note"].priority
    assert not by_id["open"].priority


async def test_note_typed_right_after_n_goes_to_the_dialog(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = await open_first(pilot)
        await pilot.press("t", "n", *"rat quan", "enter")
        await pilot.pause()
        [ann] = app.store.for_report(reader.report_id)
        assert (ann.label, ann.note) == ("task", "rat quan")
