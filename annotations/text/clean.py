"""Decoded text -> canonical text (NFC, one paragraph per line, no web noise).

Canonical text: every non-empty line of the source is a paragraph, stripped,
inner whitespace collapsed to one space; paragraphs are joined by "\\n\\n".

Removed, each recorded in ``Cleaned.removed`` as (line, reason):
- the metadata header `` date YYYY-MM[-DD] `` at the very start (-> header_date);
- ANSI escape sequences and control/format characters (tab -> space);
- lines that are certainly web noise (text/noise.py: media players, datelines,
  related links and the headlines under a bare "Tin liên quan", widgets, CMS
  placeholders, image file names, copyright, credits, lone punctuation), the
  immediate repeat of a line (photo captions are printed twice), a section
  label before the headline, a bare-name byline under the headline, and
  closing bylines ("Theo TTXVN" -> byline "TTXVN", "Thu Hằng");
- a photo credit glued to the end of a body paragraph ("... (Ảnh: X/TTXVN)").
Probable captions stay (with their credit): the pipeline classifies them.

Rules match whole lines (or a credit at a line's end) so that a real sentence
is never dropped. The title is the first line that is not a caption, without
footnote marks ("(*)"). Markup such as ``[bold]`` is plain text here.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ..errors import InputError
from . import noise
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
    dateline: str = ""  # the first publication dateline removed ("14:06, 07/10/2024 (GMT+7)")


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

# "Theo TTXVN", "(Theo Báo Nhân Dân)", "Nguồn: VOV": a short source name.
_BYLINE_RE = re.compile(r"\(?\s*(?:[Tt]heo|[Nn]guồn)\s*:?\s+([^\W\d_][^.!?;:,()]{0,59}?)\s*\.?\s*\)?")
_LABEL_WORDS = 3  # a line this short, alone before a headline, is a section label


def _unknown_label(line: str, following: str) -> bool:
    """A short word-only line before the headline ("Đối ngoại" above "Thủ
    tướng tiếp Đại sứ…"): a site section, even one not in the vocabulary."""
    return (len(line.split()) <= _LABEL_WORDS and not re.search(r"[\d\W_]", line.replace(" ", ""))
            and noise.heading_shaped(following) and len(following.split()) > len(line.split()) + 1)


# ---------------------------------------------------------------- title

_SENTENCE_END = re.compile(r"[.!?…]+(?=\s+[\"“'(\[]?(\w)|\s*$)")
_ABBREV = re.compile(r"(?:^|\s)[A-ZĐ]{1,4}$")  # "TP." "PGS." before a name
# Footnote and editor's marks on headlines: "(*)", "\"*\"", "[*]", a lone "*"
_MARKER_RE = re.compile(r"\s*(?:\(\*+\)|[\"“”]\*+[\"“”]|\[\*+\]|(?<!\S)\*+(?!\S))\s*")
TITLE_MAX = 80
# A wire's lead before the first sentence: "VOV.VN - Chiều 7/10, …", "(ĐCSVN) - …"
_AGENCY_LEAD = re.compile(r"^\(?[A-ZĐ][A-ZĐ.]{1,11}\)?\s*[-–]\s+(?=\S)")


def strip_markers(line: str) -> str:
    """A headline without its footnote marks and a trailing " |"."""
    return " ".join(_MARKER_RE.sub(" ", line).split()).rstrip(" |") or line


def make_title(first_line: str) -> str:
    """The first line when it is a heading; else its first sentence, shortened
    to at most TITLE_MAX characters on a word boundary with an ellipsis.
    Footnote marks ("(*)") are left out."""
    first_line = _AGENCY_LEAD.sub("", strip_markers(first_line), count=1)
    if noise.heading_shaped(first_line):
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

    kept, byline = _drop_noise(lines, removed)
    if not kept:
        count = sum(1 for _, why in removed if why not in ("date header", "invalid date header"))
        raise CleanError(f"only web noise ({count} lines removed), no report text")
    headline = next((ln for ln in kept if not noise.is_caption(strip_markers(ln))), kept[0])
    dateline = next((ln for ln, why in removed if why == "publication dateline"), "")
    return Cleaned("\n\n".join(kept), make_title(headline), header, byline, removed, dateline)


def _drop_noise(lines: list[str], removed: list[tuple[str, str]]) -> tuple[list[str], str]:
    """(kept lines, byline): certain noise goes to ``removed``; captions stay."""
    kept: list[str] = []
    in_links = False  # after a bare "Tin liên quan": headlines, up to the next sentence
    for i, line in enumerate(lines):
        reason = noise.noise_reason(line)
        if reason is None and in_links and noise.related_headline(line):
            reason = "related-links link"
        if reason is None and kept and line == kept[-1]:
            reason = "repeated line (duplicate caption)"
        if reason is None and not kept and (noise.section_label(line) or _unknown_label(
                line, lines[i + 1] if i + 1 < len(lines) else "")):
            reason = "section label"
        if reason is None and 1 <= len(kept) <= 2 and noise.bare_byline(line):
            reason = "byline"  # under the headline or its lead
        in_links = reason == "related-links link" and (in_links or bool(noise.LINKS_HEADER_RE.fullmatch(line)))
        if reason:
            removed.append((line, reason))
            continue
        tail = noise.credit_tail(line)
        if tail and not noise.is_caption(line):
            # a credit glued to a body paragraph: trimmed (on a caption it stays,
            # the sign that the line is a caption)
            removed.append((tail.group(0).strip(" -–|"), "photo credit"))
            line = line[: tail.start()].rstrip()
        kept.append(line)

    byline = ""
    while len(kept) > 1:  # "… kết thúc.\nThu Hằng\nTheo TTXVN"
        bm = _BYLINE_RE.fullmatch(kept[-1])
        if bm and bm.group(1)[0].isupper() and len(bm.group(1).split()) <= 6:
            byline = byline or bm.group(1).strip()
        elif noise.bare_byline(kept[-1], at_end=True) or noise.unit_byline(kept[-1]):
            byline = byline or kept[-1].strip(" .")
        else:
            break
        removed.append((kept.pop(), "byline"))
    return kept, byline

