"""The gold file is well formed, and scoring counts exact matches. The quality
gate on the gold file runs the pipeline: test_entities_pipeline.py."""
from annotations.models import ENTITY_LABELS
from annotations.nlp.entities import score


def test_gold_spans_are_valid(gold_records):
    assert len(gold_records) >= 50
    for rec in gold_records:
        text = rec["paragraph"]
        assert text and text == text.strip() and "\n" not in text
        spans = sorted(rec["entities"])
        for start, end, label in spans:
            assert label in ENTITY_LABELS
            assert 0 <= start < end <= len(text)
            assert text[start:end].strip() == text[start:end]
        for (_, e1, _), (s2, _, _) in zip(spans, spans[1:]):
            assert e1 <= s2, f"overlapping gold spans in {text[:40]!r}"


def test_score_counts_exact_matches():
    res = score([([(0, 3, "PER"), (5, 9, "ORG")], [(0, 3, "PER"), (5, 8, "ORG"), (10, 12, "LOC")])])
    assert res["PER"][:3] == (1.0, 1.0, 1.0)
    assert res["ORG"][:3] == (0.0, 0.0, 0.0)
    assert res["micro"][0] == 1 / 3 and res["micro"][1] == 1 / 2


def test_unseen_gold_is_well_formed():
    """Offsets only in the repository; where the texts are cached, each span
    slices to trimmed text inside its page."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "data"))
    import fetch_unseen

    recs = fetch_unseen.records()
    assert len(recs) >= 8 and len({r["sha256"] for r in recs}) == len(recs)
    for rec in recs:
        assert rec["url"].startswith("http") and rec["set"] in ("first", "fresh") and "text" not in rec
        spans = sorted(rec["entities"])
        assert all(label in ENTITY_LABELS and 0 <= s < e for s, e, label in spans)
        assert all(e1 <= s2 for (_, e1, _), (s2, _, _) in zip(spans, spans[1:]))
    for rec, text in fetch_unseen.load()[0]:
        for s, e, _ in rec["entities"]:
            assert e <= len(text) and text[s:e] == text[s:e].strip()
