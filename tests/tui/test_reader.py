"""Pilot tests of the reader: moving, tagging, undo across reports, notes,
entities, keys typed at once (test_reader_states.py: loading, failures)."""
from __future__ import annotations

from pilot_support import SIZE, app_for, longest, open_first, shown_ids, view_lines

from annotations.corpus.library import Library
from annotations.store import AnnotationStore
from tui.screens.library import LibraryScreen
from tui.screens.note import PromptScreen
from tui.screens.reader import ReaderScreen
from tui.widgets.annotation_list import AnnotationList
from tui.widgets.report_view import GUTTER, ReportView


def title_of(reader: ReaderScreen) -> str:
    return str(reader.query_one("#reader-title").render())


# ---------------------------------------------------------------- moving

async def test_open_move_extend_and_back(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first = shown_ids(app)[0]
        reader = await open_first(pilot)
        view = reader.view
        body = reader.body  # the headline (sentence 0) is not one: the cursor starts past it
        assert reader.report_id == first and body[0] == 1 and view.cursor == body[0]
        await pilot.press("j", "down")
        assert view.selection == (body[2], body[2])
        await pilot.press("k")
        assert view.selection == (body[1], body[1])
        await pilot.press("up", "up")  # never onto the headline
        assert view.selection == (body[0], body[0])
        await pilot.press("J", "shift+down")
        assert (view.anchor, view.cursor) == (body[0], body[2])
        await pilot.press("K")
        assert view.selection == (body[0], body[1])
        await pilot.press("shift+up")
        assert view.selection == (body[0], body[0])
        await pilot.press("G")
        assert view.cursor == body[-1]
        await pilot.press("g")
        assert view.cursor == body[0]
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)
        reader = await open_first(pilot)
        await pilot.press("q")
        assert isinstance(app.screen, LibraryScreen)


async def test_tab_moves_focus_to_the_annotation_list(tui_home, store_factory):
    """The reader's own bindings replace the table's, not Screen's (tab, ctrl+c)."""
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = await open_first(pilot)
        await pilot.press("a", "t", "k", "tab")  # a then t: the first two body sentences
        b = reader.body
        options = reader.query_one(AnnotationList)
        assert app.focused is options and options.highlighted == 0
        await pilot.press("j")  # the list's highlight moves, not the report's cursor
        assert options.highlighted == 1 and reader.view.cursor == b[1]
        await pilot.press("enter")  # jumps to that sentence and focuses the report
        assert app.focused is reader.view
        await pilot.press("k", "tab")
        assert reader.view.cursor == b[0] and app.focused is options
        await pilot.press("shift+tab")
        assert app.focused is reader.view


async def test_page_keys_move_by_a_screen(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = await open_first(pilot, longest(tui_home))
        view = reader.view
        height = view.scrollable_content_region.height
        assert view.text_layout.line_count > 2 * height  # the report is longer than a page
        await pilot.press("pagedown")  # a screen on, keeping two lines of context
        assert view.cursor == view.text_layout.sentence_at_line(height - 2) > 0
        await pilot.press("space")
        second = view.cursor
        assert second > view.text_layout.sentence_at_line(height - 2)
        await pilot.press("pageup")
        assert view.cursor < second


async def test_next_and_previous_report(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        order = shown_ids(app)
        reader = await open_first(pilot)
        assert title_of(reader).startswith(f"1/{len(order)}")
        await pilot.press("right_square_bracket")
        lib = Library(tui_home)
        assert reader.report_id == order[1]
        assert reader.canonical == lib.text(order[1])
        assert title_of(reader).startswith(f"2/{len(order)}")
        assert lib.get(order[1]).title in title_of(reader)
        await pilot.press("left_square_bracket")
        assert reader.report_id == order[0]
        await pilot.press("left_square_bracket")  # already the first: stays
        assert reader.report_id == order[0]
        assert title_of(reader).startswith(f"1/{len(order)}")


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
        line_start = view.text_layout.lines[y][1]
        x = GUTTER + len(view.text[line_start:sent.start])
        await pilot.click(ReportView, offset=(x + 1, y - view.scroll_offset.y))
        assert view.cursor == target


# ---------------------------------------------------------------- tagging

async def test_tag_relabel_remove_undo_redo(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = await open_first(pilot)
        rid = reader.report_id
        store = app.store
        b = reader.body  # sentence 0 is the headline
        await pilot.press("j", "a")
        anns = store.for_report(rid)
        assert [(a.label, a.sentence_start, a.sentence_end) for a in anns] == [("achievement", b[1], b[1])]
        assert reader.view.cursor == b[2]  # tag and advance
        assert reader.view.marks[0].letter == "A"
        assert "A" in view_lines(reader.view)[reader.view.sentence_lines(b[1])[0]][:GUTTER]
        await pilot.press("k", "t")  # relabel
        assert [a.label for a in store.for_report(rid)] == ["task"]
        await pilot.press("k", "t")  # same key again: removed, and the cursor stays
        assert store.for_report(rid) == [] and reader.view.cursor == b[1]
        assert reader.view.marks == []
        assert "T" not in view_lines(reader.view)[reader.view.sentence_lines(b[1])[0]][:GUTTER]
        await pilot.press("j", "u")  # undo the removal: the cursor goes to it
        assert [a.label for a in store.for_report(rid)] == ["task"] and reader.view.cursor == b[1]
        await pilot.press("ctrl+r")  # redo it
        assert store.for_report(rid) == []
        await pilot.press("r", "k", "x")
        assert store.for_report(rid) == []
        await pilot.press("u")
        assert [a.label for a in store.for_report(rid)] == ["risk"]
        # the library shows the counts after going back
        await pilot.press("escape")
        await pilot.pause()
        screen = app.screen
        row = screen._row(screen.shown.index(rid), 120).plain
        meta = Library(tui_home).get(rid)
        assert meta.body_sentences < meta.sentences  # the headline is not counted
        assert f"  1/{meta.body_sentences}" in row
    # durable: a fresh store on the same home sees it
    again = AnnotationStore(tui_home, annotator="tester")
    try:
        assert [a.label for a in again.for_report(rid)] == ["risk"]
    finally:
        again.close()


async def test_undo_in_another_report_opens_it_and_retitles(tui_home, store_factory):
    """Undo of a tag made in another report loads that report: the text, the
    i/N title and ]/[ all follow it (one reactive report id)."""
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        order = shown_ids(app)
        reader = await open_first(pilot)
        await pilot.press("j", "j", "a")  # tagged in report 1 (its third body sentence)
        tagged = reader.body[2]
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert reader.report_id == order[2]
        assert title_of(reader).startswith(f"3/{len(order)}")
        await pilot.press("u")  # undoes the tag in report 1: back there, on the sentence
        await pilot.pause()
        assert reader.report_id == order[0]
        assert reader.canonical == Library(tui_home).text(order[0])
        assert title_of(reader).startswith(f"1/{len(order)}")
        assert Library(tui_home).get(order[0]).title in title_of(reader)
        assert reader.view.cursor == tagged
        assert app.store.for_report(order[0]) == []
        await pilot.press("right_square_bracket")
        assert reader.report_id == order[1]


async def test_keys_typed_in_one_burst_run_in_order(tui_home, store_factory):
    """Keys that arrive together (fast typing, a paste, tmux send-keys) act in
    the order typed: each reader key is a priority binding, handled before
    the next key is read. Before, "t" then "n" at once opened the note on the
    untagged sentence and lost the tag; "j a" could tag before moving."""
    from textual import events

    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = await open_first(pilot, longest(tui_home))

        async def burst(*keys: str) -> None:  # all queued before the app reads one
            for key in keys:
                app.post_message(events.Key(key, key if len(key) == 1 else None))
            for _ in range(3):
                await pilot.pause()

        await burst("j", "a", "j", "t", "k", "n", "x", "y")
        assert isinstance(app.screen, PromptScreen)
        await burst("enter")
        await burst("j", "r", "k", "x", "j", "j")
        assert isinstance(app.screen, ReaderScreen)
        got = [(a.label, a.sentence_start, a.note) for a in app.store.for_report(reader.report_id)]
        assert got == [("achievement", 1, ""), ("task", 3, "xy")]
        assert reader.view.cursor == 6


async def test_extended_selection_tags_one_passage(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = await open_first(pilot, longest(tui_home))
        await pilot.press("j", "J", "J", "a")
        # blank lines between paragraphs stay blank (no gutter mark, no letter)
        drawn = view_lines(reader.view)
        for y, (p, _, _) in enumerate(reader.view.text_layout.lines):
            if p < 0:
                assert not drawn[y].strip(), (y, drawn[y])
        [ann] = app.store.passages(reader.report_id)
        assert (ann.sentence_start, ann.sentence_end) == (1, 3)
        assert len(app.store.for_report(reader.report_id)) == 3  # one decision per sentence
        text = Library(tui_home).text(reader.report_id)
        assert text[ann.start:ann.end] == ann.text
        assert reader.view.selection == (4, 4)  # collapsed, and moved past the selection
        # a key acts on the sentence: relabelling one splits the passage
        await pilot.press("k", "k", "r")
        got = [(a.label, a.sentence_start, a.sentence_end)
               for a in app.store.passages(reader.report_id)]
        assert got == [("achievement", 1, 1), ("risk", 2, 2), ("achievement", 3, 3)]
        options = reader.query_one(AnnotationList)
        assert options.option_count == 3
        # a selection over tagged sentences relabels them: one passage, no overlap
        await pilot.press("k", "k", "J", "J", "t")
        got = [(a.label, a.sentence_start, a.sentence_end)
               for a in app.store.passages(reader.report_id)]
        assert got == [("task", 1, 3)] and options.option_count == 1
        assert {m.letter for m in reader.view.marks} == {"T"}


async def test_next_untagged_and_annotation_jump(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = await open_first(pilot, longest(tui_home))
        await pilot.press("a", "minus", "t", "g", "full_stop")  # none counts as decided
        assert reader.view.cursor == 3
        options = reader.query_one(AnnotationList)
        options.focus()
        options.highlighted = 1
        await pilot.press("enter")  # second annotation: sentence 2
        assert reader.view.cursor == 2
        assert app.focused is reader.view


async def test_note_dialog(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = await open_first(pilot)
        await pilot.press("n")  # an untagged sentence takes a note too
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"xem lai", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        [ann] = app.store.for_report(reader.report_id)
        assert (ann.note, ann.decided, ann.sentence_start) == ("xem lai", False, reader.body[0])
        assert "xem lai" in str(reader.query_one("#note").render())  # shown in the side panel
        await pilot.press("a", "k")  # tagging keeps the note
        [ann] = app.store.for_report(reader.report_id)
        assert (ann.label, ann.note) == ("achievement", "xem lai")
        await pilot.press("n", "escape")  # cancel keeps the note
        await pilot.pause()
        assert app.store.for_report(reader.report_id)[0].note == "xem lai"


async def test_note_typed_right_after_n_goes_to_the_dialog(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = await open_first(pilot)
        await pilot.press("t", "k", "n", *"rat quan", "enter")
        await pilot.pause()
        [ann] = app.store.for_report(reader.report_id)
        assert (ann.label, ann.note) == ("task", "rat quan")


async def test_entities_toggle(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = await open_first(pilot, longest(tui_home))
        view = reader.view
        assert view.analysis.entities and view.entities_on
        ent = view.analysis.entities[0]
        p = view.text_layout.paragraph_at(ent.start)
        start = view.analysis.paragraphs[p].start
        styled = view.styled_paragraph(p)
        assert any(s.start <= ent.start - start < s.end for s in styled.spans)
        await pilot.press("e")
        assert not view.entities_on
        plain = view.styled_paragraph(p)
        assert len(plain.spans) < len(styled.spans)
        assert "off" in str(reader.query_one("#legend").render())
        await pilot.press("e")
        assert view.entities_on
