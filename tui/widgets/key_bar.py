"""A one-line key hint bar drawn from the binding table, with the keys of the
app's keymap. Clicking a key runs its action, as pressing it would.

Much cheaper to mount than Textual's Footer (one widget, not one per key),
which matters for start-up and for opening a report.
"""
from __future__ import annotations

from rich.text import Text
from textual.events import Click
from textual.widgets import Static

from ..bindings import Key, key_hint


class KeyBar(Static):
    COMPONENT_CLASSES = {"key-bar--key"}

    def __init__(self, keys: list[Key], **kwargs) -> None:
        super().__init__(**kwargs)
        self.keys = [k for k in keys if k.show]
        self._spans: list[tuple[int, int, Key]] = []  # cells [x0, x1) of each key

    def on_mount(self) -> None:
        self.update(self.render_keys(), layout=False)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted:
            self.update(self.render_keys(), layout=False)

    def render_keys(self) -> Text:
        keymap = getattr(self.app, "keymap", None)
        key_style = self.get_component_rich_style("key-bar--key", partial=True)
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        self._spans = []
        for k in self.keys:
            x0 = text.cell_len
            text.append(f" {key_hint(k, keymap)} ", style=key_style)
            text.append(f"{k.short or k.description} ")
            self._spans.append((x0, text.cell_len, k))
        return text

    def key_at(self, x: int) -> Key | None:
        for x0, x1, k in self._spans:
            if x0 <= x < x1:
                return k
        return None

    async def on_click(self, event: Click) -> None:
        key = self.key_at(event.x)
        if key is None:
            return
        event.stop()
        # The app's keys run on the app, the others on this screen; run_action
        # asks check_action first, as a key press would.
        namespace = self.app if key.scope == "app" else self.screen
        await self.app.run_action(key.action, namespace)
