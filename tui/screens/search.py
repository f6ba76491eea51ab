"""Search across the library, and every tagged passage across it.

Both screens are one input over one list of keyword-in-context lines
(tui/kwic.py). Results update as you type: each change restarts a short
timer, and when it fires a worker thread asks the core (annotations/search)
and posts what it found, tagged with the input's generation so a slow answer
to an older text is dropped. ``enter`` opens the report at the hit (or the
passage) in the reader, where ``n``/``N`` move between that report's hits.
"""
from __future__ import annotations

import time

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static

from annotations.errors import BaocaoError
from annotations.search import SearchIndex
from annotations.text.sanitize import inert

from ..bindings import bindings_for, keys_for
from ..kwic import hit_line, passage_line
from ..widgets.key_bar import KeyBar

DEBOUNCE = 0.03  # seconds after the last key before the query runs (keys come ~100 ms apart)
LIMIT = 50  # results shown (the status line says when there were more)


class ResultsReady(Message):
    def __init__(self, generation: int, rows: list, seconds: float, error: str = "") -> None:
        super().__init__()
        self.generation, self.rows, self.seconds, self.error = generation, rows, seconds, error


class _ResultsScreen(Screen):
    BINDINGS = bindings_for("search")
    TITLE_TEXT = ""
    PLACEHOLDER = ""
    NOUN = ""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list = []
        self.generation = 0
        self.shown_generation = -1  # the generation whose results are on screen (tests wait on it)
        self._timer = None
        self.index = SearchIndex(self.app.library)

    def compose(self) -> ComposeResult:
        yield Static(Text(self.TITLE_TEXT, style="bold"), id="search-title")
        yield Input(placeholder=self.PLACEHOLDER, id="search-input")
        yield Static(id="search-status")
        yield OptionList(id="search-results")
        yield KeyBar(keys_for("search") + keys_for("app"), id="keys")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.query_one("#search-status", Static).update(Text("reading the library…", style="dim"))
        self._run(self.generation, "")

    def on_unmount(self) -> None:
        self.index.close()

    # ------------------------------------------------------------ querying
    def find(self, text: str, generation: int) -> list:
        """The rows for ``text``; may stop early once ``generation`` is not the input's."""
        raise NotImplementedError

    def line(self, row) -> Text:
        raise NotImplementedError

    @on(Input.Changed, "#search-input")
    def _changed(self, event: Input.Changed) -> None:
        self.generation += 1
        if self._timer is not None:
            self._timer.stop()
        generation, text = self.generation, event.value
        self._timer = self.set_timer(DEBOUNCE, lambda: self._start(generation, text))

    def _start(self, generation: int, text: str) -> None:
        self.index.interrupt()  # the query for an older text, if still running, is not wanted
        self._run(generation, text)

    @work(thread=True, exclusive=True, group="search")
    def _run(self, generation: int, text: str) -> None:
        t0 = time.perf_counter()
        try:
            rows, error = self.find(text, generation), ""
        except BaocaoError as exc:
            rows, error = [], exc.message
        self.post_message(ResultsReady(generation, rows, time.perf_counter() - t0, error))

    @on(ResultsReady)
    def _show(self, message: ResultsReady) -> None:
        if message.generation != self.generation:
            return  # the input changed since: its own results follow
        self.rows = message.rows
        results = self.query_one(OptionList)
        results.clear_options()
        results.add_options([self.line(r) for r in self.rows])
        if self.rows:
            results.highlighted = 0
        status = self.query_one("#search-status", Static)
        if message.error:
            status.update(Text(inert(message.error), style="red"))
        else:
            more = f" (the first {LIMIT})" if len(self.rows) >= LIMIT else ""
            status.update(Text(f"{len(self.rows)} {self.NOUN}{more} · {message.seconds * 1000:.0f} ms",
                               style="dim"))
        self.shown_generation = message.generation

    # ------------------------------------------------------------ keys
    def action_cursor(self, delta: int) -> None:
        results = self.query_one(OptionList)
        if self.rows:
            now = results.highlighted if results.highlighted is not None else -delta
            results.highlighted = max(0, min(len(self.rows) - 1, now + delta))

    @on(Input.Submitted, "#search-input")
    def action_open(self) -> None:
        at = self.query_one(OptionList).highlighted
        if at is not None and at < len(self.rows):
            self.open_row(self.rows[at])

    @on(OptionList.OptionSelected, "#search-results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.open_row(self.rows[event.option_index])

    def open_row(self, row) -> None:
        """The reader on the row's report, at the row; n/N go through the rows of that report."""
        from .reader import ReaderScreen

        same = sorted((r for r in self.rows if r.report_id == row.report_id), key=lambda r: r.start)
        hits = tuple(self.hit_of(r) for r in same)
        order = self.app.library.ids()
        if row.report_id not in order:
            return
        reader = ReaderScreen(order, order.index(row.report_id))
        reader.search_hits = (row.report_id, hits)
        reader.hit_at = same.index(row)
        self.app.push_screen(reader)

    def hit_of(self, row) -> tuple[int, int, int]:
        raise NotImplementedError

    def action_back(self) -> None:
        self.app.pop_screen()


class SearchScreen(_ResultsScreen):
    TITLE_TEXT = "Search the library"
    PLACEHOLDER = 'words (diacritics optional), "a phrase", prefix*, OR, -word'
    NOUN = "sentences"

    def find(self, text: str, generation: int) -> list:
        if not text.strip():
            self.index.sync()  # on opening: the first search after an import indexes it
            return []
        rows = []
        for hit in self.index.iter_hits(text, limit=LIMIT):
            if generation != self.generation:  # typed on: the next query is wanted, not this one
                break
            rows.append(hit)
        return rows

    def line(self, row) -> Text:
        return hit_line(row)

    def hit_of(self, row) -> tuple[int, int, int]:
        return (row.sentence, *(row.matches[0] if row.matches else (row.start, row.end)))


FILTERS = ("label", "annotator", "from", "to")


def passage_filters(text: str) -> dict:
    """``label:risk annotator:lan from:2024 to:2024-06 words`` -> tagged()'s filters
    (the words: in the note)."""
    found: dict = {}
    words = []
    for word in text.split():
        name, sep, value = word.partition(":")
        if sep and name in FILTERS and value:
            found[{"from": "date_from", "to": "date_to"}.get(name, name)] = value
        else:
            words.append(word)
    if words:
        found["note"] = " ".join(words)
    return found


class PassagesScreen(_ResultsScreen):
    TITLE_TEXT = "Tagged passages across the library"
    PLACEHOLDER = "label:risk annotator:lan from:2024 to:2024-06 words in the note"
    NOUN = "passages"

    def find(self, text: str, generation: int) -> list:
        return self.index.tagged(**passage_filters(text), limit=LIMIT)

    def line(self, row) -> Text:
        return passage_line(row)

    def hit_of(self, row) -> tuple[int, int, int]:
        return (row.sentence_start, row.start, row.end)
