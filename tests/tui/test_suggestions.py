"""Suggestions in the reader (marks, hide/show, accept, accept the paragraph,
undo, override provenance), the teach queue and `baocao teach`, and snapshots
of the reader with suggestions at 120×40 and 80×24.

Every wait is on the suggestion worker: ``settled`` waits for the worker to
finish and the UI to handle what it posted."""
from __future__ import annotations

import threading
import time

import pytest
from click.testing import CliRunner
from pilot_support import SIZE, app_for, notifications, open_first, view_lines, write_config
from textual.widgets import Input

from tui.screens.teach import TeachScreen
from tui.suggestions import PRIOR, QUIET, Suggesting, SuggestionService

RID = "004_0e0ad6727c6305cf"  # a seed of 51 sentences, several paragraphs


@pytest.fixture(autouse=True)
def marks_on(suggestion_marks_off, monkeypatch):
    """Shown, as they are by default (conftest hides them for the other tests)."""
    monkeypatch.setattr(Suggesting, "suggestions_on", True)


async def settled(pilot) -> None:
    """The suggestion worker idle and its messages handled."""
    app = pilot.app
    await pilot.pause()
    while app.suggestions.busy:
        await app.workers.wait_for_complete()
        await pilot.pause()
    await pilot.pause()


async def open_reader(pilot, rid: str = RID):
    await pilot.pause()
    reader = await open_first(pilot, rid)
    await settled(pilot)
    return reader


def gutter(reader, sentence: int) -> str:
    """The gutter of the sentence's first line (after the cursor column)."""
    first, _ = reader.view.sentence_lines(sentence)
    return view_lines(reader.view)[first][1:4]


def mine(app, rid: str = RID) -> dict:
    return {a.sentence_start: a for a in app.store.for_report(rid) if a.annotator == "tester"}


def key_of(app, label: str | None) -> str:
    return "-" if label is None else next(lb.key for lb in app.labels if lb.name == label)


async def test_marks_are_dim_lower_case_with_confidence_and_never_tags(tui_home):
    app = app_for(tui_home)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_reader(pilot)
        shown = reader.shown_suggestions()
        assert reader.suggest_version == PRIOR  # no label yet: the cold-start prior
        assert set(shown) == set(reader.body)  # every undecided body sentence
        labelled = [s for s in shown.values() if s.label]
        assert labelled
        layout = reader.view.text_layout
        own_line = [s for s in shown.values()  # a line's gutter shows its first sentence's
                    if layout.line_sentences(reader.view.sentence_lines(s.sentence)[0])[0]
                    == s.sentence]
        assert len(own_line) > len(shown) / 3
        for s in own_line:
            cell = gutter(reader, s.sentence)
            assert cell[0] == key_of(app, s.label).lower()  # never a tag's capital
            assert cell[0].islower() or not s.label
            assert cell[1] == str(min(9, int(s.score * 10)))  # its confidence in tenths
        assert reader.tagged_sentences() == 0 and not reader.decided()
        assert not mine(app)
        i = labelled[0].sentence
        reader._select(i)
        side = str(reader.query_one("#suggestion").render())
        assert labelled[0].label in side and f"{labelled[0].score:.2f}" in side


async def test_one_key_hides_and_shows_the_marks(tui_home):
    app = app_for(tui_home)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_reader(pilot)
        s = next(s for s in reader.shown_suggestions().values() if s.label)
        before = gutter(reader, s.sentence)
        await pilot.press("S")
        assert gutter(reader, s.sentence).strip() == "" and not reader.shown_suggestions()
        await pilot.press("y")  # nothing shown: nothing accepted
        assert not mine(app)
        await pilot.press("S")
        assert gutter(reader, s.sentence) == before


async def test_accept_stores_the_suggestion_moves_on_and_undo_takes_it_back(tui_home):
    app = app_for(tui_home)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_reader(pilot)
        s = next(s for s in reader.shown_suggestions().values() if s.label)
        reader._select(s.sentence)
        await pilot.press("y")
        doc = mine(app)[s.sentence]
        assert (doc.label, doc.source, doc.score, doc.model_version) == (
            s.label, "suggestion", s.score, PRIOR)
        assert reader.view.cursor == reader._body_step(s.sentence, 1)
        letter = key_of(app, s.label).upper()
        assert gutter(reader, s.sentence)[0] == letter  # a saved tag now: the capital
        await settled(pilot)  # the model learnt the label: new marks, a model version
        assert reader.suggest_version.startswith("m")
        assert s.sentence not in reader.shown_suggestions()
        await pilot.press("u")
        assert s.sentence not in mine(app) or not mine(app)[s.sentence].decided
        await settled(pilot)
        assert reader.suggest_version == PRIOR  # no label again
        assert gutter(reader, s.sentence)[0] == key_of(app, s.label).lower()


async def test_accept_a_none_suggestion_marks_none(tui_home):
    app = app_for(tui_home)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_reader(pilot)
        s = next(s for s in reader.shown_suggestions().values() if s.label is None)
        reader._select(s.sentence)
        await pilot.press("y")
        doc = mine(app)[s.sentence]
        assert doc.decided and doc.label is None
        assert (doc.source, doc.score, doc.model_version) == ("suggestion", s.score, PRIOR)


async def test_the_none_key_over_a_suggested_label_records_the_override(tui_home):
    app = app_for(tui_home)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_reader(pilot)
        shown = reader.shown_suggestions()
        labelled = next(s for s in shown.values() if s.label is not None)
        agreeing = next(s for s in shown.values() if s.label is None)
        reader._select(labelled.sentence)
        await pilot.press("minus")
        doc = mine(app)[labelled.sentence]
        assert (doc.label, doc.decided, doc.source, doc.model_version) == (None, True, "manual", PRIOR)
        await settled(pilot)
        reader._select(agreeing.sentence)
        await pilot.press("minus")  # agrees with the suggestion: a plain manual none
        doc = mine(app)[agreeing.sentence]
        assert (doc.label, doc.source, doc.model_version) == (None, "manual", None)


async def test_accept_paragraph_takes_what_reaches_the_threshold(tui_home):
    write_config(tui_home, "[suggest]\nthreshold = 0.5\n")
    app = app_for(tui_home)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_reader(pilot)
        assert app.suggest_threshold == 0.5
        sents = reader.view.analysis.sentences
        shown = reader.shown_suggestions()

        def para_of(i):
            return [j for j in reader.body if sents[j].paragraph == sents[i].paragraph]

        # a paragraph with sentences on both sides of the threshold
        i = next(i for i in reader.body if len({shown[j].score >= 0.5 for j in para_of(i)}) == 2)
        para = para_of(i)
        reader._select(para[-1])
        await pilot.press("Y")
        got = mine(app)
        for j in para:
            if shown[j].score >= 0.5:
                assert got[j].decided and got[j].label == shown[j].label
                assert got[j].source == "suggestion"  # a none suggestion too
            else:
                assert j not in got
        below = [j for j in para if shown[j].score < 0.5]
        assert reader.view.cursor == below[0]  # the first still undecided
        assert not any(j in mine(app) for j in reader.body if j not in para)
        # one undo per sentence: the store has no batch step
        for _ in range(len(para) - len(below)):
            await pilot.press("u")
        assert not [d for d in mine(app).values() if d.decided]


async def test_accept_paragraph_below_the_threshold_writes_nothing(tui_home):
    write_config(tui_home, "[suggest]\nthreshold = 1.0\n")
    app = app_for(tui_home)
    async with app.run_test(size=SIZE) as pilot:
        await open_reader(pilot)
        await pilot.press("Y")
        assert not mine(app)
        assert any("threshold" in n.message for n in notifications(app))


def test_a_bad_threshold_is_refused_in_one_line(tmp_path):
    from annotations.errors import ConfigError
    from annotations.store.labels import load_config

    write_config(tmp_path, "[suggest]\nthreshold = \"high\"\n")
    with pytest.raises(ConfigError, match="threshold must be a number from 0 to 1"):
        load_config(tmp_path)


async def test_a_label_key_over_another_suggestion_records_the_override(tui_home):
    app = app_for(tui_home)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_reader(pilot)
        shown = reader.shown_suggestions()
        other = next(s for s in shown.values() if s.label != "risk")
        same = next(s for s in shown.values() if s.label == "achievement"
                    and s.sentence != other.sentence)
        reader._select(other.sentence)
        await pilot.press("r")
        doc = mine(app)[other.sentence]
        assert (doc.label, doc.source, doc.model_version) == ("risk", "manual", PRIOR)
        await settled(pilot)
        reader._select(same.sentence)
        version = reader.suggest_version
        assert reader.shown_suggestions()[same.sentence].label == "achievement", version
        await pilot.press("a")  # agrees with the suggestion: a plain manual tag
        doc = mine(app)[same.sentence]
        assert (doc.label, doc.source, doc.model_version) == ("achievement", "manual", None)


# ---------------------------------------------------------------- teach queue

async def teach_screen(pilot) -> TeachScreen:
    await pilot.pause()
    await settled(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TeachScreen)
    assert screen.current is not None
    return screen


def title(screen) -> str:
    return str(screen.query_one("#teach-title").render())


def decision(app, rid: str, i: int):
    return next((a for a in app.store.for_report(rid)
                 if a.annotator == "tester" and a.sentence_start == i), None)


async def test_teach_queue_answer_accept_none_skip_and_count(tui_home):
    app = app_for(tui_home)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("T")  # from the library
        screen = await teach_screen(pilot)
        assert "0 answers" in title(screen)
        shown = str(screen.query_one("#teach-text").render())
        q = screen.current
        assert q.item.title[:20] in str(screen.query_one("#teach-report").render())
        assert q.paragraph[q.item.start - q.para_start:][:30] in shown.replace("\n", " ")

        await pilot.press("r")  # a label key answers
        d = decision(app, *q.key)
        assert d.label == "risk" and d.decided
        assert d.model_version == (PRIOR if q.item.label != "risk" else None)
        assert screen.current is not None and screen.current.key != q.key  # the next, at once
        await settled(pilot)
        assert "1 answer here" in title(screen) and "learnt from 1 sentences" in title(screen)

        q = screen.current
        await pilot.press("y")  # accept the suggestion
        d = decision(app, *q.key)
        assert d.decided and d.label == q.item.label
        if q.item.label:
            assert (d.source, d.score) == ("suggestion", q.item.score)
        await settled(pilot)

        q = screen.current
        await pilot.press("minus")
        assert decision(app, *q.key).label is None and decision(app, *q.key).decided
        await settled(pilot)

        q = screen.current
        await pilot.press("space")  # skip: nothing written, not asked again
        assert decision(app, *q.key) is None
        await settled(pilot)
        assert screen.current.key != q.key and q.key not in [x.key for x in screen.ahead]
        assert "3 answers here" in title(screen)

        await pilot.press("u")  # the last answer (none) undone
        await settled(pilot)
        assert "2 answers here" in title(screen)
        await pilot.press("escape")
        assert not isinstance(app.screen, TeachScreen)


async def test_teach_queue_draws_report_text_inertly(tui_home):
    import dataclasses

    from tui.suggestions import Question

    app = app_for(tui_home)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("T")
        screen = await teach_screen(pilot)
        q = screen.current
        paragraph = "Mã \x1b[31mđỏ\x1b[0m và [red]cùng[/] [link=https://x.y]z[/link]."
        item = dataclasses.replace(q.item, title="[bold]Tiêu đề[/bold]\x1b]0;x\x07", start=0,
                                   end=len(paragraph))
        screen.current = Question(item, paragraph, 0, q.spans, q.sha)
        screen._show()
        text = str(screen.query_one("#teach-text").render())
        head = str(screen.query_one("#teach-report").render())
        assert "[red]cùng[/]" in text and "[link=https://x.y]z[/link]" in text
        assert "[bold]Tiêu đề[/bold]" in head
        assert "\x1b" not in text + head and "\x07" not in head


async def test_teach_queue_shows_the_model_quality(tui_home):
    """Ten answers or more in two classes: the cross-validated macro-F1 appears."""
    app = app_for(tui_home)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("T")
        screen = await teach_screen(pilot)
        for n in range(12):
            await pilot.press("a" if n % 2 else "t")
            await settled(pilot)
        assert screen.answers == 12 and screen.quality is not None
        assert f"macro-F1 {screen.quality.macro_f1:.2f}" in title(screen)


async def test_make_app_teach_opens_on_the_queue(tui_home):
    app = app_for(tui_home, teach=True)
    async with app.run_test(size=SIZE) as pilot:
        await teach_screen(pilot)
        await pilot.press("escape")
        from tui.screens.library import LibraryScreen

        assert isinstance(app.screen, LibraryScreen)


def test_baocao_teach_runs_the_app_on_the_queue(tui_home, monkeypatch):
    import tui.app
    from tui.cli import main

    calls = []
    monkeypatch.setattr(tui.app, "run_app", lambda home, annotator=None, **kw: calls.append(
        (home, annotator, kw)))
    result = CliRunner().invoke(main, ["--home", str(tui_home), "--annotator", "lan", "teach"])
    assert result.exit_code == 0, result.output
    (home, annotator, kw), = calls
    assert home.root == tui_home and annotator == "lan" and kw == {"teach": True}


# ---------------------------------------------------------------- snapshots

@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_reader_with_suggestions_snapshot(snap_compare, tui_home, size):
    async def run_before(pilot):
        for box in pilot.app.query(Input):
            box.cursor_blink = False
        await open_reader(pilot)
        await pilot.press("j", "t", "y")  # a tag, an accepted suggestion; marks on the rest
        await settled(pilot)

    assert snap_compare(app_for(tui_home), terminal_size=size, run_before=run_before)


async def test_a_killed_model_process_is_said_and_restarts_with_the_next_change(tui_home):
    app = app_for(tui_home)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_reader(pilot)
        process = app.suggestions._process
        process.kill()
        process.wait()
        s = next(s for s in reader.shown_suggestions().values() if s.label)
        reader._select(s.sentence)
        await pilot.press("y")  # the tag is saved; the dead process cannot retrain
        await settled(pilot)
        assert mine(app)[s.sentence].source == "suggestion"
        assert any("process ended" in n.message for n in notifications(app, "warning"))
        await pilot.press("u")
        await settled(pilot)
        assert app.suggestions._process is not process  # a new one answered
        assert reader.suggest_version == PRIOR and s.sentence in reader.shown_suggestions()


def test_a_burst_of_suggestion_requests_is_sent_once_the_keys_pause():
    """The debounce: a request after a pause goes at once; one that follows
    another within QUIET waits until QUIET passes without a newer one, and only
    the newest is sent (the thread's loop is run by hand here)."""
    class App:
        def run_worker(self, *args, **kwargs):  # the test runs the worker's loop itself
            pass

    service, screen = SuggestionService(App()), object()
    service.suggest(screen, "first")
    assert service._next()[:3] == ("suggest", screen, ("first",))  # no wait
    service.suggest(screen, "second")  # within QUIET of the first: a burst
    got: dict = {}
    waiting = threading.Thread(target=lambda: got.update(job=service._next(),
                                                         at=time.monotonic()))
    waiting.start()
    service.suggest(screen, "third")  # replaces "second", the wait starts again
    asked = time.monotonic()
    waiting.join()
    assert got["job"][2] == ("third",)
    assert got["at"] - asked >= QUIET - 0.01
    assert service._next() is None and not service.busy  # nothing else was waiting
