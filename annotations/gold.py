"""``baocao export --gold``: the adjudicated gold set, one record per unit.

A unit (a body sentence) is in the gold set when it was adjudicated (a document
of annotator ``gold``, source ``adjudication``: the review screen) or, failing
that, when every annotator who marked the report done -- two or more -- gave
it the same value. Records have the native fields (``annotator`` is ``gold``;
a unanimous unit's ``source`` is ``manual``, its times the span of the agreeing
decisions) plus ``gold`` (``"adjudicated"`` or ``"unanimous"``), ``adjudicator``
(null when unanimous) and ``agreed`` (the annotators who gave that value).
"none" units only ``with_none`` (label null). Order: reports in library order,
sentences in text order. Offsets are checked as a native export's are: a
report whose text file no longer has the hash its analysis was made for is
refused with one line, never exported against the wrong text.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterator

from .agreement import GOLD, NONE, Review, report_sentences, review
from .corpus.library import Library
from .corrections import Rules
from .errors import LibraryError
from .interchange.export import Records, TextHashes, _Analyses, _inside, _text_on_disk
from .interchange.formats import convert_records
from .store import AnnotationStore

_UNANIMOUS = uuid.UUID("3a8c1f52-7d04-4b6e-9e2f-61c0d5a7b3e8")  # ids of unanimous units


def gold_records(store: AnnotationStore, lib: Library, fmt: str = "native", *,
                 label: str | None = None, with_none: bool = False) -> Records:
    """The gold set in an export format (prodigy: the gold fields in ``meta``;
    doccano: at the top level, like the other metadata)."""
    records = iter_gold(store, lib, label=label, with_none=with_none)
    return Records(records, store.home) if fmt == "native" else convert_records(store, lib, fmt, records)


def iter_gold(store: AnnotationStore, lib: Library, *, label: str | None = None,
              with_none: bool = False) -> Iterator[dict]:
    """Native gold records (see the module docstring), streamed report by report."""
    summary = store.summary()
    analyses = _Analyses(lib, Rules(store.corrections(), store.annotator))
    hashes = TextHashes(lib.home)
    try:
        for meta in lib.reports():
            entry = summary.get(meta.id)
            if entry is None or not (GOLD in entry["people"] or sum(
                    p["done"] for who, p in entry["people"].items() if who != GOLD) >= 2):
                continue
            yield from _report(store, lib, meta, analyses, hashes, label, with_none)
    finally:
        hashes.save()


def _chosen(rv: Review, i: int) -> tuple[str, str, dict | None] | None:
    """(value, kind, the adjudication) of a gold unit, None if it is not one."""
    gold = rv.gold.get(i)
    if gold is not None:
        return gold["label"] or NONE, "adjudicated", gold
    value = rv.unanimous(i)
    return (value, "unanimous", None) if value is not None else None


def _report(store, lib, meta, analyses, hashes, label, with_none) -> Iterator[dict]:
    analysis = report_sentences(lib, meta.id, meta.sha256)  # once: the review's and the offsets
    rv = review(store, lib, meta.id, analysis)
    units = []
    for i in rv.body:
        chosen = _chosen(rv, i)
        if chosen is None or (chosen[0] == NONE and not with_none) or \
                (label is not None and chosen[0] != label):
            continue
        units.append((i, *chosen))
    if not units:
        return
    disk = _text_on_disk(lib, meta.id, hashes)
    if disk.sha != meta.sha256:
        raise LibraryError(f"report {meta.id!r}: its text file does not match the library's "
                           "index; nothing is exported against the wrong text",
                           "Re-import it with `baocao import` on its file.")
    text, spans = disk.text, analysis.sentences
    ents = analyses.entities(meta.id, disk.sha, disk)
    starts = [e[0] for e in ents]
    states = store.states(meta.id)
    for i, value, kind, gold in units:
        s, e = spans[i].start, spans[i].end
        if gold is not None:
            agreed = [a for a in gold.get("agreed", []) if isinstance(a, str)]
            times = [gold]
        else:
            agreed = list(rv.done)
            times = [rv.docs[a][i] for a in rv.done if i in rv.docs[a]] or \
                [states[a] for a in rv.done]  # undecided in done reports
        passage = text[s:e]
        yield {"id": gold["id"] if gold else uuid.uuid5(_UNANIMOUS, f"{meta.id}\x1f{i}").hex,
               "report_id": meta.id, "report_title": meta.title, "report_date": meta.date,
               "label": None if value == NONE else value, "text": passage,
               "start": s, "end": e, "orphaned": False, "sentence_start": i, "sentence_end": i,
               "entities": _inside(ents, starts, passage, s, e),
               "note": gold["note"] if gold else "", "annotator": GOLD,
               "source": gold["source"] if gold else "manual", "score": None,
               "model_version": None,
               "created_at": min(t.get("created_at") or t["updated_at"] for t in times),
               "updated_at": max(t["updated_at"] for t in times),
               "report_sha256": disk.sha, "report_done": False, "gold": kind,
               "adjudicator": gold.get("adjudicator") if gold else None, "agreed": agreed}
