"""All Vietnamese folding and normalising, in one place.

- ``fold`` (search, filters): lower case, no diacritics, đ -> d, so
  ``xoa nha tam`` matches ``xóa nhà tạm``, ``xoá`` and NFD input;
  ``matches_words`` checks a query against a folded text.
- ``align_fold`` (aligning underthesea's rewritten output onto our text): one
  character's base letters, case-folded, '' for marks and whitespace (đ stays).
- ``fold_dd`` (the search index): only đ -> d, same length.
- ``fold_tones`` (entity rules): old-style tone placement to new style
  (uỷ -> ủy, hoà -> hòa), same length so offsets hold.
- ``is_syllable``: whether a word is a well-formed Vietnamese syllable; the
  decoder uses it to judge how Vietnamese a candidate decoding looks.
"""
from __future__ import annotations

import re
import unicodedata

# Tone marks (the five that sit on the vowel) and the letter modifiers.
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_EXTRA_FOLD = str.maketrans({"đ": "d", "Đ": "D"})


def _fold_char(ch: str) -> str:
    base = unicodedata.normalize("NFD", ch.lower().translate(_EXTRA_FOLD))
    return "".join(c for c in base if not unicodedata.combining(c))


def fold_dd(s: str) -> str:
    """đ/Đ -> d/D and nothing else: same length, so offsets hold (SQLite's
    ``unicode61 remove_diacritics 2`` folds every other mark, not this letter)."""
    return s.translate(_EXTRA_FOLD)


def fold(s: str) -> str:
    """Lower-case, strip every diacritic (đ -> d). Works on NFC and NFD input."""
    return "".join(_fold_char(ch) for ch in s)


def fold_index(s: str) -> tuple[str, list[int]]:
    """``fold(s)`` plus ``starts``: folded char ``j`` comes from ``s[starts[j]]``,
    and ``starts[len(folded)] == len(s)``. A match ``folded[a:b]`` is the original
    span ``s[starts[a]:starts[b]]`` (trailing combining marks included)."""
    out: list[str] = []
    starts: list[int] = []
    for i, ch in enumerate(s):
        f = _fold_char(ch)
        out.append(f)
        starts.extend([i] * len(f))
    starts.append(len(s))
    return "".join(out), starts


def matches_words(query: str, haystack_folded: str) -> bool:
    """Every word of the query occurs in the (already folded) haystack."""
    return all(word in haystack_folded for word in fold(query).split())


_ALIGN: dict[str, str] = {}


def align_fold(ch: str) -> str:
    """The character as alignment compares it: base letters only, case-folded;
    '' for combining marks and whitespace. Memoised (called per character)."""
    f = _ALIGN.get(ch)
    if f is None:
        if ch.isspace():
            f = ""
        else:
            f = "".join(c for c in unicodedata.normalize("NFD", ch)
                        if not unicodedata.combining(c)).casefold()
        _ALIGN[ch] = f
    return f


# -- old-style tone placement ("uỷ/hoà" -> "ủy/hòa"), length-preserving
_OLD_TONE = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}
_OLD_TONE.update({k[0].upper() + k[1]: v[0].upper() + v[1] for k, v in list(_OLD_TONE.items())})
_OLD_TONE_RE = re.compile(r"(?<![qQ])(?:" + "|".join(_OLD_TONE) + r")(?!\w)")


def fold_tones(s: str) -> str:
    return _OLD_TONE_RE.sub(lambda m: _OLD_TONE[m.group()], s) if _OLD_TONE_RE.search(s) else s


# -- syllables ---------------------------------------------------------------
# A syllable, once its tone mark is removed: optional initial consonant, a vowel
# nucleus (with its glides), optional final consonant. Finals i/y/o/u are part
# of the nucleus list. Good enough to tell Vietnamese from mis-decoded bytes;
# not a full phonotactic checker (it accepts a few impossible combinations).
_INITIALS = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x"
_NUCLEI = sorted("""
    a ă â e ê i y o ô ơ u ư
    ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ôô ua uâ uê ui uô uơ uy
    ưa ưi ươ ưu yê
    iêu oai oao oay oeo uây uôi uya uyê uyu ươi ươu yêu uêu
""".split(), key=len, reverse=True)
_FINALS = "ch|nh|ng|c|m|n|p|t"
_SYLLABLE_RE = re.compile(
    rf"(?:{_INITIALS})?(?:{'|'.join(_NUCLEI)})(?:{_FINALS})?"
)


def is_syllable(word: str) -> bool:
    """True if ``word`` (any case, NFC or NFD) is a well-formed Vietnamese
    syllable with at most one tone mark."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones, base = 0, ""
    for c in decomposed:
        if c in TONE_MARKS:
            tones += 1
            if tones > 1 or not base or base not in "aeiouy":  # on a vowel (not ñ)
                return False
        elif not unicodedata.combining(c):
            base = c
    toneless = unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
    return _SYLLABLE_RE.fullmatch(toneless) is not None
