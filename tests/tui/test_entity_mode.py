"""The reader's entity mode: move by word, select, set a label, remove, grow and
shrink, undo/redo, the rules list, and a correction seen in another report
(tui/entity_mode.py's maths are tested without a terminal at the end)."""
from __future__ import annotations

from pilot_support import SIZE, app_for, open_first

from annotations.corpus.library import Library
from annotations.store import AnnotationStore
from tui.entity_mode import EntityMode
from tui.screens.rules import RulesScreen

REPORT = "004_0e0ad6727c6305cf"  # a seed rich in entities; "Trung ương" recurs in others
FORM = "Trung ương"


def text_of(reader, span) -> str:
    return reader.canonical[span[0]:span[1]]


def drawn(reader) -> list[tuple[str, str, str]]:
    return [(reader.canonical[e.start:e.end], e.label, e.source) for e in reader.entities]


def same_as_applied_afresh(reader) -> bool:
    """What the reader draws (re-applied in the paragraphs a correction touched)
    is what all the rules give applied to the whole report."""
    from annotations.corrections import Rules

    fresh = Rules(reader.store.corrections(), reader.app.annotator).apply(
        reader.report_id, reader.canonical, reader.view.analysis.entities)
    return reader.entities == fresh


def stored(home) -> list:
    with AnnotationStore(home, readonly=True) as store:
        return store.corrections()


async def to_word(pilot, reader, text: str) -> None:
    """Move the cursor word by word to the first word of ``text``."""
    target = reader.canonical.index(text)
    while reader.emode.words[reader.emode.cursor][0] < target:
        await pilot.press("j")
    assert reader.emode.words[reader.emode.cursor][0] == target


async def test_move_select_set_undo_redo_and_leave(tui_home):
    app = app_for(tui_home)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_first(pilot, REPORT)
        await pilot.press("ctrl+e")
        m = reader.emode
        assert m is not None and m.cursor == 0
        assert "PER" in str(reader.query_one("#keys").render())  # the mode's keys in the bar
        await pilot.press("j", "j", "k")
        assert m.cursor == 1 and reader.view.span == m.words[1]
        await to_word(pilot, reader, FORM)
        await pilot.press("J")
        assert text_of(reader, m.selection) == FORM
        before = [e for e in drawn(reader) if e[0] == FORM]
        await pilot.press("3")  # LOC
        after = drawn(reader)
        assert (FORM, "LOC", "analyst") in after
        assert [c.text for c in stored(tui_home)] == [FORM]  # on disk before the next key
        assert sum(1 for e in after if e[:2] == (FORM, "LOC")) > 1  # the rule, elsewhere too
        assert same_as_applied_afresh(reader)
        await pilot.press("u")
        assert stored(tui_home) == [] and (FORM, "LOC", "analyst") not in drawn(reader)
        assert [e for e in drawn(reader) if e[0] == FORM] == before
        await pilot.press("ctrl+r")
        assert (FORM, "LOC", "analyst") in drawn(reader)
        await pilot.press("escape")  # leaves the mode (nothing selected)
        assert reader.emode is None and reader.view.span is None
        await pilot.press("j")
        assert reader.view.cursor == 1  # by sentence again


async def test_remove_grow_and_shrink(tui_home):
    app = app_for(tui_home)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_first(pilot, REPORT)
        await pilot.press("ctrl+e")
        m = reader.emode
        ent = reader.entities[1]  # "Trương Thị Mai" (PER)
        name = reader.canonical[ent.start:ent.end]
        await to_word(pilot, reader, name)
        await pilot.press("greater_than_sign")  # grow at the end: the comma after it
        grown = m.entity_under(reader.entities)
        assert (grown.start, grown.label, grown.source) == (ent.start, ent.label, "analyst")
        assert grown.end > ent.end
        await pilot.press("right_curly_bracket")  # shrink it back
        back = m.entity_under(reader.entities)
        assert (back.start, back.end) == (ent.start, ent.end)
        await pilot.press("left_curly_bracket")  # shrink at the start: drops "Trương"
        shrunk = [e for e in reader.entities if e.start < ent.end and ent.start < e.end]
        assert [(reader.canonical[e.start:e.end]) for e in shrunk] == [name.split(" ", 1)[1]]
        assert m.entity_under(reader.entities) is not None  # the cursor follows it
        assert same_as_applied_afresh(reader)
        await pilot.press("less_than_sign")  # and grow it again
        assert [(e.start, e.end) for e in reader.entities
                if e.start < ent.end and ent.start < e.end] == [(ent.start, ent.end)]
        await pilot.press("x")
        assert m.entity_under(reader.entities) is None
        assert stored(tui_home)[-1].kind == "remove"
        assert same_as_applied_afresh(reader)
        await pilot.press("x")  # nothing there now: a notice, nothing written
        assert len(stored(tui_home)) == 5
        await pilot.press("u")
        assert m.entity_under(reader.entities) is not None


async def test_propagation_to_another_report_and_the_rules_list(tui_home):
    lib = Library(tui_home)
    other = next(m.id for m in lib.reports() if m.id != REPORT and FORM in lib.open(m.id).text)
    app = app_for(tui_home)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_first(pilot, REPORT)
        await pilot.press("ctrl+e")
        await to_word(pilot, reader, FORM)
        await pilot.press("J", "4")  # DOC
        await pilot.press("escape", "escape", "escape")
        reader = await open_first(pilot, other)
        assert (FORM, "DOC", "rule") in drawn(reader)
        await pilot.press("R")
        assert isinstance(app.screen, RulesScreen)
        assert len(app.screen.ranked) == 1
        await pilot.press("d")
        assert app.screen.ranked == [] and stored(tui_home) == []
        await pilot.press("escape")
        await pilot.pause()
        assert (FORM, "DOC", "rule") not in drawn(reader)
        await pilot.press("u")  # the deletion is undone like any change
        assert (FORM, "DOC", "rule") in drawn(reader)


async def test_sentence_keys_are_off_in_the_mode(tui_home):
    app = app_for(tui_home)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_first(pilot, REPORT)
        await pilot.press("ctrl+e", "a")  # a tags a sentence outside the mode only
        assert reader.annotations == []
        await pilot.press("ctrl+e", "a")
        assert len(reader.annotations) == 1


def test_the_mode_maths_without_a_terminal():
    words = [(0, 2), (3, 5), (5, 6), (8, 10), (11, 13)]  # a paragraph break at 7
    m = EntityMode(words, [(0, 6), (8, 13)], at=4)
    assert m.cursor == 1
    m.extend(1)
    assert m.selection == (3, 6)
    m.extend(1)  # not over the paragraph break
    assert m.selection == (3, 6)
    m.move(-5)
    assert (m.cursor, m.anchor) == (0, 0)
    assert m.edge_moved((3, 5), "start", 1) == (0, 5)
    assert m.edge_moved((3, 5), "end", 1) == (3, 6)
    assert m.edge_moved((3, 5), "end", -1) is None  # one word: cannot shrink
    assert m.edge_moved((3, 6), "end", 1) is None  # across the break
    assert m.edge_moved((0, 6), "start", -1) == (3, 6)
