"""A one-line prompt dialog: the note on a sentence, the sentence to go to.

The answer is handled (by the reader's ``save``) before the dialog closes, so
the reader's next key acts on the store as it is after the note."""
from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class PromptScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, heading: Text, excerpt: str, value: str, save: Callable[[str], None],
                 placeholder: str) -> None:
        super().__init__()
        self.heading = heading
        self.excerpt = excerpt
        self.value = value
        self.placeholder = placeholder
        self.save = save  # called with the answer on enter, before the dialog closes

    def compose(self) -> ComposeResult:
        with Vertical(id="note-dialog"):
            yield Static(self.heading)
            if self.excerpt:
                yield Static(Text(self.excerpt[:300] + ("…" if len(self.excerpt) > 300 else "")),
                             id="note-passage")
            yield Input(self.value, placeholder=self.placeholder, id="note-input")
            yield Static(Text("enter: save · escape: cancel", style="dim"))

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        # enter is the Input's own key, not a priority one: it comes after the
        # characters typed before it, which the Input applies in order
        self.save(event.value)
        self.dismiss()

    def action_cancel(self) -> None:
        self.dismiss()
