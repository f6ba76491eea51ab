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

from annotations.corpus.library import Library
from annotations.interchange.export import iter_records
from annotations.interchange.import_annotations import import_file
from annotations.store import AnnotationStore, summarize
from annotations.store.shards import STATE, TABLE, parse_shard
from storehelp import bounded, cli, json_lines, leftovers, synthetic_home, write_jsonl

ROUNDS = 60
N_REPORTS, N_SENTENCES = 6, 10
_bounded = bounded(300)

CHILD = textwrap.dedent("""
    import sys
    from annotations.corpus.library import Library
    from annotations.interchange.import_annotations import import_file
    from annotations.store import AnnotationStore
    from storehelp import write_jsonl
    from test_import_annotations_sigkill import Batches
    home, folder, first = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = AnnotationStore(home, annotator="lan")
    lib = Library(home)
    batches = Batches(home)
    out = sys.stdout
    out.write("ready\\n"); out.flush()
    n = first
    while True:  # batch n is a function of n: never runs out, however fast the machine
        path = "%s/b%06d.jsonl" % (folder, n)
        write_jsonl(path, batches.records(n))
        out.write("B %d\\n" % n); out.flush()
        import_file(store, lib, path)
        out.write("A %d\\n" % n); out.flush()  # acknowledged: the call returned
        n += 1
""")


class Batches:
    """Batch n of bare records over several reports (a function of n alone, so
    the child makes them as it goes and the parent folds them into the model)."""

    def __init__(self, home):
        lib = Library(home)
        self.spans = {m.id: [(s.start, s.end) for s in lib.analysis(m.id).sentences]
                      for m in lib.reports()}
        self.texts = {rid: lib.text(rid) for rid in self.spans}
        self._models = [{}]  # model after batches 0..k-1: (rid, sentence, annotator) -> (label, note)

    def records(self, b: int) -> list[dict]:
        rng = random.Random(b * 7919 + 1)
        recs = []
        for rid in rng.sample(sorted(self.spans), rng.randint(2, N_REPORTS)):
            for who in ("lan", "minh"):
                for i in rng.sample(range(N_SENTENCES), rng.randint(1, N_SENTENCES)):
                    s, e = self.spans[rid][i]
                    recs.append({"report_id": rid, "start": s, "end": e,
                                 "label": rng.choice(["achievement", "task", "risk", None]),
                                 "text": self.texts[rid][s:e], "annotator": who,
                                 "note": f"lô {b} câu {i}" + " ghi chú" * rng.randint(0, 40)})
        return recs

    def model(self, n: int) -> dict:
        """The home's decisions after batches 0..n-1."""
        starts = {rid: {s: i for i, (s, _e) in enumerate(sp)} for rid, sp in self.spans.items()}
        while len(self._models) <= n:
            model = dict(self._models[-1])
            for r in self.records(len(self._models) - 1):
                model[(r["report_id"], starts[r["report_id"]][r["start"]], r["annotator"])] = (
                    r["label"], r["note"])
            self._models.append(model)
        return self._models[n]


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
    folder = tmp_path / "batches"
    folder.mkdir()
    rng = random.Random(2024)
    batches = Batches(home)
    write_jsonl(folder / "first.jsonl", batches.records(0))
    with AnnotationStore(home, annotator="lan") as store:  # batch 0 before the kills
        import_file(store, Library(home), folder / "first.jsonl")
    applied = 1  # batches 0..applied-1 are in the home
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    stats = {"mid_call": 0, "journal_seen": 0, "rolled_forward": 0, "acked": 0}
    started = time.monotonic()
    for rnd in range(ROUNDS):
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(home), str(folder),
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
            options = [per_report(batches.model(last_acked), rid)]
            if pending is not None:
                options.append(per_report(batches.model(pending + 1), rid))
            assert per_report(seen, rid) in options, (rnd, rid)
        # The next writer: finishes or rolls back, cleans up.
        with AnnotationStore(home, annotator="lan") as store:
            assert not store.problems
        assert leftovers(home) == [], rnd
        now = state_of(home, spans)
        if now == batches.model(last_acked):
            applied = last_acked
        else:
            assert pending is not None and now == batches.model(pending + 1), rnd  # all, or nothing
            applied = pending + 1
            stats["rolled_forward"] += seen != now
        check_home(home, spans)
    assert stats["acked"] > ROUNDS // 2  # the kills landed among imports ...
    assert stats["mid_call"] > ROUNDS // 3  # ... many of them inside one
    assert time.monotonic() - started < 280, stats
