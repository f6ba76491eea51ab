"""The label set, from HOME/config.toml (optional; read by ``Home.config``).

    annotator = "lan"              # default name recorded on annotations
    theme = "nord"                 # the TUI's theme (saved when changed in the palette)

    [reader]
    advance = true                 # a label key tags, then moves to the next sentence

    [suggest]
    threshold = 0.6                # the reader's "accept the paragraph" takes suggestions this sure

    [labels.opinion]               # adds a label ...
    key = "o"                      # ... tagged with this key in the TUI
    color = "#8e24aa"              # any Rich colour
    definition = "The author's judgement of a policy."   # optional, shown in help
    examples = ["Chủ trương này là hoàn toàn đúng đắn."]  # optional

    [labels.risk]                  # a default label may get another key/colour
    color = "red"

Defaults: achievement (a), task (t), risk (r), each with a definition and
examples. A key must be one printable character and not used by another
label; ``check_label_keys`` refuses keys the UI binds itself (the TUI derives
them from its binding table). Whether a theme name exists is the UI's business
too. Problems raise ConfigError naming the file. Definitions and examples are
stored as one clean line each (annotations.text.sanitize.single_line), and
names quoted in a problem are shown inert: config.toml is outside text.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from ..home import Home
from ..text.sanitize import inert, single_line


@dataclass(frozen=True, slots=True)
class Label:
    name: str  # "achievement"
    key: str  # "a"
    color: str  # any Rich/Textual colour, e.g. "#2e7d32"
    definition: str = ""  # one sentence: what the label is for
    examples: tuple[str, ...] = ()  # sentences of the reports that take it


# Definitions for the sentences of Vietnamese government and Party reports
# (reviews, "giao ban" summaries): the three things such a report states.
DEFAULT_LABELS = (
    Label("achievement", "a", "#2e7d32",  # green
          "A result achieved: a target met or exceeded, work completed, progress made.",
          ("Tăng trưởng GRDP đạt 7,2%, vượt kế hoạch.",
           "Toàn tỉnh đã hoàn thành xóa nhà tạm, nhà dột nát cho 1.250 hộ nghèo.")),
    Label("task", "t", "#1565c0",  # blue
          "What must be done: a direction, assignment or target set for the period ahead.",
          ("Cần tập trung đẩy nhanh giải ngân vốn đầu tư công.",
           "Các sở, ngành khẩn trương hoàn thiện hồ sơ, trình Ủy ban nhân dân tỉnh "
           "trước ngày 30/10.")),
    Label("risk", "r", "#c62828",  # red
          "A difficulty, limitation or threat: a shortcoming, a delay, a problem not yet solved.",
          ("Công tác giải phóng mặt bằng còn chậm, chưa đáp ứng yêu cầu.",
           "Thiên tai, dịch bệnh diễn biến phức tạp, tiềm ẩn nhiều rủi ro cho sản xuất.")),
)

SUGGEST_THRESHOLD = 0.6  # [suggest] threshold by default
NAME_RE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


@dataclass(frozen=True, slots=True)
class Config:
    labels: tuple[Label, ...]
    annotator: str | None
    path: Path
    theme: str | None = None  # the TUI's theme name, None: Textual's default
    # [reader] advance: a label key tags and moves on. On by default: analysts read
    # a report in order, so the next sentence is nearly always the next decision,
    # and one key per sentence (label or `-`) beats two; reviewers who hop
    # around turn it off.
    advance: bool = True
    # [suggest] threshold: the reader's accept-the-paragraph key takes the
    # suggestions at least this probable (0-1); lower ones stay for the analyst.
    suggest_threshold: float = 0.6  # = SUGGEST_THRESHOLD


_COLOR_RE = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}|rgb\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*\)"
                       r"|[a-z]+(?:_[a-z]+)*\d{0,3}")


def _valid_color(color: str) -> bool:
    """Hex, rgb() or a colour name's shape. Whether a name exists is the UI's
    business: the reader falls back to its accent for one it cannot draw."""
    return _COLOR_RE.fullmatch(color) is not None


def load_config(home: Home | Path) -> Config:
    """The home's label set, annotator and TUI settings."""
    home = Home.of(home)
    path = home.config_path
    data = home.config()
    annotator = home.configured_annotator()
    problems: list[str] = []
    theme = data.get("theme")
    if theme is not None and (not isinstance(theme, str) or not theme.strip()):
        problems.append(f"theme must be a theme's name, got {theme!r}")
        theme = None
    advance = _reader_settings(data.get("reader", {}), problems)
    threshold = _suggest_settings(data.get("suggest", {}), problems)
    labels = {lab.name: lab for lab in DEFAULT_LABELS}
    extra = data.get("labels", {})
    if not isinstance(extra, dict):
        raise ConfigError(f"{path}: [labels] must be a table of [labels.<name>] tables")
    for name, spec in extra.items():
        label = _label(name, spec, labels.get(name), problems)
        if label is not None:
            labels[name] = label
    by_key: dict[str, str] = {}
    for lab in labels.values():
        if lab.key in by_key:
            problems.append(f"labels {by_key[lab.key]!r} and {lab.name!r} both use key {lab.key!r}")
        by_key.setdefault(lab.key, lab.name)
    if problems:
        raise ConfigError(f"{path}: " + "; ".join(problems))
    return Config(tuple(labels.values()), annotator, path, theme.strip() if theme else None, advance,
                  threshold)


def _label(name: str, spec, base: Label | None, problems: list[str]) -> Label | None:
    """One [labels.<name>] table over the default of that name (if any); None
    with the problems noted."""
    where = f"[labels.{inert(name)}]"
    if not NAME_RE.fullmatch(name):  # fullmatch: "$" would let a trailing newline through
        problems.append(f"{where}: a label name is lower-case letters, digits, '_' or '-'")
        return None
    if not isinstance(spec, dict):
        problems.append(f"{where}: must be a table with key and color")
        return None
    unknown = set(spec) - {"key", "color", "definition", "examples"}
    if unknown:
        problems.append(f"{where}: unknown setting(s) {inert(', '.join(sorted(unknown)))}")
    key = spec.get("key", base.key if base else None)
    color = spec.get("color", base.color if base else None)
    definition = spec.get("definition", base.definition if base else "")
    examples = spec.get("examples", base.examples if base else ())
    if not isinstance(key, str) or len(key) != 1 or not key.isprintable() or key.isspace():
        problems.append(f"{where}: key must be one printable character, got {key!r}")
    elif not isinstance(color, str) or not _valid_color(color):
        problems.append(f"{where}: color {color!r} is not a colour (try \"#8e24aa\")")
    elif not isinstance(definition, str):
        problems.append(f"{where}: definition must be a string, got {definition!r}")
    elif not isinstance(examples, list | tuple) or not all(isinstance(e, str) for e in examples):
        problems.append(f"{where}: examples must be a list of strings, like [\"Cần ...\"]")
    else:
        return Label(name, key, color, single_line(definition),
                     tuple(e for e in map(single_line, examples) if e))
    return None


def _reader_settings(reader, problems: list[str]) -> bool:
    """``advance`` of the [reader] table (its only setting so far)."""
    if not isinstance(reader, dict):
        problems.append("[reader] must be a table")
        return True
    unknown = set(reader) - {"advance"}
    if unknown:
        problems.append(f"[reader]: unknown setting(s) {inert(', '.join(sorted(unknown)))}")
    advance = reader.get("advance", True)
    if not isinstance(advance, bool):
        problems.append(f"[reader]: advance must be true or false, got {advance!r}")
        return True
    return advance


def _suggest_settings(suggest, problems: list[str]) -> float:
    """``threshold`` of the [suggest] table (a number from 0 to 1)."""
    default = SUGGEST_THRESHOLD
    if not isinstance(suggest, dict):
        problems.append("[suggest] must be a table")
        return default
    unknown = set(suggest) - {"threshold"}
    if unknown:
        problems.append(f"[suggest]: unknown setting(s) {inert(', '.join(sorted(unknown)))}")
    value = suggest.get("threshold", default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        problems.append(f"[suggest]: threshold must be a number from 0 to 1, got {value!r}")
        return default
    return float(value)


def check_label_keys(labels, reserved: Mapping[str, str], path: Path) -> None:
    """ConfigError when a label's key is one the UI binds itself (``reserved``:
    key -> what it does, derived by the UI from its binding table)."""
    problems = [f"[labels.{lab.name}]: key {lab.key!r} is taken by the reader ({reserved[lab.key]}); "
                f"taken: {' '.join(sorted(reserved))}" for lab in labels if lab.key in reserved]
    if problems:
        raise ConfigError(f"{path}: " + "; ".join(problems))
