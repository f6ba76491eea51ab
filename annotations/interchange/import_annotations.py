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

Idempotent: a record whose id exists is made equal to the record; a record
without a known id that falls on a passage the same annotator already
labelled updates that annotation (native: replaces it, keeping the record's
id); anything else is added. Importing the same file twice changes nothing.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from ..corpus.library import Library
from ..errors import CorruptDatabase, StoreError
from ..store import AnnotationStore, now_iso
from ..store.anchoring import sentence_range
from ..store.records import holder, passage_key

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
    for k in ("report_id", "label", "text"):
        if not isinstance(rec.get(k), str) or not rec.get(k):
            bad.append(f"{k!r} must be a non-empty string")
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
    if label not in {lab.name for lab in store.labels}:
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
    return {"id": rec.get("id") or "", "report_id": rid, "start": start, "end": end,
            "sentence_start": s0, "sentence_end": s1, "label": label, "text": text,
            "note": (rec.get("note") or "").strip(),
            "annotator": (rec.get("annotator") or store.annotator).strip(),
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
    plans = {rid: _merge(current[rid], items, result) for rid, items in by_report.items()}
    for rid, docs in plans.items():
        if docs is not None:
            store.replace_report(rid, docs)
            result.reports.add(rid)
    return result


def _merge(docs: list[dict], items: list[tuple[int, dict, bool]], result: ImportResult
           ) -> list[dict] | None:
    """The report's documents after importing ``items``; None if unchanged."""
    by_id = {d["id"]: d for d in docs}
    changed = False
    for _lineno, doc, native in items:
        same_passage = holder(by_id.values(), passage_key(doc))
        if native:
            old = by_id.get(doc["id"])
            if old is not None and old["orphaned"] and doc["orphaned"]:
                # an export gives no offsets for an orphan: keep the ones we have
                doc = {**doc, **{k: old[k] for k in ("start", "end", "sentence_start",
                                                    "sentence_end")}}
            if old == doc:
                result.unchanged += 1
                continue
            if same_passage is not None and same_passage["id"] != doc["id"]:
                del by_id[same_passage["id"]]  # one label per passage: the record wins
            by_id[doc["id"]] = doc
            result.updated += old is not None or same_passage is not None
            result.added += old is None and same_passage is None
            changed = True
        elif same_passage is not None:
            new = {**same_passage, "label": doc["label"], "note": doc["note"] or
                   same_passage["note"]}
            if new == same_passage:
                result.unchanged += 1
                continue
            new["updated_at"] = now_iso()
            by_id[new["id"]] = new
            result.updated += 1
            changed = True
        else:
            new_id = uuid.uuid4().hex
            by_id[new_id] = {**doc, "id": new_id}
            result.added += 1
            changed = True
    return list(by_id.values()) if changed else None
