"""The label set, from HOME/config.toml (optional; read by ``Home.config``).

    annotator = "lan"              # default name recorded on annotations

    [labels.opinion]               # adds a label ...
    key = "o"                      # ... tagged with this key in the TUI
    color = "#8e24aa"              # any Rich colour

    [labels.risk]                  # a default label may get another key/colour
    color = "red"

Defaults: achievement (a), task (t), risk (r). A key must be one printable
character and not used by another label; ``check_label_keys`` refuses keys
the UI binds itself (the TUI derives them from its binding table). Problems
raise ConfigError naming the file.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from ..home import Home


@dataclass(frozen=True, slots=True)
class Label:
    name: str  # "achievement"
    key: str  # "a"
    color: str  # any Rich/Textual colour, e.g. "#2e7d32"


DEFAULT_LABELS = (
    Label("achievement", "a", "#2e7d32"),  # green
    Label("task", "t", "#1565c0"),  # blue
    Label("risk", "r", "#c62828"),  # red
)

NAME_RE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


@dataclass(frozen=True, slots=True)
class Config:
    labels: tuple[Label, ...]
    annotator: str | None
    path: Path


_COLOR_RE = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}|rgb\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*\)"
                       r"|[a-z]+(?:_[a-z]+)*\d{0,3}")


def _valid_color(color: str) -> bool:
    """Hex, rgb() or a colour name's shape. Whether a name exists is the UI's
    business: the reader falls back to its accent for one it cannot draw."""
    return _COLOR_RE.fullmatch(color) is not None


def load_config(home: Home | Path) -> Config:
    """The home's label set and annotator."""
    home = Home.of(home)
    path = home.config_path
    data = home.config()
    annotator = home.configured_annotator()
    labels = {lab.name: lab for lab in DEFAULT_LABELS}
    extra = data.get("labels", {})
    if not isinstance(extra, dict):
        raise ConfigError(f"{path}: [labels] must be a table of [labels.<name>] tables")
    problems = []
    for name, spec in extra.items():
        where = f"[labels.{name}]"
        if not NAME_RE.match(name):
            problems.append(f"{where}: a label name is lower-case letters, digits, '_' or '-'")
            continue
        if not isinstance(spec, dict):
            problems.append(f"{where}: must be a table with key and color")
            continue
        unknown = set(spec) - {"key", "color"}
        if unknown:
            problems.append(f"{where}: unknown setting(s) {', '.join(sorted(unknown))}")
        base = labels.get(name)
        key = spec.get("key", base.key if base else None)
        color = spec.get("color", base.color if base else None)
        if not isinstance(key, str) or len(key) != 1 or not key.isprintable() or key.isspace():
            problems.append(f"{where}: key must be one printable character, got {key!r}")
            continue
        if not isinstance(color, str) or not _valid_color(color):
            problems.append(f"{where}: color {color!r} is not a colour (try \"#8e24aa\")")
            continue
        labels[name] = Label(name, key, color)
    by_key: dict[str, str] = {}
    for lab in labels.values():
        if lab.key in by_key:
            problems.append(f"labels {by_key[lab.key]!r} and {lab.name!r} both use key {lab.key!r}")
        by_key.setdefault(lab.key, lab.name)
    if problems:
        raise ConfigError(f"{path}: " + "; ".join(problems))
    return Config(tuple(labels.values()), annotator, path)


def check_label_keys(labels, reserved: Mapping[str, str], path: Path) -> None:
    """ConfigError when a label's key is one the UI binds itself (``reserved``:
    key -> what it does, derived by the UI from its binding table)."""
    problems = [f"[labels.{lab.name}]: key {lab.key!r} is taken by the reader ({reserved[lab.key]}); "
                f"taken: {' '.join(sorted(reserved))}" for lab in labels if lab.key in reserved]
    if problems:
        raise ConfigError(f"{path}: " + "; ".join(problems))
