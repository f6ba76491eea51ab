"""A one-line key hint bar drawn from the binding table: much cheaper to mount
than Textual's Footer (one widget, not one per key), which matters for start-up
and for opening a report."""
from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ..bindings import Key


class KeyBar(Static):
    COMPONENT_CLASSES = {"key-bar--key"}

    def __init__(self, keys: list[Key], **kwargs) -> None:
        super().__init__(**kwargs)
        self.keys = [k for k in keys if k.show]

    def on_mount(self) -> None:
        self.update(self.render_keys(), layout=False)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted:
            self.update(self.render_keys(), layout=False)

    def render_keys(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key", partial=True)
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        for k in self.keys:
            text.append(f" {k.display or k.keys.split(',')[0]} ", style=key_style)
            text.append(f"{k.short or k.description} ")
        return text
