"""The shard set: the folder of per-report TinyDB shards, HOME/annotations/reports/.

Opens one TinyDB per report and keeps the last ``OPEN_SHARDS`` used open
(their parsed data is cached by ``ShardStorage`` and re-validated with one
fstat), lists the folder, reads a report's documents, finds an annotation by
id and writes a report's documents. It knows nothing of labels, undo or the
summary; the store composes those.

File names are bounded: the percent-encoded id when it fits (``shard_name``),
else a readable prefix, ``+`` and a hash of the id (``+`` never occurs in an
encoded id). Such a name cannot be turned back into the id, so the id is read
from the shard itself (its ``meta`` table) once per process.

``replace_many`` writes several reports all or nothing: every new shard is
staged as a temp file (fsynced), a journal listing the renames is written
(the commit point), then the renames; the next writer finishes an
interrupted commit (``recover``) before it removes dead writers' temp files.
"""
from __future__ import annotations

import hashlib
import os
import re
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote

import orjson
from tinydb import TinyDB
from tinydb.queries import QueryLike

from ..errors import CorruptDatabase
from ..fsutil import atomic_write_bytes, fsync_dir, read_regular, sync_files, write_temp
from .records import doc_order, now_iso
from .shards import (
    META,
    STATE,
    TABLE,
    ShardStorage,
    StoreWriteError,
    file_sig,
    parse_shard,
    shard_report_of,
    unreadable,
)

OPEN_SHARDS = 128  # TinyDB objects kept open
# A readable name is used up to this many bytes (".json" included): the longest
# name whose temp file (".NAME.xxxxxxxx.tmp") fits NAME_MAX, i.e. every shard an
# older baocao could write keeps its name. Longer ids get a hashed name.
NAME_LIMIT = 241
PREFIX_BYTES = 120  # readable part of a hashed name
HASHED = "+"  # never in a percent-encoded id
_TEMP_RE = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")


def _encoded(report_id: str) -> str:
    name = quote(report_id, safe="")
    return "%2E" + name[1:] if name.startswith(".") else name


def shard_name(report_id: str) -> str:
    """File name of a report's shard: one safe path component of at most
    NAME_LIMIT bytes. The percent-encoded id (reversible, ``shard_report_id``)
    when it fits; else its first PREFIX_BYTES (cut between escapes), ``+`` and
    32 hex characters of the id's SHA-256."""
    name = _encoded(report_id)
    if len(name) + len(".json") <= NAME_LIMIT:  # percent-encoding is ASCII
        return name + ".json"
    cut = name[:PREFIX_BYTES]
    if "%" in cut[-2:]:
        cut = cut[:cut.rindex("%")]
    digest = hashlib.sha256(report_id.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"{cut}{HASHED}{digest}.json"


def shard_report_id(file_name: str) -> str | None:
    """The report id of a shard file name; None for a hashed name (the id is
    in the file: ``ShardSet`` reads it from there)."""
    stem = file_name[: -len(".json")]
    return None if HASHED in stem else unquote(stem)


def _read(path: Path) -> tuple[os.stat_result, dict]:
    """A shard read from disk and parsed: FileNotFoundError, or CorruptDatabase
    for anything else that goes wrong."""
    try:
        raw, st = read_regular(path)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise unreadable(path, exc) from None
    return st, parse_shard(raw, path)


class ShardSet:
    def __init__(self, folder: Path, *, readonly: bool):
        self.dir = folder
        self.readonly = readonly
        self._dbs: OrderedDict[str, TinyDB] = OrderedDict()
        self._where: dict[str, str] = {}  # annotation id -> report id, as seen
        self._hashed: dict[str, str] = {}  # hashed file name -> report id (never changes)
        # hashed file names whose report id cannot be read -> why (see ``scan``)
        self.unresolved: dict[str, CorruptDatabase] = {}
        # the last shard read without opening its TinyDB (``_peek``)
        self._peeked: tuple[str, ShardStorage] | None = None

    def path(self, report_id: str) -> Path:
        name = shard_name(report_id)
        if HASHED in name:
            self._hashed[name] = report_id
        return self.dir / name

    def _report_of(self, name: str) -> str:
        """The report id of a shard file name (read from the file for a hashed one)."""
        rid = shard_report_id(name)
        if rid is not None:
            return rid
        rid = self._hashed.get(name)
        if rid is None:
            path = self.dir / name
            rid = shard_report_of(_read(path)[1])
            if rid is None or shard_name(rid) != name:
                raise CorruptDatabase(
                    f"annotation file {path} does not say which report it is for (its name is "
                    "a hash of the id, and it holds no report_id of that hash); it was not changed",
                    path, f"Move it away (mv '{path}' '{path}.broken') if it is not needed.")
            self._hashed[name] = rid
        return rid

    # ------------------------------------------------------------ reading
    def db(self, report_id: str) -> TinyDB:
        """The report's TinyDB (opened once, least recently used closed first)."""
        db = self._dbs.get(report_id)
        if db is None:
            db = TinyDB(self.path(report_id), storage=ShardStorage, readonly=self.readonly)
            db.table(TABLE, cache_size=0)  # another process may write: no query cache
            if self._peeked is not None and self._peeked[0] == report_id:
                db.storage.adopt(self._peeked[1])  # one holder of the cached data, not two
                self._peeked = None
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

    def _peek(self, report_id: str) -> dict | None:
        """One shard's data: its open TinyDB's, else read without opening one
        (no TinyDB objects for a read-only pass over every report, which so
        holds one shard at a time). The last shard read so stays, re-validated
        with one fstat like an open one: its documents and states cost one read."""
        if report_id in self._dbs:
            return self.db(report_id).storage.read()
        if self._peeked is None or self._peeked[0] != report_id:
            self._peeked = (report_id, ShardStorage(self.path(report_id), readonly=True))
        return self._peeked[1].read()

    def state(self, report_id: str) -> dict[str, dict]:
        """annotator -> that annotator's state of the report (done, position)."""
        data = self._peek(report_id)
        table = data.get(STATE, {}) if data else {}
        return {d["annotator"]: d for d in table.values()}

    def documents(self, report_id: str) -> list[dict]:
        """A report's documents (``_peek``: a shard not open is not opened)."""
        data = self._peek(report_id)
        return list(data.get(TABLE, {}).values()) if data else []

    def read_signed(self, report_id: str) -> tuple[tuple[int, int, int], dict]:
        """(signature, data) of one shard read from disk, bypassing the cache.
        Raises FileNotFoundError or CorruptDatabase."""
        st, data = _read(self.path(report_id))
        return file_sig(st), data

    def sig(self, report_id: str) -> tuple[int, int, int] | None:
        """Signature of the shard as this process last read or wrote it."""
        return self.db(report_id).storage.sig

    def scan(self) -> dict[str, tuple[int, int, int]]:
        """report id -> signature of its shard file (one stat per file; a hashed
        name's id is read from the file once). A hashed shard whose id cannot be
        read is left out and listed in ``unresolved`` (file name -> why)."""
        found = {}
        unresolved = {}
        try:
            with os.scandir(self.dir) as it:
                for e in it:
                    if e.name.endswith(".json") and not e.name.startswith("."):
                        try:
                            sig = file_sig(e.stat())
                            found[self._report_of(e.name)] = sig
                        except FileNotFoundError:
                            pass
                        except CorruptDatabase as exc:
                            unresolved[e.name] = exc
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise unreadable(self.dir, exc, "annotation folder") from None
        self.unresolved = unresolved
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
        data[TABLE] = _table(by_id.values())
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
        data[TABLE] = _table(docs)
        self._write(report_id, data)

    def _mkdir(self) -> None:
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreWriteError(self.dir, exc, what="annotation folder") from None

    def _write(self, report_id: str, data: dict) -> None:
        self._mkdir()
        data[META] = {"1": {"report_id": report_id}}
        old = self.db(report_id).storage
        old.write(data)
        self._dbs.pop(report_id, None)  # TinyDB caches its next id: start afresh ...
        self.db(report_id).storage.adopt(old)  # ... from what was just written

    # ------------------------------------------------------------ several reports at once
    def replace_many(self, plans: dict[str, list[dict]], journal: Path, *, durable: bool = True,
                     done: dict[str, list[str]] | None = None
                     ) -> dict[str, tuple[dict, tuple[int, int, int]]]:
        """Every document of several reports, all or nothing (other tables of each
        shard kept; ``done``: report -> annotators whose state becomes done).
        Returns report id -> (the data written, its file signature).

        1. Stage: each new shard goes to a temp file next to its shard; all are
           made durable (``fsutil.sync_files``: fsync each, or one syncfs).
           Any failure (disk full...) removes the temp files: nothing changed.
        2. Commit: ``journal`` lists the renames (written atomically, durably).
        3. Rename every temp file over its shard, fsync the folder, delete the journal.
        A crash before 2 leaves temp files the next writer deletes (nothing
        changed); after 2, the next writer's ``recover`` finishes the renames."""
        self._mkdir()
        staged: list[tuple[str, Path, Path, dict]] = []  # (report, temp, shard, data)
        try:
            for rid, docs in plans.items():
                data = dict(self.read_data(rid) or {})  # unreadable: raises, not overwritten
                data[TABLE] = _table(docs)
                data[META] = {"1": {"report_id": rid}}
                if done and done.get(rid):
                    data[STATE] = _marked_done(data.get(STATE, {}), done[rid])
                path = self.path(rid)
                try:
                    tmp = write_temp(path, orjson.dumps(data), durable=False)
                except OSError as exc:
                    raise StoreWriteError(path, exc) from None
                staged.append((rid, tmp, path, data))
            if durable:  # every staged file on disk before the journal says "rename them"
                try:
                    sync_files([tmp for _r, tmp, _p, _d in staged], self.dir)
                except OSError as exc:
                    raise StoreWriteError(self.dir, exc, what="annotation folder") from None
            entry = {"renames": [[tmp.name, path.name] for _r, tmp, path, _d in staged]}
            try:
                atomic_write_bytes(journal, orjson.dumps(entry), durable=True)
            except OSError as exc:
                raise StoreWriteError(journal, exc, what="journal") from None
        except BaseException:
            for _r, tmp, _p, _d in staged:
                try:
                    tmp.unlink()
                except OSError:
                    pass  # the next writer removes it
            raise
        try:
            for _r, tmp, path, _d in staged:
                os.replace(tmp, path)
            fsync_dir(self.dir)
            journal.unlink()
        except OSError as exc:
            raise StoreWriteError(journal, exc, doing="could not finish writing the annotations of "
                                  f"several reports (journal {journal})",
                                  outcome="the change is partly applied; the next baocao that "
                                  "opens this home for writing completes it") from None
        out = {}
        for rid, _tmp, path, data in staged:
            sig = file_sig(os.stat(path))
            if self._dbs.pop(rid, None) is not None:  # open: its cache follows the new file
                self.db(rid).storage.adopt_written(data, sig)
            out[rid] = (data, sig)
        return out

    def read_data(self, report_id: str) -> dict | None:
        """One shard's data (cached if open, else read without opening it)."""
        return self._peek(report_id)

    def recover(self, journal: Path) -> int:
        """Finish a ``replace_many`` whose process died after its commit point:
        rename the staged files still there, delete the journal. Call holding
        the writer lock, before ``remove_temp_files``. Returns renames done."""
        try:
            raw, _st = read_regular(journal)
        except FileNotFoundError:
            return 0
        except OSError as exc:
            raise unreadable(journal, exc, "journal") from None
        hint = (f"It was not changed. Move it away (mv '{journal}' '{journal}.broken'); the "
                "import it belongs to may then be partly applied: import its file again.")
        try:
            renames = orjson.loads(raw)["renames"]
            pairs = [(str(a), str(b)) for a, b in renames]
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            raise CorruptDatabase(f"journal {journal} is unreadable", journal, hint) from None
        for tmp, name in pairs:  # plain names in the shard folder only
            if (os.sep in tmp + name or (os.altsep and os.altsep in tmp + name)
                    or not _TEMP_RE.fullmatch(tmp) or not name.endswith(".json")
                    or name.startswith(".")):
                raise CorruptDatabase(f"journal {journal} names a file outside the store "
                                      f"({tmp!r} -> {name!r})", journal, hint)
        done = 0
        try:
            for tmp, name in pairs:
                if (self.dir / tmp).exists():
                    os.replace(self.dir / tmp, self.dir / name)
                    done += 1
            fsync_dir(self.dir)
            journal.unlink()
        except OSError as exc:
            raise StoreWriteError(journal, exc, doing="could not finish an interrupted import "
                                  f"(journal {journal})",
                                  outcome="it is still not complete") from None
        self._dbs.clear()
        return done

    def remove_temp_files(self) -> None:
        """Temp files of a writer killed mid-write (call only holding the lock)."""
        try:
            entries = [e.name for e in os.scandir(self.dir)]
        except OSError:
            return
        for name in entries:
            if name.startswith(".") and name.endswith(".tmp"):
                try:
                    (self.dir / name).unlink()
                except OSError:
                    pass

    def close(self) -> None:
        self._dbs.clear()
        self._peeked = None


def _marked_done(table: dict, annotators: list[str]) -> dict:
    """A state table with ``annotators`` done (their reading positions kept)."""
    states = {d["annotator"]: d for d in table.values()}
    now = now_iso()
    for who in annotators:
        states[who] = {"position": None, **states.get(who, {}), "annotator": who, "done": True,
                       "updated_at": now}
    return {str(i): states[w] for i, w in enumerate(sorted(states), 1)}


def _table(docs) -> dict[str, dict]:
    """A shard's documents table: TinyDB ids 1..n in document order."""
    return {str(i): d for i, d in enumerate(sorted(docs, key=doc_order), 1)}
