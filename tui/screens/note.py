"""The note dialog: edit the note of one annotation.

The note is saved (by the reader's ``save``) before the dialog closes, so the
reader's next key acts on the store as it is after the note."""
from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from annotations.store import Annotation


class NoteScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, annotation: Annotation, save: Callable[[str], None]) -> None:
        super().__init__()
        self.annotation = annotation
        self.save = save  # called with the note on enter, before the dialog closes

    def compose(self) -> ComposeResult:
        a = self.annotation
        with Vertical(id="note-dialog"):
            head = Text(f"Note on {a.label}", style="bold")
            head.append(f"  sentences {a.sentence_start + 1}–{a.sentence_end + 1}", style="dim")
            yield Static(head)
            yield Static(Text(a.text[:300] + ("…" if len(a.text) > 300 else "")),
                         id="note-passage")
            yield Input(a.note, placeholder="note (empty removes it)", id="note-input")
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
