"""Adjudications in the store: annotator gold, source adjudication, who
adjudicated and who agreed; durable, undoable, never one of the annotators
compared, and kept through bulk replaces (re-anchoring, import)."""
import orjson
import pytest

from annotations.agreement import GOLD, NONE, collect, review
from annotations.corpus.library import Library
from annotations.store import AnnotationStore, Selection, StoreError


def sel(home, rid, i):
    lib = Library(home)
    return Selection.of(rid, lib.analysis(rid).sentences, i, i, lib.get(rid).sha256)


def test_adjudication_fields_are_durable_and_undoable(seeded_home):
    rid = Library(seeded_home).reports()[0].id
    with AnnotationStore(seeded_home, annotator="lead") as st:
        st.tag(sel(seeded_home, rid, 0), "task")  # the lead's own label stays apart
        ch = st.adjudicate(sel(seeded_home, rid, 0), "risk", adjudicator="lead",
                           agreed=["minh", "lan", "lan"])
        assert ch.what == "tagged"
        ch = st.adjudicate(sel(seeded_home, rid, 1), None, adjudicator="lead", agreed=[])
        assert ch.what == "none"
    shard = next((seeded_home / "annotations" / "reports").glob("*.json"))
    docs = {(d["annotator"], d["sentence_start"]): d
            for d in orjson.loads(shard.read_bytes())["_default"].values()}
    gold = docs[(GOLD, 0)]
    assert (gold["label"], gold["source"], gold["adjudicator"], gold["agreed"]) == \
        ("risk", "adjudication", "lead", ["lan", "minh"])
    assert docs[(GOLD, 1)]["label"] is None and docs[(GOLD, 1)]["decided"]
    assert docs[("lead", 0)]["label"] == "task" and "adjudicator" not in docs[("lead", 0)]
    with AnnotationStore(seeded_home, annotator="lead") as st:
        assert st.adjudicate(sel(seeded_home, rid, 0), "risk", adjudicator="lead",
                             agreed=[]).what == "removed"  # the same label again
        assert st.undo().what == "removed"
        assert {(a.annotator, a.label) for a in st.for_report(rid) if a.sentence_start == 0} \
            == {(GOLD, "risk"), ("lead", "task")}
        # a new decision by gold (e.g. relabelled by hand) drops the adjudication's fields
        st.adjudicate(sel(seeded_home, rid, 0), "task", adjudicator="hoa", agreed=["x"])
        doc = next(d for d in st.documents(rid) if d["annotator"] == GOLD
                   and d["sentence_start"] == 0)
        assert (doc["adjudicator"], doc["agreed"]) == ("hoa", ["x"])
        with pytest.raises(StoreError):
            st.adjudicate(sel(seeded_home, rid, 0), "nonsense", adjudicator="hoa", agreed=[])


def test_bulk_replace_keeps_the_optional_fields_and_refuses_others(seeded_home):
    rid = Library(seeded_home).reports()[0].id
    with AnnotationStore(seeded_home, annotator="lead") as st:
        st.adjudicate(sel(seeded_home, rid, 2), "task", adjudicator="lead", agreed=["lan"])
        docs = st.documents(rid)
        st.replace_report(rid, docs)  # as re-anchoring does
        assert next(d for d in st.documents(rid))["agreed"] == ["lan"]
        with pytest.raises(StoreError):
            st.replace_report(rid, [{**docs[0], "surprise": 1}])


def test_gold_is_never_compared_and_review_shows_it(seeded_home):
    lib = Library(seeded_home)
    rid = lib.reports()[0].id
    for who, lab in (("lan", "task"), ("minh", "risk")):
        with AnnotationStore(seeded_home, annotator=who) as st:
            st.tag(sel(seeded_home, rid, 0), lab)
            st.set_done(rid, True)
    with AnnotationStore(seeded_home, annotator="lead") as st:
        st.adjudicate(sel(seeded_home, rid, 0), "risk", adjudicator="lead", agreed=["minh"])
        st.set_done(rid, True)  # the lead marked it done too: compared as "lead", not gold
    with AnnotationStore(seeded_home, readonly=True) as st:
        units = collect(st, lib)
        rv = review(st, lib, rid)
    assert GOLD not in units[0].values and set(units[0].values) == {"lan", "lead", "minh"}
    assert rv.gold_value(0) == "risk" and rv.agreed(0, "risk") == ["minh"]
    assert rv.disagrees(0) and not rv.disagrees(rv.body[-1])
    assert rv.values[rv.body[-1]] == {"lan": NONE, "lead": NONE, "minh": NONE}
