"""Where analyses are computed: in this process, a local process pool, or a
Dask cluster (``dask.distributed``, the optional extra ``baocao[dask]``).

Every engine takes canonical texts and yields their analysis-cache entries
(``cache.analyze_to_dict``) in the order given, so the caller -- the only
writer of the home -- stores them exactly as the local path would. Workers
never see the home: they get texts and return analyses.

All engines run the same tasks (``tasks``): consecutive small reports
together, up to about ``limit`` characters of text, and a report bigger than
that in parts, so that one big report keeps every process busy. A big report
is segmented here (a tenth of a second per MB), each part -- consecutive
sentences, about ``limit`` characters -- is tagged by a worker
(``pipeline.tag_part``), and the report-level name pass runs here once every
part is back (``pipeline.resolve``): the entry is the one ``analyze_to_dict``
gives (tests/scale/test_big_report.py). Tasks are sent a few per process at
a time, so memory does not grow with the size of a report or of an import.

On a cluster the tasks are coarser (``BATCH_CHARS``, about a second of work,
few round trips); a worker that dies has its tasks re-run by Dask (its
``allowed-failures``), and a worker running another baocao pipeline refuses
the task with a message saying so. A local process that dies ends the import
with a LibraryError (never a hang).
"""
from __future__ import annotations

import os
import signal
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing

from ..errors import ConfigError, LibraryError
from ..models import Entity, Token, text_sha256
from ..nlp import PIPELINE_VERSION
from .cache import analyze_to_dict

BATCH_CHARS = 50_000  # text per cluster task: about a second of work, few round trips
LOCAL_CHARS = 20_000  # text per local task: a fifth of a second, fine-grained progress
TASKS_PER_WORKER = 4  # tasks sent ahead per process: busy without holding a whole import
SCHEDULER_ENV = "BAOCAO_DASK_SCHEDULER"

Progress = Callable[[int, int], None]  # (texts done, total)
Sentences = Callable[[int, int, int], None]  # (text index, its sentences tagged, its sentences)


def scheduler_address(option: str | None) -> str | None:
    """The --scheduler option, else $BAOCAO_DASK_SCHEDULER, else None (local)."""
    return option or os.environ.get(SCHEDULER_ENV) or None


# ---------------------------------------------------------------- tasks

def run_task(task: tuple) -> list[dict] | tuple[list, list]:
    """One task, in a worker: ("texts", [text...]) -> their entries;
    ("part", text, sentence spans) -> pipeline.tag_part's tokens and entities."""
    if task[0] == "texts":
        return [analyze_to_dict(t) for t in task[1]]
    from ..nlp.pipeline import tag_part

    return tag_part(task[1], task[2])


def analyze_task(task: tuple, pipeline: str):
    """One cluster task (runs on a Dask worker)."""
    if pipeline != PIPELINE_VERSION:
        raise RuntimeError(f"this dask worker runs baocao pipeline {PIPELINE_VERSION}, the client "
                           f"{pipeline}: install the same baocao version on every worker")
    return run_task(task)


class _Big:
    """A report tagged in parts: segmented here, the parts' answers put back
    in place as they come, resolved when the last one is in."""

    def __init__(self, index: int, text: str):
        from ..nlp.pipeline import segment

        self.index, self.text = index, text
        self.analysis = segment(text)
        self.done = 0

    def parts(self, limit: int) -> Iterator[tuple[tuple, tuple]]:
        """(task, (self, offset, sentences, last)) per run of consecutive sentences."""
        sents = self.analysis.sentences
        k = 0
        while k < len(sents):
            start, j = sents[k].start, k + 1
            while j < len(sents) and sents[j].end - start <= limit:
                j += 1
            spans = [(s.start - start, s.end - start) for s in sents[k:j]]
            yield ("part", self.text[start:sents[j - 1].end], spans), (self, start, j - k, j == len(sents))
            k = j

    def add(self, offset: int, answer: tuple[list, list]) -> None:
        tokens, entities = answer
        self.analysis.tokens += [Token(a + offset, b + offset) for a, b in tokens]
        self.analysis.entities += [Entity(a + offset, b + offset, lab) for a, b, lab in entities]

    def entry(self) -> dict:
        from ..nlp.pipeline import resolve

        analysis = resolve(self.text, self.analysis)
        return {"sha256": text_sha256(self.text), "pipeline": PIPELINE_VERSION, **analysis.to_dict()}


def tasks(texts: Sequence[str], limit: int, most: int | None = None) -> Iterator[tuple[tuple, tuple]]:
    """(task, what it is for) in text order, made as they are asked for (a
    big report is segmented when its turn comes); at most ``most`` small
    texts a task."""
    group: list[int] = []
    size = 0
    for i, text in enumerate(texts):
        big = _Big(i, text) if len(text) > limit else None
        if group and (big or size + len(text) > limit or len(group) == most):
            yield ("texts", [texts[g] for g in group]), tuple(group)
            group, size = [], 0
        if big and big.analysis.sentences:
            yield from big.parts(limit)
            continue
        group.append(i)
        size += len(text)
    if group:
        yield ("texts", [texts[g] for g in group]), tuple(group)


def _entries(texts: Sequence[str], limit: int, run: Callable[[Iterator[tuple]], Iterator],
             progress: Progress | None, sentences: Sentences | None,
             most: int | None = None) -> Iterator[dict]:
    """Every text's entry, in order, from ``run``: the answers to the tasks
    given it, in the order given."""
    plan: deque[tuple] = deque()  # what each task given to run is for, oldest first

    def given() -> Iterator[tuple]:
        for task, what in tasks(texts, limit, most):
            plan.append(what)
            yield task

    done = 0
    with closing(run(given())) as answers:  # closed early: its processes are stopped at once
        for answer in answers:
            what = plan.popleft()
            if isinstance(what[0], _Big):
                big, offset, n, last = what
                big.add(offset, answer)
                big.done += n
                if sentences:
                    sentences(big.index, big.done, len(big.analysis.sentences))
                if not last:
                    continue
                answer = [big.entry()]
            for entry in answer:
                done += 1
                if progress:
                    progress(done, len(texts))
                yield entry


def analyses(texts: Sequence[str], *, workers: int | None = None, scheduler: str | None = None,
             progress: Progress | None = None, sentences: Sentences | None = None) -> Iterator[dict]:
    """The analysis entry of each text, in order: on the Dask scheduler at
    ``scheduler``, else in ``workers`` local processes (default: every core),
    else in this process. ``progress``: texts done; ``sentences``: the
    sentences tagged so far of a report analysed in parts."""
    if scheduler:
        yield from _on_cluster(texts, scheduler, progress, sentences)
        return
    workers = workers or os.cpu_count() or 1
    if workers > 1 and (len(texts) > 1 or sum(map(len, texts)) > LOCAL_CHARS):
        # a few reports: one a task, so that every process has some
        most = max(1, min(16, len(texts) // (workers * TASKS_PER_WORKER)))
        workers = min(workers, len(texts) + sum(len(t) // LOCAL_CHARS for t in texts))  # no idle ones
        yield from _entries(texts, LOCAL_CHARS, lambda given: _pooled(given, workers),
                            progress, sentences, most)
    else:  # one report a task: each is finished (and Ctrl-C heard) as soon as it is done
        yield from _entries(texts, LOCAL_CHARS, lambda given: (run_task(t) for t in given),
                            progress, sentences, 1)


# ---------------------------------------------------------------- local processes

def _worker_init(parent: int) -> None:
    """Analysis processes: Ctrl-C and SIGTERM are the parent's business (it
    terminates them), and they die with the parent (Linux), also when it was
    killed before this ran."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)


def _ahead(given: Iterator[tuple], submit: Callable, window: int) -> Iterator:
    """Submit tasks keeping ``window`` in flight; yield their results in order."""
    flight: deque = deque()
    for task in given:
        flight.append(submit(task))
        if len(flight) >= window:
            yield flight.popleft().result()
    while flight:
        yield flight.popleft().result()


def _pooled(given: Iterator[tuple], workers: int) -> Iterator:
    """run_task over the tasks in ``workers`` processes. A process that dies
    (killed, out of memory) breaks the pool: a LibraryError, not a hang. On
    Ctrl-C or any failure the processes are terminated at once."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    pool = ProcessPoolExecutor(workers, initializer=_worker_init, initargs=(os.getpid(),))
    try:
        yield from _ahead(given, lambda task: pool.submit(run_task, task), workers * TASKS_PER_WORKER)
    except BrokenProcessPool:
        raise LibraryError("an analysis process died before it finished (killed, or out of "
                           "memory?); what it was analysing was not stored") from None
    except BaseException:
        # no public way before Python 3.14 (terminate_workers): without it the
        # queued tasks would run to the end first
        for process in list((pool._processes or {}).values()):
            process.terminate()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# ---------------------------------------------------------------- Dask

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


def _on_cluster(texts: Sequence[str], address: str, progress: Progress | None,
                sentences: Sentences | None) -> Iterator[dict]:
    client = _client(address)
    run_id = f"baocao-analyze-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    count = iter(range(1 << 62))

    def submit(task: tuple):
        return client.submit(analyze_task, task, PIPELINE_VERSION, pure=False,
                             key=f"{run_id}-{next(count)}")

    def run(given: Iterator[tuple]) -> Iterator:
        try:
            yield from _ahead(given, submit, TASKS_PER_WORKER * threads)
        except Exception as exc:  # noqa: BLE001 -- anything a worker raised: one line
            raise LibraryError(f"analysis failed on the Dask cluster: {exc}") from None

    try:
        threads = max(2, sum(client.nthreads().values()))
        most = max(1, min(16, len(texts) // (threads * TASKS_PER_WORKER)))  # work for every worker
        yield from _entries(texts, BATCH_CHARS, run, progress, sentences, most)
    finally:
        client.close()
