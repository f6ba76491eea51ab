"""Search across the library, and every tagged passage across it.

Both screens are one input over a table of keyword-in-context lines
(tui/kwic.py), one line a row, drawn only when visible (``HitTable``: an
OptionList wrapped and drew all 50 rows, ~100 ms at 100,000 reports).
Results update as you type: each change restarts a short timer, and when it
fires a worker thread asks the core (annotations/search) and posts what it
found, tagged with the input's generation so a slow answer to an older text
is dropped; a query still running when the timer fires again is interrupted
(``SearchIndex.interrupt``, from the UI thread). Only a page of hits is
fetched (``LIMIT``); when the page is full, how many match is counted after
the page is on screen, up to a bound ("1,000+": a probe, not a count), so the
count never delays the results. ``enter`` opens the report at the hit (or the
passage) in the reader, where ``n``/``N`` move between that report's hits.
"""
from __future__ import annotations

import asyncio
import time

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.events import Click
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Static

from annotations.errors import BaocaoError
from annotations.search import SearchIndex
from annotations.search.index import window
from annotations.text.sanitize import inert

from ..bindings import bindings_for, keys_for
from ..kwic import hit_line, passage_line
from ..widgets.key_bar import KeyBar
from ..widgets.line_table import LineTable

DEBOUNCE = 0.02  # seconds after the last key before the query runs (keys come ~100 ms apart)
LIMIT = 50  # results shown (the status line says when there were more)


class HitTable(LineTable):
    COMPONENT_CLASSES = {"hit-table--cursor"}
    DEFAULT_CSS = """
    HitTable { height: 1fr; border: tall $border-blurred; scrollbar-size-vertical: 1; }
    HitTable:focus { border: tall $border; }
    HitTable > .hit-table--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold;
    }
    """

    class Clicked(Message):
        def __init__(self, row: int) -> None:
            super().__init__()
            self.row = row

    def cursor_class(self) -> str:
        return "hit-table--cursor"

    def on_click(self, event: Click) -> None:
        at = event.get_content_offset(self)  # inside the border
        if at is not None and 0 <= at.y + self.scroll_offset.y < self.row_count:
            self.post_message(self.Clicked(at.y + self.scroll_offset.y))


class ResultsReady(Message):
    def __init__(self, generation: int, rows: list, seconds: float, error: str = "") -> None:
        super().__init__()
        self.generation, self.rows, self.seconds, self.error = generation, rows, seconds, error


class Counted(Message):
    def __init__(self, generation: int, count: int) -> None:
        super().__init__()
        self.generation, self.count = generation, count


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
        self.shown = asyncio.Event()  # set as results are shown: a benchmark waits without polling
        self.counted_generation = -1  # ... and whose count is (when the page was full)
        self._timer = None
        self._seconds = 0.0  # how long the results on screen took
        self.index = SearchIndex(self.app.library)

    def compose(self) -> ComposeResult:
        yield Static(Text(self.TITLE_TEXT, style="bold"), id="search-title")
        yield Input(placeholder=self.PLACEHOLDER, id="search-input")
        yield Static(id="search-status")
        yield HitTable(id="search-results")
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

    def count(self, text: str) -> int | None:
        """How many rows ``text`` has (up to a bound: ``status`` says "N+"), asked
        only when the page is full; None: not known."""
        return None

    def status(self, shown: int, count: int | None) -> str:
        return f"{shown} {self.NOUN}" + (f" (the first {LIMIT})" if shown >= LIMIT else "")

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
        if len(rows) >= LIMIT and generation == self.generation:
            try:
                self.post_message(Counted(generation, self.count(text)))
            except BaocaoError:  # interrupted by a newer query: its own count follows
                pass

    @on(ResultsReady)
    def _show(self, message: ResultsReady) -> None:
        if message.generation != self.generation:
            return  # the input changed since: its own results follow
        self.rows = message.rows
        results = self.query_one(HitTable)
        results.cursor_row = 0
        results.set_rows(len(self.rows), lambda i, _width: self.line(self.rows[i]))
        results.scroll_home(animate=False, immediate=True)
        status = self.query_one("#search-status", Static)
        if message.error:
            status.update(Text(inert(message.error), style="red"))
        else:
            self._seconds = message.seconds
            status.update(Text(f"{self.status(len(self.rows), None)} · {message.seconds * 1000:.0f} ms",
                               style="dim"))
        self.shown_generation = message.generation
        self.shown.set()

    @on(Counted)
    def _counted(self, message: Counted) -> None:
        if message.generation != self.shown_generation or message.generation != self.generation:
            return
        self.query_one("#search-status", Static).update(Text(
            f"{self.status(len(self.rows), message.count)} · {self._seconds * 1000:.0f} ms", style="dim"))
        self.counted_generation = message.generation

    # ------------------------------------------------------------ keys
    def action_cursor(self, delta: int) -> None:
        results = self.query_one(HitTable)
        results.move_cursor(results.cursor_row + delta)

    @on(Input.Submitted, "#search-input")
    def action_open(self) -> None:
        at = self.query_one(HitTable).cursor_row
        if at < len(self.rows):
            self.open_row(self.rows[at])

    @on(HitTable.Clicked)
    def _clicked(self, event: HitTable.Clicked) -> None:
        self.query_one(HitTable).move_cursor(event.row)
        self.open_row(self.rows[event.row])

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
        for hit in self.index.iter_hits(text, limit=LIMIT, entities=False):
            if generation != self.generation:  # typed on: the next query is wanted, not this one
                break
            rows.append(hit)
        return rows

    def line(self, row) -> Text:
        return hit_line(row)

    def count(self, text: str) -> int | None:
        return self.index.count(text, bound=window(LIMIT) + 1)

    def status(self, shown: int, count: int | None) -> str:
        if shown < LIMIT or count is None:
            return super().status(shown, count)
        ranked = window(LIMIT)
        if count > ranked:  # the index ranked only the newest matches (annotations/search/index.py)
            return f"{shown} of {ranked:,}+ {self.NOUN}, the best of the newest {ranked:,}"
        return f"the best {shown} of {count:,} {self.NOUN}"

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
