"""The library: every report by date, progress and label counts, a filter."""
from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, ProgressBar, Static

from annotations.models import ReportMeta

from ..bindings import bindings_for
from ..fold import fold, matches

BAR = 8  # cells of the progress bar


def progress_bar(done: int, total: int, width: int = BAR) -> str:
    filled = round(width * done / total) if total else 0
    return "█" * filled + "░" * (width - filled)


class LibraryScreen(Screen):
    BINDINGS = bindings_for("library")

    def __init__(self) -> None:
        super().__init__()
        self.newest_first = False
        self._reports: list[ReportMeta] = []
        self._folded: dict[str, str] = {}
        self.shown: list[str] = []  # report ids in table order

    def compose(self) -> ComposeResult:
        yield Static(id="library-title")
        yield Input(placeholder="filter by title or id (diacritics optional) · "
                                "enter: to the list · esc: clear", id="filter")
        with Vertical(id="seeding"):
            yield Label("Importing the bundled sample reports…", id="seeding-label")
            yield ProgressBar(id="seeding-bar", show_eta=False)
        yield DataTable(id="reports", cursor_type="row", zebra_stripes=True)
        yield Static(id="library-empty")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#filter").display = False
        self.query_one("#seeding").display = False
        self.query_one("#library-empty").display = False
        self.reload()
        if not self._reports and self.app.seed_on_start:
            self.seed()
        self.query_one(DataTable).focus()

    # ------------------------------------------------------------ data
    def reload(self) -> None:
        """Re-read the index and the store's counts, keep the cursor's report."""
        self._reports = self.app.library.reports()
        self._folded = {m.id: fold(f"{m.title} {m.id} {m.date or ''}") for m in self._reports}
        self.populate()

    def populate(self) -> None:
        table = self.query_one(DataTable)
        current = self.current_id()
        query = self.query_one("#filter", Input).value.strip()
        reports = [m for m in self._reports if not query or matches(query, self._folded[m.id])]
        if self.newest_first:
            dated = [m for m in reports if m.date]
            reports = dated[::-1] + [m for m in reports if not m.date]
        self.shown = [m.id for m in reports]
        labels = self.app.labels
        counts = self.app.label_counts()
        table.clear(columns=True)
        fixed = 10 + 5 + BAR + 8 + 4 * len(labels) + 2 * (4 + len(labels)) + 2
        title_width = max(16, self.size.width - fixed)
        table.add_column("Date", key="date", width=10)
        table.add_column("Title", key="title", width=title_width)
        table.add_column(Text("Sent.", justify="right"), key="sentences", width=5)
        table.add_column("Progress", key="progress", width=BAR + 8)
        for label in labels:
            table.add_column(Text(label.key.upper(), style=f"bold {label.color}",
                                  justify="right"), key=f"label:{label.name}", width=4)
        for m in reports:
            per_label = counts.get(m.id, {})
            tagged = self.app.tagged_sentences(m.id) if per_label else 0
            row = [
                Text(m.date or "—", style="" if m.date else "dim"),
                Text(m.title, no_wrap=True, overflow="ellipsis"),
                Text(str(m.sentences), justify="right"),
                Text(f"{progress_bar(tagged, m.sentences)} {tagged:>3}/{m.sentences:<3}"),
            ]
            row += [Text(str(per_label.get(lb.name, 0) or "·"), justify="right",
                         style="" if per_label.get(lb.name) else "dim") for lb in labels]
            table.add_row(*row, key=m.id)
        if current in self.shown:
            table.move_cursor(row=self.shown.index(current), animate=False)
        self._update_title(len(reports))

    def _update_title(self, shown: int) -> None:
        total = len(self._reports)
        order = "newest first" if self.newest_first else "oldest first"
        title = Text("baocao", style="bold")
        title.append(f"  {shown} of {total} reports · {order} · annotator ", style="dim")
        title.append(self.app.annotator)
        if self.app.readonly:
            title.append("  READ-ONLY", style="bold reverse")
        self.query_one("#library-title", Static).update(title)
        empty = self.query_one("#library-empty", Static)
        empty.display = shown == 0 and not self.query_one("#seeding").display
        if empty.display:
            empty.update("No report matches the filter." if total else
                         "The library is empty. Add reports with `baocao import PATH`.")

    def current_id(self) -> str | None:
        table = self.query_one(DataTable)
        if not self.shown or table.cursor_row < 0 or table.cursor_row >= len(self.shown):
            return None
        return self.shown[table.cursor_row]

    def on_resize(self) -> None:
        if self._reports:
            self.populate()

    def on_screen_resume(self) -> None:
        if self.is_mounted and self._reports:
            self.populate()  # counts changed in the reader

    # ------------------------------------------------------------ first run
    @work(thread=True, exclusive=True, group="seed")
    def seed(self) -> None:
        self.app.call_from_thread(self._seeding_started)

        def progress(done: int, total: int, what: str) -> None:
            self.app.call_from_thread(self._seeding_progress, done, total)

        try:
            summary = self.app.library.ensure_seeded(progress=progress)
        except Exception as exc:  # shown, never swallowed: the library stays usable
            self.app.call_from_thread(self._seeding_done, None, str(exc))
            return
        self.app.call_from_thread(self._seeding_done, summary, None)

    def _seeding_started(self) -> None:
        self.query_one("#seeding").display = True
        self.query_one("#library-empty").display = False

    def _seeding_progress(self, done: int, total: int) -> None:
        self.query_one("#seeding-bar", ProgressBar).update(total=total, progress=done)
        self.query_one("#seeding-label", Label).update(
            f"Importing the bundled sample reports… {done}/{total}")

    def _seeding_done(self, summary, error: str | None) -> None:
        self.query_one("#seeding").display = False
        if error:
            self.notify(error, title="Could not import the sample reports", severity="error",
                        timeout=10, markup=False)
        elif summary is not None:
            self.notify(f"Imported {len(summary.imported)} sample reports.", title="Welcome", markup=False)
        self.reload()

    # ------------------------------------------------------------ actions
    def action_open(self) -> None:
        rid = self.current_id()
        if rid is not None:
            self.app.open_report(self.shown, self.shown.index(rid))

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        box.focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        if box.value:
            box.value = ""
        box.display = False
        self.query_one(DataTable).focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self.populate()
        self.query_one(DataTable).move_cursor(row=0, animate=False)

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        if not self.query_one("#filter", Input).value:
            self.query_one("#filter").display = False
        self.query_one(DataTable).focus()

    def action_sort(self) -> None:
        self.newest_first = not self.newest_first
        self.populate()

    def action_quit(self) -> None:
        self.app.exit()
