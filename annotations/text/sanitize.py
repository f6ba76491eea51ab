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

Which characters: by Unicode category (Cc controls, Cf format characters,
Cs surrogates, Zl/Zp separators), so none is forgotten in a list. This module
imports nothing of the package (``baocao list`` and the Home load it).
"""
from __future__ import annotations

import re
import unicodedata

_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})

# Escape sequences, 7- and 8-bit: CSI (colours, cursor moves), the strings OSC
# (titles, hyperlinks, the clipboard), DCS, SOS, PM and APC up to their BEL or
# ST (to the end when unterminated, as a terminal would swallow them), and the
# other escapes (ESC c resets the terminal, ESC ( B switches charsets).
_ESCAPES = re.compile(
    "(?:\x1b\\[|\x9b)[0-?]*[ -/]*[@-~]"
    "|(?:\x1b[\\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x9c|\x1b\\\\)?"
    "|\x1b[ -/]*[0-~]")
_ESCAPE_START = re.compile("[\x1b\x90\x98\x9b\x9d\x9e\x9f]")
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


class _Table(dict):
    """code point -> its replacement, for ``str.translate``; filled as
    characters are met (up to a bound), from ``rule(ch)``."""

    def __init__(self, rule, fixed: dict[int, str | None] | None = None):
        super().__init__(fixed or {})
        self._rule = rule

    def __missing__(self, code: int) -> str | None:
        value = self._rule(chr(code))
        if len(self) < 4096:
            self[code] = value
        return value


def _cleaned(ch: str, breaks: str) -> str | None:
    if ch in breaks:
        return "\n"
    if ch.isspace():
        return " "
    return None if unicodedata.category(ch) in _HIDDEN else ch


_ONE_LINE = _Table(lambda ch: _cleaned(ch, ""))
_LINES = _Table(lambda ch: _cleaned(ch, _LINE_BREAKS))


def _clean(value: str, table: _Table) -> str:
    """Escapes and hidden characters removed, whitespace made plain, NFC."""
    if not value.isprintable():
        if _ESCAPE_START.search(value):
            value = _ESCAPES.sub("", value)
        value = value.replace("\r\n", "\n").translate(table)
    return unicodedata.normalize("NFC", value)


def single_line(value: str) -> str:
    """A one-line field as stored: no escapes or invisible characters, NFC, one
    space for every run of whitespace or line breaks, stripped."""
    return " ".join(_clean(value, _ONE_LINE).split())


def multi_line(value: str) -> str:
    """A note as stored: like ``single_line`` per line, lines kept (runs of
    empty lines collapsed to one)."""
    lines = [" ".join(line.split()) for line in _clean(value, _LINES).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


_C0_PICTURES = {i: chr(0x2400 + i) for i in range(0x20)}  # ␀…␟, and ␛ for ESC
_C0_PICTURES[0x7F] = "\u2421"  # ␡


def _visible(ch: str) -> str:
    if unicodedata.category(ch) not in _HIDDEN:
        return ch
    return _C0_PICTURES.get(ord(ch)) or f"⟨U+{ord(ch):04X}⟩"


_SHOWN = {False: _Table(_visible), True: _Table(_visible, {10: "\n"})}


def inert(value: str, *, keep_newlines: bool = False) -> str:
    """``value`` safe to write to a terminal: every control or invisible
    character replaced by a visible symbol (newlines too, unless kept)."""
    if value.isprintable():
        return value  # the common case, at the speed of one C call
    return value.translate(_SHOWN[keep_newlines])
