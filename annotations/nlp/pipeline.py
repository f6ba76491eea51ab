"""Segmentation and entities: canonical text -> Analysis.

Paragraphs are lines, each of a kind (body, heading, caption: text/noise.py);
sentences come from underthesea's sent_tokenize inside each paragraph; our
tagger (annotations.nlp.tagger: underthesea's ner() tags, from the same models,
faster), run over the report's sentences in batches,
gives word tokens, POS and CRF tags, and annotations.nlp.entities turns those
into the seven entity labels, sentence by sentence.
underthesea rewrites what it returns (uỷ -> ủy, NFD -> NFC), so every piece is
aligned back onto the text by comparing folded characters (no tone marks, no
case, no whitespace; the text is folded once per analysis); a piece that cannot
be found is skipped, never guessed.
A person's name found once (after a title) is tagged wherever else it occurs:
that pass (``resolve``) is the only step that needs the whole report, so a big
report is segmented whole, its sentences tagged in parts (``tag_part``, in
worker processes: annotations/corpus/engines.py), then resolved.
underthesea is imported lazily so `baocao list` never pays for it.
"""
from __future__ import annotations

import bisect
import os
import re
import unicodedata
from functools import partial
from itertools import accumulate

from ..models import Analysis, Entity, Paragraph, Sentence, Token
from ..text.noise import paragraph_kinds
from ..text.vietnamese import align_fold

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub model

_LINE_RE = re.compile(r"[^\n]+")
_WORD_RE = re.compile(r"\S+")
_WINDOW = 8  # folded chars a piece may start after the expected position
_BATCH = 64  # sentences tagged together


_FOLD: dict[str, str] = {}  # char -> align_fold(char), for the characters seen
_KEY: dict[str, str] = {}  # piece -> its folded form, for the pieces seen (words repeat)
_KEY_LIMIT = 100_000


def _fold_all(chars: str) -> list[str]:
    """align_fold of each character."""
    fold = _FOLD
    for c in set(chars).difference(fold):
        fold[c] = align_fold(c)
    return list(map(fold.__getitem__, chars))


def _key(piece: str) -> str:
    key = _KEY.get(piece)
    if key is None:
        if len(_KEY) > _KEY_LIMIT:
            _KEY.clear()
        key = _KEY[piece] = "".join(_fold_all(piece))
    return key


class Folded:
    """text[start:end] folded once (align_fold per character, so no tone
    marks, case or whitespace): the folded stream, and for each character how
    much of the stream lies before it. Any range inside is then a slice of the
    same stream, and a folded index maps back to its character by bisection."""

    def __init__(self, text: str, start: int = 0, end: int | None = None):
        folds = _fold_all(text[start:end])
        self.text, self.start = text, start
        self.stream = "".join(folds)
        self.before = list(accumulate(map(len, folds), initial=0))

    def char(self, i: int) -> int:
        """The index in text of the character folded char i comes from."""
        return self.start + bisect.bisect_right(self.before, i) - 1

    def align(self, pieces: list[str], start: int, end: int) -> list[tuple[int, int] | None]:
        """Place each piece, in order, in text[start:end]: one (start, end) per
        piece, or None for a piece that is not there."""
        text, stream = self.text, self.stream
        pos, stop = self.before[start - self.start], self.before[end - self.start]
        out: list[tuple[int, int] | None] = []
        for piece in pieces:
            key = _key(piece)
            i = stream.find(key, pos, min(pos + len(key) + _WINDOW, stop)) if key else -1
            if i < 0:
                out.append(None)
                continue
            s, e = self.char(i), self.char(i + len(key) - 1) + 1
            while e < end and unicodedata.combining(text[e]):  # NFD marks belong to the letter
                e += 1
            out.append((s, e))
            pos = i + len(key)
        return out


def align(text: str, pieces: list[str], start: int, end: int) -> list[tuple[int, int] | None]:
    """Place each piece, in order, in text[start:end]. Returns one (start, end)
    per piece, or None for a piece that is not there."""
    return Folded(text, start, end).align(pieces, start, end)


def _sentences(text: str, start: int, end: int, sent_tokenize, folded: Folded | None = None) -> list[tuple[int, int]]:
    """Sentence spans covering the paragraph: each runs to the next one's start."""
    try:
        pieces = sent_tokenize(text[start:end])
    except Exception:  # noqa: BLE001 - underthesea fails in its own ways on odd input: keep the paragraph whole
        pieces = []
    folded = folded or Folded(text, start, end)
    starts = sorted({sp[0] for sp in folded.align(pieces, start, end) if sp} | {start})
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


def _tokens(text: str, s: int, e: int, ner, folded: Folded | None = None) -> list[tuple[int, int, str, str]]:
    """(start, end, pos, crf_tag) per word of text[s:e], offsets into text."""
    try:
        rows = ner(text[s:e])
    except Exception:  # noqa: BLE001 - as above; the words are then taken untagged
        rows = []
    return _placed(text, s, e, rows, folded or Folded(text, s, e))


def _placed(text: str, s: int, e: int, rows, folded: Folded) -> list[tuple[int, int, str, str]]:
    """The tagger's rows for text[s:e] placed on the text; whitespace words,
    untagged, if none can be."""
    spans = folded.align([r[0] for r in rows], s, e)
    toks = [(sp[0], sp[1], r[1], r[3]) for sp, r in zip(spans, rows) if sp]
    if not toks:  # nothing aligned: whitespace words, untagged
        toks = [(m.start() + s, m.end() + s, "", "O") for m in _WORD_RE.finditer(text, s, e)]
    return toks


def per_sentence(ner):
    """A ner_many(sentences) from a ner(sentence): the exception for a
    sentence it raises on."""
    def ner_many(sentences: list[str]) -> list:
        out = []
        for sentence in sentences:
            try:
                out.append(ner(sentence))
            except Exception as exc:  # noqa: BLE001 - underthesea fails in its own ways on odd input
                out.append(exc)
        return out

    return ner_many


def _tagged(sentences: list[str], ner_many) -> list:
    """ner_many over the sentences in batches (bounded memory on big reports);
    rows per sentence, [] where the tagger failed (the words stay untagged)."""
    out = []
    for k in range(0, len(sentences), _BATCH):
        batch = sentences[k:k + _BATCH]
        try:
            rows = ner_many(batch)
        except Exception:  # noqa: BLE001 - a failure of the batch: each sentence alone
            rows = per_sentence(lambda s: ner_many([s])[0])(batch)
        out += [[] if isinstance(r, Exception) else r for r in rows]
    return out


def analyze(text: str) -> Analysis:
    from .tagger import ner_many

    return _analyze(text, partial(ner_many, chunk=False))  # the entity layer needs no chunk tags


def _analyze(text: str, ner_many) -> Analysis:
    """analyze() with a given ner_many(sentences) -> per sentence [(word, POS,
    chunk, NER tag)] or an exception (benchmarks/bench_analysis.py times it
    with underthesea's own ner(), through per_sentence)."""
    folded = Folded(text)
    out = segment(text, folded)
    out.tokens, out.entities = tag(text, [(s.start, s.end) for s in out.sentences], ner_many, folded)
    return resolve(text, out)


def segment(text: str, folded: Folded | None = None) -> Analysis:
    """The paragraphs and sentences of a report, no tokens yet (a tenth of a
    second per MB: a big report is segmented whole, then tagged in parts)."""
    from underthesea import sent_tokenize

    out = Analysis()
    folded = folded or Folded(text)
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
        out.sentences += [Sentence(s, e, p) for s, e in _sentences(text, ps, pe, sent_tokenize, folded)]
    kinds = paragraph_kinds([text[p.start:p.end] for p in out.paragraphs])  # body, heading, caption
    out.paragraphs = [Paragraph(p.start, p.end, k) for p, k in zip(out.paragraphs, kinds)]
    return out


def tag(text: str, spans: list[tuple[int, int]], ner_many,
        folded: Folded | None = None) -> tuple[list[Token], list[Entity]]:
    """Tokens and entities (before the name pass) of the sentences at
    ``spans``, in order. Each sentence depends on its own text only, so the
    sentences of a report tagged in parts give what they give together."""
    from .entities import find_entities

    folded = folded or Folded(text)
    tokens: list[Token] = []
    entities: list[Entity] = []
    for (s, e), rows in zip(spans, _tagged([text[s:e] for s, e in spans], ner_many)):
        toks = _placed(text, s, e, rows, folded)
        rel = [(a - s, b - s, pos, crf) for a, b, pos, crf in toks]
        found = [Entity(a + s, b + s, lab) for a, b, lab in find_entities(text[s:e], rel)]
        tokens.extend(split_at(text, [(a, b) for a, b, _, _ in toks], found))
        entities.extend(found)
    return tokens, entities


def split_at(text: str, toks: list[tuple[int, int]], entities) -> list[Token]:
    """Tokens cut where an entity starts or ends inside one (the tagger's word
    "Trương Thị Mai phát biểu" against the name "Trương Thị Mai"), so every
    entity is whole tokens and token-based exports (CoNLL, Prodigy) need no
    alignment of their own; the pieces trimmed of whitespace."""
    cuts = sorted({x for en in entities for x in (en.start, en.end)})
    out = []
    for a, b in toks:
        inner = cuts[bisect.bisect_right(cuts, a):bisect.bisect_left(cuts, b)]
        for x, y in zip([a, *inner], [*inner, b]):
            while x < y and text[x].isspace():
                x += 1
            while y > x and text[y - 1].isspace():
                y -= 1
            if x < y:
                out.append(Token(x, y))
    return out


def tag_part(text: str, spans: list[tuple[int, int]]) -> tuple[list, list]:
    """tag() as plain tuples (a worker's answer for part of a big report):
    [(start, end)] per token, [(start, end, label)] per entity."""
    from .tagger import ner_many

    tokens, entities = tag(text, spans, partial(ner_many, chunk=False))
    return [(t.start, t.end) for t in tokens], [(e.start, e.end, e.label) for e in entities]


def resolve(text: str, out: Analysis) -> Analysis:
    """The report-level step, once every sentence is tagged: names found once
    are tagged where they repeat (across parts too), entities in text order."""
    out.entities += _repeat_names(text, out)
    out.entities.sort(key=lambda x: x.start)
    return out


def token_tags(text: str, analysis: Analysis) -> list[tuple[str, str, str]]:
    """The raw tags (POS, chunk, NER) of each of the analysis's tokens, as the
    tagger gives them for its sentence; ("", "", "O") for a token the tagger
    did not give (a sentence it could not tag)."""
    from .tagger import ner_many

    folded = Folded(text)
    tags: dict[tuple[int, int], tuple[str, str, str]] = {}
    tagged = _tagged([text[s.start:s.end] for s in analysis.sentences], ner_many)
    for sent, rows in zip(analysis.sentences, tagged):
        for span, (_, pos, chunk, crf) in zip(folded.align([r[0] for r in rows], sent.start, sent.end), rows):
            if span:
                tags[span] = (pos, chunk, crf)
    return [tags.get((t.start, t.end), ("", "", "O")) for t in analysis.tokens]


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
