"""Timeline and entities benchmarks (issue 15):
- `timeline` (passages per label and month) over 100,000 annotations (10,000
  reports, bench_store's synthetic home) <= 1 s, beside the same counts taken
  from a native export of those annotations, measured in the same run;
- the entities list at 100,000 reports <= 2 s with the index current, beside
  reading every report's row for `list` (Library.listing) in the same run; the
  index's first build (every text and cached analysis read once) is printed
  too, with no target: it happens once per library, then per new report.

Homes are synthetic: texts and catalogue written directly (benchmarks/corpus.py),
analysis cache entries by bench_store's rules (no NLP). BENCH_BIG_HOME reuses a
100,000-report home (its missing analyses are added); BENCH_TIMELINE_REPORTS
scales the entities home down for a quick look.
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_store import build_home, fake_analysis, verdict  # noqa: E402

from annotations import timeline  # noqa: E402
from annotations.corpus.library import Library  # noqa: E402
from annotations.entity_index import EntityIndex  # noqa: E402
from annotations.interchange.export import iter_records  # noqa: E402
from annotations.store import AnnotationStore  # noqa: E402
from corpus import big_library  # noqa: E402

N_ENTITY_REPORTS = int(os.environ.get("BENCH_TIMELINE_REPORTS", 100_000))
LABELS = ["achievement", "task", "risk"]


def best_of(fn, n: int = 3) -> tuple[float, object]:
    times, out = [], None
    for _ in range(n):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def bench_passages(tmp: Path) -> None:
    home = tmp / "tagged"
    t0 = time.perf_counter()
    build_home(home, 10_000, 10)
    AnnotationStore(home).close()  # the summary made once, as any first open does
    built = time.perf_counter() - t0
    took, tl = best_of(lambda: timeline.passages(home, "month", labels=LABELS))

    def from_export():
        counts = timeline.Timeline("month", "passages", list(LABELS))
        with AnnotationStore(home, readonly=True) as store:
            for rec in iter_records(store, Library(home)):
                if rec["label"] is not None:
                    counts.add(rec["report_date"], rec["label"])
        return counts.finish()

    ref, want = best_of(from_export, 1)
    assert tl.counts == want.counts and tl.total() == want.total(), "the timeline and the export differ"
    by_one, _ = best_of(lambda: timeline.passages(home, "month", annotator="lan", labels=LABELS), 1)
    print(f"timeline by month over 100000 annotations ({tl.total()} passages, {len(tl.periods)} months): "
          f"{took * 1000:.0f} ms (target <= 1000 ms) {verdict(took <= 1)}")
    print(f"  reference, the same counts from a native export in this run: {ref * 1000:.0f} ms; "
          f"with --annotator (its shards read): {by_one * 1000:.0f} ms; home built in {built:.0f} s")


def add_analyses(home: Path) -> int:
    """A rule-made analysis for every report that has none (bench_store.fake_analysis)."""
    lib = Library(home)
    added = 0
    for rid, sha in lib.listing("id", "sha256"):
        path = lib.cache_path(sha)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            text = (home / "library" / "texts" / lib.text_file(rid)).read_text(encoding="utf-8")
            path.write_bytes(orjson.dumps(fake_analysis(text)))
            added += 1
    return added


def bench_entities(tmp: Path) -> None:
    home, how = big_library(tmp, N_ENTITY_REPORTS)
    t0 = time.perf_counter()
    added = add_analyses(home)
    analysed = time.perf_counter() - t0
    (home / "cache" / "entities.sqlite").unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        (home / "cache" / f"entities.sqlite{suffix}").unlink(missing_ok=True)
    t0 = time.perf_counter()
    with EntityIndex(home) as index:
        indexed = index.refresh()
    first = time.perf_counter() - t0

    def listed():
        with EntityIndex(home) as index:  # a new process's view: connect, check, read
            return index.entities()

    took, rows = best_of(listed)
    ref, metas = best_of(lambda: Library(home).listing("id", "title", "date", "sentences"))
    n = len(metas)
    print(f"entities list at {n} reports ({len(rows)} entities, {sum(r.count for r in rows)} mentions), "
          f"index current: {took * 1000:.0f} ms (target <= 2000 ms) {verdict(took <= 2)}")
    print(f"  reference, every report's row for `list` in this run: {ref * 1000:.0f} ms; the index's "
          f"first build ({indexed} reports): {first:.0f} s; library {how}, {added} analyses "
          f"written in {analysed:.0f} s")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bench_passages(Path(tmp))
        bench_entities(Path(tmp))


if __name__ == "__main__":
    main()
