"""The review screen (jump between disagreements, adjudicate, take annotator N's
label, undo/redo), the reader's column of the other annotators' letters, and
snapshots of the review at 120×40 and 80×24."""
from __future__ import annotations

import pytest
from pilot_support import SIZE, app_for, notifications, open_first
from textual.widgets import Input

from annotations.agreement import GOLD
from annotations.corpus.library import Library
from annotations.store import AnnotationStore, Selection
from tui.app import make_app
from tui.screens.review import DIFFER, ReviewScreen
from tui.widgets.others_column import OthersColumn
from tui.widgets.report_table import ReportTable

RID = "004_0e0ad6727c6305cf"  # a seed of 51 sentences


def decide(home, who: str, rid: str, labels: dict[int, str | None], done: bool) -> None:
    report = Library(home).open(rid)
    with AnnotationStore(home, annotator=who) as st:
        for i, lab in labels.items():
            sel = Selection.of(rid, report.analysis.sentences, i, i, report.meta.sha256)
            st.tag(sel, lab) if lab else st.mark_none(sel)
        if done:
            st.set_done(rid, True)


@pytest.fixture
def three(tui_home):
    """lan and minh marked the report done, hoa did not. On body sentences b0..b3:
    b0 agree (achievement), b1 lan task / minh risk, b2 both none, b3 lan
    achievement / minh task / hoa task."""
    b = Library(tui_home).analysis(RID).body_sentences()
    decide(tui_home, "lan", RID, {b[0]: "achievement", b[1]: "task", b[2]: None,
                                  b[3]: "achievement"}, done=True)
    decide(tui_home, "minh", RID, {b[0]: "achievement", b[1]: "risk", b[3]: "task"}, done=True)
    decide(tui_home, "hoa", RID, {b[3]: "task"}, done=False)
    return tui_home, b


def gold_docs(home) -> dict[int, dict]:
    with AnnotationStore(home, readonly=True) as st:
        return {d["sentence_start"]: d for d in st.documents(RID) if d["annotator"] == GOLD}


async def open_review(pilot) -> ReviewScreen:
    app = pilot.app
    await pilot.pause()  # the library (the default screen) has mounted and read its rows
    app.screen.query_one(ReportTable).move_cursor(app.screen.shown.index(RID))
    await pilot.press("v")
    await pilot.pause()
    assert isinstance(app.screen, ReviewScreen)
    return app.screen


async def test_jump_adjudicate_take_and_undo(three):
    home, b = three
    before = {d["id"]: d for d in AnnotationStore(home, readonly=True).documents(RID)}
    app = app_for(home)  # annotator "tester" adjudicates
    async with app.run_test(size=SIZE) as pilot:
        rv = await open_review(pilot)
        assert rv.shown == ["lan", "minh", "hoa"]  # done first, then the others
        assert rv.cursor_sentence == b[1]  # opens on the first disagreement
        row = rv._row(rv.rows.index(b[1]), 200).plain
        assert row.startswith(DIFFER) and "T R" in row  # letters, not colour alone
        assert not rv._row(rv.rows.index(b[0]), 200).plain.startswith(DIFFER)
        await pilot.press("right_square_bracket")
        assert rv.cursor_sentence == b[3]
        await pilot.press("left_square_bracket")
        assert rv.cursor_sentence == b[1]
        await pilot.press("left_square_bracket")  # none before: it says so, stays
        assert rv.cursor_sentence == b[1]
        assert "No disagreement before" in notifications(app)[-1].message

        await pilot.press("r")  # adjudicate as risk: minh agreed; on to the next one
        gold = gold_docs(home)
        assert gold[b[1]]["label"] == "risk" and gold[b[1]]["source"] == "adjudication"
        assert gold[b[1]]["adjudicator"] == "tester" and gold[b[1]]["agreed"] == ["minh"]
        assert rv.cursor_sentence == b[3]
        assert "R" in rv._row(rv.rows.index(b[1]), 200).plain.split("│")[1]

        await pilot.press("2")  # take minh's label: task, as hoa said too
        gold = gold_docs(home)
        assert gold[b[3]]["label"] == "task" and gold[b[3]]["agreed"] == ["hoa", "minh"]
        await pilot.press("2")  # already minh's: nothing changes
        assert gold_docs(home)[b[3]]["label"] == "task"
        await pilot.press("u")
        assert b[3] not in gold_docs(home) and rv.cursor_sentence == b[3]
        await pilot.press("ctrl+r")
        assert gold_docs(home)[b[3]]["label"] == "task"
        await pilot.press("1")  # lan's achievement instead
        assert gold_docs(home)[b[3]]["label"] == "achievement"
        assert gold_docs(home)[b[3]]["agreed"] == ["lan"]
        await pilot.press("minus")  # none: nobody said so
        assert gold_docs(home)[b[3]]["label"] is None
        assert gold_docs(home)[b[3]]["decided"] and gold_docs(home)[b[3]]["agreed"] == []
        await pilot.press("minus")  # the same key again removes the adjudication
        assert b[3] not in gold_docs(home)
        await pilot.press("9")
        assert "no annotator 9" in notifications(app)[-1].message
        await pilot.press("enter")  # the reader at this sentence, and back
        reader = app.screen
        assert reader.report_id == RID and reader.view.cursor == b[3]
        await pilot.press("k", "escape")
        assert app.screen is rv and rv.cursor_sentence == b[3]
        await pilot.press("escape")
        assert not isinstance(app.screen, ReviewScreen)
    after = {d["id"]: d for d in AnnotationStore(home, readonly=True).documents(RID)
             if d["annotator"] != GOLD}
    assert after == before  # the annotators' own decisions are never touched


async def test_read_only_review_refuses_to_adjudicate(three):
    home, b = three
    with AnnotationStore(home, annotator="other"):  # holds the writer lock
        app = app_for(home)
        async with app.run_test(size=SIZE) as pilot:
            await open_review(pilot)
            await pilot.press("t")
            assert any("Read-only" in n.message or "read-only" in n.message
                       for n in notifications(app, "warning"))
    assert gold_docs(home) == {}


async def test_no_store_no_review(three):
    from annotations.errors import BaocaoError

    def broken(*a, **k):
        raise BaocaoError("the store is broken for this test")

    app = app_for(three[0], store_factory=broken)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one(ReportTable).move_cursor(app.screen.shown.index(RID))
        await pilot.press("v")
        await pilot.pause()
        assert not isinstance(app.screen, ReviewScreen)
        assert any(n.title == "Cannot review the report" and "broken for this test" in n.message
                   for n in notifications(app, "error"))


async def test_reader_shows_the_other_annotators_letters(three):
    home, b = three
    app = make_app(home, "lan")
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_first(pilot, RID)
        column = reader.query_one(OthersColumn)
        assert not column.display
        reader._select(b[3])
        await pilot.press("O")
        await pilot.pause()
        assert column.display
        shown = str(column.content)
        assert "T minh" in shown and "T hoa" in shown and "lan" not in shown  # not mine
        await pilot.press("k")  # b2: minh marked the report done, so undecided is none
        assert "· minh" in str(column.content) and "  hoa" in str(column.content)
        await pilot.press("a")  # my own tag is not listed; the cursor moved on to b3
        assert reader.view.cursor == b[3] and "lan" not in str(column.content)
        assert "T minh" in str(column.content)
        await pilot.press("O")
        await pilot.pause()
        assert not column.display


async def test_report_text_and_names_are_shown_inertly(tui_home):
    lib = Library(tui_home)
    rid = next(m.id for m in lib.reports() if "[bold]" in m.title)  # EXTRA's markup.txt
    body = lib.analysis(rid).body_sentences()
    decide(tui_home, "lan\x1b[31m", rid, {i: "task" for i in body}, done=True)
    decide(tui_home, "[b]minh[/b]", rid, {body[0]: "risk"}, done=True)
    app = app_for(tui_home)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one(ReportTable).move_cursor(app.screen.shown.index(rid))
        await pilot.press("v")
        await pilot.pause()
        rv = app.screen
        rows = [rv._row(n, 300).plain for n in range(len(rv.rows))]
        assert any("[link=" in r for r in rows) and any("[/]" in r for r in rows)  # not markup
        assert all("\x1b" not in r for r in rows)
        assert "[b]minh[/b]" in str(rv.query_one("#review-head").content)
        assert "\x1b" not in str(rv.query_one("#review-head").content)


async def test_one_annotator_and_none_at_all(tui_home):
    b = Library(tui_home).analysis(RID).body_sentences()
    app = app_for(tui_home)
    async with app.run_test(size=SIZE) as pilot:
        rv = await open_review(pilot)  # nobody decided anything: says so, keys harmless
        assert "No annotator" in str(rv.query_one("#review-head").content)
        await pilot.press("right_square_bracket", "1")
        assert "no annotator 1" in notifications(app)[-1].message
    decide(tui_home, "lan", RID, {b[0]: "task"}, done=True)
    app = app_for(tui_home)
    async with app.run_test(size=SIZE) as pilot:
        rv = await open_review(pilot)
        assert not any(rv.review.disagrees(i) for i in rv.rows)
        assert "alpha" not in str(rv.query_one("#review-title").content)
        assert rv._gold_cell(b[0]).plain == " "  # one annotator is not unanimity
        await pilot.press("1")  # lan's task becomes the gold label
        assert gold_docs(tui_home)[b[0]]["label"] == "task"
        assert gold_docs(tui_home)[b[0]]["agreed"] == ["lan"]


async def test_library_shows_done_counts_and_alpha(three):
    home, b = three
    from annotations.agreement import alpha, collect

    with AnnotationStore(home, readonly=True) as st:
        expected = alpha(collect(st, Library(home)), ["lan", "minh"])[0]
    app = app_for(home)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        row = screen._row(screen.shown.index(RID), 200).plain
        assert f"2✓ α{expected:5.2f}" in row
        other = next(i for i, rid in enumerate(screen.shown) if rid != RID)
        assert "α" not in screen._row(other, 200).plain
        assert "done alpha" in str(screen.query_one("#library-header").content)
        await open_first(pilot, RID)
        await pilot.press("D", "escape")  # a third annotator done: recomputed on return
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "3✓ α" in screen._row(screen.shown.index(RID), 200).plain


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_review_snapshot(snap_compare, three, size):
    home, b = three

    async def run_before(pilot):
        for box in pilot.app.query(Input):
            box.cursor_blink = False
        await open_review(pilot)
        await pilot.press("r")  # b1 adjudicated as risk; the cursor on b3
        await pilot.pause()

    assert snap_compare(app_for(home), terminal_size=size, run_before=run_before)
