"""Schema versions of the annotation store and the migration between them.

Version 1 (the first prototype's layout): one TinyDB JSONStorage file,
``HOME/annotations.json`` (``json.dumps`` with \\u escapes, rewritten in place
on every change), table ``_meta`` = {"schema": 1}, table ``_default`` holding
documents shaped::

    {"report": id, "start": int, "end": int, "sentences": [first, last],
     "label": str, "text": str, "note": str | null, "annotator": str,
     "created": iso, "updated": iso, "sha256": report text hash}

Version 2 (current): one durable TinyDB shard per report under
``HOME/annotations/reports/`` plus ``store.json`` = {"schema": 2} and the
summary cache (see ``annotations.store``).

Migration runs under the writer lock when a store is opened: it writes every
shard, then ``store.json`` (durably), then renames the old file to
``annotations.json.v1-migrated`` (kept as a backup, never deleted). A crash
before ``store.json`` exists simply migrates again on the next open.
"""
from __future__ import annotations

import uuid
from pathlib import Path

import orjson

from ..errors import CorruptDatabase

SCHEMA = 2
_NS = uuid.UUID("1f6f2d52-53d5-4a57-9a3b-2b6f0b6c7a11")


def v1_docs_to_v2(path: Path) -> dict[str, list[dict]]:
    """Read a version-1 file: report id -> version-2 documents. Raises
    CorruptDatabase (nothing migrated) if any part of it is unreadable."""
    hint = (f"It was not changed and nothing was migrated; restore it from a backup or "
            f"move it away (mv '{path}' '{path}.broken').")
    try:
        data = orjson.loads(path.read_bytes())
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
