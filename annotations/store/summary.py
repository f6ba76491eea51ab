"""The summary cache, HOME/annotations/summary.json: per report counts, so
``counts()`` opens no shard (≤ 0.2 s for 10,000 reports).

The shards are the truth. Every entry records the signature (inode, size,
mtime) of the shard it was computed from; on load the shard folder is listed
(one stat per file) and any entry that disagrees -- a writer killed between a
shard write and the summary save, a shard restored from a backup -- is
recomputed from its shard. So the summary is saved without fsync after bulk
changes and durably at close, never per tag. A read-only process follows a
live writer by re-verifying when the shard folder's mtime moved. A summary
that cannot be saved (disk full, read-only) is only a cache: the failure is
kept quiet and the next open recomputes what is stale.
"""
from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import orjson

from ..errors import CorruptDatabase
from ..fsutil import atomic_write_bytes, read_regular
from .migrate import SCHEMA
from .records import runs
from .shards import STATE, TABLE
from .shardset import ShardSet

# A folder mtime this close to the last check may hide a later write on a file
# system with a coarse clock: not trusted (git's "racy" rule).
RACY_NS = 100_000_000


def summarize(docs: Iterable[dict], states: Iterable[dict] = ()) -> dict:
    """Summary entry of one report's documents and annotator states (without
    its file signature). Counts are of passages (``records.runs``), as exported;
    ``people`` has each annotator's sentences tagged, marked none, and done."""
    docs = list(docs)
    labels: Counter[str] = Counter()
    annotators: Counter[str] = Counter()
    for run in runs(docs):
        labels[run[0]["label"]] += 1
        annotators[run[0]["annotator"]] += 1
    tagged: set[int] = set()
    people: dict[str, dict] = {}
    for d in docs:
        if d["orphaned"] or not d["decided"] or d["sentence_start"] < 0:
            continue
        span = range(d["sentence_start"], d["sentence_end"] + 1)
        mine = people.setdefault(d["annotator"], {"tagged": 0, "none": 0, "done": False})
        mine["tagged" if d["label"] is not None else "none"] += len(span)
        if d["label"] is not None:
            tagged.update(span)
    for st in states:
        if st["done"]:
            people.setdefault(st["annotator"], {"tagged": 0, "none": 0, "done": False})["done"] = True
    return {"count": sum(labels.values()), "labels": dict(labels),
            "annotators": dict(annotators), "tagged": len(tagged),
            "orphaned": sum(1 for d in docs if d["orphaned"]), "people": people}


class Summary:
    """report id -> {"count", "labels", "annotators", "tagged", "orphaned", "sig"};
    shards that cannot be read are left out and listed in ``problems``."""

    def __init__(self, path: Path, shards: ShardSet, *, readonly: bool):
        self.path = path
        self.shards = shards
        self.readonly = readonly
        self.entries: dict[str, dict] = {}
        self.problems: dict[str, CorruptDatabase] = {}  # report id -> unreadable shard
        self.dirty = False
        self._verified: tuple | None = None  # (shard folder signature, when)

    def load(self) -> None:
        try:
            doc = orjson.loads(read_regular(self.path)[0])
            if doc.get("schema") != SCHEMA or not isinstance(doc.get("reports"), dict):
                raise ValueError
            self.entries = doc["reports"]
        except (OSError, orjson.JSONDecodeError, ValueError, AttributeError):
            self.entries = {}  # a cache: missing or broken means rebuild from the shards
        self.verify()

    def verify(self) -> None:
        """Bring every entry in line with its shard; save if anything changed."""
        self._verified = (self.shards.folder_sig(), time.time_ns())
        found = self.shards.scan()
        for key in [k for k in self.problems if k not in found]:
            del self.problems[key]  # moved away or restored under its own name
        self.problems.update(getattr(self.shards, "unresolved", {}))  # hashed names, id unreadable
        changed = False
        for rid in [r for r in self.entries if r not in found]:
            del self.entries[rid]
            changed = True
        for rid, sig in found.items():
            entry = self.entries.get(rid)
            if entry is not None and tuple(entry.get("sig", ())) == sig:
                continue
            changed = True
            try:
                sig, data = self.shards.read_signed(rid)
            except CorruptDatabase as exc:
                self.problems[rid] = exc
                self.entries.pop(rid, None)
                continue
            except FileNotFoundError:
                self.entries.pop(rid, None)
                continue
            self.problems.pop(rid, None)
            self.entries[rid] = {**summarize(data.get(TABLE, {}).values(),
                                             data.get(STATE, {}).values()), "sig": list(sig)}
        if changed:
            self.dirty = True
            self.save()

    def follow(self) -> None:
        """Read-only: re-verify if another process may have written. Every shard
        write renames into the shard folder, so an unchanged folder mtime means
        nothing changed -- trusted only when clearly older than the last check."""
        if not self.readonly:
            return
        sig = self.shards.folder_sig()
        if (self._verified is not None and sig is not None and sig == self._verified[0]
                and sig[1] < self._verified[1] - RACY_NS):
            return
        self.verify()

    def update(self, report_id: str, docs: Iterable[dict], states: Iterable[dict], sig) -> None:
        """The entry of a report this process just wrote (shard signature ``sig``)."""
        self.entries[report_id] = {**summarize(docs, states), "sig": list(sig or ())}
        self.problems.pop(report_id, None)
        self.dirty = True

    def save(self, durable: bool = False) -> None:
        if self.readonly or not self.path.parent.exists():
            return
        doc = {"schema": SCHEMA, "reports": self.entries}
        try:
            atomic_write_bytes(self.path, orjson.dumps(doc), durable=durable)
        except OSError:
            return  # a cache: still dirty, tried again later; the shards are the truth
        self.dirty = False

    def reports(self) -> dict[str, dict]:
        """Entries of the reports with decisions or orphans, without their signatures."""
        self.follow()
        return {rid: {k: v for k, v in e.items() if k != "sig"}
                for rid, e in self.entries.items() if e["count"] or e["people"] or e["orphaned"]}
