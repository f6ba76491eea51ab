"""What the store holds: passages, annotations, their documents, and the one
rule that ties them -- one label per passage and annotator.

A document is the dict form of an Annotation (fields ``FIELDS``), as stored
in a shard and exchanged with re-anchoring and import.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

# field -> accepted types, for every annotation document
FIELDS: dict[str, tuple[type, ...]] = {
    "id": (str,), "report_id": (str,), "start": (int,), "end": (int,),
    "sentence_start": (int,), "sentence_end": (int,), "label": (str,), "text": (str,),
    "note": (str,), "annotator": (str,), "created_at": (str,), "updated_at": (str,),
    "report_sha256": (str,), "orphaned": (bool,),
}


@dataclass(frozen=True, slots=True)
class Passage:
    """What gets a label: one or more whole sentences of one report."""

    report_id: str
    start: int
    end: int
    sentence_start: int  # index of the first sentence
    sentence_end: int  # index of the last sentence, inclusive
    text: str  # == canonical_text[start:end]
    report_sha256: str

    def key(self, annotator: str) -> tuple:
        """The ``passage_key`` an annotation of ``annotator`` on it would have."""
        return (self.start, self.end, annotator)


@dataclass(frozen=True, slots=True)
class Annotation:
    id: str
    report_id: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    label: str
    text: str
    note: str
    annotator: str
    created_at: str  # ISO 8601 UTC
    updated_at: str
    report_sha256: str
    orphaned: bool = False  # its text was not found unambiguously after a re-import

    @classmethod
    def from_doc(cls, doc: dict) -> Annotation:
        return cls(**{k: doc[k] for k in FIELDS})

    def to_doc(self) -> dict:
        return {k: getattr(self, k) for k in FIELDS}


def now_iso() -> str:
    """UTC, millisecond precision: 2025-03-01T08:15:02.123Z."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def doc_order(doc: dict) -> tuple:
    """The order of a report's documents on disk and on screen."""
    return (doc["start"], doc["end"], doc["id"])


# ---------------------------------------------------------------- the passage rule
def passage_key(doc: dict) -> tuple:
    """One label per passage and annotator: within a report, no two documents
    share this key. A passage is its exact (start, end), so overlapping
    passages are separate; an orphan's offsets point at nothing, so its
    passage is its text (and it never collides with a placed one)."""
    if doc["orphaned"]:
        return ("orphan", doc["text"], doc["annotator"])
    return (doc["start"], doc["end"], doc["annotator"])


def holder(docs: Iterable[dict], key: tuple) -> dict | None:
    """The document that holds passage ``key``, if any."""
    return next((d for d in docs if passage_key(d) == key), None)
