"""Streamed JSONL export of the annotation store: native, prodigy, doccano.

Order is deterministic: reports in library order (date, undated last, id),
then reports no longer in the library (by id); inside a report by (start, end,
id), orphaned annotations last (by id). One report's shard and analysis are in
memory at a time, so memory does not grow with the number of annotations.

Records (field order as listed):

native   one per passage (a run of consecutive sentences with the same label
         and annotator): id (its first sentence's), report_id, report_title,
         report_date, label (null: a "none" decision, only with --with-none),
         text, start, end, orphaned, sentence_start, sentence_end, entities
         [{start, end, label, text}] (offsets relative to the passage, entities
         wholly inside it), note ("" when none; a passage joins its sentences'
         notes with newlines), annotator, source, score, model_version,
         created_at, updated_at, report_sha256. ``orphaned`` is true for an
         orphaned annotation, whose start/end/sentence_start/sentence_end are
         null and entities [] (its
         text was not found unambiguously in the current report text, so no
         offset is given rather than a wrong one). ``report_sha256`` is the
         hash of the text the offsets index into (for an orphan: the text it
         was made on).
prodigy  text, label (upper case; NONE for none), answer "accept", meta {the native fields
         except text/label/entities}, _input_hash, _task_hash, spans
         [{start, end, label}]. Hashes are signed 32-bit ints like Prodigy's,
         but computed with BLAKE2b (4-byte digest, little-endian, signed), not
         mmh3: _input_hash from the text, _task_hash from text + "\\x1f" + label.
doccano  text, label [name] ([] for none), and the native metadata fields at the top level
         (text classification export shape).
"""
from __future__ import annotations

import hashlib
from bisect import bisect_left
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import orjson

from ..corpus.library import Library
from ..fsutil import atomic_writer
from ..store import AnnotationStore
from ..store.records import merge_run, runs

FORMATS = ("native", "prodigy", "doccano")
META_FIELDS = ("id", "report_id", "report_title", "report_date", "start", "end", "orphaned",
               "sentence_start", "sentence_end", "note", "annotator", "source", "score",
               "model_version", "created_at", "updated_at", "report_sha256")


def hash32(s: str) -> int:
    """Stable signed 32-bit hash (BLAKE2b, 4 bytes)."""
    return int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=4).digest(),
                          "little", signed=True)


class _Analyses:
    """Entities of a report's current text, from the analysis cache read as raw
    JSON (no NLP, no dataclasses); computed through the library only when a
    cache entry is missing."""

    def __init__(self, lib: Library):
        self.lib = lib

    def entities(self, rid: str, sha: str) -> list[list]:
        cached = self.lib.cached_analysis_dict(sha)
        ents = cached.get("entities") if cached else None
        if not isinstance(ents, list):
            ents = [[e.start, e.end, e.label] for e in self.lib.analysis(rid).entities]
        return sorted(ents)


def _inside(ents: list[list], starts: list[int], passage: str, s: int, e: int) -> list[dict]:
    out = []
    for i in range(bisect_left(starts, s), len(ents)):
        es, ee, lab = ents[i]
        if es >= e:
            break
        if ee <= e:
            out.append({"start": es - s, "end": ee - s, "label": lab,
                        "text": passage[es - s:ee - s]})
    return out


def iter_native(store: AnnotationStore, lib: Library, *, label: str | None = None,
                annotator: str | None = None, entities: bool = True,
                with_none: bool = False) -> Iterator[dict]:
    """Native records, in export order, one report at a time: one per passage
    (a run of consecutive sentences with the same label, ``records.runs``);
    ``with_none`` adds the "none" decisions (label null).

    An annotation's offsets are trusted without reading the report text when its
    ``report_sha256`` is the library's current hash (every write path checked the
    slice against that text); otherwise the text is read and the slice compared,
    and a mismatch is exported as orphaned. A passage of several sentences takes
    its text from the report."""
    summary = store.summary()
    order = [m.id for m in lib.reports() if m.id in summary]
    in_lib = set(order)
    order += sorted(rid for rid in summary if rid not in in_lib)
    analyses = _Analyses(lib)
    for rid in order:
        entry = summary[rid]
        if label is not None and not entry["labels"].get(label):
            continue
        if annotator is not None and annotator not in entry["people"] \
                and not entry["annotators"].get(annotator):
            continue
        docs = [d for d in store.documents(rid)
                if (label is None or d["label"] == label)
                and (annotator is None or d["annotator"] == annotator)]
        meta = lib.get(rid) if rid in in_lib else None
        sha = meta.sha256 if meta else None
        text = None
        rows = []
        for d in docs:
            ok = not d["orphaned"] and meta is not None and d["decided"]
            if ok and d["report_sha256"] != sha:
                if text is None:
                    text = lib.text(rid)
                ok = text[d["start"]:d["end"]] == d["text"]
            rows.append(d if ok or not d["decided"] else {**d, "orphaned": True})
        passages = runs(rows, with_none=with_none)
        if not passages:
            continue
        if text is None and any(len(r) > 1 for r in passages):
            text = lib.text(rid)
        ents = analyses.entities(rid, sha) if entities and meta and not passages[0][0]["orphaned"] \
            else []
        starts = [e[0] for e in ents]
        title, date = (meta.title, meta.date) if meta else ("", None)
        for run in passages:
            d = merge_run(run, text)
            placed = not d["orphaned"]
            s, e = d["start"], d["end"]
            yield {"id": d["id"], "report_id": rid, "report_title": title,
                   "report_date": date, "label": d["label"], "text": d["text"],
                   "start": s if placed else None, "end": e if placed else None,
                   "orphaned": not placed,
                   "sentence_start": d["sentence_start"] if placed else None,
                   "sentence_end": d["sentence_end"] if placed else None,
                   "entities": _inside(ents, starts, d["text"], s, e) if ents and placed else [],
                   "note": d["note"], "annotator": d["annotator"], "source": d["source"],
                   "score": d["score"], "model_version": d["model_version"],
                   "created_at": d["created_at"], "updated_at": d["updated_at"],
                   "report_sha256": d["report_sha256"]}


def to_prodigy(rec: dict) -> dict:
    lab = (rec["label"] or "none").upper()
    meta = {k: rec[k] for k in META_FIELDS}
    h = hash32(rec["text"])
    return {"text": rec["text"], "label": lab, "answer": "accept", "meta": meta,
            "_input_hash": h, "_task_hash": hash32(rec["text"] + "\x1f" + lab),
            "spans": [{"start": e["start"], "end": e["end"], "label": e["label"]}
                      for e in rec["entities"]]}


def to_doccano(rec: dict) -> dict:
    out = {"text": rec["text"], "label": [rec["label"]] if rec["label"] else []}
    out.update((k, rec[k]) for k in META_FIELDS)
    return out


def iter_records(store: AnnotationStore, lib: Library, fmt: str = "native", *,
                 label: str | None = None, annotator: str | None = None,
                 with_none: bool = False) -> Iterator[dict]:
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
    records = iter_native(store, lib, label=label, annotator=annotator,
                          entities=fmt != "doccano", with_none=with_none)
    if fmt == "prodigy":
        return map(to_prodigy, records)
    if fmt == "doccano":
        return map(to_doccano, records)
    return records


def write_jsonl(records, out: BinaryIO) -> int:
    n = 0
    for rec in records:
        out.write(orjson.dumps(rec) + b"\n")
        n += 1
    return n


def export_to_path(records, path: Path) -> int:
    """Write JSONL to ``path`` via a temp file renamed at the end: a crash or an
    error never leaves a half-written export (the old file, if any, stays)."""
    with atomic_writer(Path(path), mode=0o644, buffering=1 << 20) as f:
        return write_jsonl(records, f)
