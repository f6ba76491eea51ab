"""Plain data shared by the core, the CLI and the TUI.

Every ``start``/``end`` is a ``str`` index into a report's canonical text:
``text[start:end]`` is exactly the span.
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field


def text_sha256(text: str) -> str:
    """A canonical text's identity: keys the analysis cache and anchors annotations."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


ENTITY_LABELS = ("PER", "ORG", "LOC", "DOC", "EVENT", "TIME", "NUM")
DATE_SOURCES = ("header", "text", "unknown")


# What a paragraph is (text/noise.py classifies). Only body sentences are
# offered for tagging, suggestions and progress counts; the others are shown
# (captions dimmed) and keep their entities.
PARAGRAPH_KINDS = ("body", "heading", "caption")
TAGGABLE_KINDS = frozenset({"body"})


@dataclass(frozen=True, slots=True)
class Paragraph:
    start: int
    end: int
    kind: str = "body"  # one of PARAGRAPH_KINDS


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int
    paragraph: int


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Entity:
    start: int
    end: int
    label: str


@dataclass(slots=True)
class Analysis:
    paragraphs: list[Paragraph] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    tokens: list[Token] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "paragraphs": [[p.start, p.end] if p.kind == "body" else [p.start, p.end, p.kind]
                           for p in self.paragraphs],
            "sentences": [[s.start, s.end, s.paragraph] for s in self.sentences],
            "tokens": [[t.start, t.end] for t in self.tokens],
            "entities": [[e.start, e.end, e.label] for e in self.entities],
        }

    def is_body(self, sentence: int) -> bool:
        """Whether sentence ``sentence`` may be tagged (its paragraph is body text)."""
        return self.paragraphs[self.sentences[sentence].paragraph].kind in TAGGABLE_KINDS

    def body_sentences(self) -> list[int]:
        """Indices of the sentences offered for tagging, suggestions and counts."""
        kinds = [p.kind in TAGGABLE_KINDS for p in self.paragraphs]
        return [i for i, s in enumerate(self.sentences) if kinds[s.paragraph]]

    @staticmethod
    def body_count(d: dict) -> int:
        """len(body_sentences()) of a to_dict() form, without building it (bulk
        readers of the cache)."""
        kinds = [len(p) < 3 or p[2] in TAGGABLE_KINDS for p in d["paragraphs"]]
        return sum(1 for s in d["sentences"] if kinds[s[2]])

    @classmethod
    def from_dict(cls, d: dict) -> Analysis:
        return cls(
            [Paragraph(*p) for p in d["paragraphs"]],
            [Sentence(*s) for s in d["sentences"]],
            [Token(*t) for t in d["tokens"]],
            [Entity(*e) for e in d["entities"]],
        )


@dataclass(slots=True)
class ReportMeta:
    """One row of the library index: everything `list` needs, no report text."""

    id: str
    title: str
    date: str | None  # ISO at known precision: "2024", "2024-07", "2024-07-10"
    date_source: str  # one of DATE_SOURCES
    sentences: int
    sha256: str  # of the canonical text
    source_path: str = ""  # the file it was imported from
    source_id: str = ""  # its id in that file: the file stem, or a JSONL record's id
    byline: str = ""  # "Theo TTXVN" -> "TTXVN"
    imported_at: str = ""
    date_evidence: str = ""  # the phrase the date came from ("Sáng ngày 01/12"), or ""
    # sentences offered for tagging (Analysis.body_sentences): the progress
    # denominator; an older row without it counts all its sentences
    body_sentences: int | None = None
    # noise lines clean() took out of the text: [line, reason] (show --json)
    removed: list = field(default_factory=list)
    # the hash of the source file's bytes and of the code that made this report of
    # them (corpus.ingest.source_key): re-importing the unchanged file skips reading it
    source_key: str = ""

    def __post_init__(self) -> None:
        # Rows are read back from JSON: a missing or malformed value falls back
        # (all sentences count; nothing listed as removed), never breaks `list`.
        body = self.body_sentences
        if type(body) is not int or type(self.sentences) is not int or not 0 <= body <= self.sentences:
            self.body_sentences = self.sentences
        if not isinstance(self.removed, list) or not all(
                isinstance(r, (list, tuple)) and len(r) == 2 and all(isinstance(x, str) for x in r)
                for r in self.removed):
            self.removed = []

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> ReportMeta:
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})

    @property
    def sort_key(self) -> tuple:
        # Undated reports sort last; ties by id keep the order stable.
        return (self.date is None, self.date or "", self.id)
