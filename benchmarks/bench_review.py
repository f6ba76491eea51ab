"""Review screen benchmark (issue 14): opening a 300-sentence report reviewed by
three annotators <= 100 ms to first paint, beside the reference measured in the
same run: opening the reader on the same report (its own target is 100 ms too).

    .venv/bin/python benchmarks/bench_review.py

The report is imported for real (the seed paragraphs repeated until the
analysis finds about 300 sentences); three annotators decide every sentence
(agreeing about 70% of the time) and mark it done. Both opens are measured
from the key press in the library (v, enter) to the first frame that shows the
screen's content, 9 times each, after one open of each that pays the imports.
"""
from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

SENTENCES = 300
ANNOTATORS = ("lan", "minh", "khoa")
TARGET_S = 0.1
RUNS = 9


def verdict(ok: bool) -> str:
    return "OK" if ok else "OVER TARGET"


def build(tmp: Path) -> tuple[Path, str, int]:
    from annotations.corpus.library import Library
    from annotations.store import Annotation, AnnotationStore, now_iso
    from corpus import seed_paragraphs

    home, src = tmp / "home", tmp / "src"
    src.mkdir()
    paras, body, n = seed_paragraphs(), [], 0
    while n < SENTENCES * 1.2:
        body += [f"Phần {n}. {p}" for p in paras]
        n = sum(p.count(". ") + 1 for p in body)
    path, lib, rid = src / "long_report.txt", Library(home), None
    for _ in range(4):  # trim until the analysis finds about 300 sentences
        path.write_text(" date 2024-06 \nBáo cáo dài\n\n" + "\n\n".join(body), encoding="utf-8")
        summary = lib.import_paths([src], workers=1)
        rid = rid or (summary.imported or summary.updated)[0]
        lib = Library(home)
        found = len(lib.analysis(rid).sentences)
        if SENTENCES <= found <= SENTENCES * 1.1:
            break
        body = body[:max(1, int(len(body) * SENTENCES * 1.05 / found))] if found > SENTENCES \
            else body + body[: len(body) // 4]
    analysis, text, meta = lib.analysis(rid), lib.text(rid), lib.get(rid)
    rng, now = random.Random(5), now_iso()
    labels = ("achievement", "task", "risk", None)
    truth = [rng.choice(labels) for _ in analysis.sentences]
    docs = []
    for who in ANNOTATORS:
        for i, s in enumerate(analysis.sentences):
            label = truth[i] if rng.random() < 0.7 else rng.choice(labels)
            docs.append(Annotation(f"{who}{i:04d}", rid, s.start, s.end, i, i, label,
                                   text[s.start:s.end], "", who, now, now, meta.sha256).to_doc())
    with AnnotationStore(home, annotator="bench") as st:
        st.replace_report(rid, docs)
    for who in ANNOTATORS:
        with AnnotationStore(home, annotator=who) as st:
            st.set_done(rid, True)
    return home, rid, len(analysis.sentences)


async def measure(home: Path, rid: str) -> dict[str, list[float]]:
    from textual.screen import Screen

    from tui.app import make_app
    from tui.screens.reader import ReaderScreen
    from tui.screens.review import ReviewScreen
    from tui.widgets.report_table import ReportTable
    from tui.widgets.report_view import ReportView
    from tui.widgets.review_table import ReviewTable

    probe: dict = {"check": None, "at": 0.0}
    original = Screen._compositor_refresh

    def timed_refresh(self) -> None:
        original(self)
        if probe["check"] is not None and probe["check"]():
            probe["at"], probe["check"] = time.perf_counter(), None

    Screen._compositor_refresh = timed_refresh
    def painted(screen_type, widget_type, cache: str):
        def check(app) -> bool:
            found = app.screen.query(widget_type) if isinstance(app.screen, screen_type) else ()
            return bool(found) and bool(getattr(found.first(), cache))
        return check

    shown = {"review": painted(ReviewScreen, ReviewTable, "_cache"),
             "reader": painted(ReaderScreen, ReportView, "_strip_cache")}
    keys = {"review": "v", "reader": "enter"}
    out: dict[str, list[float]] = {"review": [], "reader": [], "review_first": [],
                                   "reader_first": []}
    app = make_app(home, "lead", seed=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(ReportTable)
        for n in range(RUNS + 1):
            for kind in ("review", "reader"):
                table.move_cursor(app.screen.shown.index(rid))
                await pilot.pause()
                probe["check"] = lambda kind=kind: shown[kind](app)
                t0 = time.perf_counter()
                await pilot.press(keys[kind])
                deadline = t0 + 30
                while probe["check"] is not None:
                    if time.perf_counter() > deadline:
                        raise SystemExit(f"the {kind} never painted")
                    await asyncio.sleep(0.001)
                out[kind if n else f"{kind}_first"].append(probe["at"] - t0)
                await pilot.pause()
                await pilot.press("escape")
                await pilot.pause()
    Screen._compositor_refresh = original
    return out


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        home, rid, n = build(Path(tmp))
        print(f"home: one {n}-sentence report, {len(ANNOTATORS)} annotators deciding every "
              f"sentence and done (built in {time.perf_counter() - t0:.1f} s)")
        out = asyncio.run(measure(home, rid))
    review, reader = statistics.median(out["review"]), statistics.median(out["reader"])
    print(f"open the review of a {n}-sentence report, {len(ANNOTATORS)} annotators, to first "
          f"paint: median {review * 1000:.1f} ms, max {max(out['review']) * 1000:.1f} ms "
          f"(target <= {TARGET_S * 1000:.0f} ms) {verdict(review <= TARGET_S)}; first open "
          f"(imports) {out['review_first'][0] * 1000:.1f} ms")
    print(f"reference, the reader on the same report: median {reader * 1000:.1f} ms, "
          f"max {max(out['reader']) * 1000:.1f} ms; first open "
          f"{out['reader_first'][0] * 1000:.1f} ms (load average {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
