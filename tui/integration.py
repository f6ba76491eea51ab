"""Glue between the library and the annotation store for the command line."""
from __future__ import annotations

import atexit
from collections.abc import Callable
from pathlib import Path

import click

from annotations.errors import StoreError, StoreLocked
from annotations.migrate import V1_FILE
from annotations.store import AnnotationStore


def _has_store(home: Path) -> bool:
    return (home / "annotations").exists() or (home / V1_FILE).exists()


def _warn(msg: str) -> None:
    click.echo(f"baocao: warning: {msg}", err=True)


def tagged_counts(home: Path) -> dict[str, int]:
    """report id -> number of tagged sentences (cheap: no report is opened)."""
    if not _has_store(home):
        return {}
    try:
        store = AnnotationStore(home, readonly=True)
    except StoreError as exc:
        _warn(f"annotation counts unavailable: {exc}")
        return {}
    with store:
        counts = store.tagged_sentences()
        for problem in store.problems.values():
            _warn(str(problem))
        return counts


def annotations_for(home: Path, report_id: str) -> list[dict]:
    """show --json's `annotations` records for one report. An annotation whose
    passage is not in the current text (orphaned) has null offsets and
    ``"orphaned": true``."""
    if not _has_store(home):
        return []
    from annotations.library import Library

    text = Library(home).text(report_id)
    with AnnotationStore(home, readonly=True) as store:
        out = []
        for a in store.for_report(report_id):
            placed = not a.orphaned and text[a.start:a.end] == a.text
            rec = {"id": a.id, "start": a.start if placed else None,
                   "end": a.end if placed else None, "label": a.label, "text": a.text,
                   "note": a.note, "annotator": a.annotator}
            if not placed:
                rec["orphaned"] = True
            out.append(rec)
        return out


def reanchor_hook(home: Path) -> Callable[[str, str, str], None] | None:
    """Called by import when a report's text changed: (report id, old text, new text).

    Opens the store for writing before the import starts, which takes the
    home's single-writer lock for the whole import: if another baocao holds it,
    the import is refused (the library index has one writer, and texts must not
    change under annotations that cannot be moved)."""
    from annotations.library import Library

    try:
        store = AnnotationStore(home)
    except StoreLocked as exc:
        raise click.ClickException(f"{exc}. Import adds to the library, which has one "
                                   "writer: import again once it is closed.") from None
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    ctx = click.get_current_context(silent=True)  # close when the command ends
    (ctx.call_on_close if ctx else atexit.register)(store.close)
    lib = Library(home)

    def hook(report_id: str, old_text: str, new_text: str) -> None:
        sentences = lib.analyze_text(new_text).sentences  # cached by the import
        try:
            stats = store.reanchor(report_id, new_text, sentences)
        except (StoreError, OSError) as exc:
            # Never abort the import half-way; the annotations keep the old text's
            # hash, so export and show treat them as orphaned until fixed.
            _warn(f"annotations of report {report_id} were not re-anchored: {exc}")
            return
        if stats["moved"] or stats["orphaned"]:
            click.echo(f"report {report_id}: text changed; annotations kept {stats['kept']}, "
                       f"moved {stats['moved']}, orphaned {stats['orphaned']}", err=True)

    return hook
