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
from annotations.errors import BaocaoError, os_error_line
from annotations.store import Annotation, Selection, StoreError
from annotations.store.records import sentence_range

from ..bindings import BY_ID, binding, bindings_for, key_hint, keys_for, label_key
from ..ime import telex_aliases
from ..messages import ReportLoaded, ReportLoadFailed
from ..suggestions import Suggesting
from ..widgets.annotation_list import AnnotationList
from ..widgets.key_bar import KeyBar
from ..widgets.others_column import OthersColumn
from ..widgets.report_view import Mark, ReportView
from ..widgets.side_panel import legend, note_text, report_info, status_line
from .entity_editing import EntityEditing
from .note import PromptScreen

NONE_MARK = "·"  # the gutter's mark of a sentence decided "none"
NOTE_MARK = "✎"  # ... and of a sentence with a note


def _reader_commands():
    from ..commands import ReaderCommands  # the palette module loads when first opened

    return ReaderCommands


class ReaderScreen(EntityEditing, Suggesting, Screen):
    BINDINGS = bindings_for("reader")
    COMMANDS = {_reader_commands}
    # always_update: re-setting the same id (reload after an error) still retitles
    report_id: reactive[str] = reactive("", always_update=True, init=False)
    # Opened from a search (tui/screens/search.py): that report's hits as (sentence,
    # start, end) and the one shown; n/N move between them, escape ends them.
    search_hits: tuple[str, tuple[tuple[int, int, int], ...]] = ("", ())
    hit_at = 0

    def __init__(self, order: list[str], index: int) -> None:
        super().__init__()
        self.order = order
        self.set_reactive(ReaderScreen.report_id, order[index])
        self.meta = self.app.library.get(order[index])
        self.canonical = ""
        self.analysis: tuple[str, object] = ("", None)  # (report id, its Analysis)
        self.spans: tuple[tuple[int, int], ...] = ()  # the report's sentences
        # the sentences offered for tagging (not captions, headings): the cursor
        # keys, "." and the progress counts go through these only
        self.body: list[int] = []
        self._body_set: frozenset[int] = frozenset()
        self.annotations: list[Annotation] = []  # passages, every annotator
        # sentence -> this annotator's decision/note: replaced at each refresh, never
        # changed in place (decided() keeps its answer while it is the same dict)
        self.mine: dict[int, Annotation] = {}
        self._decided: tuple | None = None  # (mine, body, done, decided())
        self._made_marks: dict[int, tuple[Annotation, Mark]] = {}  # id -> (passage, its Mark)
        self.cursor_shown = -1  # the cursor as the title last showed it
        self._shown: dict[str, Text] = {}  # selector -> what its Static shows
        self.unsaved = False  # the last write failed (the title says so until one succeeds)
        self.unreadable = ""  # a report whose annotations cannot be read: never written
        self.report_done = False  # as the store said at the last refresh
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
        # A composed letter stands for the Telex key typed (tui/ime.py): bound as
        # priority aliases, so it keeps its place among the keys typed around it.
        own.key_to_bindings.update(telex_aliases(own.key_to_bindings))
        self._bindings = own

    def compose(self) -> ComposeResult:
        yield Static(id="reader-title")
        yield Static(id="status")  # the folded side panel of a narrow terminal
        with Horizontal(id="reader-body"):
            yield ReportView(id="report")
            yield OthersColumn(id="others")  # O: the other annotators' letters
            with Vertical(id="side"):
                yield Static(id="info")
                yield Static(id="note")
                yield Static(id="suggestion")  # the cursor's suggestion (tui/suggestions.py)
                yield Static(id="legend")
                yield AnnotationList(id="annotations")
        yield KeyBar(self.key_bar_keys(), id="keys")

    def key_bar_keys(self) -> list:
        """The key bar outside the entity mode (which shows its own keys)."""
        return [k for k in self.label_keys + keys_for("reader") + keys_for("app") if not k.mode]

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
    def load(self, report_id: str, cursor: int | None = None) -> None:
        """Show a report, at ``cursor`` or (None) where this annotator left it.
        Usually its analysis is cached and it opens here, in one paint; otherwise
        a thread computes it and posts ReportLoaded. The store is read here, on
        the UI thread."""
        if report_id not in self.order:  # e.g. an undo in a report the filter hid
            self.order = self.app.library.ids()
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
    def _read_report(self, report_id: str, cursor: int | None) -> None:
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

    def _show_report(self, report: Report, cursor: int | None) -> None:
        if report.id != self.report_id:
            return  # the user moved on to another report meanwhile
        self.canonical = report.text
        self.analysis = (report.id, report.analysis)  # for the others column
        self.spans = tuple((s.start, s.end) for s in report.analysis.sentences)
        self.body = report.analysis.body_sentences()
        self._body_set = frozenset(self.body)
        self.suggestions = {}  # of the report shown before
        self.view.load(report.text, report.analysis, [])
        self.entity_report_shown()  # corrected entities; the entity mode ends
        self._refresh_annotations()
        if cursor is None and self._hits():
            cursor = self._hits()[self.hit_at][0]
        if cursor is None and self.store is not None and self.unreadable != report.id:
            cursor = self.store.position(report.id)  # where this annotator left it
        if not cursor and self.body:
            cursor = self.body[0]  # past the headline
        if cursor:
            self.view.select(min(cursor, self.view.sentence_count - 1))
        if self._hits():
            self.view.set_span(self._hits()[self.hit_at][1:])
        self.loading_report = False
        self.view.loading = False
        self._update_side()
        self.request_suggestions()
        self.app.schedule_settle()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        # While a report loads only leaving works: other keys would act on the old text.
        if self.loading_report and action not in ("back", "other_report", "help",
                                                  "command_palette", "quit"):
            return False
        return self.entity_check(action)

    def _marks(self) -> list[Mark]:
        # Orphaned annotations point into an older text: listed, never drawn. A
        # "none" decision of this annotator is a dim dot in the gutter, a note ✎.
        # The store hands back the same Annotation for a document it did not
        # change: its Mark is kept with it (a tag changes a few of hundreds).
        made = {}
        marks = []
        for a in self.annotations:
            if a.orphaned:
                continue
            hit = self._made_marks.get(id(a))
            if hit is None or hit[0] is not a:
                hit = (a, Mark(a.start, a.end, a.sentence_start, a.sentence_end,
                               *self.app.letter_color(a.label)))
            made[id(a)] = hit
            marks.append(hit[1])
        self._made_marks = made
        marks += [Mark(*self.spans[i], i, i, NONE_MARK, "grey50")
                  for i, d in self.mine.items() if d.decided and d.label is None]
        marks += [Mark(*self.spans[i], i, i, NOTE_MARK, "grey70")
                  for i, d in self.mine.items() if d.note]
        return sorted(marks, key=lambda m: (m.start, m.end))

    def _refresh_annotations(self) -> None:
        """Read the report's passages and this annotator's decisions from the store
        (cached there: no file is read unless another process wrote)."""
        store = self.store
        try:
            docs = store.for_report(self.report_id) if store else []
            self.annotations = store.passages(self.report_id) if store else []
            self.report_done = bool(store and store.is_done(self.report_id))
        except StoreError as exc:  # e.g. its shard is corrupt: read the text, tag nothing
            docs, self.annotations, self.report_done = [], [], False
            if self.unreadable != self.report_id:
                self.unreadable = self.report_id
                self.notify(f"{exc}\nThis report can be read but not tagged until it is fixed.",
                            title="Annotations unreadable", severity="error", timeout=20, markup=False)
        else:
            if self.unreadable == self.report_id:
                self.unreadable = ""
        me = self.app.annotator
        self.mine = {}  # sentence -> this annotator's document on it
        for d in docs:
            if d.annotator == me and not d.orphaned:
                first, last = sentence_range(self.spans, d.start, d.end)
                for i in range(first, last + 1) if first >= 0 else ():
                    self.mine[i] = d
        self.view.set_marks(self._marks())
        self._load_others()
        self.apply_rules()  # when the corrections changed (an undo, another screen)
        self._update_side()
        self.request_suggestions()  # the model retrains on the change

    def _update_title(self) -> None:
        m = self.meta
        title = Text(f"{self.index + 1}/{len(self.order)}  ", style="dim")
        if not self.loading_report and self.view.sentence_count:  # before the title: never cut
            title.append(f"sentence {self.view.cursor + 1}/{self.view.sentence_count}  ")
        from annotations.text.sanitize import inert  # an old home's title: shown, never obeyed

        title.append(inert(m.title), style="bold")
        if self.unsaved:
            title = Text.assemble(Text(" NOT SAVED ", style="bold reverse red"), " ", title)
        self._show("#reader-title", title, layout=False)  # one line: no layout

    def decided(self) -> frozenset[int]:
        """Sentences this annotator decided (a label or none); all of them once done.
        Kept until what it is made of is replaced (a key asks several times)."""
        memo = self._decided
        if memo is not None and memo[0] is self.mine and memo[1] is self.body \
                and memo[2] == self.done:
            return memo[3]
        found = frozenset(self.body) if self.done else \
            frozenset(i for i, d in self.mine.items() if d.decided and i in self._body_set)
        self._decided = (self.mine, self.body, self.done, found)
        return found

    def tagged_sentences(self) -> int:
        return sum(1 for d in self.mine.values() if d.decided and d.label is not None)

    @property
    def done(self) -> bool:
        return self.report_done

    def _update_side(self) -> None:
        view, app = self.view, self.app
        counts: dict[str, int] = {}
        for a in self.annotations:
            counts[a.label] = counts.get(a.label, 0) + 1
        decided, total = len(self.decided()), len(self.body)
        info = report_info(self.meta, self.tagged_sentences(), total, app.annotator, app.readonly,
                           decided=decided, done=self.done)
        shape = (info.plain.count("\n"), view.entities_on, self.size.width)
        # Same shape as before: no layout pass (a layout repaints the whole screen).
        layout = shape != getattr(self, "_side_shape", None)
        self._side_shape = shape
        self._show("#info", info, layout=layout)
        self._show("#status", status_line(
            self.meta, decided, total, app.annotator, app.readonly, counts, app.labels,
            app.letter_color, width=self.size.width - 2, done=self.done,
            panel_key=key_hint(BY_ID["panel"], app.keymap)), layout=False)
        self._update_cursor_info(layout)
        entity_style = (lambda ent: view.partial_style(f"ent-{ent.lower()}")) \
            if view.entities_on else None
        self._show("#legend",
            legend(app.labels, app.letter_color, counts, entity_style,
                   key_hint(BY_ID["entities"], app.keymap),
                   mark_style=view.partial_style("cursor-mark"),
                   width=self.query_one("#side").size.width), layout=layout)
        self.query_one(AnnotationList).set_annotations(self.annotations, app.annotator,
                                                       app.letter_color)

    def _update_cursor_info(self, layout: bool = False) -> None:
        """What follows the cursor: the title's "sentence i/N" and its note."""
        view = self.view
        self.cursor_shown = view.cursor if view.sentence_count else -1
        mine = self.mine.get(view.cursor) if view.sentence_count else None
        note = note_text(mine.note if mine else "", view.cursor if view.sentence_count else None,
                         self.query_one("#side").size.width or 40)
        if note.plain != getattr(self, "_note_shown", None):
            self._note_shown = note.plain
            self._show("#note", note, layout=True)
        if self.others_on:
            self.query_one(OthersColumn).show_sentence(self.cursor_shown)
        self.show_suggestion()
        self._update_title()

    def _show(self, selector: str, text: Text, layout: bool) -> None:
        """Update a Static only when what it shows changed: a repaint of the side
        panel is most of the cost of a key that does not change it."""
        shown = self._shown.get(selector)
        if shown is not None and shown == text and not layout:
            return
        self._shown[selector] = text
        self.query_one(selector, Static).update(text, layout=layout)

    def refresh_theme(self) -> None:
        """The app's theme changed: redraw what is drawn from styles."""
        self._shown.clear()  # the same texts look different now
        if not self.loading_report:
            self._update_side()

    # ------------------------------------------------------------ moving
    @on(ReportView.SentenceClicked)
    def _clicked(self, event: ReportView.SentenceClicked) -> None:
        self._select(event.index)

    def action_move(self, delta: int) -> None:
        if self.emode is not None:
            self.entity_move(delta)
            return
        if isinstance(self.focused, AnnotationList):  # reader keys come first (priority):
            self.focused.action_cursor(delta)         # j/k/arrows move the list's highlight
            return
        self._select(self._body_step(self.view.cursor, delta))

    def _body_step(self, start: int, delta: int) -> int:
        """The body sentence ``delta`` (±1) steps from ``start``, past captions
        and headings; ``start`` when there is none that way."""
        i = start + delta
        while 0 <= i < self.view.sentence_count:
            if i in self._body_set:
                return i
            i += delta
        return start

    def _select(self, cursor: int, anchor: int | None = None) -> None:
        self.view.select(cursor, anchor)
        self._update_cursor_info()

    def action_extend(self, delta: int) -> None:
        if self.emode is not None:
            self.entity_move(delta, extend=True)
            return
        target = self.view.cursor + delta
        if 0 <= target < self.view.sentence_count and target not in self._body_set:
            # a passage is a run of body sentences: a caption or heading ends it
            self.notify("A caption or heading ends the passage here.", timeout=2, markup=False)
            return
        self._select(self._body_step(self.view.cursor, delta), self.view.anchor)

    def action_jump(self, where: str) -> None:
        ends = self.body or [0, self.view.sentence_count - 1]
        self._select(ends[0] if where == "first" else ends[-1])

    def action_page(self, direction: int) -> None:
        target = self.view.page_target(direction)
        self._select(target if target in self._body_set else self._body_step(target, direction))

    def action_next_untagged(self) -> None:
        n = self.view.sentence_count
        decided = self.decided()
        for step in range(1, n + 1):
            i = (self.view.cursor + step) % n
            if i in self._body_set and i not in decided:
                self._select(i)
                return
        key = key_hint(BY_ID["done"], self.app.keymap)
        self.notify("Every sentence of this report is decided." +
                    ("" if self.done else f" Press {key} to mark it done."), markup=False)

    async def action_goto(self) -> None:
        n = self.view.sentence_count

        def go(answer: str) -> None:
            try:
                i = int(answer.strip()) - 1
            except ValueError:
                i = -1
            if 0 <= i < n:
                self._select(i)
            elif answer.strip():
                self.notify(f"No sentence {answer.strip()!r}: this report has 1–{n}.",
                            severity="warning", markup=False)

        await self._prompt(PromptScreen(Text("Go to sentence", style="bold"), f"1–{n}", "", go,
                                        placeholder="sentence number"))

    async def _prompt(self, dialog: PromptScreen) -> None:
        # A priority key: the app waits for this before routing the next key, so
        # with the dialog mounted and its box focused now (not via focus()'s
        # call_later), text typed right after the key never reaches the reader,
        # where its letters would be tag keys.
        await self.app.push_screen(dialog)
        dialog.set_focus(dialog.query_one("#note-input"))

    def _leave(self) -> None:
        """Remember where the annotator is in the report being left (also called by
        the app as it exits, when the widgets may be gone: the cursor as last shown)."""
        if self.store is not None and not self.loading_report and self.cursor_shown >= 0:
            try:
                self.store.set_position(self.report_id, self.cursor_shown)
            except (StoreError, OSError):
                pass  # a convenience: never in the way of leaving

    def action_other_report(self, delta: int) -> None:
        target = self.index + delta
        if not 0 <= target < len(self.order):
            self.notify("This is the last report." if delta > 0 else "This is the first report.", markup=False)
            return
        self._leave()
        self.load(self.order[target])

    def action_toggle_entities(self) -> None:
        self.view.set_entities(not self.view.entities_on)
        self._update_side()

    @property
    def others_on(self) -> bool:
        return self.has_class("-others")

    def action_toggle_others(self) -> None:
        self.toggle_class("-others")
        self._load_others()

    def _load_others(self) -> None:
        rid, analysis = self.analysis
        if self.others_on and rid == self.report_id and self.store is not None:
            try:
                self.query_one(OthersColumn).load(self.store, self.app.library, rid, analysis,
                                                  self.app.annotator, self.view.cursor)
            except (BaocaoError, OSError) as exc:  # a broken shard: said when it was opened
                self.notify(str(exc), title="Other annotators unavailable", markup=False)

    def action_review(self) -> None:
        if not self.loading_report:
            from .review import ReviewScreen

            self._leave()
            self.app.push_screen(ReviewScreen(self.report_id))

    def on_screen_resume(self) -> None:
        if not self.loading_report:  # an undo in the review may have changed this report
            self._refresh_annotations()

    def action_toggle_panel(self) -> None:
        self.toggle_class("-panel")

    def _hits(self) -> tuple[tuple[int, int, int], ...]:
        """The search's hits when the report shown is the one searched into."""
        rid, hits = self.search_hits
        return hits if rid == self.report_id and self.emode is None else ()

    def action_hit(self, delta: int) -> None:
        """n/N after a search: the next/previous hit, its match highlighted (wraps)."""
        hits = self._hits()
        if hits:
            self.hit_at = (self.hit_at + delta) % len(hits)
            sentence, start, end = hits[self.hit_at]
            if sentence not in self._body_set and self.body:  # a heading's hit: the cursor beside it
                sentence = next((b for b in self.body if b >= sentence), self.body[-1])
            self._select(sentence)
            self.view.set_span((start, end))

    def action_back(self) -> None:
        if self.emode is not None:  # escape first clears the word range, then leaves the mode
            self.entity_back()
            return
        if self._hits():  # then the search's hits (n is the note key again)
            self.search_hits = ("", ())
            self.view.set_span(None)
            return
        lo, hi = self.view.selection
        if lo != hi:  # escape first cancels a selection
            self._select(self.view.cursor)
            return
        self._leave()
        self.app.pop_screen()

    @on(AnnotationList.Selected)
    def _jump_to_annotation(self, event: AnnotationList.Selected) -> None:
        ann = event.annotation
        if ann.orphaned:
            self.notify("This annotation's passage is no longer in the report's text "
                        "(it changed on re-import); it is kept and exported as orphaned.",
                        title="Orphaned annotation", severity="warning", markup=False)
            return
        self._select(ann.sentence_end, ann.sentence_start)
        self.view.focus()

    # ------------------------------------------------------------ deciding
    def _writable(self) -> bool:
        if self.store is None:
            self.notify(self.app.store_problem or "No annotation store.", severity="error", markup=False)
            return False
        if self.app.readonly:
            self.notify("Read-only: another baocao instance holds this home. "
                        "Close it to tag here." if self.app.home_writable else
                        "Read-only: this home cannot be written.",
                        title="Not saved", severity="warning", markup=False)
            return False
        if self.unreadable == self.report_id:
            self.notify("This report's annotations cannot be read (see the error): nothing is "
                        "written to it.", title="Not saved", severity="warning", markup=False)
            return False
        return True

    def _selection(self, whole: bool = True) -> Selection:
        lo, hi = self.view.selection if whole else (self.view.cursor, self.view.cursor)
        return Selection(self.report_id, self.spans, lo, hi, self.meta.sha256)

    def _store_call(self, what: str, fn, *args):
        """Run a store write; on failure tell the user and show the store as it is."""
        try:
            result = fn(*args)
        except (StoreError, OSError) as exc:  # a full disk, a broken shard: say so, keep running
            message = str(exc) if isinstance(exc, StoreError) else os_error_line(exc)
            self.notify(f"{message}\nThe screen shows what is saved.", title=f"{what} not saved",
                        severity="error", timeout=15, markup=False)
            self.unsaved = True
            self._refresh_annotations()
            return False, None
        if self.unsaved:
            self.unsaved = False
            self._update_title()
        return True, result

    def _decide(self, what: str, fn, *args) -> None:
        """A decision on the selection (or the sentence): write it, show it, and
        with tag-and-advance move to the sentence after the selection."""
        lo, hi = self.view.selection
        if self.view.sentence_count and not any(i in self._body_set for i in range(lo, hi + 1)):
            self.notify("Captions and headings are not tagged: j/k go to the text.",
                        timeout=3, markup=False)
            return
        if not self._writable() or not self.view.sentence_count:
            return
        ok, change = self._store_call(what, fn, self._selection(), *args)
        if not ok:
            return
        # The cursor moves first, so the panel is drawn once, for where it lands:
        # drawn for the old sentence, the suggestion box would hide and show
        # again, and each of those is a layout of the whole screen.
        if change.what in ("tagged", "none") and self.app.advance:
            self.view.select(self._body_step(change.last, 1))
        else:
            self.view.select(self.view.cursor)  # collapse the selection
        self._refresh_annotations()
        if change.what == "removed":
            self._removed(change)
        self._maybe_all_decided(change)

    def _removed(self, change) -> None:
        n = change.last - change.first + 1
        self.notify(f"Removed the decision on {n} sentence{'s' if n > 1 else ''}.",
                    timeout=2, markup=False)

    def _maybe_all_decided(self, change) -> None:
        if change.what in ("tagged", "none") and not self.done and \
                len(self.decided()) == len(self.body):
            key = key_hint(BY_ID["done"], self.app.keymap)
            self.notify(f"Every sentence is decided: press {key} to mark the report done.",
                        timeout=4, markup=False)

    def action_tag(self, index: int) -> None:
        name = self.app.labels[index].name
        self._decide("Tag", self.tag_writer(name) if self.store else None, name)

    def action_none(self) -> None:
        self._decide("None", self.tag_writer(None) if self.store else None)

    def action_remove(self) -> None:
        if self.emode is not None:
            self.entity_remove()
            return
        if not self._writable() or not self.view.sentence_count:
            return
        ok, change = self._store_call("Removal", self.store.clear, self._selection())
        if not ok:
            return
        if not change.what:
            lo, hi = self.view.selection
            others = [a for a in self.annotations if a.annotator != self.app.annotator
                      and a.sentence_start <= hi and lo <= a.sentence_end]
            self.notify(f"Tagged by {others[0].annotator}, not by you." if others
                        else "Nothing to remove here.", timeout=3, markup=False)
        else:
            self._removed(change)
        self.view.select(self.view.cursor)  # collapse the selection; the refresh shows it
        self._refresh_annotations()

    def action_toggle_done(self) -> None:
        if not self._writable():
            return
        undecided = len(self.body) - len(self.decided())
        ok, change = self._store_call("Done", self.store.set_done, self.report_id, not self.done)
        if not ok:
            return
        self._refresh_annotations()
        if change.what == "done":
            extra = f" Its {undecided} undecided sentences count as none." if undecided else ""
            self.notify("Report marked done." + extra, timeout=3, markup=False)
        else:
            self.notify("Report no longer done.", timeout=2, markup=False)

    def _after_history(self, change, word: str) -> None:
        if change is None:
            self.notify(f"Nothing to {word}.", timeout=2, markup=False)
            return
        if change.report_id != self.report_id and change.report_id in self.app.library:
            self._leave()
            self.load(change.report_id, max(change.first, 0))
            return
        if change.first >= 0:  # show what it changed (first: the panel is drawn once)
            self.view.select(change.last, change.first)
        self._refresh_annotations()
        self.notify(f"{word.capitalize()}: {change.what}", timeout=2, markup=False)

    def action_undo(self) -> None:
        if self._writable():
            ok, change = self._store_call("Undo", self.store.undo)
            if ok:
                self._after_history(change, "undo")

    def action_redo(self) -> None:
        if self._writable():
            ok, change = self._store_call("Redo", self.store.redo)
            if ok:
                self._after_history(change, "redo")

    async def action_note(self) -> None:
        if self._hits():
            self.action_hit(1)
            return
        if not self._writable() or not self.view.sentence_count:
            return
        i = self.view.cursor
        mine = self.mine.get(i)
        old = mine.note if mine else ""
        sel = self._selection(whole=False)

        def save(note: str) -> None:
            if note.strip() == old:
                return
            ok, _ = self._store_call("Note", self.store.set_note, sel, note)
            if ok:
                self._refresh_annotations()

        what = (mine.label or "none") if mine and mine.decided else "undecided"
        head = Text(f"Note on sentence {i + 1}", style="bold")
        head.append(f"  ({what})", style="dim")
        s, e = self.spans[i]
        await self._prompt(PromptScreen(head, self.canonical[s:e], old, save,
                                        placeholder="note (empty removes it)"))

    # ------------------------------------------------------------ input methods
    async def on_key(self, event) -> None:
        """Nothing in the reader is bound to backspace: it stops here, so the
        backspace a Vietnamese input method sends before a composed letter deletes
        nothing (the letter itself is bound: ``telex_aliases``)."""
        if event.key == "backspace":
            event.stop()

    async def action_composed(self, char: str, key: str) -> None:
        """A Vietnamese input method in Telex mode sends a backspace and a composed
        letter in place of a key typed after a vowel (`a` `r` arrives as `a`,
        backspace, `ả`; tui/ime.py): run the binding of the key pressed, and say
        once how to switch the input method off."""
        bindings = self._bindings.key_to_bindings.get(key)
        if bindings:
            await self.run_action(bindings[0].action)
        if not getattr(self.app, "ime_noticed", False):
            self.app.ime_noticed = True  # once per app run
            self.notify(f"A Vietnamese input method (Telex) seems to be on: '{char}' was "
                        f"read as {key}. Switch it to English (e.g. ctrl+shift or the Unikey icon) "
                        "while annotating.", markup=False)
