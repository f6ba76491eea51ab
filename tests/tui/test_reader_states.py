"""Pilot tests of the reader when things are slow or fail: a report loading
in a worker, a report asked for meanwhile, failing and read-only stores,
orphaned annotations."""
from __future__ import annotations

import threading

from pilot_support import SIZE, app_for, notifications, open_first, shown_ids

from annotations.corpus.library import Library
from annotations.store import AnnotationStore, StoreError
from tui.screens.reader import ReaderScreen
from tui.widgets.annotation_list import AnnotationList

# ---------------------------------------------------------------- loading

async def test_report_without_cached_analysis_loads_in_a_worker(tui_home, store_factory,
                                                               monkeypatch):
    """While the analysis is computed in a thread only leaving works: a tag key
    is ignored (it would act on the old text). The thread waits on an event the
    test sets once it has checked that state: no timing assumption."""
    monkeypatch.setattr(Library, "is_analysed", lambda self, report_id: False)
    release, opened_in = threading.Event(), []
    real_open = Library.open

    def gated_open(self, report_id):  # as if the NLP pipeline had to run
        opened_in.append(threading.current_thread())
        assert release.wait(30), "the test never released the worker"
        return real_open(self, report_id)

    monkeypatch.setattr(Library, "open", gated_open)
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        reader = app.screen
        assert isinstance(reader, ReaderScreen)
        await pilot.press("a")  # ignored while the report loads: no tag on the old text
        assert reader.loading_report and reader.view.sentence_count == 0
        assert app.store.for_report(reader.report_id) == []
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()  # the worker's ReportLoaded message is handled
        assert opened_in and opened_in[0] is not threading.main_thread()
        assert not reader.loading_report and not reader.view.loading
        assert reader.view.sentence_count == Library(tui_home).get(reader.report_id).sentences
        await pilot.press("a")
        assert len(app.store.for_report(reader.report_id)) == 1


async def test_a_report_asked_for_meanwhile_wins(tui_home, store_factory, monkeypatch):
    """]/[ while a report loads: the slow load is cancelled and never shown."""
    monkeypatch.setattr(Library, "is_analysed", lambda self, report_id: False)
    release = threading.Event()
    real_open = Library.open
    order: list[str] = []

    def gated_open(self, report_id):
        if report_id == order[0]:
            assert release.wait(30)
        return real_open(self, report_id)

    monkeypatch.setattr(Library, "open", gated_open)
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        order += shown_ids(app)
        await pilot.press("enter", "right_square_bracket")
        reader = app.screen
        while reader.loading_report:  # the second report's worker is not gated
            await pilot.pause(0.01)
        assert reader.report_id == order[1]
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert reader.report_id == order[1]
        assert reader.canonical == Library(tui_home).text(order[1])


# ---------------------------------------------------------------- failing stores

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
        errors = notifications(app, "error")
        assert errors and "disk full" in errors[-1].message


async def test_second_instance_is_read_only(tui_home, store_factory):
    first = app_for(tui_home, store_factory)
    async with first.run_test(size=SIZE):
        assert not first.readonly
        second = app_for(tui_home, store_factory)
        async with second.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert second.readonly
            assert any("read-only" in n.message.lower() for n in notifications(second, "warning"))
            assert "READ-ONLY" in str(second.screen.query_one("#library-title").render())
            reader = await open_first(pilot)
            await pilot.press("a")
            assert second.store.for_report(reader.report_id) == []
            assert reader.view.marks == []


async def test_orphaned_annotation_is_listed_flagged_and_never_drawn(home, tmp_path):
    from click.testing import CliRunner

    from annotations.store import Selection
    from tui.cli import main

    src = tmp_path / "bao_cao.txt"
    src.write_text("Hội nghị đã đánh giá kết quả quý 3/2024.\n\nNhiệm vụ thời gian tới rất nặng nề.",
                   encoding="utf-8")
    assert CliRunner().invoke(main, ["--home", str(home), "import", str(src)]).exit_code == 0
    lib = Library(home)
    report = lib.open("bao_cao")
    with AnnotationStore(home, annotator="tester") as store:
        store.tag(Selection.of("bao_cao", report.analysis.sentences, 1, 1, report.meta.sha256),
                  "risk")
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
        assert any("no longer in the report" in n.message for n in notifications(app))
