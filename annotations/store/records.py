"""What the store holds: one decision per sentence and annotator, and the
rules that tie documents together.

A document is the dict form of an Annotation (fields ``FIELDS``): one
annotator's decision on one sentence -- a label, or ``label: None`` with
``decided: True`` for the decision "none of the labels"; ``decided: False``
keeps only a note on a sentence not decided yet. Documents written before
schema 3 (and imported passages) may cover several sentences; every change
to a report first splits them (``decisions.normalise``).

A *passage* is a run of consecutive sentences with the same label from one
annotator (``runs``): what the reader lists and an export writes as one record.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import itemgetter
from typing import NamedTuple

NONE = type(None)

# field -> accepted types, for every annotation document
FIELDS: dict[str, tuple[type, ...]] = {
    "id": (str,), "report_id": (str,), "start": (int,), "end": (int,),
    "sentence_start": (int,), "sentence_end": (int,), "label": (str, NONE), "decided": (bool,),
    "text": (str,), "note": (str,), "annotator": (str,), "source": (str,),
    "score": (int, float, NONE), "model_version": (str, NONE), "created_at": (str,),
    "updated_at": (str,), "report_sha256": (str,), "orphaned": (bool,),
}
# fields schema 3 added, and their value in older documents
ADDED_IN_3 = {"decided": True, "source": "manual", "score": None, "model_version": None}
SOURCES = ("manual", "suggestion", "adjudication")
# Optional fields: only adjudications (annotator GOLD, source "adjudication") carry
# them: who adjudicated, and which annotators had given the chosen label. Older
# readers ignore unknown keys (shards.parse_shard checks only FIELDS).
OPTIONAL: dict[str, tuple[type, ...]] = {"adjudicator": (str,), "agreed": (list,)}
GOLD = "gold"  # the annotator name of adjudicated labels


@dataclass(frozen=True, slots=True)
class Selection:
    """Sentences ``first``..``last`` (inclusive) of a report, with the spans of
    every sentence of its current analysis (needed to split older passages)."""

    report_id: str
    sentences: tuple[tuple[int, int], ...]  # (start, end) of each sentence, in order
    first: int
    last: int
    report_sha256: str

    @property
    def start(self) -> int:
        return self.sentences[self.first][0]

    @property
    def end(self) -> int:
        return self.sentences[self.last][1]

    @classmethod
    def of(cls, report_id: str, sentences, first: int, last: int | None, sha: str) -> Selection:
        spans = tuple((s[0], s[1]) if isinstance(s, (tuple, list)) else (s.start, s.end)
                      for s in sentences)
        last = first if last is None else last
        return cls(report_id, spans, min(first, last), max(first, last), sha)


@dataclass(frozen=True, slots=True)
class Annotation:
    """One document, or (``runs`` merged by ``AnnotationStore.passages``) one passage."""

    id: str
    report_id: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    label: str | None  # None: the decision "none" (or, undecided, just a note)
    text: str
    note: str
    annotator: str
    created_at: str  # ISO 8601 UTC
    updated_at: str
    report_sha256: str
    orphaned: bool = False  # its text was not found unambiguously after a re-import
    decided: bool = True
    source: str = "manual"
    score: float | None = None
    model_version: str | None = None

    @classmethod
    def from_doc(cls, doc: dict) -> Annotation:
        return cls(**{k: doc[k] for k in FIELDS})

    def to_doc(self) -> dict:
        return {k: getattr(self, k) for k in FIELDS}


class Change(NamedTuple):
    """What one action (or its undo) changed: sentences first..last of a report
    (-1, -1 for the report as a whole, e.g. done), described for the user."""

    report_id: str
    first: int
    last: int
    what: str


def now_iso() -> str:
    """UTC, millisecond precision: 2025-03-01T08:15:02.123Z."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def doc_order(doc: dict) -> tuple:
    """The order of a report's documents on disk and on screen."""
    return (doc["start"], doc["end"], doc["id"])


# ---------------------------------------------------------------- the rules
def passage_key(doc: dict) -> tuple:
    """One decision per sentence and annotator: within a report, no two
    documents share this key. A placed document is its exact (start, end); an
    orphan's offsets point at nothing, so its key is its text (and it never
    collides with a placed one)."""
    if doc["orphaned"]:
        return ("orphan", doc["text"], doc["annotator"])
    return (doc["start"], doc["end"], doc["annotator"])


def sentence_range(sentences: Sequence[tuple[int, int]], start: int, end: int) -> tuple[int, int]:
    """Indexes (first, last inclusive) of the sentences overlapping [start, end);
    (-1, -1) when no sentence does. ``sentences`` are (start, end) pairs in order."""
    first = bisect_right(sentences, start, key=lambda s: s[1])  # first ending after start
    last = bisect_left(sentences, end, key=lambda s: s[0]) - 1  # last starting before end
    if first > last:
        return (-1, -1)
    return (first, last)


def holder(docs: Iterable[dict], key: tuple) -> dict | None:
    """The document that holds passage ``key``, if any."""
    return next((d for d in docs if passage_key(d) == key), None)


def runs(docs: Iterable[dict], *, with_none: bool = False) -> list[list[dict]]:
    """Passages: decided documents grouped into runs of consecutive sentences
    with the same label and annotator, in document order; each orphan alone.
    Undecided (note-only) documents are never part of a passage; "none"
    decisions only ``with_none``."""
    chosen = [d for d in docs if d["decided"] and (with_none or d["label"] is not None)]
    placed = sorted((d for d in chosen if not d["orphaned"] and d["sentence_start"] >= 0),
                    key=_RUN_ORDER)
    out: list[list[dict]] = []
    last = None
    for d in placed:
        if (last is not None and last["annotator"] == d["annotator"]
                and last["label"] == d["label"]
                and last["sentence_end"] + 1 == d["sentence_start"]):
            out[-1].append(d)
        else:
            out.append([d])
        last = d
    out.sort(key=lambda run: (run[0]["start"], run[-1]["end"], run[0]["id"]))  # as merged
    orphans = sorted((d for d in chosen if d["orphaned"]), key=itemgetter("id"))
    return out + [[d] for d in orphans]


_RUN_ORDER = itemgetter("annotator", "sentence_start", "start", "id")


def merge_run(run: list[dict], text: str | None) -> dict:
    """One passage document from a run: the first document's id, the span from
    its first to its last sentence (``text``: the report's canonical text, needed
    only for a run of several documents), notes joined, provenance kept only
    when every document agrees."""
    first, last = run[0], run[-1]
    if len(run) == 1:
        return first
    sources = {d["source"] for d in run}
    source = sources.pop() if len(sources) == 1 else "manual"
    scores = [d["score"] for d in run]
    versions = {d["model_version"] for d in run}
    return {**first, "end": last["end"], "sentence_end": last["sentence_end"],
            "text": text[first["start"]:last["end"]] if text is not None else "",
            "note": "\n".join(d["note"] for d in run if d["note"]),
            "created_at": min(d["created_at"] for d in run),
            "updated_at": max(d["updated_at"] for d in run),
            "source": source,
            "score": min(scores) if source == "suggestion" and None not in scores else None,
            "model_version": versions.pop() if source == "suggestion" and len(versions) == 1
            else None}
