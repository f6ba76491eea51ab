"""One big report: `baocao import BIG.txt` of a ~1 MB report (about 3,100
paragraphs of generated Vietnamese-like text), with --workers 1 (the
reference: one process, as every report was analysed before) and --workers 2
(its sentences in parts across both processes). Each import runs in a fresh
home in a child process, so the figures include starting baocao and loading
the models; peak RSS is the largest of the importing process and its
analysis processes; the CPU time (all of them) beside the wall time shows how
much of the machine the others left: the kernel shares the cores between
sessions (sched_autogroup), so while other sessions are busy a second process
of this one gets no more CPU, and only a quiet machine shows the speed-up.
Target: <= 10 s with 2 workers on this 2-core machine.

    python benchmarks/bench_big_report.py [SIZE_BYTES]
"""
from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent

TARGET_S = 10.0
SIZE = 1_000_000
SURNAMES = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý".split()
MIDDLE = "Văn Thị Hữu Đức Minh Quang Thanh Xuân Ngọc Công".split()
GIVEN = "An Bình Cường Dũng Hà Hải Hùng Lan Long Mai Nam Phúc Quân Sơn Tâm Thảo Trung Tuấn Vinh Yến".split()
TITLES = ["Chủ tịch", "Bí thư", "đồng chí", "Phó Chủ tịch", "Giám đốc"]


def seed_sentences() -> list[str]:
    out = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if len(line.strip()) > 60 and not line.startswith("date "):
                out += [s for s in re.split(r"(?<=[.!?])\s+", line.strip()) if len(s) > 20]
    return out


def report(size: int = SIZE, seed: int = 0) -> str:
    """About ``size`` UTF-8 bytes of report: paragraphs of one or two seed
    sentences with new figures, and people named after a title then again
    without one (the report-level name pass has work across the report)."""
    rng = random.Random(seed)
    sents = seed_sentences()
    paras: list[str] = []
    n = 0
    while n < size:
        ss = [re.sub(r"\d+", lambda m: str(rng.randint(1, 999)), rng.choice(sents))
              for _ in range(rng.choice((1, 1, 1, 2)))]
        if rng.random() < 0.2:
            name = f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            ss.insert(0, f"{rng.choice(TITLES)} {name} phát biểu tại hội nghị.")
        elif paras and rng.random() < 0.1:
            ss.append(f"Theo {rng.choice(SURNAMES)}, kết quả đạt {rng.randint(50, 99)}% kế hoạch.")
        paras.append(" ".join(ss))
        n += len(paras[-1].encode("utf-8")) + 2
    return "\n\n".join(paras) + "\n"


# Run in the child: the import, then its own and its processes' peak RSS.
CHILD = """
import resource, sys
from tui.cli import main
try:
    main(sys.argv[1:], standalone_mode=False)
finally:
    use = [resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    print(f"peak-rss-kib {max(u.ru_maxrss for u in use)}", file=sys.stderr)
    print("cpu-seconds", *(u.ru_utime + u.ru_stime for u in use), file=sys.stderr)
"""


def timed_import(path: Path, workers: int) -> tuple[float, tuple[float, float], float]:
    """Wall seconds, CPU seconds (the importing process, its analysis
    processes) and peak RSS (MiB) of `baocao import PATH --workers N` into a
    fresh home."""
    with tempfile.TemporaryDirectory() as home:
        t0 = time.perf_counter()
        res = subprocess.run([sys.executable, "-c", CHILD, "--home", home, "import", str(path),
                              "--workers", str(workers)], capture_output=True, text=True,
                             cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=600)
        seconds = time.perf_counter() - t0
    if res.returncode != 0 or "imported 1," not in res.stderr:
        sys.exit(f"import failed: {res.stderr.strip()}")
    rss = int(re.search(r"peak-rss-kib (\d+)", res.stderr).group(1)) / 1024
    cpu = re.search(r"cpu-seconds ([\d.]+) ([\d.]+)", res.stderr).groups()
    return seconds, (float(cpu[0]), float(cpu[1])), rss


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else SIZE
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.txt"
        text = report(size)
        path.write_text(text, encoding="utf-8")
        paras = text.count("\n\n") + 1
        print(f"report: {len(text.encode('utf-8')):,} bytes, {paras:,} paragraphs")
        print(f"load average before: {os.getloadavg()[0]:.1f} (the CPU time shows what others took)")
        one, cpu1, rss1 = timed_import(path, 1)
        two, cpu2, rss2 = timed_import(path, 2)
    print(f"--workers 1 (reference): {one:.1f} s (CPU {sum(cpu1):.1f} s), peak RSS {rss1:.0f} MiB")
    print(f"--workers 2: {two:.1f} s (CPU {sum(cpu2):.1f} s: {cpu2[0]:.1f} s importing, {cpu2[1]:.1f} s in "
          f"the workers, so about {cpu2[0] + cpu2[1] / 2:.1f} s on two free cores), "
          f"peak RSS {rss2:.0f} MiB  "
          f"({one / two:.2f}x the reference; target <= {TARGET_S:.0f} s  "
          f"{'PASS' if two <= TARGET_S else 'MISS'})")


if __name__ == "__main__":
    main()
