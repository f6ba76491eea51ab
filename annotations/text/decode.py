"""Bytes -> str: UTF-8/16 (BOM), and the Vietnamese 8-bit encodings.

Order of decisions:
1. empty / whitespace-only; a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32);
2. known binary formats by magic number (images, PDF, ZIP/Office, ...), NUL bytes
   (unless they are the high bytes of BOM-less UTF-16 that reads as Vietnamese);
3. strict UTF-8;
4. valid UTF-8 that reads as mojibake (Vietnamese once decoded with the wrong
   code page, then saved as UTF-8) is repaired when the repair is convincing;
5. otherwise the 8-bit candidates CP1258, TCVN3 (ABC) and VNI (VNI-Windows)
   are each decoded and scored by how Vietnamese the result looks (share of
   accented words that are well-formed Vietnamese syllables, density of such
   words, stray symbols). The best one is kept only when it is convincing and
   clearly ahead; otherwise we refuse: a wrong guess is worse than a refusal.

Legacy decodings are returned in NFC. TCVN3 (VN3) has no code for upper-case
letters with a tone mark (fonts like .VnTimeH draw lower-case codes as
capitals), so those decode as lower case; the VN1 upper-case codes that do not
clash with VN3 or Windows punctuation are accepted too.
"""
from __future__ import annotations

import re
import unicodedata

from ..errors import InputError
from .vietnamese import is_syllable


class DecodeError(InputError, ValueError):
    """The bytes are not text we can decode; the message is the reason."""


SUPPORTED = "UTF-8, UTF-16, CP1258, TCVN3, VNI"

# ---------------------------------------------------------------- tables

# TCVN3 0xA0..0xFF. VN3 letters (lower case + ĂÂÊÔƠƯĐ), VN1 upper case in the
# positions VN3 leaves free, and VN1's combining tone marks at 0xB0..0xB4.
_TCVN3_A0_FF = (
    "\u00a0ĂÂÊÔƠƯĐăâêôơưđẰ"
    "\u0300\u0309\u0303\u0301\u0323àảãáạẲằẳẵắẴ"
    "ẮẦẨẪẤỀặầẩẫấậèỂẻẽ"
    "éẹềểễếệìỉỄẾỒĩíịò"
    "Ổỏõóọồổỗốộờởỡớợù"
    "ỖủũúụừửữứựỳỷỹýỵỐ"
)
# VN1 upper case kept in the C0 range (no text control code among them).
_TCVN3_C0 = {0x01: "Ú", 0x02: "Ụ", 0x04: "Ừ", 0x05: "Ử", 0x06: "Ữ", 0x11: "Ứ",
             0x12: "Ự", 0x13: "Ỳ", 0x14: "Ỷ", 0x15: "Ỹ", 0x16: "Ý", 0x17: "Ỵ"}
# VN1 upper case in 0x80..0x9F, used only where Windows-1252 has no character
# (Word documents in ABC fonts carry 1252 smart quotes and dashes there).
_TCVN3_80_9F = "ÀẢÃÁẠẶẬÈẺẼÉẸỆÌỈĨÍỊÒỎÕÓỌỘỜỞỠỚỢÙỦŨ"


def _cp1252(b: int) -> str | None:
    try:
        return bytes([b]).decode("cp1252")
    except UnicodeDecodeError:
        return None


def _build_tcvn3() -> list[str]:
    table = [chr(b) for b in range(0x80)]
    for b, ch in _TCVN3_C0.items():
        table[b] = ch
    for b in range(0x80, 0xA0):
        table.append(_cp1252(b) or _TCVN3_80_9F[b - 0x80])
    table.extend(_TCVN3_A0_FF)
    return table


TCVN3_TABLE = _build_tcvn3()
_TCVN3_TRANS = {i: ch for i, ch in enumerate(TCVN3_TABLE)}

# VNI-Windows writes a vowel as an ASCII base letter followed by a mark byte;
# a few letters are single bytes. Marks are given as combining sequences, so
# base + mark composes under NFC (a + U+0302 U+0300 -> ầ).
_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_CIRC, _BREVE = "\u0302", "\u0306"
_VNI_MARKS_LOWER = {
    0xF8: _GRAVE, 0xF9: _ACUTE, 0xFB: _HOOK, 0xF5: _TILDE, 0xEF: _DOT,
    0xE2: _CIRC, 0xE0: _CIRC + _GRAVE, 0xE1: _CIRC + _ACUTE, 0xE5: _CIRC + _HOOK,
    0xE3: _CIRC + _TILDE, 0xE4: _CIRC + _DOT,
    0xEA: _BREVE, 0xE8: _BREVE + _GRAVE, 0xE9: _BREVE + _ACUTE, 0xFA: _BREVE + _HOOK,
    0xFC: _BREVE + _TILDE, 0xEB: _BREVE + _DOT,
}
# Upper-case marks are the same bytes minus 0x20 (Ø Ù Û Õ Ï Â À Á Å Ã Ä Ê È É Ú Ü Ë).
VNI_MARKS = {**_VNI_MARKS_LOWER, **{b - 0x20: m for b, m in _VNI_MARKS_LOWER.items()}}
VNI_SINGLE = {
    0xF1: "đ", 0xD1: "Đ", 0xF4: "ơ", 0xD4: "Ơ", 0xF6: "ư", 0xD6: "Ư",
    0xEC: "ì", 0xCC: "Ì", 0xED: "í", 0xCD: "Í", 0xE6: "ỉ", 0xC6: "Ỉ",
    0xF3: "ĩ", 0xD3: "Ĩ", 0xF2: "ị", 0xD2: "Ị", 0xEE: "ỵ", 0xCE: "Ỵ",
}
_VNI_BASES = frozenset("aeouyAEOUYơưƠƯ")  # letters a VNI mark byte can follow


def decode_tcvn3(data: bytes) -> str:
    return unicodedata.normalize("NFC", data.decode("latin-1").translate(_TCVN3_TRANS))


def decode_vni(data: bytes) -> str:
    out: list[str] = []
    for b in data:
        if b in VNI_SINGLE:
            out.append(VNI_SINGLE[b])
        elif b in VNI_MARKS and out and out[-1] in _VNI_BASES:
            out.append(VNI_MARKS[b])
        else:
            out.append(_cp1252(b) or chr(b))
    return unicodedata.normalize("NFC", "".join(out))


def decode_cp1258(data: bytes) -> str:
    return unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))


_LEGACY = (("cp1258", decode_cp1258), ("tcvn3", decode_tcvn3), ("vni", decode_vni))

# ---------------------------------------------------------------- sniffing

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "looks like an image (PNG)"),
    (b"\xff\xd8\xff", "looks like an image (JPEG)"),
    (b"GIF87a", "looks like an image (GIF)"),
    (b"GIF89a", "looks like an image (GIF)"),
    (b"II*\x00", "looks like an image (TIFF)"),
    (b"MM\x00*", "looks like an image (TIFF)"),
    (b"%PDF-", "looks like a PDF document"),
    (b"PK\x03\x04", "looks like a ZIP archive (or a .docx/.xlsx/.odt document)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "looks like an old Office document (.doc/.xls)"),
    (b"\x1f\x8b", "looks like gzip-compressed data"),
    (b"7z\xbc\xaf\x27\x1c", "looks like a 7-Zip archive"),
    (b"Rar!\x1a\x07", "looks like a RAR archive"),
    (b"\x7fELF", "looks like a program (ELF)"),
    (b"{\\rtf", "looks like an RTF document (save it as plain text)"),
)
_BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def _sniff_binary(data: bytes) -> str | None:
    for magic, reason in _MAGIC:
        if data.startswith(magic):
            return f"binary data: {reason}"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "binary data: looks like an image (WEBP)"
    if data[:2] == b"BM" and b"\x00" in data[:64]:
        return "binary data: looks like an image (BMP)"
    if b"\x00" in data:
        return "binary data (NUL bytes)"
    return None


def _bomless_utf16(data: bytes) -> tuple[str, str] | None:
    """UTF-16 saved without a byte-order mark: NUL high bytes on one side.
    Accepted only when the text then reads as Vietnamese."""
    if len(data) % 2 or len(data) < 8:
        return None
    sample = data[:SAMPLE_BYTES]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    for codec, zeros, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros >= 0.3 * half and other <= 0.02 * half:
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                return None
            quality, good, density = vietnamese_score(text[:MOJIBAKE_SAMPLE])
            if quality >= MIN_QUALITY and density >= MIN_DENSITY and good >= MIN_GOOD:
                return text, codec
            return None
    return None


# ---------------------------------------------------------------- scoring

_WORD_RE = re.compile(r"[^\W\d_]+")
_OK_SYMBOLS = frozenset("“”‘’–—…•·«»°§©®™±×€£¥\u00a0")
SAMPLE_BYTES = 256 * 1024  # enough to judge; the chosen codec decodes it all


def vietnamese_score(text: str) -> tuple[float, int, float]:
    """(quality, good, density) of a decoding.

    good: accented words that are valid syllables; quality: good / (good + bad
    accented words + stray symbols); density: good / all words (Vietnamese
    prose has most of its syllables accented; French or English has few)."""
    words = _WORD_RE.findall(text)
    good = bad = 0
    for w in words:
        if w.isascii():
            continue
        if is_syllable(w):
            good += 1
        else:
            bad += 1
    stray = sum(1 for ch in text
                if ord(ch) > 0x7E and ch not in _OK_SYMBOLS and not ch.isalpha())
    quality = good / (good + bad + stray) if good else 0.0
    density = good / len(words) if words else 0.0
    return quality, good, density


MIN_QUALITY = 0.9
MIN_DENSITY = 0.2
MIN_GOOD = 3
MARGIN = 0.1


def _guess_legacy(data: bytes) -> tuple[str, str]:
    sample = data[:SAMPLE_BYTES]
    scored = []
    for name, fn in _LEGACY:
        quality, good, density = vietnamese_score(fn(sample))
        scored.append((quality, good, density, name, fn))
    scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
    best, runner = scored[0], scored[1]
    quality, good, density, name, fn = best
    convincing = quality >= MIN_QUALITY and density >= MIN_DENSITY and good >= MIN_GOOD
    if not convincing or best[0] - runner[0] < MARGIN:
        raise DecodeError(f"bytes are not in a supported encoding ({SUPPORTED})")
    return fn(data), name


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Raise DecodeError with a one-line reason."""
    if not data:
        raise DecodeError("empty file")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                if codec.startswith("utf-32"):
                    continue  # FF FE 00 00 may also open UTF-16 LE text
                raise DecodeError(f"{codec} byte-order mark but invalid {codec} "
                                  f"at byte {exc.start}") from exc
            text = text.lstrip("\ufeff")
            if not text.strip():
                raise DecodeError("empty file (only whitespace)")
            return text, codec.replace("-sig", "")
    if not data.strip():
        raise DecodeError("empty file (only whitespace)")
    binary = _sniff_binary(data)
    if binary:
        utf16 = _bomless_utf16(data) if binary.endswith("(NUL bytes)") else None
        if utf16:
            return utf16
        raise DecodeError(binary)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    else:
        return _repair_mojibake(text) or (text, "utf-8")
    try:
        return _guess_legacy(data)
    except DecodeError:
        if _mostly_utf8(data):  # a few broken bytes in UTF-8: say where
            raise DecodeError(f"invalid UTF-8 at byte {utf8_error.start} (the rest is "
                              "UTF-8); fix or re-save the file as UTF-8") from None
        raise


MOJIBAKE_SAMPLE = 4000  # characters checked before trying a repair
_VIET_LETTERS = "".join(sorted({
    unicodedata.normalize("NFC", base + tone)
    for vowel in "aăâeêioôơuưy" for base in (vowel, vowel.upper())
    for tone in ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")} | set("đĐ")))
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")
_FOREIGN_RE = re.compile(f"[^\\x00-\\x7f{_VIET_LETTERS}{''.join(sorted(_OK_SYMBOLS))}]")


def _repair_mojibake(text: str) -> tuple[str, str] | None:
    """Vietnamese that was decoded with the wrong code page and saved as UTF-8
    ("Hà»™i", "Héi nghÞ", "Hoäi nghò"): undo it when the text does not look
    Vietnamese and the re-decoded bytes convincingly do; else None."""
    sample = text[:MOJIBAKE_SAMPLE]
    non_ascii = len(_NON_ASCII_RE.findall(sample))
    if not non_ascii or len(_FOREIGN_RE.findall(sample)) < 0.25 * non_ascii:
        return None  # fast path: the accents are Vietnamese letters
    if vietnamese_score(sample)[0] >= 0.5:
        return None
    for codec in ("cp1252", "latin-1"):
        try:
            raw = text.encode(codec)
        except UnicodeEncodeError:
            continue
        try:
            fixed = raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                fixed, name = _guess_legacy(raw)
            except DecodeError:
                continue
            return fixed, f"{name} (mis-decoded as {codec}, repaired)"
        if _convincing(fixed):
            return unicodedata.normalize("NFC", fixed), f"utf-8 (double-encoded via {codec}, repaired)"
    # Windows tools decode UTF-8 as cp1252 keeping the bytes it leaves undefined
    # (0x81, 0x8D, ...) as controls, so neither codec above encodes it back; ftfy
    # undoes that form (imported here: only a text that reads wrong pays for it)
    import ftfy

    fixed = ftfy.fix_encoding(text)
    if fixed != text and _convincing(fixed):
        return unicodedata.normalize("NFC", fixed), "utf-8 (double-encoded via cp1252, repaired by ftfy)"
    return None


def _convincing(fixed: str) -> bool:
    quality, good, density = vietnamese_score(fixed[:SAMPLE_BYTES])
    return quality >= MIN_QUALITY and density >= MIN_DENSITY and good >= MIN_GOOD


def _mostly_utf8(data: bytes) -> bool:
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    multibyte = sum(1 for ch in text if ord(ch) > 0x7F) - bad
    return multibyte > 10 * bad
