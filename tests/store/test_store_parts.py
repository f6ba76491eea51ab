"""The store's parts on their own: the passage rule, the undo history, the
summary's read-only follow rule."""
import time

import pytest

from annotations.store import Change, passage_key
from annotations.store.history import History, Step
from annotations.store.records import ADDED_IN_3, holder
from annotations.store.summary import Summary


def doc(**kw):
    d = {"id": "a", "report_id": "r", "start": 0, "end": 10, "sentence_start": 0,
         "sentence_end": 0, "label": "risk", "text": "Kết quả t.", "note": "", "annotator": "lan",
         "created_at": "", "updated_at": "", "report_sha256": "", "orphaned": False, **ADDED_IN_3}
    return {**d, **kw}


# ---------------------------------------------------------------- the passage rule
def test_one_label_per_exact_passage_and_annotator():
    d = doc()
    assert passage_key(doc(id="b", label="task")) == passage_key(d)  # same passage: one label
    assert passage_key(doc(annotator="minh")) != passage_key(d)  # others keep their own
    assert passage_key(doc(end=11)) != passage_key(d)  # another span is another key


def test_an_orphans_passage_is_its_text():
    orphan = doc(orphaned=True)
    assert passage_key(orphan) != passage_key(doc())  # never collides with a placed one
    assert passage_key(doc(orphaned=True, start=50, end=60)) == passage_key(orphan)
    assert holder([orphan, doc()], passage_key(doc())) == doc()
    assert holder([orphan], passage_key(doc())) is None


# ---------------------------------------------------------------- undo history
def step(n, rid="r"):
    return Step(Change(rid, n, n, "tagged"), {f"id{n}": (None, {"n": n})}, {})


def test_history_keeps_the_last_limit_steps():
    h = History(limit=3)
    for n in range(5):
        h.record(step(n))
    replayed = []
    while h.replay(lambda rid, docs, state: replayed.extend(docs), back=True) is not None:
        pass
    assert replayed == ["id4", "id3", "id2"]


def test_a_new_change_clears_redo():
    h = History()
    h.record(step(1))
    h.replay(lambda *a: None, back=True)
    assert h.can_redo
    h.record(step(2))
    assert not h.can_redo and h.can_undo


def test_a_failed_write_keeps_the_step():
    h = History()
    h.record(step(1))

    def fail(*a):
        raise OSError("disk full")

    with pytest.raises(OSError):
        h.replay(fail, back=True)
    assert h.can_undo and not h.can_redo
    assert h.replay(lambda *a: None, back=True) == ("r", 1, 1, "tagged")


def test_dropping_a_report_keeps_the_others_steps():
    h = History()
    for n, rid in enumerate(["a", "b", "a"]):
        h.record(step(n, rid))
    h.replay(lambda *a: None, back=True)  # one "a" step on the redo side
    h.drop_report("a")
    assert not h.can_redo
    seen = []
    while h.replay(lambda rid, aid, d: seen.append(rid), back=True) is not None:
        pass
    assert seen == ["b"]


# ---------------------------------------------------------------- summary follow rule
class FakeShards:
    """A shard folder with no shards whose mtime the test sets."""

    def __init__(self, mtime_ns: int):
        self.mtime_ns = mtime_ns
        self.scans = 0

    def folder_sig(self):
        return (1, self.mtime_ns)

    def scan(self):
        self.scans += 1
        return {}


def follower(tmp_path, mtime_ns, readonly=True):
    shards = FakeShards(mtime_ns)
    summary = Summary(tmp_path / "summary.json", shards, readonly=readonly)
    summary.load()
    assert shards.scans == 1
    return summary, shards


def test_follow_trusts_an_old_unchanged_folder(tmp_path):
    summary, shards = follower(tmp_path, time.time_ns() - 1_000_000_000)
    summary.follow()
    assert shards.scans == 1
    shards.mtime_ns += 1  # a writer renamed a shard into the folder
    summary.follow()
    assert shards.scans == 2


def test_follow_distrusts_a_folder_mtime_close_to_the_last_check(tmp_path):
    # A write in the same coarse clock tick as the check leaves the mtime unchanged.
    summary, shards = follower(tmp_path, time.time_ns())
    summary.follow()
    assert shards.scans == 2


def test_a_writer_never_rescans(tmp_path):
    summary, shards = follower(tmp_path, time.time_ns(), readonly=False)
    shards.mtime_ns += 1
    summary.follow()
    assert shards.scans == 1
