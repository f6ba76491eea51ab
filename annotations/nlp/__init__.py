"""NLP: canonical text -> Analysis (paragraphs, sentences, tokens, entities).

Importing this package is cheap (readers of the library need only the
version): the pipeline module loads on the first ``analyze``, underthesea
inside it.
"""
from __future__ import annotations

# Keys the analysis cache: bump it whenever analyze() may give another result.
PIPELINE_VERSION = "1.22"  # 1.22: tokens split at entity boundaries


def analyze(text: str):
    from .pipeline import analyze

    return analyze(text)


def token_tags(text: str, analysis):
    """(POS, chunk, NER) tags of each token of an analysis of text (show --tags)."""
    from .pipeline import token_tags

    return token_tags(text, analysis)


def align(text: str, pieces: list[str], start: int, end: int):
    from .pipeline import align

    return align(text, pieces, start, end)
