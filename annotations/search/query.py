"""A user's search query as an FTS5 MATCH expression.

Words are ANDed; ``OR`` between words or groups; ``"quoted phrases"``;
``word*`` a prefix; ``-word`` / ``-"a phrase"`` excludes. Every term is folded
(``vietnamese.fold``: no marks, đ -> d, NFC or NFD alike) and quoted, so no
character of the query is FTS5 syntax by accident.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

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


def spans(q: Query, text: str) -> list[tuple[int, int]]:
    """Where the query's terms occur in ``text`` (offsets into it): each run of
    tokens equal to a term's words (its last word a prefix for ``word*``), as
    FTS5 matches them. What a hit shows highlighted, found without asking FTS5
    again (highlight() costs about one query a call)."""
    folded, starts = fold_index(text)
    tokens = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(folded)]
    found = []
    for words, prefix in q.terms:
        k = len(words)
        for i in range(len(tokens) - k + 1):
            if all(tokens[i + j][0] == w for j, w in enumerate(words[:-1])) and (
                    tokens[i + k - 1][0].startswith(words[-1]) if prefix else tokens[i + k - 1][0] == words[-1]):
                found.append((starts[tokens[i][1]], starts[tokens[i + k - 1][2]]))
    found.sort()
    merged: list[tuple[int, int]] = []
    for s, e in found:  # overlapping terms ("nha", "nha tam") shown as one span
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged
