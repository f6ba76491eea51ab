"""Settings the app changes for the user in HOME/config.toml (so far: ``theme``).

config.toml is the user's file: it is edited as text, one line, never
re-serialised, so comments, order and layout stay as written. The edit is
checked by parsing the result (it must hold exactly the old settings plus the
new value) and written atomically; anything odd leaves the file untouched and
raises ConfigError. Reading and validating the settings is
``annotations.store.labels.load_config``.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

from .errors import ConfigError
from .home import Home

_TABLE_RE = re.compile(r"\s*\[")  # a [table] or [[array]] header: the top level ends


def toml_string(value: str) -> str:
    """A TOML basic string. JSON's escapes (\\" \\\\ \\n \\uXXXX) are TOML's too."""
    return json.dumps(value, ensure_ascii=False)


def set_top_level(text: str, key: str, value: str) -> str:
    """``text`` with a top-level ``key = "value"``: the line that sets ``key``
    before the first table is replaced (its line ending kept); without one,
    the setting becomes the first line (a top-level key may not follow a table)."""
    line = f"{key} = {toml_string(value)}"
    setting = re.compile(rf"\s*{re.escape(key)}\s*=")
    lines = text.splitlines(keepends=True)
    for i, old in enumerate(lines):
        if _TABLE_RE.match(old):
            break
        if setting.match(old):
            lines[i] = line + old[len(old.rstrip("\r\n")):]
            return "".join(lines)
    newline = "\r\n" if "\r\n" in text else "\n"
    return line + newline + text


def save_setting(home: Home | Path, key: str, value: str) -> None:
    """Set a top-level string setting in HOME/config.toml (creating the file)."""
    import tomllib

    home = Home.of(home)
    path = home.config_path
    try:
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        before = tomllib.loads(old)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: not changed, it cannot be read ({exc})") from exc
    new = set_top_level(old, key, value)
    try:
        after = tomllib.loads(new)
    except tomllib.TOMLDecodeError:
        after = None
    if after != {**before, key: value}:  # e.g. `"theme" = ...` quoted: a second key
        raise ConfigError(f"{path}: not changed, could not set {key} in it",
                          f'Set it by hand: {key} = {toml_string(value)}')
    home.write_config(new)


def save_theme(home: Home | Path, name: str) -> None:
    """Remember the app's theme (``theme = "name"``), restored at the next start."""
    save_setting(home, "theme", name)
