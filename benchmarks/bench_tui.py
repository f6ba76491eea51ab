"""TUI speed, measured with Textual's Pilot in-process (issue 4).

    .venv/bin/python benchmarks/bench_tui.py

Targets:
- start to interactive library with 1,000 reports, and with 100,000 (issue 10),
  <= 1.5 x a bare Textual app (both in fresh processes, same run; wall time
  from spawn to "table ready"; from compiled bytecode, as installed: child_env);
- at 100,000 reports: a filter keystroke (the catalogue query, the table and
  the repaint it causes) <= 50 ms, the TUI's memory (RSS, peak) <= 150 MB;
- opening a 300-sentence report <= 100 ms to first paint (analysis cached);
- j/k per key median and p99 <= 16 ms; a/t/r per key <= 30 ms including the
  durable write, with 100,000 annotations in the store.

Per-key figures are the work the app does for the key: the action plus every
repaint it causes (Textual's compositor refresh), summed. Pilot's own round
trip also waits for the next frame tick and idle, so it is printed beside them
as a reference, with the round trip of a key that is bound to nothing.
"""
from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

N_REPORTS = 1000
N_BIG = int(os.environ.get("BENCH_TUI_BIG_N", 100_000))
FILTER_QUERIES = ("xoa nha tam", "hoi nghi tinh uy")
N_ANNOTATIONS = 100_000
LONG_SENTENCES = 300
STARTS = 9  # process starts of each kind (the ratio of two ~0.2-0.3 s medians: more starts, less noise)
KEYS = 200  # j/k presses
TAGS = 60  # a/t/r presses

CHILD = r"""
import sys, time, asyncio, json
sys.path.insert(0, {root!r})
kind, home = sys.argv[1], sys.argv[2]
def rss_mb():
    fields = dict(l.split(":", 1) for l in open("/proc/self/status"))
    return int(fields["VmHWM"].split()[0]) / 1024  # peak resident set
async def main():
    if kind == "bare":
        from textual.app import App
        from textual.widgets import Static
        class Bare(App):
            def compose(self):
                yield Static("hello")
        app = Bare()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            print("ready", flush=True)
    else:
        from pathlib import Path
        from tui.widgets.report_table import ReportTable
        from tui.app import make_app
        app = make_app(Path(home), "bench", seed=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            rows = app.screen.query_one(ReportTable).row_count
            print("ready", rows, "underthesea" in sys.modules, round(rss_mb()), flush=True)
    if kind == "filter":  # each keystroke's work: the Input.Changed handler and the repaints
        from textual.screen import Screen
        from tui.screens.library import LibraryScreen
        work = [0.0]
        import functools
        def timed(fn):
            @functools.wraps(fn)  # Textual passes a handler as many arguments as it takes
            def wrapper(*args):
                t = time.perf_counter()
                try:
                    return fn(*args)
                finally:
                    work[0] += time.perf_counter() - t
            return wrapper
        LibraryScreen.on_input_changed = timed(LibraryScreen.on_input_changed)
        Screen._compositor_refresh = timed(Screen._compositor_refresh)
        app = make_app(Path(home), "bench", seed=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            keys, trips, found = [], [], []
            for query in {queries!r}:
                await pilot.press("slash")
                for ch in query:
                    work[0] = 0.0
                    t0 = time.perf_counter()
                    await pilot.press("space" if ch == " " else ch)
                    trips.append(time.perf_counter() - t0)
                    keys.append(work[0])
                    found.append(len(app.screen.shown))
                await pilot.press("escape")
            print(json.dumps({{"keys": keys, "trips": trips, "found": found, "rss": rss_mb()}}),
                  flush=True)
asyncio.run(main())
"""


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def verdict(ok: bool) -> str:
    return "OK" if ok else "MISSED"


# ---------------------------------------------------------------- the home

def build_home(tmp: Path) -> tuple[Path, str, int, int]:
    """1,000 synthetic reports, one imported 300-sentence report, 100,000
    annotations (100 per synthetic report, one per sentence on the long one)."""
    from annotations.corpus.library import Library
    from annotations.store import Annotation, AnnotationStore, now_iso
    from corpus import seed_paragraphs, write_library

    home = tmp / "home"
    metas = write_library(home, N_REPORTS)
    paras = seed_paragraphs()
    src = tmp / "src"
    src.mkdir()
    lib = Library(home)
    body: list[str] = []
    round_ = 0
    while sum(p.count(". ") + 1 for p in body) < LONG_SENTENCES * 1.2:
        round_ += 1
        body += [f"Phần {round_}. {p}" for p in paras]
    path = src / "long_report.txt"
    long_id = None
    for _ in range(4):  # trim the body until the analysis finds about 300 sentences
        path.write_text(" date 2024-06 \nBáo cáo dài\n\n" + "\n\n".join(body), encoding="utf-8")
        summary = lib.import_paths([src], workers=1)
        long_id = long_id or (summary.imported or summary.updated)[0]
        lib = Library(home)
        found = len(lib.analysis(long_id).sentences)
        if LONG_SENTENCES <= found <= LONG_SENTENCES * 1.1:
            break
        body = body[:max(1, int(len(body) * LONG_SENTENCES * 1.05 / found))] if found > \
            LONG_SENTENCES else body + body[: len(body) // 4]
    analysis = lib.analysis(long_id)
    text = lib.text(long_id)
    meta = lib.get(long_id)
    now = now_iso()
    store = AnnotationStore(home, annotator="bench")
    try:
        docs = []
        for i, s in enumerate(analysis.sentences):
            docs.append(Annotation(f"o{i}", long_id, s.start, s.end, i, i,
                                   ("achievement", "task", "risk")[i % 3], text[s.start:s.end],
                                   "", "other", now, now, meta.sha256).to_doc())
        store.replace_report(long_id, docs)
        left = N_ANNOTATIONS - len(docs)
        per = left // len(metas)
        for k, m in enumerate(metas):
            n = per + (1 if k < left - per * len(metas) else 0)
            mtext = (home / "library" / "texts" / f"{m.id}.txt").read_text(encoding="utf-8")
            step = max(1, len(mtext) // max(1, n))
            docs = [Annotation(f"{m.id}-{j}", m.id, j * step % len(mtext),
                               min(len(mtext), j * step % len(mtext) + 5), 0, 0,
                               ("achievement", "task", "risk")[j % 3],
                               mtext[j * step % len(mtext):min(len(mtext), j * step % len(mtext) + 5)],
                               "", "other", now, now, m.sha256).to_doc() for j in range(n)]
            store.replace_report(m.id, docs)
        total = sum(sum(c.values()) for c in store.counts().values())
    finally:
        store.close()
    return home, long_id, len(analysis.sentences), total


# ---------------------------------------------------------------- start-up

# Child processes run as an installed baocao does: from compiled bytecode (pip
# compiles it; a source tree's Python writes it at the first run). Every module
# -- baocao's, Textual's, the standard library's -- is compiled once into this
# cache by an untimed warm-up start. PYTHONDONTWRITEBYTECODE=1 (set in some
# environments) would otherwise make baocao's own modules compile from source
# at every start while Textual's load compiled: that is measured as a reference.
PYCACHE = Path(tempfile.gettempdir())  # main() sets it inside its temporary folder


def child_env(compiled: bool = True) -> dict[str, str]:
    env = dict(os.environ)
    if compiled:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def time_start(kind: str, home: Path, compiled: bool = True) -> tuple[float, str]:
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", CHILD.format(root=str(ROOT), queries=FILTER_QUERIES),
                             kind, str(home)],
                            stdout=subprocess.PIPE, text=True, cwd=ROOT, env=child_env(compiled))
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - t0
    rest = proc.stdout.read()
    proc.wait()
    if not line.startswith("ready"):
        raise SystemExit(f"{kind} start failed: {line!r}")
    return elapsed, line.strip() + ("\n" + rest.strip() if rest.strip() else "")


def starts(home: Path, compiled: bool) -> tuple[float, float, str]:
    """Medians of STARTS bare and app starts, alternated (a warm-up of each first)."""
    bare, app = [], []
    info = ""
    for i in range(STARTS + 1):
        b = time_start("bare", home, compiled)[0]
        t, info = time_start("app", home, compiled)
        if i:
            bare.append(b)
            app.append(t)
    return statistics.median(bare), statistics.median(app), info


def bench_start(home: Path, annotations: str) -> None:
    b, a, info = starts(home, compiled=True)
    _, rows, heavy, rss = info.split()
    print(f"start to interactive library ({int(rows):,} reports, {annotations}): "
          f"median {a * 1000:.0f} ms vs bare Textual app {b * 1000:.0f} ms = {a / b:.2f}x "
          f"(target <= 1.50x) {verdict(a / b <= 1.5)}")
    b, a, _ = starts(home, compiled=False)
    print(f"  reference, baocao's modules compiled from source at every start "
          f"(PYTHONDONTWRITEBYTECODE=1, Textual's compiled): {a * 1000:.0f} ms vs "
          f"{b * 1000:.0f} ms = {a / b:.2f}x")
    print(f"  underthesea imported at start-up: {heavy} (must be False); peak RSS {rss} MB")


def bench_filter(home: Path) -> None:
    """Typing queries into the library's filter on a big library, in a fresh process."""
    _t, out = time_start("filter", home)
    head, data = out.split("\n", 1)
    rows = int(head.split()[1])
    doc = json.loads(data)
    keys, trips = doc["keys"], doc["trips"]
    med, p99 = statistics.median(keys), pct(keys, 99)
    print(f"filter keystroke, {rows:,} reports ({len(keys)} keys typing {' / '.join(FILTER_QUERIES)!r},"
          f" {min(doc['found']):,} to {max(doc['found']):,} matches): median {med * 1000:.1f} ms, "
          f"p99 {p99 * 1000:.1f} ms, max {max(keys) * 1000:.1f} ms (target <= 50 ms) "
          f"{verdict(p99 <= 0.05)}")
    print(f"  pilot round trip per key: median {statistics.median(trips) * 1000:.1f} ms (reference)")
    print(f"TUI memory at {rows:,} reports after filtering: peak RSS {doc['rss']:.0f} MB "
          f"(target <= 150 MB) {verdict(doc['rss'] <= 150)}; at start-up, above")


# ---------------------------------------------------------------- in-process

async def bench_reader(home: Path, long_id: str, n_sent: int) -> None:
    from textual.screen import Screen

    from tui.app import make_app
    from tui.screens.reader import ReaderScreen
    from tui.widgets.report_table import ReportTable
    from tui.widgets.report_view import ReportView

    paint = {"t": 0.0, "end": 0.0, "cpu": 0.0, "first": 0.0, "probe": None}
    original = Screen._compositor_refresh

    def timed_refresh(self) -> None:
        t, c = time.perf_counter(), time.thread_time()
        original(self)
        end = time.perf_counter()
        paint["t"] += end - t
        paint["cpu"] += time.thread_time() - c
        paint["end"] = end
        if paint["probe"] is not None and paint["probe"]():
            paint["first"], paint["probe"] = end, None  # the first frame showing the text

    Screen._compositor_refresh = timed_refresh
    app = make_app(home, "bench", seed=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        library = app.screen
        table = library.query_one(ReportTable)

        # -- opening the 300-sentence report (analysis cache warm: imported above)
        opens = []
        for _ in range(9):
            table.move_cursor(library.shown.index(long_id))
            await pilot.pause()
            def painted() -> bool:
                views = app.screen.query(ReportView)
                return bool(views) and bool(views.first()._strip_cache)

            paint["probe"] = painted
            t0 = time.perf_counter()
            await pilot.press("enter")
            deadline = time.perf_counter() + 30
            while paint["probe"] is not None:
                if time.perf_counter() > deadline:
                    raise SystemExit(f"the report never painted (screen {app.screen!r})")
                await asyncio.sleep(0.001)
            opens.append(paint["first"] - t0)
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
        med = statistics.median(opens)
        print(f"open a {n_sent}-sentence report to first paint: median {med * 1000:.1f} ms, "
              f"max {max(opens) * 1000:.1f} ms (target <= 100 ms) {verdict(med <= 0.1)}")

        table.move_cursor(library.shown.index(long_id))
        await pilot.press("enter")
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen)

        def timed(name: str):
            fn = getattr(reader, name)

            def wrapper(*args):
                t, c = time.perf_counter(), time.thread_time()
                try:
                    return fn(*args)
                finally:
                    work["action"] += time.perf_counter() - t
                    work["cpu"] += time.thread_time() - c
            setattr(reader, name, wrapper)

        work = {"action": 0.0, "cpu": 0.0}
        for name in ("action_move", "action_tag"):
            timed(name)

        async def press(key: str) -> tuple[float, float, float]:
            work["action"] = work["cpu"] = paint["t"] = paint["cpu"] = 0.0
            t0 = time.perf_counter()
            await pilot.press(key)
            return (work["action"] + paint["t"], work["cpu"] + paint["cpu"],
                    time.perf_counter() - t0)

        def report(what: str, walls: list[float], cpus: list[float], target: float) -> None:
            print(f"{what}: median {statistics.median(walls) * 1000:.2f} ms, "
                  f"p99 {pct(walls, 99) * 1000:.2f} ms (target <= {target * 1000:.0f} ms) "
                  f"{verdict(statistics.median(walls) <= target and pct(walls, 99) <= target)}")
            print(f"  UI-thread CPU for the same work: median {statistics.median(cpus) * 1000:.2f}"
                  f" ms, p99 {pct(cpus, 99) * 1000:.2f} ms (wall minus CPU = waiting for a core or the disk)")

        noop = [(await press("f9"))[2] for _ in range(30)]
        moves, cpus, trips = [], [], []
        for i in range(KEYS):
            w, c, rt = await press("j" if (i // 40) % 2 == 0 else "k")
            moves.append(w)
            cpus.append(c)
            trips.append(rt)
        report("j/k per key", moves, cpus, 0.016)
        print(f"  pilot round trip: median {statistics.median(trips) * 1000:.1f} ms "
              f"(unbound key: {statistics.median(noop) * 1000:.1f} ms)")

        store = app.store
        before = {(a.id, a.label, a.updated_at) for a in store.for_report(long_id)}
        tags, cpus, trips = [], [], []
        keys = ["a", "t", "r", "j"]  # tag, relabel, relabel, move on
        for i in range(TAGS * 4 // 3):
            key = keys[i % 4]
            w, c, rt = await press(key)
            if key != "j":
                tags.append(w)
                cpus.append(c)
                trips.append(rt)
        after = {(a.id, a.label, a.updated_at) for a in store.for_report(long_id)}
        assert after != before, "tags did not reach the store"
        report(f"a/t/r per key incl. durable write ({N_ANNOTATIONS:,} annotations in store)",
               tags, cpus, 0.030)
        print(f"  pilot round trip: median {statistics.median(trips) * 1000:.1f} ms")
    Screen._compositor_refresh = original


def main() -> None:
    global PYCACHE
    with tempfile.TemporaryDirectory() as tmp:
        PYCACHE = Path(tmp) / "pycache"
        t0 = time.perf_counter()
        home, long_id, n_sent, total = build_home(Path(tmp))
        print(f"(built a home with {N_REPORTS} + 1 reports and {total:,} annotations "
              f"in {time.perf_counter() - t0:.1f} s)")
        bench_start(home, f"{N_ANNOTATIONS:,} annotations")
        asyncio.run(bench_reader(home, long_id, n_sent))
        from corpus import big_library

        big, how = big_library(Path(tmp), N_BIG)
        print(f"(a home with {N_BIG:,} reports: {how})")
        bench_start(big, "no annotations")
        bench_filter(big)


if __name__ == "__main__":
    main()
