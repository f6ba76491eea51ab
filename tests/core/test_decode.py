"""Decoding: BOMs, UTF-8, CP1258, TCVN3, VNI; refusals with specific reasons."""
from __future__ import annotations

import json
import random
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.text.decode import (
    TCVN3_TABLE,
    VNI_MARKS,
    VNI_SINGLE,
    DecodeError,
    decode_bytes,
    vietnamese_score,
)

SEEDS = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))
TONES = set("\u0300\u0301\u0303\u0309\u0323")


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def seed_text(i: int) -> str:
    return SEEDS[i].read_text(encoding="utf-8")


# ---------------------------------------------------------------- encoders
# Written from the encodings' definitions (inverse of the decoder's tables for
# TCVN3/VNI, Python's codec for CP1258), so a round trip checks both ways.

def _split_tone(ch: str) -> tuple[str, str]:
    d = unicodedata.normalize("NFD", ch)
    return nfc("".join(c for c in d if c not in TONES)), "".join(c for c in d if c in TONES)


def cp1258_encode(text: str) -> bytes:
    """Windows style: base letter from the code page, tone as a combining byte."""
    out = bytearray()
    for ch in text:
        base, tone = _split_tone(ch)
        out += base.encode("cp1258") + tone.encode("cp1258")
    return bytes(out)


def tcvn3_encode(text: str) -> bytes:
    inverse: dict[str, int] = {}
    for b, ch in enumerate(TCVN3_TABLE):
        if b >= 0x80 and not unicodedata.combining(ch):
            inverse.setdefault(ch, b)
    out = bytearray()
    for ch in text:
        if ch.isascii():
            out.append(ord(ch))
        else:  # VN3 has no upper-case toned letters: the lower-case code stands in
            out.append(inverse[ch] if ch in inverse else inverse[ch.lower()])
    return bytes(out)


def tcvn3_expected(text: str) -> str:
    known = set(TCVN3_TABLE[0x80:])
    return "".join(ch if ch.isascii() or ch in known else ch.lower() for ch in text)


def vni_encode(text: str) -> bytes:
    single = {ch: b for b, ch in VNI_SINGLE.items()}
    marks = {(m, b >= 0xE0): b for b, m in VNI_MARKS.items()}
    out = bytearray()
    for ch in text:
        if ch.isascii():
            out.append(ord(ch))
        elif ch in single:
            out.append(single[ch])
        else:
            d = unicodedata.normalize("NFD", ch)
            base, rest = d[0], d[1:]
            if "\u031b" in rest:  # horn: ơ/ư are single bytes
                base, rest = nfc(base + "\u031b"), rest.replace("\u031b", "")
            if not rest:
                out += ch.encode("cp1252")
                continue
            out.append(single.get(base) or ord(base))
            modifier = "".join(c for c in rest if c not in TONES)
            tone = "".join(c for c in rest if c in TONES)
            out.append(marks[(modifier + tone, base.islower())])
    return bytes(out)


# ---------------------------------------------------------------- round trips

@pytest.mark.parametrize("i", range(len(SEEDS)))
@pytest.mark.parametrize("encoding,encode,expect", [
    ("utf-8", lambda t: t.encode("utf-8"), lambda t: t),
    ("utf-8", lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), lambda t: t),
    ("utf-16-le", lambda t: t.encode("utf-16"), lambda t: t),  # BOM + LE
    ("utf-16-be", lambda t: b"\xfe\xff" + t.encode("utf-16-be"), lambda t: t),
    ("cp1258", cp1258_encode, lambda t: t),
    ("tcvn3", tcvn3_encode, tcvn3_expected),
    ("vni", vni_encode, lambda t: t),
])
def test_seed_round_trip(i, encoding, encode, expect):
    text = seed_text(i)
    data = encode(text)
    decoded, name = decode_bytes(data)
    assert name == encoding
    assert nfc(decoded) == expect(text)


@pytest.mark.parametrize("encode", [cp1258_encode, tcvn3_encode, vni_encode])
def test_one_short_sentence_is_enough(encode):
    assert decode_bytes(encode("Hội nghị đã họp."))[0] == "Hội nghị đã họp."


def test_cp1258_gives_combining_marks_that_nfc_composes():
    data = cp1258_encode("Việt Nam, ")
    assert b"\xf2" in data  # the dot below travels as its own byte
    text, name = decode_bytes(data * 5)
    assert name == "cp1258" and text.startswith("Việt Nam")


def test_tcvn3_loses_only_upper_case_tone_letters():
    text = seed_text(1)
    expected = tcvn3_expected(text)
    diff = {(a, b) for a, b in zip(text, expected) if a != b}
    assert diff and all(b == a.lower() and a.isupper() for a, b in diff)
    assert "Ủy viên" in text and "ủy viên" in expected


# Classic mojibake forms of well-known words, as seen when these files are
# opened with the wrong font: independent of the tables above.
@pytest.mark.parametrize("raw,text", [
    ("ViÖt Nam, Hµ Néi, §¶ng, Thñ t\xadíng, Chñ tÞch n\xadíc", "Việt Nam, Hà Nội, Đảng, Thủ tướng, Chủ tịch nước"),
])
def test_tcvn3_known_words(raw, text):
    decoded, name = decode_bytes(raw.encode("cp1252"))
    assert (decoded, name) == (text, "tcvn3")


@pytest.mark.parametrize("raw,text", [
    ("Xin chaøo caùc baïn, Vieät Nam, Haø Noäi, Ñaûng, Thuû töôùng",
     "Xin chào các bạn, Việt Nam, Hà Nội, Đảng, Thủ tướng"),
])
def test_vni_known_words(raw, text):
    decoded, name = decode_bytes(raw.encode("cp1252"))
    assert (decoded, name) == (text, "vni")


@pytest.mark.skipif(not shutil.which("iconv"), reason="iconv not installed")
def test_tcvn3_table_agrees_with_glibc_tcvn5712():
    """glibc's TCVN5712-1 is the VN1 superset; our letters must match it
    everywhere except 0x80..0x9F, where we keep Windows punctuation."""
    data = bytes(range(0xA0, 0x100))
    run = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=data,
                         capture_output=True)
    if run.returncode:
        pytest.skip("iconv has no TCVN5712-1")
    assert run.stdout.decode("utf-8") == "".join(TCVN3_TABLE[0xA0:])


def test_vni_upper_case_letters():
    decoded, name = decode_bytes(vni_encode("HỘI NGHỊ TRUNG ƯƠNG ĐẢNG LẦN THỨ MƯỜI MỘT ") * 2)
    assert name == "vni" and decoded.startswith("HỘI NGHỊ TRUNG ƯƠNG ĐẢNG LẦN THỨ MƯỜI MỘT")


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_property_random_seed_excerpts_round_trip(data):
    """Any sizeable excerpt of real text survives each legacy encoding."""
    text = seed_text(data.draw(st.integers(0, len(SEEDS) - 1)))
    start = data.draw(st.integers(0, len(text) - 400))
    excerpt = text[start:start + 400]
    for encode, expect in ((cp1258_encode, excerpt), (vni_encode, excerpt),
                           (tcvn3_encode, tcvn3_expected(excerpt))):
        decoded, _ = decode_bytes(encode(excerpt))
        assert nfc(decoded) == expect


# ---------------------------------------------------------------- refusals

@pytest.mark.parametrize("data,reason", [
    (b"", "empty file"),
    (b"  \n\t\r\n ", "only whitespace"),
    (b"\xef\xbb\xbf \n", "only whitespace"),
    (b"abc\x00def", "binary data (NUL bytes)"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks like an image (PNG)"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "looks like an image (JPEG)"),
    (b"GIF89a\x01\x00", "looks like an image (GIF)"),
    (b"%PDF-1.7\n%\xe2\xe3", "looks like a PDF document"),
    (b"PK\x03\x04\x14\x00\x06\x00", "ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", "old Office document"),
])
def test_refusals_name_the_problem(data, reason):
    with pytest.raises(DecodeError) as err:
        decode_bytes(data)
    assert reason in str(err.value)
    assert "\n" not in str(err.value)


FRENCH = ("Le président de la République a déclaré à la presse que l'économie "
          "française était très forte. Après la réunion, les ministres sont allés à "
          "l'Élysée où ils ont discuté des problèmes à résoudre. Même les élèves "
          "étaient là, près de la fenêtre, à côté du théâtre.")
GERMAN = ("Die Bundesregierung hat heute über die Änderungen des Gesetzes beraten. "
          "Für die Bürger ändert sich zunächst wenig; größere Maßnahmen folgen später.")


PORTUGUESE = ("O governo não está satisfeito. Ela disse que só lá é possível, até porque a "
              "mãe já foi à cidade e não voltou. São questões de orçamento e de saúde pública.")
SPANISH = ("El gobierno está en la capital. Sí, él dijo que más de la mitad de la población "
           "está de acuerdo con la decisión económica del año pasado.")


@pytest.mark.parametrize("text,codec", [
    (FRENCH, "latin-1"), (FRENCH, "cp1252"), (GERMAN, "latin-1"),
    (PORTUGUESE, "latin-1"), (SPANISH, "cp1252"),
])
def test_western_european_text_is_not_taken_for_vietnamese(text, codec):
    with pytest.raises(DecodeError, match="not in a supported encoding"):
        decode_bytes(text.encode(codec))


def test_random_bytes_are_refused():
    rng = random.Random(7)
    for _ in range(20):
        data = bytes(rng.randrange(1, 256) for _ in range(3000))
        with pytest.raises(DecodeError):
            decode_bytes(data)


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=1, max_size=400))
def test_property_any_bytes_decode_or_refuse_cleanly(data):
    try:
        text, name = decode_bytes(data)
    except DecodeError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert isinstance(text, str) and name


def test_utf8_with_one_broken_byte_says_where():
    text = seed_text(1).encode("utf-8")
    at = text.index(b"\n", 500)
    data = text[:at] + b"\xff" + text[at:]
    with pytest.raises(DecodeError, match=f"invalid UTF-8 at byte {at} "):
        decode_bytes(data)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_read_when_it_is_vietnamese(codec):
    text = seed_text(2)
    assert decode_bytes(text.encode(codec)) == (text, codec)


def test_utf16_without_bom_of_foreign_text_is_refused():
    with pytest.raises(DecodeError, match="NUL bytes"):
        decode_bytes(FRENCH.encode("utf-16-le"))


def test_plain_ascii_is_utf8():
    assert decode_bytes(b"Report 2024\nGDP 6,5%") == ("Report 2024\nGDP 6,5%", "utf-8")


def test_score_prefers_real_text():
    good = vietnamese_score(seed_text(3))
    bad = vietnamese_score(FRENCH)
    assert good[0] > 0.95 and good[2] > 0.5
    assert bad[0] < 0.5


# ---------------------------------------------------------------- repaired mojibake

@pytest.mark.parametrize("i", range(len(SEEDS)))
@pytest.mark.parametrize("legacy,encode,expect", [
    ("tcvn3", tcvn3_encode, tcvn3_expected),
    ("vni", vni_encode, lambda t: t),
    ("utf-8", lambda t: t.encode("utf-8"), lambda t: t),
])
def test_mis_decoded_then_saved_as_utf8_is_repaired(i, legacy, encode, expect):
    """'Héi nghÞ' (TCVN3 read as Latin-1), 'Hoäi nghò' (VNI), 'Há»™i' (UTF-8 twice)."""
    text = seed_text(i)
    mojibake = encode(text).decode("latin-1")
    decoded, name = decode_bytes(mojibake.encode("utf-8"))
    assert name.startswith(legacy) and "repaired" in name
    assert decoded == expect(text)


def windows_mojibake(text: str) -> str:
    """UTF-8 read as cp1252 by a Windows tool: the bytes cp1252 leaves undefined
    (0x81, 0x8D, 0x8F, 0x90, 0x9D) kept as the control characters they are."""
    return "".join(chr(b) if b in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else bytes([b]).decode("cp1252")
                   for b in text.encode("utf-8"))


@pytest.mark.parametrize("i", range(len(SEEDS)))
def test_utf8_read_as_cp1252_by_windows_tools_is_repaired(i):
    """'NgÃ\xa0y 10/7, táº¡i Trá»¥ sở': neither cp1252 nor Latin-1 encodes it back (ftfy does)."""
    text = seed_text(i)
    mojibake = windows_mojibake(text)
    assert any(c in mojibake for c in "\x81\x8d\x8f\x90\x9d")  # the form the codecs miss
    decoded, name = decode_bytes(mojibake.encode("utf-8"))
    assert decoded == unicodedata.normalize("NFC", text) and "repaired by ftfy" in name


def test_foreign_utf8_is_left_alone():
    assert decode_bytes(FRENCH.encode("utf-8")) == (FRENCH, "utf-8")
    assert decode_bytes(GERMAN.encode("utf-8")) == (GERMAN, "utf-8")


# ---------------------------------------------------------------- fixtures, via the library

DATA = Path(__file__).resolve().parent / "data"
EXPECTED = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_through_library_reader(name):
    """Each fixture file goes through the import reader (decode, clean, date),
    without NLP. Regenerate with tests/core/data/make_fixtures.py."""
    from annotations.corpus.ingest import Skipped, read_candidates

    [got] = list(read_candidates(DATA / name))
    want = EXPECTED[name]
    if "skipped" in want:
        assert isinstance(got, Skipped) and want["skipped"] in got.reason
        return
    assert not isinstance(got, Skipped), got
    assert (got.text, got.title, got.date, got.date_source, got.byline) == (
        want["text"], want["title"], want["date"], want["date_source"], want["byline"])


def test_noisy_fixture_by_hand():
    """Spelled out, so the fixture does not only agree with itself."""
    from annotations.corpus.ingest import read_candidates

    [got] = list(read_candidates(DATA / "noisy_web.txt"))
    assert got.text == ("Chiều 5/1, Tỉnh ủy tổ chức hội nghị tổng kết công tác năm 2023.\n\n"
                        "Đồng chí Bí thư Tỉnh ủy phát biểu.\n\n"
                        "Hội nghị đã [bold]thống nhất[/] các nội dung.")
    assert (got.date, got.date_source, got.byline) == ("2024-01-05", "text", "Báo Tỉnh")


def test_legacy_fixtures_are_what_they_say():
    for name, codec in (("tcvn3_002.txt", "tcvn3"), ("vni_004.txt", "vni"),
                        ("cp1258_003.txt", "cp1258"), ("utf16_001.txt", "utf-16-le")):
        data = (DATA / name).read_bytes()
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        assert decode_bytes(data)[1] == codec
