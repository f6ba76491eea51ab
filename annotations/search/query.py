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
from ..text.vietnamese import fold

_TOKEN = re.compile(r'-?"[^"]*"?\*?|\S+')
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Query:
    match: str  # the FTS5 expression, "" when the query has no word to find
    words: tuple[str, ...]  # the folded words looked for (not the excluded ones)


def _phrase(raw: str) -> tuple[str, list[str]] | None:
    prefix = raw.endswith("*")
    words = _WORD.findall(fold(raw.strip("*").strip('"')))
    if not words:
        return None
    return '"' + " ".join(words) + '"' + ("*" if prefix else ""), words


def parse(query: str) -> Query:
    """The FTS5 expression for ``query``; InputError when only exclusions are given."""
    groups: list[list[str]] = [[]]
    excluded: list[str] = []
    found: list[str] = []
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
    groups = [g for g in groups if g]
    if not groups:
        if excluded:
            raise InputError("a search needs at least one word that is not excluded (-word)",
                             'Add a word to find, e.g. `xoa nha tam -"nha o"`.')
        return Query("", ())
    expr = " OR ".join("(" + " AND ".join(g) + ")" for g in groups)
    if excluded:
        expr = f"({expr}) NOT ({' OR '.join(excluded)})"
    return Query(expr, tuple(found))
