"""The note dialog: edit the note of one annotation."""
from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from annotations.store import Annotation


class NoteScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, annotation: Annotation) -> None:
        super().__init__()
        self.annotation = annotation

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
    def _save(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
