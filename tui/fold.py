"""Diacritic- and tone-mark-insensitive matching for the library filter."""
from __future__ import annotations

from annotations.normalize import fold


def matches(query: str, haystack_folded: str) -> bool:
    """Every word of the query occurs in the (already folded) haystack."""
    return all(word in haystack_folded for word in fold(query).split())
