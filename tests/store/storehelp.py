"""Shared helpers for the store tests (not a conftest: test dirs share sys.path)."""
from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import subprocess
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from annotations.corpus.library import Library
from annotations.store import AnnotationStore, Selection


def passage(home, report_id: str | None = None, first: int = 0, last: int | None = None,
            lib: Library | None = None) -> Selection:
    """Sentences first..last (inclusive) of a report, as the TUI would select them."""
    lib = lib or Library(home)
    report_id = report_id or lib.reports()[0].id
    return Selection.of(report_id, lib.analysis(report_id).sentences, first, last,
                        lib.get(report_id).sha256)


def report_ids(home) -> list[str]:
    return [m.id for m in Library(home).reports()]


def fill(home, annotator: str = "lan", per_report: int = 3) -> list[str]:
    """Tag the first sentences of every report (labels cycling, so each is its
    own passage); returns the passages' ids."""
    labels = ["achievement", "task", "risk"]
    lib = Library(home)
    with AnnotationStore(home, annotator=annotator) as store:
        for n, rid in enumerate(report_ids(home)):
            for i in range(per_report):
                store.tag(passage(home, rid, i, lib=lib), labels[(n + i) % 3])
        return [a.id for rid in report_ids(home) for a in store.passages(rid)]


def cli(home, *args, annotator: str | None = None):
    from tui.cli import main

    argv = ["--home", str(home)] + (["--annotator", annotator] if annotator else [])
    return CliRunner().invoke(main, argv + [str(a) for a in args])


def json_lines(data: str | bytes) -> list[dict]:
    if isinstance(data, str):
        data = data.encode()
    return [orjson.loads(line) for line in data.splitlines() if line.strip()]


# ---------------------------------------------------------------- synthetic homes (no NLP)
def synthetic_home(home, n_reports: int = 3, sentences: int = 12, *, ids: list[str] | None = None,
                   entities: bool = True) -> dict[str, list[tuple[int, int]]]:
    """A library written straight to disk with an analysis cache entry per text
    (sentences by construction, no NLP): report id -> sentence spans. Fast
    enough to build inside any test (or many times in one)."""
    from annotations.corpus.catalogue import Catalogue
    from annotations.home import Home
    from annotations.models import ReportMeta, text_sha256
    from annotations.text.vietnamese import fold

    h = Home(Path(home))
    h.texts_dir.mkdir(parents=True, exist_ok=True)
    lib = Library(h)
    ids = ids or [f"r{i:03d}" for i in range(n_reports)]
    out, metas = {}, []
    for n, rid in enumerate(ids):
        paras, spans, pos, sents = [], [], 0, []
        for p in range(0, sentences, 4):
            line = []
            for i in range(p, min(p + 4, sentences)):
                s = f"Câu {i} của báo cáo {n}: Tỉnh ủy giao nhiệm vụ {i * 7 % 13} cho Hà Nội."
                start = pos + sum(len(x) + 1 for x in line)
                line.append(s)
                sents.append([start, start + len(s), len(paras)])
            body = " ".join(line)
            paras.append([pos, pos + len(body)])
            pos += len(body) + 2
            spans.append(body)
        text = "\n\n".join(spans)
        for s, e, _p in sents:
            assert text[s:e].startswith("Câu ")
        sha = text_sha256(text)
        h.text_path(rid).write_text(text, encoding="utf-8")
        ents = [[m.start(), m.end(), "LOC"] for m in re.finditer("Hà Nội", text)]
        doc = {"paragraphs": paras, "sentences": sents, "tokens": [],
               "entities": ents if entities else []}
        lib.cache_path(sha).parent.mkdir(parents=True, exist_ok=True)
        lib.cache_path(sha).write_bytes(orjson.dumps(doc))
        metas.append((ReportMeta(rid, f"Báo cáo {n}", f"2024-{n % 12 + 1:02d}", "text",
                                 len(sents), sha), f"{rid}.txt", fold(text)))
        out[rid] = [(s, e) for s, e, _p in sents]
    Catalogue(h, lib.cache).create(metas)
    return out


def records_for(spans: dict[str, list[tuple[int, int]]], home, annotators=("lan",),
                label_of=lambda rid, i, who: ("achievement", "task", "risk")[i % 3]) -> list[dict]:
    """Bare import records: one per sentence and annotator (label from ``label_of``;
    None skips that sentence)."""
    lib = Library(home)
    out = []
    for rid, sents in spans.items():
        text = lib.text(rid)
        for who in annotators:
            for i, (s, e) in enumerate(sents):
                label = label_of(rid, i, who)
                if label is not None:
                    out.append({"report_id": rid, "start": s, "end": e, "label": label,
                                "text": text[s:e], "annotator": who})
    return out


def write_jsonl(path, records) -> None:
    Path(path).write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))


def shard_bytes(home) -> dict[str, bytes]:
    """File name -> content of every file in the shard folder (temp files included)."""
    folder = Path(home) / "annotations" / "reports"
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


def leftovers(home) -> list[str]:
    """Temp files and journals a finished writer must not leave."""
    store = Path(home) / "annotations"
    found = [p.name for p in (store / "reports").glob(".*")] if (store / "reports").exists() else []
    return found + [p.name for p in store.glob("journal*")] + [p.name for p in store.glob(".*.tmp")]


def bounded(seconds: int):
    """An autouse fixture failing its test after ``seconds`` (SIGALRM), so a
    regression that hangs (a FIFO read, a lost lock) fails fast instead of
    hanging CI. Use as ``_bounded = bounded(60)`` in a test module."""
    @pytest.fixture(autouse=True)
    def _alarm():
        def fail(*_):
            raise TimeoutError(f"test still running after {seconds} s")

        old = signal.signal(signal.SIGALRM, fail)
        signal.alarm(seconds)
        try:
            yield
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, old)

    return _alarm


def small_fs(path, size: str = "256k"):
    """Mount a tmpfs of ``size`` at ``path`` (a context manager yielding it);
    pytest.skip with the reason when this process may not mount (CI without
    root or CAP_SYS_ADMIN)."""
    @contextlib.contextmanager
    def mounted():
        p = Path(path)
        p.mkdir(parents=True, exist_ok=True)
        try:
            res = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(p)],
                                 capture_output=True, text=True, timeout=20)
        except (OSError, subprocess.TimeoutExpired) as exc:
            pytest.skip(f"cannot mount a small file system here ({exc})")
        if res.returncode != 0:
            pytest.skip(f"cannot mount a small file system here: {res.stderr.strip() or res.returncode}")
        try:
            yield p
        finally:
            subprocess.run(["umount", "-l", str(p)], capture_output=True, timeout=20)

    return mounted()


def remount(path, options: str) -> None:

    subprocess.run(["mount", "-o", f"remount,{options}", str(path)], check=True,
                   capture_output=True, timeout=20)


def fill_disk(folder, leave: int = 0) -> Path:
    """Fill the file system holding ``folder`` to the last byte, then free
    ``leave`` bytes again; returns the filler's path."""
    filler = Path(folder) / "filler.bin"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        for chunk in (65536, 4096, 512, 1):
            while True:
                try:
                    if os.write(fd, b"\0" * chunk) < chunk:
                        break
                except OSError as exc:
                    if exc.errno != errno.ENOSPC:
                        raise
                    break
        if leave:
            os.ftruncate(fd, max(0, os.fstat(fd).st_size - leave))
    finally:
        os.close(fd)
    return filler


class LimitedWriter:
    """A binary file whose writes fail with ``err`` once ``budget`` bytes were
    written (the part that fits is written first, as a real disk would)."""

    def __init__(self, f, budget: list[int], err: int):
        self._f, self._budget, self._err = f, budget, err

    def write(self, b) -> int:
        room = self._budget[0]
        if len(b) > room:
            if room > 0:
                self._f.write(bytes(b[:room]))
            self._budget[0] = 0
            raise OSError(self._err, os.strerror(self._err))
        self._budget[0] -= len(b)
        return self._f.write(b)

    def __getattr__(self, name):
        return getattr(self._f, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._f.close()


def fail_writes_after(monkeypatch, n_bytes: int, err: int) -> list[int]:
    """Every file opened for writing through os.fdopen (atomic writes, staged
    temp files) fails with ``err`` after ``n_bytes`` in total; returns the
    budget (a one-item list: set it to refill the disk)."""
    real = os.fdopen
    budget = [n_bytes]

    def fdopen(fd, mode="r", *a, **k):
        f = real(fd, mode, *a, **k)
        return LimitedWriter(f, budget, err) if "w" in mode or "a" in mode else f

    monkeypatch.setattr(os, "fdopen", fdopen)
    return budget


def view(home) -> dict[str, list[tuple]]:
    """What the shards say, without ids and times: report -> sorted
    (annotator, start, end, label, decided, note, orphaned)."""
    from annotations.store.shards import TABLE, parse_shard

    out = {}
    folder = Path(home) / "annotations" / "reports"
    for p in sorted(folder.glob("[!.]*.json")):
        data = parse_shard(p.read_bytes(), p)
        docs = list(data.get(TABLE, {}).values())
        rid = docs[0]["report_id"] if docs else p.name
        out[rid] = sorted((d["annotator"], d["start"], d["end"], d["label"], d["decided"],
                           d["note"], d["orphaned"]) for d in docs)
    return out
