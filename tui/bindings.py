"""The one binding table: Textual BINDINGS and the help screen both read it.

Label keys (a/t/r and any label a config adds) are not here: they come from the
store's label set and are bound per reader screen (see ``label_bindings``).
"""
from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True, slots=True)
class Key:
    id: str  # stable name, also the Binding id
    keys: str  # Textual key names, comma separated
    action: str
    description: str
    scope: str  # "app", "library" or "reader"
    show: bool = True  # in the footer
    display: str = ""  # how help and the footer spell the keys
    short: str = ""  # the footer's word (help shows the description)
    # Checked by the app before the key is passed on: the action runs before the
    # next key is routed, so a key that moves focus loses none typed after it.
    priority: bool = False

    @property
    def label(self) -> str:
        return self.display or self.keys.replace(",", " / ")


TABLE: tuple[Key, ...] = (
    Key("help", "question_mark", "help", "Help: every key", "app", display="?",
        short="help"),
    Key("palette", "ctrl+p", "command_palette", "Command palette (export, open, labels)",
        "app", display="^p", short="palette"),
    # library
    Key("open", "enter", "open", "Open report", "library", short="open"),
    Key("filter", "slash", "filter", "Filter (diacritics optional)", "library", display="/",
        short="filter", priority=True),
    Key("sort", "s", "sort", "Sort oldest/newest first", "library", short="sort"),
    Key("clear_filter", "escape", "clear_filter", "Clear filter", "library", show=False,
        display="escape"),
    Key("quit", "q", "quit", "Quit", "library", short="quit"),
    # reader
    Key("down", "j,down", "move(1)", "Next sentence", "reader", show=False, display="j / ↓"),
    Key("up", "k,up", "move(-1)", "Previous sentence", "reader", show=False, display="k / ↑"),
    Key("extend_down", "J,shift+down", "extend(1)", "Extend selection down", "reader",
        show=False, display="J / shift+↓"),
    Key("extend_up", "K,shift+up", "extend(-1)", "Extend selection up", "reader", show=False,
        display="K / shift+↑"),
    Key("remove", "x", "remove", "Remove tag", "reader", short="remove"),
    Key("undo", "u", "undo", "Undo", "reader", short="undo"),
    Key("redo", "ctrl+r", "redo", "Redo", "reader", show=False, display="ctrl+r"),
    Key("note", "n", "note", "Note on the tag", "reader", short="note", priority=True),
    Key("next_untagged", "full_stop", "next_untagged", "Next untagged sentence", "reader",
        show=False, display=".", short="untagged"),
    Key("next_report", "right_square_bracket", "other_report(1)", "Next report", "reader",
        show=False, display="]", short="next"),
    Key("prev_report", "left_square_bracket", "other_report(-1)", "Previous report",
        "reader", show=False, display="["),
    Key("entities", "e", "toggle_entities", "Entities on/off", "reader", show=False,
        short="entities"),
    Key("top", "home,g", "jump('first')", "First sentence", "reader", show=False,
        display="g / home"),
    Key("bottom", "end,G", "jump('last')", "Last sentence", "reader", show=False,
        display="G / end"),
    Key("page_down", "pagedown,space", "page(1)", "Page down", "reader", show=False,
        display="pgdn / space"),
    Key("page_up", "pageup", "page(-1)", "Page up", "reader", show=False, display="pgup"),
    Key("back", "escape,q", "back", "Back to the library", "reader", display="esc",
        short="back"),
)

def reserved_keys() -> dict[str, str]:
    """Printable keys the app and the reader bind (key -> description): a
    label from config.toml may not take one."""
    from textual.keys import key_to_character

    out: dict[str, str] = {}
    for spec in TABLE:
        if spec.scope not in ("app", "reader"):
            continue
        for key in spec.keys.split(","):
            char = {"slash": "/"}.get(key) or key_to_character(key)
            if char and char.isprintable() and not char.isspace():
                out.setdefault(char, spec.description)
    return out


SCOPE_TITLES = {"app": "Everywhere", "library": "Library", "reader": "Reader"}


def keys_for(scope: str) -> list[Key]:
    return [k for k in TABLE if k.scope == scope]


def bindings_for(scope: str) -> list[Binding]:
    return [binding(k) for k in keys_for(scope)]


def binding(k: Key) -> Binding:
    return Binding(k.keys, k.action, k.short or k.description, show=k.show, id=k.id,
                   key_display=k.display or None, tooltip=k.description,
                   priority=k.priority)


def label_key(label, index: int = 0) -> Key:
    """The reader key of one store label (a -> tag as achievement)."""
    return Key(f"tag_{label.name}", label.key, f"tag({index})",
               f"Tag as {label.name} (again: remove)", "reader", display=label.key,
               short=label.name)
