"""The key bar: descriptions give way before keys do, clicks hit what is drawn."""
from __future__ import annotations

import pytest
from pilot_support import app_for, open_first

from tui.bindings import key_hint
from tui.screens.help import HelpScreen
from tui.widgets.key_bar import KeyBar, fit_words


def test_fit_words_drops_the_last_descriptions_first():
    hints, words = ["a", "t", "?"], ["achievement", "task", "help"]
    full = sum(len(h) + 2 for h in hints) + sum(len(w) + 1 for w in words)  # 33
    assert fit_words(hints, words, full) == words
    assert fit_words(hints, words, 0) == words  # before the first layout
    assert fit_words(hints, words, full - 1) == ["achievement", "task", ""]
    assert fit_words(hints, words, full - 6) == ["achievement", "", ""]
    assert fit_words(hints, words, 3) == ["", "", ""]  # keys only (then cut)


def drawn(bar: KeyBar) -> str:
    return bar.content.plain


@pytest.mark.parametrize("width", [80, 120])
async def test_every_reader_key_is_shown(tui_home, store_factory, width):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=(width, 24)) as pilot:
        reader = await open_first(pilot)
        bar = reader.query_one(KeyBar)
        line = drawn(bar)
        assert len(line) <= width
        for k in bar.keys:
            assert f" {key_hint(k, app.keymap)} " in line, k.id
        # the labels, most important, keep their names at both widths
        assert " a achievement " in line and " r risk " in line
        if width == 120:
            assert " ^p palette " in line and " ? help " in line
        else:
            assert " ^p palette " not in line and line.rstrip().endswith("^p")
        assert "…" not in line
        # each recorded span starts at its key as drawn
        for x0, x1, k in bar._spans:
            assert line[x0:x1].startswith(f" {key_hint(k, app.keymap)} "), k.id


async def test_resizing_reshapes_the_bar_and_clicks_follow(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=(120, 30)) as pilot:
        reader = await open_first(pilot)
        bar = reader.query_one(KeyBar)
        wide = drawn(bar)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        narrow = drawn(bar)
        assert narrow != wide and len(narrow) <= 80 and "palette" not in narrow
        [(x0, _, _)] = [s for s in bar._spans if s[2].id == "help"]
        assert narrow[x0:x0 + 3] == " ? "
        await pilot.click(KeyBar, offset=(x0 + 1, 0))
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
