"""The report library of a home: the catalogue, canonical texts, analyses.

On disk (all written atomically, paths in ``annotations.home``)::

    HOME/library/index.json          every ReportMeta, the only file `list` reads
    HOME/library/texts/<id>.txt      canonical text (UTF-8)
    HOME/cache/analysis/...          the analysis cache (corpus/cache.py)

Reading never imports underthesea (analysis runs only for a text not in the
cache) nor the import machinery (corpus/ingest.py, loaded by the first write).
Every write takes the home's writer lock.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from ..errors import LibraryError, UnknownReport
from ..fsutil import atomic_write_bytes
from ..home import Home, seeds_dir
from ..models import Analysis, ReportMeta
from .cache import AnalysisCache

if TYPE_CHECKING:
    from .ingest import Candidate, ImportSummary, Progress, TextChanged

INDEX_VERSION = 1


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
        self.cache = AnalysisCache(self.home.analysis_dir)
        self._index: dict[str, ReportMeta] | None = None

    # ------------------------------------------------------------ reading
    def _load_index(self) -> dict[str, ReportMeta]:
        if self._index is None:
            path = self.home.index_path
            if not path.exists():
                self._index = {}
            else:
                try:
                    doc = orjson.loads(path.read_bytes())
                    self._index = {r["id"]: ReportMeta.from_dict(r) for r in doc["reports"]}
                except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
                    raise LibraryError(
                        f"library index {path} is corrupt ({exc}); it was not changed",
                        "Restore it from a backup, or move it away and re-import.") from exc
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

    def text(self, report_id: str) -> str:
        self.get(report_id)
        path = self.home.text_path(report_id)
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise LibraryError(f"the text of report {report_id!r} is missing ({path})",
                               "Re-import it with `baocao import` on its file.") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise LibraryError(f"the text of report {report_id!r} cannot be read ({path}: {exc})",
                               "Re-import it with `baocao import` on its file.") from None

    def open(self, report_id: str) -> Report:
        """The report with its canonical text and analysis (computed if not cached).
        The text is read once; the catalogue's hash of it keys the cache (index
        and text are written together, under the writer lock)."""
        meta = self.get(report_id)
        text = self.text(report_id)
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
        doc = {"version": INDEX_VERSION,
               "reports": [m.to_dict() for m in self._load_index().values()]}
        atomic_write_bytes(self.home.index_path, orjson.dumps(doc))

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

    def import_paths(self, paths: Iterable[str | os.PathLike], *, progress: Progress | None = None,
                     workers: int | None = None,
                     on_text_changed: TextChanged | None = None) -> ImportSummary:
        """Import files and folders under the writer lock. ``on_text_changed``
        runs when a re-imported report's text changed (the store re-anchors)."""
        from .ingest import ImportSummary, Skipped, iter_files, read_candidates

        summary = ImportSummary()
        candidates: list[Candidate] = []
        for item in iter_files(paths):
            if isinstance(item, Skipped):
                summary.skipped.append(item)
                continue
            for cand in read_candidates(item):
                (summary.skipped if isinstance(cand, Skipped) else candidates).append(cand)
        self.add_candidates(candidates, summary, progress=progress, workers=workers,
                            on_text_changed=on_text_changed)
        return summary

    def add_candidates(self, candidates: list[Candidate], summary: ImportSummary, *,
                       progress: Progress | None = None, workers: int | None = None,
                       on_text_changed: TextChanged | None = None) -> None:
        from .ingest import add_candidates

        with self.home.writer():
            self.reload()  # what another writer imported before we took the lock
            add_candidates(self, candidates, summary, progress=progress, workers=workers,
                           on_text_changed=on_text_changed)

    def ensure_seeded(self, *, progress: Progress | None = None) -> ImportSummary | None:
        """Fill an empty library from the bundled seeds; None if it had reports.
        Checked again under the writer lock, so a concurrent import is never lost."""
        if len(self):
            return None
        with self.home.writer():
            self.reload()
            if len(self):
                return None
            return self.import_paths([seeds_dir()], progress=progress)
