"""Durable TinyDB storage for one shard file of the annotation store.

TinyDB's JSONStorage rewrites its file in place, so a crash can leave it torn.
``ShardStorage`` serialises first (orjson: Vietnamese stays readable UTF-8,
never ``\\u`` escapes), then ``atomic_write_bytes`` (temp file in the same
folder, fsync, ``os.replace``, fsync folder): a reader or a crash sees the old
file or the new one, and the write is on disk when ``write`` returns.

Reads are cached and re-validated with one ``fstat`` (inode, size, mtime):
``os.replace`` gives every version a new inode, so a read-only process sees a
writer's changes. A file that does not parse, or is not shaped like a shard,
raises CorruptDatabase and is never written over; so does one that cannot be
read at all (a folder, a FIFO, a device: refused without blocking). A write
that fails (disk full, read-only file system, permission denied) raises
``StoreWriteError``, one line naming the file, and leaves the old file.

Table ``meta`` = {"1": {"report_id": ...}} names the shard's report, so a
shard whose file name is a hash of a long id (``shardset.shard_name``) can
still be mapped to its report.
"""
from __future__ import annotations

import os
from itertools import product
from operator import itemgetter
from pathlib import Path

import orjson
from tinydb.storages import Storage

from ..errors import CorruptDatabase, StoreError
from ..fsutil import atomic_write_bytes, open_regular, os_reason
from .records import ADDED_IN_3, FIELDS

TABLE = "_default"  # TinyDB's default table: `TinyDB(...).search(...)` just works
STATE = "state"  # per annotator: {"annotator", "done", "position", "updated_at"}
STATE_FIELDS: dict[str, tuple[type, ...]] = {
    "annotator": (str,), "done": (bool,), "position": (int, type(None)), "updated_at": (str,)}
META = "meta"  # {"1": {"report_id": ...}}: the report the shard is for


class StoreWriteError(StoreError):
    """A file of the store could not be written (``errno``: ENOSPC, EROFS,
    EACCES, ...); ``path`` names it. What was there before is unchanged."""

    def __init__(self, path: Path, exc: OSError, *, what: str = "annotation file",
                 outcome: str = "nothing was changed", doing: str = ""):
        reason, hint = os_reason(exc)
        doing = doing or f"cannot write {what} {path}"
        super().__init__(f"{doing}: {reason}; {outcome}", hint)
        self.path = path
        self.errno = exc.errno


def unreadable(path: Path, exc: OSError, what: str = "annotation file") -> CorruptDatabase:
    """CorruptDatabase for a file that cannot even be read (a folder, a FIFO, EACCES, EIO)."""
    reason, hint = os_reason(exc)
    return CorruptDatabase(f"{what} {path} cannot be read ({reason}); it was not changed", path,
                           hint or recovery_hint(path))


def shard_report_of(data: dict) -> str | None:
    """The report id a parsed shard names (its ``meta`` table, else any document's)."""
    for doc in data.get(META, {}).values():
        return doc["report_id"]
    for doc in data.get(TABLE, {}).values():
        return doc["report_id"]
    return None


def file_sig(st: os.stat_result) -> tuple[int, int, int]:
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def recovery_hint(path: Path) -> str:
    return (f"It was not changed. Restore it from a backup, or move it away "
            f"(mv '{path}' '{path}.broken') to start that report's annotations afresh; "
            "other reports are not affected.")


def parse_shard(raw: bytes, path: Path) -> dict:
    """Bytes of a shard file -> TinyDB data, or CorruptDatabase."""
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        what = "is empty" if not raw.strip() else f"is not valid JSON ({exc})"
        raise CorruptDatabase(f"annotation file {path} {what}. {recovery_hint(path)}",
                              path) from None
    if isinstance(data, dict) and isinstance(data.get(TABLE), dict):
        for doc in data[TABLE].values():  # written before schema 3: add its defaults
            if isinstance(doc, dict) and "decided" not in doc:
                for k, v in ADDED_IN_3.items():
                    doc.setdefault(k, v)
    problem = _shape_problem(data)
    if problem:
        raise CorruptDatabase(f"annotation file {path} is not an annotation database "
                              f"({problem}). {recovery_hint(path)}", path)
    return data


def _typed(fields: dict[str, tuple[type, ...]]):
    """A check that an object has (at least) ``fields``, of their types: one
    look-up of the tuple of their types among every accepted combination (this
    runs for every document an export or agreement reads). ``type``, unlike
    ``isinstance``, refuses booleans as numbers. Two fields or more."""
    get, accepted = itemgetter(*fields), frozenset(product(*fields.values()))

    def check(d) -> bool:
        try:
            return tuple(map(type, get(d))) in accepted
        except (KeyError, TypeError):  # a field missing, or not an object
            return False
    return check


_doc_typed, _state_ok = _typed(FIELDS), _typed(STATE_FIELDS)


def _doc_ok(d) -> bool:
    # Extra fields are allowed (a newer minor version).
    return _doc_typed(d) and (d["decided"] or d["label"] is None)  # a label is a decision


def _fields_problem(what: str, doc, fields: dict[str, tuple[type, ...]]) -> str | None:
    if not isinstance(doc, dict):
        return f"{what} is not an object"
    for field, types in fields.items():
        value = doc.get(field)
        if field not in doc or not isinstance(value, types) or (
                bool not in types and isinstance(value, bool)):
            return f"{what}: field {field!r} missing or of the wrong type"
    return None


def _shape_problem(data) -> str | None:
    if not isinstance(data, dict):
        return "top level is not an object"
    for name, table in data.items():
        if not isinstance(table, dict):
            return f"table {name!r} is not an object"
        if name == STATE and not all(map(_state_ok, table.values())):
            for key, doc in table.items():
                problem = _fields_problem(f"state {key}", doc, STATE_FIELDS)
                if problem:
                    return problem
        if name == META:
            for key, doc in table.items():
                problem = _fields_problem(f"meta {key}", doc, {"report_id": (str,)})
                if problem:
                    return problem
        if name != TABLE or all(map(_doc_ok, table.values())):
            continue
        for doc_id, doc in table.items():  # which one, and why
            if not _doc_ok(doc):
                return (_fields_problem(f"document {doc_id}", doc, FIELDS)
                        or f"document {doc_id} has a label but is not decided")
    return None


class ShardStorage(Storage):
    """TinyDB storage: atomic, durable, read-cached. ``readonly`` refuses writes;
    ``durable=False`` skips the fsyncs (still atomic) for generating test data."""

    def __init__(self, path: str | os.PathLike, readonly: bool = False, durable: bool = True):
        self.path = Path(path)
        self.readonly = readonly
        self.durable = durable
        self._data: dict | None = None
        self._sig: tuple[int, int, int] | None = None

    def read(self) -> dict | None:
        try:
            fd = open_regular(self.path)
        except FileNotFoundError:
            self._data = self._sig = None
            return None
        except OSError as exc:
            raise unreadable(self.path, exc) from None
        with os.fdopen(fd, "rb") as f:
            sig = file_sig(os.fstat(f.fileno()))
            if self._data is not None and sig == self._sig:
                return self._data
            try:
                raw = f.read()
            except OSError as exc:
                raise unreadable(self.path, exc) from None
            data = parse_shard(raw, self.path)
        self._data, self._sig = data, sig
        return data

    def write(self, data: dict) -> None:
        if self.readonly:
            raise StoreError(f"the annotation store is open read-only; {self.path} was not "
                             "changed")
        # TinyDB mutated the cached dict in place: if the write fails, forget it
        # so the next read comes from disk again.
        self._data = self._sig = None
        try:
            atomic_write_bytes(self.path, orjson.dumps(data), durable=self.durable)
            sig = file_sig(os.stat(self.path))
        except OSError as exc:
            raise StoreWriteError(self.path, exc) from None
        self._data, self._sig = data, sig

    def adopt_written(self, data: dict, sig: tuple[int, int, int]) -> None:
        """The content just renamed into place by someone else (a staged write)."""
        self._data, self._sig = data, sig

    def adopt(self, other: ShardStorage) -> None:
        """Take over another storage's cache of the same file (no re-read)."""
        self._data, self._sig = other._data, other._sig

    @property
    def sig(self) -> tuple[int, int, int] | None:
        return self._sig

    def close(self) -> None:
        self._data = None
