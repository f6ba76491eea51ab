"""The annotation store: analysts' decisions on sentences, in TinyDB.

One label (or the decision "none") per sentence and annotator; a passage is a
run of consecutive sentences with the same label. Offsets are str indices
into the report's canonical text. Layout (schema 3, details and decisions in
docs/store.md)::

    HOME/annotations/store.json          {"schema": 3}
    HOME/annotations/reports/<id>.json   one TinyDB database per report (a "shard")
    HOME/annotations/summary.json        cache: report -> label/annotator counts
    HOME/annotations/journal.json        only while a multi-report write commits
    HOME/.lock, HOME/.lock.holder        the single-writer lock and who holds it

``AnnotationStore`` is a façade: it checks each change (labels, the report's
text), lets ``decisions`` (the sentence rule, the one place it is written)
shape it, and hands it to three parts -- the shard set
(``shardset``: one durable TinyDB per report, so a tag costs the same with 10
or 100,000 annotations in the home), the summary cache (``summary``) and the
undo history (``history``).
"""
from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tinydb import TinyDB
from tinydb.queries import QueryLike

from ..errors import CorruptDatabase, StoreError, UnknownLabel
from ..fsutil import read_regular, remove_stale_temps
from ..home import Home
from ..models import text_sha256
from ..text.sanitize import multi_line, single_line
from . import decisions
from .anchoring import reanchor_docs
from .corrections_file import CorrectionsFile
from .history import History, Step
from .labels import Label, load_config
from .migrate import open_schema
from .records import FIELDS, GOLD, OPTIONAL, SOURCES, Annotation, Change, Selection, doc_order, merge_run, now_iso, runs
from .shards import STATE, TABLE, StoreWriteError, file_sig, recovery_hint
from .shardset import ShardSet
from .summary import Summary

if TYPE_CHECKING:  # loaded when corrections are used: opening a store (the TUI's start) needs none
    from ..corrections import Correction

TEXTS_CACHED = 64  # report texts kept for checking selections
CONVERTED_CACHED = 20_000  # Annotations kept for documents that did not change
_NO_STATE = {"done": False, "position": None}  # an annotator's state of an untouched report
_KEYS = frozenset(FIELDS)  # every document has these (and may have records.OPTIONAL's)


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
        self.annotator = single_line(self.home.annotator(annotator)) or "unknown"
        self.journal_path = self.home.store_dir / "journal.json"
        self._shards = ShardSet(self.shards_dir, readonly=readonly)
        self._summary = Summary(self.summary_path, self._shards, readonly=readonly)
        self._history = History()
        self._corrections = CorrectionsFile(self.home.store_dir / "corrections.json",
                                            readonly=readonly)
        self._texts: dict[str, tuple[tuple, str, str]] = {}  # rid -> (sig, text, sha)
        self._converted: dict[str, tuple[dict, Annotation]] = {}  # id -> (doc, its Annotation)
        self._unsummarised: set[str] = set()  # reports written since their summary entry
        self._writer = False  # holds the home's writer lock
        if not readonly:
            try:
                self.home.acquire_writer(self.annotator)
            except OSError as exc:  # the lock file cannot be made: read-only home, EACCES
                raise StoreWriteError(self.home.lock_path, exc, what="the writer lock") from None
            self._writer = True
        try:
            open_schema(self.home, readonly=readonly, annotator=self.annotator)
            if not readonly:  # we hold the lock, so nobody else is writing
                self._shards.recover(self.journal_path)  # an import's commit, interrupted
                self._shards.remove_temp_files()
                for path in (self.journal_path, self.summary_path, self.home.schema_path):
                    remove_stale_temps(path)  # only a writer writes them: all dead
            self._summary.load()
        except BaseException:
            self.close()
            raise

    @property
    def problems(self) -> dict[str, CorruptDatabase]:
        """report id -> why its shard cannot be read (left out of the summary)."""
        return self._summarised().problems

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
        return [self._annotation(d) for d in docs]

    def _annotation(self, doc: dict) -> Annotation:
        """The Annotation of a document, converted once: a write keeps the dicts of
        the documents it did not change, so the reader's refresh after a tag
        converts only what changed (a report can hold hundreds)."""
        hit = self._converted.get(doc["id"])
        if hit is not None and hit[0] is doc:
            return hit[1]
        if len(self._converted) > CONVERTED_CACHED:
            self._converted.clear()
        ann = Annotation.from_doc(doc)
        self._converted[doc["id"]] = (doc, ann)
        return ann

    def get(self, annotation_id: str) -> Annotation | None:
        found = self._shards.locate(annotation_id)
        return Annotation.from_doc(found[1]) if found else None

    def query(self, cond: QueryLike) -> Iterator[Annotation]:
        """Every annotation matching a ``tinydb.Query``, report by report (id
        order). Raises CorruptDatabase on an unreadable shard."""
        for doc in self._shards.query(cond):
            yield Annotation.from_doc(doc)

    def passages(self, report_id: str, *, with_none: bool = False) -> list[Annotation]:
        """A report's passages (all annotators): runs of consecutive sentences with
        the same label, merged (``records.runs``), in document order."""
        found = runs(self._shards.docs(report_id).values(), with_none=with_none)
        text = None
        if any(len(r) > 1 for r in found):
            try:
                text = self._report_text(report_id)[0]
            except StoreError:  # no longer in the library: no run can be joined
                found = [[d] for r in found for d in r]
        return [self._annotation(r[0]) if len(r) == 1 else Annotation.from_doc(merge_run(r, text))
                for r in found]

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
        try:
            text = read_regular(path)[0].decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise StoreError(f"the text of report {rid!r} cannot be read ({path}: "
                             f"{getattr(exc, 'strerror', None) or exc})") from None
        if len(self._texts) > TEXTS_CACHED:
            self._texts.clear()
        self._texts[rid] = (sig, text, text_sha256(text))
        return text, self._texts[rid][2]

    def _check(self, sel: Selection) -> str:
        """The report's text, if ``sel`` was made on it; else StoreError."""
        text, sha = self._report_text(sel.report_id)
        spans = sel.sentences
        ok = (sha == sel.report_sha256 and 0 <= sel.first <= sel.last < len(spans)
              and all(0 <= s < e <= len(text) for s, e in spans)
              and all(a[1] <= b[0] for a, b in zip(spans, spans[1:])))
        if not ok:
            raise StoreError(f"sentences {sel.first + 1}–{sel.last + 1} do not match the text of "
                             f"report {sel.report_id!r} (was it re-imported?); nothing was changed")
        return text

    def _commit(self, change: Change, docs: dict[str, dict | None],
                state: dict[str, dict] | None = None) -> Change:
        """Write one action durably and record its undo step. ``state``: annotator
        -> the state fields it sets (merged into that annotator's state)."""
        rid = change.report_id
        if not docs and not state:
            return change
        old_docs = {d["id"]: d for d in self._shards.docs(rid).values()}
        old_state = self._shards.state(rid)
        self._write(rid, docs, state or {})
        self._history.record(Step(
            change, {k: (old_docs.get(k), v) for k, v in docs.items()},
            {who: ({k: (old_state.get(who) or _NO_STATE)[k] for k in fields}, fields)
             for who, fields in (state or {}).items()}))
        return change

    def _write(self, rid: str, docs: dict[str, dict | None], state: dict[str, dict]) -> None:
        """Documents and state fields of one report: shard (one durable write). Its
        summary entry is made when the summary is next read (``_summarised``): a
        tag does not pay for counts nobody is looking at (the reader's key path)."""
        if state:
            now, current = now_iso(), self._shards.state(rid)
            state = {who: {**(current.get(who) or _NO_STATE), **fields, "annotator": who,
                           "updated_at": now} for who, fields in state.items()}
        self._shards.apply(rid, docs, state)
        self._unsummarised.add(rid)

    def _summarised(self) -> Summary:
        """The summary, with the entries of the reports written since it was read."""
        while self._unsummarised:
            rid = self._unsummarised.pop()
            self._summary.update(rid, self._shards.docs(rid).values(),
                                 self._shards.state(rid).values(), self._shards.sig(rid))
        return self._summary

    def _act(self, sel: Selection, op: str, annotator: str | None = None, **kw) -> Change:
        self._writable()
        text = self._check(sel)
        docs, what = decisions.apply(list(self._shards.docs(sel.report_id).values()), sel,
                                     annotator or self.annotator, text, now_iso(), op, **kw)
        return self._commit(Change(sel.report_id, sel.first, sel.last, what if docs else ""), docs)

    def tag(self, sel: Selection, label: str, *, source: str = "manual",
            score: float | None = None, model_version: str | None = None) -> Change:
        """Label every selected sentence; when all of them already have that label,
        remove it (the same key again). Sentences outside the selection keep their
        decisions, so a passage is split or merged as needed. ``Change.what`` is
        "tagged" or "removed" ("" when nothing changed)."""
        lab = self.label(label)
        if source not in SOURCES:
            raise StoreError(f"unknown source {source!r} (one of {', '.join(SOURCES)})")
        return self._act(sel, "tag", label=lab.name, source=source, score=score,
                         model_version=model_version)

    def mark_none(self, sel: Selection, *, source: str = "manual", score: float | None = None,
                  model_version: str | None = None) -> Change:
        """Record the decision "none of the labels" on the selected sentences
        (toggles back to undecided when all of them are already none). The
        provenance is a tag's: an accepted "none" suggestion, or an override."""
        if source not in SOURCES:
            raise StoreError(f"unknown source {source!r} (one of {', '.join(SOURCES)})")
        return self._act(sel, "none", source=source, score=score, model_version=model_version)

    def clear(self, sel: Selection) -> Change:
        """Undecide the selected sentences (their notes stay)."""
        return self._act(sel, "clear")

    def adjudicate(self, sel: Selection, label: str | None, *, adjudicator: str,
                   agreed: Sequence[str]) -> Change:
        """The adjudicated label (None: "none") of the selected sentences, as annotator
        GOLD with source "adjudication", who adjudicated and which annotators had given
        that label. Durable and undoable like a tag, and it toggles like one: the same
        label again removes the adjudication."""
        name = None if label is None else self.label(label).name
        extra = {"source": "adjudication", "adjudicator": single_line(adjudicator) or "unknown",
                 "agreed": sorted({single_line(a) for a in agreed})}
        return self._act(sel, "none" if name is None else "tag", annotator=GOLD, label=name,
                         **extra)

    def set_note(self, sel: Selection, note: str) -> Change:
        """The note on sentence ``sel.first`` (tagged, none or undecided); "" removes it."""
        return self._act(sel, "note", note=multi_line(note))

    # ------------------------------------------------------------ report state
    def _state(self, report_id: str, annotator: str | None = None) -> dict | None:
        return self._shards.state(report_id).get(annotator or self.annotator)

    def states(self, report_id: str) -> dict[str, dict]:
        """annotator -> their state of the report (``done``, ``position``)."""
        return self._shards.state(report_id)

    def is_done(self, report_id: str, annotator: str | None = None) -> bool:
        st = self._state(report_id, annotator)
        return bool(st and st["done"])

    def set_done(self, report_id: str, done: bool) -> Change:
        """Mark the report done (its undecided sentences count as none) or not;
        durable and undoable like a tag."""
        self._writable()
        self._report_text(report_id)  # a report of the library
        if self.is_done(report_id) == done:
            return Change(report_id, -1, -1, "")
        return self._commit(Change(report_id, -1, -1, "done" if done else "not done"), {},
                            {self.annotator: {"done": done}})

    def position(self, report_id: str) -> int | None:
        """The sentence this annotator was last at in the report, if saved."""
        st = self._state(report_id)
        return st["position"] if st else None

    def set_position(self, report_id: str, sentence: int) -> None:
        """Remember where the annotator is (not an undo step; a no-op read-only)."""
        if self.readonly or not self._writer or sentence < 0:
            return
        if self.position(report_id) != sentence:
            self._write(report_id, {}, {self.annotator: {"position": sentence}})

    def undo(self) -> Change | None:
        """Undo this session's last change; returns what it was about (the
        report and sentences), None if there is nothing to undo."""
        self._writable()
        return self._history.replay(self._write, back=True)

    def redo(self) -> Change | None:
        self._writable()
        return self._history.replay(self._write, back=False)

    @property
    def can_undo(self) -> bool:
        return self._history.can_undo

    @property
    def can_redo(self) -> bool:
        return self._history.can_redo

    # ------------------------------------------------------------ entity corrections
    def corrections(self) -> list[Correction]:
        """Every analyst's entity corrections, oldest first (HOME/annotations/
        corrections.json; ``annotations.corrections.Rules`` makes rules of them)."""
        return self._corrections.corrections()

    @property
    def corrections_version(self) -> tuple | None:
        """Changes whenever the corrections do (for a reader to re-apply them)."""
        self._corrections.docs()
        return self._corrections.sig

    def correct(self, c: Correction) -> Change:
        """Record one correction (made with ``corrections.make_set``/``make_remove``
        on the report's current text): durable, undoable like a tag."""
        self._writable()
        text = self._report_text(c.report_id)[0]
        if text[c.start:c.end] != c.text:
            raise StoreError(f"the correction's text {c.text!r} is not at {c.start}–{c.end} of "
                             f"report {c.report_id!r} (was it re-imported?); nothing was changed")
        return self._correction_step(c.report_id, {c.id: c.to_doc()}, f"corrected {c.describe()}")

    def delete_correction(self, correction_id: str) -> Change:
        """Delete a correction (its rule stops applying); undoable. StoreError if unknown."""
        self._writable()
        doc = self._corrections.docs().get(correction_id)
        if doc is None:
            raise StoreError(f"no correction {correction_id!r} (see `baocao correct --rules`)")
        from ..corrections import Correction

        c = Correction.from_doc(doc)
        return self._correction_step(c.report_id, {correction_id: None},
                                     f"deleted the rule {c.describe()}")

    def _correction_step(self, rid: str, docs: dict[str, dict | None], what: str) -> Change:
        old = self._corrections.docs()
        self._corrections.apply(rid, docs, {})
        change = Change(rid, -1, -1, what)
        self._history.record(Step(change, {k: (old.get(k), v) for k, v in docs.items()}, {},
                                  self._corrections.apply))
        return change

    # ------------------------------------------------------------ bulk changes
    def replace_report(self, report_id: str, docs: list[dict]) -> None:
        """Replace every annotation of one report in a single durable write (used
        by re-anchoring and import; not recorded for undo)."""
        self._writable()
        for d in docs:
            if not _KEYS <= d.keys() <= _KEYS | OPTIONAL.keys():
                raise StoreError(f"annotation document with fields {sorted(d)}")
        self._shards.replace(report_id, docs)
        self._summary.update(report_id, self._shards.docs(report_id).values(),
                             self._shards.state(report_id).values(), self._shards.sig(report_id))
        self._history.drop_report(report_id)  # its steps would restore stale documents
        self._summarised().save()

    def replace_reports(self, plans: dict[str, list[dict]], *,
                        done: dict[str, list[str]] | None = None) -> None:
        """Replace every annotation of several reports, all or nothing (see
        ``ShardSet.replace_many``: staged temp files, a journal, renames; a
        disk that fills while staging changes nothing); ``done``: report ->
        annotators marked done in the same write. Not recorded for undo."""
        self._writable()
        for docs in plans.values():
            for d in docs:
                if not _KEYS <= d.keys() <= _KEYS | OPTIONAL.keys():
                    raise StoreError(f"annotation document with fields {sorted(d)}")
        if not plans:
            return
        written = self._shards.replace_many(plans, self.journal_path, done=done)
        for rid, (data, sig) in written.items():
            self._summary.update(rid, data.get(TABLE, {}).values(),
                                 data.get(STATE, {}).values(), sig)
            self._history.drop_report(rid)
        self._summarised().save()

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
        summary = self._summarised()
        summary.follow()
        return {rid: dict(e["labels"]) for rid, e in summary.entries.items() if e["count"]}

    def summary(self) -> dict[str, dict]:
        """report id -> {"count", "labels", "annotators", "tagged" (sentences
        covered by non-orphaned annotations), "orphaned"}; reports with
        unreadable shards are missing here and listed in ``problems``."""
        return self._summarised().reports()

    def progress(self, annotator: str | None = None) -> dict[str, dict]:
        """report id -> {"tagged", "none" (sentences), "done"} of one annotator
        (default: this store's), from the summary."""
        who = annotator or self.annotator
        return {rid: e["people"][who] for rid, e in self.summary().items() if who in e["people"]}

    def tagged_sentences(self, annotator: str | None = None) -> dict[str, int]:
        """report id -> sentences the annotator labelled."""
        return {rid: p["tagged"] for rid, p in self.progress(annotator).items()}

    def close(self) -> None:
        """Save the summary and release the lock."""
        try:
            if self._writer and self._summarised().dirty:
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
