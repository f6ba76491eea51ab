"""Pilot tests of the tagging workflow (issue 8): tag-and-advance, "none" and
next undecided, sentence-level edits that split and merge passages, go to
sentence, done, keeping your place (reopen, undo/redo), escape, the
"sentence i/N" title and notes on untagged sentences."""
from __future__ import annotations

from collections import Counter

import orjson
from click.testing import CliRunner
from pilot_support import SIZE, app_for, longest, notifications, open_first, view_lines, write_config

from annotations.store import AnnotationStore
from tui.app import make_app
from tui.cli import main
from tui.screens.library import LibraryScreen
from tui.screens.note import PromptScreen
from tui.screens.reader import NONE_MARK, ReaderScreen
from tui.widgets.report_view import GUTTER


def title_of(reader: ReaderScreen) -> str:
    return str(reader.query_one("#reader-title").render())


def info_of(reader: ReaderScreen) -> str:
    return str(reader.query_one("#info").render())


def note_of(reader: ReaderScreen) -> str:
    return str(reader.query_one("#note").render())


def passages(app, rid: str) -> list[tuple[str, int, int]]:
    return [(a.label, a.sentence_start, a.sentence_end) for a in app.store.passages(rid)]


def decisions(app, rid: str) -> dict[int, str | None]:
    """sentence -> this annotator's label (None: "none"), decided sentences only;
    fails if a document of the annotator covers several sentences or two cover one."""
    docs = [a for a in app.store.for_report(rid) if a.annotator == app.annotator and a.decided]
    assert all(a.sentence_start == a.sentence_end for a in docs), docs
    per = Counter(a.sentence_start for a in docs)
    assert all(n == 1 for n in per.values()), per
    return {a.sentence_start: a.label for a in docs}


def gutter(reader: ReaderScreen, sentence: int) -> str:
    """The gutter cells of the first line of ``sentence``."""
    y, _ = reader.view.sentence_lines(sentence)
    return view_lines(reader.view)[y][:GUTTER]


async def open_longest(pilot, home) -> ReaderScreen:
    await pilot.pause()
    return await open_first(pilot, longest(home))


# ---------------------------------------------------------------- tag and advance

async def test_label_key_tags_and_advances(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_longest(pilot, tui_home)
        rid, view = reader.report_id, reader.view
        await pilot.press("a")
        assert decisions(app, rid) == {0: "achievement"}
        assert view.selection == (1, 1)
        await pilot.press("J", "J", "t")  # a selection: tagged, then past it
        assert passages(app, rid) == [("achievement", 0, 0), ("task", 1, 3)]
        assert view.selection == (4, 4)
        await pilot.press("r")
        assert passages(app, rid)[-1] == ("risk", 4, 4) and view.cursor == 5
        await pilot.press("G", "a")  # the last sentence: tagged, the cursor stays on it
        last = view.sentence_count - 1
        assert decisions(app, rid)[last] == "achievement" and view.cursor == last


async def test_advance_off_keeps_the_cursor(tui_home, store_factory):
    write_config(tui_home, "[reader]\nadvance = false\n")
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_longest(pilot, tui_home)
        rid, view = reader.report_id, reader.view
        assert app.advance is False
        await pilot.press("a")
        assert decisions(app, rid) == {0: "achievement"} and view.selection == (0, 0)
        await pilot.press("j", "J", "J", "t")  # tagged; the selection collapses on the cursor
        assert passages(app, rid) == [("achievement", 0, 0), ("task", 1, 3)]
        assert view.selection == (3, 3)
        await pilot.press("minus")
        assert decisions(app, rid)[3] is None and view.cursor == 3


# ---------------------------------------------------------------- none and next undecided

async def test_minus_marks_none_and_again_undecides(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_longest(pilot, tui_home)
        rid, n = reader.report_id, len(reader.body)  # the body sentences are counted
        assert f"Decided 0/{n}" in info_of(reader)
        assert NONE_MARK not in gutter(reader, 0)
        await pilot.press("minus")
        assert decisions(app, rid) == {0: None}
        assert passages(app, rid) == []  # "none" is a decision, not a passage
        assert reader.view.cursor == 1  # advanced
        assert NONE_MARK in gutter(reader, 0)
        assert f"Decided 1/{n}" in info_of(reader) and "(0 tagged)" in info_of(reader)
        await pilot.press("k", "minus")  # again: undecided, and the cursor stays
        assert decisions(app, rid) == {} and app.store.for_report(rid) == []
        assert reader.view.cursor == 0
        assert NONE_MARK not in gutter(reader, 0)
        assert f"Decided 0/{n}" in info_of(reader)


async def test_next_undecided_skips_tagged_and_none(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_longest(pilot, tui_home)
        view = reader.view
        # 0 achievement, 1 none, 2 undecided, 3 task, 4 none, 5.. undecided
        await pilot.press("a", "minus", "j", "t", "minus")
        assert decisions(app, reader.report_id) == {0: "achievement", 1: None, 3: "task", 4: None}
        assert view.cursor == 5
        await pilot.press("g", "full_stop")
        assert view.cursor == 2
        await pilot.press("full_stop")
        assert view.cursor == 5
        assert f"Decided 4/{len(reader.body)}" in info_of(reader)


# ---------------------------------------------------------------- sentence-level edits

async def test_remove_one_sentence_of_a_passage_splits_it(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_longest(pilot, tui_home)
        rid = reader.report_id
        await pilot.press("J", "J", "J", "J", "a")
        assert passages(app, rid) == [("achievement", 0, 4)]
        await pilot.press("k", "k", "k")
        assert reader.view.selection == (2, 2)
        await pilot.press("x")
        assert passages(app, rid) == [("achievement", 0, 1), ("achievement", 3, 4)]
        assert decisions(app, rid) == {0: "achievement", 1: "achievement",
                                       3: "achievement", 4: "achievement"}
        assert reader.view.cursor == 2  # removing does not advance


async def test_relabel_inside_a_passage_splits_it(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_longest(pilot, tui_home)
        rid = reader.report_id
        await pilot.press("J", "J", "J", "J", "a", "k", "k", "k", "r")
        assert passages(app, rid) == [("achievement", 0, 1), ("risk", 2, 2), ("achievement", 3, 4)]
        assert len(decisions(app, rid)) == 5
        await pilot.press("k", "a")  # relabelled back: one passage again
        assert passages(app, rid) == [("achievement", 0, 4)]


async def test_selection_over_mixed_labels_relabels_to_one_passage(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_longest(pilot, tui_home)
        rid = reader.report_id
        await pilot.press("a", "t", "r", "minus")  # 0 A, 1 T, 2 R, 3 none, 4 undecided
        assert decisions(app, rid) == {0: "achievement", 1: "task", 2: "risk", 3: None}
        await pilot.press("g", "J", "J", "J", "J", "t")
        assert passages(app, rid) == [("task", 0, 4)]
        assert decisions(app, rid) == dict.fromkeys(range(5), "task")  # one doc per sentence
        assert {m.letter for m in reader.view.marks} == {"T"}
        assert reader.view.selection == (5, 5)
        # all of them already task: the same key again removes the lot
        await pilot.press("g", "J", "J", "J", "J", "t")
        assert passages(app, rid) == [] and decisions(app, rid) == {}


# ---------------------------------------------------------------- go to sentence

async def test_goto_sentence(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_longest(pilot, tui_home)
        n = reader.view.sentence_count
        await pilot.press("colon")
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("1", "2", "enter")
        await pilot.pause()
        assert app.screen is reader and reader.view.selection == (11, 11)
        assert f"sentence 12/{n}" in title_of(reader)
        for bad in (str(n + 1), "0", "abc"):
            before = len(notifications(app, "warning"))
            await pilot.press("colon", *bad, "enter")
            await pilot.pause()
            assert app.screen is reader
            assert reader.view.cursor == 11, bad
            warnings = notifications(app, "warning")
            assert len(warnings) == before + 1, bad
            assert f"1–{n}" in warnings[-1].message
        await pilot.press("colon", "escape")  # cancelled: nothing moves
        await pilot.pause()
        assert app.screen is reader and reader.view.cursor == 11
        assert decisions(app, reader.report_id) == {}  # "abc" went to the dialog, not to a/t/r


# ---------------------------------------------------------------- done

def listed_done(home, rid: str) -> bool:
    res = CliRunner().invoke(main, ["--home", str(home), "--annotator", "tester", "list", "--json"],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    [row] = [r for r in map(orjson.loads, res.stdout.splitlines()) if r["id"] == rid]
    return row["done"]


async def test_done_toggles_and_shows_in_list(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_longest(pilot, tui_home)
        rid, n = reader.report_id, len(reader.body)  # the body sentences are counted
        await pilot.press("a")
        assert not app.store.is_done(rid) and not listed_done(tui_home, rid)
        await pilot.press("D")
        assert app.store.is_done(rid)
        assert "✓ done" in info_of(reader) and f"Decided {n}/{n}" in info_of(reader)
        assert listed_done(tui_home, rid)  # a read-only store sees the writer's change
        await pilot.press("full_stop")  # nothing left undecided once done
        assert reader.view.cursor == 1
        await pilot.press("D")
        assert not app.store.is_done(rid) and not listed_done(tui_home, rid)
        assert "✓ done" not in info_of(reader) and f"Decided 1/{n}" in info_of(reader)
        await pilot.press("D", "escape")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
    assert listed_done(tui_home, rid)  # durable after the app closed


async def test_undo_after_done_restores(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_longest(pilot, tui_home)
        rid = reader.report_id
        await pilot.press("a", "D")
        assert app.store.is_done(rid)
        await pilot.press("u")
        assert not app.store.is_done(rid) and "✓ done" not in info_of(reader)
        assert decisions(app, rid) == {0: "achievement"}  # only the done mark was undone
        await pilot.press("ctrl+r")
        assert app.store.is_done(rid) and "✓ done" in info_of(reader)
        await pilot.press("u", "u")
        assert not app.store.is_done(rid) and decisions(app, rid) == {}


# ---------------------------------------------------------------- keeping your place

async def test_reopen_where_the_annotator_left(tui_home, store_factory):
    rid = longest(tui_home)
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_longest(pilot, tui_home)
        await pilot.press(*"jjjjjj")
        assert reader.view.cursor == 6
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        reader = await open_first(pilot)  # the library's cursor is still on the report
        assert reader.report_id == rid and reader.view.cursor == 6
        n = reader.view.sentence_count
        assert f"sentence 7/{n}" in title_of(reader)
        await pilot.press("j", "j", "escape")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
    again = app_for(tui_home, store_factory)  # a new app run on the same home
    async with again.run_test(size=SIZE) as pilot:
        reader = await open_longest(pilot, tui_home)
        assert reader.report_id == rid and reader.view.cursor == 8
        assert f"sentence 9/{n}" in title_of(reader)
    store = AnnotationStore(tui_home, annotator="tester", readonly=True)
    try:
        assert store.position(rid) == 8
    finally:
        store.close()


async def test_positions_are_per_annotator(tui_home, store_factory):
    rid = longest(tui_home)
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_longest(pilot, tui_home)
        await pilot.press(*"jjjj", "escape")
        await pilot.pause()
    other = make_app(tui_home, "other", store_factory=store_factory)
    async with other.run_test(size=SIZE) as pilot:
        reader = await open_longest(pilot, tui_home)
        assert reader.report_id == rid and reader.view.cursor == 0


async def test_undo_and_redo_move_the_cursor_to_the_change(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_longest(pilot, tui_home)
        rid, view = reader.report_id, reader.view
        await pilot.press("j", "j", "j", "a")  # sentence 3
        await pilot.press(*"jjjjj")
        assert view.cursor == 9
        await pilot.press("u")
        assert decisions(app, rid) == {} and view.selection == (3, 3)
        await pilot.press("G")
        await pilot.press("ctrl+r")
        assert decisions(app, rid) == {3: "achievement"} and view.selection == (3, 3)
        # a passage: undo selects what it changed
        await pilot.press("j", "J", "J", "t", "g")
        assert passages(app, rid) == [("achievement", 3, 3), ("task", 4, 6)]
        await pilot.press("u")
        assert passages(app, rid) == [("achievement", 3, 3)]
        assert view.selection == (4, 6)
        await pilot.press("escape", "g", "ctrl+r")
        assert passages(app, rid) == [("achievement", 3, 3), ("task", 4, 6)]
        assert view.selection == (4, 6)
        assert isinstance(app.screen, ReaderScreen)


async def test_escape_clears_the_selection_first(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_longest(pilot, tui_home)
        await pilot.press("j", "J", "J")
        assert reader.view.selection == (1, 3)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is reader
        assert reader.view.selection == (3, 3)  # collapsed on the cursor
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)


async def test_title_follows_the_cursor(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_longest(pilot, tui_home)
        n = reader.view.sentence_count
        assert f"sentence 1/{n}" in title_of(reader)
        await pilot.press("j")
        assert f"sentence 2/{n}" in title_of(reader)
        await pilot.press("a")  # tag and advance
        assert f"sentence 3/{n}" in title_of(reader)
        await pilot.press("J")
        assert f"sentence 4/{n}" in title_of(reader)
        await pilot.press("G")
        assert f"sentence {n}/{n}" in title_of(reader)
        await pilot.press("full_stop")  # wraps to the first undecided
        assert f"sentence 1/{n}" in title_of(reader)


async def test_note_on_an_untagged_sentence_shows_in_the_panel(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_longest(pilot, tui_home)
        rid = reader.report_id
        await pilot.press("j", "j", "n")
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"can kiem tra so lieu", "enter")
        await pilot.pause()
        assert app.screen is reader
        [doc] = app.store.for_report(rid)
        assert (doc.sentence_start, doc.decided, doc.note) == (2, False, "can kiem tra so lieu")
        assert decisions(app, rid) == {} and passages(app, rid) == []
        assert "can kiem tra so lieu" in note_of(reader) and "sentence 3" in note_of(reader)
        await pilot.press("j")  # the panel follows the cursor
        assert "can kiem tra so lieu" not in note_of(reader)
        await pilot.press("k")
        assert "can kiem tra so lieu" in note_of(reader)
        await pilot.press("minus", "k")  # a decision keeps the note
        assert decisions(app, rid) == {2: None}
        assert "can kiem tra so lieu" in note_of(reader)


async def test_quitting_from_the_reader_keeps_the_place(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_longest(pilot, tui_home)
        rid = reader.report_id
        await pilot.press("j", "j", "j", "j", "j", "ctrl+q")
        await pilot.pause()
    with AnnotationStore(tui_home, annotator="tester", readonly=True) as store:
        assert store.position(rid) == 5


async def test_library_row_shows_decided_and_done(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_longest(pilot, tui_home)
        rid, n = reader.report_id, len(reader.body)  # the body sentences are counted
        await pilot.press("a", "minus", "escape")
        await pilot.pause()
        library = app.screen
        assert isinstance(library, LibraryScreen)
        row = library._row(library.shown.index(rid), 120).plain
        assert f"  2/{n}" in row and "✓" not in row  # tagged + none
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("D", "escape")
        await pilot.pause()
        row = library._row(library.shown.index(rid), 120).plain
        assert f"{n}/{n}" in row and "✓" in row


async def test_gutter_marks_notes_and_a_click_moves_the_title(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_longest(pilot, tui_home)
        await pilot.press("n", *"xyz", "enter", "j")
        await pilot.pause()
        assert "✎" in gutter(reader, 0) and "✎" not in gutter(reader, 1)
        # the start of a sentence's second line is that sentence (its first may not be)
        i = next(i for i in range(2, 8) if reader.view.sentence_lines(i)[1] > reader.view.sentence_lines(i)[0])
        y = reader.view.sentence_lines(i)[0] + 1
        await pilot.click(reader.view, offset=(GUTTER + 1, y - reader.view.scroll_offset.y))
        await pilot.pause()
        assert reader.view.cursor == i and f"sentence {i + 1}/" in title_of(reader)
