"""Word segmentation, as underthesea.word_tokenize does it (9.5.0,
pipeline/word_tokenize): normalise the characters (NFC, "ð" -> "đ"), split
into syllables and symbols with underthesea's regex, normalise each short
token ("baì" -> "bài"), then the CRF model tags each one B-W (starts a word)
or I-W (continues the previous one).

The regex and normalisation tables are underthesea's own; what is ours is
the feature extraction (features.py, with underthesea_core's semantics) and
a memo of the token normalisation.
"""
from __future__ import annotations

import re

from underthesea.pipeline.text_normalize import token_normalize
from underthesea.pipeline.text_normalize.character_normalize import normalize_characters_in_text
from underthesea.pipeline.word_tokenize import regex_tokenize

from . import models
from .features import Featurizer
from .values import CoreValues

# compiled as regex_tokenize does at import (its global can be replaced by a
# call with fixed_words; this copy cannot)
TOKEN_RE = re.compile(r"(" + "|".join(regex_tokenize.regex_patterns) + ")", re.VERBOSE | re.UNICODE)
_CACHE_LIMIT = 200_000


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class Segmenter:
    def __init__(self):
        model = models.load("ws_model")
        self.tagger = model.tagger
        self.features = Featurizer(models.joblib_load("ws_features"), model.attributes,
                                   CoreValues(models.joblib_load("ws_dictionary")))
        self._normal: dict[str, str] = {}

    def forget(self) -> None:
        self._normal.clear()
        self.features.forget()

    def tokens(self, sentence: str) -> list[str]:
        """regex_tokenize.tokenize(sentence): each match's text is the one
        named group that matched (the alternatives are all named, none nested)."""
        text = normalize_characters_in_text(sentence)
        tokens = [m.group() for m in TOKEN_RE.finditer(text)]
        normal = self._normal
        out = list(map(normal.get, tokens))
        if None in out:
            if len(normal) > _CACHE_LIMIT:
                normal.clear()
            for t in set(tokens).difference(normal):
                normal[t] = token_normalize(t)
            out = list(map(normal.__getitem__, tokens))
        return out

    def words(self, sentence: str) -> list[str]:
        tokens = self.tokens(sentence)
        if not tokens:
            return []
        if _has_surrogate(sentence):
            # underthesea_core cannot take such a string and raises: so do we
            # (the features that would carry it are unknown to the model and
            # would otherwise never reach Rust)
            raise UnicodeEncodeError("utf-8", sentence, 0, len(sentence), "surrogates not allowed")
        tags = self.tagger.tag(self.features([tokens]))
        out: list[str] = []
        for tag, tok in zip(tags, tokens):
            if tag == "I-W" and out:
                out[-1] += " " + tok
            else:
                out.append(tok)
        return out
