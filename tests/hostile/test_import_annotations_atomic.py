"""import-annotations is all or nothing across reports, even when the disk fills
midway (real small tmpfs, and simulated ENOSPC after every number of bytes),
a rename fails, or the process dies at any step of the commit."""
import errno
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import annotations.store.shardset as shardset_mod
from annotations.corpus.library import Library
from annotations.interchange.import_annotations import import_file
from annotations.store import AnnotationStore
from annotations.store.shards import StoreWriteError
from storehelp import (
    bounded,
    cli,
    fail_writes_after,
    fill_disk,
    leftovers,
    records_for,
    shard_bytes,
    small_fs,
    synthetic_home,
    view,
    write_jsonl,
)

_bounded = bounded(120)
N_REPORTS = 6


def prepare(home: Path, tmp: Path) -> tuple[Path, dict, dict]:
    """A home with annotations in every report, and a file relabelling all of
    them (long notes: every staged shard is several KB). Returns (file, the
    view before, the view after a successful import)."""
    spans = synthetic_home(home, N_REPORTS, 10)
    first = tmp / "first.jsonl"
    write_jsonl(first, records_for(spans, home, annotators=("lan", "minh")))
    with AnnotationStore(home) as store:
        import_file(store, Library(home), first)
    second = tmp / "second.jsonl"
    recs = records_for(spans, home, annotators=("lan", "khoa"),
                       label_of=lambda rid, i, who: ("risk", "task", "achievement")[i % 3])
    for n, r in enumerate(recs):
        r["note"] = f"ghi chú số {n}: " + "đối chiếu với báo cáo quý trước; " * 12
    write_jsonl(second, recs)
    before = view(home)
    ref = tmp / "ref"
    shutil.copytree(home, ref)
    with AnnotationStore(ref) as store:
        import_file(store, Library(ref), second)
    after = view(ref)
    assert set(after) == set(before) and all(after[r] != before[r] for r in before)
    return second, before, after


def counting_stages(monkeypatch) -> list[int]:
    staged = [0]
    real = shardset_mod.write_temp

    def counted(*a, **k):
        out = real(*a, **k)
        staged[0] += 1
        return out

    monkeypatch.setattr(shardset_mod, "write_temp", counted)
    return staged


def test_a_disk_filling_midway_on_a_small_file_system(tmp_path, monkeypatch):
    staged = counting_stages(monkeypatch)
    midway = 0
    for leave in (0, 4096, 12288, 24576, 49152, 65536, 98304, 10**7):  # the catalogue log takes 32 KB
        with small_fs(tmp_path / f"fs{leave}", "1m") as fs:
            home = fs / "home"
            (tmp_path / f"t{leave}").mkdir()
            src, before, after = prepare(home, tmp_path / f"t{leave}")
            staged[0] = 0
            fill_disk(fs, leave=leave)
            shards = shard_bytes(home)
            try:
                with AnnotationStore(home) as store:
                    import_file(store, Library(home), src)
                ok = True
            except StoreWriteError as exc:
                ok = False
                assert "no space left on the device" in str(exc) and "\n" not in exc.message
                midway += staged[0] > 0  # some shards staged, then the disk was full
                assert shard_bytes(home) == shards  # nothing changed, no temp file left
            assert view(home) == (after if ok else before)
            assert leftovers(home) == []
    assert midway >= 1  # the disk really filled in the middle of a multi-report import


def _total_staged_bytes(tmp_path) -> int:
    home = tmp_path / "probe"
    src, _b, _a = prepare(home, tmp_path / "probe-t")
    size = [0]
    real = shardset_mod.write_temp

    def measure(path, data, **k):
        size[0] += len(data)
        return real(path, data, **k)

    shardset_mod.write_temp = measure
    try:
        with AnnotationStore(home) as store:
            import_file(store, Library(home), src)
    finally:
        shardset_mod.write_temp = real
    return size[0]


def test_enospc_after_any_number_of_bytes_changes_all_or_nothing(tmp_path, monkeypatch):
    (tmp_path / "probe-t").mkdir()
    total = _total_staged_bytes(tmp_path)
    outcomes = []
    for n, budget in enumerate(sorted({0, 1, 100, total // 5, total // 2, total - 1, total,
                                       total + 50, total + 10**6})):
        t = tmp_path / f"t{n}"
        t.mkdir()
        home = tmp_path / f"h{n}"
        src, before, after = prepare(home, t)
        shards = shard_bytes(home)
        with monkeypatch.context() as m:
            fail_writes_after(m, budget, errno.ENOSPC)
            try:
                with AnnotationStore(home) as store:
                    import_file(store, Library(home), src)
                outcomes.append("all")
            except StoreWriteError:
                outcomes.append("nothing")
                assert shard_bytes(home) == shards, budget
        assert view(home) == (after if outcomes[-1] == "all" else before), budget
        assert leftovers(home) == []
    assert "nothing" in outcomes and outcomes[-1] == "all"


def test_a_rename_failing_midway_is_completed_by_the_next_writer(tmp_path, monkeypatch):
    home = tmp_path / "home"
    (tmp_path / "t").mkdir()
    src, before, after = prepare(home, tmp_path / "t")
    real = os.replace
    done = [0]

    def flaky(a, b, *k, **kw):
        if str(a).endswith(".tmp") and "reports" in str(b):
            done[0] += 1
            if done[0] == 3:
                raise OSError(errno.EIO, "Input/output error")
        return real(a, b, *k, **kw)

    with monkeypatch.context() as m:
        m.setattr(os, "replace", flaky)
        with pytest.raises(StoreWriteError) as info:
            with AnnotationStore(home) as store:
                import_file(store, Library(home), src)
    msg = str(info.value)
    assert "partly applied" in msg and "completes it" in msg
    assert view(home) not in (before, after)  # really half-way ...
    with AnnotationStore(home, readonly=True):
        pass  # (a reader does not repair)
    with AnnotationStore(home) as store:  # ... and the next writer finishes it
        assert not store.problems
    assert view(home) == after and leftovers(home) == []


CRASH = textwrap.dedent("""
    import os, sys
    import annotations.store.shardset as S
    from annotations.corpus.library import Library
    from annotations.interchange.import_annotations import import_file
    from annotations.store import AnnotationStore
    home, src, where, k = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    count = [0]
    def crash_after(real):
        def f(*a, **kw):
            if where == "rename" and "/reports/" not in str(a[1]):
                return real(*a, **kw)  # the journal's own rename is not a shard's
            if count[0] == k:
                os._exit(9)  # no cleanup, no finally: as SIGKILL
            count[0] += 1
            return real(*a, **kw)
        return f
    if where == "stage":
        S.write_temp = crash_after(S.write_temp)
    elif where == "journal":
        S.atomic_write_bytes = crash_after(S.atomic_write_bytes)
    else:
        os.replace = crash_after(os.replace)
    store = AnnotationStore(home)
    import_file(store, Library(home), src)
    store.close()
    print("finished")
""")


@pytest.mark.parametrize("where,k", [("stage", 0), ("stage", 3), ("stage", N_REPORTS - 1),
                                     ("journal", 0), ("rename", 0), ("rename", 2),
                                     ("rename", N_REPORTS - 1)])
def test_a_crash_at_each_step_of_the_commit(tmp_path, where, k):
    home = tmp_path / "home"
    (tmp_path / "t").mkdir()
    src, before, after = prepare(home, tmp_path / "t")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    res = subprocess.run([sys.executable, "-c", CRASH, str(home), str(src), where, str(k)],
                         capture_output=True, timeout=60, env=env)
    assert res.returncode == 9, res.stderr.decode()
    committed = where == "rename"  # the journal was written: the commit point was passed
    if not committed:
        assert view(home) == before
    assert cli(home, "stats").exit_code == 0  # a reader opens at any point
    with AnnotationStore(home) as store:  # the next writer: finishes or rolls back
        assert not store.problems
        summary = store.summary()
    assert view(home) == (after if committed else before)
    assert leftovers(home) == []
    assert {rid: e["count"] for rid, e in summary.items()} == _runs(home)


def _runs(home) -> dict[str, int]:
    from annotations.store import summarize
    from annotations.store.shards import TABLE, parse_shard

    out = {}
    for p in sorted((home / "annotations" / "reports").glob("[!.]*.json")):
        docs = list(parse_shard(p.read_bytes(), p)[TABLE].values())
        out[docs[0]["report_id"]] = summarize(docs)["count"]
    return out
