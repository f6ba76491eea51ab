"""The teach queue: body sentences across the library, those the model is
least sure of first (the smallest margin between its two best labels, see
annotations/suggest), each in its paragraph under its report's title and date.

The label keys answer with that label, ``y`` accepts the suggestion, ``-``
says none, space skips (for this session), ``u`` undoes the last answer. Each
answer is written to the store at once (durable, like a tag in the reader);
the model then retrains in the worker (tui/suggestions.py), which also fetches
the next questions, so the answers shape what is asked next. One question is
kept ahead, so a key never waits for the worker. The title counts the answers
given here and shows the model's cross-validated quality on the annotator's labels.
"""
from __future__ import annotations

from functools import partial

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingsMap
from textual.screen import Screen
from textual.widgets import Static

from annotations.errors import os_error_line
from annotations.store import Selection, StoreError
from annotations.text.sanitize import inert

from ..bindings import BY_ID, binding, keys_for, teach_key
from ..suggestions import PRIOR, Question, SuggestionsFailed, TeachQuality, TeachQuestions
from ..widgets.key_bar import KeyBar

AHEAD = 2  # questions asked of the worker: the one shown and the next


class TeachScreen(Screen):
    def __init__(self) -> None:
        super().__init__()
        self.answer_keys = [teach_key(label, i) for i, label in enumerate(self.app.labels)]
        # as the reader does: the keymap applied here, the Screen's own keys kept
        own = BindingsMap([binding(k, self.app.keymap)
                           for k in self.answer_keys + keys_for("teach")])
        for key, inherited in self._bindings.key_to_bindings.items():
            rest = [b for b in inherited if b.id not in BY_ID]
            if rest and key not in own.key_to_bindings:
                own.key_to_bindings[key] = rest
        self._bindings = own
        self.current: Question | None = None
        self.ahead: list[Question] = []
        self.gone: set[tuple[str, int]] = set()  # answered or skipped here: never shown again
        self.answers = 0
        self.answered: list[tuple[str, int]] = []  # in order, for undo
        self.labelled = 0  # sentences the model learnt from
        self.version = ""
        self.quality = None
        self.waiting = True  # for the worker's questions
        self.exhausted = False

    def compose(self) -> ComposeResult:
        yield Static(id="teach-title")
        yield Static(id="teach-report")
        yield Static(id="teach-text")
        yield Static(id="teach-suggestion")
        yield KeyBar(self.answer_keys + keys_for("teach") + keys_for("app"), id="keys")

    def on_mount(self) -> None:
        self._show()
        self.app.suggestions.teach(self, AHEAD)

    # ------------------------------------------------------------ the worker's answers
    @on(TeachQuestions)
    def _questions(self, message: TeachQuestions) -> None:
        self.version, self.labelled = message.version, message.labelled
        shown = {self.current.key} if self.current else set()
        self.ahead = [q for q in message.questions if q.key not in self.gone | shown][:AHEAD]
        self.waiting = False
        self.exhausted = not message.questions and self.current is None
        if self.current is None and self.ahead:
            self.current = self.ahead.pop(0)
        self._show()

    @on(TeachQuality)
    def _quality(self, message: TeachQuality) -> None:
        if message.version == self.version:
            self.quality = message.quality
            self._show_title()

    @on(SuggestionsFailed)
    def _failed(self, message: SuggestionsFailed) -> None:
        self.waiting = False
        self.notify(message.error, title="No questions", severity="error", markup=False)
        self._show()

    # ------------------------------------------------------------ drawing
    def _show_title(self) -> None:
        title = Text("Teach queue", style="bold")
        title.append(f"  {self.answers} answer{'' if self.answers == 1 else 's'} here", style="")
        title.append(f" · model learnt from {self.labelled} sentences" if self.labelled else
                     " · no labels yet: the cold-start prior", style="dim")
        q = self.quality
        if q is not None:
            title.append(f" · macro-F1 {q.macro_f1:.2f} ({q.folds}-fold, own labels)", style="dim")
        self.query_one("#teach-title", Static).update(title)

    def _show(self) -> None:
        self._show_title()
        report = self.query_one("#teach-report", Static)
        body = self.query_one("#teach-text", Static)
        hint = self.query_one("#teach-suggestion", Static)
        q = self.current
        if q is None:
            report.update("")
            body.update(Text("Looking for the next question…" if self.waiting else
                             "Nothing left to ask: every body sentence of the library is "
                             "decided (or skipped this session)." if self.exhausted else "",
                             style="dim"))
            hint.update("")
            return
        item = q.item
        head = Text(inert(item.title), style="bold")
        head.append(f"  {inert(item.date or 'undated')}  ", style="dim")
        head.append(f"{inert(item.report_id)} · sentence {item.sentence + 1}", style="dim")
        report.update(head)
        text = Text(inert(q.paragraph, keep_newlines=False), style="dim")  # one for one: offsets hold
        text.stylize("not dim bold", item.start - q.para_start, item.end - q.para_start)
        text.stylize("reverse", item.start - q.para_start, item.end - q.para_start)
        body.update(text)
        sug = Text("suggested ", style="dim")
        sug.append(item.label or "none", style="bold")
        sug.append(f"  score {item.score:.2f}, margin {item.margin:.2f}", style="dim")
        hint.update(sug)

    # ------------------------------------------------------------ answering
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("answer", "accept", "none", "skip") and self.current is None:
            return False  # nothing asked (yet): the key does nothing
        return True

    def _store_call(self, fn, *args) -> bool:
        store = self.app.store
        if store is None or self.app.readonly:
            self.notify(self.app.store_problem or "Read-only: answers cannot be saved.",
                        title="Not saved", severity="warning", markup=False)
            return False
        try:
            fn(*args)
        except (StoreError, OSError) as exc:
            message = str(exc) if isinstance(exc, StoreError) else os_error_line(exc)
            self.notify(message, title="Answer not saved", severity="error", timeout=15,
                        markup=False)
            return False
        return True

    def _answer(self, label: str | None, *, accepted: bool) -> None:
        q, store = self.current, self.app.store
        item = q.item
        sel = Selection(item.report_id, q.spans, item.sentence, item.sentence, q.sha)
        version = item.model_version or PRIOR  # the model that scored the question
        if label is None:
            if accepted:
                fn = partial(store.mark_none, source="suggestion", score=item.score,
                             model_version=version)
            else:  # an override when the model suggested a label
                fn = store.mark_none if item.label is None else partial(store.mark_none,
                                                                        model_version=version)
            args = (sel,)
        elif accepted:
            fn = partial(store.tag, source="suggestion", score=item.score, model_version=version)
            args = (sel, label)
        else:  # an override when the model suggested something else
            fn = store.tag if label == item.label else partial(store.tag, model_version=version)
            args = (sel, label)
        if self._store_call(fn, *args):
            self.answers += 1
            self.answered.append(q.key)
            self._advance()

    def _advance(self) -> None:
        self.gone.add(self.current.key)
        self.current = self.ahead.pop(0) if self.ahead else None
        self.waiting = self.current is None
        self._show()
        self.app.suggestions.teach(self, AHEAD)  # retrain on the answer, ask again

    def action_answer(self, index: int) -> None:
        self._answer(self.app.labels[index].name, accepted=False)

    def action_accept(self) -> None:
        self._answer(self.current.item.label, accepted=True)

    def action_none(self) -> None:
        self._answer(None, accepted=False)

    def action_skip(self) -> None:
        self.app.suggestions.skip(self.current.item)
        self._advance()

    def action_undo(self) -> None:
        store = self.app.store
        if store is None or self.app.readonly:
            return
        try:
            change = store.undo()
        except (StoreError, OSError) as exc:
            self.notify(str(exc), title="Undo failed", severity="error", markup=False)
            return
        if change is None:
            self.notify("Nothing to undo.", timeout=2, markup=False)
            return
        key = (change.report_id, change.first)
        if self.answered and self.answered[-1] == key:  # an answer of this screen
            self.answered.pop()
            self.answers -= 1
            self.gone.discard(key)  # it may be asked again
        self.notify(f"Undone: {change.what} in {inert(change.report_id)}, sentence "
                    f"{change.first + 1}.", timeout=3, markup=False)
        self._show_title()
        self.app.suggestions.teach(self, AHEAD)

    def action_back(self) -> None:
        self.app.pop_screen()
