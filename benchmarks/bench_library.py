"""Library benchmarks (issue 2):
- re-import of an unchanged 1,000-report library >= 50x faster than its first import;
- `baocao list --json` on 10,000 reports <= 1 s median.
BENCH_N / BENCH_LIST_N scale them down for a quick look."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from annotations.corpus.library import Library  # noqa: E402
from corpus import write_corpus, write_library  # noqa: E402


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def bench_reimport(tmp: Path, n: int) -> None:
    files = write_corpus(tmp / "corpus", n)
    lib = Library(tmp / "home-import")
    t0 = time.perf_counter()
    first = lib.import_paths([tmp / "corpus"])
    t_first = time.perf_counter() - t0
    assert len(first.imported) == n, first.skipped[:3]
    t0 = time.perf_counter()
    again = Library(tmp / "home-import").import_paths([tmp / "corpus"])
    t_again = time.perf_counter() - t0
    assert len(again.unchanged) == n
    ratio = t_first / t_again
    print(f"first import of {len(files)} reports ({os.cpu_count()} processes): {t_first:.2f} s "
          f"({n / t_first:.1f} reports/s)")
    print(f"re-import unchanged: {t_again:.3f} s  -> {ratio:.0f}x faster "
          f"(target >= 50x) {verdict(ratio >= 50)}")


def bench_list(tmp: Path, n: int) -> None:
    home = tmp / "home-list"
    write_library(home, n)
    cmd = [str(ROOT / ".venv" / "bin" / "baocao"), "--home", str(home), "list", "--json"]
    times = []
    for _ in range(7):
        t0 = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, check=True).stdout
        times.append(time.perf_counter() - t0)
    lines = out.count(b"\n")
    assert lines == n, lines
    med = statistics.median(times)
    print(f"baocao list --json, {n} reports: median {med:.3f} s, max {max(times):.3f} s "
          f"(target <= 1 s median) {verdict(med <= 1.0)}")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as d:
        bench_list(Path(d), int(os.environ.get("BENCH_LIST_N", 10_000)))
        bench_reimport(Path(d), int(os.environ.get("BENCH_N", 1_000)))
