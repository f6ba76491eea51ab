"""Helpers shared by the Pilot tests (`from pilot_support import ...`: tests/tui
is on sys.path, like tests/ for support.py)."""
from __future__ import annotations

from pathlib import Path

from annotations.corpus.library import Library
from tui.app import make_app
from tui.screens.reader import ReaderScreen
from tui.widgets.report_table import ReportTable
from tui.widgets.report_view import ReportView

SIZE = (120, 40)


def app_for(home: Path, store_factory=None, **kw):
    return make_app(home, "tester", store_factory=store_factory, **kw)


def shown_ids(app) -> list[str]:
    return list(app.screen.shown)


def view_lines(view: ReportView, width: int = 200) -> list[str]:
    """Every line the view draws, as render_line would give it."""
    return ["".join(seg.text for seg in view.strip_at(y, width))
            for y in range(view.text_layout.line_count)]


def view_text(view: ReportView, width: int = 200) -> str:
    return "\n".join(view_lines(view, width))


async def open_first(pilot, rid: str | None = None) -> ReaderScreen:
    """Open the library's current report (or ``rid``) and return the reader."""
    app = pilot.app
    if rid is not None:
        app.screen.query_one(ReportTable).move_cursor(app.screen.shown.index(rid))
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, ReaderScreen)
    return app.screen


def longest(home: Path) -> str:
    return max(Library(home).reports(), key=lambda m: m.sentences).id


def notifications(app, severity: str | None = None) -> list:
    return [n for n in app._notifications if severity is None or n.severity == severity]


def write_config(home: Path, text: str) -> None:
    (home / "config.toml").write_text(text, encoding="utf-8")
