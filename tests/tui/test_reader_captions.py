"""Pilot tests of paragraph kinds in the reader: captions dimmed, headings
bold, both skipped by j/k, g/G and "." and left out of the progress counts;
a tagging key on one only says so; entities still show on them."""
from __future__ import annotations

import pytest
from pilot_support import SIZE, app_for, notifications, open_first

from annotations.corpus.library import Library

CAPTION = "Đồng chí Nguyễn Văn Hùng, Bí thư Tỉnh ủy phát biểu khai mạc Hội nghị."
PAGE = "\n".join([
    "Chính trị",
    "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 15",
    "Sáng 12/7, Ban Chấp hành Đảng bộ tỉnh khai mạc Hội nghị lần thứ 15. Hội nghị đánh giá "
    "tình hình 6 tháng đầu năm.",
    CAPTION,
    "Hội nghị đã thống nhất các nhiệm vụ trọng tâm 6 tháng cuối năm.",
    "Toàn cảnh hội nghị.",
    "Tỉnh phấn đấu hoàn thành 29/29 chỉ tiêu của năm 2024.",
])


@pytest.fixture
def page_home(home, tmp_path):
    f = tmp_path / "trang.txt"
    f.write_text(PAGE, encoding="utf-8")
    Library(home).import_paths([f], workers=1)
    return home


def kinds(view) -> list[str]:
    a = view.analysis
    return [a.paragraphs[s.paragraph].kind for s in a.sentences]


async def test_captions_are_dimmed_skipped_and_never_tagged(page_home):
    app = app_for(page_home)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = await open_first(pilot)
        view = reader.view
        assert kinds(view) == ["heading", "body", "body", "caption", "body", "caption", "body"]
        body = reader.body
        assert body == [1, 2, 4, 6] and view.cursor == 1  # opened past the headline
        seen = [view.cursor]
        for _ in range(5):  # j past the end stays on the last body sentence
            await pilot.press("j")
            seen.append(view.cursor)
        assert seen == [1, 2, 4, 6, 6, 6]
        for _ in range(4):
            await pilot.press("k")
        assert view.cursor == 1  # never onto the headline or a caption
        await pilot.press("G")
        assert view.cursor == 6
        await pilot.press("g")
        assert view.cursor == 1
        # a passage never takes a caption in: J stops before one, and says so
        await pilot.press("J", "J")
        assert (view.anchor, view.cursor) == (1, 2)
        assert any("ends the passage" in n.message for n in notifications(app))
        await pilot.press("escape")
        assert view.selection == (2, 2)
        await pilot.press("g")

        # drawn: a caption dimmed (italic, muted), a heading bold, the body plain;
        # entities still drawn on the caption
        para = {view.analysis.paragraphs[s.paragraph].kind: s.paragraph
                for s in view.analysis.sentences}
        console = app.console
        styles = {k: view.styled_paragraph(p).get_style_at_offset(console, 0)
                  for k, p in para.items()}
        assert styles["caption"].italic and not styles["body"].italic
        assert styles["caption"].color != styles["body"].color
        assert styles["heading"].bold and not styles["body"].bold
        first = view.analysis.sentences[3].paragraph  # the first caption: it names a person
        ents = view.text_layout.para_ents[first]
        assert ents, "the caption's entities"
        offset = ents[0].start - view.analysis.paragraphs[first].start
        assert view.styled_paragraph(first).get_style_at_offset(console, offset) != styles["caption"]

        # a tagging key on a caption (reached by a click) writes nothing and says why
        reader._select(3)
        await pilot.press("a")
        assert app.store.for_report("trang") == []
        assert any("not tagged" in n.message for n in notifications(app))
        assert view.cursor == 3


async def test_next_undecided_and_counts_skip_captions(page_home):
    app = app_for(page_home)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        reader = await open_first(pilot)
        view = reader.view
        await pilot.press("a", "a")  # sentences 1 and 2 (tag and advance: then 4)
        assert view.cursor == 4
        await pilot.press("g", "full_stop")  # the next undecided: 4, not the caption 3
        assert view.cursor == 4
        await pilot.press("a", "g", "full_stop")
        assert view.cursor == 6
        info = str(reader.query_one("#info").render())
        assert "Decided 3/4 " in info  # of the four body sentences, not seven
        await pilot.press("a")  # the last body sentence: every one decided
        assert any("Every sentence is decided" in n.message for n in notifications(app))
        await pilot.press("g", "full_stop")
        assert any("Every sentence of this report is decided" in n.message
                   for n in notifications(app))
        await pilot.press("escape")
        await pilot.pause()
        screen = app.screen
        row = screen._row(screen.shown.index("trang"), 120).plain
        assert "  4/4" in row  # the library's progress: body sentences only
