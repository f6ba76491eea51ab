"""Keys: the binding table, `?` help, the key bar, config.toml's [keymap] and
label keys, docs/keys.md."""
from __future__ import annotations

import pytest
from pilot_support import SIZE, app_for, notifications, open_first, write_config
from rich.console import Console
from textual import events

from annotations.errors import ConfigError
from tui.bindings import TABLE, binding, keys_for, reserved_keys
from tui.keydoc import DOC_PATH, keys_markdown
from tui.keymap import load_keymap
from tui.screens.help import HelpScreen
from tui.screens.library import LibraryScreen
from tui.screens.reader import ReaderScreen
from tui.widgets.key_bar import KeyBar


def help_text(app) -> str:
    console = Console(width=100, record=True)
    console.print(app.screen.query_one("#help-table").content)
    return console.export_text()


def test_binding_table_drives_screens():
    from tui.app import BaocaoApp

    for scope, cls in (("library", LibraryScreen), ("reader", ReaderScreen), ("app", BaocaoApp)):
        ids = {b.id for b in cls.BINDINGS}
        assert ids == {k.id for k in keys_for(scope)}


def test_focus_moving_keys_are_priority_bindings():
    """`/` and `n` move focus to a text box; as priority bindings they run before
    the next key is routed, so letters typed right after them (fast typing,
    pasted text) land in the box, never on the table or the reader, where they
    would be tag keys. (Pilot waits between keys and cannot show the race; the
    tmux session in the notes did.)"""
    by_id = {k.id: binding(k) for k in TABLE}
    assert by_id["filter"].priority and by_id["note"].priority
    assert not by_id["open"].priority


def test_docs_keys_md_is_generated_from_the_table():
    assert DOC_PATH.read_text(encoding="utf-8") == keys_markdown(), \
        "docs/keys.md is stale: run python -m tui.keydoc"
    for spec in TABLE:
        assert f"`{spec.id}`" in keys_markdown()


def test_reserved_keys_follow_the_keymap():
    assert reserved_keys()["g"] == "First sentence"
    moved = reserved_keys(load_keymap({"top": "home", "next_report": "W",
                                       "next_disagreement": "W"}, "config.toml"))
    assert "g" not in moved and moved["W"] == "Next report" and "]" not in moved
    assert "s" not in reserved_keys()  # library keys do not clash with label keys


@pytest.mark.parametrize("raw, words", [
    ({"nxt_report": "n"}, ["unknown binding id 'nxt_report'", "next_report"]),
    ({"next_report": 3}, ["next_report", "must be a string"]),
    ({"next_report": ""}, ["next_report", "must be a string"]),
    ({"next_report": "ctrl+nope"}, ["'ctrl+nope' is not a key name"]),
    ({"next_report": "n"}, ["key 'n' is already 'Note on the sentence'"]),
    (["n"], ["[keymap] must be a table"]),
])
def test_bad_keymaps_are_refused_in_one_line(raw, words):
    with pytest.raises(ConfigError) as err:
        load_keymap(raw, "/h/config.toml")
    message = str(err.value)
    assert message.startswith("/h/config.toml: ") and "\n" not in message
    for word in words:
        assert word in message


def test_keymap_example_of_the_docs_is_valid():
    assert load_keymap({"next_report": "n,right", "note": "M"}, "c") == {
        "next_report": "n,right", "note": "M"}
    assert load_keymap({"help": "?"}, "c") == {"help": "question_mark"}


# ---------------------------------------------------------------- help

async def test_help_lists_every_binding(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        out = help_text(app)
        for spec in TABLE:  # what it does, and the id [keymap] rebinds it by
            assert spec.description in out and spec.id in out, spec
        assert "[keymap] id" in out
        for label in app.labels:
            assert f"Tag as {label.name}" in out
        await pilot.press("question_mark")  # the help key closes it again
        assert isinstance(app.screen, LibraryScreen)


async def test_help_scrolls_with_j_and_k(tui_home, store_factory):
    """At 80×24 the help is longer than its box: j scrolls it, k back."""
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        box = app.screen.query_one("#help-dialog")
        assert box.max_scroll_y > 2
        assert box.scroll_y == 0
        await pilot.press("j", "j", "down")
        await pilot.pause()
        assert box.scroll_y == 3
        await pilot.press("k")
        await pilot.pause()
        assert box.scroll_y == 2
        for _ in range(3):  # typed at once: each scrolls (none is lost to a deferred scroll)
            app.post_message(events.Key("j", "j"))
        await pilot.pause()
        assert box.scroll_y == 5
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)


# ---------------------------------------------------------------- [keymap]

async def test_keymap_rebinds_keys_everywhere(tui_home, store_factory):
    """[keymap] next_report = "W": W goes to the next report and ] no longer
    does; the key bar, help and the palette's hints show W."""
    write_config(tui_home, '[keymap]\nnext_report = "W"\nhelp = "f1"\nremove = "X"\n'
                           'entities = "E"\nnext_disagreement = "W"\n')  # ] in the review
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not notifications(app, "error")
        order = list(app.screen.shown)
        reader = await open_first(pilot)
        await pilot.press("right_square_bracket")
        assert reader.report_id == order[0]  # the old key does nothing now
        await pilot.press("W")
        assert reader.report_id == order[1]
        bar = reader.query_one(KeyBar).render_keys().plain
        assert " X remove" in bar and " x remove" not in bar
        await pilot.press("E")
        assert not reader.view.entities_on
        assert "off (E)" in str(reader.query_one("#legend").render())
        await pilot.press("question_mark")
        assert app.screen is reader  # ? is no longer help
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        out = help_text(app)
        assert "W  " in out and "Next report" in out and "]  " not in out
        await pilot.press("f1")  # and closes it
        assert app.screen is reader


async def test_bad_keymap_is_shown_and_defaults_stay(tui_home, store_factory):
    write_config(tui_home, '[keymap]\nnxt_report = "N"\n')
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        [problem] = notifications(app, "error")
        assert "config.toml" in problem.message and "nxt_report" in problem.message
        assert problem.title == "Keymap not applied"
        assert app.store is not None and not app.readonly  # tagging still works
        order = list(app.screen.shown)
        reader = await open_first(pilot)
        await pilot.press("right_square_bracket")
        assert reader.report_id == order[1]


async def test_label_key_taken_by_the_reader_is_refused(tui_home, store_factory):
    """A label on `g` (First sentence) is refused with a message naming the
    key, what it does and config.toml; reading still works."""
    write_config(tui_home, '[labels.opinion]\nkey = "g"\ncolor = "#8e24aa"\n')
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        [problem] = notifications(app, "error")
        for word in ("config.toml", "[labels.opinion]", "'g'", "First sentence"):
            assert word in problem.message, word
        assert app.store is None
        reader = await open_first(pilot)
        await pilot.press("j", "a")
        assert reader.view.cursor == reader.body[1]  # moved, tagged nothing


async def test_label_key_freed_by_the_keymap_is_accepted(tui_home, store_factory):
    write_config(tui_home, '[keymap]\ntop = "home"\n\n[labels.opinion]\nkey = "g"\n'
                           'color = "#8e24aa"\n')
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not notifications(app, "error")
        assert "opinion" in [lb.name for lb in app.labels]
        reader = await open_first(pilot)
        await pilot.press("j", "g")
        [ann] = app.store.for_report(reader.report_id)
        assert (ann.label, ann.sentence_start) == ("opinion", reader.body[1])
        await pilot.press("home")
        assert reader.view.cursor == reader.body[0]  # the first body sentence


# ---------------------------------------------------------------- key bar

async def test_key_bar_keys_are_clickable(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        bar = app.screen.query_one(KeyBar)

        def x_of(bar: KeyBar, key_id: str) -> int:
            [x0] = [x0 for x0, _, k in bar._spans if k.id == key_id]
            return x0 + 1

        order = list(app.screen.shown)
        await pilot.click(KeyBar, offset=(x_of(bar, "sort"), 0))
        assert app.screen.newest_first
        await pilot.click(KeyBar, offset=(x_of(bar, "open"), 0))
        await pilot.pause()
        reader = app.screen
        assert isinstance(reader, ReaderScreen) and reader.report_id == order[0]  # kept by the sort
        bar = reader.query_one(KeyBar)
        await pilot.click(KeyBar, offset=(x_of(bar, "tag_achievement"), 0))
        [ann] = app.store.for_report(reader.report_id)
        assert ann.label == "achievement"
        await pilot.click(KeyBar, offset=(x_of(bar, "help"), 0))
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.click(KeyBar, offset=(x_of(bar, "back"), 0))
        assert isinstance(app.screen, LibraryScreen)

