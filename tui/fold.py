"""Diacritic- and tone-mark-insensitive matching for the library filter."""
from __future__ import annotations

try:  # the core's folding, when it exists
    from annotations.normalize import fold
except ImportError:  # pragma: no cover - until annotations/normalize.py lands
    import unicodedata

    def fold(s: str) -> str:
        s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
        return "".join(c for c in s if not unicodedata.combining(c)).casefold()


def matches(query: str, haystack_folded: str) -> bool:
    """Every word of the query occurs in the (already folded) haystack."""
    return all(word in haystack_folded for word in fold(query).split())
