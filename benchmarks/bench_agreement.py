"""Agreement benchmark (issue 14): `baocao agreement` over about 100,000 (4,000 reports)
annotations by three annotators <= 2 s, beside the reference measured in the
same run: reading every shard and analysis without computing anything.

The home is synthetic (benchmarks/corpus.py and bench_store's rule-based
analyses; no NLP): every annotator decides every sentence of every report and
marks the report done, agreeing about 80% of the time.
BENCH_AGREEMENT_REPORTS scales it down for a quick look.
"""
from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_store import fake_analysis, verdict  # noqa: E402

from annotations.agreement import collect, home_agreement  # noqa: E402
from annotations.corpus.library import Library  # noqa: E402
from annotations.store import AnnotationStore, now_iso, shard_name  # noqa: E402
from annotations.store.records import ADDED_IN_3  # noqa: E402
from annotations.store.shards import STATE, TABLE, ShardStorage  # noqa: E402
from corpus import write_library  # noqa: E402

N_REPORTS = int(os.environ.get("BENCH_AGREEMENT_REPORTS", 4_000))
ANNOTATORS = ("lan", "minh", "khoa")
LABELS = ("achievement", "task", "risk", None)
TARGET_S = 2.0
IDS = uuid.UUID("0c1d5e7a-96b2-4f3e-8a41-5d2e6f7a8b90")


def build(home: Path) -> int:
    """The home; returns the number of annotations written."""
    metas = write_library(home, N_REPORTS, seed=3)
    lib = Library(home)
    rng = random.Random(11)
    shards = home / "annotations" / "reports"
    shards.mkdir(parents=True)
    (home / "annotations" / "store.json").write_bytes(b'{"schema": 3}')
    now, n = now_iso(), 0
    for m in metas:
        text = lib.text(m.id)
        a = fake_analysis(text)
        lib.cache_path(m.sha256).parent.mkdir(parents=True, exist_ok=True)
        lib.cache_path(m.sha256).write_bytes(orjson.dumps(a))
        docs, states = {}, {}
        for i, (s, e, _p) in enumerate(a["sentences"]):
            truth = rng.choice(LABELS)
            for who in ANNOTATORS:
                label = truth if rng.random() < 0.8 else rng.choice(LABELS)
                docs[str(len(docs) + 1)] = {
                    **ADDED_IN_3, "id": uuid.uuid5(IDS, f"{m.id}-{i}-{who}").hex,
                    "report_id": m.id, "start": s, "end": e, "sentence_start": i,
                    "sentence_end": i, "label": label, "decided": True, "text": text[s:e],
                    "note": "", "annotator": who, "created_at": now, "updated_at": now,
                    "report_sha256": m.sha256, "orphaned": False}
                n += 1
        for k, who in enumerate(ANNOTATORS, 1):
            states[str(k)] = {"annotator": who, "done": True, "position": 0, "updated_at": now}
        ShardStorage(shards / shard_name(m.id), durable=False).write({TABLE: docs, STATE: states})
    os.sync()
    return n


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        t0 = time.perf_counter()
        n = build(home)
        print(f"home: {N_REPORTS} reports, {n} annotations by {len(ANNOTATORS)} annotators "
              f"(built in {time.perf_counter() - t0:.1f} s)")
        refs, runs, cpus = [], [], []
        for _ in range(3):
            t0 = time.perf_counter()
            with AnnotationStore(home, readonly=True) as st:
                lib = Library(home)
                for rid in st.report_ids():
                    st.documents(rid), st.states(rid), lib.open(rid)
            refs.append(time.perf_counter() - t0)
            t0, c0 = time.perf_counter(), time.process_time()
            with AnnotationStore(home, readonly=True) as st:
                ag = home_agreement(st, Library(home))
            runs.append(time.perf_counter() - t0)
            cpus.append(time.process_time() - c0)
        units = len(collect(AnnotationStore(home, readonly=True), Library(home)))
        assert ag.units == units
        t = statistics.median(runs)
        print(f"agreement over {n} annotations ({ag.units} units, alpha {ag.alpha:.3f}): "
              f"{t:.2f} s median (target <= {TARGET_S:.0f} s) {verdict(t <= TARGET_S)}, "
              f"{statistics.median(cpus):.2f} CPU s; reference, reading every shard and "
              f"analysis: {statistics.median(refs):.2f} s (load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
