"""Tagging, toggling, notes, undo/redo, queries, read-only, the summary cache."""
import os

import orjson
import pytest
from tinydb import Query

from annotations.store import AnnotationStore, CorruptDatabase, Passage, StoreError, UnknownLabel, shard_name
from storehelp import passage, report_ids


@pytest.fixture
def store(seeded_home):
    s = AnnotationStore(seeded_home, annotator="lan")
    yield s
    s.close()


def reopen(home, **kw) -> AnnotationStore:
    return AnnotationStore(home, readonly=True, **kw)


def test_tag_is_on_disk_when_call_returns(seeded_home, store):
    p = passage(seeded_home)
    a = store.tag(p, "risk")
    assert (a.label, a.start, a.end, a.text, a.annotator) == ("risk", p.start, p.end, p.text, "lan")
    assert a.created_at.endswith("Z") and a.created_at == a.updated_at
    with reopen(seeded_home) as other:  # another process's view: straight from disk
        assert other.for_report(p.report_id) == [a]
        assert other.counts() == {p.report_id: {"risk": 1}}


def test_shard_is_readable_utf8_not_escaped(seeded_home, store):
    p = passage(seeded_home)
    store.tag(p, "task")
    raw = (store.shards_dir / shard_name(p.report_id)).read_bytes()
    assert p.text.encode("utf-8") in raw
    assert b"\\u" not in raw


def test_toggle_relabel_and_remove(seeded_home, store):
    p = passage(seeded_home)
    first = store.tag(p, "a")  # by key
    assert first.label == "achievement"
    relabelled = store.tag(p, "task")
    assert relabelled.id == first.id and relabelled.label == "task"
    assert relabelled.created_at == first.created_at
    assert store.tag(p, "task") is None  # same label again removes
    assert store.for_report(p.report_id) == [] and store.find(p) is None


def test_one_label_per_passage_and_annotator_overlaps_allowed(seeded_home, store):
    rid = report_ids(seeded_home)[1]
    one, two = passage(seeded_home, rid, 0), passage(seeded_home, rid, 0, 1)
    store.tag(one, "risk")
    store.tag(two, "task")  # overlapping passage: a separate annotation
    store.tag(one, "achievement")  # relabels, never a second label on `one`
    with reopen(seeded_home) as ro:
        labels = sorted((a.start, a.end, a.label) for a in ro.for_report(rid))
    assert labels == sorted([(one.start, one.end, "achievement"), (two.start, two.end, "task")])


def test_other_annotators_keep_their_own_label(seeded_home, store):
    p = passage(seeded_home)
    store.tag(p, "risk")
    store.close()
    with AnnotationStore(seeded_home, annotator="minh") as other:
        other.tag(p, "achievement")
        assert other.find(p).label == "achievement"
        got = sorted((a.annotator, a.label) for a in other.for_report(p.report_id))
    assert got == [("lan", "risk"), ("minh", "achievement")]


def test_note_remove_and_relabel_by_id(seeded_home, store):
    a = store.tag(passage(seeded_home), "risk")
    noted = store.set_note(a.id, "  kiểm tra lại số liệu  ")
    assert noted.note == "kiểm tra lại số liệu" and noted.updated_at >= a.updated_at
    assert store.relabel(a.id, "task").label == "task"
    store.remove(a.id)
    assert store.get(a.id) is None
    with pytest.raises(StoreError, match="no annotation"):
        store.remove(a.id)


def test_undo_redo_sequence(seeded_home, store):
    p, q = passage(seeded_home, first=0), passage(seeded_home, first=1)
    a = store.tag(p, "risk")
    store.tag(q, "task")
    store.tag(p, "achievement")  # relabel
    store.set_note(a.id, "ghi chú")

    def state():
        return sorted((x.start, x.label, x.note) for x in store.for_report(p.report_id))

    s_all = state()
    assert store.undo().note == ""  # note undone
    assert store.undo().label == "risk"  # relabel undone
    assert state() == sorted([(p.start, "risk", ""), (q.start, "task", "")])
    gone = store.undo()  # tag of q undone: returned as it was
    assert gone.start == q.start and store.find(q) is None
    assert store.undo().label == "risk" and store.for_report(p.report_id) == []
    assert store.undo() is None  # nothing left
    for _ in range(4):
        store.redo()
    assert state() == s_all and store.redo() is None
    store.undo()
    store.tag(q, "task")  # a new change clears the redo stack (removes q's tag here)
    assert store.redo() is None
    with reopen(seeded_home) as ro:  # every step was durable
        assert [(x.start, x.label) for x in ro.for_report(p.report_id)] == [(p.start, "achievement")]


def test_undo_of_remove_restores_same_id(seeded_home, store):
    a = store.tag(passage(seeded_home), "risk")
    assert store.tag(passage(seeded_home), "risk") is None
    back = store.undo()
    assert back == a and store.get(a.id) == a


def test_query_with_tinydb_query(seeded_home, store):
    ids = report_ids(seeded_home)
    for n, rid in enumerate(ids):
        store.tag(passage(seeded_home, rid, 0), "risk" if n % 2 else "task")
    risks = list(store.query(Query().label == "risk"))
    assert sorted(a.report_id for a in risks) == sorted(ids[1::2])
    assert store.db(ids[0]).search(Query().label == "task")[0]["report_id"] == ids[0]


def test_refusals_change_nothing(seeded_home, store):
    p = passage(seeded_home)
    with pytest.raises(UnknownLabel, match="achievement"):
        store.tag(p, "opinion")
    wrong = Passage(p.report_id, p.start + 1, p.end, 0, 0, p.text, p.report_sha256)
    with pytest.raises(StoreError, match="does not match"):
        store.tag(wrong, "risk")
    with pytest.raises(StoreError, match="unknown report"):
        store.tag(Passage("nope", 0, 3, 0, 0, "abc", ""), "risk")
    assert store.counts() == {}


def test_readonly_refuses_writes_clearly(seeded_home, store):
    store.tag(passage(seeded_home), "risk")
    with reopen(seeded_home) as ro:
        assert ro.readonly
        with pytest.raises(StoreError, match="read-only"):
            ro.tag(passage(seeded_home, first=1), "risk")
        with pytest.raises(StoreError, match="read-only"):
            ro.undo()


def test_readonly_sees_writer_changes(seeded_home, store):
    with reopen(seeded_home) as ro:
        p = passage(seeded_home)
        assert ro.for_report(p.report_id) == []
        store.tag(p, "task")
        assert [a.label for a in ro.for_report(p.report_id)] == ["task"]
        assert ro.counts() == {p.report_id: {"task": 1}}


def test_summary_counts_sentences_and_annotators(seeded_home, store):
    rid = report_ids(seeded_home)[0]
    store.tag(passage(seeded_home, rid, 0, 2), "risk")
    store.tag(passage(seeded_home, rid, 1), "task")
    s = store.summary()[rid]
    assert s == {"count": 2, "labels": {"risk": 1, "task": 1}, "annotators": {"lan": 2},
                 "tagged": 3, "orphaned": 0}
    assert store.tagged_sentences() == {rid: 3}


def test_stale_summary_is_rebuilt_from_shards(seeded_home, store):
    """A writer killed after a shard write, before the summary was saved."""
    rid = report_ids(seeded_home)[0]
    store.tag(passage(seeded_home, rid, 0), "risk")
    store.close()  # summary saved: risk 1
    saved = store.summary_path.read_bytes()
    with AnnotationStore(seeded_home, annotator="lan") as s2:
        s2.tag(passage(seeded_home, rid, 1), "task")
    store.summary_path.write_bytes(saved)  # as if the close never happened
    with reopen(seeded_home) as ro:
        assert ro.counts() == {rid: {"risk": 1, "task": 1}}
    store.summary_path.write_bytes(b"{broken")  # a cache: rebuilt, not an error
    with AnnotationStore(seeded_home) as s3:
        assert s3.counts() == {rid: {"risk": 1, "task": 1}}
    assert orjson.loads(store.summary_path.read_bytes())["reports"][rid]["count"] == 2


@pytest.mark.parametrize("damage", [
    lambda b: b[: len(b) // 2],  # truncated mid-write by some other tool
    lambda b: b"",  # emptied
    lambda b: b.replace(b'"label"', b'"lable"', 1),  # hand-edited into a bad shape
    lambda b: b"[1, 2, 3]",
])
def test_corrupt_shard_is_reported_never_overwritten(seeded_home, store, damage):
    ids = report_ids(seeded_home)
    bad, good = ids[0], ids[1]
    store.tag(passage(seeded_home, bad, 0), "risk")
    store.tag(passage(seeded_home, good, 0), "task")
    store.close()
    path = store.shards_dir / shard_name(bad)
    broken = damage(path.read_bytes())
    path.write_bytes(broken)
    with AnnotationStore(seeded_home, annotator="lan") as s:
        assert s.counts() == {good: {"task": 1}}  # the rest keeps working
        assert bad in s.problems and s.problems[bad].path == path
        with pytest.raises(CorruptDatabase) as err:
            s.tag(passage(seeded_home, bad, 1), "risk")
        assert str(path) in str(err.value) and "backup" in str(err.value)
        with pytest.raises(CorruptDatabase):
            s.for_report(bad)
        s.tag(passage(seeded_home, good, 1), "risk")  # other reports: fine
    assert path.read_bytes() == broken


def test_second_store_in_same_home_is_locked(seeded_home, store):
    from annotations.store import StoreLocked

    with pytest.raises(StoreLocked, match=f"pid {os.getpid()}"):
        AnnotationStore(seeded_home)


def test_readonly_rescans_only_when_the_shard_folder_changed(seeded_home, store):
    import time

    store.tag(passage(seeded_home), "task")
    time.sleep(0.15)  # let the folder's mtime age past the coarse-clock window
    with reopen(seeded_home) as ro:
        scans = []
        real = ro._shards.scan  # the shard folder listing
        ro._shards.scan = lambda: scans.append(1) or real()
        assert ro.counts() and ro.counts() and scans == []  # nothing changed: no listing
        store.tag(passage(seeded_home, first=1), "risk")
        assert sum(ro.counts()[passage(seeded_home).report_id].values()) == 2
        assert scans == [1]
