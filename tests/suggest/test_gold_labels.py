"""The seeds' gold labels (tests/data/gold_labels.jsonl, guidelines in LABELS.md)."""
from collections import Counter

from suggesthelp import gold

from annotations.corpus.library import Library

LABELS = {"achievement", "task", "risk", None}


def test_every_body_sentence_of_the_seeds_has_one_gold_label_whose_offsets_slice_back(seeded_home):
    lib = Library(seeded_home)
    records = gold()
    assert {g["label"] for g in records} <= LABELS
    seen = Counter((g["report"], g["sentence"]) for g in records)
    assert max(seen.values()) == 1
    for m in lib.reports():  # every sentence, in order (rebuilt by tests/data/make_gold_labels.py)
        r = lib.open(m.id)
        assert sorted(i for rid, i in seen if rid == m.id) == list(range(len(r.analysis.sentences)))
    for g in records:
        r = lib.open(g["report"])
        s = r.analysis.sentences[g["sentence"]]
        assert (s.start, s.end) == (g["start"], g["end"])
        assert r.text[g["start"]:g["end"]] == g["text"]
        if not r.analysis.is_body(g["sentence"]):
            assert g["label"] is None  # headings and captions are none


def test_the_gold_set_has_every_class():
    counts = Counter(g["label"] for g in gold())
    assert set(counts) == LABELS
    assert min(counts.values()) >= 20
