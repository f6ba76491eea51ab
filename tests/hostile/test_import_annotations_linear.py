"""Linear import-annotations: the work per record does not grow with the
annotations already in its report (it was one scan of them per record:
2,500 / 20,000 records took 1.1 / 59.6 s). Counted, not timed, so a busy CI
machine cannot make it flaky; a loose time bound catches hangs."""
import time

import annotations.interchange.import_annotations as imp
import annotations.store.records as records
from annotations.corpus.library import Library
from annotations.store import AnnotationStore
from storehelp import bounded, records_for, synthetic_home, write_jsonl

_bounded = bounded(120)


def counted_import(tmp_path, monkeypatch, n_annotators: int, name: str) -> tuple[int, int, float]:
    """(records, passage_key calls, seconds) of importing every sentence of one
    report for n annotators, into a home that already holds them with other labels."""
    home = tmp_path / name
    spans = synthetic_home(home, 1, 40, entities=False)
    who = [f"a{i:03d}" for i in range(n_annotators)]
    first = records_for(spans, home, annotators=who)
    second = records_for(spans, home, annotators=who,
                         label_of=lambda rid, i, w: ("task", "risk", "achievement")[i % 3])
    write_jsonl(tmp_path / f"{name}-1.jsonl", first)
    write_jsonl(tmp_path / f"{name}-2.jsonl", second)
    with AnnotationStore(home) as store:
        imp.import_file(store, Library(home), tmp_path / f"{name}-1.jsonl")
    calls = [0]
    real = records.passage_key

    def key(doc):
        calls[0] += 1
        return real(doc)

    with monkeypatch.context() as m:  # wherever it is looked up (holder uses the module's)
        m.setattr(records, "passage_key", key)
        m.setattr(imp, "passage_key", key)
        t0 = time.perf_counter()
        with AnnotationStore(home) as store:
            res = imp.import_file(store, Library(home), tmp_path / f"{name}-2.jsonl")
        took = time.perf_counter() - t0
    assert res.updated == len(second)
    return len(second), calls[0], took


def test_work_per_record_does_not_grow_with_the_report(tmp_path, monkeypatch):
    n_small, calls_small, _ = counted_import(tmp_path, monkeypatch, 10, "small")
    n_big, calls_big, took = counted_import(tmp_path, monkeypatch, 100, "big")
    assert n_big == 10 * n_small == 4000
    # linear: ~x10 the calls for x10 the records (a scan per record: x100)
    assert calls_big / calls_small <= 15, (calls_small, calls_big)
    assert calls_big <= 10 * n_big
    assert took < 60
