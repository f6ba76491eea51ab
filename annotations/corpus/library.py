"""The report library of a home: the catalogue, canonical texts, analyses.

On disk (paths in ``annotations.home``)::

    HOME/library/catalogue.sqlite           one row per report (corpus/catalogue.py)
    HOME/library/texts/<id>.txt             a report's first canonical text (UTF-8)
    HOME/library/texts/<id>+<sha16>.txt     a changed text (the row's ``text_file``)
    HOME/cache/analysis/...                 the analysis cache (corpus/cache.py)

The catalogue names each report's text file, so an import switches a report's
text by one transaction and the hash in the catalogue always matches the text
it names, whenever the import is killed (corpus/ingest.py). ``Home.text_path(id)``
follows the catalogue too (the annotation store reads texts through it).
Nothing is held in memory: every read asks the catalogue, so a reader sees
what another process committed.

Reading never imports underthesea (analysis runs only for a text not in the
cache) nor the import machinery (corpus/ingest.py, loaded by the first write).
Every write takes the home's writer lock, and every writer first runs
``recover``: texts and analyses the index does not know (left by a killed or
failed import) are removed, superseded texts handed to the re-anchoring hook
first. ``repair`` rebuilds a damaged or lost catalogue from the texts.
"""
from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import LibraryError, UnknownReport
from ..home import Home, seeds_dir
from ..models import Analysis, ReportMeta, text_sha256
from .cache import AnalysisCache
from .catalogue import INDEX_VERSION, Catalogue, NewerCatalogue  # noqa: F401  (INDEX_VERSION: first-release homes)

if TYPE_CHECKING:
    from .ingest import Candidate, ImportSummary, Progress, Skipped, TextChanged

_HINT = "Restore it from a backup, or move it away and re-import."


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
        self._catalogue = Catalogue(self.home, self.cache)

    # ------------------------------------------------------------ reading
    @property
    def notes(self) -> list[str]:
        """What opening the catalogue did (a migration, a rebuild), to tell the user."""
        return self._catalogue.notes

    def _load_index(self) -> dict[str, ReportMeta]:
        """Every report by id (for writers: one read of the whole catalogue)."""
        return self._catalogue.load()[0]

    def reload(self) -> None:
        """Nothing to forget: every read asks the catalogue (kept for callers
        that say where another process's import must become visible)."""

    def reports(self) -> list[ReportMeta]:
        """Every report, oldest first; undated last."""
        return self._catalogue.metas()

    def listing(self, *fields: str) -> list[tuple]:
        """Those ReportMeta fields of every report, in the order of ``reports()``
        (what `list` prints, read without making 100,000 ReportMeta)."""
        return self._catalogue.listing(fields)

    def list_json(self, progress: dict[str, tuple[int, bool]]) -> str:
        """`baocao list --json`'s lines (corpus/catalogue.py), joined by newlines."""
        return self._catalogue.list_json(progress)

    def ids(self, query: str = "", *, newest_first: bool = False) -> list[str]:
        """Report ids in table order (oldest first, undated last; ``newest_first``
        reverses the dated ones), those matching ``query`` when given: every
        word occurs in the title, id, date or text, diacritics optional."""
        return self._catalogue.ids(query, newest_first)

    def titles(self, query: str, *, limit: int = 300) -> list[tuple[str, str, str | None]]:
        """(id, title, date) of up to ``limit`` reports whose title, id or date holds
        every word of ``query`` (diacritics optional): the palette's candidates."""
        return self._catalogue.titles(query, limit)

    def count(self, query: str = "") -> int:
        return self._catalogue.count(query)

    def prepare_filter(self) -> None:
        """Make ready what ``ids(query)`` needs first (about 0.1 s once), ahead of it."""
        self._catalogue.prepare_filter()

    def get_many(self, ids: Iterable[str]) -> dict[str, ReportMeta]:
        """id -> ReportMeta of those of ``ids`` in the library (a page of the table)."""
        return self._catalogue.get_many(ids)

    def __len__(self) -> int:
        return self._catalogue.count()

    def read_ahead(self) -> None:
        """Read the table order now, for a caller that runs this in a thread
        while it does other work (the TUI, while it builds its first screen:
        SQLite lets go of the GIL, so at 100,000 reports its 15-30 ms overlap
        the start). A failure is left for the caller's own read to raise."""
        try:
            len(self)
        except Exception:  # noqa: BLE001  (any: the same read is made again in the open)
            pass

    def __contains__(self, report_id: str) -> bool:
        return report_id in self._catalogue

    def get(self, report_id: str) -> ReportMeta:
        meta = self._catalogue.get(report_id)
        if meta is None:
            raise UnknownReport(f"no report with id {report_id!r}",
                                "`baocao list` shows the ids.")
        return meta

    def text_file(self, report_id: str) -> str:
        """The name of a report's canonical text in ``home.texts_dir``."""
        return self._catalogue.text_file(report_id) or f"{report_id}.txt"

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
    def _unique_id(self, stem: str, taken: set[str]) -> str:
        from .ingest import safe_id

        stem = safe_id(stem)
        if stem not in self and stem not in taken:
            return stem
        n = 2
        while f"{stem}_{n}" in self or f"{stem}_{n}" in taken:
            n += 1
        return f"{stem}_{n}"

    def recover(self, on_text_changed: TextChanged | None = None) -> list[str]:
        """Under the writer lock: remove what the catalogue does not know, left by a
        killed or failed import -- texts of reports never committed, superseded
        texts (each first handed to ``on_text_changed`` with the current text, so
        the store re-anchors what a kill left un-anchored), analyses of no
        current text, temporary files. Returns one line per thing repaired or
        found wrong. Every import runs it first."""
        from .ingest import deferred_interrupts, text_file_owner

        notes: list[str] = []
        with self.home.writer(), deferred_interrupts():
            # made (migrated, rebuilt or empty) before any text is written: texts
            # without a catalogue beside them then always mean a lost catalogue
            self._catalogue.connect(create=True)
            notes.extend(self._catalogue.notes)
            self._catalogue.notes.clear()
            index, files = self._catalogue.load()
            live_files = set(files.values())
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
                    notes.append(f"removed {name}: a text the library catalogue does not know "
                                 "(left by an interrupted import)")
            for rid, name in files.items():
                if name not in present:
                    notes.append(f"report {rid}: its text {texts / name} is missing; "
                                 "re-import its file")
            removed = self.cache.sweep(m.sha256 for m in index.values())
            if removed:
                notes.append(f"removed {removed} analysis cache file(s) of no current text")
            try:
                for entry in os.scandir(self.home.library_dir):  # a killed write's temp files
                    if entry.name.startswith((".index.json.", ".catalogue.sqlite.")) \
                            and ".tmp" in entry.name:
                        os.unlink(entry.path)
            except FileNotFoundError:
                pass
        return notes

    def repair(self) -> list[str]:
        """`baocao repair`, under the writer lock: a catalogue that cannot be read
        is moved aside (kept, never deleted) and rebuilt from the texts and the
        analysis cache (what that recovers: corpus/catalogue.py); a missing one
        is rebuilt; then ``recover`` runs. Returns one line per thing done."""
        cat = self._catalogue
        notes: list[str] = []
        with self.home.writer():
            problem = None
            if os.path.lexists(cat.path):
                try:
                    cat.connect()
                    problem = cat.check()
                except NewerCatalogue:
                    raise
                except LibraryError as exc:
                    problem = exc.message
            if problem:
                cat.close()
                stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
                aside = cat.path.with_name(f"{cat.path.name}.damaged-{stamp}")
                for suffix in ("", "-wal", "-shm"):
                    if os.path.lexists(f"{cat.path}{suffix}"):
                        os.replace(f"{cat.path}{suffix}", f"{aside}{suffix}")
                notes.append(f"the catalogue could not be used ({problem}); kept it as {aside.name}")
            elif os.path.lexists(cat.path):
                notes.append(f"the catalogue {cat.path} is sound ({len(self)} reports)")
            notes.extend(self.recover())
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
        from .ingest import ImportSummary, import_files

        summary = ImportSummary()
        with self.home.writer():
            summary.repaired.extend(self.recover(on_text_changed))
            import_files(self, paths, summary, max_bytes=max_bytes, progress=progress,
                         workers=workers, on_text_changed=on_text_changed, scheduler=scheduler)
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
