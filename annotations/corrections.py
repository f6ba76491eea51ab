"""Entity corrections and the rules they become, applied on top of the cached analysis.

An analyst's correction is made on one span of one report (``Correction``):

- ``add``: the span is an entity with ``label`` (``old_*``: the entity that was
  exactly there with another label, for a relabel, which also removes that
  reading: once a newer removal drops the new label, the old one stays gone);
- ``remove``: the entity ``old_label`` on the span is wrong;
- ``boundary``: the span replaces the entity ``old_*`` it overlaps (grown or
  shrunk by a word, or one entity made of several).

Each becomes a library-wide rule (``Rules``), matched on whole words, folded
for case and tone-mark style (``uỷ``/``ủy``; ``text.vietnamese.fold_tones``):

- an added form is an entity wherever its words occur;
- a removal suppresses that reading (form and label) everywhere, and keeps
  lower-ranked rules of that label off the words it covers; but where the
  span sat inside a longer capitalised name (``Hồ Chí Minh`` in ``TP. Hồ Chí
  Minh``), only in that context: the capitalised chunk beside it is recorded
  and must be there too;
- a boundary fix applies wherever the text of old and new span together occurs:
  there the new span is the entity.

Conflict policy: rules are ranked, your own (the annotator the rules are for)
before everyone else's, then the most recent first. A rule span overlapping a
span of a higher-ranked rule is not placed; a removal suppresses the model's
reading and every lower-ranked rule of the same form and label; model entities
overlapping a placed rule span are dropped, except that an added form is not
placed inside a longer entity the model found around it (elsewhere than where
it was made: ``Hồ Chí Minh`` added as PER leaves the LOC ``TP. Hồ Chí Minh``;
a boundary fix, which names the entity it replaces, does replace it). So for one annotator the most
recent correction of a form wins, and your own beat others' whatever their age.

Every corrected entity has a ``source``: ``analyst`` (a correction made on this
very span of this report), ``rule`` (a correction made elsewhere) or ``model``.
Entities never overlap and slice back exactly.

Offsets must fall on word boundaries (``boundaries``): the analysis's tokens,
split at the spaces inside multi-syllable tokens (the segmenter's ``Thường trực
Ban`` holds three words, and an entity may begin at ``Ban``).
"""
from __future__ import annotations

import re
import uuid
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from operator import itemgetter

from .errors import BaocaoError
from .models import ENTITY_LABELS, Analysis
from .text.vietnamese import fold_tones

KINDS = ("add", "remove", "boundary")
SOURCES = ("model", "rule", "analyst")
_WORD = re.compile(r"\w+|[^\w\s]")


class CorrectionError(BaocaoError):
    """A correction that cannot be made (offsets, label, nothing to change)."""


@dataclass(frozen=True, slots=True)
class Correction:
    id: str  # 32 hex
    report_id: str
    annotator: str
    created_at: str  # ISO 8601 UTC
    kind: str  # one of KINDS
    start: int  # the span corrected (add/boundary: the new entity; remove: the one removed)
    end: int
    text: str  # == the report's text[start:end] when made
    label: str | None  # the new label (None for a removal)
    old_start: int | None = None  # remove/boundary (and a relabel): the entity before
    old_end: int | None = None
    old_text: str | None = None
    old_label: str | None = None
    context: tuple[str | None, str | None] | None = None  # remove: folded chunks that must surround it

    def to_doc(self) -> dict:
        d = asdict(self)
        d["context"] = list(self.context) if self.context else None
        return d

    @classmethod
    def from_doc(cls, d: dict) -> Correction:
        ctx = d.get("context")
        return cls(**{**{k: d.get(k) for k in cls.__dataclass_fields__},
                      "context": tuple(ctx) if ctx else None})

    def describe(self) -> str:
        if self.kind == "remove":
            return f"{self.text!r} is not {self.old_label}"
        if self.kind == "boundary":
            return f"{self.old_text!r} ({self.old_label}) -> {self.text!r} {self.label}"
        was = f" (was {self.old_label})" if self.old_label else ""
        return f"{self.text!r} is {self.label}{was}"


# field -> accepted types, checked when the corrections file is read
FIELDS: dict[str, tuple[type, ...]] = {
    "id": (str,), "report_id": (str,), "annotator": (str,), "created_at": (str,),
    "kind": (str,), "start": (int,), "end": (int,), "text": (str,), "label": (str, type(None)),
    "old_start": (int, type(None)), "old_end": (int, type(None)), "old_text": (str, type(None)),
    "old_label": (str, type(None)), "context": (list, type(None)),
}


def doc_problem(d) -> str | None:
    """Why a stored document is not a correction (None: it is one)."""
    if not isinstance(d, dict):
        return "not an object"
    for k, types in FIELDS.items():
        if k not in d or not isinstance(d[k], types) or (isinstance(d[k], bool)):
            return f"field {k!r} missing or of the wrong type"
    if d["kind"] not in KINDS or (d["label"] is not None and d["label"] not in ENTITY_LABELS):
        return f"kind {d['kind']!r} / label {d['label']!r} unknown"
    if not 0 <= d["start"] < d["end"] or d["end"] - d["start"] != len(d["text"]):
        return "offsets do not fit its text"
    return None


@dataclass(frozen=True, slots=True)
class CorrectedEntity:
    start: int
    end: int
    label: str
    source: str  # one of SOURCES


# ---------------------------------------------------------------- words

def fold_word(w: str) -> str:
    """A word as rules compare it: case and tone-mark style folded."""
    return _fold_word(w)


@lru_cache(maxsize=65536)
def _fold_word(w: str) -> str:
    return fold_tones(w.lower())


@lru_cache(maxsize=65536)
def form(s: str) -> tuple[str, ...]:
    """The folded words of a surface form (memoised: rules are compiled again
    whenever one changes)."""
    return tuple(_fold_word(m.group()) for m in _WORD.finditer(s))


class TextWords:
    """A text's words (``\\w+`` runs and single punctuation marks), their
    offsets and folded keys: built once per text (``words_of``)."""

    __slots__ = ("starts", "ends", "keys", "at")

    def __init__(self, text: str):
        spans = [m.span() for m in _WORD.finditer(text)]
        self.starts = [s for s, _ in spans]
        self.ends = [e for _, e in spans]
        folded = fold_tones(text.lower())  # the whole text at once, when that keeps offsets
        if len(folded) == len(text):
            self.keys = tuple(folded[s:e] for s, e in spans)
        else:
            self.keys = tuple(_fold_word(text[s:e]) for s, e in spans)
        self.at: dict[str, list[int]] = {}  # key -> the words that have it
        for i, k in enumerate(self.keys):
            self.at.setdefault(k, []).append(i)


@lru_cache(maxsize=16)
def words_of(text: str) -> TextWords:
    return TextWords(text)


_BOUNDS: dict[int, tuple[Analysis, str, list[int]]] = {}  # id(analysis) -> (it, text, offsets)


def boundaries(text: str, analysis: Analysis) -> list[int]:
    """Sorted offsets a correction may start or end at: token starts and ends,
    plus the word starts and ends inside a token (kept for the last few analyses:
    the reader asks on every correction)."""
    hit = _BOUNDS.get(id(analysis))
    if hit is not None and hit[0] is analysis and hit[1] is text:
        return hit[2]
    if len(_BOUNDS) > 8:
        _BOUNDS.clear()
    out: set[int] = set()
    for t in analysis.tokens:
        out.add(t.start)
        out.add(t.end)
        if " " in text[t.start:t.end]:
            for m in re.finditer(r"\S+", text[t.start:t.end]):
                out.add(t.start + m.start())
                out.add(t.start + m.end())
    found = sorted(out)
    _BOUNDS[id(analysis)] = (analysis, text, found)
    return found


def word_spans(text: str, analysis: Analysis) -> list[tuple[int, int]]:
    """The words of the entity mode: consecutive boundaries with text between
    them (tokens, multi-syllable tokens split at their spaces)."""
    b = boundaries(text, analysis)
    return [(s, e) for s, e in zip(b, b[1:]) if text[s:e].strip()]


def _chunk_before(text: str, s: int) -> str:
    j = s
    while j > 0 and text[j - 1] in " \t":
        j -= 1
    i = j
    while i > 0 and not text[i - 1].isspace():
        i -= 1
    return text[i:j]


def _chunk_after(text: str, e: int) -> str:
    i = e
    while i < len(text) and text[i] in " \t":
        i += 1
    j = i
    while j < len(text) and not text[j].isspace():
        j += 1
    return text[i:j]


def _context_of(text: str, s: int, e: int) -> tuple[str | None, str | None] | None:
    """The capitalised chunks right beside a span (it sits in a longer name), folded."""
    left, right = _chunk_before(text, s), _chunk_after(text, e)
    ctx = (fold_word(left) if left[:1].isupper() else None,
           fold_word(right) if right[:1].isupper() else None)
    return ctx if ctx != (None, None) else None


def _in_context(text: str, s: int, e: int, ctx) -> bool:
    if ctx is None:
        return True
    left, right = ctx
    return ((left is None or fold_word(_chunk_before(text, s)) == left)
            and (right is None or fold_word(_chunk_after(text, e)) == right))


# ---------------------------------------------------------------- making corrections

def _check_span(text: str, analysis: Analysis, start: int, end: int) -> None:
    if not (0 <= start < end <= len(text)):
        raise CorrectionError(f"offsets {start}–{end} are not a span of the text (0–{len(text)})")
    b = boundaries(text, analysis)
    bad = [x for x in (start, end) if b[min(bisect_left(b, x), len(b) - 1)] != x] if b else [start]
    if bad:
        x = bad[0]
        i = bisect_left(b, x)
        near = ", ".join(str(b[j]) for j in (i - 1, i) if 0 <= j < len(b))
        raise CorrectionError(f"offset {x} is not on a word boundary of this report "
                              f"(nearest: {near}); nothing was changed")
    if "\n" in text[start:end]:
        raise CorrectionError(f"{start}–{end} runs over a paragraph break; nothing was changed")


def _check_label(label: str) -> str:
    up = label.upper()
    if up not in ENTITY_LABELS:
        raise CorrectionError(f"unknown entity label {label!r}; one of {', '.join(ENTITY_LABELS)}")
    return up


def make_set(report_id: str, text: str, analysis: Analysis, entities: Sequence,
             start: int, end: int, label: str, *, annotator: str, now: str) -> Correction:
    """The correction that makes ``text[start:end]`` an entity ``label``, given
    the entities shown (corrected): an add, a relabel (an add recording the old
    label) or a boundary fix of the entity it overlaps. CorrectionError if
    offsets or label are bad, or that entity is already there."""
    label = _check_label(label)
    _check_span(text, analysis, start, end)
    over = [e for e in entities if e.start < end and start < e.end]
    same = [e for e in over if (e.start, e.end) == (start, end)]
    if same and same[0].label == label:
        raise CorrectionError(f"{text[start:end]!r} is already {label}; nothing was changed")
    old = same[0] if same else (over[0] if over else None)
    kind = "boundary" if old is not None and not same else "add"
    return Correction(uuid.uuid4().hex, report_id, annotator, now, kind, start, end,
                      text[start:end], label,
                      old.start if old else None, old.end if old else None,
                      text[old.start:old.end] if old else None, old.label if old else None)


def make_remove(report_id: str, text: str, entities: Sequence, start: int, end: int, *,
                annotator: str, now: str) -> Correction:
    """The correction that removes the entity shown exactly at ``start``–``end``."""
    if not (0 <= start < end <= len(text)):
        raise CorrectionError(f"offsets {start}–{end} are not a span of the text (0–{len(text)})")
    hit = [e for e in entities if (e.start, e.end) == (start, end)]
    if not hit:
        raise CorrectionError(f"no entity at {start}–{end} ({text[start:end]!r}); "
                              "nothing was changed")
    e = hit[0]
    return Correction(uuid.uuid4().hex, report_id, annotator, now, "remove", start, end,
                      text[start:end], None, start, end, text[start:end], e.label,
                      _context_of(text, start, end))


# ---------------------------------------------------------------- rules

@dataclass(frozen=True, slots=True)
class _Place:
    rank: int
    window: tuple[str, ...]  # the words to find
    a: int  # the entity: words window[a:b]
    b: int
    label: str
    correction: Correction
    null: bool = False  # a removal: no entity, but it keeps lower-ranked ones of its label out


class Rules:
    """Corrections compiled for one annotator (``me``): see the module docstring."""

    def __init__(self, corrections: Iterable[Correction], me: str):
        ranked = sorted(corrections, key=lambda c: (c.annotator == me, c.created_at, c.id),
                        reverse=True)
        self.corrections = ranked
        # first word -> length -> words -> places: one look-up per distinct length at a word
        self._by_first: dict[str, dict[int, dict[tuple[str, ...], list[_Place]]]] = {}
        self._removals: dict[tuple[tuple[str, ...], str], list[tuple[int, Correction]]] = {}
        for rank, c in enumerate(ranked):
            self._compile(rank, c)
        self._top = 0  # the highest rank (ranks only compare: ``plus`` goes below 0)
        self._removal_first = {k[0][0] for k in self._removals if k[0]}  # cheap model check

    def plus(self, c: Correction) -> tuple[str, ...]:
        """Add a correction that ranks above every other (your own, made now),
        without compiling the rest again; returns the words it looks for."""
        self._top -= 1
        self.corrections.insert(0, c)
        window = self._compile(self._top, c)
        self._removal_first = {k[0][0] for k in self._removals if k[0]}
        return window

    def _compile(self, rank: int, c: Correction) -> tuple[str, ...]:
        if c.kind == "remove":
            window = form(c.text)
            self._removals.setdefault((window, c.old_label), []).append((rank, c))
            self._index(_Place(rank, window, 0, len(window), c.old_label, c, null=True))
            return window
        if c.kind == "boundary" and c.old_start is not None:
            lo, hi = min(c.start, c.old_start), max(c.end, c.old_end)
            whole = c.text if (lo, hi) == (c.start, c.end) else None
            if whole is None:  # the window's text, from the two spans recorded
                whole = _union_text(c)
            pre = whole[:c.start - lo]
            a = len(form(pre))
            window = form(whole)
            place = _Place(rank, window, a, a + len(form(c.text)), c.label, c)
        else:
            window = form(c.text)
            place = _Place(rank, window, 0, len(window), c.label, c)
            if c.old_label and c.old_label != c.label:  # a relabel: not the old reading either
                self._removals.setdefault((window, c.old_label), []).append((rank, c))
        self._index(place)
        return window

    def _index(self, p: _Place) -> None:
        if p.window:
            by_len = self._by_first.setdefault(p.window[0], {})
            by_len.setdefault(len(p.window), {}).setdefault(p.window, []).append(p)

    def __len__(self) -> int:
        return len(self.corrections)

    def _removed(self, text: str, s: int, e: int, key: tuple[str, ...], label: str,
                 above: int) -> bool:
        """A removal ranked above ``above`` suppresses this reading here."""
        for rank, c in self._removals.get((key, label), ()):
            if rank < above and _in_context(text, s, e, c.context):
                return True
        return False

    def apply(self, report_id: str, text: str, entities: Iterable,
              within: Sequence[tuple[int, int]] = ()) -> list[CorrectedEntity]:
        """The report's entities (``start``/``end``/``label``, e.g. the cached
        analysis's) corrected: sorted, never overlapping. ``within``: only in these
        paragraphs (start, end) -- a rule never crosses a paragraph break, so
        each paragraph's entities depend on it alone."""
        if not self.corrections:
            return _model(entities)
        words = words_of(text)
        keys, starts, ends = words.keys, words.starts, words.ends
        allowed = None
        if within:
            allowed = bytearray(len(keys))
            for ps, pe in within:
                w0, w1 = bisect_left(starts, ps), bisect_left(starts, pe)
                allowed[w0:w1] = b"\1" * (w1 - w0)
            entities = [x for x in entities if any(ps <= x.start < pe for ps, pe in within)]
        found: list[tuple[int, int, int, _Place, int]] = []
        if self._by_first:
            at = words.at
            for k, by_len in self._by_first.items():  # only where a rule's first word is
                for i in at.get(k, ()):
                    if allowed is not None and not allowed[i]:
                        continue
                    for n, table in by_len.items():
                        places = table.get(keys[i:i + n])
                        if places is None or "\n" in text[starts[i]:ends[min(i + n, len(ends)) - 1]]:
                            continue
                        for p in places:
                            s, e, c = starts[i + p.a], ends[i + p.b - 1], p.correction
                            elsewhere = c.start != s or c.end != e or c.report_id != report_id
                            found.append((p.rank, elsewhere, s, e, i, p))
        # by rank; within a rule, where it was made first (its own words win over overlaps)
        found.sort(key=itemgetter(0, 1, 2))
        model = sorted(entities, key=lambda x: (x.start, x.end))
        model_starts = [m.start for m in model]
        placed: list[CorrectedEntity] = []
        occupied = bytearray(len(keys))  # the words placed rule spans cover
        nulls: dict[str, bytearray] = {}  # label -> words a removal found so far covers
        for rank, _elsewhere, s, e, i, p in found:
            if p.null:
                if _in_context(text, s, e, p.correction.context):
                    covered = nulls.setdefault(p.label, bytearray(len(keys)))
                    covered[i:i + len(p.window)] = b"\1" * len(p.window)
                continue
            covered = nulls.get(p.label)
            if covered is not None and any(covered[i + p.a:i + p.b]):
                continue  # a higher-ranked removal of this label is here
            if any(occupied[i + p.a:i + p.b]):
                continue  # a higher-ranked rule span is here
            if self._removals and self._removed(text, s, e, p.window[p.a:p.b], p.label, rank):
                continue
            c = p.correction
            mine = c.report_id == report_id and (c.start, c.end) == (s, e)
            if c.kind == "add" and not mine and _inside_longer(model, model_starts, s, e):
                continue  # a bare form does not break a longer entity found around it
            placed.append(CorrectedEntity(s, e, p.label, "analyst" if mine else "rule"))
            occupied[i + p.a:i + p.b] = b"\1" * (p.b - p.a)
        out = placed
        for ent in model:
            s, e = ent.start, ent.end
            # the words it touches (an overlap shares a word: spans never start on a space)
            if placed and any(occupied[bisect_right(ends, s):bisect_left(starts, e)]):
                continue
            if self._removals:
                i0 = bisect_left(starts, s)
                if i0 < len(keys) and starts[i0] == s:
                    i1 = bisect_left(starts, e, i0)
                    key = None if keys[i0] not in self._removal_first else \
                        keys[i0:i1] if ends[i1 - 1] == e else form(text[s:e])
                else:  # an entity that does not start on a word
                    key = form(text[s:e])
                if key is not None and self._removed(text, s, e, key, ent.label,
                                                     len(self.corrections)):
                    continue
            out.append(CorrectedEntity(s, e, ent.label, "model"))
        return _no_overlap(out)


def occurrences(text: str, window: tuple[str, ...]) -> list[int]:
    """Offsets where a rule's words occur in a text."""
    words = words_of(text)
    n = len(window)
    return [words.starts[i] for i in words.at.get(window[0], ()) if window
            and words.keys[i:i + n] == window]


def _inside_longer(model: list, starts: list[int], s: int, e: int) -> bool:
    j = bisect_right(starts, s) - 1  # the last model entity starting at or before s
    return j >= 0 and e <= model[j].end and model[j].end - model[j].start > e - s


def _union_text(c: Correction) -> str:
    """The text from the earlier to the later end of a boundary fix's two spans."""
    lo = min(c.start, c.old_start)
    buf = [" "] * (max(c.end, c.old_end) - lo)
    for s, t in ((c.old_start, c.old_text or ""), (c.start, c.text)):
        buf[s - lo:s - lo + len(t)] = t
    return "".join(buf)


def _model(entities: Iterable) -> list[CorrectedEntity]:
    return _no_overlap([CorrectedEntity(e.start, e.end, e.label, "model") for e in entities])


def _no_overlap(ents: list[CorrectedEntity]) -> list[CorrectedEntity]:
    ents.sort(key=lambda x: (x.start, x.end))
    out: list[CorrectedEntity] = []
    for x in ents:
        if not out or x.start >= out[-1].end:
            out.append(x)
    return out

