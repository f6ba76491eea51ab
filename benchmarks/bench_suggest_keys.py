"""Suggestions in the reader (issue 12): keystrokes per sentence, and j/k while
the model trains, replayed through the reader with Textual's Pilot.

    .venv/bin/python benchmarks/bench_suggest_keys.py

Keystrokes: each seed report in turn, with the gold labels of the four other
seeds (tests/data/gold_labels.jsonl) in the store, is decided twice to its
gold labels, body sentence by body sentence:
- by hand: one label key (or `-`) per sentence, tag-and-advance moving on;
- with suggestions: the analyst sees the marks (after each key the replay
  waits for the worker's new suggestions, as the analyst would see them) and,
  paragraph by paragraph, either accepts the paragraph (`Y`, the suggestions at
  or above [suggest] threshold) and then fixes what is wrong or left (j/k to
  it, a label key, `-` or `y`), or decides it by hand, whichever costs fewer
  keys for what is on the screen. Every key pressed is counted, moves included.
After each replay the store's decisions are checked against the gold labels,
so the figure is the cost of really doing the work. Target: with suggestions
<= 0.6 keystrokes per sentence (by hand it is 1.0: the reference).

Then j/k on the longest seed while a process fits the model on 5,000 labels
in a loop (the app trains in a process of its own, tui/suggest_process.py):
the work the app does for the key (the action and every repaint it causes,
as in bench_tui.py), median <= 16 ms, beside the same keys with the model
idle and with the marks hidden.
"""
from __future__ import annotations

import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench_workflow import open_report, seeded_home, verdict  # noqa: E402

GOLD = ROOT / "tests" / "data" / "gold_labels.jsonl"
ANNOTATOR = "bench"
TARGET_KEYS = 0.6
TARGET_MOVE = 0.016
TRAIN_LABELS = 5_000
MOVES = 120


def load_gold() -> dict[str, dict[int, str | None]]:
    gold: dict[str, dict[int, str | None]] = {}
    for g in map(orjson.loads, GOLD.read_bytes().splitlines()):
        gold.setdefault(g["report"], {})[g["sentence"]] = g["label"]
    return gold


def label_others(home: Path, gold: dict, held: str) -> int:
    """The four other seeds' gold labels on their body sentences, as the annotator's."""
    from annotations.corpus.library import Library
    from annotations.store import AnnotationStore, Selection

    lib, n = Library(home), 0
    with AnnotationStore(home, annotator=ANNOTATOR) as store:
        for rid, labels in gold.items():
            if rid == held:
                continue
            r = lib.open(rid)
            for i in r.analysis.body_sentences():
                sel = Selection.of(rid, r.analysis.sentences, i, None, r.meta.sha256)
                store.tag(sel, labels[i]) if labels[i] else store.mark_none(sel)
                n += 1
    return n


async def settled(pilot) -> None:
    """What the analyst sees after a key: the worker's new suggestions drawn."""
    app = pilot.app
    await pilot.pause()
    while app.suggestions.busy:
        await app.workers.wait_for_complete()
        await pilot.pause()


def decisions_of(store, rid: str) -> dict[int, str | None]:
    return {a.sentence_start: a.label for a in store.for_report(rid)
            if a.annotator == ANNOTATOR and a.decided}


class Replay:
    """Keys into the reader, counted."""

    def __init__(self, pilot, reader, gold: dict[int, str | None], accept: bool) -> None:
        self.pilot, self.reader, self.gold = pilot, reader, gold
        self.accept = accept  # False: label keys only (hand-tagging)
        self.keys = 0
        self.kinds = {"move": 0, "Y": 0, "decide": 0}  # what the keys were
        self.key_of = {lb.name: lb.key for lb in pilot.app.labels}

    async def press(self, key: str) -> None:
        self.keys += 1
        self.kinds["move" if key in ("j", "k") else "Y" if key == "Y" else "decide"] += 1
        await self.pilot.press(key)
        await settled(self.pilot)

    def decision_key(self, i: int) -> str:
        label = self.gold[i]
        shown = self.reader.shown_suggestions().get(i)
        if self.accept and shown is not None and shown.label == label:
            return "y"  # right: accepted (the same one key)
        return self.key_of[label] if label else "minus"

    async def go(self, target: int) -> None:
        body = self.reader.body
        while self.reader.view.cursor != target:
            await self.press("j" if body.index(target) > body.index(self.reader.view.cursor)
                             else "k")


def fix_cost(body: list[int], start: int, targets: list[int], leave: int) -> int:
    """Keys to decide ``targets`` from the cursor at ``start`` (the lowest first,
    then upwards; each decision advances one body sentence), then reach ``leave``."""
    pos = {s: k for k, s in enumerate(body)}
    cost, cur = 0, pos[start]
    for t in sorted(targets):
        cost += abs(pos[t] - cur) + 1
        cur = min(pos[t] + 1, len(body) - 1)
    return cost + abs(pos[leave] - cur)


async def by_paragraph(rp: Replay, use_suggestions: bool) -> None:
    reader, app = rp.reader, rp.pilot.app
    body = reader.body
    sents = reader.view.analysis.sentences
    paragraphs: dict[int, list[int]] = {}
    for i in body:
        paragraphs.setdefault(sents[i].paragraph, []).append(i)
    order = list(paragraphs.values())
    for k, para in enumerate(order):
        leave = order[k + 1][0] if k + 1 < len(order) else para[-1]
        await rp.go(para[0])
        shown = reader.shown_suggestions()
        plan = None
        if use_suggestions:
            taken = {i for i in para if i in shown and shown[i].score >= app.suggest_threshold}
            wrong = [i for i in para if i not in taken or shown[i].label != rp.gold[i]]
            left = [i for i in para if i not in taken]
            start = left[0] if left else reader._body_step(para[-1], 1)
            cost = 1 + fix_cost(body, start, wrong, leave) if taken else None
            hand = len(para) + fix_cost(body, reader._body_step(para[-1], 1), [], leave)
            if cost is not None and cost < hand:
                plan = wrong
        if plan is None:  # by hand: one key each, advancing
            for i in para:
                await rp.press(rp.decision_key(i))
        else:
            await rp.press("Y")
            for i in sorted(plan):
                await rp.go(i)
                await rp.press(rp.decision_key(i))
    await rp.go(order[-1][-1])


async def replay(home: Path, rid: str, gold: dict[int, str | None], use_suggestions: bool) -> int:
    from tui.app import make_app

    app = make_app(home, ANNOTATOR, seed=False)
    async with app.run_test(size=(120, 40)) as pilot:
        reader = await open_report(pilot, rid)
        await settled(pilot)
        if reader.view.cursor != reader.body[0]:
            raise AssertionError(f"{rid}: the reader opened on {reader.view.cursor}")
        rp = Replay(pilot, reader, gold, use_suggestions)
        await by_paragraph(rp, use_suggestions)
        got = decisions_of(app.store, rid)
        want = {i: gold[i] for i in reader.body}
        if got != want:
            wrong = sorted(i for i in want if got.get(i, "?") != want[i])
            raise AssertionError(f"{rid}: the store differs from the gold labels at {wrong[:10]}")
        if os.environ.get("BENCH_VERBOSE"):
            print(f"    {rid} {'suggest' if use_suggestions else 'hand'}: {rp.kinds}")
        return rp.keys


async def bench_keys(template: Path, tmp: Path) -> None:
    from annotations.corpus.library import Library

    gold = load_gold()
    lib = Library(template)
    if os.environ.get("BENCH_THRESHOLD"):  # to try another [suggest] threshold
        (template / "config.toml").write_text(
            f"[suggest]\nthreshold = {float(os.environ['BENCH_THRESHOLD'])}\n", encoding="utf-8")
    print("keystrokes per body sentence, each seed decided to its gold labels with the four "
          "other seeds' labels in the store:")
    total = {"hand": 0, "suggest": 0, "n": 0}
    for rid in sorted(gold):
        n = len(lib.open(rid).analysis.body_sentences())
        row = {}
        for how in ("hand", "suggest"):
            home = tmp / f"{rid}-{how}"
            shutil.copytree(template, home)
            labels = label_others(home, gold, rid)
            row[how] = await replay(home, rid, gold[rid], how == "suggest")
            total[how] += row[how]
        total["n"] += n
        print(f"  {rid} ({n} body sentences, trained on {labels}): by hand "
              f"{row['hand'] / n:.2f}, with suggestions {row['suggest'] / n:.2f}   "
              f"[{row['hand']} and {row['suggest']} keys]")
    with_s, hand = total["suggest"] / total["n"], total["hand"] / total["n"]
    print(f"  all seeds: with suggestions {with_s:.2f} keystrokes/sentence (target ≤ {TARGET_KEYS}) "
          f"{verdict(with_s <= TARGET_KEYS)}; by hand {hand:.2f} (reference)")


def train_loop(home: str, stop, fits, ready) -> None:
    """The model's process, as the app's (tui/suggest_process.py): a Suggester
    of its own, fitting on TRAIN_LABELS labels again and again until ``stop``."""
    from annotations.suggest import Suggester

    with Suggester(home, ANNOTATOR) as sg:
        examples = sg.examples()
        train = (examples * (TRAIN_LABELS // len(examples) + 1))[:TRAIN_LABELS]
        t0 = time.perf_counter()
        sg.evaluate(train, [])  # the first fit computes the features
        ready.value = time.perf_counter() - t0
        while not stop.is_set():
            t0 = time.perf_counter()
            sg.evaluate(train, [])
            fits.value += 1
            ready.value = time.perf_counter() - t0


async def bench_moves(template: Path, tmp: Path) -> None:
    import multiprocessing

    from textual.screen import Screen

    from tui.app import make_app

    gold = load_gold()
    held = max(gold, key=lambda r: len(gold[r]))
    home = tmp / "moves"
    shutil.copytree(template, home)
    label_others(home, gold, held)
    paint = {"t": 0.0}
    original = Screen._compositor_refresh

    def timed_refresh(self) -> None:
        t = time.perf_counter()
        try:
            original(self)
        finally:
            paint["t"] += time.perf_counter() - t

    ctx = multiprocessing.get_context("spawn")
    stop, fits, last_fit = ctx.Event(), ctx.Value("i", 0), ctx.Value("d", 0.0)
    Screen._compositor_refresh = timed_refresh
    try:
        app = make_app(home, ANNOTATOR, seed=False)
        async with app.run_test(size=(120, 40)) as pilot:
            reader = await open_report(pilot, held)
            await settled(pilot)
            work = {"t": 0.0}
            move = reader.action_move

            def timed_move(delta: int) -> None:
                t = time.perf_counter()
                try:
                    move(delta)
                finally:
                    work["t"] += time.perf_counter() - t

            reader.action_move = timed_move

            async def keys() -> list[float]:
                out = []
                for k in range(MOVES):
                    work["t"] = paint["t"] = 0.0
                    await pilot.press("j" if (k // 20) % 2 == 0 else "k")
                    out.append(work["t"] + paint["t"])
                return out

            idle = await keys()
            await pilot.press("S")  # marks hidden: what the keys cost without them
            hidden = await keys()
            await pilot.press("S")
            trainer = ctx.Process(target=train_loop, args=(str(home), stop, fits, last_fit))
            trainer.start()
            while not fits.value:  # training, past the first fit
                await asyncio.sleep(0.05)
            try:
                busy = await keys()
            finally:
                stop.set()
                trainer.join()
    finally:
        Screen._compositor_refresh = original
    med, ref, bare = statistics.median(busy), statistics.median(idle), statistics.median(hidden)
    print(f"j/k on {held} while the model's process fits on {TRAIN_LABELS} labels ({fits.value} "
          f"fits, the last {last_fit.value * 1000:.0f} ms, during {MOVES} keys):")
    print(f"  median {med * 1000:.2f} ms (target ≤ {TARGET_MOVE * 1000:.0f} ms) "
          f"{verdict(med <= TARGET_MOVE)}; with the model idle {ref * 1000:.2f} ms, and with "
          f"the marks hidden {bare * 1000:.2f} ms (references)")


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        t0 = time.perf_counter()
        template = seeded_home(tmp)
        print(f"(seeds imported in {time.perf_counter() - t0:.1f} s)")
        if os.environ.get("BENCH_PART", "keys") == "keys" or "BENCH_PART" not in os.environ:
            asyncio.run(bench_keys(template, tmp))
        if os.environ.get("BENCH_PART", "moves") == "moves":
            asyncio.run(bench_moves(template, tmp))


if __name__ == "__main__":
    main()
