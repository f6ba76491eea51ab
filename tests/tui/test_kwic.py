"""Keyword in context (tui/kwic.py): the line shows where the query's words
are together, every match highlighted, report text inert."""
from __future__ import annotations

from types import SimpleNamespace

from tui.kwic import MATCH, anchor, kwic

TEXT = ("Công tác an sinh xã hội tiếp tục được quan tâm; hơn 23 triệu học sinh cả nước "
        "bước vào năm học mới; phong trào chung tay xóa nhà tạm, nhà dột nát được đẩy mạnh.")


def _matches(text: str, words: list[str]) -> list[tuple[int, int]]:
    import re

    from annotations.text.vietnamese import fold

    folded = fold(text).lower()
    assert len(folded) == len(text)  # folding keeps offsets
    return sorted((m.start(), m.end()) for w in words for m in re.finditer(rf"\b{w}\b", folded))


def test_the_line_centres_on_the_words_together_not_the_first_lone_match():
    matches = _matches(TEXT, ["xoa", "nha", "tam"])
    assert TEXT[matches[0][0]:matches[0][1]] == "tâm"  # "quan tâm" comes first
    at = anchor(matches)
    assert TEXT[at:at + 11] == "xóa nhà tạm"
    hit = SimpleNamespace(start=0, end=len(TEXT), text=TEXT, matches=matches)
    line = kwic(hit)
    shown = line.plain
    assert "xóa nhà tạm" in shown and shown.startswith("…")
    marked = {line.plain[s.start:s.end] for s in line.spans if s.style == MATCH}
    assert {"xóa", "nhà", "tạm"} <= marked


def test_one_match_or_none():
    assert anchor([(5, 8)]) == 5
    assert anchor([]) is None
    hit = SimpleNamespace(start=10, end=10 + len(TEXT), text=TEXT, matches=[])
    assert kwic(hit).plain.startswith("Công tác")  # no match: the sentence's start


def test_report_text_stays_inert():
    text = "[bold]xóa[/bold] nhà tạm \x1b[31m"
    hit = SimpleNamespace(start=0, end=len(text), text=text, matches=[(6, 9)])
    line = kwic(hit)
    assert "[bold]" in line.plain and "\x1b" not in line.plain
