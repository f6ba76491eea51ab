"""The report library in a baocao home: import, index, canonical texts and
the analysis cache.

On disk (all written atomically)::

    HOME/library/index.json          every ReportMeta, the only file `list` reads
    HOME/library/texts/<id>.txt      canonical text (UTF-8)
    HOME/cache/analysis/<sha>-<v>.json   Analysis, keyed by text hash + pipeline version

The original files are never modified. This module does not import underthesea:
analysis runs through ``annotations.nlp`` only when a text is not cached. What
only importing needs (decoding, cleaning, dates, the process pool) is imported
when an import starts, so readers of the library (`list`, the TUI) start fast.
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import orjson

from .fsutil import atomic_write_bytes
from .models import Analysis, ReportMeta, text_sha256  # noqa: F401 (re-exported)

SUFFIXES = {".txt", ".md", ".jsonl"}
INDEX_VERSION = 1

Progress = Callable[[int, int, str], None]  # (done, total, what)


class LibraryError(Exception):
    """A problem with the library itself (not with one imported file)."""


@dataclass(slots=True)
class Skipped:
    source: str  # path, or "path:line" for a JSONL record
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass(slots=True)
class ImportSummary:
    imported: list[str] = field(default_factory=list)  # new report ids
    updated: list[str] = field(default_factory=list)  # same id, changed text
    unchanged: list[str] = field(default_factory=list)  # ids already holding this text
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (source, existing id)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.skipped)


@dataclass(slots=True)
class Candidate:
    """One report read from disk, cleaned and dated, before analysis."""

    source: str  # for messages: the path, or "path:line" for a JSONL record
    source_path: str  # the file
    stem: str  # wanted id
    text: str
    title: str
    date: str | None
    date_source: str
    byline: str
    stem_origin: str = ""  # set when the stem repeats inside one file

    @property
    def sha256(self) -> str:
        return text_sha256(self.text)


def _safe_id(stem: str) -> str:
    """Ids name files in the home: keep them to one safe path component."""
    stem = re.sub(r"[^\w.-]+", "_", stem.strip()).strip("._")
    return stem[:120] or "report"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


# ---------------------------------------------------------------- reading files

def iter_files(paths: Iterable[str | os.PathLike]) -> Iterator[Path | Skipped]:
    """Supported files under each path (recursive, sorted, symlink loops safe)."""
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            yield Skipped(str(path), "no such file or directory")
        elif path.is_dir():
            seen: set[tuple[int, int]] = set()
            for dirpath, dirnames, filenames in os.walk(path, followlinks=True):
                st = os.stat(dirpath)
                if (st.st_dev, st.st_ino) in seen:  # a symlink loop: been here
                    dirnames[:] = []
                    continue
                seen.add((st.st_dev, st.st_ino))
                dirnames.sort()
                for name in sorted(filenames):
                    p = Path(dirpath) / name
                    if p.suffix.lower() in SUFFIXES and not name.startswith("."):
                        yield p
        elif path.suffix.lower() in SUFFIXES:
            yield path
        else:
            yield Skipped(str(path), f"unsupported file type {path.suffix or '(none)'!r}"
                          " (expected .txt, .md or .jsonl)")


def _prepare(source: str, path: Path, stem: str, raw: str, *, title: str = "",
             date: str = "") -> Candidate:
    from .clean import clean
    from .dates import find_date

    cleaned = clean(raw)
    header = date or cleaned.header_date
    iso, date_source = find_date(cleaned.text, header)
    return Candidate(source, str(path.resolve()), stem, cleaned.text, title or cleaned.title,
                     iso, date_source, cleaned.byline)


def read_candidates(path: Path) -> Iterator[Candidate | Skipped]:
    """Decode and clean one file; a .jsonl file gives one candidate per line."""
    from .clean import CleanError
    from .decode import DecodeError, decode_bytes

    try:
        data = path.read_bytes()
    except OSError as exc:
        yield Skipped(str(path), f"cannot read: {exc.strerror or exc}")
        return
    try:
        text, _encoding = decode_bytes(data)
    except DecodeError as exc:
        yield Skipped(str(path), str(exc))
        return
    if path.suffix.lower() != ".jsonl":
        try:
            yield _prepare(str(path), path, path.stem, text)
        except CleanError as exc:
            yield Skipped(str(path), str(exc))
        return
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            rec = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            yield Skipped(where, f"malformed JSON ({exc})")
            continue
        if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
            yield Skipped(where, "record has no string 'text' field")
            continue
        stem = str(rec.get("id") or f"{path.stem}-{lineno}")
        try:
            yield _prepare(where, path, stem, rec["text"], title=str(rec.get("title") or ""),
                           date=str(rec.get("date") or ""))
        except CleanError as exc:
            yield Skipped(where, str(exc))


def _analyze(text: str) -> dict:
    from . import nlp

    return nlp.analyze(text).to_dict()


# ---------------------------------------------------------------- the library

class Library:
    def __init__(self, home: Path):
        self.home = Path(home)
        self.dir = self.home / "library"
        self.texts_dir = self.dir / "texts"
        self.cache_dir = self.home / "cache" / "analysis"
        self.index_path = self.dir / "index.json"
        self._index: dict[str, ReportMeta] | None = None

    # -- reading
    def _load_index(self) -> dict[str, ReportMeta]:
        if self._index is None:
            if not self.index_path.exists():
                self._index = {}
            else:
                try:
                    doc = orjson.loads(self.index_path.read_bytes())
                    self._index = {r["id"]: ReportMeta.from_dict(r) for r in doc["reports"]}
                except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
                    raise LibraryError(
                        f"library index {self.index_path} is corrupt ({exc}); it was not "
                        "changed. Restore it from a backup or move it away and re-import."
                    ) from exc
        return self._index

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
            raise KeyError(f"no report with id {report_id!r}") from None

    def text(self, report_id: str) -> str:
        self.get(report_id)
        return (self.texts_dir / f"{report_id}.txt").read_text(encoding="utf-8")

    def cache_path(self, sha: str) -> Path:
        """Where the analysis of the text with this hash is cached."""
        from .nlp import PIPELINE_VERSION  # nlp imports underthesea lazily

        return self.cache_dir / f"{sha}-{PIPELINE_VERSION}.json"

    def cached_analysis_dict(self, sha: str) -> dict | None:
        """The cached analysis as plain JSON (no dataclasses: fast for bulk
        readers such as export), or None when missing or unreadable."""
        try:
            doc = orjson.loads(self.cache_path(sha).read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return None
        return doc if isinstance(doc, dict) else None

    def is_analysed(self, report_id: str) -> bool:
        """True when opening the report needs no NLP (its analysis is cached)."""
        return self.cache_path(self.get(report_id).sha256).exists()

    def analysis(self, report_id: str) -> Analysis:
        """Cached analysis of a report's canonical text (computed if missing)."""
        return self.analyze_text(self.text(report_id))

    def analyze_text(self, text: str) -> Analysis:
        sha = text_sha256(text)
        cached = self.cached_analysis_dict(sha)
        if cached is not None:
            try:
                return Analysis.from_dict(cached)
            except (KeyError, TypeError):
                pass  # a broken cache entry is recomputed, never trusted
        path = self.cache_path(sha)
        result = _analyze(text)
        atomic_write_bytes(path, orjson.dumps(result), durable=False)
        return Analysis.from_dict(result)

    # -- writing
    def _save_index(self) -> None:
        doc = {"version": INDEX_VERSION,
               "reports": [m.to_dict() for m in self._load_index().values()]}
        atomic_write_bytes(self.index_path, orjson.dumps(doc))

    def _unique_id(self, stem: str, taken: set[str]) -> str:
        stem = _safe_id(stem)
        index = self._load_index()
        if stem not in index and stem not in taken:
            return stem
        n = 2
        while f"{stem}_{n}" in index or f"{stem}_{n}" in taken:
            n += 1
        return f"{stem}_{n}"

    def import_paths(self, paths: Iterable[str | os.PathLike], *, progress: Progress | None = None,
                     workers: int | None = None,
                     on_text_changed: Callable[[str, str, str], None] | None = None) -> ImportSummary:
        """Import files and folders. ``on_text_changed(report_id, old, new)`` runs
        when a re-imported report's text changed (the store re-anchors there)."""
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
                       on_text_changed: Callable[[str, str, str], None] | None = None) -> None:
        index = self._load_index()
        by_sha = {m.sha256: m.id for m in index.values()}
        # A report's identity across re-imports: the file it came from + its id there.
        by_origin = {(m.source_path, m.source_id): m.id for m in index.values()}
        taken: set[str] = set()
        seen_origins: set[tuple[str, str]] = set()
        todo: list[tuple[Candidate, str, str]] = []  # (candidate, id, sha)
        for cand in candidates:
            sha = cand.sha256
            if (cand.source_path, cand.stem) in seen_origins:
                cand.stem_origin = cand.source  # a repeated id inside one file
            origin = (cand.source_path, cand.stem_origin or cand.stem)
            seen_origins.add(origin)
            if sha in by_sha:
                existing = by_sha[sha]
                if by_origin.get(origin) == existing:
                    summary.unchanged.append(existing)
                else:
                    summary.duplicates.append((cand.source, existing))
                continue
            rid = by_origin.get(origin) or self._unique_id(cand.stem, taken)
            taken.add(rid)
            by_sha[sha] = rid
            by_origin[origin] = rid
            todo.append((cand, rid, sha))

        need = [(c, rid, sha) for c, rid, sha in todo if not self.cache_path(sha).exists()]
        total = len(todo)
        done = 0

        def finish(cand: Candidate, rid: str, sha: str) -> None:
            nonlocal done
            old = index.get(rid)
            text_path = self.texts_dir / f"{rid}.txt"
            old_text = text_path.read_text(encoding="utf-8") if old else None
            atomic_write_bytes(text_path, cand.text.encode("utf-8"), durable=False)
            analysis = self.analyze_text(cand.text)
            index[rid] = ReportMeta(rid, cand.title, cand.date, cand.date_source,
                                    len(analysis.sentences), sha, cand.source_path,
                                    cand.stem_origin or cand.stem,
                                    cand.byline, _now())
            if old is not None:
                summary.updated.append(rid)
                if on_text_changed and old_text is not None:
                    on_text_changed(rid, old_text, cand.text)
            else:
                summary.imported.append(rid)
            done += 1
            if progress:
                progress(done, total, cand.source)

        need_ids = {rid for _, rid, _ in need}
        for t in todo:
            if t[1] in need_ids:
                continue
            finish(*t)
        if need:
            workers = workers or os.cpu_count() or 1
            if workers > 1 and len(need) > 1:
                from concurrent.futures import ProcessPoolExecutor

                with ProcessPoolExecutor(max_workers=min(workers, len(need))) as pool:
                    results = pool.map(_analyze, [c.text for c, _, _ in need],
                                       chunksize=max(1, min(16, len(need) // (workers * 4))))
                    for (cand, rid, sha), result in zip(need, results):
                        atomic_write_bytes(self.cache_path(sha), orjson.dumps(result),
                                           durable=False)
                        finish(cand, rid, sha)
            else:
                for t in need:
                    finish(*t)
        if todo:
            self._save_index()

    def ensure_seeded(self, *, progress: Progress | None = None) -> ImportSummary | None:
        """Fill an empty library from the bundled seeds; None if it had reports."""
        if len(self):
            return None
        from .paths import seeds_dir

        return self.import_paths([seeds_dir()], progress=progress)
