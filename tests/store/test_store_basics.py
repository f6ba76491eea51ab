"""Tagging, toggling, notes, undo/redo, queries, read-only, the summary cache."""
import os

import orjson
import pytest
from tinydb import Query

from annotations.corpus.library import Library
from annotations.store import AnnotationStore, CorruptDatabase, Selection, StoreError, UnknownLabel, shard_name
from storehelp import passage, report_ids


@pytest.fixture
def store(seeded_home):
    s = AnnotationStore(seeded_home, annotator="lan")
    yield s
    s.close()


def reopen(home, **kw) -> AnnotationStore:
    return AnnotationStore(home, readonly=True, **kw)


def labels_of(store, rid):
    """sentence index -> label of this store's annotator (None: "none")."""
    return {a.sentence_start: a.label for a in store.for_report(rid)
            if a.annotator == store.annotator and a.decided}


def test_tag_is_on_disk_when_call_returns(seeded_home, store):
    p = passage(seeded_home)
    change = store.tag(p, "risk")
    assert change == (p.report_id, 0, 0, "tagged")
    [a] = store.for_report(p.report_id)
    s, e = p.sentences[0]
    assert (a.label, a.start, a.end, a.annotator, a.source) == ("risk", s, e, "lan", "manual")
    assert a.created_at.endswith("Z") and a.created_at == a.updated_at
    with reopen(seeded_home) as other:  # another process's view: straight from disk
        assert other.for_report(p.report_id) == [a]
        assert other.counts() == {p.report_id: {"risk": 1}}


def test_shard_is_readable_utf8_not_escaped(seeded_home, store):
    p = passage(seeded_home)
    store.tag(p, "task")
    raw = (store.shards_dir / shard_name(p.report_id)).read_bytes()
    assert store.for_report(p.report_id)[0].text.encode("utf-8") in raw
    assert b"\\u" not in raw


def test_toggle_relabel_and_remove(seeded_home, store):
    p = passage(seeded_home)
    store.tag(p, "a")  # by key
    [first] = store.for_report(p.report_id)
    assert first.label == "achievement"
    assert store.tag(p, "task").what == "tagged"
    [relabelled] = store.for_report(p.report_id)
    assert relabelled.id == first.id and relabelled.label == "task"
    assert relabelled.created_at == first.created_at
    assert store.tag(p, "task").what == "removed"  # same label again removes
    assert store.for_report(p.report_id) == []


def test_a_passage_is_a_run_of_sentences_and_splits(seeded_home, store):
    rid = report_ids(seeded_home)[1]
    store.tag(passage(seeded_home, rid, 0, 4), "risk")
    assert [(a.sentence_start, a.sentence_end) for a in store.passages(rid)] == [(0, 4)]
    store.clear(passage(seeded_home, rid, 2))  # x on one sentence removes just that one
    assert [(a.sentence_start, a.sentence_end) for a in store.passages(rid)] == [(0, 1), (3, 4)]
    store.tag(passage(seeded_home, rid, 3), "task")  # relabel one: splits again
    got = [(a.sentence_start, a.sentence_end, a.label) for a in store.passages(rid)]
    assert got == [(0, 1, "risk"), (3, 3, "task"), (4, 4, "risk")]
    store.tag(passage(seeded_home, rid, 2, 3), "risk")  # over tagged ones: relabels, merges
    assert [(a.sentence_start, a.sentence_end, a.label) for a in store.passages(rid)] == [
        (0, 4, "risk")]
    [whole] = store.passages(rid)
    text = store.db(rid) and whole.text  # a merged passage is the text's slice
    sel = passage(seeded_home, rid, 0, 4)
    assert text.startswith(store.for_report(rid)[0].text) and len(text) == sel.sentences[4][1] - \
        sel.sentences[0][0]


def test_selection_toggle_removes_only_when_all_have_the_label(seeded_home, store):
    rid = report_ids(seeded_home)[1]
    store.tag(passage(seeded_home, rid, 1), "risk")
    store.tag(passage(seeded_home, rid, 0, 2), "risk")  # not all risk: tags all
    assert labels_of(store, rid) == {0: "risk", 1: "risk", 2: "risk"}
    store.tag(passage(seeded_home, rid, 0, 2), "risk")  # all risk: removes all
    assert labels_of(store, rid) == {}


def test_none_is_a_decision_and_toggles(seeded_home, store):
    rid = report_ids(seeded_home)[0]
    store.tag(passage(seeded_home, rid, 0), "task")
    assert store.mark_none(passage(seeded_home, rid, 0, 1)).what == "none"
    assert labels_of(store, rid) == {0: None, 1: None}
    assert store.progress()[rid] == {"tagged": 0, "none": 2, "done": False}
    assert store.counts() == {}  # none is not a passage
    assert store.mark_none(passage(seeded_home, rid, 0, 1)).what == "removed"
    assert labels_of(store, rid) == {}


def test_notes_on_any_sentence_survive_removal(seeded_home, store):
    rid = report_ids(seeded_home)[0]
    store.set_note(passage(seeded_home, rid, 3), "  kiểm tra lại số liệu  ")  # undecided
    [a] = store.for_report(rid)
    assert (a.note, a.decided, a.label) == ("kiểm tra lại số liệu", False, None)
    assert store.passages(rid) == [] and store.progress() == {}
    store.tag(passage(seeded_home, rid, 3), "risk")
    store.clear(passage(seeded_home, rid, 3))
    [a] = store.for_report(rid)
    assert a.note == "kiểm tra lại số liệu" and not a.decided  # the note stays
    store.set_note(passage(seeded_home, rid, 3), "")
    assert store.for_report(rid) == []


def test_other_annotators_keep_their_own_label(seeded_home, store):
    p = passage(seeded_home)
    store.tag(p, "risk")
    store.close()
    with AnnotationStore(seeded_home, annotator="minh") as other:
        other.tag(p, "achievement")
        other.clear(p)
        other.tag(p, "achievement")
        got = sorted((a.annotator, a.label) for a in other.for_report(p.report_id))
    assert got == [("lan", "risk"), ("minh", "achievement")]


def test_old_passages_split_on_first_change(seeded_home, store):
    """A schema-2 (or imported) document over three sentences: x on the middle one."""
    rid = report_ids(seeded_home)[0]
    sel = passage(seeded_home, rid, 0, 2)
    text = Library(seeded_home).text(rid)
    s, e = sel.sentences[0][0], sel.sentences[2][1]
    old = {"id": "f" * 32, "report_id": rid, "start": s, "end": e, "sentence_start": 0,
           "sentence_end": 2, "label": "risk", "text": text[s:e], "note": "n",
           "annotator": "lan", "created_at": "2025-01-01T00:00:00.000Z",
           "updated_at": "2025-01-01T00:00:00.000Z", "report_sha256": sel.report_sha256,
           "orphaned": False}
    store.shards_dir.mkdir(parents=True, exist_ok=True)  # as schema 2 wrote it
    (store.shards_dir / shard_name(rid)).write_bytes(orjson.dumps({"_default": {"1": old}}))
    assert [(a.sentence_start, a.sentence_end) for a in store.passages(rid)] == [(0, 2)]
    store.clear(passage(seeded_home, rid, 1))
    got = [(a.id == old["id"], a.sentence_start, a.note) for a in store.for_report(rid)]
    assert got == [(True, 0, "n"), (False, 2, "")]
    assert store.undo() == (rid, 1, 1, "removed")
    assert [a.to_doc() for a in store.for_report(rid)] == [{**old, "decided": True,
                                                            "source": "manual", "score": None,
                                                            "model_version": None}]


def test_done_and_position_are_per_annotator(seeded_home, store):
    rid = report_ids(seeded_home)[0]
    assert not store.is_done(rid) and store.position(rid) is None
    assert store.set_done(rid, True).what == "done"
    store.set_position(rid, 7)
    assert store.is_done(rid) and store.position(rid) == 7
    assert store.progress()[rid]["done"]
    assert store.undo() == (rid, -1, -1, "done") and not store.is_done(rid)
    assert store.position(rid) == 7  # the reading position is not an undo step
    store.redo()
    store.close()
    with AnnotationStore(seeded_home, annotator="minh") as other:
        assert not other.is_done(rid) and other.position(rid) is None
        assert other.is_done(rid, "lan")


def test_undo_redo_sequence(seeded_home, store):
    p, q = passage(seeded_home, first=0), passage(seeded_home, first=1)
    rid = p.report_id
    store.tag(p, "risk")
    store.tag(q, "task")
    store.tag(p, "achievement")  # relabel
    store.set_note(p, "ghi chú")

    def state():
        return sorted((x.sentence_start, x.label, x.note) for x in store.for_report(rid))

    s_all = state()
    assert store.undo() == (rid, 0, 0, "noted")
    assert store.undo() == (rid, 0, 0, "tagged")  # relabel undone
    assert state() == [(0, "risk", ""), (1, "task", "")]
    assert store.undo() == (rid, 1, 1, "tagged")
    assert store.undo() == (rid, 0, 0, "tagged") and store.for_report(rid) == []
    assert store.undo() is None  # nothing left
    for _ in range(4):
        store.redo()
    assert state() == s_all and store.redo() is None
    store.undo()
    store.tag(q, "task")  # a new change clears the redo stack (removes q's tag here)
    assert store.redo() is None
    with reopen(seeded_home) as ro:  # every step was durable
        assert [(x.sentence_start, x.label) for x in ro.for_report(rid)] == [(0, "achievement")]


def test_undo_of_remove_restores_same_id(seeded_home, store):
    store.tag(passage(seeded_home), "risk")
    [a] = store.for_report(passage(seeded_home).report_id)
    assert store.tag(passage(seeded_home), "risk").what == "removed"
    store.undo()
    assert store.get(a.id) == a


def test_a_change_that_changes_nothing_is_no_undo_step(seeded_home, store):
    assert store.clear(passage(seeded_home)).what == ""
    assert not store.can_undo


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
    wrong = Selection(p.report_id, p.sentences, 0, 0, "another text's hash")
    with pytest.raises(StoreError, match="do not match"):
        store.tag(wrong, "risk")
    with pytest.raises(StoreError, match="do not match"):
        store.tag(Selection(p.report_id, p.sentences, 0, len(p.sentences), p.report_sha256),
                  "risk")
    with pytest.raises(StoreError, match="unknown report"):
        store.tag(Selection("nope", ((0, 3),), 0, 0, ""), "risk")
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
    store.tag(passage(seeded_home, rid, 1), "task")  # splits: risk, task, risk
    store.mark_none(passage(seeded_home, rid, 5))
    s = store.summary()[rid]
    assert s == {"count": 3, "labels": {"risk": 2, "task": 1}, "annotators": {"lan": 3},
                 "tagged": 3, "orphaned": 0,
                 "people": {"lan": {"tagged": 3, "none": 1, "done": False}}}
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
