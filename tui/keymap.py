"""The ``[keymap]`` table of HOME/config.toml, checked. Imported only when a
config has one (start-up compiles every module it imports)::

    [keymap]
    next_report = "n,right"     # Textual key names or single characters
    note = "N"
"""
from __future__ import annotations

from pathlib import Path

from annotations.errors import ConfigError

from .bindings import BY_ID, Key, Keymap, format_key, key_character, keys_for, keys_of, normalize_keys

_MODIFIERS = {"ctrl", "shift", "alt", "meta", "super", "hyper"}


def _known_key(key: str) -> bool:
    from textual.keys import Keys

    *mods, base = key.split("+")
    if any(m not in _MODIFIERS for m in mods) or not base:
        return False
    if len(base) == 1 or key in {k.value for k in Keys} or base in {k.value for k in Keys}:
        return True
    return key_character(base) is not None


def load_keymap(raw: object, path: Path | str) -> dict[str, str]:
    """The ``[keymap]`` table of config.toml, checked: binding id -> normalised
    keys. Raises a one-line ConfigError naming ``path`` for an unknown id, a
    value that is not a string of key names, or a key two bindings would share."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: [keymap] must be a table of binding id = \"keys\"")
    keymap: dict[str, str] = {}
    for bid, value in raw.items():
        if bid not in BY_ID:
            import difflib

            near = difflib.get_close_matches(bid, BY_ID, n=1)
            hint = f"did you mean {near[0]!r}?" if near else "? help and docs/keys.md list the ids"
            raise ConfigError(f"{path}: [keymap]: unknown binding id {bid!r} ({hint})")
        if not isinstance(value, str) or not normalize_keys(value):
            raise ConfigError(f"{path}: [keymap] {bid}: keys must be a string such as \"n\" "
                              f"or \"ctrl+n,right\", got {value!r}")
        keys = normalize_keys(value)
        bad = [k for k in keys if not _known_key(k)]
        if bad:
            raise ConfigError(f"{path}: [keymap] {bid}: {bad[0]!r} is not a key name "
                              "(examples: n, N, ctrl+n, f5, right, pageup)")
        keymap[bid] = ",".join(keys)
    _check_clashes(keymap, path)
    return keymap


def _check_clashes(keymap: Keymap, path: Path | str) -> None:
    """Two bindings active together (the app's and one screen's) on one key:
    Textual would silently drop one of them."""
    for scope in ("library", "reader", "review", "teach", "entities", "mentions", "timeline"):
        owner: dict[str, Key] = {}
        for spec in keys_for("app") + keys_for(scope):
            for key in keys_of(spec, keymap):
                other = owner.setdefault(key, spec)
                if other is not spec:
                    moved, kept = (spec, other) if spec.id in keymap else (other, spec)
                    raise ConfigError(
                        f"{path}: [keymap] {moved.id}: key {format_key(key)!r} is already "
                        f"{kept.description!r} ({kept.id}); rebind that too")
