"""SIGKILL a writing process at random moments: the store always opens and
every change acknowledged before the kill is there."""
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter

import orjson
import pytest

from annotations.store import AnnotationStore, summarize
from annotations.store.shards import TABLE, parse_shard
from storehelp import passage, report_ids

ROUNDS = 110

CHILD = textwrap.dedent("""
    import random, sys
    import orjson
    from annotations.store import AnnotationStore, Selection
    home, seed, pfile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    passages = [Selection(p[0], tuple(map(tuple, p[1])), p[2], p[3], p[4])
                for p in orjson.loads(open(pfile, "rb").read())]
    store = AnnotationStore(home, annotator="crash")
    out = sys.stdout
    out.write("ready\\n"); out.flush()
    rng = random.Random(seed)
    labels = ["achievement", "task", "risk"]
    while True:
        i = rng.randrange(len(passages))
        p = passages[i]
        cur = next((a for a in store.for_report(p.report_id)
                    if a.annotator == "crash" and a.sentence_start == p.first), None)
        keep = cur.note if cur and cur.note else "-"
        if cur is not None and rng.random() < 0.3:
            note = "ghi chú %d" % rng.randrange(1000)
            out.write("B %d %s %s\\n" % (i, cur.label or "-", note)); out.flush()
            store.set_note(p, note)
        else:
            label = rng.choice(labels)
            if cur is not None and cur.label == label:
                out.write("B %d - %s\\n" % (i, keep))  # toggled off; a note stays
            else:
                out.write("B %d %s %s\\n" % (i, label, keep))
            out.flush()
            store.tag(p, label)
        out.write("A\\n"); out.flush()  # acknowledged: the call returned
""")


def state_of(store, passages):
    found = {}
    for rid in {p.report_id for p in passages}:
        for a in store.for_report(rid):
            if a.annotator == "crash":
                found[(rid, a.start, a.end)] = (a.label or "-", a.note or "-")
    return [found.get((p.report_id, p.start, p.end)) for p in passages]


def runs_of(model, passages) -> int:
    """Passages (runs of one label over consecutive sentences) in the model."""
    n, prev = 0, None
    for p, m in zip(passages, model):
        label = m[0] if m and m[0] != "-" else None
        if label and (prev is None or prev != (p.report_id, p.first - 1, label)):
            n += 1
        prev = (p.report_id, p.first, label) if label else None
    return n


@pytest.mark.slow
def test_sigkill_at_random_moments(seeded_home, tmp_path):
    ids = report_ids(seeded_home)
    passages = [passage(seeded_home, rid, i) for rid in ids[:3] for i in range(6)]
    pfile = tmp_path / "passages.json"
    pfile.write_bytes(orjson.dumps([[p.report_id, p.sentences, p.first, p.last, p.report_sha256]
                                    for p in passages]))
    rng = random.Random(1234)
    model = [None] * len(passages)
    acked_total = mid_call = 0
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    started = time.monotonic()
    for rnd in range(ROUNDS):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(seeded_home), str(rnd),
                                  str(pfile)], stdout=subprocess.PIPE, env=env)
        assert child.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0, 0.06))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        out = child.stdout.read()  # (not communicate(): it would skip readline's buffer)
        child.stdout.close()
        pending = None
        for line in out.decode().splitlines():
            if line.startswith("B "):
                _, i, label, note = line.split(" ", 3)
                pending = (int(i), None if (label, note) == ("-", "-") else (label, note))
            elif line == "A" and pending:
                model[pending[0]] = pending[1]
                pending = None
                acked_total += 1
        mid_call += pending is not None
        # Open for writing (what the next analyst does) every few rounds, else read-only.
        with AnnotationStore(seeded_home, readonly=rnd % 4 != 0) as store:
            assert not store.problems
            actual = state_of(store, passages)
            for i, (want, got) in enumerate(zip(model, actual)):
                if pending and pending[0] == i:
                    assert got in (want, pending[1]), (rnd, i, want, pending, got)
                else:
                    assert got == want, (rnd, i, want, got)
            # the summary cache agrees with the shards
            for rid, entry in store.summary().items():
                path = store.shards_dir / f"{rid}.json"
                docs = parse_shard(path.read_bytes(), path)[TABLE].values()
                assert entry == summarize(docs)
            assert sum(store.counts().get(rid, Counter()).get(lab, 0) for rid in ids
                       for lab in ("achievement", "task", "risk")) == runs_of(actual, passages)
        model = actual
    assert acked_total > ROUNDS  # the kills really landed among writes ...
    assert mid_call > ROUNDS // 2  # ... most of them inside a call
    with AnnotationStore(seeded_home):  # the writer clears dead writers' temp files
        assert not list(store.shards_dir.glob(".*.tmp"))
    assert time.monotonic() - started < 120
