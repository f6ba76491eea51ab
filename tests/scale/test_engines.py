"""Analysis engines: the local pool and a Dask cluster give the same analyses.
The cluster tests need the `dask` extra (installed by `make test`)."""
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotations.corpus import engines
from annotations.errors import ConfigError
from annotations.text.clean import clean

ROOT = Path(__file__).resolve().parents[2]


def seed_texts(copies: int = 1) -> list[str]:
    base = [clean(p.read_text(encoding="utf-8")).text for p in sorted((ROOT / "seeds").glob("*.txt"))]
    # variations, so no two texts are the same and batches are many
    return [t if n == 0 else f"Bản {n}. {t}" for n in range(copies) for t in base]


def test_tasks_are_ordered_and_bounded():
    texts = ["a" * 50, "b" * 60, "c" * 10, "d" * 90, "e"]
    groups = [what for task, what in engines.tasks(texts, 100)]
    assert [i for g in groups for i in g] == list(range(len(texts)))  # every text once, in order
    assert all(sum(len(texts[i]) for i in g) <= 100 for g in groups) and len(groups) == 3
    assert [len(g) for _, g in engines.tasks(texts, 100, most=1)] == [1] * len(texts)


def test_scheduler_from_the_environment(monkeypatch):
    monkeypatch.setenv(engines.SCHEDULER_ENV, "tcp://10.0.0.1:8786")
    assert engines.scheduler_address(None) == "tcp://10.0.0.1:8786"
    assert engines.scheduler_address("tcp://h:1") == "tcp://h:1"
    monkeypatch.delenv(engines.SCHEDULER_ENV)
    assert engines.scheduler_address(None) is None


def test_without_dask_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
    with pytest.raises(ConfigError, match=r"baocao\[dask\]"):
        list(engines.analyses(["Một câu."], scheduler="tcp://127.0.0.1:1"))


def test_local_cluster_gives_the_local_analyses():
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    texts = seed_texts()
    local = list(engines.analyses(texts, workers=1))
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as cluster:
        seen = []
        remote = list(engines.analyses(texts, scheduler=cluster.scheduler_address,
                                       progress=lambda done, total: seen.append((done, total))))
    assert remote == local
    assert seen and seen[-1] == (len(texts), len(texts))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_a_real_cluster_survives_a_worker_killed_mid_run(monkeypatch):
    """`dask scheduler` and two `dask worker` processes on 127.0.0.1, started
    from the command line; one worker is killed after the first results."""
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    dask = Path(sys.executable).parent / "dask"
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    procs = [subprocess.Popen([str(dask), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)]
    try:
        for _ in range(2):
            procs.append(subprocess.Popen([str(dask), "worker", address, "--nthreads", "1",
                                           "--no-dashboard", "--no-nanny"], env=env,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                          start_new_session=True))
        from distributed import Client

        with Client(address, timeout="30s") as c:  # both workers up before we start
            c.wait_for_workers(2, timeout=60)
        monkeypatch.setattr(engines, "BATCH_CHARS", 1)  # one text per task: many tasks
        texts = seed_texts(copies=3)
        killed = []

        def progress(done: int, total: int) -> None:
            if done >= 2 and not killed:
                os.killpg(procs[1].pid, signal.SIGKILL)  # a worker dies mid-run
                killed.append(done)

        t0 = time.monotonic()
        remote = list(engines.analyses(texts, scheduler=address, progress=progress))
        assert killed and procs[1].wait(timeout=10) == -signal.SIGKILL
        assert remote == list(engines.analyses(texts, workers=1))  # complete and identical
        assert time.monotonic() - t0 < 240
    finally:
        for p in procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
            p.wait(timeout=10)
