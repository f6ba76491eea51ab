"""The annotation store: analysts' labels on passages, in TinyDB.

Offsets are str indices into the report's canonical text. Layout (schema 2,
details and decisions in docs/store.md)::

    HOME/annotations/store.json          {"schema": 2}
    HOME/annotations/reports/<id>.json   one TinyDB database per report (a "shard")
    HOME/annotations/summary.json        cache: report -> label/annotator counts
    HOME/.lock, HOME/.lock.holder        the single-writer lock and who holds it

``AnnotationStore`` is a façade: it checks and shapes each change (labels, the
passage rule, the report's text) and hands it to three parts -- the shard set
(``shardset``: one durable TinyDB per report, so a tag costs the same with 10
or 100,000 annotations in the home), the summary cache (``summary``) and the
undo history (``history``).
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

from tinydb import TinyDB
from tinydb.queries import QueryLike

from ..errors import CorruptDatabase, StoreError, UnknownLabel
from ..home import Home
from ..models import text_sha256
from .anchoring import reanchor_docs
from .history import History, Step
from .labels import Label, load_config
from .migrate import open_schema
from .records import FIELDS, Annotation, Passage, doc_order, holder, now_iso
from .shards import file_sig, recovery_hint
from .shardset import ShardSet
from .summary import Summary

TEXTS_CACHED = 64  # report texts kept for checking passages


class AnnotationStore:
    """Open the store of a baocao home.

    Takes the home's writer lock unless ``readonly``; raises StoreLocked when
    another process holds it. Every mutating call is durable on disk when it
    returns, and records an undo step. A read-only store refuses every change
    with StoreError and sees a concurrent writer's changes.
    """

    readonly: bool
    annotator: str
    labels: list[Label]  # ordered; defaults achievement/a, task/t, risk/r (+ config.toml)

    def __init__(self, home: Home | Path, *, annotator: str | None = None, readonly: bool = False):
        self.home = Home.of(home)
        self.shards_dir = self.home.shards_dir
        self.summary_path = self.home.summary_path
        self.readonly = readonly
        config = load_config(self.home)
        self.labels = list(config.labels)
        self._by_name = {lab.name: lab for lab in self.labels}
        self._by_key = {lab.key: lab for lab in self.labels}
        self.annotator = self.home.annotator(annotator)
        self._shards = ShardSet(self.shards_dir, readonly=readonly)
        self._summary = Summary(self.summary_path, self._shards, readonly=readonly)
        self._history = History()
        self._texts: dict[str, tuple[tuple, str, str]] = {}  # rid -> (sig, text, sha)
        self._writer = False  # holds the home's writer lock
        if not readonly:
            self.home.acquire_writer(self.annotator)
            self._writer = True
        try:
            open_schema(self.home, readonly=readonly, annotator=self.annotator)
            if not readonly:  # we hold the lock, so nobody else is writing
                self._shards.remove_temp_files()
            self._summary.load()
        except BaseException:
            self.close()
            raise

    @property
    def problems(self) -> dict[str, CorruptDatabase]:
        """report id -> why its shard cannot be read (left out of the summary)."""
        return self._summary.problems

    # ------------------------------------------------------------ labels
    def label(self, name_or_key: str) -> Label:
        """The label with that name or key; raises UnknownLabel."""
        lab = self._by_name.get(name_or_key) or self._by_key.get(name_or_key)
        if lab is None:
            known = ", ".join(f"{lab.name} ({lab.key})" for lab in self.labels)
            raise UnknownLabel(f"unknown label {name_or_key!r}; labels are: {known} "
                               f"(more can be added in {self.home.config_path})")
        return lab

    # ------------------------------------------------------------ reading
    def db(self, report_id: str) -> TinyDB:
        """The TinyDB database of one report, for ``tinydb.Query`` searches.
        Change annotations through the store's methods, not through it."""
        return self._shards.db(report_id)

    def report_ids(self) -> list[str]:
        """Reports that have a shard (with or without annotations left)."""
        return self._shards.report_ids()

    def documents(self, report_id: str) -> list[dict]:
        """A report's raw annotation documents. Reports not open in this store
        are read without being cached, so a pass over every report (export)
        holds one shard at a time."""
        return self._shards.documents(report_id)

    def for_report(self, report_id: str) -> list[Annotation]:
        """Every annotation of a report (all annotators), sorted by start."""
        docs = sorted(self._shards.docs(report_id).values(), key=doc_order)
        return [Annotation.from_doc(d) for d in docs]

    def get(self, annotation_id: str) -> Annotation | None:
        found = self._shards.locate(annotation_id)
        return Annotation.from_doc(found[1]) if found else None

    def query(self, cond: QueryLike) -> Iterator[Annotation]:
        """Every annotation matching a ``tinydb.Query``, report by report (id
        order). Raises CorruptDatabase on an unreadable shard."""
        for doc in self._shards.query(cond):
            yield Annotation.from_doc(doc)

    def find(self, passage: Passage) -> Annotation | None:
        """This annotator's annotation on exactly that passage, if any."""
        doc = self._holder(passage)
        return Annotation.from_doc(doc) if doc else None

    def _holder(self, passage: Passage) -> dict | None:
        return holder(self._shards.docs(passage.report_id).values(),
                      passage.key(self.annotator))

    # ------------------------------------------------------------ changes
    def _writable(self) -> None:
        if self.readonly:
            raise StoreError("the annotation store is open read-only (another baocao holds "
                             "the writer lock); nothing was changed")
        if not self._writer:
            raise StoreError("the annotation store is closed")

    def _report_text(self, rid: str) -> tuple[str, str]:
        """Canonical text and its sha256, re-read only when the file changed."""
        path = self.home.text_path(rid)  # the library's canonical text
        try:
            sig = file_sig(os.stat(path))
        except FileNotFoundError:
            raise StoreError(f"unknown report {rid!r}: it is not in the library") from None
        cached = self._texts.get(rid)
        if cached and cached[0] == sig:
            return cached[1], cached[2]
        text = path.read_text(encoding="utf-8")
        if len(self._texts) > TEXTS_CACHED:
            self._texts.clear()
        self._texts[rid] = (sig, text, text_sha256(text))
        return text, self._texts[rid][2]

    def _check_passage(self, p: Passage) -> str:
        text, sha = self._report_text(p.report_id)
        if not (0 <= p.start < p.end <= len(text)) or text[p.start:p.end] != p.text:
            raise StoreError(f"the passage {p.start}:{p.end} does not match the text of report "
                             f"{p.report_id!r} (was it re-imported?); nothing was changed")
        if not (0 <= p.sentence_start <= p.sentence_end):
            raise StoreError(f"bad sentence range {p.sentence_start}..{p.sentence_end}")
        return sha

    def _write(self, rid: str, ann_id: str, new: dict | None) -> None:
        """One annotation to ``new`` (None: absent): shard, then summary entry."""
        self._shards.put(rid, ann_id, new)
        self._summary.update(rid, self._shards.docs(rid).values(), self._shards.sig(rid))

    def _change(self, rid: str, ann_id: str, old: dict | None, new: dict | None) -> None:
        self._write(rid, ann_id, new)
        self._history.record(Step(rid, ann_id, old, new))

    def tag(self, passage: Passage, label: str) -> Annotation | None:
        """Toggle: label an untagged passage, relabel a tagged one, or remove the
        label when it is the same (returns None then)."""
        self._writable()
        lab = self.label(label)
        sha = self._check_passage(passage)
        rid = passage.report_id
        old = self._holder(passage)
        now = now_iso()
        if old is None:
            new = {"id": uuid.uuid4().hex, "report_id": rid, "start": passage.start,
                   "end": passage.end, "sentence_start": passage.sentence_start,
                   "sentence_end": passage.sentence_end, "label": lab.name, "text": passage.text,
                   "note": "", "annotator": self.annotator, "created_at": now,
                   "updated_at": now, "report_sha256": sha, "orphaned": False}
        elif old["label"] == lab.name:
            new = None
        else:
            new = {**old, "label": lab.name, "updated_at": now, "report_sha256": sha,
                   "sentence_start": passage.sentence_start,
                   "sentence_end": passage.sentence_end}
        old = dict(old) if old else None
        self._change(rid, (new or old)["id"], old, new)
        return Annotation.from_doc(new) if new else None

    def relabel(self, annotation_id: str, label: str) -> Annotation:
        self._writable()
        lab = self.label(label)
        rid, old = self._must_locate(annotation_id)
        new = {**old, "label": lab.name, "updated_at": now_iso()}
        self._change(rid, annotation_id, dict(old), new)
        return Annotation.from_doc(new)

    def remove(self, annotation_id: str) -> None:
        self._writable()
        rid, old = self._must_locate(annotation_id)
        self._change(rid, annotation_id, dict(old), None)

    def set_note(self, annotation_id: str, note: str) -> Annotation:
        self._writable()
        rid, old = self._must_locate(annotation_id)
        new = {**old, "note": note.strip(), "updated_at": now_iso()}
        self._change(rid, annotation_id, dict(old), new)
        return Annotation.from_doc(new)

    def _must_locate(self, annotation_id: str) -> tuple[str, dict]:
        found = self._shards.locate(annotation_id)
        if found is None:
            raise StoreError(f"no annotation with id {annotation_id!r}")
        return found

    def undo(self) -> Annotation | None:
        """Undo this session's last change; returns the annotation it touched
        (as it is now, or as it was if it is gone), None if nothing to undo."""
        self._writable()
        doc = self._history.replay(self._write, back=True)
        return Annotation.from_doc(doc) if doc else None

    def redo(self) -> Annotation | None:
        self._writable()
        doc = self._history.replay(self._write, back=False)
        return Annotation.from_doc(doc) if doc else None

    @property
    def can_undo(self) -> bool:
        return self._history.can_undo

    @property
    def can_redo(self) -> bool:
        return self._history.can_redo

    # ------------------------------------------------------------ bulk changes
    def replace_report(self, report_id: str, docs: list[dict]) -> None:
        """Replace every annotation of one report in a single durable write (used
        by re-anchoring and import; not recorded for undo)."""
        self._writable()
        for d in docs:
            if set(d) != set(FIELDS):
                raise StoreError(f"annotation document with fields {sorted(d)}")
        self._shards.replace(report_id, docs)
        self._summary.update(report_id, self._shards.docs(report_id).values(),
                             self._shards.sig(report_id))
        self._history.drop_report(report_id)  # its steps would restore stale documents
        self._summary.save()

    def reanchor(self, report_id: str, new_text: str, sentences, new_sha: str | None = None
                 ) -> dict[str, int]:
        """Move a report's annotations onto its new text (rule in
        ``annotations.store.anchoring``). ``sentences``: (start, end) pairs or Sentence
        objects of the new analysis. Returns {"kept", "moved", "orphaned"}."""
        self._writable()
        docs = list(self._shards.docs(report_id).values())
        if not docs:
            return {"kept": 0, "moved": 0, "orphaned": 0}
        pairs = [(s[0], s[1]) if isinstance(s, (tuple, list)) else (s.start, s.end)
                 for s in sentences]
        new_docs, stats = reanchor_docs(docs, new_text, pairs, new_sha or text_sha256(new_text),
                                        now_iso())
        self.replace_report(report_id, new_docs)
        return stats

    # ------------------------------------------------------------ summary
    def counts(self) -> dict[str, dict[str, int]]:
        """report id -> label -> number of annotations. Fast: no report file is
        opened (≤ 0.2 s for 10,000 reports)."""
        self._summary.follow()
        return {rid: dict(e["labels"]) for rid, e in self._summary.entries.items() if e["count"]}

    def summary(self) -> dict[str, dict]:
        """report id -> {"count", "labels", "annotators", "tagged" (sentences
        covered by non-orphaned annotations), "orphaned"}; reports with
        unreadable shards are missing here and listed in ``problems``."""
        return self._summary.reports()

    def tagged_sentences(self) -> dict[str, int]:
        return {rid: e["tagged"] for rid, e in self.summary().items()}

    def close(self) -> None:
        """Save the summary and release the lock."""
        try:
            if self._writer and self._summary.dirty:
                self._summary.save(durable=True)
        finally:
            self._shards.close()
            if self._writer:
                self._writer = False
                self.home.release_writer()

    def __enter__(self) -> AnnotationStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def corruption_hint(self, report_id: str) -> str:
        return recovery_hint(self._shards.path(report_id))
