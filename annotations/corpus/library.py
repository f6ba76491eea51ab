"""The report library of a home: the catalogue, canonical texts, analyses.

On disk (paths in ``annotations.home``)::

    HOME/library/index.json                 every ReportMeta, the only file `list` reads
    HOME/library/texts/<id>.txt             a report's first canonical text (UTF-8)
    HOME/library/texts/<id>+<sha16>.txt     a changed text (the index entry's ``text_file``)
    HOME/cache/analysis/...                 the analysis cache (corpus/cache.py)

The index names each report's text file (``text_file``, left out when it is
``<id>.txt``), so an import switches a report's text by one atomic index
write and the hash in the index always matches the text it names, whenever
the import is killed (corpus/ingest.py). ``Home.text_path(id)`` follows the
index too (the annotation store reads texts through it).

Reading never imports underthesea (analysis runs only for a text not in the
cache) nor the import machinery (corpus/ingest.py, loaded by the first write).
Every write takes the home's writer lock, and every writer first runs
``recover``: texts and analyses the index does not know (left by a killed or
failed import) are removed, superseded texts handed to the re-anchoring hook
first.
"""
from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from ..errors import LibraryError, UnknownReport
from ..fsutil import atomic_write_bytes
from ..home import Home, seeds_dir
from ..models import Analysis, ReportMeta, text_sha256
from .cache import AnalysisCache

if TYPE_CHECKING:
    from .ingest import Candidate, ImportSummary, Progress, Skipped, TextChanged

INDEX_VERSION = 1
_HINT = "Restore it from a backup, or move it away and re-import."
_SHA_RE = re.compile(r"[0-9a-f]{64}")
# field -> the types it may have (ReportMeta; the last four may be missing in old homes)
_FIELDS: dict[str, tuple[type, ...]] = {
    "id": (str,), "title": (str,), "date": (str, type(None)), "date_source": (str,),
    "sentences": (int,), "sha256": (str,), "source_path": (str,), "source_id": (str,),
    "byline": (str,), "imported_at": (str,)}
_REQUIRED = ("id", "title", "date", "date_source", "sentences", "sha256")
_JSON_TYPES = {str: "a string", int: "an integer", type(None): "null", bool: "a boolean",
               float: "a number", list: "an array", dict: "an object"}


def _safe_name(name: str) -> bool:
    """A file name inside one folder: no separators, NUL, dot-names or temp names."""
    return bool(name) and "/" not in name and "\\" not in name and "\x00" not in name \
        and not name.startswith(".")


def _parse_index(doc, path: Path) -> tuple[dict[str, ReportMeta], dict[str, str]]:
    """(id -> ReportMeta, id -> text file name when not <id>.txt), or LibraryError
    naming the first bad record. Types are checked, values are not judged
    (an old home's titles are shown inertly, not refused)."""
    def bad(what: str) -> LibraryError:
        return LibraryError(f"library index {path} is corrupt ({what}); it was not changed", _HINT)

    if not isinstance(doc, dict) or not isinstance(doc.get("reports"), list):
        raise bad("no list of reports")
    version = doc.get("version")
    if version != INDEX_VERSION:
        if isinstance(version, int) and not isinstance(version, bool) and version > INDEX_VERSION:
            raise LibraryError(f"library index {path} was written by a newer baocao (version "
                               f"{version}); it was not changed", "Upgrade baocao to open it.")
        raise bad(f"unknown version {version!r}")
    index: dict[str, ReportMeta] = {}
    files: dict[str, str] = {}
    for n, rec in enumerate(doc["reports"], 1):
        if not isinstance(rec, dict):
            raise bad(f"report {n} is {_JSON_TYPES.get(type(rec), 'not an object')}, not an object")
        for key in _REQUIRED:
            if key not in rec:
                raise bad(f"report {n} has no {key!r}")
        for key, types in _FIELDS.items():
            if key in rec:
                value = rec[key]
                if type(value) not in types:  # exact: True is not a sentence count
                    raise bad(f"report {n}: {key!r} is {_JSON_TYPES.get(type(value), 'of a wrong type')}")
        rid = rec["id"]
        if not _safe_name(rid) or rid in (".", ".."):
            raise bad(f"report {n}: id {rid!r} cannot name a file")
        if rec["sentences"] < 0 or not _SHA_RE.fullmatch(rec["sha256"]):
            raise bad(f"report {n} ({rid!r}): bad sentence count or sha256")
        if rid in index:
            raise bad(f"report id {rid!r} appears twice")
        name = rec.get("text_file")
        if name is not None:
            if not isinstance(name, str) or not _safe_name(name) or not name.endswith(".txt"):
                raise bad(f"report {n} ({rid!r}): 'text_file' must be a file name ending in .txt")
            files[rid] = name
        index[rid] = ReportMeta.from_dict(rec)
    return index, files


@dataclass(frozen=True, slots=True)
class Report:
    """An opened report: its catalogue entry, canonical text and analysis."""

    meta: ReportMeta
    text: str
    analysis: Analysis

    @property
    def id(self) -> str:
        return self.meta.id


class Library:
    def __init__(self, home: Home | str | os.PathLike):
        self.home = Home.of(home)
        self.cache = AnalysisCache(self.home.analysis_dir, writer=self.home.writer)
        self._index: dict[str, ReportMeta] | None = None
        self._files: dict[str, str] = {}

    # ------------------------------------------------------------ reading
    def _load_index(self) -> dict[str, ReportMeta]:
        if self._index is None:
            path = self.home.index_path
            try:
                st = os.stat(path)
            except FileNotFoundError:
                self._index, self._files = {}, {}
                return self._index
            except OSError as exc:
                raise LibraryError(f"library index {path} cannot be read ({exc.strerror or exc})",
                                   _HINT) from None
            if not stat.S_ISREG(st.st_mode):
                what = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file"
                raise LibraryError(f"library index {path} is {what}; it was not changed", _HINT)
            try:
                doc = orjson.loads(path.read_bytes())
            except orjson.JSONDecodeError as exc:
                raise LibraryError(f"library index {path} is corrupt ({exc}); it was not changed",
                                   _HINT) from None
            except OSError as exc:
                raise LibraryError(f"library index {path} cannot be read ({exc.strerror or exc})",
                                   _HINT) from None
            self._index, self._files = _parse_index(doc, path)
        return self._index

    def reload(self) -> None:
        """Forget the index read so far (another process may have imported)."""
        self._index = None

    def reports(self) -> list[ReportMeta]:
        """Every report, oldest first; undated last."""
        return sorted(self._load_index().values(), key=lambda m: m.sort_key)

    def __len__(self) -> int:
        return len(self._load_index())

    def __contains__(self, report_id: str) -> bool:
        return report_id in self._load_index()

    def get(self, report_id: str) -> ReportMeta:
        try:
            return self._load_index()[report_id]
        except KeyError:
            raise UnknownReport(f"no report with id {report_id!r}",
                                "`baocao list` shows the ids.") from None

    def text_file(self, report_id: str) -> str:
        """The name of a report's canonical text in ``home.texts_dir``."""
        self._load_index()
        return self._files.get(report_id) or f"{report_id}.txt"

    def text_path(self, report_id: str) -> Path:
        return self.home.texts_dir / self.text_file(report_id)

    def text(self, report_id: str) -> str:
        """A report's canonical text, checked against the index's hash. A reader
        that raced an import (its index is older than the texts) reads again."""
        for retry in (True, False):
            meta = self.get(report_id)
            path = self.text_path(report_id)
            try:
                if not stat.S_ISREG(os.stat(path).st_mode):
                    raise LibraryError(f"the text of report {report_id!r} is not a regular file ({path})",
                                       "Re-import it with `baocao import` on its file.")
                text = path.read_text(encoding="utf-8")
            except FileNotFoundError:
                if retry and not self.home.is_writer:
                    self.reload()
                    continue
                raise LibraryError(f"the text of report {report_id!r} is missing ({path})",
                                   "Re-import it with `baocao import` on its file.") from None
            except (OSError, UnicodeDecodeError) as exc:
                raise LibraryError(f"the text of report {report_id!r} cannot be read ({path}: {exc})",
                                   "Re-import it with `baocao import` on its file.") from None
            if text_sha256(text) == meta.sha256:
                return text
            if retry and not self.home.is_writer:
                self.reload()
                continue
            raise LibraryError(f"the text of report {report_id!r} ({path}) does not match the "
                               "library index (changed outside baocao?)",
                               "Re-import it with `baocao import` on its file: that repairs it.")
        raise AssertionError("unreachable")

    def open(self, report_id: str) -> Report:
        """The report with its canonical text and analysis (computed if not cached).
        The text is read once and checked against the catalogue's hash, which
        keys the cache."""
        text = self.text(report_id)
        meta = self.get(report_id)
        return Report(meta, text, self.cache.analysis(text, meta.sha256))

    def is_analysed(self, report_id: str) -> bool:
        """True when opening the report needs no NLP (its analysis is cached)."""
        return self.cache.has(self.get(report_id).sha256)

    def analysis(self, report_id: str) -> Analysis:
        """Cached analysis of a report's canonical text (computed if missing)."""
        return self.open(report_id).analysis

    def analyze_text(self, text: str) -> Analysis:
        """Analysis of any text (a file shown without importing it), cached."""
        return self.cache.analysis(text)

    def cache_path(self, sha: str) -> Path:
        return self.cache.path(sha)

    def cached_analysis_dict(self, sha: str) -> dict | None:
        return self.cache.get_dict(sha)

    # ------------------------------------------------------------ writing
    def _save_index(self) -> None:
        """Write the index atomically, under the writer lock (re-entered by an import)."""
        index = self._load_index()
        records = []
        for m in index.values():
            rec = m.to_dict()
            name = self._files.get(m.id)
            if name and name != f"{m.id}.txt":
                rec["text_file"] = name
            records.append(rec)
        with self.home.writer():
            atomic_write_bytes(self.home.index_path,
                               orjson.dumps({"version": INDEX_VERSION, "reports": records}))

    def _set_text_file(self, report_id: str, name: str) -> None:
        if name == f"{report_id}.txt":
            self._files.pop(report_id, None)
        else:
            self._files[report_id] = name

    def _unique_id(self, stem: str, taken: set[str]) -> str:
        from .ingest import safe_id

        stem = safe_id(stem)
        index = self._load_index()
        if stem not in index and stem not in taken:
            return stem
        n = 2
        while f"{stem}_{n}" in index or f"{stem}_{n}" in taken:
            n += 1
        return f"{stem}_{n}"

    def recover(self, on_text_changed: TextChanged | None = None) -> list[str]:
        """Under the writer lock: remove what the index does not know, left by a
        killed or failed import -- texts of reports never committed, superseded
        texts (each first handed to ``on_text_changed`` with the current text, so
        the store re-anchors what a kill left un-anchored), analyses of no
        current text, temporary files. Returns one line per thing repaired or
        found wrong. Every import runs it first."""
        from .ingest import deferred_interrupts, text_file_owner

        notes: list[str] = []
        with self.home.writer(), deferred_interrupts():
            self.reload()
            index = self._load_index()
            live_files = {self.text_file(rid) for rid in index}
            texts = self.home.texts_dir
            try:
                entries = sorted(os.scandir(texts), key=lambda e: e.name)
            except FileNotFoundError:
                entries = []
            except NotADirectoryError:
                raise LibraryError(f"{texts} is not a folder", _HINT) from None
            present = set()
            for entry in entries:
                name = entry.name
                present.add(name)
                if name in live_files or entry.is_dir(follow_symlinks=False):
                    continue
                owner = text_file_owner(name)
                if owner in index and on_text_changed is not None:
                    try:
                        old = Path(entry.path).read_text(encoding="utf-8")
                        new = self.text(owner)
                        on_text_changed(owner, old, new, self.open(owner).analysis)
                    except (OSError, UnicodeDecodeError, LibraryError) as exc:
                        notes.append(f"report {owner}: not re-anchored after an interrupted "
                                     f"import ({exc})")
                try:
                    os.unlink(entry.path)
                except FileNotFoundError:
                    continue
                if not name.startswith("."):
                    notes.append(f"removed {name}: a text the library index does not know "
                                 "(left by an interrupted import)")
            for rid in index:
                if self.text_file(rid) not in present:
                    notes.append(f"report {rid}: its text {texts / self.text_file(rid)} is missing; "
                                 "re-import its file")
            removed = self.cache.sweep(m.sha256 for m in index.values())
            if removed:
                notes.append(f"removed {removed} analysis cache file(s) of no current text")
            try:
                for entry in os.scandir(self.home.library_dir):
                    if entry.name.startswith(".index.json.") and entry.name.endswith(".tmp"):
                        os.unlink(entry.path)
            except FileNotFoundError:
                pass
        return notes

    def import_paths(self, paths: Iterable[str | os.PathLike], *, progress: Progress | None = None,
                     workers: int | None = None, on_text_changed: TextChanged | None = None,
                     max_bytes: int | None = None, scheduler: str | None = None) -> ImportSummary:
        """Import files and folders, all under the writer lock (StoreLocked when
        another process holds it). ``on_text_changed`` runs when a re-imported
        report's text changed (the store re-anchors). ``max_bytes``: files bigger
        are refused (default ``ingest.DEFAULT_MAX_BYTES``, or the limit of an
        enclosing ``ingest.import_limits``). Ctrl-C stops it cleanly: what was
        finished is committed and the summary says ``interrupted``."""
        from .ingest import ImportSummary, read_all

        summary = ImportSummary()
        with self.home.writer():
            summary.repaired.extend(self.recover(on_text_changed))
            self._add(read_all(paths, home=self.home.root, max_bytes=max_bytes), summary,
                      progress=progress, workers=workers, on_text_changed=on_text_changed,
                      scheduler=scheduler)
        return summary

    def add_candidates(self, candidates: Iterable[Candidate | Skipped], summary: ImportSummary, *,
                       progress: Progress | None = None, workers: int | None = None,
                       on_text_changed: TextChanged | None = None,
                       scheduler: str | None = None) -> None:
        with self.home.writer():
            summary.repaired.extend(self.recover(on_text_changed))
            self._add(candidates, summary, progress=progress, workers=workers,
                      on_text_changed=on_text_changed, scheduler=scheduler)

    def _add(self, candidates, summary, **kw) -> None:
        from .ingest import add_candidates

        add_candidates(self, candidates, summary, **kw)

    def ensure_seeded(self, *, progress: Progress | None = None) -> ImportSummary | None:
        """Fill an empty library from the bundled seeds; None if it had reports.
        Raises StoreLocked (naming the holder) when another process holds the
        writer lock: nothing is seeded and nothing written. Checked again under
        the lock, so a concurrent import is never lost."""
        if len(self):
            return None
        with self.home.writer():
            self.reload()
            if len(self):
                return None
            return self.import_paths([seeds_dir()], progress=progress)
