"""Review one report: every body sentence with each annotator's label side by
side, disagreements marked, and the adjudicated ("gold") label.

The label keys (and `-` for none) record the adjudication; `1`..`9` take that
annotator's label; `]`/`[` jump between disagreements; `u`/`ctrl+r` undo and
redo (the store's history, shared with the reader). Adjudications are stored
as annotator ``gold`` with who adjudicated and which annotators agreed
(``AnnotationStore.adjudicate``). Annotators are numbered in the order shown:
those who marked the report done first (their undecided sentences are none),
then anyone else with decisions (their undecided sentences are blank).
"""
from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingsMap
from textual.screen import Screen
from textual.widgets import Static

from annotations.agreement import NONE, Review, Unit, alpha, report_sentences, review
from annotations.errors import BaocaoError, os_error_line
from annotations.store import Selection, StoreError
from annotations.text.sanitize import inert

from ..bindings import BY_ID, binding, gold_key, keys_for
from ..widgets.key_bar import KeyBar
from ..widgets.review_table import ReviewTable

DIFFER = "≠"  # a sentence the annotators disagree on
SAME = "="  # every done annotator agrees: exported as unanimous with --gold
NONE_LETTER = "·"
MAX_SHOWN = 9  # annotators with a column (and a take key)


class ReviewScreen(Screen):
    def __init__(self, report_id: str) -> None:
        super().__init__()
        self.report_id = report_id
        self.meta = self.app.library.get(report_id)
        self.text = ""
        self.spans: tuple[tuple[int, int], ...] = ()
        self.analysis = None  # the report's sentences (annotations.agreement.report_sentences)
        self.review: Review | None = None
        self.rows: list[int] = []  # body sentence index of each table row
        self.gold_keys = [gold_key(label, i) for i, label in enumerate(self.app.labels)]
        # as the reader does: the keymap applied here, the Screen's own keys kept
        own = BindingsMap([binding(k, self.app.keymap)
                           for k in self.gold_keys + keys_for("review")])
        for key, inherited in self._bindings.key_to_bindings.items():
            rest = [b for b in inherited if b.id not in BY_ID]
            if rest and key not in own.key_to_bindings:
                own.key_to_bindings[key] = rest
        self._bindings = own

    def compose(self) -> ComposeResult:
        yield Static(id="review-title")
        yield Static(id="review-head")
        yield ReviewTable(id="review-table")
        yield Static(id="review-detail")
        yield KeyBar(self.gold_keys + keys_for("review") + keys_for("app"), id="keys")

    def on_mount(self) -> None:
        lib = self.app.library
        if self.app.store is None:  # the app said why when it opened
            self.notify(self.app.store_problem or "No annotation store.",
                        title="Cannot review the report", severity="error", markup=False)
            self.app.pop_screen()
            return
        try:
            self.text = lib.text(self.report_id)
            self.analysis = report_sentences(lib, self.report_id)
            self.spans = tuple((s.start, s.end) for s in self.analysis.sentences)
            self._reload()
        except (BaocaoError, OSError) as exc:
            self.notify(f"{self.report_id}: {exc}", title="Cannot review the report",
                        severity="error", timeout=15, markup=False)
            self.app.pop_screen()
            return
        table = self.query_one(ReviewTable)
        table.set_rows(len(self.rows), self._row)
        first = next((n for n, i in enumerate(self.rows) if self.review.disagrees(i)), 0)
        table.move_cursor(first)
        table.focus()
        self._update()

    def _reload(self) -> None:
        """Read every annotator's decisions and the adjudications (cached by the store)."""
        self.review = review(self.app.store, self.app.library, self.report_id, self.analysis)
        self.rows = self.review.body
        self.shown = self.review.annotators[:MAX_SHOWN]

    # ------------------------------------------------------------ drawing
    def _letter(self, value: str | None) -> Text:
        if value is None:
            return Text(" ")
        if value == NONE:
            return Text(NONE_LETTER, style="dim")
        letter, color = self.app.letter_color(value)
        return Text(letter, style=f"bold {color}")

    def _gold_cell(self, i: int) -> Text:
        rv = self.review
        value = rv.gold_value(i)
        if value is not None:
            cell = self._letter(value)
            cell.stylize("bold underline")
            return cell
        if rv.unanimous(i) is not None:
            return Text(SAME, style="dim")
        return Text(" ")

    def _row(self, row: int, width: int) -> Text:
        i = self.rows[row]
        rv = self.review
        line = Text(no_wrap=True, end="")
        line.append(DIFFER if rv.disagrees(i) else " ", style="bold red")
        line.append(f" {i + 1:>4}  ", style="dim")
        for a in self.shown:
            line.append_text(self._letter(rv.values[i].get(a)))
            line.append(" ")
        line.append("│ ", style="dim")
        line.append_text(self._gold_cell(i))
        line.append("  ")
        s, e = self.spans[i]
        line.append(inert(self.text[s:e]))
        return line

    def _update(self) -> None:
        rv, table = self.review, self.query_one(ReviewTable)
        differ = [i for i in self.rows if rv.disagrees(i)]
        settled = sum(1 for i in differ if i in rv.gold)
        title = Text("Review", style="bold")
        title.append(f"  {len(differ)} disagreement(s), {settled} adjudicated", style="dim")
        done = [a for a in rv.done if a in self.shown]
        units = [Unit(self.report_id, i, {a: rv.values[i][a] for a in done}) for i in self.rows]
        a, _why = alpha(units, done)
        if a is not None:
            title.append(f" · alpha {a:.2f}", style="dim")
        title.append("  ")
        title.append(inert(self.meta.title), style="bold")
        title.no_wrap, title.overflow = True, "ellipsis"
        self.query_one("#review-title", Static).update(title)
        head = Text(no_wrap=True)
        for n, who in enumerate(self.shown, 1):
            head.append(f"{n} ", style="bold")
            head.append(inert(who))
            head.append(" ✓  " if who in rv.done else " (not done)  ", style="dim")
        if len(rv.annotators) > MAX_SHOWN:
            head.append(f"+{len(rv.annotators) - MAX_SHOWN} not shown  ", style="dim")
        head.append(f"\n{DIFFER} disagree   {NONE_LETTER} none   blank: undecided   "
                    f"{SAME} unanimous   gold after │", style="dim")
        if not rv.annotators:
            head = Text("No annotator has decided a sentence of this report yet.", style="dim")
        self.query_one("#review-head", Static).update(head)
        self._update_detail()
        table.invalidate()

    def _update_detail(self) -> None:
        if not self.rows:
            self.query_one("#review-detail", Static).update(
                Text("This report has no body sentence.", style="dim"))
            return
        rv = self.review
        i = self.rows[self.query_one(ReviewTable).cursor_row]
        s, e = self.spans[i]
        out = Text(f"Sentence {i + 1}/{len(self.spans)}", style="bold")
        if rv.disagrees(i):
            out.append(f"  {DIFFER} disagreement", style="bold red")
        out.append("\n")
        out.append(inert(self.text[s:e]))
        out.append("\n")
        for n, who in enumerate(self.shown, 1):
            v = rv.values[i].get(who)
            out.append(f"{n} {inert(who)}: ", style="dim")
            out.append(inert(v) if v else "undecided", style="bold" if v else "dim")
            out.append("   ")
        gold = rv.gold.get(i)
        out.append("\ngold: ", style="dim")
        if gold is None:
            out.append("not adjudicated", style="dim")
        else:
            out.append(inert(gold["label"] or NONE), style="bold")
            agreed = gold.get("agreed") if isinstance(gold.get("agreed"), list) else []
            by = gold.get("adjudicator")
            out.append(f"  (by {inert(str(by))}; agreed: "
                       f"{inert(', '.join(map(str, agreed))) or 'nobody'})", style="dim")
        self.query_one("#review-detail", Static).update(out)

    # ------------------------------------------------------------ moving
    @property
    def cursor_sentence(self) -> int:
        return self.rows[self.query_one(ReviewTable).cursor_row]

    def _go(self, row: int) -> None:
        self.query_one(ReviewTable).move_cursor(row)
        self._update_detail()

    @on(ReviewTable.Clicked)
    def _clicked(self, event: ReviewTable.Clicked) -> None:
        self._go(event.row)

    def action_move(self, delta: int) -> None:
        self._go(self.query_one(ReviewTable).cursor_row + delta)

    def action_page(self, direction: int) -> None:
        table = self.query_one(ReviewTable)
        self._go(table.cursor_row + direction * max(1, table.size.height - 1))

    def action_disagreement(self, direction: int) -> None:
        cur = self.query_one(ReviewTable).cursor_row
        steps = range(cur + 1, len(self.rows)) if direction > 0 else range(cur - 1, -1, -1)
        for row in steps:
            if self.review.disagrees(self.rows[row]):
                self._go(row)
                return
        self.notify("No disagreement after this sentence." if direction > 0 else
                    "No disagreement before this sentence.", timeout=2, markup=False)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_read(self) -> None:
        """The reader on this report, at the cursor's sentence (saved as where this
        annotator is, so the reader opens there); escape comes back here."""
        from .reader import ReaderScreen

        if self.rows and self.app.store is not None:
            self.app.store.set_position(self.report_id, self.cursor_sentence)
        self.app.push_screen(ReaderScreen([self.report_id], 0))

    def on_screen_resume(self) -> None:
        if self.review is not None:  # the reader may have changed this annotator's labels
            self._reload()
            self._update()

    # ------------------------------------------------------------ adjudicating
    def _writable(self) -> bool:
        if self.app.store is None or self.app.readonly:
            self.notify(self.app.store_problem or "Read-only: nothing can be adjudicated here.",
                        title="Not saved", severity="warning", markup=False)
            return False
        return bool(self.rows)

    def _store_call(self, what: str, fn, *args):
        try:
            return fn(*args)
        except (StoreError, OSError) as exc:
            message = str(exc) if isinstance(exc, StoreError) else os_error_line(exc)
            self.notify(f"{message}\nThe screen shows what is saved.", title=f"{what} not saved",
                        severity="error", timeout=15, markup=False)
            return None

    def _adjudicate(self, value: str | None) -> None:
        """Record ``value`` (a label name or NONE) as the gold label of the sentence."""
        i = self.cursor_sentence
        sel = Selection(self.report_id, self.spans, i, i, self.meta.sha256)
        change = self._store_call("Adjudication", lambda: self.app.store.adjudicate(
            sel, None if value == NONE else value, adjudicator=self.app.annotator,
            agreed=self.review.agreed(i, value)))
        self._reload()
        self._update()
        if change is not None and change.what in ("tagged", "none") and self.app.advance:
            cur = self.query_one(ReviewTable).cursor_row
            nxt = next((r for r in range(cur + 1, len(self.rows))
                        if self.review.disagrees(self.rows[r]) and self.rows[r] not in
                        self.review.gold), None)
            if nxt is not None:
                self._go(nxt)
        elif change is not None and change.what == "removed":
            self.notify("Adjudication removed.", timeout=2, markup=False)

    def action_adjudicate(self, index: int) -> None:
        if self._writable():
            self._adjudicate(NONE if index < 0 else self.app.labels[index].name)

    def action_take(self, n: int) -> None:
        if not self._writable():
            return
        if n > len(self.shown):
            self.notify(f"There is no annotator {n} here.", timeout=2, markup=False)
            return
        who, i = self.shown[n - 1], self.cursor_sentence
        value = self.review.values[i].get(who)
        if value is None:
            self.notify(f"{who} has not decided this sentence.", timeout=2, markup=False)
        elif self.review.gold_value(i) == value:
            self.notify(f"The gold label is already {who}'s ({value}).", timeout=2, markup=False)
        else:
            self._adjudicate(value)

    def _history(self, word: str, fn) -> None:
        if not self._writable():
            return
        if not getattr(self.app.store, f"can_{word}"):
            self.notify(f"Nothing to {word}.", timeout=2, markup=False)
            return
        change = self._store_call(word.capitalize(), fn)
        self._reload()
        self._update()
        if change is None:
            return
        if change.report_id != self.report_id:
            self.notify(f"{word.capitalize()}: {change.what} in report {change.report_id}",
                        timeout=3, markup=False)
            return
        if change.first in self.rows:
            self._go(self.rows.index(change.first))
        self.notify(f"{word.capitalize()}: {change.what}", timeout=2, markup=False)

    def action_undo(self) -> None:
        self._history("undo", lambda: self.app.store.undo())

    def action_redo(self) -> None:
        self._history("redo", lambda: self.app.store.redo())
