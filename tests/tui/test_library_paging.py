"""Pilot tests of the library table over a few hundred reports: rows are read
from the catalogue a page at a time, and the filter is a catalogue query."""
from __future__ import annotations

import random

from pilot_support import SIZE, app_for, shown_ids
from textual.widgets import Input

from annotations.corpus.catalogue import Catalogue
from annotations.corpus.library import Library
from annotations.home import Home
from annotations.models import ReportMeta, text_sha256
from annotations.text.vietnamese import fold, matches_words
from tui.screens.library import PAGE, LibraryScreen
from tui.widgets.report_table import ReportTable

N = 450
WORDS = ["Hội nghị", "Tỉnh ủy", "xóa nhà tạm", "đường sắt", "Quốc hội", "giải ngân", "vốn"]


def many_reports(root) -> Library:
    """N reports written straight to a home (texts and catalogue rows)."""
    rng = random.Random(7)
    home = Home(root)
    home.texts_dir.mkdir(parents=True)
    rows = []
    for i in range(N):
        text = f"Báo cáo {i}: {rng.choice(WORDS)} và {rng.choice(WORDS)}."
        (home.texts_dir / f"r{i:03d}.txt").write_text(text, encoding="utf-8")
        date = None if i % 10 == 0 else f"20{10 + i % 15}-{1 + i % 12:02d}"
        meta = ReportMeta(f"r{i:03d}", f"{rng.choice(WORDS)} số {i}", date,
                          "text" if date else "none", 3, text_sha256(text))
        rows.append((meta, f"r{i:03d}.txt", fold(text)))
    Catalogue(home, None).create(rows)
    return Library(home)


async def test_the_table_reads_only_the_pages_it_draws(tmp_path):
    lib = many_reports(tmp_path / "home")
    app = app_for(lib.home.root)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        table = screen.query_one(ReportTable)
        assert shown_ids(app) == lib.ids() and table.row_count == N
        assert len(screen._metas) == PAGE  # the first page, not every report
        await pilot.press("end")
        await pilot.pause()
        last = lib.get(lib.ids()[-1])
        assert screen.current_id() == last.id
        assert any(last.title in line.text for line in _lines(table))
        assert len(screen._metas) == PAGE + N % PAGE  # and the last one
        await pilot.press("s")  # newest first: the same catalogue, another order
        assert shown_ids(app) == lib.ids(newest_first=True)


async def test_the_filter_queries_the_catalogue_on_every_keystroke(tmp_path):
    lib = many_reports(tmp_path / "home")
    texts = {m.id: lib.text(m.id) for m in lib.reports()}

    def brute(query: str) -> list[str]:
        return [m.id for m in lib.reports()
                if matches_words(query, fold(f"{m.title} {m.id} {m.date or ''} {texts[m.id]}"))]

    app = app_for(lib.home.root)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        typed = ""
        for key in "xoa nha tam":
            await pilot.press("space" if key == " " else key)
            typed += key
            assert app.screen.query_one("#filter", Input).value == typed
            assert shown_ids(app) == brute(typed), typed  # one or two letters too
        assert 0 < len(shown_ids(app)) < N
        title = str(app.screen.query_one("#library-title").render())
        assert f"{len(brute(typed))} of {N} reports" in title
        await pilot.press("escape")
        assert shown_ids(app) == lib.ids()


def _lines(table: ReportTable):
    return [table.render_line(y) for y in range(table.size.height)]
