"""Entities across the library (annotations/entity_index.py): a list filtered
as you type; `enter` lists an entity's mentions in context, and `enter` on a
mention opens the reader at its sentence. `space` selects entities for the
timeline's sparklines (`L`). The index is brought up to date in a worker; every
string from the library is drawn inert (Text, never markup)."""
from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static
from textual.worker import get_current_worker

from annotations.entity_index import EntityIndex, EntityRow, Mention, kwic
from annotations.errors import BaocaoError, os_error_line
from annotations.text.sanitize import inert
from annotations.text.vietnamese import fold, matches_words

from ..bindings import bindings_for, keys_for
from ..widgets.key_bar import KeyBar

SHOWN = 500  # rows drawn at most (the filter narrows the rest)
MENTIONS_SHOWN = 2000
PICKED = "✓"


def _problem(exc: Exception) -> str:
    return str(exc) if isinstance(exc, BaocaoError) else os_error_line(exc)


class Loaded(Message):
    def __init__(self, rows: list | None, error: str = "") -> None:
        super().__init__()
        self.rows = rows
        self.error = error


class EntitiesScreen(Screen):
    BINDINGS = bindings_for("entities")

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[EntityRow] = []
        self.haystacks: list[str] = []  # folded name, variants and label of each row
        self.shown: list[EntityRow] = []

    def compose(self) -> ComposeResult:
        yield Static(Text("Entities across the library: indexing…", style="bold"), id="entities-title")
        yield Input(placeholder="filter: words of a name, diacritics optional", id="entities-filter")
        yield DataTable(id="entities-table", cursor_type="row", zebra_stripes=True)
        yield KeyBar(keys_for("entities") + keys_for("app"), id="keys")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(" ", "entity", "label", "mentions", "reports", "first", "last")
        table.focus()
        self._load()

    @work(thread=True, exclusive=True, group="entities")
    def _load(self) -> None:
        worker = get_current_worker()
        try:
            with EntityIndex(self.app.home, self.app.library) as index:
                index.refresh(lambda done, total: self.app.call_from_thread(self._indexing, done, total))
                rows = index.entities()
        except (BaocaoError, OSError) as exc:
            message = Loaded(None, _problem(exc))
        else:
            message = Loaded(rows)
        if not worker.is_cancelled:
            self.post_message(message)

    def _indexing(self, done: int, total: int) -> None:
        self.query_one("#entities-title", Static).update(
            Text(f"Entities across the library: indexing {done:,}/{total:,} reports…", style="bold"))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if message.rows is None:
            self.query_one("#entities-title", Static).update(Text(f"Entities: {message.error}"))
            return
        self.rows = message.rows
        self.haystacks = [fold(" ".join((*r.variants, r.label))) for r in self.rows]
        self._show()

    @property
    def picked(self) -> list[tuple[str, str, str]]:
        """(key, label, name) of the entities selected for the timeline (kept by the app)."""
        if not hasattr(self.app, "timeline_entities"):
            self.app.timeline_entities = []
        return self.app.timeline_entities

    def _show(self) -> None:
        query = self.query_one(Input).value
        found = [r for r, h in zip(self.rows, self.haystacks) if matches_words(query, h)] \
            if query.strip() else self.rows
        self.shown = found[:SHOWN]
        picked = {(k, lab) for k, lab, _ in self.picked}
        table = self.query_one(DataTable)
        table.clear()
        for r in self.shown:
            table.add_row(PICKED if (r.key, r.label) in picked else " ", Text(inert(r.name)), r.label,
                          str(r.count), str(r.reports), Text(inert(r.first or "—")),
                          Text(inert(r.last or "—")))
        title = Text(f"Entities across the library: {len(found)}", style="bold")
        if len(found) > len(self.shown):
            title.append(f" (the {len(self.shown)} most mentioned shown; type to narrow)", style="dim")
        if picked:
            title.append(f"  {len(picked)} selected for the timeline (L)", style="dim")
        self.query_one("#entities-title", Static).update(title)

    @on(Input.Changed, "#entities-filter")
    def _filter_changed(self) -> None:
        self._show()

    @on(Input.Submitted, "#entities-filter")
    def _filter_done(self) -> None:
        self.query_one(DataTable).focus()

    @on(DataTable.RowSelected, "#entities-table")
    def _row_selected(self) -> None:
        self.action_mentions()

    def _current(self) -> EntityRow | None:
        table = self.query_one(DataTable)
        return self.shown[table.cursor_row] if self.shown and 0 <= table.cursor_row < len(self.shown) else None

    def action_mentions(self) -> None:
        row = self._current()
        if row is not None:
            self.app.push_screen(MentionsScreen(row))

    def action_filter(self) -> None:
        self.query_one(Input).focus()

    def action_pick(self) -> None:
        row = self._current()
        if row is None:
            return
        picked = self.picked
        entry = (row.key, row.label, row.name)
        if entry in picked:
            picked.remove(entry)
        else:
            picked.append(entry)
        cursor = self.query_one(DataTable).cursor_row
        self._show()
        self.query_one(DataTable).move_cursor(row=cursor)

    def action_timeline(self) -> None:
        self.app.action_timeline()

    def action_back(self) -> None:
        if self.query_one(Input).has_focus:
            self.query_one(DataTable).focus()
            return
        self.app.pop_screen()


class MentionsLoaded(Message):
    def __init__(self, lines: list | None, total: int = 0, error: str = "") -> None:
        super().__init__()
        self.lines = lines
        self.total = total
        self.error = error


class MentionsScreen(Screen):
    """Every mention of one entity as keyword-in-context, oldest report first."""

    BINDINGS = bindings_for("mentions")

    def __init__(self, row: EntityRow) -> None:
        super().__init__()
        self.row = row
        self.mentions: list[Mention] = []

    def compose(self) -> ComposeResult:
        yield Static(self._title("reading…"), id="mentions-title")
        yield DataTable(id="mentions-table", cursor_type="row", zebra_stripes=True)
        yield KeyBar(keys_for("mentions") + keys_for("app"), id="keys")

    def _title(self, what: str) -> Text:
        title = Text(inert(self.row.name), style="bold")
        title.append(f" {self.row.label}: {what}", style="bold")
        if len(self.row.variants) > 1:
            title.append("  also written " + ", ".join(inert(v) for v in self.row.variants[1:6]),
                         style="dim")
        return title

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("date", "report", "before", "mention", "after")
        table.focus()
        self._load()

    @work(thread=True, exclusive=True, group="mentions")
    def _load(self) -> None:
        worker = get_current_worker()
        lib = self.app.library
        try:
            with EntityIndex(self.app.home, lib) as index:
                found = index.mentions(self.row.key, self.row.label)
            lines, texts = [], {}
            for m in found[:MENTIONS_SHOWN]:
                if m.report_id not in texts:
                    texts = {m.report_id: lib.text(m.report_id)}  # mentions come report by report
                lines.append((m, kwic(texts[m.report_id], m.start, m.end)))
        except (BaocaoError, OSError) as exc:
            message = MentionsLoaded(None, error=_problem(exc))
        else:
            message = MentionsLoaded(lines, len(found))
        if not worker.is_cancelled:
            self.post_message(message)

    @on(MentionsLoaded)
    def _loaded(self, message: MentionsLoaded) -> None:
        if message.lines is None:
            self.query_one("#mentions-title", Static).update(self._title(message.error))
            return
        self.mentions = [m for m, _ in message.lines]
        table = self.query_one(DataTable)
        for m, (left, hit, right) in message.lines:
            table.add_row(Text(inert(m.date or "undated")), Text(inert(m.report_id)),
                          Text(inert(left), justify="right"), Text(inert(hit), style="bold reverse"),
                          Text(inert(right)))
        what = f"{message.total} mention(s)"
        if message.total > len(self.mentions):
            what += f", the first {len(self.mentions)} shown"
        self.query_one("#mentions-title", Static).update(self._title(what))

    @on(DataTable.RowSelected, "#mentions-table")
    def _row_selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if not self.mentions or not 0 <= table.cursor_row < len(self.mentions):
            return
        m = self.mentions[table.cursor_row]
        open_at(self.app, m.report_id, m.sentence)

    def action_back(self) -> None:
        self.app.pop_screen()


def open_at(app, report_id: str, sentence: int) -> None:
    """The reader on a report at a sentence: as the review screen does, the
    sentence becomes where this annotator is, so the reader opens there; a
    read-only app moves the reader there once it has opened."""
    from .reader import ReaderScreen

    if report_id not in app.library:
        app.notify(f"{report_id} is no longer in the library.", severity="warning", markup=False)
        return
    order = app.library.ids()
    reader = ReaderScreen(order, order.index(report_id))
    store = app.store
    if store is not None and not app.readonly:
        try:
            store.set_position(report_id, sentence)
        except (BaocaoError, OSError):
            store = None
    app.push_screen(reader)
    if store is None or app.readonly:
        reader.call_after_refresh(reader.load, report_id, sentence)
