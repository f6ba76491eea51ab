"""import-annotations benchmark (issue 9): 100,000 records <= 15 s, and linear.

Homes are built as in bench_store.py (synthetic library, analyses by rule, shards
through the store's own storage). Cases, each timed through ``import_file`` (what
`baocao import-annotations` runs, all or nothing across reports: staged temp
files, a journal, renames):

- spread: 100,000 single-sentence records over 10,000 reports into a home with
  the same library and no annotations (all added), then the same file again
  (all unchanged: nothing written), then relabelled (all updated);
- dense: 100,000 records over 50 reports (100 annotators on every sentence)
  into an empty home, then again: the case that was quadratic (each record
  scanned every annotation of its report);
- linearity: the spread case at 25,000 / 50,000 / 100,000 records;
- references in the same run: reading and parsing the file with orjson (the
  floor), and the old merge (a scan of the report's documents per record,
  ``records.holder``) beside the new one on the same dense records.

BENCH_IMPORT_RECORDS scales it down for a quick look.
"""
from __future__ import annotations

import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_store import build_home, verdict  # noqa: E402

from annotations.corpus.library import Library  # noqa: E402
from annotations.interchange import import_annotations as imp  # noqa: E402
from annotations.store import AnnotationStore  # noqa: E402
from annotations.store.records import holder, passage_key  # noqa: E402
from annotations.store.shards import TABLE  # noqa: E402

N = int(os.environ.get("BENCH_IMPORT_RECORDS", 100_000))
TARGET_S = 15.0
LABELS = ["achievement", "task", "risk"]


def empty_twin(home: Path, twin: Path) -> None:
    """A home sharing ``home``'s library and caches (symlinks), without annotations."""
    twin.mkdir()
    for d in ("library", "cache"):
        (twin / d).symlink_to(home / d)


def records_from_shards(home: Path, limit: int | None = None) -> list[dict]:
    """One native-like record per stored document (single sentences)."""
    out = []
    for path in sorted((home / "annotations" / "reports").iterdir()):
        for d in orjson.loads(path.read_bytes())[TABLE].values():
            out.append({k: d[k] for k in ("id", "report_id", "label", "text", "start", "end",
                                          "note", "annotator", "source", "score",
                                          "model_version", "created_at", "updated_at",
                                          "report_sha256")} | {"orphaned": False})
            if limit and len(out) >= limit:
                return out
    return out


def write_file(path: Path, records: list[dict]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return path


def disk_floor(tmp: Path, home: Path, *, over: bool = False) -> tuple[float, int]:
    """The disk's own part: as many new files as the import stages, of the
    shards' sizes, created and written in one folder (no fsync); ``over``:
    then each renamed over an existing file of that size (what replacing a
    shard atomically costs: on a file system mounted with ``discard`` freeing
    the old file's blocks is most of it)."""
    sizes = [p.stat().st_size for p in (home / "annotations" / "reports").iterdir()]
    folder = tmp / "floor"
    folder.mkdir()
    if over:
        for i, n in enumerate(sizes):
            (folder / f"f{i}.json").write_bytes(b"o" * n)
        os.sync()
    t0 = time.perf_counter()
    for i, n in enumerate(sizes):
        fd = os.open(folder / f".f{i}.tmp", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.write(fd, b"x" * n)
        os.close(fd)
    if over:
        for i in range(len(sizes)):
            os.replace(folder / f".f{i}.tmp", folder / f"f{i}.json")
    t = time.perf_counter() - t0
    shutil.rmtree(folder)
    return t, len(sizes)


def timed_import(home: Path, path: Path) -> tuple[float, imp.ImportResult]:
    t0 = time.perf_counter()
    with AnnotationStore(home, annotator="bench") as store:
        result = imp.import_file(store, Library(home), path)
    return time.perf_counter() - t0, result


def floor(path: Path) -> float:
    t0 = time.perf_counter()
    with open(path, "rb") as f:
        for line in f:
            orjson.loads(line)
    return time.perf_counter() - t0


def dense_records(home: Path, sentences: dict[str, list], n: int, n_reports: int) -> list[dict]:
    """n records over the first n_reports reports: every sentence, as many
    annotators as it takes."""
    lib = Library(home)
    per_report = n // n_reports
    out = []
    for rid in sorted(sentences)[:n_reports]:
        text, sents = lib.text(rid), sentences[rid]
        mine: list[dict] = []
        who = 0
        while len(mine) < per_report:
            for i, (s, e, _p) in enumerate(sents[: per_report - len(mine)]):
                mine.append({"report_id": rid, "start": s, "end": e, "text": text[s:e],
                             "label": LABELS[(i + who) % 3], "annotator": f"a{who:03d}"})
            who += 1
        out += mine
    return out


def old_merge_time(docs_by_report: dict[str, list[dict]], recs: list[dict]) -> float:
    """The merge as it was: for each record, ``holder`` scans the report's documents."""
    t0 = time.perf_counter()
    for rid, docs in docs_by_report.items():
        by_id = {d["id"]: d for d in docs}
        for r in (x for x in recs if x["report_id"] == rid):
            key = passage_key({**r, "orphaned": False})
            same = holder(by_id.values(), key)
            by_id[same["id"] if same else r["id"]] = {**r, "orphaned": False}
    return time.perf_counter() - t0


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp_s:
        tmp = Path(tmp_s)
        home = tmp / "home"
        t0 = time.perf_counter()
        n_reports = max(10, N // 10)
        sentences = build_home(home, n_reports, 10)
        AnnotationStore(home).close()
        print(f"(setup: {n_reports} reports, {n_reports * 10} annotations in "
              f"{time.perf_counter() - t0:.1f} s)")

        recs = records_from_shards(home)
        src = write_file(tmp / "spread.jsonl", recs)
        print(f"reading and parsing the {len(recs)}-record file (orjson, the floor): "
              f"{floor(src):.2f} s")

        fresh = tmp / "fresh"
        empty_twin(home, fresh)
        t, res = timed_import(fresh, src)
        print(f"spread, into an empty home: {len(recs)} records over {len(res.reports)} reports "
              f"in {t:.2f} s (target <= {TARGET_S:.0f} s) {verdict(t <= TARGET_S)}; "
              f"added {res.added}")
        ft, nf = disk_floor(tmp, fresh)
        print(f"  reference, the disk alone: creating and writing {nf} files of those shards' "
              f"sizes (no fsync) {ft:.2f} s")
        t, res = timed_import(fresh, src)
        print(f"  the same file again (nothing written): {t:.2f} s (target <= {TARGET_S:.0f} s) "
              f"{verdict(t <= TARGET_S)}; unchanged {res.unchanged}")
        rng = random.Random(3)
        relabelled = write_file(tmp / "relabel.jsonl",
                                [{**r, "label": rng.choice([x for x in LABELS if x != r["label"]])}
                                 for r in recs])
        t, res = timed_import(fresh, relabelled)
        print(f"  relabelled (every record updates a decision): {t:.2f} s (target <= "
              f"{TARGET_S:.0f} s) {verdict(t <= TARGET_S)}; updated {res.updated}")
        ft, nf = disk_floor(tmp, fresh, over=True)
        print(f"  reference, the disk alone: {nf} files of those sizes written and each renamed "
              f"over an existing one (no fsync) {ft:.2f} s")

        times = {}
        for k in (4, 2, 1):
            part = recs[: len(recs) // k]
            twin = tmp / f"lin{k}"
            empty_twin(home, twin)
            times[len(part)] = timed_import(twin, write_file(tmp / f"lin{k}.jsonl", part))[0]
            shutil.rmtree(twin / "annotations")
        (small, ts), (big, tb) = min(times.items()), max(times.items())
        print("  linearity: " + ", ".join(f"{n} records {t:.2f} s" for n, t in sorted(times.items()))
              + f"; x{tb / ts:.1f} time for x{big / small:.0f} records (linear: ~x{big / small:.0f},"
              f" quadratic: x{(big / small) ** 2:.0f}) {verdict(tb / ts <= 1.5 * big / small)}")

        dense = dense_records(home, sentences, len(recs), 50)
        dsrc = write_file(tmp / "dense.jsonl", dense)
        dhome = tmp / "dense"
        empty_twin(home, dhome)
        t, res = timed_import(dhome, dsrc)
        per = len(dense) // 50
        print(f"dense: {len(dense)} records over 50 reports ({per} per report, "
              f"{len({r['annotator'] for r in dense})} annotators) into an empty home: {t:.2f} s "
              f"(target <= {TARGET_S:.0f} s) {verdict(t <= TARGET_S)}; added {res.added}")
        t, res = timed_import(dhome, dsrc)
        print(f"  the same file again: {t:.2f} s (target <= {TARGET_S:.0f} s) "
              f"{verdict(t <= TARGET_S)}; unchanged {res.unchanged}")

        # reference: the old merge beside the new one, on the same dense records
        sample = [{**r, "id": f"{n:032x}", "note": "", "decided": True} for n, r in
                  enumerate(dense[: per * 2])]  # two reports
        with AnnotationStore(dhome, readonly=True) as store:
            stored = {rid: store.documents(rid) for rid in {r["report_id"] for r in sample}}
        old = old_merge_time(stored, sample)
        t0 = time.perf_counter()
        index = {rid: imp._Docs(docs) for rid, docs in stored.items()}
        for r in sample:
            d = {**r, "orphaned": False}
            index[r["report_id"]].holder(passage_key(d))
            index[r["report_id"]].put(d)
        new = time.perf_counter() - t0
        print(f"  reference: merging {len(sample)} records into 2 reports of {per} documents: "
              f"old scan per record {old:.2f} s, index {new * 1000:.0f} ms "
              f"(x{old / max(new, 1e-9):.0f})")


if __name__ == "__main__":
    main()
