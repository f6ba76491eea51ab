import json
from pathlib import Path

import pytest

GOLD = Path(__file__).resolve().parent.parent / "data" / "gold_entities.jsonl"


@pytest.fixture(scope="session")
def ents():
    """text -> [(surface, label)] through the whole pipeline (underthesea + rules)."""
    from annotations.nlp import analyze

    def run(text: str) -> list[tuple[str, str]]:
        return [(text[e.start:e.end], e.label) for e in analyze(text).entities]

    return run


@pytest.fixture(scope="session")
def gold_records() -> list[dict]:
    """tests/data/gold_entities.jsonl: {"paragraph", "entities": [[start, end, label]]} per line."""
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line]
