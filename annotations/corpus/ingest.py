"""Import: files -> candidates (decoded, cleaned, dated) -> analysed reports.

The original files are never modified. Decoding, cleaning and dates are
imported here, so readers of the library (`list`, the TUI) never load them.
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from ..fsutil import atomic_write_bytes
from ..models import Analysis, ReportMeta, text_sha256
from .cache import analyze_to_dict

if TYPE_CHECKING:
    from .library import Library

SUFFIXES = {".txt", ".md", ".jsonl"}

Progress = Callable[[int, int, str], None]  # (done, total, what)
# (report id, old text, new text, new analysis): a re-imported report's text changed
TextChanged = Callable[[str, str, str, Analysis], None]


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
    from ..text.clean import clean
    from ..text.dates import find_date

    cleaned = clean(raw)
    header = date or cleaned.header_date
    iso, date_source = find_date(cleaned.text, header)
    return Candidate(source, str(path.resolve()), stem, cleaned.text, title or cleaned.title,
                     iso, date_source, cleaned.byline)


def read_candidates(path: Path) -> Iterator[Candidate | Skipped]:
    """Decode and clean one file; a .jsonl file gives one candidate per line."""
    from ..text.clean import CleanError
    from ..text.decode import DecodeError, decode_bytes

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


def safe_id(stem: str) -> str:
    """Ids name files in the home: keep them to one safe path component."""
    stem = re.sub(r"[^\w.-]+", "_", stem.strip()).strip("._")
    return stem[:120] or "report"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def add_candidates(lib: Library, candidates: list[Candidate], summary: ImportSummary, *,
                   progress: Progress | None = None, workers: int | None = None,
                   on_text_changed: TextChanged | None = None) -> None:
    """Add read candidates to the library (the caller holds the writer lock).
    Texts already cached are finished first; the rest are analysed in worker
    processes and finished as their results arrive."""
    index = lib._load_index()
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
        rid = by_origin.get(origin) or lib._unique_id(cand.stem, taken)
        taken.add(rid)
        by_sha[sha] = rid
        by_origin[origin] = rid
        todo.append((cand, rid, sha))

    need = [(c, rid, sha) for c, rid, sha in todo if not lib.cache.has(sha)]
    total = len(todo)
    done = 0

    def finish(cand: Candidate, rid: str, sha: str, analysis: Analysis | None = None) -> None:
        nonlocal done
        old = index.get(rid)
        text_path = lib.home.text_path(rid)
        old_text = text_path.read_text(encoding="utf-8") if old and text_path.exists() else None
        atomic_write_bytes(text_path, cand.text.encode("utf-8"), durable=False)
        analysis = analysis or lib.cache.analysis(cand.text, sha)
        index[rid] = ReportMeta(rid, cand.title, cand.date, cand.date_source,
                                len(analysis.sentences), sha, cand.source_path,
                                cand.stem_origin or cand.stem,
                                cand.byline, _now())
        if old is not None:
            summary.updated.append(rid)
            if on_text_changed and old_text is not None:
                on_text_changed(rid, old_text, cand.text, analysis)
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
                results = pool.map(analyze_to_dict, [c.text for c, _, _ in need],
                                   chunksize=max(1, min(16, len(need) // (workers * 4))))
                for (cand, rid, sha), result in zip(need, results):
                    lib.cache.put_dict(sha, result)
                    finish(cand, rid, sha, Analysis.from_dict(result))
        else:
            for t in need:
                finish(*t)
    if todo:
        lib._save_index()
