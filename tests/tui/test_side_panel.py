"""What the reader explains: the side panel texts (pure functions), the folded
status line's CSS on narrow terminals, the legend and entity styles without
colour, and the label definitions in `?` help and the palette's label set."""
from __future__ import annotations

from pilot_support import SIZE, app_for, notifications, open_first
from rich.console import Console
from textual.widgets import Static

from annotations.models import ENTITY_LABELS, ReportMeta
from annotations.store import DEFAULT_LABELS
from tui.commands import label_set_text
from tui.screens.help import HelpScreen, labels_table
from tui.widgets.side_panel import (
    NOTE_LINES,
    date_info,
    legend,
    note_text,
    report_info,
    status_line,
)

META = ReportMeta("r1", "Báo cáo", "2024-07-10", "text", 51, "0" * 64)
COLORS = {lb.name: (lb.key.upper(), lb.color) for lb in DEFAULT_LABELS}
COUNTS = {"achievement": 3, "task": 2, "risk": 1}


def letter_color(name: str) -> tuple[str, str]:
    return COLORS[name]


def status(width: int, **kw) -> str:
    args = dict(meta=META, decided=20, total=51, annotator="tester", readonly=False,
                counts=COUNTS, labels=DEFAULT_LABELS, letter_color=letter_color, width=width)
    return status_line(**(args | kw)).plain


# ---------------------------------------------------------------- pure texts

def test_status_line_drops_the_least_important_parts_first():
    full = "2024-07-10 · 20/51 decided · A3 T2 R1 · tester"
    assert status(0) == status(80) == full
    assert status(len(full) - 1) == "2024-07-10 · 20/51 decided · A3 T2 R1"  # annotator first
    assert status(30) == "20/51 decided · A3 T2 R1"  # then the date
    assert status(16) == "20/51 decided"  # then the counts
    assert status(8) == "20/51 d…"  # progress stays, cut
    assert status(32, readonly=True, done=True) == "20/51 decided ✓ done · READ-ONLY"
    assert status(45, readonly=True) == "20/51 decided · A3 T2 R1 · READ-ONLY"
    assert status(80, panel_key="p") == full + " · p panel"  # the key that unfolds the panel
    assert status(len(full), panel_key="p") == full  # ... goes first


def test_status_line_is_one_line_within_its_width():
    for width in range(8, 60):
        text = status_line(META, 20, 51, "Nguyễn Văn Lan", True, COUNTS, DEFAULT_LABELS,
                           letter_color, width=width, done=True)
        assert "\n" not in text.plain and text.cell_len <= width, width


def test_report_info_says_where_the_date_came_from():
    info = report_info(ReportMeta("r1", "T", "2017-12-01", "text", 5, "0" * 64,
                                  date_evidence="Sáng ngày 01/12"), 0, 5, "tester", False).plain
    assert info.splitlines()[:2] == ["Date 2017-12-01 (text)", "from “Sáng ngày 01/12”"]
    assert "from" not in report_info(META, 0, 51, "tester", False).plain  # no evidence: no line
    hostile = ReportMeta("r1", "T", "2024", "text", 5, "0" * 64, date_evidence="năm\x1b[2J 2024")
    assert "\x1b" not in date_info(hostile, sep="  ").plain  # an old home's string, shown inert


async def test_reader_side_panel_shows_the_date_evidence(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_first(pilot, "004_0e0ad6727c6305cf")
        info = str(reader.query_one("#info").render())
        assert reader.meta.date_evidence == "Chiều 28-7"
        assert "Date 2023-07-28 (text)" in info and "from “Chiều 28-7”" in info


def test_report_info_shows_decided_and_done():
    info = report_info(META, 12, 51, "tester", False, decided=20, done=True).plain
    assert "Decided 20/51 (12 tagged)" in info and "✓ done" in info
    bar = info.splitlines()[2]
    assert bar.count("█") == round(20 * 20 / 51)
    old = report_info(META, 12, 51, "tester", False).plain  # the reader's call until it passes decided
    assert "Tagged 12/51 sentences" in old and "done" not in old


def test_note_text():
    assert note_text("  ", 3, 30).plain == ""
    text = note_text("Số liệu cần kiểm tra lại với Sở Tài chính", 11, 20).plain
    assert text.splitlines()[0] == "Note (sentence 12)"
    assert all(len(line) <= 20 for line in text.splitlines()[1:])
    assert " ".join(text.splitlines()[1:]) == "Số liệu cần kiểm tra lại với Sở Tài chính"
    long = note_text("từ " * 200, None, 20).plain.splitlines()
    assert long[0] == "Note" and len(long) == 1 + NOTE_LINES and long[-1].endswith("…")


def test_legend_explains_the_gutter():
    text = legend(DEFAULT_LABELS, letter_color, COUNTS, None, "e").plain
    for words in (" A  achievement 3", " R  risk 1", "▶ cursor", "┃ selection", "✎ note",
                  "· none (decided: no label)", "entities off (e)"):
        assert words in text, words
    assert "▶ cursor  ┃ selection  ✎ note\n" in text  # the panel's usual width
    narrow = legend(DEFAULT_LABELS, letter_color, COUNTS, None, "e", width=24).plain
    assert "\n▶ cursor  ┃ selection\n✎ note\n" in narrow  # packed into the narrow panel


# ---------------------------------------------------------------- narrow layout

async def test_narrow_reader_folds_the_side_panel_into_the_status_line(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=(80, 24)) as pilot:
        reader = await open_first(pilot)
        if not reader.query("#status"):  # a reader without it: the rules alone
            await reader.mount(Static("status", id="status"), before=reader.query_one("#reader-body"))
            await pilot.pause()
        side, bar = reader.query_one("#side"), reader.query_one("#status")
        assert reader.has_class("-narrow")
        assert not side.display and bar.display and bar.size.height == 1
        reader.add_class("-panel")  # the key that shows the full panel
        await pilot.pause()
        assert side.display and not bar.display and side.outer_size.width == 26
        reader.remove_class("-panel")
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        assert not reader.has_class("-narrow") and side.display and not bar.display
        await pilot.resize_terminal(105, 30)  # -medium: full panel, narrower
        await pilot.pause()
        assert reader.has_class("-medium") and side.display and side.outer_size.width == 26


# ---------------------------------------------------------------- without colour

def _attrs(style) -> tuple:
    return (bool(style.bold), bool(style.italic), bool(style.underline))


async def test_entity_labels_differ_without_colour(tui_home, store_factory, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        assert app.no_color
        reader = await open_first(pilot)
        view = reader.view

        def style(ent: str):
            return view.get_component_rich_style(f"report-view--ent-{ent.lower()}", partial=True)

        attrs = {ent: _attrs(style(ent)) for ent in ENTITY_LABELS}
        assert len(set(attrs.values())) == len(ENTITY_LABELS), attrs
        assert (False, False, False) not in attrs.values()  # each is styled, not plain
        # the cursor sentence keeps them apart: reversed, not bold
        cursor = view.get_component_rich_style("report-view--cursor", partial=True)
        assert cursor.reverse and not cursor.bold
        # the legend draws each label in the view's style
        text = legend(app.labels, app.letter_color, {}, style, "e")
        drawn = {text.plain[s.start:s.end]: _attrs(s.style) for s in text.spans
                 if text.plain[s.start:s.end] in ENTITY_LABELS}
        assert drawn == attrs


async def test_legend_follows_the_theme_when_redrawn(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        reader = await open_first(pilot)

        def mark_color():
            mark = reader.view.get_component_rich_style("report-view--cursor-mark", partial=True)
            text = legend(app.labels, app.letter_color, {}, None, "e", mark_style=mark)
            [span] = [s for s in text.spans if text.plain[s.start:s.end] == "▶"]
            return span.style.color

        before = mark_color()
        app.theme = "nord"
        await pilot.pause()
        assert mark_color() != before


# ---------------------------------------------------------------- label definitions

def test_help_and_palette_show_label_definitions():
    console = Console(width=100, record=True)
    console.print(labels_table(DEFAULT_LABELS))
    out = console.export_text()
    palette = label_set_text(DEFAULT_LABELS)
    for lb in DEFAULT_LABELS:
        assert lb.definition.split(":")[0] in out and lb.definition in palette
        for example in lb.examples:
            assert example[:30] in out and example in palette
    assert "Tăng trưởng GRDP đạt 7,2%, vượt kế hoạch." in palette


async def test_show_label_set_command(tui_home, store_factory):
    app = app_for(tui_home, store_factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.action_show_labels()
        await pilot.pause()
        [note] = [n for n in notifications(app) if n.title == "Label set"]
        assert "Cần tập trung đẩy nhanh giải ngân vốn đầu tư công." in note.message
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=100, record=True)
        console.print(app.screen.query_one("#help-labels").content)
        assert "“Tăng trưởng GRDP đạt 7,2%, vượt kế hoạch.”" in console.export_text()
