"""Dask vs the local pool: the same corpus analysed by a 2-process local pool
and by a LocalCluster of 2 worker processes (the way `baocao import
--scheduler` sends work), in the same run; plus the time extrapolated to
100,000 reports of the same mean size on one such machine. Needs the `dask`
extra (make bench installs it). docs/scale.md quotes the figures."""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotations.corpus import engines  # noqa: E402
from annotations.text.clean import clean  # noqa: E402

COPIES = 8  # variations of each seed: no two texts alike


def corpus() -> list[str]:
    base = [clean(p.read_text(encoding="utf-8")).text for p in sorted((ROOT / "seeds").glob("*.txt"))]
    return [f"Bản {n}. {t}" for n in range(COPIES) for t in base]


def timed(texts: list[str], **kw) -> float:
    list(engines.analyses(texts[:2], **kw))  # warm: workers load the models
    t0 = time.perf_counter()
    out = list(engines.analyses(texts, **kw))
    assert len(out) == len(texts)
    return time.perf_counter() - t0


def main() -> None:
    try:
        from distributed import LocalCluster
    except ImportError:
        print("dask extra not installed: pip install 'baocao[dask]' (skipped)")
        return
    texts = corpus()
    local = timed(texts, workers=2)
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                      dashboard_address=None) as cluster:
        dask = timed(texts, scheduler=cluster.scheduler_address)
    per = dask / len(texts)
    print(f"{len(texts)} reports ({sum(map(len, texts)):,} chars): local pool (2 processes) {local:.2f} s, "
          f"LocalCluster (2 workers) {dask:.2f} s = {dask / local:.2f}x the pool's time (no target: on one "
          f"2-core machine the scheduler and client share the cores; a cluster pays off across machines)")
    print(f"  extrapolated to 100,000 such reports: {per * 100_000 / 3600:.1f} h on one 2-core machine, "
          f"{per * 100_000 / 3600 / 10:.1f} h on 10 such workers (analysis only)")


if __name__ == "__main__":
    main()
