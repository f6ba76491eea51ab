"""``baocao import-annotations``: load a native export (or bare records) back.

Accepted lines: native export records, and bare records with ``report_id``,
``start``, ``end``, ``label``, ``text`` and optional ``note``, ``annotator``
(default: the store's annotator), ``id``, ``created_at``, ``updated_at``,
``sentence_start``/``sentence_end`` (default: computed from the report's
analysis). An orphaned native record (``"orphaned": true``, null offsets) is
kept orphaned.

All or nothing per file: every line is checked first (JSON, fields and types,
report in the library, ``text`` equal to the report's slice at start:end,
label known, no two lines for the same id or the same passage+annotator, the
report's annotation file readable); any problem rejects the file with every
problem listed by line number and nothing is written. Then each touched
report's shard is replaced in one durable write.

A record is a passage; the store keeps one decision per sentence, so a
record over several sentences of the current analysis is split into one
document per sentence (``decisions.normalise``: the record's id and note stay
with its first sentence). ``label`` null is the decision "none".

A record with ``report_done: true`` (a native export's) marks its report done
for its annotator, in the same all-or-nothing write: their undecided
sentences then count as none, as at home (``baocao agreement``).

Idempotent: a sentence the same annotator already decided is made equal to
the record (keeping the record's id for its first sentence); anything else is
added. A record counts as unchanged when all its sentences already read so.
Importing the same file twice changes nothing.
"""
from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import orjson

from ..corpus.library import Library
from ..errors import CorruptDatabase, StoreError
from ..fsutil import open_regular, os_reason
from ..models import text_sha256
from ..store import AnnotationStore, now_iso
from ..store.decisions import normalise
from ..store.records import ADDED_IN_3, SOURCES, passage_key, sentence_range
from ..text.sanitize import multi_line, single_line

MAX_PROBLEMS = 200  # listed; the count of the rest is given


class ImportRejected(StoreError):
    def __init__(self, path: Path, problems: list[str]):
        shown = problems[:MAX_PROBLEMS]
        more = len(problems) - len(shown)
        msg = f"{path}: rejected, nothing was imported ({len(problems)} problem(s)):\n" + \
            "\n".join(f"  {p}" for p in shown) + (f"\n  ... and {more} more" if more else "")
        super().__init__(msg)
        self.problems = problems


@dataclass
class ImportResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    reports: set[str] = field(default_factory=set)
    done: int = 0  # (report, annotator) marked done because their records said so


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _short(s: str, n: int = 40) -> str:
    return repr(s if len(s) <= n else s[:n] + "…")


ID_RE = re.compile(r"[0-9a-f]{32}")  # docs/store.md: 32 lowercase hex characters
SHA_RE = re.compile(r"[0-9a-f]{64}")


class _Reports:
    """Texts, hashes and sentence spans of the reports a file touches (loaded
    once). The hash is of the text actually read, and the sentences are of the
    analysis of that text (the cache entry read as raw JSON: no NLP, no
    dataclasses), so documents never claim a text they were not checked on."""

    def __init__(self, lib: Library):
        self.lib = lib
        self._texts: dict[str, tuple[str, str]] = {}
        self._sents: dict[str, tuple[tuple[int, int], ...]] = {}

    def text(self, rid: str) -> str:
        if rid not in self._texts:
            text = self.lib.text(rid)
            self._texts[rid] = (text, text_sha256(text))
        return self._texts[rid][0]

    def sha(self, rid: str) -> str:
        self.text(rid)
        return self._texts[rid][1]

    def sentences(self, rid: str) -> tuple[tuple[int, int], ...]:
        if rid not in self._sents:
            cached = self.lib.cached_analysis_dict(self.sha(rid))
            try:
                spans = tuple((int(s[0]), int(s[1])) for s in cached["sentences"])
            except (TypeError, KeyError, IndexError, ValueError):
                spans = tuple((s.start, s.end)
                              for s in self.lib.analyze_text(self.text(rid)).sentences)
            self._sents[rid] = spans
        return self._sents[rid]


def _iso(v) -> bool:
    try:
        datetime.fromisoformat(v)
        return True
    except ValueError:
        return False


# field -> the exact JSON types it may have besides null, and what a message says
_TYPED: dict[str, tuple[tuple[type, ...], str]] = {
    "report_title": ((str,), "a string or null"), "report_date": ((str,), "a string or null"),
    "note": ((str,), "a string or null"), "model_version": ((str,), "a string or null"),
    "score": ((int, float), "a number or null"),
    "sentence_start": ((int,), "an integer or null"), "sentence_end": ((int,), "an integer or null"),
    "entities": ((list,), "a list or null"),
    "report_done": ((bool,), "true, false or null"),
}
# field -> (accepted, what a message says), for values of the right JSON type
_SHAPED: dict[str, tuple[Callable[[object], bool], str]] = {
    "source": (lambda v: v in SOURCES, f"one of {', '.join(SOURCES)} or null"),
    "created_at": (lambda v: type(v) is str and _iso(v), "an ISO 8601 time or null"),
    "updated_at": (lambda v: type(v) is str and _iso(v), "an ISO 8601 time or null"),
    "report_sha256": (lambda v: type(v) is str and SHA_RE.fullmatch(v) is not None,
                      "64 lowercase hex characters or null"),
    "id": (lambda v: type(v) is str and ID_RE.fullmatch(v) is not None,
           "32 lowercase hex characters (an id as baocao writes it) or null"),
    "annotator": (lambda v: type(v) is str and bool(_clean_name(v)),
                  "a name with printable characters or null"),
    "adjudicator": (lambda v: type(v) is str and bool(_clean_name(v)),
                    "a name with printable characters or null"),
    "agreed": (lambda v: type(v) is list and all(type(a) is str and _clean_name(a) for a in v),
               "a list of names or null"),
}


def _shown(v) -> str:
    return _short(v) if isinstance(v, str) else type(v).__name__


def _type_problems(rec: dict) -> list[str]:
    """What is wrong with the fields' types and shapes (every field checked)."""
    bad = []
    orphaned = rec.get("orphaned", False)
    if type(orphaned) is not bool:
        bad.append("'orphaned' must be true or false")
    decided = rec.get("decided", True)
    if type(decided) is not bool:
        bad.append("'decided' must be true or false")
    for k in ("report_id", "text"):
        v = rec.get(k)
        if type(v) is not str or not v:
            bad.append(f"{k!r} must be a non-empty string")
    label = rec.get("label", 0)
    if label is not None and (type(label) is not str or not label):
        bad.append("'label' must be a label name or null (none)")
    elif decided is False and label is not None:
        bad.append("'decided' is false but there is a label (a label is a decision)")
    elif decided is False and not (type(rec.get("note")) is str and rec["note"].strip()):
        bad.append("'decided' is false but there is no note (an undecided sentence keeps only "
                   "its note)")
    for k in ("start", "end"):
        v = rec.get(k)
        if type(v) is not int and not (orphaned is True and v is None):
            bad.append(f"{k!r} must be an integer" + (" (or null when orphaned)"
                                                      if orphaned is True else ""))
    for k, v in rec.items():
        if v is None:
            continue
        typed = _TYPED.get(k)
        if typed is not None:
            if type(v) not in typed[0]:  # exact: true is not a number
                bad.append(f"{k!r} must be {typed[1]}, not {_shown(v)}")
            continue
        shaped = _SHAPED.get(k)
        if shaped is not None and not shaped[0](v):
            bad.append(f"{k!r} must be {shaped[1]}, not {_shown(v)}")
    return bad


_NAMES: dict[str, str] = {}


def _clean_name(name: str) -> str:
    """``single_line`` of an annotator name (the few names of a file, cleaned once)."""
    clean = _NAMES.get(name)
    if clean is None:
        if len(_NAMES) > 10_000:
            _NAMES.clear()
        clean = _NAMES[name] = single_line(name)
    return clean


def _check_line(rec, lineno: int, store: AnnotationStore, lib: Library, reports: _Reports,
                problems: list[str], labels: set[str]) -> dict | None:
    """A store document from one record, or None (problems appended)."""
    where = f"line {lineno}"
    if not isinstance(rec, dict):
        problems.append(f"{where}: not a JSON object")
        return None
    bad = _type_problems(rec)
    if bad:
        problems.append(f"{where}: " + "; ".join(bad))
        return None
    rid, label, text = rec["report_id"], rec["label"], rec["text"]
    orphaned = rec.get("orphaned", False)
    ok = True
    if rid not in lib:
        problems.append(f"{where}: unknown report {rid!r} (not in this library)")
        ok = False
    if label is not None and label not in labels:
        problems.append(f"{where}: unknown label {label!r} (labels: "
                        f"{', '.join(lab.name for lab in store.labels)})")
        ok = False
    if not ok:
        return None
    full = reports.text(rid)
    start, end = rec.get("start"), rec.get("end")
    if not orphaned:
        if not (0 <= start < end <= len(full)):
            problems.append(f"{where}: offsets {start}:{end} are outside report {rid!r} "
                            f"(length {len(full)})")
            return None
        if full[start:end] != text:
            problems.append(f"{where}: report {rid!r} at {start}:{end} reads "
                            f"{_short(full[start:end])}, the record's text is {_short(text)}")
            return None
        # derived data: always from the current analysis, whatever the record says
        s0, s1 = sentence_range(reports.sentences(rid), start, end)
        sha = reports.sha(rid)
    else:
        start = end = 0
        s0 = s1 = -1
        sha = rec.get("report_sha256") or reports.sha(rid)
    now = now_iso()
    created = rec.get("created_at") or now
    annotator = _clean_name(rec["annotator"]) if rec.get("annotator") else store.annotator
    note = rec.get("note") or ""
    # an adjudication's who and who agreed (records.OPTIONAL), as an export of gold gives them
    extra = {"adjudicator": _clean_name(rec["adjudicator"])} if rec.get("adjudicator") else {}
    if rec.get("agreed") is not None and rec.get("source") == "adjudication":
        extra["agreed"] = sorted({_clean_name(a) for a in rec["agreed"]})
    return {**ADDED_IN_3, **extra, "id": rec.get("id") or "", "report_id": rid, "start": start,
            "end": end, "sentence_start": s0, "sentence_end": s1, "label": label,
            "decided": rec.get("decided", True),
            "text": text, "note": multi_line(note) if note else "",
            "annotator": annotator,
            "source": rec.get("source") or "manual", "score": rec.get("score"),
            "model_version": rec.get("model_version"),
            "created_at": created, "updated_at": rec.get("updated_at") or created,
            "report_sha256": sha, "orphaned": orphaned}


def import_file(store: AnnotationStore, lib: Library, path: Path) -> ImportResult:
    path = Path(path)
    problems: list[str] = []
    reports = _Reports(lib)
    by_report: dict[str, list[tuple[int, dict, bool]]] = {}
    seen_ids: dict[str, int] = {}
    seen_keys: dict[tuple, int] = {}
    marks: dict[str, set[str]] = {}  # report -> annotators whose records say they marked it done
    labels = {lab.name for lab in store.labels}
    try:
        handle = os.fdopen(open_regular(path), "rb")  # a FIFO or device: refused, never read
    except OSError as exc:
        raise StoreError(f"{path}: cannot read ({os_reason(exc)[0]}); nothing was imported") \
            from None
    with handle:
        for lineno, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            try:
                rec = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                problems.append(f"line {lineno}: malformed JSON ({exc})")
                continue
            doc = _check_line(rec, lineno, store, lib, reports, problems, labels)
            if doc is None:
                continue
            native = bool(doc["id"])
            if native:
                if doc["id"] in seen_ids:
                    problems.append(f"line {lineno}: id {doc['id']!r} already on line "
                                    f"{seen_ids[doc['id']]}")
                    continue
                seen_ids[doc["id"]] = lineno
            full_key = (doc["report_id"], *passage_key(doc))
            if full_key in seen_keys:
                problems.append(f"line {lineno}: the same passage and annotator as line "
                                f"{seen_keys[full_key]} (one label per passage)")
                continue
            seen_keys[full_key] = lineno
            by_report.setdefault(doc["report_id"], []).append((lineno, doc, native))
            if rec.get("report_done") is True:
                marks.setdefault(doc["report_id"], set()).add(doc["annotator"])
    current: dict[str, list[dict]] = {}
    for rid, items in by_report.items():
        try:
            current[rid] = store.documents(rid)
        except CorruptDatabase as exc:
            problems.append(f"line {items[0][0]}: {exc}")
    if problems:
        raise ImportRejected(path, problems)

    result = ImportResult()
    plans = {rid: _merge(current[rid], _split(items, reports), result)
             for rid, items in by_report.items()}
    plans = {rid: docs for rid, docs in plans.items() if docs is not None}
    done = {rid: new for rid, who in marks.items()
            if (new := sorted(a for a in who if not store.is_done(rid, a)))}
    for rid in done:
        plans.setdefault(rid, current[rid])  # only the done marks change
    store.replace_reports(plans, done=done)  # all or nothing, across reports
    result.reports.update(plans)
    result.done = sum(map(len, done.values()))
    return result


def _split(items: list[tuple[int, dict, bool]], reports: _Reports
           ) -> list[tuple[dict, list[dict], bool]]:
    """Each record with its documents, one per sentence (an orphan stays whole)."""
    out = []
    for _lineno, doc, native in items:
        if doc["orphaned"]:
            out.append((doc, [doc], native))
            continue
        rid = doc["report_id"]
        pieces = normalise([{**doc, "id": doc["id"] or uuid.uuid4().hex}], doc["annotator"],
                           reports.sentences(rid), reports.text(rid), doc["report_sha256"])
        out.append((doc, [pieces[i] for i in sorted(pieces)] or [doc], native))
    return out


class _Docs:
    """A report's documents by id and by passage key (``records.passage_key``),
    kept in step: each record's lookups cost O(1), so importing n records into
    a report of m documents is O(n + m), not O(n * m)."""

    def __init__(self, docs: list[dict]):
        self.by_id = {d["id"]: d for d in docs}
        self.by_key: dict[tuple, dict] = {}
        for d in docs:
            self.by_key.setdefault(passage_key(d), d)  # the first, as ``records.holder``

    def holder(self, key: tuple) -> dict | None:
        return self.by_key.get(key)

    def drop(self, doc_id: str) -> None:
        old = self.by_id.pop(doc_id, None)
        if old is not None and self.by_key.get(passage_key(old)) is old:
            del self.by_key[passage_key(old)]

    def put(self, doc: dict) -> None:
        self.drop(doc["id"])
        self.by_id[doc["id"]] = doc
        self.by_key[passage_key(doc)] = doc


def _already(docs: _Docs, record: dict, pieces: list[dict]) -> bool:
    """Do the stored documents already read as this record (same decision on each
    of its sentences, the same notes)? Timestamps are not compared: a passage's
    are the min/max of its sentences'."""
    held = [docs.holder(passage_key(p)) for p in pieces]
    if any(h is None for h in held):
        return False
    return (all((h["label"], h["decided"], h["annotator"]) == (record["label"], record["decided"],
                                                               record["annotator"]) for h in held)
            and (not record["note"] or "\n".join(h["note"] for h in held if h["note"]) == record["note"]))


def _merge(docs: list[dict], records: list[tuple[dict, list[dict], bool]],
           result: ImportResult) -> list[dict] | None:
    """The report's documents after importing ``records``; None if unchanged."""
    index = _Docs(docs)
    changed = False
    for record, pieces, native in records:
        if not record["orphaned"] and _already(index, record, pieces):
            result.unchanged += 1
            continue
        added = updated = False
        for n, doc in enumerate(pieces):
            keep_id = native and n == 0  # the record's id names its first sentence
            old = index.by_id.get(doc["id"]) if keep_id else None
            if keep_id and old is not None and old["orphaned"] and doc["orphaned"]:
                # an export gives no offsets for an orphan: keep the ones we have
                doc = {**doc, **{k: old[k] for k in ("start", "end", "sentence_start",
                                                    "sentence_end")}}
            same = index.holder(passage_key(doc))
            if old == doc:
                continue
            if same is not None and same["id"] != doc["id"]:
                index.drop(same["id"])  # one decision per sentence: the record wins
                if not keep_id:
                    doc = {**doc, "id": same["id"], "created_at": same["created_at"]}
            if not native and same is not None:
                doc = {**doc, "note": doc["note"] or same["note"], "updated_at": now_iso()}
            updated |= old is not None or same is not None
            added |= old is None and same is None
            index.put(doc)
            changed = True
        result.updated += updated
        result.added += added and not updated
        result.unchanged += not (added or updated)
    return list(index.by_id.values()) if changed else None
