"""Failures are messages: a full disk, a read-only file system, a permission
refused or a shard that is not a file give StoreError (one line naming the
file, what to do) and change nothing; the store keeps working afterwards."""
import errno
import os
import tempfile

import orjson
import pytest

from annotations.corpus.library import Library
from annotations.errors import StoreError
from annotations.store import AnnotationStore, CorruptDatabase, Selection, shard_name
from annotations.store.shards import StoreWriteError
from storehelp import (
    bounded,
    cli,
    fail_writes_after,
    fill_disk,
    leftovers,
    remount,
    shard_bytes,
    small_fs,
    synthetic_home,
)

_bounded = bounded(60)


def sel(home, spans, rid, i, last=None):
    return Selection.of(rid, spans[rid], i, i if last is None else last,
                        Library(home).get(rid).sha256)


def one_line(exc: BaseException) -> str:
    text = str(exc)
    assert "\n" not in exc.message and "Traceback" not in text
    return text


def labels_of(store, rid):
    return [(a.sentence_start, a.label) for a in store.for_report(rid)]


def test_tag_on_a_full_small_file_system(tmp_path):
    with small_fs(tmp_path / "fs", "400k") as fs:
        home = fs / "home"
        spans = synthetic_home(home, 3, 8)
        rid = "r000"
        store = AnnotationStore(home, annotator="lan")
        store.tag(sel(home, spans, rid, 0), "task")
        before, shown = shard_bytes(home), labels_of(store, rid)
        filler = fill_disk(fs)
        for attempt in (lambda: store.tag(sel(home, spans, rid, 1, 3), "risk"),
                        lambda: store.set_note(sel(home, spans, rid, 0), "ghi chú " * 200),
                        lambda: store.set_done(rid, True),
                        lambda: store.tag(sel(home, spans, "r001", 0), "risk"),
                        store.undo):
            with pytest.raises(StoreWriteError) as info:
                attempt()
            line = one_line(info.value)
            assert "no space left on the device" in line and "nothing was changed" in line
            assert str(home / "annotations" / "reports") in line
            assert info.value.errno == errno.ENOSPC
            assert shard_bytes(home) == before  # nothing half-written, no temp left
            assert labels_of(store, rid) == shown
        assert store.can_undo  # the failed undo kept its step
        filler.unlink()
        store.tag(sel(home, spans, rid, 1, 3), "risk")  # the same store carries on
        assert labels_of(store, rid) == [(0, "task"), (1, "risk"), (2, "risk"), (3, "risk")]
        assert store.undo() is not None and labels_of(store, rid) == shown
        store.close()
        with AnnotationStore(home, readonly=True) as ro:
            assert ro.counts() == {rid: {"task": 1}} and not ro.problems
        assert leftovers(home) == []
        fill_disk(fs)
        res = cli(home, "done", rid)  # the command line: one line, exit 1
        assert res.exit_code == 1 and "no space left on the device" in res.output
        assert "Traceback" not in res.output


def test_a_read_only_file_system(tmp_path):
    with small_fs(tmp_path / "fs", "400k") as fs:
        home = fs / "home"
        spans = synthetic_home(home, 2, 4)
        with AnnotationStore(home) as store:
            store.tag(sel(home, spans, "r000", 0), "task")
        remount(fs, "ro")
        try:
            with pytest.raises(StoreWriteError) as info:
                AnnotationStore(home)
            line = one_line(info.value)
            assert "read-only" in line and str(home / ".lock") in line
            assert "Open baocao read-only" in line
            with AnnotationStore(home, readonly=True) as ro:  # reading still works
                assert ro.counts() == {"r000": {"task": 1}}
            for args in (("done", "r000"), ("import-annotations", home / "library" / "catalogue.sqlite")):
                res = cli(home, *args)
                assert res.exit_code == 1 and "read-only" in res.output, res.output
                assert "Traceback" not in res.output
        finally:
            remount(fs, "rw")


@pytest.mark.parametrize("err", [errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EIO,
                                 errno.ENAMETOOLONG])
@pytest.mark.parametrize("after", [0, 10, 300])
def test_a_write_failing_after_n_bytes_changes_nothing(tmp_path, monkeypatch, err, after):
    home = tmp_path / "home"
    spans = synthetic_home(home, 2, 6)
    store = AnnotationStore(home, annotator="lan")
    store.tag(sel(home, spans, "r000", 0, 1), "task")
    before, shown = shard_bytes(home), labels_of(store, "r000")
    budget = fail_writes_after(monkeypatch, after, err)
    with pytest.raises(StoreWriteError) as info:
        store.tag(sel(home, spans, "r000", 1, 4), "risk")
    assert os.strerror(err).lower() not in ("",) and info.value.errno == err
    one_line(info.value)
    assert shard_bytes(home) == before and labels_of(store, "r000") == shown
    budget[0] = 10**9
    store.tag(sel(home, spans, "r000", 1, 4), "risk")
    assert [lab for _i, lab in labels_of(store, "r000")] == ["task", "risk", "risk", "risk", "risk"]
    store.close()


def test_permission_denied_at_the_temp_file(tmp_path, monkeypatch):
    home = tmp_path / "home"
    spans = synthetic_home(home, 1, 4)
    store = AnnotationStore(home)

    def refuse(*_a, **_k):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(StoreWriteError) as info:
        store.tag(sel(home, spans, "r000", 0), "task")
    assert "permission denied" in str(info.value) and "may write to that folder" in str(info.value)
    monkeypatch.undo()
    store.tag(sel(home, spans, "r000", 0), "task")
    store.close()


def test_a_summary_that_cannot_be_saved_is_quiet(tmp_path, monkeypatch):
    home = tmp_path / "home"
    spans = synthetic_home(home, 2, 4)
    import annotations.store.summary as summary_mod

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device")

    with AnnotationStore(home) as store:
        monkeypatch.setattr(summary_mod, "atomic_write_bytes", full)
        store.tag(sel(home, spans, "r000", 0), "task")
        store.replace_reports({"r001": [{**store.documents("r000")[0], "report_id": "r001"}]})
    monkeypatch.undo()
    with AnnotationStore(home, readonly=True) as ro:  # the shards are the truth
        assert ro.counts() == {"r000": {"task": 1}, "r001": {"task": 1}}


def _fifo(p):
    os.mkfifo(p)


def _folder(p):
    p.mkdir()


def _devzero(p):
    p.symlink_to("/dev/zero")


def _garbage(p):
    p.write_bytes(bytes(range(256)) * 8)


def _deep(p):
    p.write_bytes(b"[" * 100_000 + b"]" * 100_000)


SHAPES = {
    "fifo": _fifo, "folder": _folder, "dev-zero": _devzero, "garbage": _garbage, "deep": _deep,
    "list": lambda p: p.write_bytes(b"[]"), "null": lambda p: p.write_bytes(b"null"),
    "table-list": lambda p: p.write_bytes(b'{"_default": []}'),
    "doc-int-id": lambda p: p.write_bytes(b'{"_default": {"1": {"id": 5}}}'),
    "state-int": lambda p: p.write_bytes(b'{"state": {"1": 7}}'),
    "meta-empty": lambda p: p.write_bytes(b'{"meta": {"1": {}}}'),
    "empty": lambda p: p.write_bytes(b""),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_shard_that_is_not_a_shard_is_corrupt_never_a_hang_or_a_crash(tmp_path, shape):
    home = tmp_path / "home"
    spans = synthetic_home(home, 2, 4)
    with AnnotationStore(home) as store:
        store.tag(sel(home, spans, "r001", 0), "task")
    shard = home / "annotations" / "reports" / shard_name("r000")
    SHAPES[shape](shard)
    with AnnotationStore(home) as store:  # opens (within the alarm: no FIFO read)
        assert list(store.problems) == ["r000"]
        assert str(shard) in str(store.problems["r000"])
        assert store.counts() == {"r001": {"task": 1}}
        for call in (lambda: store.passages("r000"), lambda: store.for_report("r000"),
                     lambda: store.tag(sel(home, spans, "r000", 0), "task")):
            with pytest.raises(CorruptDatabase) as info:  # `show` prints this one line
                call()
            assert str(shard) in str(info.value)
    if shape == "fifo":
        assert shard.is_fifo()
    elif shape == "folder":
        assert shard.is_dir()
    res = cli(home, "export")
    assert res.exit_code == 1 and str(shard) in res.output and res.stdout == ""


@pytest.mark.parametrize("what", ["store.json", "summary.json", "journal.json"])
@pytest.mark.parametrize("shape", ["fifo", "folder"])
def test_store_files_that_are_not_files(tmp_path, what, shape):
    home = tmp_path / "home"
    spans = synthetic_home(home, 1, 4)
    with AnnotationStore(home) as store:
        store.tag(sel(home, spans, "r000", 0), "task")
    path = home / "annotations" / what
    path.unlink(missing_ok=True)
    SHAPES[shape](path)
    if what == "summary.json":  # a cache: rebuilt around it
        with AnnotationStore(home, readonly=True) as ro:
            assert ro.counts() == {"r000": {"task": 1}}
        return
    with pytest.raises(StoreError) as info:
        AnnotationStore(home)
    assert str(path) in str(info.value) and "cannot be read" in str(info.value)


def test_a_journal_naming_files_outside_the_store_is_refused(tmp_path):
    home = tmp_path / "home"
    spans = synthetic_home(home, 1, 4)
    with AnnotationStore(home) as store:
        store.tag(sel(home, spans, "r000", 0), "task")
    victim = home / "library" / "catalogue.sqlite"
    keep = victim.read_bytes()
    for renames in ([["../../library/catalogue.sqlite", "r000.json"]],
                    [[".r000.json.abcdefgh.tmp", "../../library/catalogue.sqlite"]],
                    [[".r000.json.abcdefgh.tmp", ".hidden.json"]], "x", [[1]]):
        (home / "annotations" / "journal.json").write_bytes(orjson.dumps({"renames": renames}))
        with pytest.raises(CorruptDatabase):
            AnnotationStore(home)
    assert victim.read_bytes() == keep
