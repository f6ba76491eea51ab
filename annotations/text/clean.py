"""Decoded text -> canonical text (NFC, one paragraph per line, no web noise).

Canonical text: every non-empty line of the source is a paragraph, stripped,
inner whitespace collapsed to one space; paragraphs are joined by "\\n\\n".

Removed, each recorded in ``Cleaned.removed`` as (line, reason):
- the metadata header `` date YYYY-MM[-DD] `` at the very start (-> header_date);
- ANSI escape sequences and control/format characters (tab -> space);
- web noise lines: media-player timers, "Xem thêm"-style links, copyright
  notices, photo credits, separator lines, the immediate repeat of a line
  (photo captions are printed twice), and a closing byline ("Theo TTXVN" ->
  byline "TTXVN");
- a photo credit at the end of a sentence line ("... hội nghị. (Ảnh: X/TTXVN)").

Rules match whole lines (or a parenthesised credit at a line's end) so that a
real sentence is never dropped. Markup such as ``[bold]`` is plain text here.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..errors import InputError
from .dates import valid_iso

HEADER_RE = re.compile(r"date (\d{4}-\d{2}(?:-\d{2})?)(?: |$)", re.IGNORECASE)


class CleanError(InputError, ValueError):
    """Nothing usable is left; the message is the reason."""


@dataclass(slots=True)
class Cleaned:
    text: str  # canonical: one paragraph per line, paragraphs joined by "\n\n"
    title: str
    header_date: str | None = None  # from a leading " date YYYY-MM[-DD] " header
    byline: str = ""  # "Theo TTXVN" -> "TTXVN"
    removed: list[tuple[str, str]] = field(default_factory=list)  # (line, reason)


# ---------------------------------------------------------------- characters

ANSI_RE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"            # CSI: colours, cursor moves
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC: titles, hyperlinks
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"     # DCS/SOS/PM/APC strings
    r"|\x1b[@-Z\\-_]"                     # other two-byte escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"             # 8-bit CSI
)
_LINE_BREAKS = re.compile(r"\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


# C0/C1 controls (tab and newline are handled apart), surrogates, and the
# invisible format characters (category Cf: soft hyphen, ZWSP, BOM, bidi marks…).
_INVISIBLE_RE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff"
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f]+")


_LINE_BREAK_CHARS = re.compile(r"[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def _strip_controls(text: str) -> str:
    """Line separators -> '\\n'; drop ANSI escapes, other C0/C1 controls and
    invisible format characters (ZWSP, BOM, soft hyphen, ...). Tabs stay (they
    become spaces with the other whitespace)."""
    if "\x1b" in text or "\x9b" in text:
        text = ANSI_RE.sub("", text)
    if _LINE_BREAK_CHARS.search(text):
        text = _LINE_BREAKS.sub("\n", text)
    return "\n".join(line if line.isprintable() else _INVISIBLE_RE.sub("", line)
                     for line in text.split("\n"))


def _canonical_line(line: str) -> str:
    """NFC, whitespace runs (tab, NBSP, ...) -> one space, stripped."""
    return " ".join(unicodedata.normalize("NFC", line).split())


# ---------------------------------------------------------------- noise rules

_PLAYER_RE = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?(?:\s*/\s*\d{1,2}:\d{2}(?::\d{2})?)?")
_LINK_RE = re.compile(
    r"(?:xem thêm|đọc thêm|xem tiếp|tin liên quan|bài liên quan|tin cùng chuyên mục"
    r"|chia sẻ|in bài|quay lại|về đầu trang|bình luận|từ khóa|từ khoá|tags?)"
    r"\s*[:>».…]*", re.IGNORECASE)
_COPYRIGHT_RE = re.compile(
    r"(?:\(\*\)\s*)?(?:không (?:được )?sao chép\b|©|\(c\)\s|copyright\b"
    r"|bản quyền (?:thuộc|©|\(c\))|ghi rõ nguồn\b.*\bkhi (?:phát hành|đăng) lại)",
    re.IGNORECASE)
_CREDIT_WORDS = r"(?:ảnh|nguồn ảnh|ảnh minh họa|ảnh minh hoạ|video|clip|đồ họa|đồ hoạ)"
_CREDIT_LINE_RE = re.compile(
    rf"\(?\s*{_CREDIT_WORDS}\s*(?::\s*[^()]{{1,80}})?\)?", re.IGNORECASE)
# A parenthesised credit closing a sentence line: "... hội nghị. (Ảnh: X/TTXVN)"
_CREDIT_TAIL_RE = re.compile(rf"\s*\(\s*{_CREDIT_WORDS}\s*:\s*[^()]{{1,80}}\)$", re.IGNORECASE)
# "Theo TTXVN", "(Theo Báo Nhân Dân)", "Nguồn: VOV": a short source name.
_BYLINE_RE = re.compile(r"\(?\s*(?:[Tt]heo|[Nn]guồn)\s*:?\s+([^\W\d_][^.!?;:,()]{0,59}?)\s*\.?\s*\)?")
_HAS_WORD = re.compile(r"[^\W_]")
_MAX_NOISE_LEN = 300  # a notice longer than this is more likely real text


def _noise_reason(line: str) -> str | None:
    """Why a whole line is web noise, or None if it is (or may be) body text."""
    if not _HAS_WORD.search(line):
        return "separator (no text)"
    if _PLAYER_RE.fullmatch(line):
        return "media player"
    if _LINK_RE.fullmatch(line):
        return "related-links link"
    if len(line) <= _MAX_NOISE_LEN and _COPYRIGHT_RE.match(line):
        return "copyright notice"
    if _CREDIT_LINE_RE.fullmatch(line):
        return "photo credit"
    return None


# ---------------------------------------------------------------- title

_SENTENCE_END = re.compile(r"[.!?…]+(?=\s+[\"“'(\[]?(\w)|\s*$)")
_ABBREV = re.compile(r"(?:^|\s)[A-ZĐ]{1,4}$")  # "TP." "PGS." before a name
_HEADING_MAX = 150
TITLE_MAX = 80


def _is_heading(line: str) -> bool:
    return (len(line) <= _HEADING_MAX and len(line.split()) <= 25
            and not re.search(r"[.!?…:;,]\W*$", line))


def make_title(first_line: str) -> str:
    """The first line when it is a heading; else its first sentence, shortened
    to at most TITLE_MAX characters on a word boundary with an ellipsis."""
    if _is_heading(first_line):
        return first_line
    sentence = first_line
    for m in _SENTENCE_END.finditer(first_line):
        nxt = m.group(1)
        if nxt is None or ((nxt.isupper() or nxt.isdigit())
                           and not _ABBREV.search(first_line[: m.start()])):
            sentence = first_line[: m.start()]
            break
    sentence = sentence.rstrip(" ,;:")
    if len(sentence) <= TITLE_MAX:
        return sentence
    head = sentence[: TITLE_MAX]  # cut on a word boundary, leave room for "…"
    cut = head.rsplit(" ", 1)[0] if " " in head else head[: TITLE_MAX - 1]
    return cut.rstrip(" ,;:-–") + "…"


# ---------------------------------------------------------------- clean

def clean(raw: str) -> Cleaned:
    lines = [ln for ln in map(_canonical_line, _strip_controls(raw).split("\n")) if ln]
    removed: list[tuple[str, str]] = []
    header = None
    m = HEADER_RE.match(lines[0]) if lines else None
    if m:  # " date 2025-03 Kết quả…": the header shares the first line
        header = m.group(1) if valid_iso(m.group(1)) else None
        removed.append((m.group(0).strip(), "date header" if header else "invalid date header"))
        lines[0] = lines[0][m.end():]
        if not lines[0]:
            lines.pop(0)
    if not lines:
        if m:
            raise CleanError("only a date header, no report text")
        raise CleanError("no text (only whitespace or control characters)")

    kept: list[str] = []
    for line in lines:
        reason = _noise_reason(line)
        if reason is None and kept and line == kept[-1]:
            reason = "repeated line (duplicate caption)"
        if reason:
            removed.append((line, reason))
            continue
        tail = _CREDIT_TAIL_RE.search(line) if line.endswith(")") else None
        if tail and tail.start() > 0:
            removed.append((tail.group(0).strip(), "photo credit"))
            line = line[: tail.start()].rstrip()
        kept.append(line)

    byline = ""
    if len(kept) > 1:
        bm = _BYLINE_RE.fullmatch(kept[-1])
        if bm and bm.group(1)[0].isupper() and len(bm.group(1).split()) <= 6:
            byline = bm.group(1).strip()
            removed.append((kept.pop(), "byline"))

    if not kept:
        noise = sum(1 for _, why in removed if why not in ("date header", "invalid date header"))
        raise CleanError(f"only web noise ({noise} lines removed), no report text")
    return Cleaned("\n\n".join(kept), make_title(kept[0]), header, byline, removed)

