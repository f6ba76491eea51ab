import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="session")
def ents():
    """text -> [(surface, label)] through the whole pipeline (underthesea + rules)."""
    from annotations.nlp import analyze

    def run(text: str) -> list[tuple[str, str]]:
        return [(text[e.start:e.end], e.label) for e in analyze(text).entities]

    return run
