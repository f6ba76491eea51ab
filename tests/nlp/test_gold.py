"""The gold file is well formed, and the entity layer stays good on it."""
import json
from pathlib import Path

from annotations.nlp.entities import score
from annotations.models import ENTITY_LABELS

GOLD = Path(__file__).resolve().parent.parent / "data" / "gold_entities.jsonl"


def records():
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line]


def test_gold_spans_are_valid():
    recs = records()
    assert len(recs) >= 50
    for rec in recs:
        text = rec["paragraph"]
        assert text and text == text.strip() and "\n" not in text
        spans = sorted(rec["entities"])
        for start, end, label in spans:
            assert label in ENTITY_LABELS
            assert 0 <= start < end <= len(text)
            assert text[start:end].strip() == text[start:end]
        for (_, e1, _), (s2, _, _) in zip(spans, spans[1:]):
            assert e1 <= s2, f"overlapping gold spans in {text[:40]!r}"


def test_micro_f1_on_gold_is_at_least_085():
    """Quality gate (not timed): catches regressions in the rules."""
    from annotations.nlp import analyze

    pairs = []
    for rec in records():
        pred = [(e.start, e.end, e.label) for e in analyze(rec["paragraph"]).entities]
        pairs.append((rec["entities"], pred))
    res = score(pairs)
    assert res["micro"][2] >= 0.85, res


def test_score_counts_exact_matches():
    res = score([([(0, 3, "PER"), (5, 9, "ORG")], [(0, 3, "PER"), (5, 8, "ORG"), (10, 12, "LOC")])])
    assert res["PER"][:3] == (1.0, 1.0, 1.0)
    assert res["ORG"][:3] == (0.0, 0.0, 0.0)
    assert res["micro"][0] == 1 / 3 and res["micro"][1] == 1 / 2
