"""underthesea's CRF chain: words -> POS -> chunks -> named entities, each
model fed the columns the previous ones produced (a constant "X" in the
column of the tag being predicted, as underthesea does).

The NER model reads words and POS tags only (its templates never name the
chunk column), so the chunking model can be left out when its tags are not
wanted: the other tags are the same."""
from __future__ import annotations

from . import models, templates
from .features import Featurizer
from .segment import Segmenter
from .templates import parse
from .values import PythonValues

Row = tuple[str, str, str, str]
CHUNK_COLUMN = 2


class Chain:
    def __init__(self):
        self.segmenter = Segmenter()
        values = PythonValues()  # the three models share what they compute per word
        steps = []
        for name, tpl in (("pos_model", templates.POS), ("chunk_model", templates.CHUNK),
                          ("ner_model", templates.NER)):
            model = models.load(name)
            steps.append((model.tagger, Featurizer(tpl, model.attributes, values)))
        (self._pos, self._pos_f), (self._chunk, self._chunk_f), (self._ner, self._ner_f) = steps
        if any(parse(t).column == CHUNK_COLUMN for t in templates.NER):
            raise AssertionError("the NER templates read chunk tags: chunking cannot be skipped")

    def forget(self) -> None:
        """Empty every cache, as in a fresh process (benchmarks, tests)."""
        self.segmenter.forget()
        for f in (self._pos_f, self._chunk_f, self._ner_f):
            f.forget()

    def ner(self, sentence: str, chunk: bool = True) -> list[Row]:
        """underthesea.ner(sentence): (word, POS, chunk, NER tag) per word;
        with chunk=False the chunk tags are "" (the rest is the same)."""
        words = self.segmenter.words(sentence)
        if not words:
            return []
        x = ["X"] * len(words)
        memo: dict = {}  # values shared by the three models (same word and POS columns)
        pos = self._pos.tag(self._pos_f([words, x], memo))
        chunks = self._chunk.tag(self._chunk_f([words, pos, x], memo)) if chunk else [""] * len(words)
        ner = self._ner.tag(self._ner_f([words, pos, chunks, x], memo))
        return list(zip(words, pos, chunks, ner))
