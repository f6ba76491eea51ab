"""annotations.text.sanitize, by property: whatever the input, ``inert`` output
holds no control, format or separator character (so nothing in it can act on a
terminal), ``single_line`` output has no line break, is idempotent and is a
fixed point of ``inert``; ``multi_line`` keeps lines but nothing else."""
from __future__ import annotations

import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from annotations.text.sanitize import inert, multi_line, single_line

HIDDEN = {"Cc", "Cf", "Cs", "Zl", "Zp"}

# Any code point (surrogates too), weighted towards the ones that matter here.
NASTY = "\x1b\x9b\x9d\x9c\x90\x07\r\n\t\x85\x00\x7f\u202e\u2066\u2069\u200b\u2060\ufeff\u2028 ]P[\\;"
chars = st.one_of(st.characters(codec=None, exclude_categories=()),
                  st.characters(categories=sorted(HIDDEN)),  # every hidden one, not a list's
                  st.sampled_from(list(NASTY)), st.sampled_from(list("aăâđêôơưẠệ ")))
texts = st.text(chars, max_size=80)


def hidden(s: str, allow: str = "") -> list[str]:
    return [f"U+{ord(c):04X}" for c in s if unicodedata.category(c) in HIDDEN and c not in allow]


@settings(max_examples=400, deadline=None)
@given(texts)
@example("\x1b]52;c;ZXZpbA==\x07\u202eabc\r\n\x9b31m")
@example("\u2028\u0600\U000e0041\u180e")  # separators, Arabic number sign, a tag, MVS
def test_inert_shows_every_control_and_format_character(s: str):
    out = inert(s)
    assert not hidden(out), (s, out)
    multi = inert(s, keep_newlines=True)
    assert not hidden(multi, allow="\n"), (s, multi)
    assert multi.count("\n") == s.count("\n")
    assert inert(out) == out  # shown symbols are printable
    if s.isprintable():
        assert out == s  # printable text is never changed


@settings(max_examples=400, deadline=None)
@given(texts)
@example("a\x1b]0;title\x07b\nc\u2028d\r")
@example("\x1b\u200b]0;x\x07")
@example("\x9d0;t\x9c\x1bc\x1b(B")
def test_single_line_is_one_clean_idempotent_line(s: str):
    out = single_line(s)
    assert not hidden(out), (s, out)
    assert "\n" not in out and "\r" not in out and "\t" not in out
    assert single_line(out) == out
    assert inert(out) == out  # nothing left for the output side to show
    assert out == out.strip() and "  " not in out
    assert "\x1b" not in out and not any(0x80 <= ord(c) <= 0x9f for c in out)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_multi_line_keeps_lines_only(s: str):
    out = multi_line(s)
    assert not hidden(out, allow="\n"), (s, out)
    assert "\n\n\n" not in out and out == out.strip()
    assert multi_line(out) == out
    assert inert(out, keep_newlines=True) == out


def test_escape_sequences_go_whole():
    """The payload of an escape goes with it (a title is not left with the
    clipboard's base64), 7-bit and 8-bit, terminated by BEL or ST."""
    for raw in ["\x1b]52;c;cm0gLXJmIH4=\x07", "\x1b]52;c;cm0gLXJmIH4=\x1b\\",
                "\x1b]8;;https://evil.example\x1b\\", "\x9d0;title\x9c", "\x9d0;title\x07",
                "\x1bPq#0;2\x1b\\", "\x90q#0;2\x9c", "\x1b[31;1m", "\x9b2J", "\x1bc", "\x1b(B"]:
        assert single_line(f"Báo {raw}cáo") == "Báo cáo", raw
        assert multi_line(f"dòng {raw}một\nhai") == "dòng một\nhai", raw
    assert single_line("Báo\x1b]0;không kết thúc") == "Báo"  # unterminated: swallowed, as a terminal would


def test_inert_symbols():
    assert inert("a\x1b[31mb\x07\r\n\t") == "a␛[31mb␇␍␊␉"
    assert inert("x\u202ey\u200bz\x9b") == "x⟨U+202E⟩y⟨U+200B⟩z⟨U+009B⟩"
    assert inert("một\nhai", keep_newlines=True) == "một\nhai"
    assert inert("Nguyễn\u00a0Văn") == "Nguyễn\u00a0Văn"  # a no-break space is a space
    assert inert("\ud800") == "⟨U+D800⟩"  # a lone surrogate (a broken file name)
