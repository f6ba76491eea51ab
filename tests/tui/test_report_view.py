"""The report view and its layout: wrapping, literal text (markup, escape
codes), themes, and a strip cache that re-renders exactly what changed."""
from __future__ import annotations

import random

import pytest
from pilot_support import SIZE, app_for, longest, open_first, view_lines, view_text

from annotations.corpus.library import Library
from annotations.models import Analysis, Paragraph, Sentence
from tui.widgets.report_view import Mark, ReportView
from tui.widgets.text_layout import TextLayout, display_text, wrap_cells, wrap_offsets


def test_display_text_and_wrap():
    assert display_text("a\x1b[1mb\x07") == "a␛[1mb␇"
    s = "một hai ba bốn năm sáu bảy tám chín mười"
    lines = wrap_offsets(s, 12)
    assert all(len(s[a:b]) <= 12 for a, b in lines)
    assert " ".join(s[a:b] for a, b in lines) == s
    assert wrap_offsets("x" * 25, 10) == [(0, 10), (10, 20), (20, 25)]
    # the fast path (no wide characters) and the cell-measuring path agree
    rng = random.Random(4)
    words = "một hai ba bốn Nghị quyết 18-NQ/TW Đại hội XIV xxxxxxxxxxxxxxxxxxxxxxx".split()
    for _ in range(500):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 30)))
        width = rng.randint(2, 50)
        assert wrap_offsets(text, width) == wrap_cells(text, width), (text, width)
    wide = "中文字符 测试 一二三四五六七八九十"
    assert all(sum(2 for _ in wide[a:b]) <= 8 for a, b in wrap_offsets(wide, 8))


def two_paragraphs() -> tuple[str, Analysis]:
    text = "Câu một ở đây. Câu hai dài hơn một chút.\n\nĐoạn hai có một câu."
    p2 = text.index("Đoạn")
    analysis = Analysis(paragraphs=[Paragraph(0, p2 - 2), Paragraph(p2, len(text))],
                        sentences=[Sentence(0, 14, 0), Sentence(15, p2 - 2, 0),
                                   Sentence(p2, len(text), 1)])
    return text, analysis


def test_layout_lines_and_lookups():
    text, analysis = two_paragraphs()
    layout = TextLayout(text, analysis)
    assert layout.wrap(16) and not layout.wrap(16)  # wrapping again at one width: no-op
    assert [layout.text[s:e] for p, s, e in layout.lines if p >= 0] == [
        "Câu một ở đây.", "Câu hai dài hơn", "một chút.", "Đoạn hai có một", "câu."]
    assert [p for p, _, _ in layout.lines] == [0, 0, 0, -1, 1, 1]
    assert layout.sentence_lines(1) == (1, 2)
    assert layout.sentence_lines(2) == (4, 5)
    assert layout.paragraph_lines(0) == (0, 3)
    assert layout.paragraph_span_lines(0) == (0, 4)  # with the blank line after it
    assert layout.sentence_at_line(2) == 1 and layout.sentence_at_line(99) == 2
    assert layout.line_sentences(0) == (0, 0)
    assert layout.offset_at(1, 4) == text.index("hai")
    assert layout.offset_at(3, 0) is None  # the blank line
    assert layout.page_target(0, 1, 4) == 1  # 2 lines on: sentence 1's last line
    assert layout.page_target(0, 1, 5) == 2  # 3 lines on: the blank line before sentence 2
    assert layout.page_target(2, -1, 5) == 1
    mark = Mark(15, len(text), 1, 2, "A", "green")
    assert layout.marks_by_paragraph([mark]) == [(mark,), (mark,)]


async def test_markup_and_escape_codes_render_literally(tui_home, store_factory):
    """Report text is never markup and never reaches the terminal as a control
    sequence. Cleaning strips escape codes from imported text, so the view is
    also loaded directly with ESC, OSC and BEL in it."""
    lib = Library(tui_home)
    rid = next(m.id for m in lib.reports() if "[bold]" in m.title)
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = await open_first(pilot, rid)
        drawn = view_text(reader.view)
        assert "[link=https://example.com]liên kết[/link]" in drawn
        assert "[/] lạ" in drawn and "[red]cùng[/]" in drawn
        assert "[bold]" in str(reader.query_one("#reader-title").render())

        text = "Mã \x1b[31mđỏ\x1b[0m và \x1b]8;;https://x.example\x07liên kết\x1b]8;;\x07 hết."
        analysis = Analysis(paragraphs=[Paragraph(0, len(text))],
                            sentences=[Sentence(0, len(text), 0)])
        reader.view.load(text, analysis, [])
        await pilot.pause()
        drawn = view_text(reader.view)
        segments = [seg.text for y in range(reader.view.text_layout.line_count)
                    for seg in reader.view.strip_at(y, 200)]
        assert not any(c in "".join(segments) for c in "\x1b\x07")
        assert "␛[31mđỏ␛[0m" in drawn  # one visible symbol per control character
        assert "␛]8;;https://x.example␇liên kết" in drawn
        assert len(reader.view.text) == len(text)  # offsets are unchanged


@pytest.mark.parametrize("theme", ["textual-light", "nord", "gruvbox"])
async def test_builtin_themes(tui_home, store_factory, theme):
    """A theme change re-renders every line in the theme's colours: the same
    untagged lines, before and after, differ only by the theme."""
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = await open_first(pilot, longest(tui_home))
        view = reader.view
        quiet = view.sentence_lines(view.sentence_count - 1)[0]  # not under the cursor
        assert not view.marks
        before = {y: view.strip_at(y, 100) for y in (0, quiet)}
        app.theme = theme
        await pilot.pause()
        for y, old in before.items():
            themed = view.strip_at(y, 100)
            assert themed.text == old.text
            # every segment carries the theme's background (or a highlight)
            assert all(seg.style and seg.style.bgcolor for seg in themed)
            assert [s.style for s in themed] != [s.style for s in old], y
        assert view.rich_style.bgcolor in {seg.style.bgcolor for seg in view.strip_at(quiet, 100)}


def fresh_lines(view: ReportView, width: int = 200) -> list:
    """Every line rendered from scratch, caches emptied first."""
    view._strip_cache.clear()
    view._para_cache.clear()
    return [list(view.strip_at(y, width)) for y in range(view.text_layout.line_count)]


async def test_strip_cache_re_renders_exactly_what_changed(tui_home, store_factory):
    """After any change (cursor, selection, tags, entities, width) the cached
    strips equal a fresh render, and a cursor move re-renders only the lines
    of the paragraphs its old and new position touch."""
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = await open_first(pilot, longest(tui_home))
        view = reader.view
        rendered: list[int] = []
        real_gutter = view._gutter
        view._gutter = lambda p, y: rendered.append(y) or real_gutter(p, y)
        view_lines(view)  # every line cached
        for keys in (["j"], ["j", "j"], ["J", "J"], ["a"], ["k"], ["e"], ["x", "u"]):
            rendered.clear()
            before = view.selection
            await pilot.press(*keys)
            cached = [list(view.strip_at(y, 200)) for y in range(view.text_layout.line_count)]
            if keys == ["j"]:  # a move: only the two sentences' paragraphs
                touched = set()
                for lo, hi in (before, view.selection):
                    for p in view.text_layout.paragraphs_of_sentences(lo, hi):
                        touched.update(range(*view.text_layout.paragraph_lines(p)))
                assert set(rendered) == touched and len(rendered) < view.text_layout.line_count / 4
            assert cached == fresh_lines(view), keys
        rendered.clear()
        view_lines(view)
        assert rendered == []  # nothing changed: all from the cache


async def test_a_long_passage_split_re_renders_only_the_paragraph_it_changes(tui_home,
                                                                           store_factory):
    """A passage over both paragraphs, relabelled in the second: the first
    paragraph draws the same part of a passage as before, so its lines stay
    cached (a split inside a whole-report passage redraws one paragraph)."""
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = await open_first(pilot, longest(tui_home))
        view = reader.view
        text, analysis = two_paragraphs()
        p2 = analysis.paragraphs[1].start
        view.load(text, analysis, [Mark(0, len(text), 0, 2, "A", "green")])
        await pilot.pause()
        rendered: list[int] = []
        real_gutter = view._gutter
        view._gutter = lambda p, y: rendered.append(y) or real_gutter(p, y)
        view_lines(view)  # every line cached
        rendered.clear()
        view.set_marks([Mark(0, p2 - 2, 0, 1, "A", "green"), Mark(p2, len(text), 2, 2, "R", "red")])
        cached = [list(view.strip_at(y, 200)) for y in range(view.text_layout.line_count)]
        assert set(rendered) == set(range(*view.text_layout.paragraph_lines(1)))
        assert cached == fresh_lines(view)


# ---------------------------------------------------------------- scrolling

def cursor_row(view: ReportView) -> int:
    """The row of the view the cursor sentence's first line is drawn on."""
    return view.sentence_lines(view.cursor)[0] - view.scroll_offset.y


@pytest.mark.parametrize("size", [SIZE, (80, 24)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_cursor_stays_in_the_upper_third(tui_home, store_factory, size):
    """Moving down the longest seed the cursor never sinks below the upper third
    (the sentences after it show), and the view scrolls only when it would;
    moving up, only when it would come within two lines of the top. At the top
    of the report the view never scrolls (no blank lines above the text)."""
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        reader = await open_first(pilot, longest(tui_home))
        view = reader.view
        height = view.scrollable_content_region.height
        assert view.text_layout.line_count > 3 * height
        upper, lower = 2, height // 3  # the band the cursor's first line keeps to
        steps = scrolls = 0
        while view.sentence_lines(view.cursor)[1] < view.text_layout.line_count - height:
            before = view.scroll_offset.y
            await pilot.press("j")
            steps += 1
            row = cursor_row(view)
            if view.scroll_offset.y != before:  # only to keep the cursor at the band's edge
                scrolls += 1
                assert row == lower, (view.cursor, row)
            else:
                assert row <= lower, (view.cursor, row)
        assert view.scroll_offset.y > 0 and 0 < scrolls < steps
        scrolls = 0
        while view.cursor:
            before = view.scroll_offset.y
            await pilot.press("k")
            row = cursor_row(view)
            if view.scroll_offset.y != before:
                scrolls += 1
                assert row == upper or view.scroll_offset.y == 0, (view.cursor, row)
            else:
                assert upper <= row <= lower or before == 0, (view.cursor, row)
        assert view.scroll_offset.y == 0 and scrolls > 0
        await pilot.press("G")  # the end: as far as the text goes, the cursor lower
        assert view.scroll_offset.y == view.max_scroll_y > 0
        assert lower < cursor_row(view) < height
