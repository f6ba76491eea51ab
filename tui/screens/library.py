"""The library: every report by date, progress and label counts, a filter.

The screen holds the ids in table order only; the rows drawn are read from
the catalogue a page at a time, and the filter is a catalogue query (folded
title and text, corpus/catalogue.py), so a 100,000-report library costs what
a small one does."""
from __future__ import annotations

import threading
from functools import cache

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import get_current_worker

from annotations.errors import BaocaoError, LibraryError
from annotations.models import ReportMeta
from annotations.text.sanitize import inert

from ..bindings import bindings_for, keys_for
from ..messages import AlphasComputed, SeedingFinished, SeedingProgress, SeedingStarted
from ..widgets.key_bar import KeyBar
from ..widgets.report_table import ReportTable
from ..widgets.side_panel import date_info

BAR = 8  # cells of the progress bar
AGREE = 10  # cells of "done alpha": annotators done, Krippendorff's alpha from two
PAGE = 200  # rows read from the catalogue at once
KEEP = 20 * PAGE  # rows kept read (then forgotten, read again when shown)


def progress_bar(done: int, total: int, width: int = BAR) -> str:
    filled = round(width * done / total) if total else 0
    return "█" * filled + "░" * (width - filled)


@cache
def filter_box() -> type:
    """The filter's Input (made when first used: a normal start pays nothing for
    it). Input keeps its virtual size at its text's width, a layout reactive: each
    keystroke would lay out and repaint the whole screen. Here it only repaints
    the box, which scrolls its text as Input does."""
    from textual.geometry import Size
    from textual.reactive import Reactive
    from textual.widgets import Input

    class FilterBox(Input):
        virtual_size = Reactive(Size(0, 0), layout=False)

    return FilterBox


class LibraryScreen(Screen):
    BINDINGS = bindings_for("library")

    def __init__(self) -> None:
        super().__init__()
        self.newest_first = False
        self._alphas: dict[str, tuple] = {}  # report id -> (summary key, alpha), see _agreement_cell
        self._alpha_asked: dict[str, tuple] = {}  # asked for by rows drawn, until computed
        self._alpha_queue: dict[str, tuple] = {}  # ... and not yet handed to a worker
        self._alpha_store = None  # the workers' read-only AnnotationStore
        self._alpha_lock = threading.Lock()
        self.total = 0  # reports in the library
        self.shown: list[str] = []  # report ids in table order (those the filter matches)
        self._metas: dict[str, ReportMeta] = {}  # the rows read so far, a page at a time
        self._populated_width = -1
        self.seeding = False
        self.index_broken = False
        self.no_seeding = False  # empty, and this instance may not fill it
        self.seeding_shown = False  # the seeding progress was shown (at first run)

    def compose(self) -> ComposeResult:
        yield Static(id="library-title")
        yield Static(id="library-header")
        yield ReportTable(id="reports")
        empty = Static(id="library-empty")
        empty.display = False  # before it is mounted: no layout of the first frame again
        yield empty
        yield Static(id="library-date")
        yield KeyBar(keys_for("library") + keys_for("app"), id="keys")

    def on_mount(self) -> None:
        self.reload()
        if not self.total and self.app.seed_on_start and not self.index_broken:
            if self.app.locked_by_other or not self.app.home_writable:
                self.no_seeding = True  # never write a home another process writes
                self._update_title(0)
            else:
                self.seed()
        self.query_one(ReportTable).focus()

    # ------------------------------------------------------------ data
    def reload(self) -> None:
        """Re-read the catalogue and the store's counts, keep the cursor's report."""
        self._metas.clear()
        try:
            self.total = len(self.app.library)
        except LibraryError as exc:  # shown, and the app stays up (help, quit)
            self._broken(exc)
        self.populate()

    def _broken(self, exc: LibraryError) -> None:
        self.total, self.shown = 0, []
        self.index_broken = True
        self.notify(str(exc), title="Cannot read the library", severity="error",
                    timeout=30, markup=False)

    def _meta(self, index: int) -> ReportMeta | None:
        """The report of table row ``index``, its page read when first drawn
        (None: gone since, e.g. another process repaired the library)."""
        rid = self.shown[index]
        meta = self._metas.get(rid)
        if meta is None:
            if len(self._metas) >= KEEP:
                self._metas.clear()
            start = index - index % PAGE
            try:
                self._metas.update(self.app.library.get_many(self.shown[start:start + PAGE]))
            except LibraryError:
                return None
            meta = self._metas.get(rid)
        return meta

    def populate(self, keep_rows: bool = False) -> None:
        """Fill the table from the catalogue. ``keep_rows``: the rows' contents did
        not change (a filter keystroke): rows drawn before are reused, and nothing
        is repainted that looks the same."""
        current = self.current_id()
        before = self.shown
        if not self.index_broken:
            try:
                self.shown = self.app.library.ids(self.filter_text, newest_first=self.newest_first)
            except LibraryError as exc:
                self._broken(exc)
        labels = self.app.labels
        self._summary = self.app.report_summary()
        self._populated_width = self.size.width
        table = self.query_one(ReportTable)
        self._update(self.query_one("#library-header", Static), self._row_text(
            "Date", "Title", Text(f"{'Decided/sentences':<{BAR + 9}}"),
            [Text(f"{lb.key.upper():>3}", style=f"bold {lb.color}") for lb in labels],
            self._title_width(), "", "done alpha"))
        if not (keep_rows and self.shown == before):
            table.set_rows(len(self.shown), self._row, self.shown.__getitem__, keep=keep_rows)
        if current in self.shown:
            table.move_cursor(self.shown.index(current))
        self._update_title(len(self.shown))
        self._show_date()

    @on(ReportTable.Highlighted)
    def _show_date(self) -> None:
        """The cursor row's date and the phrase it came from, under the table."""
        row = self.query_one(ReportTable).cursor_row
        line = self.query_one("#library-date", Static)
        meta = self._meta(row) if 0 <= row < len(self.shown) else None
        if line.display != (meta is not None):
            line.display = meta is not None
        if meta is not None:
            text = date_info(meta, sep="  ")
            text.no_wrap, text.overflow = True, "ellipsis"
            self._update(line, text)

    @staticmethod
    def _update(widget: Static, text: Text) -> None:
        """Update a one-line widget (its height is fixed: no layout), and only
        when it changes (an update repaints it)."""
        if getattr(widget, "_shown_text", None) != text:
            widget._shown_text = text
            widget.update(text, layout=False)

    def _title_width(self) -> int:
        fixed = 10 + 2 + 2 + (BAR + 9) + 2 + 4 * len(self.app.labels) + 1 + AGREE + 2
        return max(12, self.size.width - fixed)

    @staticmethod
    def _row_text(date, title, progress: Text, counts: list[Text], title_width: int,
                  done: Text | str = "", agree: Text | str = "") -> Text:
        row = Text(no_wrap=True, end="")
        row.append_text(date if isinstance(date, Text) else Text(f"{date:<10}"))
        row.append("  ")
        head = title if isinstance(title, Text) else Text(title)
        head.truncate(title_width, overflow="ellipsis", pad=True)
        row.append_text(head)
        row.append("  ")
        row.append_text(progress)
        row.append(" ")
        row.append_text(done if isinstance(done, Text) else Text(done or " "))
        for count in counts:
            row.append(" ")
            row.append_text(count)
        row.append(" ")
        row.append_text(agree if isinstance(agree, Text) else Text(f"{agree:<{AGREE}}"))
        return row

    def _row(self, index: int, width: int) -> Text:
        m = self._meta(index)
        if m is None:
            return Text(inert(self.shown[index]), style="dim")
        entry = self._summary.get(m.id)
        per_label = entry["labels"] if entry else {}
        # this annotator's decided sentences (tagged or none) of the body
        # sentences (captions and headings are never tagged); all once done
        mine = entry["people"].get(self.app.annotator) if entry else None
        done = bool(mine and mine["done"])
        body = m.body_sentences
        decided = body if done else min(mine["tagged"] + mine["none"], body) if mine else 0
        date = Text(f"{inert(m.date or '—'):<10}", style="" if m.date else "dim")
        progress = Text(f"{progress_bar(decided, body)} {decided:>3}/{body:<4}")
        counts = []
        for lb in self.app.labels:
            n = per_label.get(lb.name, 0)
            counts.append(Text(f"{n or '·':>3}", style="" if n else "dim"))
        return self._row_text(date, inert(m.title), progress, counts, self._title_width(),
                              Text("✓", style="bold green") if done else "",
                              self._agreement_cell(m.id, entry))

    # ------------------------------------------------------------ agreement
    def _agreement_cell(self, rid: str, entry: dict | None) -> Text:
        """How many annotators marked the report done and, from two, its alpha:
        computed in a thread for the rows drawn, cached until the report's
        summary entry changes (so 100,000 reports cost nothing at start-up)."""
        from annotations.agreement import GOLD

        people = entry["people"] if entry else {}
        n = sum(1 for who, p in people.items() if p["done"] and who != GOLD)
        if n < 2:
            return Text(f"{n}✓" if n else "·", style="dim")
        key = (tuple(sorted((w, p["done"], p["tagged"], p["none"]) for w, p in people.items())),
               tuple(sorted(entry["labels"].items())))
        hit = self._alphas.get(rid)
        if hit is None or hit[0] != key:
            if self._alpha_asked.get(rid) != key:  # a row redrawn asks only once
                self._alpha_asked[rid] = self._alpha_queue[rid] = key
                if len(self._alpha_queue) == 1:  # one worker for the rows of this frame
                    self.call_after_refresh(self._compute_alphas)
            return Text(f"{n}✓ α …")
        a = hit[1]  # bold below 0.667, the lowest Krippendorff would draw conclusions from
        return Text(f"{n}✓ α" + ("  n/a" if a is None else f"{a:5.2f}"),
                    style="" if a is None or a >= 0.667 else "bold")

    def _compute_alphas(self) -> None:
        wanted, self._alpha_queue = self._alpha_queue, {}
        if wanted:
            self._alpha_worker(wanted)

    @work(thread=True, group="agreement")
    def _alpha_worker(self, wanted: dict[str, tuple]) -> None:
        """Off the UI thread, with a read-only store of its own (never the UI's),
        opened by the first worker and kept (its summary load is a cost at 100,000
        reports); the lock lets one worker at a time use it."""
        from annotations.agreement import alpha, done_annotators, report_units
        from annotations.corpus.library import Library
        from annotations.store import AnnotationStore

        out: dict[str, tuple] = {}
        with self._alpha_lock:
            try:
                if self._alpha_store is None:
                    self._alpha_store = AnnotationStore(self.app.home, readonly=True)
                store, lib = self._alpha_store, Library(self.app.home)
            except (BaocaoError, OSError):
                store = None
            for rid, key in wanted.items():
                try:
                    out[rid] = (key, alpha(report_units(store, lib, rid),
                                           done_annotators(store, rid))[0] if store else None)
                except (BaocaoError, OSError):  # unreadable: shown as n/a, said elsewhere
                    out[rid] = (key, None)
        self.post_message(AlphasComputed(out))

    def on_unmount(self) -> None:
        with self._alpha_lock:
            if self._alpha_store is not None:
                self._alpha_store.close()
                self._alpha_store = None

    @on(AlphasComputed)
    def _alphas_computed(self, message: AlphasComputed) -> None:
        self._alphas.update(message.alphas)
        for rid, (key, _a) in message.alphas.items():
            if self._alpha_asked.get(rid) == key:
                del self._alpha_asked[rid]
        self.query_one(ReportTable).invalidate()

    def _update_title(self, shown: int) -> None:
        total = self.total
        order = "newest first" if self.newest_first else "oldest first"
        title = Text("baocao", style="bold")
        title.append(f"  {shown} of {total} reports · {order} · annotator ", style="dim")
        title.append(self.app.annotator)
        if self.app.readonly:
            title.append("  READ-ONLY", style="bold reverse")
        self._update(self.query_one("#library-title", Static), title)
        empty = self.query_one("#library-empty", Static)
        if empty.display != (shown == 0 and not self.seeding):  # a change lays the screen out
            empty.display = shown == 0 and not self.seeding
        if empty.display:
            empty.update("No report matches the filter." if total else
                         "The library is empty and another baocao is writing to this home "
                         "(an import?): nothing is added here. Reopen baocao when it is done."
                         if self.no_seeding and self.app.locked_by_other else
                         "The library is empty and this home cannot be written: nothing can "
                         "be added here." if self.no_seeding else
                         "The library is empty. Add reports with `baocao import PATH`.")

    def current_id(self) -> str | None:
        table = self.query_one(ReportTable)
        if not self.shown or table.cursor_row < 0 or table.cursor_row >= len(self.shown):
            return None
        return self.shown[table.cursor_row]

    def on_resize(self) -> None:
        if self.total and self.size.width != self._populated_width:
            self.populate()  # the title column takes the new width

    def on_screen_suspend(self) -> None:
        # Handled once the new screen is on top: the reader (or help, the palette).
        self._left_for = self.app.screen

    def on_screen_resume(self) -> None:
        over, self._left_for = getattr(self, "_left_for", None), None
        if over is None or not self.total:
            return
        self.populate()  # counts changed in the reader
        # Select the report the reader showed last: ]/[ may have moved on from the one opened.
        left = getattr(over, "report_id", None)
        if left in self.shown:
            self.query_one(ReportTable).move_cursor(self.shown.index(left))

    # ------------------------------------------------------------ first run
    @work(thread=True, exclusive=True, group="seed")
    def seed(self) -> None:
        """Import the bundled seeds into an empty library, in a thread. The import
        takes the home's writer lock: if another baocao holds it, StoreLocked
        says who, and the library stays empty."""
        worker = get_current_worker()
        self.post_message(SeedingStarted())

        def progress(done: int, total: int, what: str) -> None:
            if not worker.is_cancelled:  # the import itself is never cut short
                self.post_message(SeedingProgress(done, total))

        try:
            summary = self.app.library.ensure_seeded(progress=progress)
        except (BaocaoError, OSError) as exc:  # shown, never swallowed: the app stays up
            self.post_message(SeedingFinished(None, exc))
            return
        self.post_message(SeedingFinished(summary))

    @on(SeedingStarted)
    def _seeding_started(self) -> None:
        from textual.widgets import Label, ProgressBar

        # mounted only when needed: a normal start pays nothing for it
        self.seeding = self.seeding_shown = True
        self.mount(Vertical(Label("Importing the bundled sample reports…", id="seeding-label"),
                            ProgressBar(id="seeding-bar", show_eta=False), id="seeding"),
                   before="#library-header")
        self.query_one("#library-empty").display = False

    @on(SeedingProgress)
    def _seeding_progress(self, message: SeedingProgress) -> None:
        from textual.widgets import Label, ProgressBar

        for bar in self.query("#seeding-bar").results(ProgressBar):
            bar.update(total=message.total, progress=message.done)
        for label in self.query("#seeding-label").results(Label):
            label.update(f"Importing the bundled sample reports… {message.done}/{message.total}")

    @on(SeedingFinished)
    def _seeding_finished(self, message: SeedingFinished) -> None:
        self.seeding = False
        self.query("#seeding").remove()
        if message.error is not None:
            self.notify(str(message.error), title="Could not import the sample reports",
                        severity="error", timeout=15, markup=False)
        elif message.summary is not None:
            self.notify(f"Imported {len(message.summary.imported)} sample reports.",
                        title="Welcome", markup=False)
        self.app.library.reload()  # what the import wrote (or another process)
        self.reload()

    # ------------------------------------------------------------ actions
    def action_open(self) -> None:
        if self.current_id() is not None:
            self.app.open_report(self.shown, self.query_one(ReportTable).cursor_row)

    def action_review(self) -> None:
        rid = self.current_id()
        if rid is not None:
            from .review import ReviewScreen  # loaded when first reviewed

            self.app.push_screen(ReviewScreen(rid))

    @on(ReportTable.Selected)
    def _row_selected(self, event: ReportTable.Selected) -> None:
        event.stop()
        self.action_open()

    @property
    def filter_text(self) -> str:
        from textual.widgets import Input

        boxes = self.query("#filter")
        return boxes.first(Input).value.strip() if boxes else ""

    async def action_filter(self) -> None:
        from textual.widgets import Input

        boxes = self.query("#filter")
        if boxes:
            box = boxes.first(Input)
            if box.has_focus:  # "/" is a priority key: typed in the box, it is text
                box.insert_text_at_cursor("/")
                return
        else:  # mounted on first use: a normal start pays nothing for it
            box = filter_box()(placeholder="filter by words of the title or text (diacritics "
                                           "optional) · enter: to the list · esc: clear",
                               id="filter")
            await self.mount(box, before="#library-header")
            try:
                self.app.library.prepare_filter()  # not on the first keystroke
            except LibraryError:
                pass  # the filter says so when it runs
        box.display = True
        # Now, not via focus()'s call_later: keys typed right after "/" are
        # already queued and must reach the box, not the table.
        self.set_focus(box)

    def action_clear_filter(self) -> None:
        from textual.widgets import Input

        for box in self.query("#filter").results(Input):
            if box.value:
                box.value = ""
            box.display = False
        self.query_one(ReportTable).focus()

    def on_input_changed(self, event) -> None:  # by name: Input is imported lazily
        if event.input.id != "filter":
            return
        self.populate(keep_rows=True)
        self.query_one(ReportTable).move_cursor(0)

    def on_input_submitted(self, event) -> None:
        if event.input.id != "filter":
            return
        if not self.filter_text:
            self.query_one("#filter").display = False
        self.query_one(ReportTable).focus()

    def action_sort(self) -> None:
        self.newest_first = not self.newest_first
        self.populate()

    def action_quit(self) -> None:
        self.app.exit()
