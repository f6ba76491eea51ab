"""What thread workers report back to the UI thread.

A worker never touches a widget: it posts one of these (``post_message`` is
thread-safe) and the screen or app that started it handles it on the UI thread.
Plain classes, not dataclasses: this module is on the start-up path, and
building dataclasses costs milliseconds there.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from annotations.corpus.ingest import ImportSummary
    from annotations.corpus.library import Report
    from annotations.errors import BaocaoError


# ---------------------------------------------------------------- reader

class ReportLoaded(Message):
    """A report's text and analysis are ready (the analysis may have been computed)."""

    def __init__(self, report: Report, cursor: int) -> None:
        super().__init__()
        self.report = report
        self.cursor = cursor


class ReportLoadFailed(Message):
    def __init__(self, report_id: str, error: BaocaoError | OSError) -> None:
        super().__init__()
        self.report_id = report_id
        self.error = error


# ---------------------------------------------------------------- library

class SeedingStarted(Message):
    """The bundled sample reports are being imported into an empty library."""


class SeedingProgress(Message):
    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done = done
        self.total = total


class SeedingFinished(Message):
    def __init__(self, summary: ImportSummary | None,
                 error: BaocaoError | OSError | None = None) -> None:
        super().__init__()
        self.summary = summary  # None: the library was not empty after all, or error
        self.error = error


class AlphasComputed(Message):
    """Per report: (the summary key it was computed for, its alpha or None)."""

    def __init__(self, alphas: dict[str, tuple]) -> None:
        super().__init__()
        self.alphas = alphas


# ---------------------------------------------------------------- app

class ExportFinished(Message):
    def __init__(self, path: Path, count: int = 0,
                 error: BaocaoError | OSError | None = None) -> None:
        super().__init__()
        self.path = path
        self.count = count
        self.error = error
