"""The annotation store: analysts' labels on passages, in TinyDB.

Offsets are str indices into the report's canonical text. Layout (schema 2,
details and decisions in docs/store.md)::

    HOME/annotations/store.json          {"schema": 2}
    HOME/annotations/reports/<id>.json   one TinyDB database per report (a "shard")
    HOME/annotations/summary.json        cache: report -> label/annotator counts
    HOME/.lock, HOME/.lock.holder        the single-writer lock and who holds it

A change rewrites only its report's shard, durably (``storage.ShardStorage``),
so a tag costs the same with 10 or 100,000 annotations in the home. The shards
are the truth; the summary is a cache that ``counts()`` reads without opening
any shard. Every summary entry records the (inode, size, mtime) of the shard it
was computed from; on open the shard folder is listed (one stat per file) and
any entry that disagrees -- e.g. the writer was killed after a shard write and
before the summary was saved -- is recomputed from its shard. So the summary is
written without fsync, at close and after bulk changes, never per tag.
"""
from __future__ import annotations

import os
import time
import uuid
from collections import Counter, OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote, unquote

import orjson
from tinydb import TinyDB
from tinydb.queries import QueryLike

from .anchoring import reanchor_docs
from ..errors import ConfigError, CorruptDatabase, StoreError, StoreLocked, UnknownLabel
from ..fsutil import atomic_write_bytes
from ..home import Home
from ..models import text_sha256
from .labels import DEFAULT_LABELS, Label, load_config
from .migrate import SCHEMA, v1_docs_to_v2
from .shards import FIELDS, TABLE, ShardStorage, file_sig, parse_shard, recovery_hint

HISTORY_LIMIT = 1000  # undo steps kept per session
OPEN_SHARDS = 128  # TinyDB objects kept open (their parsed data is cached)


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

    @classmethod
    def from_doc(cls, doc: dict) -> Annotation:
        return cls(**{k: doc[k] for k in FIELDS})

    def to_doc(self) -> dict:
        return {k: getattr(self, k) for k in FIELDS}


def now_iso() -> str:
    """UTC, millisecond precision: 2025-03-01T08:15:02.123Z."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def shard_name(report_id: str) -> str:
    """File name of a report's shard (reversible, one safe path component)."""
    name = quote(report_id, safe="")
    if name.startswith("."):
        name = "%2E" + name[1:]
    return name + ".json"


def shard_report_id(file_name: str) -> str:
    return unquote(file_name[: -len(".json")])


def summarize(docs) -> dict:
    """Summary entry of one report's documents (without its file signature)."""
    labels: Counter[str] = Counter()
    annotators: Counter[str] = Counter()
    sentences: set[int] = set()
    orphaned = 0
    for d in docs:
        labels[d["label"]] += 1
        annotators[d["annotator"]] += 1
        if d["orphaned"]:
            orphaned += 1
        elif d["sentence_start"] >= 0:
            sentences.update(range(d["sentence_start"], d["sentence_end"] + 1))
    return {"count": sum(labels.values()), "labels": dict(labels),
            "annotators": dict(annotators), "tagged": len(sentences), "orphaned": orphaned}


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

    def __init__(self, home: Home | Path, *, annotator: str | None = None, readonly: bool = False,
                 reserved_keys: dict[str, str] | None = None):
        self.home = Home.of(home)
        self.dir = self.home.store_dir
        self.shards_dir = self.home.shards_dir
        self.schema_path = self.home.schema_path
        self.summary_path = self.home.summary_path
        self.texts_dir = self.home.texts_dir  # the library's canonical texts
        self.readonly = readonly
        config = load_config(self.home, reserved_keys)
        self.labels = list(config.labels)
        self._by_name = {lab.name: lab for lab in self.labels}
        self._by_key = {lab.key: lab for lab in self.labels}
        self.annotator = self.home.annotator(annotator)
        self.problems: dict[str, CorruptDatabase] = {}  # report id -> unreadable shard
        self._dbs: OrderedDict[str, TinyDB] = OrderedDict()
        self._where: dict[str, str] = {}  # annotation id -> report id, as seen
        self._texts: dict[str, tuple[tuple, str, str]] = {}  # rid -> (sig, text, sha)
        self._undo: list[tuple[str, str, dict | None, dict | None]] = []
        self._redo: list[tuple[str, str, dict | None, dict | None]] = []
        self._summary: dict[str, dict] = {}
        self._summary_dirty = False
        self._verified: tuple | None = None  # (shard folder signature, when)
        self._writer = False  # holds the home's writer lock
        if not readonly:
            self.home.acquire_writer(self.annotator)
            self._writer = True
        try:
            self._open()
        except BaseException:
            self.close()
            raise

    # ------------------------------------------------------------ opening
    def _open(self) -> None:
        v1 = self.home.v1_store_path
        if not self.schema_path.exists() and v1.exists():
            self._migrate_v1(v1)
        if self.schema_path.exists():
            try:
                schema = orjson.loads(self.schema_path.read_bytes())["schema"]
            except (orjson.JSONDecodeError, KeyError, TypeError):
                raise CorruptDatabase(f"{self.schema_path} (the store's version marker) is "
                                      "unreadable; it was not changed. Restore it, or write "
                                      '{"schema": 2} into it if the store was made by this '
                                      "version of baocao.", self.schema_path) from None
            if schema != SCHEMA:
                raise StoreError(f"the annotation store in {self.dir} has schema {schema}; this "
                                 f"baocao reads schema {SCHEMA}. Use a newer baocao.")
            if not self.readonly and v1.exists():  # migrated, crashed before the rename
                os.replace(v1, self.home.v1_backup_path)
        elif not self.readonly:
            self.shards_dir.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(self.schema_path, orjson.dumps({"schema": SCHEMA}))
        if not self.readonly:  # temp files of a writer killed mid-write (we hold the lock)
            for tmp in self.shards_dir.glob(".*.tmp"):
                tmp.unlink(missing_ok=True)
        self._load_summary()

    def _migrate_v1(self, v1: Path) -> None:
        temporary = not self._writer  # read-only: take the lock just for the migration
        if temporary:
            try:
                self.home.acquire_writer(self.annotator, timeout=10)
            except StoreLocked as exc:
                raise StoreLocked(f"{exc} (the store needs a one-time migration to schema "
                                  f"{SCHEMA}; that writer will do it)") from None
        try:
            if self.schema_path.exists():  # someone migrated while we waited
                return
            by_report = v1_docs_to_v2(v1)
            self.shards_dir.mkdir(parents=True, exist_ok=True)
            for rid, docs in by_report.items():
                docs.sort(key=lambda d: (d["start"], d["end"], d["id"]))
                data = {TABLE: {str(i): d for i, d in enumerate(docs, 1)}}
                atomic_write_bytes(self.shards_dir / shard_name(rid), orjson.dumps(data))
            atomic_write_bytes(self.schema_path, orjson.dumps({"schema": SCHEMA}))
            os.replace(v1, self.home.v1_backup_path)
        finally:
            if temporary:
                self.home.release_writer()

    def _load_summary(self) -> None:
        try:
            doc = orjson.loads(self.summary_path.read_bytes())
            if doc.get("schema") != SCHEMA or not isinstance(doc.get("reports"), dict):
                raise ValueError
            self._summary = doc["reports"]
        except (OSError, orjson.JSONDecodeError, ValueError, AttributeError):
            self._summary = {}  # a cache: missing or broken means rebuild from the shards
        self._verify_summary()

    def _scan(self) -> dict[str, tuple[int, int, int]]:
        """report id -> signature of its shard file."""
        found = {}
        try:
            with os.scandir(self.shards_dir) as it:
                for e in it:
                    if e.name.endswith(".json") and not e.name.startswith("."):
                        try:
                            found[shard_report_id(e.name)] = file_sig(e.stat())
                        except FileNotFoundError:
                            pass
        except FileNotFoundError:
            pass
        return found

    def _folder_sig(self) -> tuple[int, int] | None:
        try:
            st = os.stat(self.shards_dir)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns)

    def _verify_summary(self) -> None:
        """Bring every summary entry in line with its shard (see module doc)."""
        self._verified = (self._folder_sig(), time.time_ns())
        found = self._scan()
        changed = False
        for rid in [r for r in self._summary if r not in found]:
            del self._summary[rid]
            changed = True
        for rid, sig in found.items():
            entry = self._summary.get(rid)
            if entry is not None and tuple(entry.get("sig", ())) == sig:
                continue
            changed = True
            path = self.shards_dir / shard_name(rid)
            try:
                with open(path, "rb") as f:
                    sig = file_sig(os.fstat(f.fileno()))
                    data = parse_shard(f.read(), path)
            except CorruptDatabase as exc:
                self.problems[rid] = exc
                self._summary.pop(rid, None)
                continue
            except FileNotFoundError:
                self._summary.pop(rid, None)
                continue
            self.problems.pop(rid, None)
            self._summary[rid] = {**summarize(data.get(TABLE, {}).values()), "sig": list(sig)}
        if changed:
            self._summary_dirty = True
            if not self.readonly:
                self._save_summary()

    def _save_summary(self, durable: bool = False) -> None:
        if self.readonly or not self.dir.exists():
            return
        doc = {"schema": SCHEMA, "reports": self._summary}
        atomic_write_bytes(self.summary_path, orjson.dumps(doc), durable=durable)
        self._summary_dirty = False

    # ------------------------------------------------------------ labels
    def label(self, name_or_key: str) -> Label:
        """The label with that name or key; raises UnknownLabel."""
        lab = self._by_name.get(name_or_key) or self._by_key.get(name_or_key)
        if lab is None:
            known = ", ".join(f"{lab.name} ({lab.key})" for lab in self.labels)
            raise UnknownLabel(f"unknown label {name_or_key!r}; labels are: {known} "
                               f"(more can be added in {self.home.config_path})")
        return lab

    # ------------------------------------------------------------ shards
    def db(self, report_id: str) -> TinyDB:
        """The TinyDB database of one report, for ``tinydb.Query`` searches.
        Change annotations through the store's methods, not through it."""
        db = self._dbs.get(report_id)
        if db is None:
            db = TinyDB(self.shards_dir / shard_name(report_id), storage=ShardStorage,
                        readonly=self.readonly)
            db.table(TABLE, cache_size=0)  # another process may write: no query cache
            self._dbs[report_id] = db
            if len(self._dbs) > OPEN_SHARDS:
                self._dbs.popitem(last=False)
        else:
            self._dbs.move_to_end(report_id)
        return db

    def _docs(self, report_id: str) -> dict[str, dict]:
        """TinyDB document id -> document, straight from the (cached) shard."""
        data = self.db(report_id).storage.read()
        table = data.get(TABLE, {}) if data else {}
        for d in table.values():
            self._where[d["id"]] = report_id
        return table

    def report_ids(self) -> list[str]:
        """Reports that have a shard (with or without annotations left)."""
        return sorted(self._scan())

    def documents(self, report_id: str) -> list[dict]:
        """A report's raw annotation documents. Reports not open in this store
        are read without being cached, so a pass over every report (export)
        holds one shard at a time."""
        if report_id in self._dbs:
            return list(self._docs(report_id).values())
        data = ShardStorage(self.shards_dir / shard_name(report_id), readonly=True).read()
        return list(data.get(TABLE, {}).values()) if data else []

    def for_report(self, report_id: str) -> list[Annotation]:
        """Every annotation of a report (all annotators), sorted by start."""
        docs = sorted(self._docs(report_id).values(), key=lambda d: (d["start"], d["end"], d["id"]))
        return [Annotation.from_doc(d) for d in docs]

    def get(self, annotation_id: str) -> Annotation | None:
        found = self._locate(annotation_id)
        return Annotation.from_doc(found[1]) if found else None

    def query(self, cond: QueryLike) -> Iterator[Annotation]:
        """Every annotation matching a ``tinydb.Query``, report by report (id
        order). Raises CorruptDatabase on an unreadable shard."""
        for rid in self.report_ids():
            db = TinyDB(self.shards_dir / shard_name(rid), storage=ShardStorage, readonly=True)
            for doc in db.table(TABLE, cache_size=0).search(cond):
                yield Annotation.from_doc(doc)

    def find(self, passage: Passage) -> Annotation | None:
        """This annotator's annotation on exactly that passage, if any."""
        doc = self._find_doc(passage.report_id, passage.start, passage.end, self.annotator)
        return Annotation.from_doc(doc) if doc else None

    def _find_doc(self, rid: str, start: int, end: int, annotator: str) -> dict | None:
        for d in self._docs(rid).values():
            if (d["start"] == start and d["end"] == end and d["annotator"] == annotator
                    and not d["orphaned"]):
                return d
        return None

    def _locate(self, annotation_id: str) -> tuple[str, dict] | None:
        rid = self._where.get(annotation_id)
        candidates = [rid] if rid else []
        candidates += [r for r in self.report_ids() if r != rid]
        for r in candidates:
            try:
                docs = self._docs(r)
            except CorruptDatabase:
                continue
            for d in docs.values():
                if d["id"] == annotation_id:
                    return r, d
        return None

    # ------------------------------------------------------------ changes
    def _writable(self) -> None:
        if self.readonly:
            raise StoreError("the annotation store is open read-only (another baocao holds "
                             "the writer lock); nothing was changed")
        if not self._writer:
            raise StoreError("the annotation store is closed")

    def _report_text(self, rid: str) -> tuple[str, str]:
        """Canonical text and its sha256, re-read only when the file changed."""
        path = self.texts_dir / f"{rid}.txt"
        try:
            sig = file_sig(os.stat(path))
        except FileNotFoundError:
            raise StoreError(f"unknown report {rid!r}: it is not in the library") from None
        cached = self._texts.get(rid)
        if cached and cached[0] == sig:
            return cached[1], cached[2]
        text = path.read_text(encoding="utf-8")
        if len(self._texts) > 64:
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

    def _apply(self, rid: str, ann_id: str, new: dict | None) -> None:
        """Make annotation ``ann_id`` of ``rid`` equal ``new`` (None: absent), in
        one durable shard write."""
        table = self.db(rid).table(TABLE)
        doc_id = next((int(k) for k, d in self._docs(rid).items() if d["id"] == ann_id), None)
        if new is None:
            if doc_id is not None:
                table.remove(doc_ids=[doc_id])
            self._where.pop(ann_id, None)
        elif doc_id is None:
            table.insert(new)
        else:
            table.update(new, doc_ids=[doc_id])
        self._refresh_entry(rid)

    def _refresh_entry(self, rid: str) -> None:
        storage = self.db(rid).storage
        docs = self._docs(rid).values()
        self._summary[rid] = {**summarize(docs), "sig": list(storage.sig or ())}
        self.problems.pop(rid, None)
        self._summary_dirty = True

    def _change(self, rid: str, ann_id: str, old: dict | None, new: dict | None) -> None:
        self._apply(rid, ann_id, new)
        self._undo.append((rid, ann_id, old, new))
        del self._undo[:-HISTORY_LIMIT]
        self._redo.clear()

    def tag(self, passage: Passage, label: str) -> Annotation | None:
        """Toggle: label an untagged passage, relabel a tagged one, or remove the
        label when it is the same (returns None then)."""
        self._writable()
        lab = self.label(label)
        sha = self._check_passage(passage)
        rid = passage.report_id
        old = self._find_doc(rid, passage.start, passage.end, self.annotator)
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
        ann_id = (new or old)["id"]
        self._change(rid, ann_id, old, new)
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
        found = self._locate(annotation_id)
        if found is None:
            raise StoreError(f"no annotation with id {annotation_id!r}")
        return found

    def undo(self) -> Annotation | None:
        """Undo this session's last change; returns the annotation it touched
        (as it is now, or as it was if it is gone), None if nothing to undo."""
        return self._step(self._undo, self._redo, back=True)

    def redo(self) -> Annotation | None:
        return self._step(self._redo, self._undo, back=False)

    def _step(self, source: list, target: list, *, back: bool) -> Annotation | None:
        self._writable()
        if not source:
            return None
        rid, ann_id, old, new = source[-1]
        want, other = (old, new) if back else (new, old)
        self._apply(rid, ann_id, want)  # raises (and keeps the step) if the write fails
        source.pop()
        target.append((rid, ann_id, old, new))
        shown = want if want is not None else other
        return Annotation.from_doc(shown) if shown else None

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    # ------------------------------------------------------------ bulk changes
    def replace_report(self, report_id: str, docs: list[dict]) -> None:
        """Replace every annotation of one report in a single durable write (used
        by re-anchoring and import; not recorded for undo)."""
        self._writable()
        for d in docs:
            if set(d) != set(FIELDS):
                raise StoreError(f"annotation document with fields {sorted(d)}")
        storage = self.db(report_id).storage
        data = dict(storage.read() or {})
        docs = sorted(docs, key=lambda d: (d["start"], d["end"], d["id"]))
        data[TABLE] = {str(i): d for i, d in enumerate(docs, 1)}
        self.shards_dir.mkdir(parents=True, exist_ok=True)
        storage.write(data)
        self._dbs.pop(report_id, None)  # TinyDB caches its next id: start afresh
        self._dbs[report_id] = TinyDB(storage.path, storage=ShardStorage, readonly=False)
        self._dbs[report_id].table(TABLE, cache_size=0)
        self._refresh_entry(report_id)
        # Steps recorded before this write would restore stale documents.
        self._undo = [s for s in self._undo if s[0] != report_id]
        self._redo = [s for s in self._redo if s[0] != report_id]
        self._save_summary()

    def reanchor(self, report_id: str, new_text: str, sentences, new_sha: str | None = None
                 ) -> dict[str, int]:
        """Move a report's annotations onto its new text (rule in
        ``annotations.store.anchoring``). ``sentences``: (start, end) pairs or Sentence
        objects of the new analysis. Returns {"kept", "moved", "orphaned"}."""
        self._writable()
        docs = list(self._docs(report_id).values())
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
        self._follow_writer()
        return {rid: dict(e["labels"]) for rid, e in self._summary.items() if e["count"]}

    def summary(self) -> dict[str, dict]:
        """report id -> {"count", "labels", "annotators", "tagged" (sentences
        covered by non-orphaned annotations), "orphaned"}; reports with
        unreadable shards are missing here and listed in ``problems``."""
        self._follow_writer()
        return {rid: {k: v for k, v in e.items() if k != "sig"}
                for rid, e in self._summary.items() if e["count"]}

    def _follow_writer(self) -> None:
        """Read-only: re-check the summary against the shards (another process
        may be writing). Every shard write renames into the shard folder, so an
        unchanged folder mtime means nothing changed -- trusted only when that
        mtime is clearly older than the last check (coarse file-system clocks:
        the "racy git" rule)."""
        if not self.readonly:
            return
        sig = self._folder_sig()
        if (self._verified is not None and sig is not None and sig == self._verified[0]
                and sig[1] < self._verified[1] - 100_000_000):
            return
        self._verify_summary()

    def tagged_sentences(self) -> dict[str, int]:
        return {rid: e["tagged"] for rid, e in self.summary().items()}

    def close(self) -> None:
        """Save the summary and release the lock."""
        try:
            if self._writer and self._summary_dirty:
                self._save_summary(durable=True)
        finally:
            self._dbs.clear()
            if self._writer:
                self._writer = False
                self.home.release_writer()

    def __enter__(self) -> AnnotationStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def corruption_hint(self, report_id: str) -> str:
        return recovery_hint(self.shards_dir / shard_name(report_id))
