"""Feature extraction for one CRF model: templates compiled once, values
computed once per sentence, only the features the model knows.

For a sentence of n tokens, each template gives one column of n features:
the values of its (column, length, function) key shifted by the template's
offset, BOS/EOS where the window leaves the sentence, each turned into
"<template>=<value>" through a per-template cache. A feature the model has
no weight for is "" and left out (CRFTagger would drop it too: see
crfsuite.py). The features of a token keep the order of the templates, so the
tagger adds the same weights in the same order as with underthesea's own
feature extraction.
"""
from __future__ import annotations

from operator import itemgetter

from .templates import Template, parse
from .values import Values

_CACHE_LIMIT = 100_000  # values remembered per key
BOS, EOS = ("BOS",), ("EOS",)  # stand for the value of a window outside the sentence (never a str)


def padded(values: list[str], n: int, length: int, before: int, after: int) -> list:
    """values (one per window start, n - length + 1 of them) with BOS in front
    and EOS behind: padded[before + j] is the value of the window at j, for
    -before <= j < n + after."""
    inside = max(0, n - length + 1)
    return [BOS] * before + values[:inside] + [EOS] * (n - inside + after)


class _Key:
    """The templates that share a (column, length, function) key, and
    value -> their features (a tuple, "" for each one the model does not
    know), for the values seen so far, BOS and EOS included."""

    def __init__(self, key, templates: list[Template], attributes: frozenset[str]):
        self.key = key
        self.prefixes = [t.syntax + "=" for t in templates]
        self.attributes = attributes
        self.known: dict = {}
        self._reset()

    def _reset(self) -> None:
        self.known.clear()
        self.known[BOS], self.known[EOS] = self.features("BOS"), self.features("EOS")

    def features(self, value: str) -> tuple[str, ...]:
        a = self.attributes
        return tuple(f if f in a else "" for f in (p + value for p in self.prefixes))

    def bundles(self, window: list) -> list[tuple[str, ...]]:
        known = self.known
        try:
            return list(map(known.__getitem__, window))
        except KeyError:  # values not seen before
            if len(known) > _CACHE_LIMIT:
                self._reset()
            for v in window:
                if v not in known:
                    known[v] = self.features(v)
            return list(map(known.__getitem__, window))


class Featurizer:
    def __init__(self, templates: list[str], attributes: frozenset[str], values: Values):
        self.templates = [parse(t) for t in templates]
        self.values = values
        self.before = max(0, *(-t.offset for t in self.templates))
        self.after = max(0, *(t.offset + t.length for t in self.templates))
        by_key: dict[tuple, list[Template]] = {}
        for t in self.templates:
            by_key.setdefault(t.key, []).append(t)
        self.keys = [_Key(k, ts, attributes) for k, ts in by_key.items()]
        # per template, in order: its key's index, its place in the bundle, where its slice starts
        self._picks = []
        for t in self.templates:
            k = list(by_key).index(t.key)
            self._picks.append((k, by_key[t.key].index(t), self.before + t.offset))

    def __call__(self, columns: list[list[str]], memo: dict | None = None) -> list[list[str]]:
        """Features of each token; `columns[c][i]` is column c of token i.
        `memo` may be shared by the models tagging the same sentence."""
        memo = {} if memo is None else memo
        n, before, after = len(columns[0]), self.before, self.after
        value_column = self.values.column
        bundles = [k.bundles(padded(value_column(columns[k.key[0]], k.key[1], k.key[2], memo),
                                    n, k.key[1], before, after)) for k in self.keys]
        per_template = [list(map(itemgetter(j), bundles[k][start:start + n])) for k, j, start in self._picks]
        return [list(filter(None, row)) for row in zip(*per_template)]
