"""Suggestion benchmarks (issue 12):
- quality on the five seeds' gold labels (tests/data/gold_labels.jsonl):
  leave-one-report-out macro-F1 (train on four seeds, suggest on the fifth) of
  the suggestions and of the cold-start prior, beside the majority-class baseline;
- retraining at 5,000 labels <= 200 ms (median of retrains, each after one more
  tag), beside underthesea_core's LRTrainer (5 SGD epochs) on the same features;
- suggestions for a 300-sentence report <= 50 ms, three times: the very first (its
  features computed, from the cached analysis; warm() writes its features file later);
  the first on opening it once its features file exists (a new Suggester; the file
  written ahead by warm(), as the model's process does while idle); and the median
  of the reader's refreshes (features in memory, every sentence scored again);
  beside reading that report (text + analysis) from the library;
- the next teach-queue item with 10,000 reports <= 50 ms (median, each after an
  answer, a retrain and the worker's prefetch), beside scoring every report once
  (extrapolated from 50).

The big home is synthetic (benchmarks/corpus.py: texts from the seed paragraphs,
analyses by simple rules, shards written with the store's storage); its labels are
the seeds' gold labels of the same sentences (none elsewhere).
"""
from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_store import fake_analysis, verdict  # noqa: E402

from annotations.corpus.library import Library  # noqa: E402
from annotations.store import AnnotationStore, Selection, now_iso, shard_name  # noqa: E402
from annotations.store.records import ADDED_IN_3  # noqa: E402
from annotations.store.shards import TABLE, ShardStorage  # noqa: E402
from annotations.suggest import Suggester  # noqa: E402
from corpus import seed_paragraphs, write_library  # noqa: E402

GOLD = ROOT / "tests" / "data" / "gold_labels.jsonl"
N_REPORTS = int(os.environ.get("BENCH_SUGGEST_REPORTS", 10_000))
N_LABELS = 5_000
CLASSES = ("achievement", "task", "risk", None)


def macro_f1(pairs: list[tuple]) -> float:
    f = []
    for c in CLASSES:
        tp = sum(1 for y, p in pairs if y == c and p == c)
        wrong = sum(1 for y, p in pairs if (y == c) != (p == c))
        f.append(2 * tp / (2 * tp + wrong) if tp else 0.0)
    return sum(f) / len(f)


def bench_quality(tmp: Path) -> None:
    home = tmp / "seeds"
    Library(home).import_paths([ROOT / "seeds"], workers=1)
    lib = Library(home)
    body = {(m.id, i) for m in lib.reports() for i in lib.open(m.id).analysis.body_sentences()}
    gold = [g for g in map(orjson.loads, GOLD.read_bytes().splitlines())
            if (g["report"], g["sentence"]) in body]  # what is suggested (and learnt from)
    reports = list(dict.fromkeys(g["report"] for g in gold))
    learnt, prior, major = [], [], []
    with Suggester(home, "bench") as sg:
        for held in reports:
            train = [(g["report"], g["sentence"], g["label"] or "") for g in gold if g["report"] != held]
            test = [g for g in gold if g["report"] == held]
            where = [(g["report"], g["sentence"]) for g in test]
            top = Counter(c for _, _, c in train).most_common(1)[0][0] or None
            for g, a, b in zip(test, sg.evaluate(train, where), sg.evaluate([], where)):
                learnt.append((g["label"], a.label))
                prior.append((g["label"], b.label))
                major.append((g["label"], top))
    print(f"seeds ({len(gold)} gold body sentences, leave one report out), macro-F1 over "
          "achievement/task/risk/none:")
    print(f"  suggestions {macro_f1(learnt):.3f}   cold-start prior {macro_f1(prior):.3f}   "
          f"majority class {macro_f1(major):.3f} (reference)")


def build_home(home: Path, tmp: Path) -> str:
    """10,000 synthetic reports, 5,000 labelled sentences, and a 300-sentence
    report imported (analysed) as usual; returns that report's id."""
    metas = write_library(home, N_REPORTS)
    gold = {g["text"]: g["label"] for g in map(orjson.loads, GOLD.read_bytes().splitlines())}
    lib = Library(home)
    shards = home / "annotations" / "reports"
    shards.mkdir(parents=True)
    (home / "annotations" / "store.json").write_bytes(b'{"schema": 3}')
    now, labelled = now_iso(), 0
    for m in metas:
        text = lib.text(m.id)
        a = fake_analysis(text)
        lib.cache_path(m.sha256).parent.mkdir(parents=True, exist_ok=True)
        lib.cache_path(m.sha256).write_bytes(orjson.dumps(a))
        if labelled >= N_LABELS:
            continue
        docs = {}
        for i, (s, e, _p) in enumerate(a["sentences"]):
            docs[str(i + 1)] = {**ADDED_IN_3, "id": f"{labelled:032x}", "report_id": m.id, "start": s,
                                "end": e, "sentence_start": i, "sentence_end": i,
                                "label": gold.get(text[s:e]), "text": text[s:e], "note": "",
                                "annotator": "bench", "created_at": now, "updated_at": now,
                                "report_sha256": m.sha256, "orphaned": False}
            labelled += 1
        ShardStorage(shards / shard_name(m.id), durable=False).write({TABLE: docs})
    os.sync()
    rng, paras, long_text = random.Random(3), seed_paragraphs(), []
    while sum(len(fake_analysis(p)["sentences"]) for p in long_text) < 300:
        long_text.append(rng.choice(paras))
    (tmp / "long300.txt").write_text("\n\n".join(long_text), encoding="utf-8")
    lib.import_paths([tmp / "long300.txt"], workers=1)
    return "long300"


def tag_next(store: AnnotationStore, lib: Library, rid: str, i: int, label: str) -> None:
    r = lib.open(rid)
    store.tag(Selection.of(rid, r.analysis.sentences, i, None, r.meta.sha256), label)


def bench_retrain(home: Path, store: AnnotationStore, sg: Suggester) -> None:
    t0 = time.perf_counter()
    sg.train()
    cold = time.perf_counter() - t0
    lib = Library(home)
    unlabelled = [m.id for m in lib.reports() if m.id not in store.progress()][:7]
    times = []
    for rid in unlabelled:
        tag_next(store, lib, rid, 0, "task")
        t0 = time.perf_counter()
        sg.train()
        times.append(time.perf_counter() - t0)
    med = statistics.median(times) * 1000
    import underthesea_core as uc

    ex = sg.examples()
    bags, ys = [sg._bag(r, i) for r, i, _ in ex], [c or "none" for _, _, c in ex]
    t0 = time.perf_counter()
    uc.LRTrainer(max_epochs=5, verbose=0).train(bags, ys)
    ref = (time.perf_counter() - t0) * 1000
    print(f"retrain at {sg.labelled} labels: median {med:.0f} ms (target <= 200) {verdict(med <= 200)}; "
          f"first fit with features {cold * 1000:.0f} ms; underthesea_core LRTrainer 5 epochs "
          f"{ref:.0f} ms (reference)")


def bench_suggest_long(home: Path, sg: Suggester, rid: str) -> None:
    t0 = time.perf_counter()
    got = sg.suggest(rid, undecided_only=False)  # nothing of this report computed before
    first = (time.perf_counter() - t0) * 1000
    times = []
    for _ in range(7):  # the reader's refresh after a tag: scored again, features kept
        t0 = time.perf_counter()
        sg.suggest(rid)
        times.append(time.perf_counter() - t0)
    ms = statistics.median(times) * 1000
    sg._features_path(Library(home).get(rid).sha256).unlink(missing_ok=True)  # (suggest wrote none)
    with Suggester(home, "bench") as idle:  # the model's process while no request waits
        t0, warmed = time.perf_counter(), 0
        while not sg._features_path(Library(home).get(rid).sha256).exists() and idle.warm():
            warmed += 1
        warm_ms = (time.perf_counter() - t0) * 1000
    assert sg._features_path(Library(home).get(rid).sha256).exists(), "warm() left it out"
    opens = []
    for _ in range(3):  # opening it: a new Suggester (its model file read beforehand)
        with Suggester(home, "bench") as again:
            t0 = time.perf_counter()
            same = again.suggest(rid, undecided_only=False)
            opens.append(time.perf_counter() - t0)
        assert same == got, "the features file gives other suggestions"
    opened = statistics.median(opens) * 1000
    t0 = time.perf_counter()
    Library(home).open(rid)
    ref = (time.perf_counter() - t0) * 1000
    print(f"suggestions for a {len(got)}-body-sentence report (target <= 50 ms each): opening it "
          f"with its features file written ahead (median) {opened:.1f} ms {verdict(opened <= 50)}; "
          f"refresh, features in memory (median) {ms:.1f} ms {verdict(ms <= 50)}; very first, "
          f"features computed then {first:.1f} ms {verdict(first <= 50)}; warm() wrote {warmed} "
          f"features file(s) until this one's in {warm_ms:.0f} ms; reading the report from the "
          f"library {ref:.1f} ms (reference)")


def bench_queue(home: Path, store: AnnotationStore, sg: Suggester) -> None:
    lib = Library(home)
    t0 = time.perf_counter()
    item = sg.queue(1)[0]
    first = (time.perf_counter() - t0) * 1000
    times = []
    for _ in range(20):
        tag_next(store, lib, item.report_id, item.sentence, item.label or "task")
        sg.train()
        sg.prefetch()  # what the teach screen's worker does after an answer
        t0 = time.perf_counter()
        item = sg.queue(1)[0]
        times.append(time.perf_counter() - t0)
    med = statistics.median(times) * 1000
    t0 = time.perf_counter()
    sample = [m.id for m in lib.reports()[-50:]]
    for rid in sample:
        sg.suggest(rid)
    per = (time.perf_counter() - t0) / len(sample)
    print(f"next teach-queue item, {len(lib)} reports: median {med:.1f} ms after each answer, "
          f"retrain and prefetch (target <= 50) {verdict(med <= 50)}, max {max(times) * 1000:.1f} ms; "
          f"first item {first:.0f} ms; scoring every report once ~{per * len(lib):.0f} s "
          "(reference)")


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        bench_quality(tmp)
        home = tmp / "big"
        long_id = build_home(home, tmp)
        with AnnotationStore(home, annotator="bench") as store, Suggester(home, "bench") as sg:
            bench_retrain(home, store, sg)
            bench_suggest_long(home, sg, long_id)
            bench_queue(home, store, sg)


if __name__ == "__main__":
    main()
