"""What a template's function makes of a window of tokens, in the two
flavours underthesea uses.

* `PythonValues`: pipeline/*/tagged_feature.py (POS, chunking, NER): Python's
  str.lower, and text_istitle: every space-separated part starts with a
  character for which str.istitle() holds.
* `CoreValues`: underthesea_core's CRFFeaturizer (word segmentation), in Rust:
  Rust's to_lowercase; istitle when each part's first character equals its
  own upper case (so digits and punctuation count as title); isdigit when the
  text parses as an i32; is_in_dict when the lowered text is in the model's
  dictionary. Lower, istitle and isdigit of a token are taken from
  underthesea_core itself (its Unicode tables, not Python's), once per
  distinct token, and cached.

A value is computed once per token (or window) of a batch of sentences and
shared by every template and model that uses it. A window of several tokens is their values
joined: lower-casing never looks across a space (Python's and Rust's final
sigma rule stop at it), istitle of the joined text is istitle of every part,
and a text with a space is never a digit string.
"""
from __future__ import annotations

from underthesea_core import CRFFeaturizer

_CACHE_LIMIT = 200_000  # distinct tokens remembered per function; then that cache starts over
_TRUE, _FALSE = "True", "False"
_FLAG = (_FALSE, _TRUE)


def windows(values: list[str], length: int) -> list[str]:
    """The values of each window of `length` tokens, joined by a space."""
    if length == 1:
        return values
    if length == 2:
        return [a + " " + b for a, b in zip(values, values[1:])]
    if length == 3:
        return [a + " " + b + " " + c for a, b, c in zip(values, values[1:], values[2:])]
    return [" ".join(values[j:j + length]) for j in range(len(values) - length + 1)]


def all_true(flags: list[str], length: int) -> list[str]:
    """"True" for each window of `length` tokens whose flags are all "True"."""
    ok = [f == _TRUE for f in flags]
    return [_FLAG[all(w)] for w in zip(*(ok[k:] for k in range(length)))]


class _PerToken(dict):
    """token -> value of one function, computed on first sight by `compute`
    (which takes the list of new tokens and returns their values)."""

    def __init__(self, compute):
        super().__init__()
        self.compute = compute

    def of(self, col: list[str]) -> list[str]:
        got = list(map(self.get, col))
        if None in got:
            new = [w for w in dict.fromkeys(col) if w not in self]
            if len(self) + len(new) > _CACHE_LIMIT:
                self.clear()
            self.update(zip(new, self.compute(new)))
            got = list(map(self.__getitem__, col))
        return got


class Values:
    """Values of (column, length, function) for a column (one sentence, or a
    batch laid end to end: features.Layout); `memo` holds what was already
    computed for these columns (keyed by the column's identity: the column
    lists live as long as the batch)."""

    def column(self, col: list[str], length: int, function: str | None, memo: dict) -> list[str]:
        key = (id(col), length, function)
        got = memo.get(key)
        if got is None:
            got = memo[key] = self._compute(col, length, function, memo)
        return got

    def _compute(self, col, length, function, memo):
        if function is None:
            return windows(col, length)
        if length == 1:
            return self.unigram(col, function)
        if function == "lower":
            return windows(self.column(col, 1, "lower", memo), length)
        if function == "istitle":
            return all_true(self.column(col, 1, "istitle", memo), length)
        if function == "isdigit":
            return [_FALSE] * max(0, len(col) - length + 1)
        return self.in_dict(self.column(col, length, "lower", memo), length)

    def unigram(self, col: list[str], function: str) -> list[str]:
        raise NotImplementedError

    def forget(self) -> None:
        """Empty the per-token caches."""
        for per_token in self._of.values():
            per_token.clear()

    def in_dict(self, lowered: list[str], length: int) -> list[str]:
        """Whether each lowered window (of `length` tokens) is a dictionary entry."""
        raise NotImplementedError


def text_istitle(word: str) -> bool:
    """tagged_feature.text_istitle: an empty part (or word) is not a title."""
    try:
        return bool(word) and all(part[0].istitle() for part in word.split(" "))
    except IndexError:
        return False


class PythonValues(Values):
    def __init__(self):
        self._of = {
            "lower": _PerToken(lambda ws: [w.lower() for w in ws]),
            "istitle": _PerToken(lambda ws: [_FLAG[text_istitle(w)] for w in ws]),
            "isdigit": _PerToken(lambda ws: [str(w.isdigit()) for w in ws]),
        }

    def unigram(self, col, function):
        if function not in self._of:
            raise ValueError(f"{function}: not used by underthesea's Python templates")
        return self._of[function].of(col)


class CoreValues(Values):
    """underthesea_core's semantics; lower, istitle and isdigit of each new
    token come from its own CRFFeaturizer."""

    _ORACLE = ("T[0].lower", "T[0].istitle", "T[0].isdigit")

    def __init__(self, dictionary: set[str]):
        self.dictionary = dictionary
        self._oracle = CRFFeaturizer(list(self._ORACLE), set())
        self._of = {name: _PerToken(lambda ws, i=i: self._ask(ws, i))
                    for i, name in enumerate(("lower", "istitle", "isdigit"))}
        self._of["is_in_dict"] = _PerToken(lambda ws: self.in_dict(self.unigram(ws, "lower"), 1))

    def _ask(self, tokens: list[str], i: int) -> list[str]:
        cut = len(self._ORACLE[i]) + 1
        rows = self._oracle.process([[[w] for w in tokens]])[0]
        if i == 0:
            return [row[0][cut:] for row in rows]
        return [_FLAG[row[i][cut:] == _TRUE] for row in rows]

    def unigram(self, col, function):
        return self._of[function].of(col)

    def in_dict(self, lowered, length):
        d = self.dictionary
        return [_TRUE if w in d else _FALSE for w in lowered]
