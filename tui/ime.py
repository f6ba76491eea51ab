"""Vietnamese input methods (Unikey, ibus-unikey) in Telex mode.

With Telex on, a key typed after a vowel may become a diacritic: the IME sends
a backspace and the composed letter in place of the key, so `a` `r` (tag, then
tag as risk) reaches the app as `a`, backspace, `ả`. ``intended_key`` undoes
that: it names the key the analyst last pressed to produce a composed letter.

Telex keys: s f r x j add the tones sắc, huyền, hỏi, ngã, nặng; aa ee oo the
circumflex (â ê ô); aw the breve (ă), ow uw the horn (ơ ư); dd gives đ. A tone
is typed last (after any circumflex, breve or horn), so a letter with a tone
maps to its tone key. The letters are read by NFD decomposition, not a table.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import replace
from functools import cache

TONE_KEYS = {
    "\u0301": "s",  # sắc (acute)
    "\u0300": "f",  # huyền (grave)
    "\u0309": "r",  # hỏi (hook above)
    "\u0303": "x",  # ngã (tilde)
    "\u0323": "j",  # nặng (dot below)
}
CIRCUMFLEX, BREVE, HORN = "\u0302", "\u0306", "\u031b"
# The vowels each shape mark goes on in Vietnamese (ĉ, ŭ, ... are other languages).
SHAPE_BASES = {CIRCUMFLEX: "aeo", BREVE: "a", HORN: "ou"}
VOWELS = "aeiouy"


def intended_key(char: str) -> str | None:
    """The Telex key that last went into a composed Vietnamese letter
    ("ả" -> "r", "â" -> "a", "ơ" -> "w", "đ" -> "d"; upper case alike); None for
    plain ASCII and any character that is not a composed Vietnamese letter."""
    if len(char) != 1 or char.isascii():
        return None
    lower = char.lower()
    if lower == "đ":  # no decomposition: a letter of its own
        return "d"
    base, *marks = unicodedata.normalize("NFD", lower)
    if base not in VOWELS or not marks or len(marks) > 2:
        return None
    tones = [m for m in marks if m in TONE_KEYS]
    shapes = [m for m in marks if m not in TONE_KEYS]
    if len(tones) > 1 or len(shapes) > 1:
        return None
    if shapes and base not in SHAPE_BASES.get(shapes[0], ""):
        return None
    if tones:
        return TONE_KEYS[tones[0]]
    return base if shapes[0] == CIRCUMFLEX else "w"  # aa ee oo; aw ow uw


@cache
def composed_letters() -> dict[str, str]:
    """Every composed Vietnamese letter, lower and upper case -> its Telex key
    (134 letters: 12 vowels x 5 tones, ă â ê ô ơ ư, đ; and their capitals)."""
    letters = ["đ"]
    for base in VOWELS:
        for shape in ["", *(m for m, bases in SHAPE_BASES.items() if base in bases)]:
            for tone in ["", *TONE_KEYS]:
                if shape or tone:
                    letters.append(unicodedata.normalize("NFC", base + shape + tone))
    return {c: intended_key(c) for letter in letters for c in (letter, letter.upper())}


def telex_aliases(key_to_bindings: Mapping[str, list]) -> dict[str, list]:
    """Bindings for each composed letter whose Telex key is bound: the key's
    own bindings under the letter's name (a letter is its own Textual key
    name), hidden from the key bar and the keys panel, without an id (a
    [keymap] moves the key, not its aliases)."""
    return {char: [replace(b, key=char, show=False, system=True, id=None,
                           action=f"composed({char!r}, {key!r})")
                   for b in key_to_bindings[key][:1]]
            for char, key in composed_letters().items() if key in key_to_bindings}
