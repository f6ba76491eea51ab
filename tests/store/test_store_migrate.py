"""Schema versions: a version-1 single-file store migrates to per-report shards."""
import orjson
import pytest
from tinydb import TinyDB

from annotations.corpus.library import Library
from annotations.home import Home
from annotations.store import AnnotationStore, CorruptDatabase, StoreError
from storehelp import cli, json_lines, passage, report_ids


def make_v1(home) -> list[dict]:
    """A store as the version-1 prototype wrote it (TinyDB's own JSONStorage)."""
    ids = report_ids(home)
    docs = []
    for n, rid in enumerate(ids[:3]):
        p = passage(home, rid, n, n + 1)
        docs.append({"report": rid, "start": p.start, "end": p.end,
                     "sentences": [p.first, p.last],
                     "label": ["achievement", "task", "risk"][n],
                     "text": Library(home).text(rid)[p.start:p.end],
                     "note": None if n else "ghi chú cũ", "annotator": "lan",
                     "created": "2024-05-01T08:00:00Z", "updated": "2024-05-02T08:00:00Z",
                     "sha256": p.report_sha256})
    db = TinyDB(Home(home).v1_store_path)
    db.table("_meta").insert({"schema": 1})
    db.insert_multiple(docs)
    db.close()
    return docs


def test_v1_store_is_migrated_on_open(seeded_home):
    docs = make_v1(seeded_home)
    raw = (Home(seeded_home).v1_store_path).read_bytes()
    assert b"\\u" in raw  # v1 wrote escapes; v2 does not
    with AnnotationStore(seeded_home, annotator="lan") as store:
        got = {a.report_id: a for rid in report_ids(seeded_home) for a in store.for_report(rid)}
        assert len(got) == 3
        for d in docs:
            a = got[d["report"]]
            assert (a.start, a.end, a.label, a.text, a.annotator) == (
                d["start"], d["end"], d["label"], d["text"], "lan")
            assert (a.sentence_start, a.sentence_end) == tuple(d["sentences"])
            assert a.note == (d["note"] or "") and a.created_at == d["created"]
            assert a.report_sha256 == d["sha256"] and not a.orphaned
        store.tag(passage(seeded_home, docs[0]["report"], 0), "risk")  # usable at once
    assert not (Home(seeded_home).v1_store_path).exists()
    assert (Home(seeded_home).v1_backup_path).read_bytes() == raw  # kept as a backup
    assert orjson.loads((seeded_home / "annotations" / "store.json").read_bytes()) == {"schema": 3}
    with AnnotationStore(seeded_home, readonly=True) as again:  # a second open: no-op
        assert sum(e["count"] for e in again.summary().values()) == 4


def test_migration_ids_are_stable_and_export_works(seeded_home, tmp_path):
    make_v1(seeded_home)
    recs = json_lines(cli(seeded_home, "export").stdout)  # read-only open migrates too
    assert len(recs) == 3 and all(len(r["id"]) == 32 for r in recs)
    assert (Home(seeded_home).v1_backup_path).exists()


def test_crash_mid_migration_migrates_again(seeded_home):
    make_v1(seeded_home)
    shards = seeded_home / "annotations" / "reports"
    shards.mkdir(parents=True)
    (shards / "partial.json").write_bytes(b'{"_default": {}}')  # stray earlier output
    with AnnotationStore(seeded_home) as store:
        assert sum(e["count"] for e in store.summary().values()) == 3


def test_broken_v1_is_reported_and_left_alone(seeded_home):
    (Home(seeded_home).v1_store_path).write_bytes(b'{"_default": {"1": {"report": "x"')
    with pytest.raises(CorruptDatabase) as err:
        AnnotationStore(seeded_home)
    assert err.value.path == Home(seeded_home).v1_store_path and "nothing was migrated" in str(err.value)
    assert (Home(seeded_home).v1_store_path).read_bytes() == b'{"_default": {"1": {"report": "x"'
    assert not (seeded_home / "annotations" / "store.json").exists()


def test_newer_schema_is_refused(home):
    (home / "annotations").mkdir()
    (home / "annotations" / "store.json").write_bytes(b'{"schema": 4}')
    with pytest.raises(StoreError, match="schema 4"):
        AnnotationStore(home)
