"""The shard set: the folder of per-report TinyDB shards, HOME/annotations/reports/.

Opens one TinyDB per report and keeps the last ``OPEN_SHARDS`` used open
(their parsed data is cached by ``ShardStorage`` and re-validated with one
fstat), lists the folder, reads a report's documents, finds an annotation by
id and writes a report's documents. It knows nothing of labels, undo or the
summary; the store composes those.
"""
from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote

from tinydb import TinyDB
from tinydb.queries import QueryLike

from ..errors import CorruptDatabase
from .records import doc_order
from .shards import STATE, TABLE, ShardStorage, file_sig, parse_shard

OPEN_SHARDS = 128  # TinyDB objects kept open


def shard_name(report_id: str) -> str:
    """File name of a report's shard (reversible, one safe path component)."""
    name = quote(report_id, safe="")
    if name.startswith("."):
        name = "%2E" + name[1:]
    return name + ".json"


def shard_report_id(file_name: str) -> str:
    return unquote(file_name[: -len(".json")])


class ShardSet:
    def __init__(self, folder: Path, *, readonly: bool):
        self.dir = folder
        self.readonly = readonly
        self._dbs: OrderedDict[str, TinyDB] = OrderedDict()
        self._where: dict[str, str] = {}  # annotation id -> report id, as seen

    def path(self, report_id: str) -> Path:
        return self.dir / shard_name(report_id)

    # ------------------------------------------------------------ reading
    def db(self, report_id: str) -> TinyDB:
        """The report's TinyDB (opened once, least recently used closed first)."""
        db = self._dbs.get(report_id)
        if db is None:
            db = TinyDB(self.path(report_id), storage=ShardStorage, readonly=self.readonly)
            db.table(TABLE, cache_size=0)  # another process may write: no query cache
            self._dbs[report_id] = db
            if len(self._dbs) > OPEN_SHARDS:
                self._dbs.popitem(last=False)
        else:
            self._dbs.move_to_end(report_id)
        return db

    def docs(self, report_id: str) -> dict[str, dict]:
        """TinyDB document id -> document, straight from the (cached) shard."""
        data = self.db(report_id).storage.read()
        table = data.get(TABLE, {}) if data else {}
        for d in table.values():
            self._where[d["id"]] = report_id
        return table

    def state(self, report_id: str) -> dict[str, dict]:
        """annotator -> that annotator's state of the report (done, position)."""
        data = self.db(report_id).storage.read()
        table = data.get(STATE, {}) if data else {}
        return {d["annotator"]: d for d in table.values()}

    def documents(self, report_id: str) -> list[dict]:
        """A report's documents; a shard not open is read without being cached,
        so a pass over every report (export) holds one shard at a time."""
        if report_id in self._dbs:
            return list(self.docs(report_id).values())
        data = ShardStorage(self.path(report_id), readonly=True).read()
        return list(data.get(TABLE, {}).values()) if data else []

    def read_signed(self, report_id: str) -> tuple[tuple[int, int, int], dict]:
        """(signature, data) of one shard read from disk, bypassing the cache.
        Raises FileNotFoundError or CorruptDatabase."""
        path = self.path(report_id)
        with open(path, "rb") as f:
            return file_sig(os.fstat(f.fileno())), parse_shard(f.read(), path)

    def sig(self, report_id: str) -> tuple[int, int, int] | None:
        """Signature of the shard as this process last read or wrote it."""
        return self.db(report_id).storage.sig

    def scan(self) -> dict[str, tuple[int, int, int]]:
        """report id -> signature of its shard file (one stat per file)."""
        found = {}
        try:
            with os.scandir(self.dir) as it:
                for e in it:
                    if e.name.endswith(".json") and not e.name.startswith("."):
                        try:
                            found[shard_report_id(e.name)] = file_sig(e.stat())
                        except FileNotFoundError:
                            pass
        except FileNotFoundError:
            pass
        return found

    def folder_sig(self) -> tuple[int, int] | None:
        """(inode, mtime) of the folder: every shard write renames into it."""
        try:
            st = os.stat(self.dir)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns)

    def report_ids(self) -> list[str]:
        return sorted(self.scan())

    def query(self, cond: QueryLike) -> Iterator[dict]:
        """Documents matching a ``tinydb.Query``, report by report, uncached."""
        for rid in self.report_ids():
            db = TinyDB(self.path(rid), storage=ShardStorage, readonly=True)
            yield from db.table(TABLE, cache_size=0).search(cond)

    def locate(self, annotation_id: str) -> tuple[str, dict] | None:
        """(report id, document) of an annotation: the report it was last seen
        in first, then every shard (unreadable ones skipped)."""
        rid = self._where.get(annotation_id)
        candidates = [rid] if rid else []
        candidates += [r for r in self.report_ids() if r != rid]
        for r in candidates:
            try:
                docs = self.docs(r)
            except CorruptDatabase:
                continue
            for d in docs.values():
                if d["id"] == annotation_id:
                    return r, d
        return None

    # ------------------------------------------------------------ writing
    def apply(self, report_id: str, docs: dict[str, dict | None],
              state: dict[str, dict | None] | None = None) -> None:
        """Documents by id (None: delete) and annotator states, in one durable write."""
        storage = self.db(report_id).storage
        data = dict(storage.read() or {})  # an unreadable shard raises: never overwritten
        by_id = {d["id"]: d for d in data.get(TABLE, {}).values()}
        for ann_id, new in docs.items():
            if new is None:
                by_id.pop(ann_id, None)
                self._where.pop(ann_id, None)
            else:
                by_id[ann_id] = new
        data[TABLE] = {str(i): d for i, d in enumerate(sorted(by_id.values(), key=doc_order), 1)}
        if state:
            states = {d["annotator"]: d for d in data.get(STATE, {}).values()}
            for who, new in state.items():
                if new is None:
                    states.pop(who, None)
                else:
                    states[who] = new
            data[STATE] = {str(i): states[w] for i, w in enumerate(sorted(states), 1)}
        self._write(report_id, data)

    def replace(self, report_id: str, docs: list[dict]) -> None:
        """Every document of one report, in one durable write (other tables kept)."""
        data = dict(self.db(report_id).storage.read() or {})  # unreadable: raises, not overwritten
        data[TABLE] = {str(i): d for i, d in enumerate(sorted(docs, key=doc_order), 1)}
        self._write(report_id, data)

    def _write(self, report_id: str, data: dict) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        old = self.db(report_id).storage
        old.write(data)
        self._dbs.pop(report_id, None)  # TinyDB caches its next id: start afresh ...
        self.db(report_id).storage.adopt(old)  # ... from what was just written

    def remove_temp_files(self) -> None:
        """Temp files of a writer killed mid-write (call only holding the lock)."""
        for tmp in self.dir.glob(".*.tmp"):
            tmp.unlink(missing_ok=True)

    def close(self) -> None:
        self._dbs.clear()
