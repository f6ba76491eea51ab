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

Idempotent: a sentence the same annotator already decided is made equal to
the record (keeping the record's id for its first sentence); anything else is
added. A record counts as unchanged when all its sentences already read so.
Importing the same file twice changes nothing.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from ..corpus.library import Library
from ..errors import CorruptDatabase, StoreError
from ..store import AnnotationStore, now_iso
from ..store.decisions import normalise
from ..store.records import ADDED_IN_3, SOURCES, holder, passage_key, sentence_range

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


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _short(s: str, n: int = 40) -> str:
    return repr(s if len(s) <= n else s[:n] + "…")


class _Reports:
    """Texts and sentence spans of the reports a file touches (loaded once)."""

    def __init__(self, lib: Library):
        self.lib = lib
        self._texts: dict[str, str] = {}
        self._sents: dict[str, list[tuple[int, int]]] = {}

    def text(self, rid: str) -> str:
        if rid not in self._texts:
            self._texts[rid] = self.lib.text(rid)
        return self._texts[rid]

    def sentences(self, rid: str) -> list[tuple[int, int]]:
        if rid not in self._sents:
            self._sents[rid] = [(s.start, s.end) for s in self.lib.analysis(rid).sentences]
        return self._sents[rid]

    def sha(self, rid: str) -> str:
        return self.lib.get(rid).sha256


def _check_line(rec, lineno: int, store: AnnotationStore, lib: Library, reports: _Reports,
                problems: list[str]) -> dict | None:
    """A version-2 document from one record, or None (problems appended)."""
    where = f"line {lineno}"
    if not isinstance(rec, dict):
        problems.append(f"{where}: not a JSON object")
        return None
    bad = []
    orphaned = rec.get("orphaned", False)
    if not isinstance(orphaned, bool):
        bad.append("'orphaned' must be true or false")
    for k in ("report_id", "text"):
        if not isinstance(rec.get(k), str) or not rec.get(k):
            bad.append(f"{k!r} must be a non-empty string")
    if "label" not in rec or (rec["label"] is not None and (not isinstance(rec["label"], str)
                                                          or not rec["label"])):
        bad.append("'label' must be a label name or null (none)")
    if rec.get("source") is not None and rec.get("source") not in SOURCES:
        bad.append(f"'source' must be one of {', '.join(SOURCES)}")
    if rec.get("score") is not None and (not isinstance(rec["score"], (int, float))
                                         or isinstance(rec["score"], bool)):
        bad.append("'score' must be a number or null")
    if rec.get("model_version") is not None and not isinstance(rec["model_version"], str):
        bad.append("'model_version' must be a string or null")
    for k in ("start", "end"):
        if not _is_int(rec.get(k)) and not (orphaned is True and rec.get(k) is None):
            bad.append(f"{k!r} must be an integer")
    for k in ("sentence_start", "sentence_end"):
        if rec.get(k) is not None and not _is_int(rec.get(k)):
            bad.append(f"{k!r} must be an integer or null")
    for k in ("note", "created_at", "updated_at", "report_sha256"):
        if rec.get(k) is not None and not isinstance(rec.get(k), str):
            bad.append(f"{k!r} must be a string or null")
    for k in ("id", "annotator"):
        if rec.get(k) is not None and (not isinstance(rec.get(k), str) or not rec[k].strip()):
            bad.append(f"{k!r} must be a non-empty string")
    if bad:
        problems.append(f"{where}: " + "; ".join(bad))
        return None
    rid, label, text = rec["report_id"], rec["label"], rec["text"]
    ok = True
    if rid not in lib:
        problems.append(f"{where}: unknown report {rid!r} (not in this library)")
        ok = False
    if label is not None and label not in {lab.name for lab in store.labels}:
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
        s0, s1 = rec.get("sentence_start"), rec.get("sentence_end")
        if s0 is None or s1 is None:
            s0, s1 = sentence_range(reports.sentences(rid), start, end)
        sha = reports.sha(rid)
    else:
        start = end = 0
        s0 = s1 = -1
        sha = rec.get("report_sha256") or reports.sha(rid)
    now = now_iso()
    created = rec.get("created_at") or now
    return {**ADDED_IN_3, "id": rec.get("id") or "", "report_id": rid, "start": start,
            "end": end, "sentence_start": s0, "sentence_end": s1, "label": label,
            "text": text, "note": (rec.get("note") or "").strip(),
            "annotator": (rec.get("annotator") or store.annotator).strip(),
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
    try:
        handle = open(path, "rb")
    except OSError as exc:
        raise StoreError(f"{path}: cannot read ({exc.strerror or exc})") from None
    with handle:
        for lineno, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            try:
                rec = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                problems.append(f"line {lineno}: malformed JSON ({exc})")
                continue
            doc = _check_line(rec, lineno, store, lib, reports, problems)
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
    for rid, docs in plans.items():
        if docs is not None:
            store.replace_report(rid, docs)
            result.reports.add(rid)
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
        spans = tuple(reports.sentences(rid))
        pieces = normalise([{**doc, "id": doc["id"] or uuid.uuid4().hex}], doc["annotator"],
                           spans, reports.text(rid), doc["report_sha256"])
        out.append((doc, [pieces[i] for i in sorted(pieces)] or [doc], native))
    return out


def _already(by_id: dict[str, dict], record: dict, pieces: list[dict]) -> bool:
    """Do the stored documents already read as this record (same decision on each
    of its sentences, the same notes)? Timestamps are not compared: a passage's
    are the min/max of its sentences'."""
    held = [holder(by_id.values(), passage_key(p)) for p in pieces]
    if any(h is None for h in held):
        return False
    return (all((h["label"], h["decided"], h["annotator"]) == (record["label"], record["decided"],
                                                               record["annotator"]) for h in held)
            and (not record["note"] or "\n".join(h["note"] for h in held if h["note"]) == record["note"]))


def _merge(docs: list[dict], records: list[tuple[dict, list[dict], bool]],
           result: ImportResult) -> list[dict] | None:
    """The report's documents after importing ``records``; None if unchanged."""
    by_id = {d["id"]: d for d in docs}
    changed = False
    for record, pieces, native in records:
        if not record["orphaned"] and _already(by_id, record, pieces):
            result.unchanged += 1
            continue
        added = updated = False
        for n, doc in enumerate(pieces):
            keep_id = native and n == 0  # the record's id names its first sentence
            old = by_id.get(doc["id"]) if keep_id else None
            if keep_id and old is not None and old["orphaned"] and doc["orphaned"]:
                # an export gives no offsets for an orphan: keep the ones we have
                doc = {**doc, **{k: old[k] for k in ("start", "end", "sentence_start",
                                                    "sentence_end")}}
            same = holder(by_id.values(), passage_key(doc))
            if old == doc:
                continue
            if same is not None and same["id"] != doc["id"]:
                del by_id[same["id"]]  # one decision per sentence: the record wins
                if not keep_id:
                    doc = {**doc, "id": same["id"], "created_at": same["created_at"]}
            if not native and same is not None:
                doc = {**doc, "note": doc["note"] or same["note"], "updated_at": now_iso()}
            updated |= old is not None or same is not None
            added |= old is None and same is None
            by_id[doc["id"]] = doc
            changed = True
        result.updated += updated
        result.added += added and not updated
        result.unchanged += not (added or updated)
    return list(by_id.values()) if changed else None
