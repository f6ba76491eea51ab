"""Segmentation and entities: canonical text -> Analysis.

BASELINE: paragraphs, underthesea sentences and tokens, raw CRF entities.
The entity layer (patterns, gazetteer, titles) builds on this.
underthesea is imported lazily so `baocao list` never pays for it.
"""
from __future__ import annotations

import os
import re
import unicodedata

from .models import Analysis, Entity, Paragraph, Sentence, Token

PIPELINE_VERSION = "0.1"

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub model

_LINE_RE = re.compile(r"[^\n]+")


def _fold(ch: str) -> str:
    """Compare characters the way underthesea rewrites them (uỷ -> ủy)."""
    return unicodedata.normalize("NFD", ch)[0].lower()


def align(text: str, pieces: list[str], start: int, end: int) -> list[tuple[int, int]]:
    """Find each piece, in order, in text[start:end]; tolerant of underthesea's
    rewrites (tone-mark placement, spacing). Returns (start, end) per piece."""
    spans = []
    pos = start
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        while pos < end and text[pos].isspace():
            pos += 1
        i = text.find(piece, pos, end)
        if i == pos or (i != -1 and not text[pos:i].strip()):
            spans.append((i, i + len(piece)))
            pos = i + len(piece)
            continue
        # Character-by-character match, skipping whitespace on both sides.
        j, k = pos, 0
        chars = [c for c in piece if not c.isspace()]
        first = None
        while k < len(chars) and j < end:
            if text[j].isspace():
                j += 1
                continue
            if _fold(text[j]) != _fold(chars[k]):
                break
            first = j if first is None else first
            j += 1
            k += 1
        if k == len(chars) and first is not None:
            spans.append((first, j))
            pos = j
    return spans


def analyze(text: str) -> Analysis:
    from underthesea import ner, sent_tokenize

    out = Analysis()
    for m in _LINE_RE.finditer(text):
        if not m.group().strip():
            continue
        p = len(out.paragraphs)
        out.paragraphs.append(Paragraph(m.start(), m.end()))
        for s, e in align(text, sent_tokenize(m.group()), m.start(), m.end()):
            out.sentences.append(Sentence(s, e, p))
            rows = ner(text[s:e])
            spans = align(text, [r[0] for r in rows], s, e)
            if len(spans) != len(rows):
                spans = align(text, text[s:e].split(), s, e)
                rows = [(None, None, None, "O")] * len(spans)
            current = None
            for (ts, te), row in zip(spans, rows):
                out.tokens.append(Token(ts, te))
                tag = row[3]
                if tag.startswith("B-") or (tag.startswith("I-") and current is None):
                    current = [ts, te, tag[2:]]
                    out.entities.append(current)
                elif tag.startswith("I-") and current and current[2] == tag[2:]:
                    current[1] = te
                else:
                    current = None
    out.entities = [Entity(*e) for e in out.entities]
    return out
