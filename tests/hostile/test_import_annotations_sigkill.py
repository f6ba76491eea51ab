"""SIGKILL import-annotations at random moments, 60 rounds: the home always
opens, the summary (stats) agrees with the shards, no acknowledged import is
lost, an interrupted one is all or nothing once the next writer opened the
home, every exported offset slices its text, and no temp file or journal is
left after the next writer."""
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "store"))

from annotations.corpus.library import Library  # noqa: E402
from annotations.interchange.export import iter_records  # noqa: E402
from annotations.interchange.import_annotations import import_file  # noqa: E402
from annotations.store import AnnotationStore, summarize  # noqa: E402
from annotations.store.shards import STATE, TABLE, parse_shard  # noqa: E402
from storehelp import bounded, cli, json_lines, leftovers, synthetic_home, write_jsonl  # noqa: E402

ROUNDS = 60
N_REPORTS, N_SENTENCES = 6, 10
_bounded = bounded(300)

CHILD = textwrap.dedent("""
    import os, sys
    from annotations.corpus.library import Library
    from annotations.interchange.import_annotations import import_file
    from annotations.store import AnnotationStore
    home, batches, first = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = AnnotationStore(home, annotator="lan")
    lib = Library(home)
    out = sys.stdout
    out.write("ready\\n"); out.flush()
    n = first
    while os.path.exists("%s/b%04d.jsonl" % (batches, n)):  # a fast machine may use them all
        out.write("B %d\\n" % n); out.flush()
        import_file(store, lib, "%s/b%04d.jsonl" % (batches, n))
        out.write("A %d\\n" % n); out.flush()  # acknowledged: the call returned
        n += 1
""")


def make_batches(home: Path, folder: Path, spans, n: int, rng: random.Random) -> list[dict]:
    """n files of bare records over several reports; returns the model after each
    (index 0: before any) as (rid, sentence, annotator) -> (label, note)."""
    lib = Library(home)
    texts = {rid: lib.text(rid) for rid in spans}
    models = [{}]
    for b in range(n):
        model = dict(models[-1])
        recs = []
        for rid in rng.sample(sorted(spans), rng.randint(2, N_REPORTS)):
            for who in ("lan", "minh"):
                for i in rng.sample(range(N_SENTENCES), rng.randint(1, N_SENTENCES)):
                    s, e = spans[rid][i]
                    label = rng.choice(["achievement", "task", "risk", None])
                    note = f"lô {b} câu {i}" + " ghi chú" * rng.randint(0, 40)
                    recs.append({"report_id": rid, "start": s, "end": e, "label": label,
                                 "text": texts[rid][s:e], "annotator": who, "note": note})
                    model[(rid, i, who)] = (label, note)
        write_jsonl(folder / f"b{b:04d}.jsonl", recs)
        models.append(model)
    return models


def state_of(home: Path, spans) -> dict:
    """(rid, sentence, annotator) -> (label, note), read from the shard files."""
    out = {}
    starts = {rid: {s: i for i, (s, _e) in enumerate(sp)} for rid, sp in spans.items()}
    for p in (home / "annotations" / "reports").glob("[!.]*.json"):
        for d in parse_shard(p.read_bytes(), p)[TABLE].values():
            assert not d["orphaned"] and d["decided"]
            out[(d["report_id"], starts[d["report_id"]][d["start"]], d["annotator"])] = (
                d["label"], d["note"])
    return out


def per_report(model: dict, rid: str) -> dict:
    return {k: v for k, v in model.items() if k[0] == rid}


def check_home(home: Path, spans) -> None:
    """The summary agrees with the shards, stats runs, every offset slices its text."""
    with AnnotationStore(home, readonly=True) as store:
        assert not store.problems
        summary = store.summary()
        recs = list(iter_records(store, Library(home)))
    for p in (home / "annotations" / "reports").glob("[!.]*.json"):
        data = parse_shard(p.read_bytes(), p)
        docs = list(data[TABLE].values())
        rid = docs[0]["report_id"] if docs else None
        if rid is not None:
            assert summary[rid] == summarize(docs, data.get(STATE, {}).values()), rid
    res = cli(home, "stats", "--json")
    assert res.exit_code == 0, res.output
    total = json_lines(res.stdout)[0]
    assert total["annotations"] == sum(e["count"] for e in summary.values()) == len(recs)
    texts = {rid: Library(home).text(rid) for rid in spans}
    for r in recs:
        assert texts[r["report_id"]][r["start"]:r["end"]] == r["text"], r


@pytest.mark.slow
def test_sigkill_import_annotations_at_random_moments(tmp_path):
    home = tmp_path / "home"
    spans = synthetic_home(home, N_REPORTS, N_SENTENCES, entities=False)
    batches = tmp_path / "batches"
    batches.mkdir()
    rng = random.Random(2024)
    models = make_batches(home, batches, spans, 1000, rng)
    with AnnotationStore(home, annotator="lan") as store:  # batch 0 before the kills
        import_file(store, Library(home), batches / "b0000.jsonl")
    applied = 1  # batches 0..applied-1 are in the home
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    stats = {"mid_call": 0, "journal_seen": 0, "rolled_forward": 0, "acked": 0}
    started = time.monotonic()
    for rnd in range(ROUNDS):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(home), str(batches),
                                  str(applied)], stdout=subprocess.PIPE, env=env)
        assert child.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0, 0.25))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        out = child.stdout.read().decode()
        child.stdout.close()
        acked = [int(ln[2:]) for ln in out.splitlines() if ln.startswith("A ")]
        begun = [int(ln[2:]) for ln in out.splitlines() if ln.startswith("B ")]
        last_acked = acked[-1] + 1 if acked else applied  # batches in the home for sure
        pending = begun[-1] if begun and (not acked or begun[-1] > acked[-1]) else None
        stats["acked"] += len(acked)
        stats["mid_call"] += pending is not None
        assert pending is None or pending == last_acked
        # A reader, before any writer: each report is all or nothing (a commit's
        # renames may be half-way: the next writer finishes them).
        journal = home / "annotations" / "journal.json"
        stats["journal_seen"] += journal.exists()
        seen = state_of(home, spans)
        for rid in spans:
            options = [per_report(models[last_acked], rid)]
            if pending is not None:
                options.append(per_report(models[pending + 1], rid))
            assert per_report(seen, rid) in options, (rnd, rid)
        # The next writer: finishes or rolls back, cleans up.
        with AnnotationStore(home, annotator="lan") as store:
            assert not store.problems
        assert leftovers(home) == [], rnd
        now = state_of(home, spans)
        if now == models[last_acked]:
            applied = last_acked
        else:
            assert pending is not None and now == models[pending + 1], rnd  # all, or nothing
            applied = pending + 1
            stats["rolled_forward"] += seen != now
        check_home(home, spans)
    assert stats["acked"] > ROUNDS // 2  # the kills landed among imports ...
    assert stats["mid_call"] > ROUNDS // 3  # ... many of them inside one
    assert applied < len(models) - 1  # (enough batches were prepared)
    assert time.monotonic() - started < 280, stats
