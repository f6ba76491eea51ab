"""The reader: one report, a sentence cursor, tagging keys, a side panel.

The report shown is ``report_id``, one reactive: setting it (opening, ]/[, the
palette, an undo that lands in another report) updates the meta and the "i/N"
title in one place, so they cannot disagree with the text.
"""
from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingsMap
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import get_current_worker

from annotations.corpus.library import Report
from annotations.errors import BaocaoError
from annotations.store import Annotation, Passage, StoreError

from ..bindings import BY_ID, binding, bindings_for, key_hint, keys_for, label_key
from ..messages import ReportLoaded, ReportLoadFailed
from ..widgets.annotation_list import AnnotationList
from ..widgets.key_bar import KeyBar
from ..widgets.report_view import Mark, ReportView
from ..widgets.side_panel import legend, report_info
from .note import NoteScreen


def _reader_commands():
    from ..commands import ReaderCommands  # the palette module loads when first opened

    return ReaderCommands


class ReaderScreen(Screen):
    BINDINGS = bindings_for("reader")
    COMMANDS = {_reader_commands}
    # always_update: re-setting the same id (reload after an error) still retitles
    report_id: reactive[str] = reactive("", always_update=True, init=False)

    def __init__(self, order: list[str], index: int) -> None:
        super().__init__()
        self.order = order
        self.set_reactive(ReaderScreen.report_id, order[index])
        self.meta = self.app.library.get(order[index])
        self.canonical = ""
        self.annotations: list[Annotation] = []
        self.loading_report = True
        # Labels come from the store (a config may add some): their keys first, so
        # the key bar shows them first. The app has refused any label set whose
        # keys the table binds (check_label_keys), so none shadows a key here.
        keymap = self.app.keymap
        self.label_keys = [label_key(label, i) for i, label in enumerate(self.app.labels)]
        # The keymap is applied here, not only by Textual on each key press:
        # Textual drops every binding of a key it moves a binding away from,
        # which would take a label given that freed key with it.
        own = BindingsMap([binding(k, keymap) for k in self.label_keys + keys_for("reader")])
        for key, inherited in self._bindings.key_to_bindings.items():  # Screen's tab, ctrl+c
            rest = [b for b in inherited if b.id not in BY_ID]
            if rest and key not in own.key_to_bindings:
                own.key_to_bindings[key] = rest
        self._bindings = own

    def compose(self) -> ComposeResult:
        yield Static(id="reader-title")
        with Horizontal(id="reader-body"):
            yield ReportView(id="report")
            with Vertical(id="side"):
                yield Static(id="info")
                yield Static(id="legend")
                yield AnnotationList(id="annotations")
        yield KeyBar(self.label_keys + keys_for("reader") + keys_for("app"), id="keys")

    def on_mount(self) -> None:
        self.load(self.report_id)
        self.query_one(ReportView).focus()

    def on_resize(self) -> None:
        if not self.loading_report:
            self.call_after_refresh(self._update_side)  # entries fit the new width

    @property
    def view(self) -> ReportView:
        return self.query_one(ReportView)

    @property
    def store(self):
        return self.app.store

    @property
    def index(self) -> int:
        """Position of the report in ``order`` (load() keeps it there)."""
        return self.order.index(self.report_id)

    def watch_report_id(self, report_id: str) -> None:
        self.meta = self.app.library.get(report_id)
        self._update_title()

    # ------------------------------------------------------------ loading
    def load(self, report_id: str, cursor: int = 0) -> None:
        """Show a report. Usually its analysis is cached and it opens here, in one
        paint; otherwise a thread computes it and posts ReportLoaded. The store
        is read here, on the UI thread."""
        if report_id not in self.order:  # e.g. an undo in a report the filter hid
            self.order = [m.id for m in self.app.library.reports()]
        self.loading_report = True
        self.report_id = report_id
        lib = self.app.library
        if lib.is_analysed(report_id):
            try:
                report = lib.open(report_id)
            except (BaocaoError, OSError) as exc:
                self._load_failed(report_id, exc)
                return
            self._show_report(report, cursor)
            return
        self.set_timer(0.15, self._show_loading)
        self._read_report(report_id, cursor)

    def _show_loading(self) -> None:
        if self.loading_report:
            self.view.loading = True

    @work(thread=True, exclusive=True, group="report")
    def _read_report(self, report_id: str, cursor: int) -> None:
        """Off the UI thread: open the report (the NLP may run), post the result."""
        worker = get_current_worker()
        try:
            report = self.app.library.open(report_id)
        except (BaocaoError, OSError) as exc:
            message = ReportLoadFailed(report_id, exc)
        else:
            message = ReportLoaded(report, cursor)
        if not worker.is_cancelled:  # another report was asked for meanwhile
            self.post_message(message)

    @on(ReportLoaded)
    def _report_loaded(self, message: ReportLoaded) -> None:
        self._show_report(message.report, message.cursor)

    @on(ReportLoadFailed)
    def _report_load_failed(self, message: ReportLoadFailed) -> None:
        self._load_failed(message.report_id, message.error)

    def _load_failed(self, report_id: str, exc: Exception) -> None:
        if report_id == self.report_id:
            self.view.loading = False
            self.notify(f"{report_id}: {exc}", title="Cannot open the report", severity="error",
                        markup=False, timeout=15)

    def _show_report(self, report: Report, cursor: int) -> None:
        if report.id != self.report_id:
            return  # the user moved on to another report meanwhile
        self.canonical = report.text
        self.annotations = self.store.for_report(report.id) if self.store else []
        self.view.load(report.text, report.analysis, self._marks())
        if cursor:
            self.view.select(cursor)
        self.loading_report = False
        self.view.loading = False
        self._update_side()
        self.app.schedule_settle()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        # While a report loads only leaving works: other keys would act on the old text.
        if self.loading_report and action not in ("back", "other_report", "help",
                                                  "command_palette", "quit"):
            return False
        return True

    def _marks(self) -> list[Mark]:
        # Orphaned annotations point into an older text: listed, never drawn.
        return [Mark(a.start, a.end, a.sentence_start, a.sentence_end, *self.app.letter_color(a.label))
                for a in self.annotations if not a.orphaned]

    def _refresh_annotations(self, annotations: list[Annotation] | None = None) -> None:
        if annotations is None:
            annotations = self.store.for_report(self.report_id) if self.store else []
        self.annotations = annotations
        self.view.set_marks(self._marks())
        self._update_side()

    def _replace_own(self, passage: Passage, ann: Annotation | None) -> None:
        """Show a tag's result without re-reading the store: tag() returned the
        annotation now on that passage (None: removed)."""
        me = self.app.annotator
        kept = [a for a in self.annotations
                if not (a.annotator == me and a.start == passage.start and a.end == passage.end)]
        if ann is not None:
            kept.append(ann)
            kept.sort(key=lambda a: (a.start, a.end, a.id))
        self._refresh_annotations(kept)

    def _update_title(self) -> None:
        m = self.meta
        title = Text(f"{self.index + 1}/{len(self.order)}  ", style="dim")
        title.append(m.title, style="bold")
        self.query_one("#reader-title", Static).update(title)

    def _covered(self) -> set[int]:
        """Sentences inside a (non-orphaned) annotation."""
        covered: set[int] = set()
        for a in self.annotations:
            if not a.orphaned:
                covered.update(range(a.sentence_start, a.sentence_end + 1))
        return covered

    def tagged_sentences(self) -> int:
        return len(self._covered())

    def _update_side(self) -> None:
        view, app = self.view, self.app
        info = report_info(self.meta, self.tagged_sentences(), view.sentence_count,
                           app.annotator, app.readonly)
        shape = (info.plain.count("\n"), view.entities_on, self.size.width)
        # Same shape as before: no layout pass (a layout repaints the whole screen).
        layout = shape != getattr(self, "_side_shape", None)
        self._side_shape = shape
        self.query_one("#info", Static).update(info, layout=layout)
        counts: dict[str, int] = {}
        for a in self.annotations:
            counts[a.label] = counts.get(a.label, 0) + 1
        entity_style = (lambda ent: view.get_component_rich_style(
            f"report-view--ent-{ent.lower()}", partial=True)) if view.entities_on else None
        self.query_one("#legend", Static).update(
            legend(app.labels, app.letter_color, counts, entity_style,
                   key_hint(BY_ID["entities"], app.keymap)), layout=layout)
        self.query_one(AnnotationList).set_annotations(self.annotations, app.annotator,
                                                       app.letter_color)

    # ------------------------------------------------------------ moving
    def action_move(self, delta: int) -> None:
        if isinstance(self.focused, AnnotationList):  # reader keys come first (priority):
            self.focused.action_cursor(delta)         # j/k/arrows move the list's highlight
            return
        self.view.select(self.view.cursor + delta)

    def action_extend(self, delta: int) -> None:
        self.view.select(self.view.cursor + delta, self.view.anchor)

    def action_jump(self, where: str) -> None:
        self.view.select(0 if where == "first" else self.view.sentence_count - 1)

    def action_page(self, direction: int) -> None:
        self.view.select(self.view.page_target(direction))

    def action_next_untagged(self) -> None:
        n = self.view.sentence_count
        covered = self._covered()
        for step in range(1, n + 1):
            i = (self.view.cursor + step) % n
            if i not in covered:
                self.view.select(i)
                return
        self.notify("Every sentence of this report is tagged.", markup=False)

    def action_other_report(self, delta: int) -> None:
        target = self.index + delta
        if not 0 <= target < len(self.order):
            self.notify("This is the last report." if delta > 0 else "This is the first report.", markup=False)
            return
        self.load(self.order[target])

    def action_toggle_entities(self) -> None:
        self.view.set_entities(not self.view.entities_on)
        self._update_side()

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(AnnotationList.Selected)
    def _jump_to_annotation(self, event: AnnotationList.Selected) -> None:
        ann = event.annotation
        if ann.orphaned:
            self.notify("This annotation's passage is no longer in the report's text "
                        "(it changed on re-import); it is kept and exported as orphaned.",
                        title="Orphaned annotation", severity="warning", markup=False)
            return
        self.view.select(ann.sentence_end, ann.sentence_start)
        self.view.focus()

    # ------------------------------------------------------------ tagging
    def _writable(self) -> bool:
        if self.store is None:
            self.notify(self.app.store_problem or "No annotation store.", severity="error", markup=False)
            return False
        if self.app.readonly:
            self.notify("Read-only: another baocao instance holds this home. "
                        "Close it to tag here.", title="Not saved", severity="warning", markup=False)
            return False
        return True

    def own_annotation_at(self, sentence: int) -> Annotation | None:
        for a in self.annotations:
            if a.annotator == self.app.annotator and a.sentence_start <= sentence <= a.sentence_end:
                return a
        return None

    def _passage(self) -> Passage:
        lo, hi = self.view.selection
        if lo == hi:  # the cursor inside a tagged passage acts on that passage
            ann = self.own_annotation_at(lo)
            if ann is not None:
                lo, hi = ann.sentence_start, ann.sentence_end
        sents = self.view.analysis.sentences
        start, end = sents[lo].start, sents[hi].end
        return Passage(self.report_id, start, end, lo, hi, self.canonical[start:end],
                       self.meta.sha256)

    def _store_call(self, what: str, fn, *args):
        """Run a store write; on failure tell the user and show the store as it is."""
        try:
            return True, fn(*args)
        except StoreError as exc:
            self.notify(str(exc), title=f"{what} not saved", severity="error", timeout=10, markup=False)
            try:
                self._refresh_annotations()
            except StoreError:
                pass
            return False, None

    def action_tag(self, index: int) -> None:
        if not self._writable() or not self.view.sentence_count:
            return
        label = self.app.labels[index]
        passage = self._passage()
        ok, ann = self._store_call("Tag", self.store.tag, passage, label.name)
        if not ok:
            return
        self.view.select(self.view.cursor)  # collapse the selection
        self._replace_own(passage, ann)
        if ann is None:
            self.notify(f"Removed the {label.name} tag.", timeout=2, markup=False)

    def action_remove(self) -> None:
        if not self._writable() or not self.view.sentence_count:
            return
        ann = self.own_annotation_at(self.view.cursor)
        if ann is None:
            others = [a for a in self.annotations
                      if a.sentence_start <= self.view.cursor <= a.sentence_end]
            self.notify(f"Tagged by {others[0].annotator}, not by you." if others
                        else "No tag here.", timeout=3, markup=False)
            return
        ok, _ = self._store_call("Removal", self.store.remove, ann.id)
        if ok:
            self._refresh_annotations([a for a in self.annotations if a.id != ann.id])

    def _after_history(self, ann: Annotation | None, word: str) -> None:
        if ann is None:
            self.notify(f"Nothing to {word}.", timeout=2, markup=False)
            return
        if ann.report_id != self.report_id and ann.report_id in self.app.library:
            self.load(ann.report_id, ann.sentence_start)
        else:
            self._refresh_annotations()
            self.view.select(ann.sentence_start)

    def action_undo(self) -> None:
        if self._writable():
            ok, ann = self._store_call("Undo", self.store.undo)
            if ok:
                self._after_history(ann, "undo")

    def action_redo(self) -> None:
        if self._writable():
            ok, ann = self._store_call("Redo", self.store.redo)
            if ok:
                self._after_history(ann, "redo")

    async def action_note(self) -> None:
        if not self._writable() or not self.view.sentence_count:
            return
        ann = self.own_annotation_at(self.view.cursor)
        if ann is None:
            self.notify("Tag the sentence first (a/t/r), then add a note.", timeout=3, markup=False)
            return

        def save(note: str) -> None:
            if note == ann.note:
                return
            ok, new = self._store_call("Note", self.store.set_note, ann.id, note)
            if ok:
                self._refresh_annotations([new if a.id == ann.id else a
                                           for a in self.annotations])

        # A priority key: the app waits for this before routing the next key, so
        # with the dialog mounted and its box focused now (not via focus()'s
        # call_later), a note typed right after `n` never reaches the reader,
        # where its letters would be tag keys.
        dialog = NoteScreen(ann, save)
        await self.app.push_screen(dialog)
        dialog.set_focus(dialog.query_one("#note-input"))

    # ------------------------------------------------------------ input methods
    async def on_key(self, event) -> None:
        """A Vietnamese input method in Telex mode sends a backspace and a composed
        letter in place of a key typed after a vowel (`a` `r` arrives as `a`,
        backspace, `ả`; tui/ime.py): run the binding of the key pressed, and say
        once how to switch the input method off. Nothing in the reader is bound
        to backspace; it stops here, so the input method's backspace deletes nothing."""
        from ..ime import intended_key, telex_aliases

        if event.key == "backspace":
            event.stop()
            return
        key = intended_key(event.character or "")
        bindings = self._bindings.key_to_bindings.get(key) if key else None
        if not bindings:
            return
        event.stop()
        await self.run_action(bindings[0].action)
        # This letter came the slow way (passed on to the focused widget and back),
        # so a reader key typed after it may have run first: reader keys are priority
        # bindings. Bound as aliases from now on, composed letters keep their order.
        self._bindings.key_to_bindings.update(telex_aliases(self._bindings.key_to_bindings))
        if not getattr(self.app, "ime_noticed", False):
            self.app.ime_noticed = True  # once per app run
            self.notify(f"A Vietnamese input method (Telex) seems to be on: '{event.character}' was "
                        f"read as {key}. Switch it to English (e.g. ctrl+shift or the Unikey icon) "
                        "while annotating.", markup=False)
