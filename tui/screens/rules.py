"""The entity rules: every analyst's corrections in rank order (yours first,
then the newest: ``annotations.corrections.Rules``), to review and delete.
A deletion is durable and undoable in the reader like any change."""
from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Static

from annotations.corrections import Rules
from annotations.errors import BaocaoError, os_error_line
from annotations.text.sanitize import inert

from ..bindings import bindings_for, keys_for
from ..widgets.key_bar import KeyBar


class RulesScreen(Screen):
    BINDINGS = bindings_for("rules")

    def compose(self) -> ComposeResult:
        yield Static(id="rules-title")
        yield DataTable(id="rules-table", cursor_type="row", zebra_stripes=True)
        yield KeyBar(keys_for("rules") + keys_for("app"), id="keys")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("#", "who", "when", "kind", "text", "label", "was", "report")
        self.refresh_rules()
        table.focus()

    def refresh_rules(self) -> None:
        store = self.app.store
        try:
            found = store.corrections() if store is not None else []
        except (BaocaoError, OSError) as exc:
            self.notify(str(exc) if isinstance(exc, BaocaoError) else os_error_line(exc),
                        title="Rules unreadable", severity="error", markup=False)
            found = []
        self.ranked = Rules(found, self.app.annotator).corrections
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for i, c in enumerate(self.ranked, 1):
            was = c.old_label or ""
            if c.kind == "boundary":
                was = f"{c.old_label} {c.old_text!r}"
            table.add_row(str(i), *(Text(inert(x)) for x in (
                c.annotator, c.created_at[:16].replace("T", " "), c.kind, c.text,
                c.label or "—", was, c.report_id)), key=c.id)
        if self.ranked:
            table.move_cursor(row=min(row, len(self.ranked) - 1))
        n = len(self.ranked)
        title = Text(f"Entity rules: {n}", style="bold")
        title.append("  yours rank first, then the newest; a rule beats those below it",
                     style="dim")
        self.query_one("#rules-title", Static).update(title)

    def action_delete_rule(self) -> None:
        if not self.ranked:
            self.notify("No rules.", timeout=2, markup=False)
            return
        if self.app.readonly or self.app.store is None:
            self.notify("Read-only: nothing can be deleted here.", severity="warning",
                        markup=False)
            return
        c = self.ranked[self.query_one(DataTable).cursor_row]
        try:
            change = self.app.store.delete_correction(c.id)
        except (BaocaoError, OSError) as exc:
            self.notify(str(exc) if isinstance(exc, BaocaoError) else os_error_line(exc),
                        title="Not deleted", severity="error", markup=False, timeout=10)
            return
        self.notify(change.what, timeout=2, markup=False)
        self.refresh_rules()

    def action_back(self) -> None:
        self.app.pop_screen()
