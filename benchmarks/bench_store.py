"""Annotation store benchmarks (issue 3), with 100,000 annotations over 10,000 reports:
- tag -> durable: median <= 10 ms, p99 <= 30 ms, beside a plain TinyDB single-file
  JSONStorage insert into 100,000 documents measured in the same run;
- export of all 100,000 (native JSONL) <= 3 s; peak memory (tracemalloc) for 10,000
  vs 100,000 annotations does not grow with the count;
- opening the store <= 0.5 s (and counts() <= 0.2 s).

The home is synthetic: the library is written straight to disk (benchmarks/corpus.py),
each text gets an analysis cache entry built by simple rules (sentences, tokens,
entities: no NLP), and the shards are written through the store's own durable storage.
BENCH_STORE_REPORTS / BENCH_STORE_PER_REPORT scale it down for a quick look;
BENCH_STORE_ONLY=open,tag,export (any of them) runs only those parts.
"""
from __future__ import annotations

import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from tinydb import TinyDB  # noqa: E402

from annotations.corpus.library import Library  # noqa: E402
from annotations.fsutil import atomic_write_bytes  # noqa: E402
from annotations.interchange.export import (  # noqa: E402
    TextHashes,
    TextOnDisk,
    export_to_path,
    iter_records,
    write_jsonl,
)
from annotations.store import AnnotationStore, Selection, now_iso, shard_name  # noqa: E402
from annotations.store.records import ADDED_IN_3  # noqa: E402
from annotations.store.shards import TABLE, ShardStorage  # noqa: E402
from corpus import write_library  # noqa: E402

N_REPORTS = int(os.environ.get("BENCH_STORE_REPORTS", 10_000))
PER_REPORT = int(os.environ.get("BENCH_STORE_PER_REPORT", 10))
ONLY = set(filter(None, os.environ.get("BENCH_STORE_ONLY", "open,tag,export").split(",")))
N_TAGS = 400
N_REF_INSERTS = 8
IDS = uuid.UUID("6a1e7c52-2f0b-4c55-8d0e-3b9a4f1c2d77")  # ids of the synthetic annotations (32 hex)

SENT_RE = re.compile(r"[^.!?\n]+[.!?]?")
TOKEN_RE = re.compile(r"\w+|[^\w\s]")
ENT_RES = [(re.compile(r"\d[\d.,]*%?"), "NUM"),
           (re.compile(r"Bộ Chính trị|Ban Bí thư|Trung ương Đảng|Tỉnh ủy|Quốc hội"), "ORG"),
           (re.compile(r"Việt Nam|Hà Nội|Thành phố Hồ Chí Minh"), "LOC"),
           (re.compile(r"năm \d{4}|quý \d/\d{4}"), "TIME")]


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def fake_analysis(text: str) -> dict:
    """Paragraphs, sentences, tokens and entities by simple rules (no NLP)."""
    paragraphs, sentences = [], []
    for m in re.finditer(r"[^\n]+", text):
        paragraphs.append([m.start(), m.end()])
        for s in SENT_RE.finditer(m.group()):
            a = m.start() + s.start() + (len(s.group()) - len(s.group().lstrip()))
            b = m.start() + s.end()
            if text[a:b].strip():
                sentences.append([a, b, len(paragraphs) - 1])
    tokens = [[t.start(), t.end()] for t in TOKEN_RE.finditer(text)]
    ents = sorted([m.start(), m.end(), lab] for rx, lab in ENT_RES for m in rx.finditer(text))
    return {"paragraphs": paragraphs, "sentences": sentences, "tokens": tokens,
            "entities": ents}


def build_home(home: Path, n_reports: int, per_report: int) -> dict[str, list]:
    """Library + analysis cache + shards; returns report id -> sentences."""
    metas = write_library(home, n_reports)
    lib = Library(home)
    rng = random.Random(7)
    sentences: dict[str, list] = {}
    shards = home / "annotations" / "reports"
    shards.mkdir(parents=True)
    (home / "annotations" / "store.json").write_bytes(b'{"schema": 2}')
    annotators = ["lan", "minh", "khoa"]
    labels = ["achievement", "task", "risk"]
    now = now_iso()
    for m in metas:
        text = lib.text(m.id)
        a = fake_analysis(text)
        lib.cache_path(m.sha256).parent.mkdir(parents=True, exist_ok=True)
        lib.cache_path(m.sha256).write_bytes(orjson.dumps(a))
        sents = a["sentences"]
        sentences[m.id] = sents
        docs, used = {}, set()
        while len(docs) < per_report:
            i = rng.randrange(len(sents))  # one decision per sentence and annotator
            who = rng.choice(annotators)
            if (i, who) in used:
                continue
            used.add((i, who))
            s, e = sents[i][0], sents[i][1]
            docs[str(len(docs) + 1)] = {
                **ADDED_IN_3, "id": uuid.uuid5(IDS, f"{m.id}-{len(docs)}").hex, "report_id": m.id,
                "start": s,
                "end": e, "sentence_start": i, "sentence_end": i, "label": rng.choice(labels),
                "text": text[s:e], "note": "", "annotator": who, "created_at": now,
                "updated_at": now, "report_sha256": m.sha256, "orphaned": False}
        # the store's own storage; fsync once at the end rather than 10,000 times
        ShardStorage(shards / shard_name(m.id), durable=False).write({TABLE: docs})
    os.sync()
    return sentences


def bench_open(home: Path) -> None:
    if (home / "annotations" / "summary.json").exists():
        (home / "annotations" / "summary.json").unlink()
    t0 = time.perf_counter()
    AnnotationStore(home).close()  # rebuilds the summary from every shard
    cold = time.perf_counter() - t0
    opens, counts_t = [], []
    for _ in range(5):
        t0 = time.perf_counter()
        store = AnnotationStore(home)
        opens.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        c = store.counts()
        counts_t.append(time.perf_counter() - t0)
        store.close()
    t0 = time.perf_counter()
    with AnnotationStore(home, readonly=True) as ro:
        ro.counts()
    ro_t = time.perf_counter() - t0
    n = sum(sum(v.values()) for v in c.values())
    print(f"open store ({n} annotations, {len(c)} reports): median "
          f"{statistics.median(opens) * 1000:.0f} ms (target <= 500 ms) "
          f"{verdict(statistics.median(opens) <= 0.5)}")
    print(f"  counts(): {statistics.median(counts_t) * 1000:.1f} ms (target <= 200 ms) "
          f"{verdict(statistics.median(counts_t) <= 0.2)}; read-only open + counts(): "
          f"{ro_t * 1000:.0f} ms; first open without summary (rebuilt from shards): "
          f"{cold * 1000:.0f} ms")


def bench_tag(home: Path, sentences: dict[str, list]) -> list[dict]:
    lib = Library(home)
    rng = random.Random(11)
    rids = rng.sample(sorted(sentences), min(N_TAGS, len(sentences)))
    times = []
    docs = []
    with AnnotationStore(home, annotator="bench") as store:
        for rid in rids:
            sents = sentences[rid]
            i = rng.randrange(len(sents))
            sel = Selection.of(rid, sents, i, i, lib.get(rid).sha256)
            t0 = time.perf_counter()
            store.tag(sel, rng.choice(["a", "t", "r"]))
            times.append(time.perf_counter() - t0)
            docs.append(next(d for d in store.documents(rid)
                             if d["annotator"] == "bench" and d["sentence_start"] == i))
    floor = []
    for _ in range(len(times) // 4):  # the disk's own cost of one durable atomic write
        t0 = time.perf_counter()
        atomic_write_bytes(home / "floor.json", b"x" * 4000)
        floor.append(time.perf_counter() - t0)
    med, p99 = statistics.median(times) * 1000, pct(times, 99) * 1000
    print(f"tag -> durable ({len(times)} tags, store of {N_REPORTS * PER_REPORT} annotations): "
          f"median {med:.2f} ms (target <= 10) {verdict(med <= 10)}, "
          f"p99 {p99:.2f} ms (target <= 30) {verdict(p99 <= 30)}")
    print(f"  of which the disk: one atomic durable 4 KB write (temp, fsync, rename, fsync "
          f"dir) measured alongside: median {statistics.median(floor) * 1000:.2f} ms, "
          f"p99 {pct(floor, 99) * 1000:.2f} ms")
    return docs


def bench_reference(tmp: Path, home: Path, sample: list[dict]) -> None:
    """Plain TinyDB, one JSONStorage file, the same documents."""
    docs = []
    for path in sorted((home / "annotations" / "reports").iterdir()):
        docs.extend(orjson.loads(path.read_bytes())[TABLE].values())
    path = tmp / "single.json"
    db = TinyDB(path)
    db.insert_multiple(docs)
    db.close()
    times = []
    db = TinyDB(path)
    for doc in sample[:N_REF_INSERTS]:
        t0 = time.perf_counter()
        db.insert({**doc, "id": doc["id"] + "-ref"})
        times.append(time.perf_counter() - t0)
    db.close()
    size = path.stat().st_size / 1e6
    print(f"  reference: plain TinyDB JSONStorage insert into {len(docs)} documents "
          f"({size:.0f} MB file, no fsync): median {statistics.median(times) * 1000:.0f} ms "
          f"over {len(times)} inserts")


class Sink:
    def __init__(self):
        self.n = 0

    def write(self, b: bytes) -> None:
        self.n += len(b)


def export_peak(home: Path) -> tuple[float, int]:
    with AnnotationStore(home, readonly=True) as store:
        tracemalloc.start()
        sink = Sink()
        n = write_jsonl(iter_records(store, Library(home)), sink)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak / 1e6, n


def bench_text_check(home: Path) -> None:
    """What checking offsets against the texts on disk costs (export reads no
    index hash on trust): every text hashed, then only stat'ed (signature cache)."""
    lib = Library(home)
    cache = home / "cache" / "text-sha256.json"
    cache.unlink(missing_ok=True)
    rows = []
    for what in ("cold: every text read and hashed", "warm: one stat per text"):
        hashes = TextHashes(lib.home)
        t0 = time.perf_counter()
        for m in lib.reports():
            path = lib.home.text_path(m.id)
            TextOnDisk(path, hashes, path.name)
        hashes.save()
        rows.append((what, time.perf_counter() - t0))
    print("  text check of " + str(len(lib)) + " reports: " +
          "; ".join(f"{w} {t * 1000:.0f} ms" for w, t in rows))


def bench_export(tmp: Path, home: Path) -> None:
    out = tmp / "export.jsonl"
    (home / "cache" / "text-sha256.json").unlink(missing_ok=True)
    t0 = time.perf_counter()
    with AnnotationStore(home, readonly=True) as store:
        export_to_path(iter_records(store, Library(home)), out)
    cold = time.perf_counter() - t0
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        with AnnotationStore(home, readonly=True) as store:
            n = export_to_path(iter_records(store, Library(home)), out)
        times.append(time.perf_counter() - t0)
    t = statistics.median(times)
    print(f"export of {n} annotations (native, with entities) to a file: median {t:.2f} s "
          f"(target <= 3 s) {verdict(t <= 3)}; {out.stat().st_size / 1e6:.0f} MB; offsets "
          f"checked against the hash of each text file on disk")
    print(f"  first export, text hash cache empty (every text read and hashed): {cold:.2f} s "
          f"(target <= 3 s) {verdict(cold <= 3)}")
    bench_text_check(home)
    exe = Path(sys.executable).parent / "baocao"
    if exe.exists():
        t0 = time.perf_counter()
        subprocess.run([str(exe), "--home", str(home), "export", "-o", str(out)], check=True,
                       capture_output=True)
        print(f"  `baocao export -o` wall time (process start included): "
              f"{time.perf_counter() - t0:.2f} s")

    # 10x fewer annotations over the same library: memory must not follow the count.
    small = tmp / "home-10k"
    small.mkdir()
    for d in ("library", "cache"):
        (small / d).symlink_to(home / d)
    shards = small / "annotations" / "reports"
    shards.mkdir(parents=True)
    (small / "annotations" / "store.json").write_bytes(b'{"schema": 2}')
    for path in (home / "annotations" / "reports").iterdir():
        docs = orjson.loads(path.read_bytes())[TABLE]
        first = min(docs, key=int)
        (shards / path.name).write_bytes(orjson.dumps({TABLE: {"1": docs[first]}}))
    AnnotationStore(small).close()
    peak_small, n_small = export_peak(small)
    peak_big, n_big = export_peak(home)
    ratio = peak_big / peak_small
    print(f"export peak memory (tracemalloc): {n_small} annotations {peak_small:.2f} MB, "
          f"{n_big} annotations {peak_big:.2f} MB (x{ratio:.2f} for x{n_big / n_small:.0f} "
          f"annotations; target: independent of count) {verdict(ratio < 1.5)}")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp_s:
        tmp = Path(tmp_s)
        home = tmp / "home"
        t0 = time.perf_counter()
        sentences = build_home(home, N_REPORTS, PER_REPORT)
        print(f"(setup: {N_REPORTS} reports, {N_REPORTS * PER_REPORT} annotations written "
              f"through the store's storage in {time.perf_counter() - t0:.1f} s)")
        if "open" in ONLY:
            bench_open(home)
        if "tag" in ONLY:
            bench_reference(tmp, home, bench_tag(home, sentences))
        if "export" in ONLY:
            bench_export(tmp, home)


if __name__ == "__main__":
    main()
