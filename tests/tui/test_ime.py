"""Vietnamese input methods in Telex mode (Unikey, ibus-unikey): a key typed
after a vowel reaches the app as a backspace and a composed letter (`a` `r`
arrives as `a`, backspace, `ả`). The reader acts as if the plain keys had been
typed, says once how to switch the input method off, and a backspace is harmless."""
from __future__ import annotations

import shutil
import string

import pytest
from pilot_support import SIZE, app_for, longest, notifications, open_first
from textual import events

from tui.ime import composed_letters, intended_key
from tui.screens.reader import ReaderScreen
from tui.widgets.annotation_list import AnnotationList

# Written out by hand (not composed the way tui/ime.py does): NFC, one character each.
TONED = {
    "s": "áắấéếíóốớúứý",  # sắc
    "f": "àằầèềìòồờùừỳ",  # huyền
    "r": "ảẳẩẻểỉỏổởủửỷ",  # hỏi
    "x": "ãẵẫẽễĩõỗỡũữỹ",  # ngã
    "j": "ạặậẹệịọộợụựỵ",  # nặng
}
SHAPED = {"â": "a", "ê": "e", "ô": "o", "ă": "w", "ơ": "w", "ư": "w", "đ": "d"}


# ---------------------------------------------------------------- intended_key

@pytest.mark.parametrize("key", sorted(TONED))
def test_a_tone_is_read_as_its_key_whatever_the_vowel(key):
    for letter in TONED[key]:
        assert len(letter) == 1
        assert intended_key(letter) == key, letter
        assert intended_key(letter.upper()) == key, letter.upper()


@pytest.mark.parametrize("letter", sorted(SHAPED))
def test_circumflex_breve_horn_and_d_without_tone(letter):
    """aa ee oo -> the doubled vowel; aw ow uw -> w; dd -> d (upper case alike)."""
    assert intended_key(letter) == SHAPED[letter]
    assert intended_key(letter.upper()) == SHAPED[letter]


def test_plain_and_foreign_characters_are_not_read():
    others = [*string.printable, "", "aa", "a\u0309",  # NFD: two characters
              "ü", "ñ", "ç", "ĉ", "ŭ", "ǎ", "ø", "ß", "ů", "ē", "中", "€", "→"]
    for char in others:
        assert intended_key(char) is None, repr(char)


def test_composed_letters_are_exactly_the_vietnamese_ones():
    lower = set("".join(TONED.values())) | set(SHAPED)
    assert len(lower) == 67
    assert set(composed_letters()) == lower | {c.upper() for c in lower}
    assert all(intended_key(c) == k for c, k in composed_letters().items())


# ---------------------------------------------------------------- in the reader

def state(app, reader: ReaderScreen) -> tuple:
    tags = [(a.label, a.sentence_start, a.sentence_end) for a in app.store.for_report(reader.report_id)]
    return tags, reader.view.selection, reader.view.entities_on, type(app.screen).__name__


def telex_notes(app) -> list[str]:
    return [n.message for n in notifications(app) if "(Telex)" in n.message]


async def run_keys(home, store_factory, *keys: str) -> tuple[tuple, list[str]]:
    """The reader's state after typing ``keys`` in the longest report."""
    app = app_for(home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = await open_first(pilot, longest(home))
        await pilot.press(*keys)
        await pilot.pause()
        return state(app, reader), telex_notes(app)


@pytest.fixture
def plain_home(tui_home, tmp_path):
    """A copy of the home for the same session typed without the input method."""
    return shutil.copytree(tui_home, tmp_path / "plain")


TELEX_SESSIONS = [  # (what Telex sends, the keys the analyst pressed)
    (("a", "backspace", "ả"), ("a", "r")),  # tag, relabel as risk
    (("j", "a", "backspace", "ã"), ("j", "a", "x")),  # move, tag, remove
    (("j", "a", "backspace", "ạ", "a", "backspace", "â", "t"), ("j", "a", "j", "a", "a", "t")),
    (("e", "backspace", "ê", "e"), ("e", "e", "e")),  # entities off, on, off
    (("a", "backspace", "á", "t"), ("a", "s", "t")),  # s is no reader key: nothing
]


@pytest.mark.parametrize(("telex", "plain"), TELEX_SESSIONS)
async def test_telex_sequence_acts_like_the_keys_pressed(tui_home, plain_home, store_factory,
                                                         telex, plain):
    untouched, _ = await run_keys(plain_home, store_factory)  # no key: changes nothing
    typed, notes = await run_keys(tui_home, store_factory, *telex)
    expected, plain_notes = await run_keys(plain_home, store_factory, *plain)
    assert expected != untouched  # the session does something
    assert typed == expected
    assert plain_notes == []
    if "s" in plain:  # á stands for an unbound key: nothing happened, nothing to say
        assert notes == []
    else:
        [note] = notes
        letter = next(k for k in telex if len(k) == 1 and intended_key(k))
        assert f"'{letter}' was read as {intended_key(letter)}" in note


async def test_the_input_method_is_named_once_per_run(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await open_first(pilot, longest(tui_home))
        await pilot.press("a", "backspace", "ả", "j", "t", "backspace", "ẩ")
        await pilot.press("escape")
        await open_first(pilot)  # another reader, same run
        await pilot.press("a", "backspace", "ả")
        await pilot.pause()
        assert len(telex_notes(app)) == 1
        assert "'ả' was read as r" in telex_notes(app)[0]


async def test_backspace_does_nothing_in_the_reader(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = await open_first(pilot, longest(tui_home))
        for focused in (reader.view, reader.query_one(AnnotationList)):
            focused.focus()
            await pilot.pause()
            chain = reader._binding_chain  # everything a key could reach from here
            assert all("backspace" not in bindings.key_to_bindings for _, bindings in chain)
        reader.view.focus()
        await pilot.press("a", "j")
        before = state(app, reader)
        assert before[0]  # a tag a stray backspace could have removed
        await pilot.press("backspace", "backspace", "tab", "backspace")
        await pilot.pause()
        assert state(app, reader) == before
        assert isinstance(app.screen, ReaderScreen)


async def test_telex_keys_typed_in_one_burst_run_in_order(tui_home, plain_home, store_factory):
    """Once the reader has seen a composed letter, the next ones are bound like
    the reader's keys (priority bindings): a burst (fast typing, tmux send-keys)
    acts in the order typed, as the plain keys do."""
    first = {"telex": ("a", "backspace", "ả"), "plain": ("a", "r")}
    rest = {"telex": ("j", "j", "a", "backspace", "ạ", "t", "backspace", "ẩ", "j", "a", "backspace", "ã"),
            "plain": ("j", "j", "a", "j", "t", "r", "j", "a", "x")}
    results = {}
    for kind, home in (("telex", tui_home), ("plain", plain_home)):
        app = app_for(home, store_factory)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            reader = await open_first(pilot, longest(home))
            await pilot.press(*first[kind])
            for key in rest[kind]:  # all queued before the app reads one
                app.post_message(events.Key(key, key if len(key) == 1 else None))
            for _ in range(3):
                await pilot.pause()
            results[kind] = state(app, reader)
    assert len(results["plain"][0]) >= 2
    assert results["telex"] == results["plain"]


async def test_vietnamese_letters_typed_in_a_note_stay_text(tui_home, store_factory):
    """The note dialog gets what the input method composes; nothing is read as a key."""
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = await open_first(pilot, longest(tui_home))
        rid = reader.report_id
        await pilot.press("a", "backspace", "ả")  # the reader has seen Telex: aliases bound
        tags = [(a.label, a.sentence_start, a.sentence_end) for a in app.store.for_report(rid)]
        reader.view.select(0)
        await pilot.press("n")
        assert not isinstance(app.screen, ReaderScreen)  # the note dialog
        await pilot.press("x", "e", "m", "space", "l", "a", "backspace", "ạ", "i", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        after = app.store.for_report(rid)
        assert [(a.label, a.sentence_start, a.sentence_end) for a in after] == tags  # ạ: no tag
        assert [a.note for a in after if a.sentence_start <= 0 <= a.sentence_end] == ["xem lại"]
        assert reader.view.cursor == 0  # nor a move
