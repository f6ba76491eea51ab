"""The tagging workflow (issue 8): keystrokes per sentence and sentence-level edit speed,
replayed through the reader with Textual's Pilot.

    .venv/bin/python benchmarks/bench_workflow.py

Two annotation sessions on the seed reports, each typed twice:
- (a) the longest seed report (about 51 sentences) tagged as passages: a gold
  labelling of runs of 1-5 sentences (lengths from a seeded random), the labels
  cycling achievement, task, risk, none; a run is typed with J-extension;
- (b) the shortest seed report tagged sentence by sentence, about a third of the
  sentences neutral (seeded random).
"before" is the old workflow (``[reader] advance = false``, no "none" key): a tag
costs its label key plus ``j`` to move on, a neutral sentence costs ``j``.
"after" is tag-and-advance with ``-`` for neutral sentences. The key sequences come
from a planner that follows the reader's cursor rules (``plan``); after each replay
the store's decisions are checked against the gold labelling, so the figure is
the cost of really doing the work. Target: after <= 1.1 keystrokes per sentence
for sentence-by-sentence work.

Then sentence-level edits inside a passage (relabel: split, relabel back: merge,
remove: split, tag: merge), each including the store's durable write: the work
the app does for the key (the action plus every repaint it causes, as in
bench_tui.py), median and p95, target <= 30 ms, next to the j/k key measured in
the same run and Pilot's round trip for both.
"""
from __future__ import annotations

import asyncio
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ANNOTATOR = "bench"
SEED = 8  # the number: any fixed seed does
CYCLE = ("achievement", "task", "risk", None)  # None: the decision "none"
KEY = {"achievement": "a", "task": "t", "risk": "r"}
TARGET_KEYS = 1.1  # keystrokes per sentence, sentence by sentence, after
TARGET_EDIT = 0.030  # s per sentence-level edit key incl. the durable write
EDIT_ROUNDS = 40  # each round: 4 edit keys and 2-3 moves


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


# ---------------------------------------------------------------- gold labellings

Gold = list  # sentence index -> label name, or None for "none"


def gold_passages(n: int, seed: int = SEED, breaks: frozenset[int] = frozenset()) -> Gold:
    """Runs of 1-5 sentences (seeded lengths), labels cycling through CYCLE; a
    run ends before each position in ``breaks`` (a caption or heading lies
    between: J never takes one into a passage)."""
    rng = random.Random(seed)
    gold: Gold = []
    k = 0
    while len(gold) < n:
        length = min(rng.randint(1, 5), n - len(gold))
        cut = next((b for b in sorted(breaks) if len(gold) < b < len(gold) + length), None)
        gold += [CYCLE[k % len(CYCLE)]] * ((cut - len(gold)) if cut else length)
        k += 1
    return gold


def gold_sentences(n: int, seed: int = SEED) -> Gold:
    """One decision per sentence: a third of them (rounded) none, at seeded
    places, the others a seeded random label."""
    rng = random.Random(seed)
    neutral = set(rng.sample(range(n), round(n / 3)))
    return [None if i in neutral else rng.choice(CYCLE[:3]) for i in range(n)]


def runs_of(gold: Gold) -> list[tuple[int, int, str | None]]:
    """(first, last, label) of each run of equal decisions."""
    out: list[tuple[int, int, str | None]] = []
    for i, label in enumerate(gold):
        if out and out[-1][2] == label and out[-1][1] == i - 1:
            out[-1] = (out[-1][0], i, label)
        else:
            out.append((i, i, label))
    return out


# ---------------------------------------------------------------- the planner

def plan(gold: Gold, *, advance: bool, passages: bool) -> tuple[list[str], int]:
    """The keys that decide ``gold`` from sentence 1, and where the cursor ends.

    It follows the reader's rules: ``j`` moves one sentence, ``J`` extends the
    selection, a decision key acts on the selection, then (``advance``) moves
    past it or (not ``advance``) leaves the cursor on the selection's last
    sentence. ``passages``: a run of equal decisions is one selection (J-extended);
    else each sentence is decided by itself. Without ``advance`` (the old
    workflow) there is no "none" key: a neutral sentence is moved over with ``j``.
    Every sentence is visited: the cursor ends on the last one."""
    n = len(gold)
    units = runs_of(gold) if passages else [(i, i, label) for i, label in enumerate(gold)]
    keys: list[str] = []
    cursor = 0
    for first, last, label in units:
        if label is None and not advance:
            continue  # moved over below, on the way to the next unit
        keys += ["j"] * (first - cursor)  # reach the unit (0 with advance)
        keys += ["J"] * (last - first)
        keys.append(KEY[label] if label else "minus")
        cursor = min(last + 1, n - 1) if advance else last
    keys += ["j"] * (n - 1 - cursor)  # read to the end
    return keys, n - 1


# ---------------------------------------------------------------- homes

def seeded_home(tmp: Path) -> Path:
    """A home with the bundled seed reports imported (analysed once)."""
    from annotations.corpus.library import Library

    home = tmp / "seeded"
    summary = Library(home).import_paths([ROOT / "seeds"], workers=1)
    if not summary.imported:
        raise SystemExit(f"the seeds did not import: {summary}")
    return home


def copy_home(template: Path, dest: Path, *, advance: bool) -> Path:
    shutil.copytree(template, dest)
    if not advance:
        (dest / "config.toml").write_text("[reader]\nadvance = false\n", encoding="utf-8")
    return dest


# ---------------------------------------------------------------- replaying

async def open_report(pilot, rid: str):
    from tui.screens.reader import ReaderScreen
    from tui.widgets.report_table import ReportTable

    app = pilot.app
    await pilot.pause()
    library = app.screen
    library.query_one(ReportTable).move_cursor(library.shown.index(rid))
    await pilot.press("enter")
    await pilot.pause()
    reader = app.screen
    if not isinstance(reader, ReaderScreen):
        raise SystemExit(f"{rid} did not open: {reader!r}")
    while reader.loading_report:
        await pilot.pause()
    return reader


def decisions_of(store, rid: str) -> dict[int, str | None]:
    """sentence -> the annotator's decision; checks one document per sentence."""
    out: dict[int, str | None] = {}
    for a in store.for_report(rid):
        if a.annotator != ANNOTATOR or not a.decided:
            continue
        if a.sentence_start != a.sentence_end or a.sentence_start in out:
            raise AssertionError(f"not one decision per sentence: {a}")
        out[a.sentence_start] = a.label
    return out


async def replay(home: Path, rid: str, gold: Gold, *, advance: bool, passages: bool) -> int:
    """Type the planned keys into the reader; check the store; the number of keys."""
    from tui.app import make_app

    keys, end = plan(gold, advance=advance, passages=passages)
    app = make_app(home, ANNOTATOR, seed=False)
    async with app.run_test(size=(120, 40)) as pilot:
        reader = await open_report(pilot, rid)
        body = reader.body  # gold and plan count body sentences: j/k skip the others
        if len(body) != len(gold):
            raise AssertionError(f"{rid}: {len(body)} body sentences, gold has {len(gold)}")
        if app.advance != advance:
            raise AssertionError(f"[reader] advance is {app.advance}, wanted {advance}")
        await pilot.press(*keys)
        await pilot.pause()
        got = decisions_of(app.store, rid)
        # The old workflow leaves neutral sentences undecided (it had no "none").
        want = {body[i]: label for i, label in enumerate(gold) if advance or label is not None}
        if got != want:
            wrong = sorted(i for i in set(got) | set(want) if got.get(i, "?") != want.get(i, "?"))
            raise AssertionError(f"{rid} ({'after' if advance else 'before'}): the store differs "
                                 f"from the gold labelling at sentences {wrong[:10]}")
        passages_got = [(a.sentence_start, a.sentence_end, a.label)
                        for a in app.store.passages(rid) if a.annotator == ANNOTATOR]
        passages_want = [(body[f], body[la], lb) for f, la, lb in runs_of(gold) if lb is not None]
        if passages_got != passages_want:
            raise AssertionError(f"{rid}: passages {passages_got[:5]}… != gold {passages_want[:5]}…")
        if reader.view.cursor != body[end]:
            raise AssertionError(f"{rid}: the cursor ended on {reader.view.cursor}, planned {body[end]}")
    return len(keys)


async def session(template: Path, tmp: Path, name: str, rid: str, gold: Gold, *,
                  passages: bool, target: float | None) -> tuple[int, int]:
    n = len(gold)
    before = await replay(copy_home(template, tmp / f"{name}-before", advance=False), rid, gold,
                          advance=False, passages=passages)
    after = await replay(copy_home(template, tmp / f"{name}-after", advance=True), rid, gold,
                         advance=True, passages=passages)
    neutral = sum(1 for g in gold if g is None)
    print(f"({name}) {rid}, {n} body sentences, {len(runs_of(gold))} runs, {neutral} neutral, "
          f"{'as passages (J)' if passages else 'sentence by sentence'}: "
          f"store == gold after each replay")
    line = f"  keystrokes/sentence  before {before / n:.2f}  after {after / n:.2f}"
    if target is not None:
        line += f"  (target after ≤ {target} for sentence-by-sentence) {verdict(after / n <= target)}"
    print(line + f"   [{before} and {after} keys]")
    return before, after


# ---------------------------------------------------------------- edit speed

async def bench_edits(home: Path, rid: str) -> None:
    """Sentence-level edits inside one passage that covers the whole report."""
    from textual.screen import Screen

    from tui.app import make_app

    paint = {"t": 0.0, "cpu": 0.0}
    original = Screen._compositor_refresh

    def timed_refresh(self) -> None:
        t, c = time.perf_counter(), time.thread_time()
        try:
            original(self)
        finally:
            paint["t"] += time.perf_counter() - t
            paint["cpu"] += time.thread_time() - c

    Screen._compositor_refresh = timed_refresh
    try:
        app = make_app(home, ANNOTATOR, seed=False)
        async with app.run_test(size=(120, 40)) as pilot:
            reader = await open_report(pilot, rid)
            n = reader.view.sentence_count
            work = {"t": 0.0, "cpu": 0.0, "store": 0.0}

            def timed(obj, name: str, slot: str, cpu: bool) -> None:
                fn = getattr(obj, name)

                def wrapper(*args, **kw):
                    t, c = time.perf_counter(), time.thread_time()
                    try:
                        return fn(*args, **kw)
                    finally:
                        work[slot] += time.perf_counter() - t
                        if cpu:
                            work["cpu"] += time.thread_time() - c
                setattr(obj, name, wrapper)

            for name in ("action_move", "action_tag", "action_remove"):
                timed(reader, name, "t", True)
            for name in ("tag", "clear"):  # the store's share: the change and its durable write
                timed(app.store, name, "store", False)

            async def press(key: str) -> tuple[float, float]:
                work["t"] = work["cpu"] = work["store"] = paint["t"] = paint["cpu"] = 0.0
                t0 = time.perf_counter()
                await pilot.press(key)
                return work["t"] + paint["t"], time.perf_counter() - t0

            await pilot.press("g", *["J"] * (n - 1), "a")  # one passage over every sentence
            store = app.store
            whole = [("achievement", 0, n - 1)]
            got = [(a.label, a.sentence_start, a.sentence_end) for a in store.passages(rid)]
            if got != whole:
                raise AssertionError(f"setup: {got}")
            await pilot.press("g")  # sentence 1
            edits: dict[str, list[float]] = {"relabel (split)": [], "relabel back (merge)": [],
                                            "remove (split)": [], "tag (merge)": []}
            moves, edit_trips, move_trips, edit_store, edit_cpu = [], [], [], [], []
            rng = random.Random(SEED)
            cursor = 0
            splits = 0
            for _ in range(EDIT_ROUNDS):
                # a sweep down the passage, a few sentences apart, never at its ends
                target = max(1, cursor + rng.randint(0, 2))
                if target > n - 2:
                    await pilot.press("g")
                    cursor, target = 0, 1 + rng.randint(0, 2)
                while cursor != target:
                    w, rt = await press("j" if target > cursor else "k")
                    cursor += 1 if target > cursor else -1
                    moves.append(w)
                    move_trips.append(rt)
                # r: split off as risk (advance to target+1), k, a: merged back (advance), k,
                # x: removed (split, the cursor stays), a: tagged again (merged, advance)
                for key, what in (("r", "relabel (split)"), ("k", None), ("a", "relabel back (merge)"),
                                  ("k", None), ("x", "remove (split)"), ("a", "tag (merge)")):
                    w, rt = await press(key)
                    if what is None:
                        moves.append(w)
                        move_trips.append(rt)
                        continue
                    edits[what].append(w)
                    edit_trips.append(rt)
                    edit_store.append(work["store"])
                    edit_cpu.append(work["cpu"] + paint["cpu"])
                    if what.endswith("(split)"):
                        parts = len(store.passages(rid))
                        if parts != (3 if what.startswith("relabel") else 2):
                            raise AssertionError(f"{what} at {target}: {parts} passages")
                        splits += 1
                cursor = target + 1
            got = [(a.label, a.sentence_start, a.sentence_end) for a in store.passages(rid)]
            if got != whole:
                raise AssertionError(f"after the edits: {got}")
            if len(decisions_of(store, rid)) != n:
                raise AssertionError("after the edits: not one decision per sentence")
    finally:
        Screen._compositor_refresh = original

    every = [w for ws in edits.values() for w in ws]
    med, p95 = statistics.median(every), pct(every, 95)
    ref = statistics.median(moves)
    print(f"sentence-level edits inside a {n}-sentence passage ({len(every)} keys, {splits} splits "
          "checked in the store), each incl. the durable write:")
    print(f"  median {med * 1000:.2f} ms, p95 {p95 * 1000:.2f} ms (target ≤ {TARGET_EDIT * 1000:.0f} ms "
          f"per key) {verdict(med <= TARGET_EDIT and p95 <= TARGET_EDIT)}"
          f"   reference, same run: j/k median {ref * 1000:.2f} ms, p95 {pct(moves, 95) * 1000:.2f} ms")
    for what, ws in edits.items():
        print(f"    {what:<22} median {statistics.median(ws) * 1000:6.2f} ms  p95 {pct(ws, 95) * 1000:6.2f} ms")
    print(f"  of which the store call (change + durable write): median "
          f"{statistics.median(edit_store) * 1000:.2f} ms, p95 {pct(edit_store, 95) * 1000:.2f} ms; "
          f"UI-thread CPU of the whole key: median {statistics.median(edit_cpu) * 1000:.2f} ms, "
          f"p95 {pct(edit_cpu, 95) * 1000:.2f} ms (wall minus CPU = waiting for a core or the disk)")
    print(f"  pilot round trip: edit keys median {statistics.median(edit_trips) * 1000:.1f} ms, "
          f"j/k median {statistics.median(move_trips) * 1000:.1f} ms (includes Pilot's wait for the next frame)")


# ---------------------------------------------------------------- main

async def run(tmp: Path) -> None:
    from annotations.corpus.library import Library

    t0 = time.perf_counter()
    template = seeded_home(tmp)
    reports = Library(template).reports()
    long_id = max(reports, key=lambda m: m.sentences).id
    short_id = min(reports, key=lambda m: m.sentences).id
    lib = Library(template)
    body_long, body_short = (lib.analysis(r).body_sentences() for r in (long_id, short_id))
    n_long, n_short = len(body_long), len(body_short)
    breaks = frozenset(g for g in range(1, n_long) if body_long[g] - body_long[g - 1] > 1)
    print(f"(imported {len(reports)} seed reports in {time.perf_counter() - t0:.1f} s)")
    await session(template, tmp, "a", long_id, gold_passages(n_long, breaks=breaks), passages=True, target=None)
    await session(template, tmp, "b", short_id, gold_sentences(n_short), passages=False,
                  target=TARGET_KEYS)
    # edits inside one passage over a whole report: one with no caption or heading (J stops there)
    plain = [m for m in reports if len(lib.analysis(m.id).body_sentences()) == m.sentences]
    edits_id = max(plain, key=lambda m: m.sentences).id
    await bench_edits(copy_home(template, tmp / "edits", advance=True), edits_id)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run(Path(tmp)))


if __name__ == "__main__":
    main()
