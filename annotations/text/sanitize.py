"""Outside text is data: clean it where it enters, render it inertly where it leaves.

Where it enters a home (titles, ids, file names, JSONL fields, notes, annotator
and label names, config values): ``single_line`` for one-line fields (escape
sequences, C0/C1 controls, bidi overrides and zero-width characters removed,
line breaks and whitespace runs collapsed to one space), ``multi_line`` for
notes (the same, but line breaks kept).

Where it leaves to a terminal (CLI output, Rich, the TUI): ``inert`` shows any
control or invisible character that got past input (an old home, a config
file edited by hand) as a visible symbol, so it cannot act: ESC becomes ␛,
other C0 controls their Control Pictures (␀…␟), DEL ␡, C1 controls and
invisible format characters (bidi overrides, zero-width) ⟨U+XXXX⟩.
"""
from __future__ import annotations

import re
import unicodedata

from .clean import ANSI_RE, _INVISIBLE_RE, _LINE_BREAKS

_C0_PICTURES = {i: chr(0x2400 + i) for i in range(0x20)}
_C0_PICTURES[0x7F] = "\u2421"


def _strip(text: str) -> str:
    if "\x1b" in text or "\x9b" in text:
        text = ANSI_RE.sub("", text)
    return text


def single_line(value: str) -> str:
    """A one-line field as stored: no escapes or invisible characters, NFC, one
    space for every run of whitespace or line breaks, stripped."""
    text = _LINE_BREAKS.sub(" ", _strip(value)).replace("\n", " ").replace("\t", " ")
    text = _INVISIBLE_RE.sub("", text)
    return " ".join(unicodedata.normalize("NFC", text).split())


def multi_line(value: str) -> str:
    """A note as stored: like ``single_line`` per line, lines kept (runs of
    empty lines collapsed to one)."""
    text = _LINE_BREAKS.sub("\n", _strip(value))
    lines = [" ".join(_INVISIBLE_RE.sub("", ln.replace("\t", " ")).split())
             for ln in unicodedata.normalize("NFC", text).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _visible(ch: str) -> str:
    code = ord(ch)
    if code in _C0_PICTURES:
        return "\u241b" if code == 0x1B else _C0_PICTURES[code]
    return f"⟨U+{code:04X}⟩"


_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u00ad\u061c\u200b-\u200f\u202a-\u202e"
                     "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff]")
_UNSAFE_LINE = re.compile(_UNSAFE.pattern[:-1] + "\n]")


def inert(value: str, *, keep_newlines: bool = False) -> str:
    """``value`` safe to write to a terminal: every control or invisible
    character replaced by a visible symbol (newlines too, unless kept)."""
    pattern = _UNSAFE if keep_newlines else _UNSAFE_LINE
    if value.isprintable() and (keep_newlines or "\n" not in value):
        return value  # the common case, at the speed of one C call
    return pattern.sub(lambda m: _visible(m.group()), value)
