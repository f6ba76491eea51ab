"""Feature templates: underthesea's lists, and their syntax compiled once.

    T[-1,0][1].lower
      | |   |   \\_ function applied to the value (lower, istitle, isdigit, is_in_dict)
      | |   \\_ column (0 words, 1 POS, 2 chunk, 3 NER; default 0)
      \\_\\_ first and last token, relative to the current one

The value is the tokens of the window joined by a space; a window that starts
before the sentence gives "BOS", one that ends after it "EOS". Each feature is
"<template>=<value>".

The POS, chunking and NER lists are copied from underthesea 9.5.0
(pipeline/{pos_tag,chunking,ner}/model_crf.py, where they are built inside
each predictor); word segmentation's list ships with its model (features.bin).
tests/nlp/test_tagger_identical.py checks all of them against underthesea.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

POS = [
    "T[-2].lower", "T[-1].lower", "T[0].lower", "T[1].lower", "T[2].lower",
    "T[0].istitle", "T[-1].istitle", "T[1].istitle",
    "T[-2]", "T[-1]", "T[0]", "T[1]", "T[2]",
    "T[-2,-1]", "T[-1,0]", "T[0,1]", "T[1,2]",
    "T[-3][1]", "T[-2][1]", "T[-1][1]",
    "T[-3,-2][1]", "T[-2,-1][1]",
]
CHUNK = [
    "T[-2].lower", "T[-1].lower", "T[0].lower", "T[1].lower", "T[2].lower",
    "T[0].istitle", "T[-1].istitle", "T[1].istitle",
    "T[-2]", "T[-1]", "T[0]", "T[1]", "T[2]",
    "T[-2,-1]", "T[-1,0]", "T[0,1]", "T[1,2]",
    "T[-2][1]", "T[-1][1]", "T[0][1]", "T[1][1]", "T[2][1]",
    "T[-2,-1][1]", "T[-1,0][1]", "T[0,1][1]", "T[1,2][1]",
    "T[-3][2]", "T[-2][2]", "T[-1][2]",
]
NER = [
    "T[-2].lower", "T[-1].lower", "T[0].lower", "T[1].lower", "T[2].lower",
    "T[0].istitle", "T[-1].istitle", "T[1].istitle", "T[-2].istitle", "T[2].istitle",
    "T[-2]", "T[-1]", "T[0]", "T[1]", "T[2]",
    "T[-2,-1]", "T[-1,0]", "T[0,1]", "T[1,2]",
    "T[-2][1]", "T[-1][1]", "T[0][1]", "T[1][1]", "T[2][1]",
    "T[-2,-1][1]", "T[-1,0][1]", "T[0,1][1]", "T[1,2][1]",
    "T[-3][3]", "T[-2][3]", "T[-1][3]",
]

# underthesea's own pattern (pipeline/*/tagged_feature.py and underthesea_core)
_SYNTAX = re.compile(r"T\[(?P<index1>\-?\d+)(\,(?P<index2>\-?\d+))?\](\[(?P<column>.*)\])?(\.(?P<function>.*))?")
FUNCTIONS = ("lower", "istitle", "isdigit", "is_in_dict")


@dataclass(frozen=True, slots=True)
class Template:
    """One template, parsed: the window starts `offset` tokens from the current
    one and spans `length` tokens of `column`; `function` (or None) maps the
    joined window to the value."""

    syntax: str
    offset: int
    length: int
    column: int
    function: str | None

    @property
    def key(self) -> tuple[int, int, str | None]:
        """What the value depends on besides the position: templates with the
        same key share one column of values per sentence."""
        return self.column, self.length, self.function


def parse(syntax: str) -> Template:
    m = _SYNTAX.match(syntax)
    if not m:
        raise ValueError(f"not a feature template: {syntax!r}")
    first = int(m["index1"])
    last = int(m["index2"]) if m["index2"] else first
    function = m["function"]
    if last < first:
        raise ValueError(f"{syntax!r}: the window ends before it starts")
    if function is not None and function not in FUNCTIONS:
        raise ValueError(f"{syntax!r}: unknown function {function!r}")
    return Template(syntax, first, last - first + 1, int(m["column"] or 0), function)
