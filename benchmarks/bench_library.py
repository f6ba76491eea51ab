"""Library benchmarks (issues 2 and 10):
- re-import of an unchanged 1,000-report library >= 50x faster than its first import;
- `baocao list --json` on 10,000 and on 100,000 reports <= 1 s median (reference:
  `baocao --help` in the same run, what any command costs to start), run from
  compiled bytecode as installed (reference: compiled from source every run);
- the catalogue's filter query at 100,000 reports, per keystroke of typed
  queries (what the TUI's `/` runs; the TUI's own figure is in bench_tui.py).
BENCH_N / BENCH_LIST_N / BENCH_BIG_N scale them down for a quick look."""
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
from corpus import big_library, write_corpus, write_library  # noqa: E402


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


def _env(pycache: Path | None) -> dict[str, str]:
    """From compiled bytecode (``pycache``), as an installed baocao runs; None:
    baocao's modules compiled from source at every run (PYTHONDONTWRITEBYTECODE=1)."""
    env = dict(os.environ)
    if pycache is None:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


def _runs(cmd: list[str], pycache: Path | None, n: int = 7) -> tuple[list[float], bytes]:
    """n timed runs after an untimed one (which fills the bytecode cache)."""
    times = []
    for i in range(n + 1):
        t0 = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, check=True, env=_env(pycache)).stdout
        if i:
            times.append(time.perf_counter() - t0)
    return times, out


def bench_list(tmp: Path, n: int, big: bool = False) -> Path:
    if big:
        home, how = big_library(tmp, n)
        n = len(Library(home))
    else:
        home, how = tmp / f"home-list-{n}", "written in {:.0f} s"
        t0 = time.perf_counter()
        write_library(home, n)
        how = how.format(time.perf_counter() - t0)
    baocao = str(ROOT / ".venv" / "bin" / "baocao")
    pycache = tmp / "pycache"
    times, out = _runs([baocao, "--home", str(home), "list", "--json"], pycache)
    lines = out.count(b"\n")
    assert lines == n, lines
    ref, _ = _runs([baocao, "--help"], pycache)
    source, _ = _runs([baocao, "--home", str(home), "list", "--json"], None, n=5)
    med = statistics.median(times)
    print(f"baocao list --json, {n:,} reports: median {med:.3f} s, max {max(times):.3f} s "
          f"(target <= 1 s median) {verdict(med <= 1.0)}; reference `baocao --help` "
          f"{statistics.median(ref):.3f} s (library {how}, catalogue "
          f"{(home / 'library' / 'catalogue.sqlite').stat().st_size / 1e6:.0f} MB); with baocao's modules compiled "
          f"from source at every run {statistics.median(source):.3f} s")
    return home


def bench_filter(home: Path) -> None:
    """Library.ids(query) for every prefix of typed queries, as the TUI's filter runs it."""
    lib = Library(home)
    n = len(lib)
    t0 = time.perf_counter()
    lib.ids()
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    lib.prepare_filter()  # what the TUI does when its filter box opens
    prepare = time.perf_counter() - t0
    times, found = [], {}
    for query in ("xoa nha tam", "hoi nghi tinh uy", "ma bao cao 0a1"):
        for k in range(1, len(query) + 1):
            t0 = time.perf_counter()
            found[query[:k]] = len(lib.ids(query[:k]))
            times.append(time.perf_counter() - t0)
    med, worst = statistics.median(times), max(times)
    print(f"catalogue filter, {n:,} reports, {len(times)} keystrokes: median {med * 1000:.1f} ms, "
          f"max {worst * 1000:.1f} ms (target <= 50 ms) {verdict(worst <= 0.05)}; reference: "
          f"every id in table order {first * 1000:.1f} ms, then readying the filter (numpy, "
          f"rowids; the TUI's filter box opening) {prepare * 1000:.0f} ms; matches from "
          f"{min(found.values()):,} to {max(found.values()):,}")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as d:
        bench_list(Path(d), int(os.environ.get("BENCH_LIST_N", 10_000)))
        bench_filter(bench_list(Path(d), int(os.environ.get("BENCH_BIG_N", 100_000)), big=True))
        bench_reimport(Path(d), int(os.environ.get("BENCH_N", 1_000)))
