"""Schema versions of the annotation store and the migration between them.

Version 1 (the first prototype's layout): one TinyDB JSONStorage file,
``HOME/annotations.json`` (``json.dumps`` with \\u escapes, rewritten in place
on every change), table ``_meta`` = {"schema": 1}, table ``_default`` holding
documents shaped::

    {"report": id, "start": int, "end": int, "sentences": [first, last],
     "label": str, "text": str, "note": str | null, "annotator": str,
     "created": iso, "updated": iso, "sha256": report text hash}

Version 2: one durable TinyDB shard per report under
``HOME/annotations/reports/`` plus ``store.json`` = {"schema": 2} and the
summary cache (see ``annotations.store``); a document was a passage.

Version 3 (current): the same files; a document is one annotator's decision
on a sentence (``records``): it adds ``decided``, ``source``, ``score``,
``model_version`` (a version-2 document reads as decided, manual), a label
may be null (the decision "none"), and a shard may hold a ``state`` table
(done, reading position per annotator). Version-2 shards need no rewrite:
they are read as version 3 and split into sentences when next changed
(``decisions.normalise``); a writer just updates the marker.

Migration runs under the writer lock when a store is opened (a read-only open
takes the lock for the moment of the migration): it writes every
shard, then ``store.json`` (durably), then renames the old file to
``annotations.json.v1-migrated`` (kept as a backup, never deleted). A crash
before ``store.json`` exists simply migrates again on the next open.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import orjson

from ..errors import CorruptDatabase, StoreError, StoreLocked
from ..fsutil import atomic_write_bytes, read_regular
from ..home import Home
from .records import doc_order
from .shards import META, TABLE, StoreWriteError, unreadable
from .shardset import shard_name

SCHEMA = 3
READABLE = (2, 3)  # schemas this version opens (2 is upgraded on read)
_NS = uuid.UUID("1f6f2d52-53d5-4a57-9a3b-2b6f0b6c7a11")


def v1_docs_to_v2(path: Path) -> dict[str, list[dict]]:
    """Read a version-1 file: report id -> version-2 documents. Raises
    CorruptDatabase (nothing migrated) if any part of it is unreadable."""
    hint = (f"It was not changed and nothing was migrated; restore it from a backup or "
            f"move it away (mv '{path}' '{path}.broken').")
    try:
        raw = read_regular(path)[0]
    except OSError as exc:
        raise unreadable(path, exc, "version-1 annotation file") from None
    try:
        data = orjson.loads(raw)
        docs = data.get("_default", {})
        out: dict[str, list[dict]] = {}
        for key, d in docs.items():
            s0, s1 = d["sentences"]
            doc = {
                "id": uuid.uuid5(_NS, f"{d['report']}:{d['start']}:{d['end']}:{d['annotator']}").hex,
                "report_id": str(d["report"]), "start": int(d["start"]), "end": int(d["end"]),
                "sentence_start": int(s0), "sentence_end": int(s1), "label": str(d["label"]),
                "text": str(d["text"]), "note": d.get("note") or "",
                "annotator": str(d["annotator"]), "created_at": str(d["created"]),
                "updated_at": str(d.get("updated") or d["created"]),
                "report_sha256": str(d["sha256"]), "orphaned": False,
            }
            if doc["text"] == "" or not 0 <= doc["start"] < doc["end"]:
                raise ValueError(f"document {key} has an empty passage")
            out.setdefault(doc["report_id"], []).append(doc)
    except (orjson.JSONDecodeError, AttributeError, KeyError, TypeError, ValueError) as exc:
        raise CorruptDatabase(f"version-1 annotation file {path} cannot be read ({exc!r}). "
                              f"{hint}", path) from None
    return out


def open_schema(home: Home, *, readonly: bool, annotator: str) -> None:
    """Check the store's version marker when opening: migrate schema 1, create
    schema 2 in a new home (writer only), refuse any other version."""
    v1 = home.v1_store_path
    if not home.schema_path.exists() and v1.exists():
        _migrate_v1(home, v1, holding_lock=not readonly, annotator=annotator)
    if home.schema_path.exists():
        try:
            raw = read_regular(home.schema_path)[0]
        except OSError as exc:
            raise unreadable(home.schema_path, exc, "the store's version marker") from None
        try:
            schema = orjson.loads(raw)["schema"]
        except (orjson.JSONDecodeError, KeyError, TypeError):
            raise CorruptDatabase(f"{home.schema_path} (the store's version marker) is "
                                  "unreadable; it was not changed. Restore it, or write "
                                  f'{{"schema": {SCHEMA}}} into it if the store was made by this '
                                  "version of baocao.", home.schema_path) from None
        if schema not in READABLE:
            raise StoreError(f"the annotation store in {home.store_dir} has schema {schema}; "
                             f"this baocao reads schema {SCHEMA}. Use a newer baocao.")
        if not readonly and v1.exists():  # migrated, crashed before the rename
            _io(home.v1_store_path, lambda: os.replace(v1, home.v1_backup_path))
        if not readonly and schema != SCHEMA:
            _write_marker(home)
    elif not readonly:
        _io(home.shards_dir, lambda: home.shards_dir.mkdir(parents=True, exist_ok=True),
            "annotation folder")
        _write_marker(home)


def _io(path: Path, op, what: str = "annotation file") -> None:
    try:
        op()
    except OSError as exc:
        raise StoreWriteError(path, exc, what=what) from None


def _write_marker(home: Home) -> None:
    _io(home.schema_path,
        lambda: atomic_write_bytes(home.schema_path, orjson.dumps({"schema": SCHEMA})),
        "the store's version marker")


def _migrate_v1(home: Home, v1: Path, *, holding_lock: bool, annotator: str) -> None:
    if not holding_lock:  # read-only: take the lock just for the migration
        try:
            home.acquire_writer(annotator, timeout=10)
        except StoreLocked as exc:
            raise StoreLocked(f"{exc} (the store needs a one-time migration to schema "
                              f"{SCHEMA}; that writer will do it)") from None
    try:
        if home.schema_path.exists():  # someone migrated while we waited
            return
        by_report = v1_docs_to_v2(v1)
        _io(home.shards_dir, lambda: home.shards_dir.mkdir(parents=True, exist_ok=True),
            "annotation folder")
        for rid, docs in by_report.items():
            data = {TABLE: {str(i): d for i, d in enumerate(sorted(docs, key=doc_order), 1)},
                    META: {"1": {"report_id": rid}}}
            path = home.shards_dir / shard_name(rid)
            _io(path, lambda: atomic_write_bytes(path, orjson.dumps(data)))  # noqa: B023
        _write_marker(home)
        _io(v1, lambda: os.replace(v1, home.v1_backup_path))
    finally:
        if not holding_lock:
            home.release_writer()
