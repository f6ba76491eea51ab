"""Use cases shared by the command line and the TUI: they combine the library
and the annotation store. No click, no textual: messages go to a ``warn``
callback, failures raise BaocaoError subclasses."""
from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .corpus.library import Library, Report
from .corrections import CorrectedEntity, Rules
from .errors import BaocaoError, StoreError, StoreLocked
from .home import Home
from .models import Analysis
from .store import AnnotationStore

Warn = Callable[[str], None]


def _ignore(_msg: str) -> None:
    pass


def progress(home: Home, annotator: str | None = None, warn: Warn = _ignore) -> dict[str, dict]:
    """report id -> {"tagged", "none" (sentences), "done"} of the annotator
    (default: the home's), cheap: no report is opened."""
    home = Home.of(home)
    if not home.has_store:
        return {}
    try:
        store = AnnotationStore(home, annotator=annotator, readonly=True)
    except StoreError as exc:
        warn(f"annotation counts unavailable: {exc}")
        return {}
    with store:
        counts = store.progress()
        for problem in store.problems.values():
            warn(str(problem))
        return counts


def annotation_records(home: Home, report_id: str, text: str) -> list[dict]:
    """show --json's `annotations` for one report: its passages (every
    annotator). One whose passage is not in the current text (orphaned) has
    null offsets and ``"orphaned": true``."""
    home = Home.of(home)
    if not home.has_store:
        return []
    with AnnotationStore(home, readonly=True) as store:
        out = []
        for a in store.passages(report_id):
            placed = not a.orphaned and text[a.start:a.end] == a.text
            rec = {"id": a.id, "start": a.start if placed else None,
                   "end": a.end if placed else None, "label": a.label, "text": a.text,
                   "note": a.note, "annotator": a.annotator, "source": a.source}
            if not placed:
                rec["orphaned"] = True
            out.append(rec)
        return out


def entity_rules(home: Home, annotator: str | None = None) -> Rules:
    """Every analyst's entity corrections as rules for ``annotator`` (default:
    the home's), read without the writer lock."""
    home = Home.of(home)
    if not home.has_store:
        return Rules((), "")
    with AnnotationStore(home, annotator=annotator, readonly=True) as store:
        return Rules(store.corrections(), store.annotator)


def show_record(report_id: str, meta, text: str, analysis: Analysis,
                annotations: list[dict], tags: bool = False,
                entities: list[CorrectedEntity] | None = None) -> dict:
    """PRODUCT.md's `show --json` object. ``meta`` is a ReportMeta or, for a file
    shown without importing, a Candidate. ``tags``: each token also gets its
    raw ``pos``, ``chunk`` and ``ner`` tags (the tagger runs again: they are
    not cached). ``entities``: the corrected ones (default: the model's)."""
    if entities is None:
        entities = Rules((), "").apply(report_id, text, analysis.entities)
    tokens = [{"start": t.start, "end": t.end} for t in analysis.tokens]
    if tags:
        from .nlp import token_tags

        for tok, (pos, chunk, ner) in zip(tokens, token_tags(text, analysis)):
            tok.update(pos=pos, chunk=chunk, ner=ner)
    return {
        "id": report_id,
        "title": meta.title,
        "date": meta.date,
        "date_source": meta.date_source,
        "date_evidence": meta.date_evidence or None,
        "text": text,
        "paragraphs": [{"start": p.start, "end": p.end, "kind": p.kind} for p in analysis.paragraphs],
        "sentences": [{"start": s.start, "end": s.end, "paragraph": s.paragraph}
                      for s in analysis.sentences],
        "tokens": tokens,
        "entities": [{"start": e.start, "end": e.end, "label": e.label,
                      "text": text[e.start:e.end], "source": e.source} for e in entities],
        "annotations": annotations,
        "removed": [{"line": line, "reason": why} for line, why in meta.removed],
    }


def show(home: Home, report: str, tags: bool = False) -> dict:
    """The `show --json` record of a report id, or of a file path analysed
    without importing it (raises LibraryError / InputError); ``tags`` adds
    each token's raw tags (show_record)."""
    from pathlib import Path

    from .errors import InputError, LibraryError

    home = Home.of(home)
    lib = Library(home)
    if report in lib:
        opened: Report = lib.open(report)
        ents = entity_rules(home).apply(report, opened.text, opened.analysis.entities)
        return show_record(report, opened.meta, opened.text, opened.analysis,
                           annotation_records(home, report, opened.text), tags, ents)
    path = Path(report)
    if not path.exists():
        raise LibraryError(f"{report}: no report with that id and no such file")
    from .corpus.ingest import Skipped, read_candidates

    cand = next(iter(read_candidates(path)), None)
    if cand is None:
        raise InputError(f"{path}: no report in this file")
    if isinstance(cand, Skipped):
        raise InputError(str(cand))
    analysis = lib.analyze_text(cand.text)
    ents = entity_rules(home).apply(cand.stem, cand.text, analysis.entities)
    return show_record(cand.stem, cand, cand.text, analysis, [], tags, ents)


@dataclass
class Reanchored:
    report_id: str
    kept: int
    moved: int
    orphaned: int


def import_paths(home: Home, paths: Iterable[str | os.PathLike], *, annotator: str | None = None,
                 workers: int | None = None, progress=None, warn: Warn = _ignore,
                 on_reanchored: Callable[[Reanchored], None] | None = None,
                 max_bytes: int | None = None, scheduler: str | None = None):
    """Import into the library under the writer lock, re-anchoring the
    annotations of every report whose text changed. Raises StoreLocked when
    another baocao holds the home. ``max_bytes``: bigger files are refused;
    ``scheduler``: analyse on that Dask cluster (the home is written here only)."""
    home = Home.of(home)  # one Home: the store and the import share its lock
    try:
        store = AnnotationStore(home, annotator=annotator)
    except StoreLocked as exc:
        raise StoreLocked(exc.message, "Import adds to the library, which has one writer: "
                          "import again once that baocao is closed.") from None
    with store:
        def reanchor(report_id: str, _old: str, new_text: str, analysis: Analysis) -> None:
            try:
                stats = store.reanchor(report_id, new_text, analysis.sentences)
            except (StoreError, OSError) as exc:
                # Never abort the import half-way: the annotations keep the old
                # text's hash, so export and show treat them as orphaned.
                warn(f"annotations of report {report_id} were not re-anchored: {exc}")
                return
            if on_reanchored and (stats["moved"] or stats["orphaned"]):
                on_reanchored(Reanchored(report_id, **stats))

        summary = Library(home).import_paths(paths, progress=progress, workers=workers,
                                             on_text_changed=reanchor, max_bytes=max_bytes,
                                             scheduler=scheduler)
    if not summary.interrupted:
        index_imported(home, progress=progress, warn=warn)
    return summary


def index_imported(home: Home, *, progress=None, warn: Warn = _ignore) -> None:
    """Bring the search and entity indexes up to the catalogue, so the first
    search or entities list after an import does not index the whole import
    (at 100,000 reports that is a minute or more). Each index changes in its
    own transaction, after the writer lock is released; a failure or a Ctrl-C
    here loses nothing: the indexes are never the truth, and the next reader
    brings them current."""
    from .entity_index import EntityIndex
    from .search.index import SearchIndex

    try:
        with SearchIndex(home) as search:
            search.sync()
        with EntityIndex(home) as entities:
            entities.refresh(None if progress is None else
                             lambda done, total: progress(done, total, "indexing entities"))
    except (BaocaoError, OSError, sqlite3.Error) as exc:
        warn(f"the indexes were not brought up to date ({exc}); the next search does it")
    except KeyboardInterrupt:
        warn("indexing stopped; the next search brings the indexes up to date")
