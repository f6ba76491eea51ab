"""Segmentation and entities: canonical text -> Analysis.

Paragraphs are lines; sentences come from underthesea's sent_tokenize inside
each paragraph; one ner() call per sentence gives word tokens, POS and CRF tags,
and annotations.nlp.entities turns those into the seven entity labels.
underthesea rewrites what it returns (uỷ -> ủy, NFD -> NFC), so every piece is
aligned back onto the text by comparing folded characters (no tone marks, no
case, no whitespace); a piece that cannot be found is skipped, never guessed.
A person's name found once (after a title) is tagged wherever else it occurs.
underthesea is imported lazily so `baocao list` never pays for it.
"""
from __future__ import annotations

import bisect
import os
import re
import unicodedata

from ..models import Analysis, Entity, Paragraph, Sentence, Token
from ..text.vietnamese import align_fold

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub model

_LINE_RE = re.compile(r"[^\n]+")
_WORD_RE = re.compile(r"\S+")
_WINDOW = 8  # folded chars a piece may start after the expected position


def _folded(text: str, start: int, end: int) -> tuple[str, list[int]]:
    """Folded text[start:end] and, per folded char, its index in text."""
    chars, where = [], []
    for i in range(start, end):
        f = align_fold(text[i])
        if f:
            chars.append(f)
            where.extend([i] * len(f))
    return "".join(chars), where


def align(text: str, pieces: list[str], start: int, end: int) -> list[tuple[int, int] | None]:
    """Place each piece, in order, in text[start:end]. Returns one (start, end)
    per piece, or None for a piece that is not there."""
    stream, where = _folded(text, start, end)
    out: list[tuple[int, int] | None] = []
    pos = 0
    for piece in pieces:
        key = "".join(align_fold(c) for c in piece)
        i = stream.find(key, pos, pos + len(key) + _WINDOW) if key else -1
        if i < 0:
            out.append(None)
            continue
        s, e = where[i], where[i + len(key) - 1] + 1
        while e < end and unicodedata.combining(text[e]):  # NFD marks belong to the letter
            e += 1
        out.append((s, e))
        pos = i + len(key)
    return out


def _sentences(text: str, start: int, end: int, sent_tokenize) -> list[tuple[int, int]]:
    """Sentence spans covering the paragraph: each runs to the next one's start."""
    try:
        pieces = sent_tokenize(text[start:end])
    except Exception:  # noqa: BLE001 - underthesea fails in its own ways on odd input: keep the paragraph whole
        pieces = []
    starts = sorted({sp[0] for sp in align(text, pieces, start, end) if sp} | {start})
    spans = []
    for k, s in enumerate(starts):
        e = starts[k + 1] if k + 1 < len(starts) else end
        while e > s and text[e - 1].isspace():
            e -= 1
        while s < e and text[s].isspace():
            s += 1
        if s < e:
            spans.append((s, e))
    return spans


def _tokens(text: str, s: int, e: int, ner) -> list[tuple[int, int, str, str]]:
    """(start, end, pos, crf_tag) per word of text[s:e], offsets into text."""
    try:
        rows = ner(text[s:e])
    except Exception:  # noqa: BLE001 - as above; the words are then taken untagged
        rows = []
    spans = align(text, [r[0] for r in rows], s, e)
    toks = [(sp[0], sp[1], r[1], r[3]) for sp, r in zip(spans, rows) if sp]
    if not toks:  # nothing aligned: whitespace words, untagged
        toks = [(m.start() + s, m.end() + s, "", "O") for m in _WORD_RE.finditer(text, s, e)]
    return toks


def analyze(text: str) -> Analysis:
    from underthesea import ner, sent_tokenize

    from .entities import find_entities

    out = Analysis()
    for m in _LINE_RE.finditer(text):
        ps, pe = m.span()
        while ps < pe and text[ps].isspace():
            ps += 1
        while pe > ps and text[pe - 1].isspace():
            pe -= 1
        if ps == pe:
            continue
        p = len(out.paragraphs)
        out.paragraphs.append(Paragraph(ps, pe))
        for s, e in _sentences(text, ps, pe, sent_tokenize):
            out.sentences.append(Sentence(s, e, p))
            toks = _tokens(text, s, e, ner)
            out.tokens.extend(Token(a, b) for a, b, _, _ in toks)
            rel = [(a - s, b - s, pos, tag) for a, b, pos, tag in toks]
            out.entities.extend(Entity(a + s, b + s, lab) for a, b, lab in find_entities(text[s:e], rel))
    out.entities += _repeat_names(text, out)
    out.entities.sort(key=lambda x: x.start)
    return out


def _repeat_names(text: str, out: Analysis) -> list[Entity]:
    """A name recognised once (after a title: "Tổng thống Putin") is a name
    wherever else it appears untagged in the report."""
    names = {text[e.start:e.end] for e in out.entities if e.label == "PER"}
    names = {n for n in names if " " in n or len(n) >= 4}
    if not names:
        return []
    starts, ends_tok = {t.start for t in out.tokens}, {t.end for t in out.tokens}
    rx = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, sorted(names, key=len, reverse=True))) + r")(?!\w)")
    taken = bytearray(len(text))
    for e in out.entities:
        taken[e.start:e.end] = b"\x01" * (e.end - e.start)
    ends = [s.end for s in out.sentences]
    found = []
    for m in rx.finditer(text):
        k = bisect.bisect_right(ends, m.start())
        inside = k < len(ends) and out.sentences[k].start <= m.start() and m.end() <= ends[k]
        whole_words = m.start() in starts and m.end() in ends_tok  # not "Tổ" of "Tổ chức"
        if inside and whole_words and not any(taken[m.start():m.end()]):
            found.append(Entity(m.start(), m.end(), "PER"))
    return found
