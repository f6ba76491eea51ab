"""A one-line key hint bar drawn from the binding table, with the keys of the
app's keymap. Clicking a key runs its action, as pressing it would.

Every key stays visible as the bar narrows: when the line does not fit, the
descriptions go first, from the last key backwards (keys are listed most
important first: labels, then the reader's keys, then the app's), until only
the keys are left. Only then is the end cut off.

Much cheaper to mount than Textual's Footer (one widget, not one per key),
which matters for start-up and for opening a report.
"""
from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.events import Click
from textual.widgets import Static

from ..bindings import Key, key_hint


def fit_words(hints: list[str], words: list[str], width: int) -> list[str]:
    """The descriptions to draw so that " hint word " items fit ``width``
    cells: the last keys' descriptions dropped first. ``width`` 0: all."""
    words = list(words)
    total = sum(cell_len(h) + 2 for h in hints) + sum(cell_len(w) + 1 for w in words if w)
    for i in reversed(range(len(words))):
        if not width or total <= width:
            break
        if words[i]:
            total -= cell_len(words[i]) + 1
            words[i] = ""
    return words


class KeyBar(Static):
    COMPONENT_CLASSES = {"key-bar--key"}

    def __init__(self, keys: list[Key], **kwargs) -> None:
        super().__init__(**kwargs)
        self.keys = [k for k in keys if k.show]
        self._spans: list[tuple[int, int, Key]] = []  # cells [x0, x1) of each key, as drawn

    def set_keys(self, keys: list[Key]) -> None:
        """Show other keys (the reader's entity mode has its own)."""
        self.keys = [k for k in keys if k.show]
        self._redraw()

    def _redraw(self) -> None:
        text, self._spans = self.layout_keys()
        self.update(text, layout=False)

    def on_mount(self) -> None:
        self._redraw()

    def on_resize(self) -> None:
        self._redraw()  # another width may need other descriptions

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted:
            self._redraw()

    def layout_keys(self, width: int | None = None) -> tuple[Text, list[tuple[int, int, Key]]]:
        """The bar for ``width`` cells (default: the widget's; 0, before the
        first layout: every description), and the cells each key takes."""
        width = self.size.width if width is None else width
        keymap = getattr(self.app, "keymap", None)
        key_style = self.get_component_rich_style("key-bar--key", partial=True)
        hints = [key_hint(k, keymap) for k in self.keys]
        words = fit_words(hints, [k.short or k.description for k in self.keys], width)
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        spans = []
        for k, hint, word in zip(self.keys, hints, words):
            x0 = text.cell_len
            text.append(f" {hint} ", style=key_style)
            if word:
                text.append(f"{word} ")
            spans.append((x0, text.cell_len, k))
        return text, spans

    def render_keys(self, width: int | None = None) -> Text:
        return self.layout_keys(width)[0]

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
