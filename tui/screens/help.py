"""Help: every key, read from the same table the app binds, with the keymap's
keys, and what each label is for (definition and examples). What config.toml
gave (keys, label names, definitions) is drawn inert: shown, never obeyed."""
from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from annotations.text.sanitize import inert

from ..bindings import SCOPE_TITLES, gold_key, key_label, keys_for, label_key


def help_table(labels, keymap=None) -> Table:
    """Key, what it does, and the binding id that config.toml's [keymap] takes
    (labels have none: their keys are set in [labels])."""
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    table.add_column(style="dim", no_wrap=True)
    for scope, title in SCOPE_TITLES.items():
        head = Text("[keymap] id" if scope == "app" else "")  # Text: "[keymap]" is no markup
        table.add_row(Text(title, style="bold underline"), "", head)
        specs = keys_for(scope)
        if scope == "reader":
            specs = [label_key(lb, i) for i, lb in enumerate(labels)] + specs
        if scope == "review":
            specs = [gold_key(lb, i) for i, lb in enumerate(labels)] + specs
        for spec in specs:
            bid = "" if spec.id.startswith(("tag_", "gold_")) else spec.id
            table.add_row(Text(inert(key_label(spec, keymap))), Text(inert(spec.description)),
                          Text(bid))
        table.add_row("", "", "")
    return table


def labels_table(labels) -> Table:
    """What each label is for: its key, definition and examples (Text, never
    markup: a definition from config.toml is shown as written)."""
    table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    table.add_row(Text("Labels", style="bold underline"), "")
    for lb in labels:
        what = Text(inert(lb.name), style="bold")
        if lb.definition:
            what.append(f": {inert(lb.definition)}")
        table.add_row(Text(inert(lb.key)), what)
        for example in lb.examples:
            table.add_row("", Text(f"“{inert(example)}”", style="italic"))
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q", "close", "Close", key_display="esc"),
        # the help key closes help too, wherever the keymap put it
        Binding("question_mark", "close", "Close", show=False, id="help"),
        Binding("j,down", "scroll(1)", "Scroll down", show=False),
        Binding("k,up", "scroll(-1)", "Scroll up", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog") as box:
            box.border_title = "Keys"
            box.border_subtitle = "esc: close"
            yield Static(help_table(self.app.labels, self.app.keymap), id="help-table")
            yield Static(labels_table(self.app.labels), id="help-labels")

    def action_scroll(self, lines: int) -> None:
        # immediate: keys typed at once each scroll (a deferred scroll starts
        # from the same position as the one before it)
        self.query_one("#help-dialog", VerticalScroll).scroll_relative(y=lines, animate=False,
                                                                       immediate=True)

    def action_close(self) -> None:
        self.dismiss(None)
