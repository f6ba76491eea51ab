"""A big report is analysed in parts across processes (annotations/corpus/
engines.py): segmented whole, its sentences tagged in parts, the name pass
run once on the whole. The entry must be byte-identical to analysing the
report whole in one process (cache.analyze_to_dict)."""
import multiprocessing
import os
import sys
import threading
from pathlib import Path

import orjson
import pytest

from annotations.corpus import engines
from annotations.corpus.cache import analyze_to_dict
from annotations.errors import LibraryError
from annotations.nlp import pipeline
from annotations.text.clean import clean

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_big_report import report  # noqa: E402


def seeds_text() -> str:
    return "\n\n".join(clean(p.read_text(encoding="utf-8")).text
                       for p in sorted((ROOT / "seeds").glob("*.txt")))


def parts(text: str, limit: int) -> list[tuple]:
    return [what for _task, what in engines.tasks([text], limit)]


def test_the_seeds_in_parts_equal_the_whole_and_progress_reaches_the_total():
    text = seeds_text()
    assert len(parts(text, engines.LOCAL_CHARS)) >= 2  # really in parts
    whole = orjson.dumps(analyze_to_dict(text))
    for workers in (1, 2):  # parts in this process, then across two
        notes: list[tuple] = []
        done: list[tuple] = []
        [entry] = engines.analyses([text], workers=workers, progress=lambda *a: done.append(a),  # noqa: B023
                                   sentences=lambda *a: notes.append(a))  # noqa: B023
        assert orjson.dumps(entry) == whole
        counts = [d for _, d, _ in notes]
        assert counts == sorted(set(counts)) and len(counts) >= 2  # strictly growing
        assert notes[-1] == (0, len(entry["sentences"]), len(entry["sentences"]))
        assert done == [(1, 1)]


def test_a_generated_300_kb_report_in_parts_equals_the_whole():
    text = clean(report(300_000, seed=3)).text
    assert len(parts(text, engines.LOCAL_CHARS)) >= 10
    small = clean(report(3_000, seed=4)).text  # small reports around it share the pool
    texts = [small, text, small + "Phụ lục."]
    got = list(engines.analyses(texts, workers=2))
    assert [orjson.dumps(e) for e in got] == [orjson.dumps(analyze_to_dict(t)) for t in texts]


def test_a_name_after_a_title_in_part_one_is_tagged_bare_in_part_three(monkeypatch):
    filler = clean(report(6_000, seed=5)).text
    bare = "Ý kiến của Putin được ghi nhận."
    text = f"Tổng thống Putin phát biểu khai mạc.\n\n{filler}\n\n{bare}\n"
    at = text.index(bare) + len("Ý kiến của ")
    span = [at, at + len("Putin"), "PER"]
    assert span[:2] not in [e[:2] for e in analyze_to_dict(bare)["entities"]]  # bare: no name alone
    monkeypatch.setattr(engines, "LOCAL_CHARS", 2_000)
    found = parts(text, 2_000)
    first, last = found[0], found[-1]
    assert len(found) >= 3 and first[1] == 0 and last[1] <= at and last[3]
    whole = analyze_to_dict(text)
    [chunked] = engines.analyses([text], workers=2)
    assert span in whole["entities"] and span in chunked["entities"]
    assert orjson.dumps(chunked) == orjson.dumps(whole)


def _dies(*_args):
    os._exit(3)


def test_an_analysis_process_that_dies_is_a_clear_error_not_a_hang(monkeypatch):
    before = set(multiprocessing.active_children())
    monkeypatch.setattr(pipeline, "tag_part", _dies)  # forked workers inherit it
    text = clean(report(60_000, seed=6)).text
    ended = threading.Event()
    raised: list[BaseException] = []

    def run() -> None:
        try:
            list(engines.analyses([text], workers=2))
        except BaseException as exc:  # noqa: BLE001 - the test looks at it
            raised.append(exc)
        ended.set()

    threading.Thread(target=run, daemon=True).start()
    assert ended.wait(120), "the import hung after a worker died"
    assert len(raised) == 1 and isinstance(raised[0], LibraryError)
    assert "analysis process died" in str(raised[0])
    assert set(multiprocessing.active_children()) <= before


def test_ctrl_c_inside_a_big_report_stops_the_processes():
    before = set(multiprocessing.active_children())
    text = clean(report(200_000, seed=7)).text

    def interrupt(_i, _done, _total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        list(engines.analyses([text], workers=2, sentences=interrupt))
    assert set(multiprocessing.active_children()) <= before  # terminated and joined


def test_a_local_cluster_tags_the_same_parts(monkeypatch):
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    text = seeds_text()
    monkeypatch.setattr(engines, "BATCH_CHARS", 5_000)
    assert len(parts(text, engines.BATCH_CHARS)) >= 5
    notes = []
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as cluster:
        [entry] = engines.analyses([text], scheduler=cluster.scheduler_address,
                                   sentences=lambda i, d, t: notes.append(d))
    assert orjson.dumps(entry) == orjson.dumps(analyze_to_dict(text))
    assert len(notes) >= 5 and notes[-1] == len(entry["sentences"])


def test_a_few_small_reports_are_one_a_task_so_every_process_has_work(monkeypatch):
    texts = [clean(report(2_000, seed=s)).text for s in range(4)]
    assert len(list(engines.tasks(texts, engines.LOCAL_CHARS))) == 1  # they would fit in one
    made = []
    real = engines.tasks
    monkeypatch.setattr(engines, "tasks", lambda *a: made.extend(real(*a)) or iter(made))
    got = list(engines.analyses(texts, workers=2))
    assert len(made) == len(texts) and got == [analyze_to_dict(t) for t in texts]


def test_an_import_notes_the_sentences_of_a_big_report_throttled(home, tmp_path, monkeypatch):
    from annotations.corpus import ingest
    from annotations.corpus.library import Library

    (tmp_path / "big.txt").write_text(report(80_000, seed=8), encoding="utf-8")
    (tmp_path / "small.txt").write_text(report(2_000, seed=9), encoding="utf-8")
    seen = []
    monkeypatch.setattr(ingest, "SENTENCES_SECONDS", 0.0)  # every part's note, to check them all
    summary = Library(home).import_paths([tmp_path], workers=2,
                                         progress=lambda *a: seen.append(a))
    assert len(summary.imported) == 2
    notes = [(d, t, w) for d, t, w in seen if w.endswith(" sentences")]
    sentences = len(Library(home).analysis(summary.imported[0]).sentences)
    assert len(notes) >= 3 and all(w.startswith(str(tmp_path / "big.txt") + ": ") for *_, w in notes)
    assert notes[-1][2].endswith(f": {sentences:,}/{sentences:,} sentences")
    assert [d for d, _, _ in seen] == sorted(d for d, _, _ in seen) and seen[-1][:2] == (2, 2)
    seen.clear()
    monkeypatch.setattr(ingest, "SENTENCES_SECONDS", 3600.0)  # throttled: the first note only
    Library(home / "again").import_paths([tmp_path / "big.txt"], workers=2,
                                         progress=lambda *a: seen.append(a))
    assert len([a for a in seen if a[2].endswith(" sentences")]) == 1
