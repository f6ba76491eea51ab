"""HOME/annotations/corrections.json: every analyst's entity corrections.

One TinyDB database (table ``corrections``, one document per correction:
``annotations.corrections.Correction.to_doc``) for the whole home, because a
correction is a rule for the whole library: reading the rules is one file,
not one per report. Written like a shard (``ShardStorage``: atomic, durable,
read-cached and re-validated with one fstat, so a read-only process sees the
writer's changes). A home without the file has no corrections.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import CorruptDatabase
from .shards import ShardStorage

if TYPE_CHECKING:  # loaded when corrections are read: opening a store (the TUI's start) needs none
    from ..corrections import Correction

TABLE = "corrections"


class CorrectionsFile:
    def __init__(self, path: Path, *, readonly: bool):
        self.path = path
        self._storage = ShardStorage(path, readonly=readonly)
        self._parsed: tuple[tuple | None, list[Correction]] | None = None
        self._checked: tuple[tuple | None, dict[str, dict]] | None = None

    def docs(self) -> dict[str, dict]:
        """correction id -> document (checked once per version of the file)."""
        from ..corrections import doc_problem

        data = self._storage.read() or {}
        sig = self._storage.sig
        if sig is not None and self._checked is not None and self._checked[0] == sig:
            return self._checked[1]
        table = data.get(TABLE, {})
        for key, d in table.items():
            problem = doc_problem(d)
            if problem:
                raise CorruptDatabase(
                    f"corrections file {self.path}: document {key} is not a correction "
                    f"({problem}); it was not changed", self.path,
                    f"Restore it from a backup, or move it away (mv '{self.path}' "
                    f"'{self.path}.broken') to start without corrections.")
        self._checked = (self._storage.sig, {d["id"]: d for d in table.values()})
        return self._checked[1]

    def corrections(self) -> list[Correction]:
        """Every correction, oldest first (parsed once per version of the file;
        a document already parsed is not parsed again)."""
        from ..corrections import Correction

        docs = self.docs()
        sig = self._storage.sig
        if self._parsed is None or self._parsed[0] != sig or sig is None:
            known = {c.id: c for c in self._parsed[1]} if self._parsed else {}
            found = []
            for d in docs.values():  # a correction is never edited, only added or deleted
                c = known.get(d["id"])
                if c is None or (c.created_at, c.kind, c.text) != (d["created_at"], d["kind"],
                                                                   d["text"]):
                    c = Correction.from_doc(d)
                found.append(c)
            found.sort(key=lambda c: (c.created_at, c.id))
            self._parsed = (sig, found)
        return self._parsed[1]

    @property
    def sig(self) -> tuple | None:
        """The file's version as last read or written (None: no file)."""
        return self._storage.sig

    def apply(self, _report_id: str, docs: dict[str, dict | None], _state: dict) -> None:
        """Documents by id (None: delete), in one durable write. Shaped like the
        store's ``_write`` so an undo step can replay it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        by_id = dict(self.docs())
        for cid, new in docs.items():
            if new is None:
                by_id.pop(cid, None)
            else:
                by_id[cid] = new
        data = dict(self._storage.read() or {})
        ordered = sorted(by_id.values(), key=lambda d: (d["created_at"], d["id"]))
        data[TABLE] = {str(i): d for i, d in enumerate(ordered, 1)}
        self._storage.write(data)
        self._checked = (self._storage.sig, by_id)  # what was just written was checked
