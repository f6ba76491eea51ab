"""A user's search query as an FTS5 MATCH expression.

Words are ANDed; ``OR`` between words or groups; ``"quoted phrases"``;
``word*`` a prefix; ``-word`` / ``-"a phrase"`` excludes. Every term is folded
(``vietnamese.fold``: no marks, đ -> d, NFC or NFD alike) and quoted, so no
character of the query is FTS5 syntax by accident.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..errors import InputError
from ..text.vietnamese import fold, fold_index

_TOKEN = re.compile(r'-?"[^"]*"?\*?|\S+')
_WORD = re.compile(r"[^\W_]+")  # what unicode61 keeps as a token (letters, digits)


@dataclass(frozen=True, slots=True)
class Query:
    match: str  # the FTS5 expression, "" when the query has no word to find
    words: tuple[str, ...]  # the folded words looked for (not the excluded ones)
    # each term looked for: its folded words and whether the last is a prefix
    terms: tuple[tuple[tuple[str, ...], bool], ...] = ()


def _phrase(raw: str) -> tuple[str, list[str], bool] | None:
    prefix = raw.endswith("*")
    words = _WORD.findall(fold(raw.strip("*").strip('"')))
    if not words:
        return None
    return '"' + " ".join(words) + '"' + ("*" if prefix else ""), words, prefix


def parse(query: str) -> Query:
    """The FTS5 expression for ``query``; InputError when only exclusions are given."""
    groups: list[list[str]] = [[]]
    excluded: list[str] = []
    found: list[str] = []
    terms: list[tuple[tuple[str, ...], bool]] = []
    for tok in _TOKEN.findall(query):
        if tok == "OR":
            if groups[-1]:
                groups.append([])
            continue
        negative = tok.startswith("-") and len(tok) > 1
        term = _phrase(tok[1:] if negative else tok)
        if term is None:
            continue
        if negative:
            excluded.append(term[0])
        else:
            groups[-1].append(term[0])
            found.extend(term[1])
            terms.append((tuple(term[1]), term[2]))
    groups = [g for g in groups if g]
    if not groups:
        if excluded:
            raise InputError("a search needs at least one word that is not excluded (-word)",
                             'Add a word to find, e.g. `xoa nha tam -"nha o"`.')
        return Query("", ())
    expr = " OR ".join("(" + " AND ".join(g) + ")" for g in groups)
    if excluded:
        expr = f"({expr}) NOT ({' OR '.join(excluded)})"
    return Query(expr, tuple(found), tuple(terms))


_ONE: dict[int, str] = {}  # a character -> its fold, when that is one character
_SEEN: set[str] = set()  # the characters _ONE was filled for
_OTHER: set[str] = set()  # of those, the ones folding to none or several (NFD marks, ligatures)


def _fold_index(text: str) -> tuple[str, list[int] | None]:
    """``fold_index(text)``, in C for the usual text (every character folds to one:
    then the offsets are the same and the second item is None): ``fold`` costs
    microseconds a character, and a page of hits folds thousands."""
    for ch in set(text) - _SEEN:
        f = fold(ch)
        if len(f) != 1:
            _OTHER.add(ch)
        elif f != ch:
            _ONE[ord(ch)] = f
        _SEEN.add(ch)
    if _OTHER.isdisjoint(text):
        return text.translate(_ONE), None
    return fold_index(text)


@lru_cache(maxsize=64)
def _term_re(words: tuple[str, ...], prefix: bool) -> re.Pattern:
    """A run of whole tokens equal to ``words`` (the last a prefix for ``word*``),
    found at every token start (a lookahead: overlapping runs too)."""
    body = r"[\W_]+".join(map(re.escape, words)) + (r"[^\W_]*" if prefix else r"(?![^\W_])")
    return re.compile(r"(?<![^\W_])(?=(" + body + "))")


def spans(q: Query, text: str) -> list[tuple[int, int]]:
    """Where the query's terms occur in ``text`` (offsets into it): each run of
    tokens equal to a term's words (its last word a prefix for ``word*``), as
    FTS5 matches them. What a hit shows highlighted, found without asking FTS5
    again (highlight() costs about one query a call)."""
    folded, index = _fold_index(text)
    starts = range(len(text) + 1) if index is None else index
    found = sorted((starts[m.start(1)], starts[m.end(1)])
                   for words, prefix in q.terms for m in _term_re(words, prefix).finditer(folded))
    merged: list[tuple[int, int]] = []
    for s, e in found:  # overlapping terms ("nha", "nha tam") shown as one span
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged
