"""Label set and default annotator, from HOME/config.toml (optional).

    annotator = "lan"              # default name recorded on annotations

    [labels.opinion]               # adds a label ...
    key = "o"                      # ... tagged with this key in the TUI
    color = "#8e24aa"              # any Rich colour

    [labels.risk]                  # a default label may get another key/colour
    color = "red"

Defaults: achievement (a), task (t), risk (r). A key must be one printable
character, not used by another label and not one of the TUI's own keys
(RESERVED_KEYS, from PRODUCT.md). Problems raise ConfigError naming the file.
"""
from __future__ import annotations

import getpass
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError


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

# Keys the TUI binds itself (PRODUCT.md "Keys"): a label may not take them.
RESERVED_KEYS = frozenset("jkJKxunqes?/.[]") | {"enter", "escape", "space", "tab"}

NAME_RE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


@dataclass(frozen=True, slots=True)
class Config:
    labels: tuple[Label, ...]
    annotator: str | None
    path: Path


def default_annotator() -> str:
    try:
        return getpass.getuser() or "unknown"
    except Exception:  # no login name (containers without passwd entries)
        return "unknown"


def _valid_color(color: str) -> bool:
    from rich.color import Color, ColorParseError

    try:
        Color.parse(color)
    except ColorParseError:
        return False
    return True


def load_config(home: Path) -> Config:
    path = Path(home) / "config.toml"
    data: dict = {}
    if path.exists():
        import tomllib  # only homes with a config pay for it (start-up time)

        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    annotator = data.get("annotator")
    if annotator is not None and (not isinstance(annotator, str) or not annotator.strip()):
        raise ConfigError(f"{path}: 'annotator' must be a non-empty string")
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
        if key in RESERVED_KEYS:
            problems.append(f"{where}: key {key!r} is reserved by the reader "
                            f"(reserved: {' '.join(sorted(k for k in RESERVED_KEYS if len(k) == 1))})")
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
    return Config(tuple(labels.values()), annotator.strip() if annotator else None, path)
