"""Where analyses are computed: in this process, a local process pool, or a
Dask cluster (``dask.distributed``, the optional extra ``baocao[dask]``).

Every engine takes canonical texts and yields their analysis-cache entries
(``cache.analyze_to_dict``) in the order given, so the caller -- the only
writer of the home -- stores them exactly as the local path would. Workers
never see the home: they get texts and return dicts.

On a cluster the work goes in coarse batches (about ``BATCH_CHARS`` of text
each), not per sentence; a worker that dies has its batches re-run by Dask
(its ``allowed-failures``), and a worker running another baocao pipeline
refuses the batch with a message saying so.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence

from ..errors import ConfigError, LibraryError
from ..nlp import PIPELINE_VERSION
from .cache import analyze_to_dict

BATCH_CHARS = 50_000  # text per cluster task: about a second of work, few round trips
SCHEDULER_ENV = "BAOCAO_DASK_SCHEDULER"

Progress = Callable[[int, int], None]  # (texts done, total)


def scheduler_address(option: str | None) -> str | None:
    """The --scheduler option, else $BAOCAO_DASK_SCHEDULER, else None (local)."""
    return option or os.environ.get(SCHEDULER_ENV) or None


def batches(texts: Sequence[str], limit: int = BATCH_CHARS) -> list[list[int]]:
    """Indexes of ``texts`` grouped in order into batches of about ``limit`` chars."""
    out: list[list[int]] = []
    size = 0
    for i, text in enumerate(texts):
        if not out or size + len(text) > limit:
            out.append([])
            size = 0
        out[-1].append(i)
        size += len(text)
    return out


def analyze_batch(texts: list[str], pipeline: str) -> list[dict]:
    """One cluster task (runs on a worker)."""
    if pipeline != PIPELINE_VERSION:
        raise RuntimeError(f"this dask worker runs baocao pipeline {PIPELINE_VERSION}, the client "
                           f"{pipeline}: install the same baocao version on every worker")
    return [analyze_to_dict(t) for t in texts]


def analyses(texts: Sequence[str], *, workers: int | None = None, scheduler: str | None = None,
             progress: Progress | None = None) -> Iterator[dict]:
    """The analysis entry of each text, in order: on the Dask scheduler at
    ``scheduler``, else in ``workers`` local processes (default: every core),
    else in this process."""
    if scheduler:
        yield from _on_cluster(texts, scheduler, progress)
        return
    workers = workers or os.cpu_count() or 1
    if workers > 1 and len(texts) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=min(workers, len(texts))) as pool:
            chunk = max(1, min(16, len(texts) // (workers * 4)))
            for n, result in enumerate(pool.map(analyze_to_dict, texts, chunksize=chunk), 1):
                if progress:
                    progress(n, len(texts))
                yield result
        return
    for n, text in enumerate(texts, 1):
        result = analyze_to_dict(text)
        if progress:
            progress(n, len(texts))
        yield result


def _client(address: str):
    try:
        from distributed import Client
    except ImportError:
        raise ConfigError("--scheduler needs Dask: pip install 'baocao[dask]' "
                          "(dask[distributed]) here and on every worker") from None
    try:
        return Client(address, timeout="15s", set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise LibraryError(f"cannot reach the Dask scheduler at {address} ({exc})") from None


def _on_cluster(texts: Sequence[str], address: str, progress: Progress | None) -> Iterator[dict]:
    client = _client(address)
    from distributed import as_completed

    try:
        groups = batches(texts)
        futures = [client.submit(analyze_batch, [texts[i] for i in group], PIPELINE_VERSION,
                                 pure=False, key=f"baocao-analyze-{os.getpid()}-{n}")
                   for n, group in enumerate(groups)]
        index = {f.key: n for n, f in enumerate(futures)}
        ready: dict[int, list[dict]] = {}
        done = next_group = 0
        for future in as_completed(futures, loop=client.loop):
            try:
                ready[index[future.key]] = future.result()
            except Exception as exc:  # noqa: BLE001 -- anything a worker raised: one line
                raise LibraryError(f"analysis failed on the Dask cluster: {exc}") from None
            done += len(groups[index[future.key]])
            if progress:
                progress(done, len(texts))
            while next_group in ready:  # in order: the caller stores as the local path does
                yield from ready.pop(next_group)
                next_group += 1
    finally:
        client.close()
