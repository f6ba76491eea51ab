"""underthesea's CRF chain: words -> POS -> chunks -> named entities, each
model fed the columns the previous ones produced (a constant "X" in the
column of the tag being predicted, as underthesea does).

The NER model reads words and POS tags only (its templates never name the
chunk column), so the chunking model can be left out when its tags are not
wanted: the other tags are the same."""
from __future__ import annotations

from . import models, templates
from .features import Featurizer, Layout
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
        self._before = max(f.before for _, f in steps)
        self._after = max(f.after for _, f in steps)
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
        got = self.ner_many([sentence], chunk)[0]
        if isinstance(got, Exception):
            raise got
        return got

    def ner_many(self, sentences: list[str], chunk: bool = True) -> list[list[Row] | Exception]:
        """ner() of each sentence, with one pass of feature extraction per
        model for all of them; where ner() would raise, the exception."""
        words = self.segmenter.words_many(sentences)
        out: list[list[Row] | Exception] = list(words)
        todo = [(k, w) for k, w in enumerate(words) if not isinstance(w, Exception) and w]
        if not todo:
            return out
        ws = [w for _, w in todo]
        layout = Layout([len(w) for w in ws], self._before, self._after)
        # what lies in the gaps between sentences is never read (features.Layout)
        word_col, x_col = layout.stream(ws), ["X"] * layout.total
        memo: dict = {}  # values shared by the three models (same word and POS columns)
        pos = [self._pos.tag(x) for x in self._pos_f.many(layout, [word_col, x_col], memo)]
        pos_col = layout.stream(pos)
        if chunk:
            chunks = [self._chunk.tag(x) for x in self._chunk_f.many(layout, [word_col, pos_col, x_col], memo)]
            chunk_col = layout.stream(chunks)
        else:
            chunks, chunk_col = [[""] * len(w) for w in ws], [""] * layout.total
        ner = [self._ner.tag(x) for x in self._ner_f.many(layout, [word_col, pos_col, chunk_col, x_col], memo)]
        for (k, w), p, c, n in zip(todo, pos, chunks, ner):
            out[k] = list(zip(w, p, c, n))
        return out
