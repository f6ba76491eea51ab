"""Entity corrections in the store: durable, undoable with the tags, seen by a
read-only store, refused when they do not fit the text."""
from __future__ import annotations

import orjson
import pytest

from annotations.corpus.library import Library
from annotations.corrections import Rules, make_remove, make_set
from annotations.errors import CorruptDatabase, StoreError
from annotations.store import AnnotationStore, Selection
from annotations.store.records import now_iso


def _first_entity(home):
    lib = Library(home)
    report = lib.open(lib.reports()[0].id)
    return lib, report, report.analysis.entities[0]


def test_a_correction_is_on_disk_and_undone_with_the_tags(seeded_home):
    lib, report, ent = _first_entity(seeded_home)
    rid, text = report.id, report.text
    with AnnotationStore(seeded_home, annotator="lan") as store:
        c = make_remove(rid, text, report.analysis.entities, ent.start, ent.end,
                        annotator="lan", now=now_iso())
        change = store.correct(c)
        assert change.report_id == rid and "is not" in change.what
        on_disk = orjson.loads((seeded_home / "annotations" / "corrections.json").read_bytes())
        assert [d["id"] for d in on_disk["corrections"].values()] == [c.id]
        store.tag(Selection.of(rid, report.analysis.sentences, 0, 0, report.meta.sha256), "risk")
        assert store.undo().what == "tagged"  # the tag, then the correction
        assert store.corrections() == [c]
        assert store.undo().report_id == rid
        assert store.corrections() == []
        assert store.redo() is not None and store.corrections() == [c]
        store.delete_correction(c.id)
        assert store.corrections() == []
        store.undo()
        assert store.corrections() == [c]
        with pytest.raises(StoreError, match="no correction"):
            store.delete_correction("0" * 32)
    with AnnotationStore(seeded_home, readonly=True) as ro:  # another process
        assert ro.corrections() == [c]
        with pytest.raises(StoreError, match="read-only"):
            ro.correct(c)


def test_a_read_only_store_follows_the_writer(seeded_home):
    lib, report, ent = _first_entity(seeded_home)
    with AnnotationStore(seeded_home, readonly=True) as ro, \
            AnnotationStore(seeded_home, annotator="lan") as store:
        before = ro.corrections_version
        assert ro.corrections() == []
        c = make_set(report.id, report.text, report.analysis, report.analysis.entities,
                     ent.start, ent.end, "NUM" if ent.label != "NUM" else "PER",
                     annotator="lan", now=now_iso())
        store.correct(c)
        assert ro.corrections_version != before
        assert ro.corrections() == [c]
        shown = Rules(ro.corrections(), "x").apply(report.id, report.text, report.analysis.entities)
        assert (ent.start, ent.end, c.label, "analyst") in \
            [(e.start, e.end, e.label, e.source) for e in shown]


def test_a_correction_that_does_not_fit_the_text_is_refused(seeded_home):
    lib, report, ent = _first_entity(seeded_home)
    c = make_remove(report.id, report.text, report.analysis.entities, ent.start, ent.end,
                    annotator="lan", now=now_iso())
    other = lib.reports()[1].id
    with AnnotationStore(seeded_home, annotator="lan") as store:
        moved = type(c).from_doc({**c.to_doc(), "report_id": other})
        with pytest.raises(StoreError, match="is not at"):
            store.correct(moved)
        assert store.corrections() == []


def test_a_broken_corrections_file_is_reported_not_overwritten(seeded_home):
    path = seeded_home / "annotations" / "corrections.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b'{"corrections": {"1": {"id": 3}}}')
    with AnnotationStore(seeded_home, readonly=True) as ro:
        with pytest.raises(CorruptDatabase, match="not a correction"):
            ro.corrections()
    assert path.read_bytes() == b'{"corrections": {"1": {"id": 3}}}'
