"""The annotation store: analysts' labels on passages, in TinyDB.

INTERFACE CONTRACT (the TUI and the CLI code against this; the implementation
fills it in). Offsets are str indices into the report's canonical text.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class StoreError(Exception):
    """Base of every store problem; the message is shown to the user as is."""


class StoreLocked(StoreError):
    """Another process holds this home for writing (message says who)."""


class CorruptDatabase(StoreError):
    """A database file cannot be read; it was not changed. ``path`` names it."""

    def __init__(self, message: str, path: Path):
        super().__init__(message)
        self.path = path


class UnknownLabel(StoreError):
    """A label that is not in the label set."""


@dataclass(frozen=True, slots=True)
class Label:
    name: str  # "achievement"
    key: str  # "a"
    color: str  # any Rich/Textual colour, e.g. "#2e7d32"


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


class AnnotationStore:
    """Open the store of a baocao home.

    Takes the home's writer lock unless ``readonly``; raises StoreLocked when
    another process holds it. Every mutating call is durable on disk when it
    returns, and records an undo step.
    """

    def __init__(self, home: Path, *, annotator: str | None = None, readonly: bool = False):
        raise NotImplementedError

    readonly: bool
    annotator: str
    labels: list[Label]  # ordered; defaults achievement/a, task/t, risk/r (+ config.toml)

    def label(self, name_or_key: str) -> Label:
        """The label with that name or key; raises UnknownLabel."""
        raise NotImplementedError

    def for_report(self, report_id: str) -> list[Annotation]:
        """Every annotation of a report (all annotators), sorted by start."""
        raise NotImplementedError

    def find(self, passage: Passage) -> Annotation | None:
        """This annotator's annotation on exactly that passage, if any."""
        raise NotImplementedError

    def tag(self, passage: Passage, label: str) -> Annotation | None:
        """Toggle: label an untagged passage, relabel a tagged one, or remove the
        label when it is the same (returns None then)."""
        raise NotImplementedError

    def remove(self, annotation_id: str) -> None:
        raise NotImplementedError

    def set_note(self, annotation_id: str, note: str) -> Annotation:
        raise NotImplementedError

    def undo(self) -> Annotation | None:
        """Undo this session's last change; returns the annotation it touched
        (as it is now, or as it was if it is gone), None if nothing to undo."""
        raise NotImplementedError

    def redo(self) -> Annotation | None:
        raise NotImplementedError

    def counts(self) -> dict[str, dict[str, int]]:
        """report id -> label -> number of annotations. Fast: no report file is
        opened (≤ 0.2 s for 10,000 reports)."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the lock."""
        raise NotImplementedError
