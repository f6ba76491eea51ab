"""Feature extraction for one CRF model: templates compiled once, values
computed once per sentence, only the features the model knows.

A model knows a fixed set of features ("<template>=<value>", its CRFsuite
attributes: crfsuite.py). Split at their first "=", they become, per
template, a table value -> feature; templates that share a (column, length,
function) key share one table, value -> the features of each of them. For a
sentence of n tokens, the values of each key are computed once, padded with
"BOS"/"EOS" where a window leaves the sentence (the strings underthesea
writes there) and looked up once; each template then takes its feature at
its offset. A value a template's table lacks is a feature the model has no
weight for: CRFTagger would drop it, so it is left out here, never built.
The features of a token keep the order of the templates, so the tagger adds
the same weights in the same order as with underthesea's own extraction.
"""
from __future__ import annotations

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


def padded(values: list[str], n: int, length: int, before: int, after: int) -> list[str]:
    """values (one per window start, n - length + 1 of them) with "BOS" in
    front and "EOS" behind: padded[before + j] is the value of the window that
    starts at token j, for -before <= j < n + after."""
    inside = max(0, n - length + 1)
    return ["BOS"] * before + values[:inside] + ["EOS"] * (n - inside + after)


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
        # per template: its key's index, its place in the key's bundle, where its window starts
        self._plan = [(list(by_key).index(t.key), itemgetter(by_key[t.key].index(i)), self.before + t.offset)
                      for i, t in enumerate(self.templates)]

    def forget(self) -> None:
        """Empty the caches of the values (the features have none)."""
        self.values.forget()

    def __call__(self, columns: list[list[str]], memo: dict | None = None) -> list[list[str]]:
        """Features of each token; `columns[c][i]` is column c of token i.
        `memo` may be shared by the models tagging the same sentence."""
        memo = {} if memo is None else memo
        n, before, after = len(columns[0]), self.before, self.after
        value_column = self.values.column
        bundles = [k.bundles(padded(value_column(columns[k.key[0]], k.key[1], k.key[2], memo),
                                    n, k.key[1], before, after)) for k in self._keys]
        per_template = [map(pick, bundles[k][start:start + n]) for k, pick, start in self._plan]
        return [list(filter(None, row)) for row in zip(*per_template)]
