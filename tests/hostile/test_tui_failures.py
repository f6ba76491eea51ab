"""The TUI under failures: a full disk while tagging, a home that cannot be
written, an empty home another process is importing into, a corrupt shard.
It says what happened, keeps running and never writes where it must not."""
import errno
import os

from pilot_support import SIZE, longest, notifications, open_first

from annotations.home import Home
from annotations.store import AnnotationStore, shard_name
from tui.app import make_app
from tui.screens.library import LibraryScreen
from tui.screens.reader import ReaderScreen


def title_of(reader) -> str:
    return str(reader.query_one("#reader-title").render())


async def test_a_full_disk_while_tagging_is_shown_and_the_app_keeps_running(seeded_home, monkeypatch):
    app = make_app(seeded_home, "tester")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = await open_first(pilot, longest(seeded_home))
        rid = reader.report_id

        def full(*_a, **_k):
            raise OSError(errno.ENOSPC, "No space left on device", "reports/x.json")

        monkeypatch.setattr(app.store._shards, "apply", full)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)  # still running
        assert app.store.for_report(rid) == [] and reader.view.marks == []  # shows what is saved
        assert any(n.title == "Tag not saved" and "No space left" in n.message
                   for n in notifications(app, "error"))
        assert "NOT SAVED" in title_of(reader) and reader.view.cursor == 0
        monkeypatch.undo()  # space again: the next tag is saved, the warning goes
        await pilot.press("a")
        await pilot.pause()
        assert [a.label for a in app.store.for_report(rid)] == ["achievement"]
        assert "NOT SAVED" not in title_of(reader)


async def test_a_home_that_cannot_be_written_opens_read_only(seeded_home, monkeypatch):
    def refuse(self, *a, **k):
        raise OSError(errno.EROFS, "Read-only file system", str(self.lock_path))

    monkeypatch.setattr(Home, "acquire_writer", refuse)
    app = make_app(seeded_home, "tester")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.readonly and app.store is not None and app.store.readonly
        assert any("read-only" in n.message and "cannot be written" in n.message for n in notifications(app))
        reader = await open_first(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert app.store.for_report(reader.report_id) == []
        assert any("cannot be written" in n.message for n in notifications(app, "warning"))


async def test_an_empty_home_being_imported_into_is_never_seeded(home):
    other = Home(home)
    other.acquire_writer("import")  # another process's `baocao import` holds the home
    try:
        app = make_app(home, "tester")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, LibraryScreen) and not screen.seeding
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert screen.shown == []
            assert "another baocao is writing" in str(screen.query_one("#library-empty").render())
        assert not Home(home).texts_dir.exists() or not list(Home(home).texts_dir.iterdir())
    finally:
        other.release_writer()


async def test_a_corrupt_shard_is_announced_and_its_report_still_opens(seeded_home):
    rid = longest(seeded_home)
    with AnnotationStore(seeded_home, annotator="tester") as store:
        pass  # the store exists
    shard = store.shards_dir / shard_name(rid)
    shard.parent.mkdir(parents=True, exist_ok=True)
    shard.write_bytes(b'{"_default": {"1": {"id": "broken"')  # torn by some other tool
    before = shard.read_bytes()
    app = make_app(seeded_home, "tester")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert any("unreadable" in (n.title or "") for n in notifications(app, "error"))
        reader = await open_first(pilot, rid)
        assert reader.canonical  # the text is shown
        assert any(n.title == "Annotations unreadable" for n in notifications(app, "error"))
        await pilot.press("a", "minus", "n")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        await pilot.press("right_square_bracket", "a")  # other reports: fine
        await pilot.pause()
        assert [a.label for a in app.store.for_report(reader.report_id)] == ["achievement"]
    assert shard.read_bytes() == before  # never written over
    assert os.path.getsize(shard) == len(before)
