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
