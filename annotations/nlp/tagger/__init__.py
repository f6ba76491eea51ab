"""underthesea's word segmentation, POS tagging, chunking and NER with the
same models and exactly the same tags, about ten times faster.

underthesea.ner() spends most of its time building feature strings in Python
(pipeline/*/tagged_feature.py re-parses every template with a regex and
rebuilds every column for every token and template). Here the templates are
compiled once (templates.py), each value is computed once per batch of
sentences and shared by the templates and models that use it (values.py),
the features a model does not know are never built into lists (features.py,
crfsuite.py), and the same model files go to the same underthesea_core
CRFTagger (models.py, segment.py, chain.py).

    ner(sentence)             == underthesea.ner(sentence)
    ner_many(sentences)       == [underthesea.ner(s) for s in sentences], faster still
    word_tokenize(sentence)   == underthesea.word_tokenize(sentence)

Like underthesea, ner() raises on text underthesea_core cannot take (lone
surrogates); ner_many gives that exception in the sentence's place, and the
pipeline then keeps the sentence's words untagged. tests/nlp/
test_tagger_identical.py holds the contract (and the hashes of the models and
templates it was checked with).

The models load on the first call (about a second), once per process; the
caches (tokens seen) are bounded, and forget() empties them.
"""
from __future__ import annotations

from functools import cache

__all__ = ["forget", "ner", "ner_many", "word_tokenize"]


@cache
def _chain():
    from .chain import Chain

    return Chain()


def ner(sentence: str, chunk: bool = True) -> list[tuple[str, str, str, str]]:
    """(word, POS, chunk, NER tag) per word, as underthesea.ner(sentence);
    chunk=False leaves the chunking model out (chunk tags "", the rest the same)."""
    return _chain().ner(sentence, chunk)


def ner_many(sentences: list[str], chunk: bool = True) -> list:
    """ner() of each sentence, tagged together (one pass of feature
    extraction per model: faster than one call each); for a sentence ner()
    would raise on, the exception instead of its rows."""
    return _chain().ner_many(sentences, chunk)


def word_tokenize(sentence: str) -> list[str]:
    return _chain().segmenter.words(sentence)


def forget() -> None:
    """Empty the tagger's caches (the vocabulary it has seen): the next text
    is tagged as in a fresh process, from the same loaded models."""
    if _chain.cache_info().currsize:
        _chain().forget()
