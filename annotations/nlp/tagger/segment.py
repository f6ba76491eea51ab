"""Word segmentation, as underthesea.word_tokenize does it (9.5.0,
pipeline/word_tokenize): normalise the characters (NFC, "ð" -> "đ"), split
into syllables and symbols with underthesea's regex, normalise each short
token ("baì" -> "bài"), then the CRF model tags each one B-W (starts a word)
or I-W (continues the previous one).

The regex and normalisation tables are underthesea's own; what is ours is
the feature extraction (features.py, with underthesea_core's semantics), the
regex applied chunk by chunk (regex_tokens) and a memo of the token
normalisation.
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
_CHUNK_RE = re.compile(r"\S+")
_CACHE_LIMIT = 200_000  # normalised tokens remembered; then the memo starts over


def regex_tokens(text: str) -> list[str]:
    """[m.group() for m in TOKEN_RE.finditer(text)], faster: no match starts on
    whitespace, and a chunk of letters only (str.isalpha) is one \\w+ match,
    the only earlier alternatives that can start on a letter needing a
    character that is not one ("." "&" "'" "-" ":" "@" digits), except "Th.S"
    and "Th.s", whose "." matches anything: those chunks, and all others, go
    through the regex from where they start. A match that runs past its chunk
    (only "Th S" can) sends the whole text the slow way."""
    out: list[str] = []
    for chunk in _CHUNK_RE.finditer(text):
        word, start, end = chunk.group(), chunk.start(), chunk.end()
        if word.isalpha() and not (word.startswith("Th") and text[start + 3:start + 4] in ("S", "s")):
            out.append(word)
            continue
        for m in TOKEN_RE.finditer(text, start):
            if m.start() >= end:
                break
            if m.end() > end:
                return [m.group() for m in TOKEN_RE.finditer(text)]
            out.append(m.group())
    return out


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
        tokens = regex_tokens(normalize_characters_in_text(sentence))
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
        got = self.words_many([sentence])[0]
        if isinstance(got, Exception):
            raise got
        return got

    def words_many(self, sentences: list[str]) -> list[list[str] | Exception]:
        """The words of each sentence, with one pass of feature extraction for
        all of them; where underthesea would raise, the exception instead."""
        out: list[list[str] | Exception] = []
        todo: list[tuple[int, list[str]]] = []
        for k, sentence in enumerate(sentences):
            tokens = self.tokens(sentence)
            if tokens and _has_surrogate(sentence):
                # underthesea_core cannot take such a string and raises: so do we
                # (the features that would carry it are unknown to the model and
                # would otherwise never reach Rust)
                out.append(UnicodeEncodeError("utf-8", sentence, 0, len(sentence), "surrogates not allowed"))
                continue
            out.append([])
            if tokens:
                todo.append((k, tokens))
        if todo:
            layout = self.features.layout([len(t) for _, t in todo])
            rows = self.features.many(layout, [layout.stream([t for _, t in todo])], {})
            for (k, tokens), x in zip(todo, rows):
                out[k] = _join(self.tagger.tag(x), tokens)
        return out


def _join(tags: list[str], tokens: list[str]) -> list[str]:
    """Words from B-W/I-W tags: an I-W token continues the word before it."""
    out: list[str] = []
    for tag, tok in zip(tags, tokens):
        if tag == "I-W" and out:
            out[-1] += " " + tok
        else:
            out.append(tok)
    return out
