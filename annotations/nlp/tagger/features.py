"""Feature extraction for one CRF model: templates compiled once, values
computed once per batch of sentences, only the features the model knows.

A model knows a fixed set of features ("<template>=<value>", its CRFsuite
attributes: crfsuite.py). Split at their first "=", they become, per
template, a table value -> feature; templates that share a (column, length,
function) key share one table, value -> the features of each of them. The
sentences of a batch are laid end to end with gaps between them (Layout);
the values of each key are computed once over the whole batch, set to
"BOS"/"EOS" where a window leaves its sentence (the strings underthesea
writes there) and looked up once; each template then takes its feature at
its offset. A value a template's table lacks is a feature the model has no
weight for: CRFTagger would drop it, so it is left out here, never built.
The features of a token keep the order of the templates, so the tagger adds
the same weights in the same order as with underthesea's own extraction.

One pass over a batch instead of one per sentence saves the fixed cost of
each pass, and keeps one model's tables in the processor's caches while it
runs: about 15% of the whole analysis.
"""
from __future__ import annotations

from itertools import accumulate
from operator import itemgetter

from .templates import Template, parse
from .values import Values


def tables(templates: list[Template], attributes: frozenset[str]) -> list[dict[str, str]]:
    """Per template, value -> feature for every feature of it the model knows."""
    by_syntax: dict[str, dict[str, str]] = {t.syntax: {} for t in templates}
    for feature in attributes:
        syntax, eq, value = feature.partition("=")
        if eq and syntax in by_syntax:
            by_syntax[syntax][value] = feature
    return [by_syntax[t.syntax] for t in templates]


PAD = "\x00"  # fills the gaps between the sentences of a batch (its values are replaced by BOS/EOS)


class Layout:
    """The sentences of a batch laid end to end, each with `before` pads in
    front and `after` behind, so that one pass over the batch computes every
    sentence's features and no window crosses from one sentence into another
    (the windows that reach into the pads are BOS or EOS, as for a sentence
    alone)."""

    def __init__(self, lengths: list[int], before: int, after: int):
        self.lengths, self.before, self.after = lengths, before, after
        self.starts = list(accumulate((before + n + after for n in lengths), initial=0))
        self.total = self.starts.pop()

    def stream(self, columns: list[list[str]]) -> list[str]:
        """One column of every sentence, laid out."""
        front, back = [PAD] * self.before, [PAD] * self.after
        out: list[str] = []
        for col in columns:
            out += front
            out += col
            out += back
        return out

    def edged(self, values: list[str], length: int) -> list[str]:
        """The values of the windows of `length` tokens starting at each place
        of the stream (total - length + 1 of them), one per place, "BOS" or
        "EOS" where the window leaves its sentence."""
        out = values + ["EOS"] * (length - 1)
        before, after, bos = self.before, self.after, ["BOS"] * self.before
        for start, n in zip(self.starts, self.lengths):
            out[start:start + before] = bos
            first_out, end = start + before + max(0, n - length + 1), start + before + n + after
            out[first_out:end] = ["EOS"] * (end - first_out)
        return out

    def split(self, rows: list) -> list[list]:
        """Rows of the places from `before` to total - `after`, per sentence."""
        return [rows[start:start + n] for start, n in zip(self.starts, self.lengths)]


class _Key:
    """The templates that share a key: value -> the features of each of them
    ("" where a template does not know the value), for the values at least
    one of them knows."""

    def __init__(self, key: tuple, known: dict[str, tuple[str, ...]], width: int):
        self.key = key
        self.known = known
        self.unknown = ("",) * width

    def bundles(self, values: list[str]) -> list[tuple[str, ...]]:
        got = list(map(self.known.get, values))
        if None in got:
            unknown = self.unknown
            got = [b or unknown for b in got]
        return got


class Featurizer:
    def __init__(self, templates: list[str], attributes: frozenset[str], values: Values):
        self.templates = [parse(t) for t in templates]
        self.values = values
        self.before = max(0, *(-t.offset for t in self.templates))
        self.after = max(0, *(t.offset + t.length for t in self.templates))
        by_key: dict[tuple, list[int]] = {}
        for i, t in enumerate(self.templates):
            by_key.setdefault(t.key, []).append(i)
        table = tables(self.templates, attributes)
        self._keys = []
        for key, members in by_key.items():
            known = {v for i in members for v in table[i]}
            self._keys.append(_Key(key, {v: tuple(table[i].get(v, "") for i in members) for v in known},
                                   len(members)))
        # per template: its key's index, its place in the key's bundle, its offset
        self._plan = [(list(by_key).index(t.key), itemgetter(by_key[t.key].index(i)), t.offset)
                      for i, t in enumerate(self.templates)]

    def forget(self) -> None:
        """Empty the caches of the values (the features have none)."""
        self.values.forget()

    def layout(self, lengths: list[int]) -> Layout:
        return Layout(lengths, self.before, self.after)

    def __call__(self, columns: list[list[str]], memo: dict | None = None) -> list[list[str]]:
        """Features of each token of one sentence; `columns[c][i]` is column c of token i."""
        layout = self.layout([len(columns[0])])
        return self.many(layout, [layout.stream([c]) for c in columns], {} if memo is None else memo)[0]

    def many(self, layout: Layout, streams: list[list[str]], memo: dict) -> list[list[list[str]]]:
        """Features of each token of each sentence of a batch: `streams[c]` is
        column c of every sentence laid out by `layout` (at least this
        featurizer's before and after); `memo` may be shared by the models
        tagging the same batch (values.py)."""
        if layout.before < self.before or layout.after < self.after:
            raise ValueError("the layout leaves too little room between sentences")
        value_column, edged = self.values.column, layout.edged
        bundles = [k.bundles(edged(value_column(streams[k.key[0]], k.key[1], k.key[2], memo), k.key[1]))
                   for k in self._keys]
        lo, hi = layout.before, layout.total - layout.after
        per_template = [map(pick, bundles[k][lo + offset:hi + offset]) for k, pick, offset in self._plan]
        return layout.split([list(filter(None, row)) for row in zip(*per_template)])
