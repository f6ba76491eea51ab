"""Shard file names are bounded: a long Vietnamese report id (173 bytes of
UTF-8, 283 percent-encoded) gets a hashed name, the id stays inside the file,
and listing, counts, export and corruption reports still map files to ids."""
import random
from pathlib import Path

import orjson
import pytest

from annotations.corpus.library import Library
from annotations.interchange.export import iter_records
from annotations.store import AnnotationStore, CorruptDatabase, Selection, shard_name
from annotations.store.shards import TABLE, parse_shard
from annotations.store.shardset import NAME_LIMIT, shard_report_id
from storehelp import bounded, cli, json_lines, synthetic_home

_bounded = bounded(60)


def long_id(n_bytes: int = 173, seed: int = 0) -> str:
    rng = random.Random(seed)
    words = ["báo", "cáo", "tổng", "kết", "công", "tác", "Đảng", "ủy", "nhiệm", "vụ", "quý",
             "năm", "phương", "hướng", "trọng", "tâm", "Tỉnh", "Thừa", "Thiên", "Huế"]
    out = ""
    while True:
        nxt = (out + "_" if out else "") + rng.choice(words)
        if len(nxt.encode()) > n_bytes:
            break
        out = nxt
    return out + "x" * (n_bytes - len(out.encode()))


def sel(spans, rid, i, lib):
    return Selection.of(rid, spans[rid], i, i, lib.get(rid).sha256)


def test_a_173_byte_accented_id_is_tagged_listed_and_exported(tmp_path):
    rid = long_id(173)
    assert len(rid.encode()) == 173
    home = tmp_path / "home"
    spans = synthetic_home(home, ids=[rid, "ngan"], sentences=6)
    lib = Library(home)
    with AnnotationStore(home, annotator="lan") as store:
        store.tag(sel(spans, rid, 1, lib), "risk")  # crashed with ENAMETOOLONG before
        store.tag(sel(spans, "ngan", 0, lib), "task")
    files = sorted(p.name for p in (home / "annotations" / "reports").iterdir())
    assert all(len(f.encode()) <= NAME_LIMIT for f in files)
    hashed = [f for f in files if shard_report_id(f) is None]
    assert len(hashed) == 1 and hashed[0] == shard_name(rid)
    data = parse_shard((home / "annotations" / "reports" / hashed[0]).read_bytes(), Path("x"))
    assert data["meta"]["1"]["report_id"] == rid  # the id is inside the file
    (home / "annotations" / "summary.json").unlink()  # counts rebuilt from the files alone
    with AnnotationStore(home, readonly=True) as store:
        assert store.counts() == {rid: {"risk": 1}, "ngan": {"task": 1}}
        assert sorted(store.report_ids()) == sorted([rid, "ngan"])
        recs = list(iter_records(store, lib))
    assert {r["report_id"] for r in recs} == {rid, "ngan"}
    text = lib.text(rid)
    assert all(text[r["start"]:r["end"]] == r["text"] for r in recs if r["report_id"] == rid)
    res = cli(home, "stats", "--json")
    assert res.exit_code == 0, res.output
    assert {r["report_id"] for r in json_lines(res.stdout) if r["kind"] == "report"} == {rid, "ngan"}


def test_names_are_bounded_distinct_and_safe_for_generated_ids():
    rng = random.Random(9)
    alphabet = "aăâbcdđeêghiklmnoôơpqrstuưvxyÀẢẠẮẰẲẴẶ_-.+%/ \\:~*?\x00\x1b\u202e😀"
    seen = {}
    for _ in range(3000):
        size = rng.choice([1, 5, 40, 80, 120, 200, 400])
        rid = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, size)))
        name = shard_name(rid)
        assert len(name.encode()) <= NAME_LIMIT, rid
        assert "/" not in name and "\x00" not in name and not name.startswith(".")
        assert name.endswith(".json")
        assert seen.setdefault(name, rid) == rid  # distinct ids, distinct names
        back = shard_report_id(name)
        assert back is None or back == rid  # readable names round-trip
        if len(rid) <= 30 and rid.isascii():
            assert back == rid


def test_a_legacy_readable_name_up_to_the_old_limit_keeps_working(tmp_path):
    """A shard an older baocao wrote (readable name of 230 bytes) is found under
    the same name: the readable limit is exactly where the old writes failed."""
    rid = "a" * (230 - len(".json"))
    assert shard_name(rid) == rid + ".json"
    home = tmp_path / "home"
    spans = synthetic_home(home, ids=[rid], sentences=4)
    lib = Library(home)
    with AnnotationStore(home) as store:
        store.tag(sel(spans, rid, 0, lib), "task")
    assert (home / "annotations" / "reports" / f"{rid}.json").exists()


def test_a_corrupt_hashed_shard_is_reported_by_its_file_and_never_written(tmp_path):
    rid = long_id(200, seed=3)
    home = tmp_path / "home"
    spans = synthetic_home(home, ids=[rid, "ngan"], sentences=4)
    lib = Library(home)
    with AnnotationStore(home) as store:
        store.tag(sel(spans, rid, 0, lib), "task")
        store.tag(sel(spans, "ngan", 0, lib), "task")
    shard = home / "annotations" / "reports" / shard_name(rid)
    shard.write_bytes(b'{"_default": {"1": ')
    (home / "annotations" / "summary.json").unlink()
    with AnnotationStore(home) as store:
        assert list(store.problems) == [shard.name]  # named by its file: the id is unreadable
        assert str(shard) in str(store.problems[shard.name])
        with pytest.raises(CorruptDatabase):
            store.tag(sel(spans, rid, 1, lib), "risk")
        assert store.counts() == {"ngan": {"task": 1}}
    assert shard.read_bytes() == b'{"_default": {"1": '
    res = cli(home, "export")
    assert res.exit_code == 1 and str(shard) in res.output and res.stdout == ""


def test_a_hashed_shard_holding_another_reports_data_is_refused(tmp_path):
    rid, other = long_id(190, seed=1), long_id(190, seed=2)
    home = tmp_path / "home"
    spans = synthetic_home(home, ids=[rid, other], sentences=4)
    lib = Library(home)
    with AnnotationStore(home) as store:
        store.tag(sel(spans, rid, 0, lib), "task")
    folder = home / "annotations" / "reports"
    data = orjson.loads((folder / shard_name(rid)).read_bytes())
    data["meta"]["1"]["report_id"] = other  # copied by hand under the wrong name
    for d in data[TABLE].values():
        d["report_id"] = other
    (folder / shard_name(rid)).write_bytes(orjson.dumps(data))
    (home / "annotations" / "summary.json").unlink()
    with AnnotationStore(home, readonly=True) as store:
        assert list(store.problems) == [shard_name(rid)]
        assert "does not say which report" in str(store.problems[shard_name(rid)])
