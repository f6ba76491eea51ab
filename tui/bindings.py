"""The one binding table: Textual BINDINGS, the key bar, the help screen, the
command palette's key hints and docs/keys.md all read it.

Label keys (a/t/r and any label a config adds) are not here: they come from the
store's label set and are bound per reader screen (see ``label_key``).

A ``[keymap]`` table in HOME/config.toml rebinds keys by binding id (checked
by tui/keymap.py); the app hands it to ``App.set_keymap`` and every view of
the keys here (``keys_of``, ``key_label``, ``key_hint``, ``reserved_keys``) takes it.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual.binding import Binding

from annotations.models import ENTITY_LABELS

Keymap = Mapping[str, str]  # binding id -> Textual keys string ("n,right")


@dataclass(frozen=True, slots=True)
class Key:
    id: str  # stable name, also the Binding id and the [keymap] name
    keys: str  # Textual key names, comma separated
    action: str
    description: str
    scope: str  # "app", "library", "reader" or "review"
    show: bool = True  # in the key bar
    display: str = ""  # how help and the key bar spell the default keys
    short: str = ""  # the key bar's word (help shows the description)
    # Checked by the app before the key is passed on: the action runs before the
    # next key is read, so a key that moves focus loses none typed after it.
    # Every reader key is priority (see ``is_priority``).
    priority: bool = False
    palette: bool = False  # also a command in the palette (reader scope)
    mode: str = ""  # "entity": only in the reader's entity mode (and in the key bar only then)

    @property
    def is_priority(self) -> bool:
        """Reader keys all run in the order typed, each before the next is read
        (a tag is on disk by then). A non-priority key runs only once it has
        bubbled back to the app, behind any priority key typed after it: "j a"
        typed at once would tag before moving, "t n" open the note before tagging."""
        return self.priority or self.scope in ("reader", "review")

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
    Key("review", "v,V", "review", "Review the report's annotators and adjudicate", "library",
        display="v", short="review"),
    Key("teach", "T", "app.teach", "Teach queue: the least certain sentences first",
        "library", short="teach"),
    Key("entities_screen", "E", "app.entities", "Entities across the library", "library",
        show=False, short="entities"),
    Key("timeline_screen", "L", "app.timeline", "Timeline: passages per label and period",
        "library", show=False, short="timeline"),
    Key("search", "F", "app.search", "Search the library: sentences, diacritics optional",
        "library", short="search"),
    Key("passages", "A", "app.passages", "Every tagged passage across the library", "library",
        short="passages"),
    # reader
    Key("down", "j,down", "move(1)", "Next sentence", "reader", show=False, display="j / ↓"),
    Key("up", "k,up", "move(-1)", "Previous sentence", "reader", show=False, display="k / ↑"),
    Key("extend_down", "J,shift+down", "extend(1)", "Extend selection down", "reader",
        show=False, display="J / shift+↓"),
    Key("extend_up", "K,shift+up", "extend(-1)", "Extend selection up", "reader", show=False,
        display="K / shift+↑"),
    Key("none", "minus", "none", "Mark none: no label fits (again: undecided)", "reader",
        display="-", short="none"),
    # suggestions (tui/suggestions.py): a dim lower-case letter and its confidence
    Key("accept", "y", "accept", "Accept the suggestion on the sentence, then move on",
        "reader", short="accept"),
    Key("accept_paragraph", "Y", "accept_paragraph",
        "Accept the paragraph's suggestions above the threshold", "reader",
        show=False, short="accept ¶", palette=True),
    Key("suggestions", "S", "toggle_suggestions", "Suggestions on/off", "reader", show=False,
        short="suggestions", palette=True),
    Key("remove", "x", "remove", "Remove the decision (selection or sentence)", "reader",
        short="remove"),
    Key("undo", "u", "undo", "Undo", "reader", short="undo", palette=True),
    Key("redo", "ctrl+r", "redo", "Redo", "reader", show=False, display="ctrl+r", palette=True),
    Key("note", "n", "note", "Note on the sentence", "reader", short="note", priority=True),
    Key("prev_hit", "N", "hit(-1)", "After a search: the previous hit (n: the next; esc: hits off)", "reader",
        show=False),
    Key("reader_search", "F", "app.search", "Search the library", "reader", show=False),
    Key("next_untagged", "full_stop", "next_untagged", "Next undecided sentence", "reader",
        show=False, display=".", short="undecided", palette=True),
    Key("goto", "colon", "goto", "Go to sentence number", "reader", show=False, display=":",
        short="go to", palette=True),
    Key("done", "D", "toggle_done", "Report done (toggle): undecided sentences count as none",
        "reader", short="done", palette=True),
    Key("panel", "p", "toggle_panel", "Side panel on/off (narrow terminals)", "reader",
        show=False, short="panel", palette=True),
    Key("next_report", "right_square_bracket", "other_report(1)", "Next report", "reader",
        show=False, display="]", short="next", palette=True),
    Key("prev_report", "left_square_bracket", "other_report(-1)", "Previous report",
        "reader", show=False, display="[", palette=True),
    Key("entities", "e", "toggle_entities", "Entities on/off", "reader", show=False,
        short="entities", palette=True),
    Key("top", "home,g", "jump('first')", "First sentence", "reader", show=False,
        display="g / home", palette=True),
    Key("bottom", "end,G", "jump('last')", "Last sentence", "reader", show=False,
        display="G / end", palette=True),
    Key("page_down", "pagedown,space", "page(1)", "Page down", "reader", show=False,
        display="pgdn / space"),
    Key("page_up", "pageup", "page(-1)", "Page up", "reader", show=False, display="pgup"),
    Key("back", "escape,q", "back", "Back to the library (escape: first clears a selection)",
        "reader", display="esc", short="back"),
    Key("others", "O", "toggle_others", "Other annotators' labels on/off (read-only)", "reader",
        show=False, short="others", palette=True),
    Key("review_report", "V", "review", "Review this report's annotators and adjudicate",
        "reader", show=False, short="review", palette=True),
    # the reader's entity mode (tui/entity_mode.py): j/k/arrows move by word, J/K
    # extend a word range, x removes the entity under the cursor, u/ctrl+r undo/redo,
    # escape clears the range, then leaves
    Key("entity_mode", "ctrl+e", "entity_mode", "Entity mode on/off: fix the highlighter",
        "reader", show=False, display="^e", short="fix entities", palette=True),
    *(Key(f"entity_{lab.lower()}", str(i), f"entity_label('{lab}')",
          f"Entity mode: the selection or entity is {lab}", "reader",
          short=lab, mode="entity") for i, lab in enumerate(ENTITY_LABELS, 1)),
    Key("entity_grow_start", "less_than_sign", "entity_edge('start', 1)",
        "Entity mode: grow the entity by a word at its start", "reader", display="<",
        short="grow", mode="entity"),
    Key("entity_grow_end", "greater_than_sign", "entity_edge('end', 1)",
        "Entity mode: grow the entity by a word at its end", "reader", display=">",
        short="grow", mode="entity"),
    Key("entity_shrink_start", "left_curly_bracket", "entity_edge('start', -1)",
        "Entity mode: shrink the entity by a word at its start", "reader", display="{",
        short="shrink", mode="entity"),
    Key("entity_shrink_end", "right_curly_bracket", "entity_edge('end', -1)",
        "Entity mode: shrink the entity by a word at its end", "reader", display="}",
        short="shrink", mode="entity"),
    Key("rules", "R", "rules", "Correction rules: review, delete", "reader",
        show=False, short="rules", palette=True),
    # the entity rules list (tui/screens/rules.py)
    Key("rule_delete", "d,delete", "delete_rule", "Delete the highlighted rule (u in the "
        "reader undoes it)", "rules", display="d / del", short="delete"),
    Key("rules_back", "escape,q", "back", "Back to the reader", "rules", display="esc",
        short="back"),
    # entities across the library (tui/screens/entities.py): the list, then one's mentions
    Key("entities_mentions", "enter", "mentions", "Every mention of the entity, in context",
        "entities", short="mentions"),
    Key("entities_filter", "slash", "filter", "Filter as you type (diacritics optional)",
        "entities", display="/", short="filter", priority=True),
    Key("entities_pick", "space", "pick", "Select the entity for the timeline (again: unselect)",
        "entities", display="space", short="select"),
    Key("entities_timeline", "L", "timeline", "Timeline with the selected entities' sparklines",
        "entities", short="timeline"),
    Key("entities_back", "escape", "back", "Back (from the filter: to the list)", "entities",
        display="esc", short="back"),
    Key("mentions_open", "enter", "open", "Open the report at the mention", "mentions",
        short="open"),
    Key("mentions_back", "escape,q", "back", "Back to the entities", "mentions", display="esc",
        short="back"),
    # the timeline (tui/screens/timeline.py)
    Key("timeline_period", "b", "period", "By month, quarter or year (cycles)", "timeline",
        short="by"),
    Key("timeline_numbers", "n", "numbers", "The numbers beside the bars on/off", "timeline",
        short="numbers"),
    Key("timeline_back", "escape,q", "back", "Back", "timeline", display="esc", short="back"),
    # the teach queue (tui/screens/teach.py; the label keys answer: see ``teach_key``)
    Key("teach_accept", "y", "accept", "Accept the suggestion (label keys answer that label)",
        "teach", short="accept"),
    Key("teach_none", "minus", "none", "None of the labels", "teach", display="-",
        short="none"),
    Key("teach_skip", "space", "skip", "Skip this sentence (for this session)", "teach",
        display="space", short="skip"),
    Key("teach_undo", "u", "undo", "Undo the last answer", "teach", short="undo"),
    Key("teach_back", "escape,q", "back", "Back to the library", "teach", display="esc",
        short="back"),
    # review (one report, every annotator; the label keys adjudicate: see ``gold_key``)
    Key("review_down", "j,down", "move(1)", "Next sentence", "review", show=False,
        display="j / ↓"),
    Key("review_up", "k,up", "move(-1)", "Previous sentence", "review", show=False,
        display="k / ↑"),
    Key("next_disagreement", "right_square_bracket", "disagreement(1)", "Next disagreement",
        "review", display="]", short="next ≠"),
    Key("prev_disagreement", "left_square_bracket", "disagreement(-1)",
        "Previous disagreement", "review", show=False, display="["),
    Key("review_none", "minus", "adjudicate(-1)", "Adjudicate as none (again: remove)",
        "review", display="-", short="none"),
    *(Key(f"take_{n}", str(n), f"take({n})", f"Take annotator {n}'s label", "review",
          show=n == 1, short="take 1-9") for n in range(1, 10)),
    Key("review_undo", "u", "undo", "Undo", "review", short="undo"),
    Key("review_redo", "ctrl+r", "redo", "Redo", "review", show=False, display="ctrl+r"),
    Key("review_page_down", "pagedown,space", "page(1)", "Page down", "review", show=False,
        display="pgdn / space"),
    Key("review_page_up", "pageup", "page(-1)", "Page up", "review", show=False,
        display="pgup"),
    Key("review_read", "enter", "read", "Read the report from this sentence (esc: back here)",
        "review", short="read"),
    Key("review_back", "escape,q", "back", "Back", "review", display="esc", short="back"),
    # search and the tagged passages across the library (tui/screens/search.py)
    Key("search_open", "enter", "open", "Open the report there (n/N: next/previous hit)", "search",
        short="open"),
    Key("search_down", "down", "cursor(1)", "Next result", "search", show=False, display="↓"),
    Key("search_up", "up", "cursor(-1)", "Previous result", "search", show=False, display="↑"),
    Key("search_back", "escape", "back", "Back", "search", display="esc", short="back"),
)

BY_ID = {k.id: k for k in TABLE}
SCOPE_TITLES = {"app": "Everywhere", "library": "Library", "reader": "Reader",
                "review": "Review", "rules": "Entity rules", "teach": "Teach queue",
                "entities": "Entities", "mentions": "Mentions", "timeline": "Timeline",
                "search": "Search"}


def keys_for(scope: str) -> list[Key]:
    return [k for k in TABLE if k.scope == scope]


def bindings_for(scope: str) -> list[Binding]:
    return [binding(k) for k in keys_for(scope)]


def binding(k: Key, keymap: Keymap | None = None) -> Binding:
    """The Textual Binding of a key; with a keymap, on the keys it gives."""
    if keymap and k.id in keymap:
        return Binding(",".join(keys_of(k, keymap)), k.action, k.short or k.description,
                       show=k.show, id=k.id, tooltip=k.description, priority=k.is_priority)
    return Binding(k.keys, k.action, k.short or k.description, show=k.show, id=k.id,
                   key_display=k.display or None, tooltip=k.description,
                   priority=k.is_priority)


def label_key(label, index: int = 0) -> Key:
    """The reader key of one store label (a -> tag as achievement)."""
    return Key(f"tag_{label.name}", label.key, f"tag({index})",
               f"Tag as {label.name} (again: remove)", "reader", display=label.key,
               short=label.name)


def teach_key(label, index: int = 0) -> Key:
    """The teach queue's key of one store label (a -> the answer is achievement)."""
    return Key(f"answer_{label.name}", label.key, f"answer({index})",
               f"Answer {label.name}", "teach", display=label.key, short=label.name)


def gold_key(label, index: int = 0) -> Key:
    """The review key of one store label (a -> adjudicate as achievement)."""
    return Key(f"gold_{label.name}", label.key, f"adjudicate({index})",
               f"Adjudicate as {label.name} (again: remove)", "review", display=label.key,
               short=label.name)


# ---------------------------------------------------------------- key names

def normalize_keys(keys: str) -> list[str]:
    """Textual key names of a keys string: "?" -> "question_mark" (as
    App.set_keymap normalises them), spaces around commas dropped."""
    from textual.keys import _character_to_key  # what set_keymap itself uses

    return [_character_to_key(k) if len(k) == 1 else k
            for k in (part.strip() for part in keys.split(",")) if k]


def key_character(key: str) -> str | None:
    """The printable character a key types ("slash" -> "/"), None for the others."""
    from textual.keys import key_to_character

    char = key if len(key) == 1 else key_to_character(key)
    if char is None and "+" not in key:
        import unicodedata

        try:  # Textual names some punctuation by its Unicode name only
            char = unicodedata.lookup(key.replace("_", " ").upper())
        except KeyError:
            return None
    return char if char and char.isprintable() and not char.isspace() else None


def keys_of(spec: Key, keymap: Keymap | None = None) -> list[str]:
    """The keys that run ``spec`` once the keymap is applied."""
    keymap = keymap or {}
    return normalize_keys(keymap[spec.id]) if spec.id in keymap else normalize_keys(spec.keys)


def format_key(key: str) -> str:
    from textual.keys import format_key as textual_format

    return {"escape": "esc"}.get(key) or key_character(key) or textual_format(key)


def key_label(spec: Key, keymap: Keymap | None = None) -> str:
    """Every key of a binding as help spells it ("j / ↓")."""
    if keymap and spec.id in keymap:
        return " / ".join(format_key(k) for k in keys_of(spec, keymap))
    return spec.label


def key_hint(spec: Key, keymap: Keymap | None = None) -> str:
    """The one key the key bar shows for a binding."""
    if keymap and spec.id in keymap:
        return format_key(keys_of(spec, keymap)[0])
    return spec.display or spec.keys.split(",")[0]


def reserved_keys(keymap: Keymap | None = None) -> dict[str, str]:
    """Printable keys the app, the reader, the review and the teach queue bind once
    the keymap is applied (key -> description): a label from config.toml may not take one."""
    out: dict[str, str] = {}
    for spec in TABLE:
        if spec.scope not in ("app", "reader", "review", "teach"):
            continue
        for key in keys_of(spec, keymap):
            char = key_character(key)
            if char:
                out.setdefault(char, spec.description)
    return out
