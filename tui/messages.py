"""What thread workers report back to the UI thread.

A worker never touches a widget: it posts one of these (``post_message`` is
thread-safe) and the screen or app that started it handles it on the UI thread.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from annotations.corpus.ingest import ImportSummary
    from annotations.corpus.library import Report
    from annotations.errors import BaocaoError


# ---------------------------------------------------------------- reader

@dataclass
class ReportLoaded(Message):
    """A report's text and analysis are ready (the analysis may have been computed)."""

    report: Report
    cursor: int


@dataclass
class ReportLoadFailed(Message):
    report_id: str
    error: Exception  # a BaocaoError, or an OSError reading the text


# ---------------------------------------------------------------- library

@dataclass
class SeedingStarted(Message):
    """The bundled sample reports are being imported into an empty library."""


@dataclass
class SeedingProgress(Message):
    done: int
    total: int


@dataclass
class SeedingFinished(Message):
    summary: ImportSummary | None  # None: the library was not empty after all
    error: BaocaoError | OSError | None = None


@dataclass
class TextsFolded(Message):
    """Report id -> folded text, for the library filter."""

    folded: dict[str, str]


# ---------------------------------------------------------------- app

@dataclass
class ExportFinished(Message):
    path: Path
    count: int = 0
    error: BaocaoError | OSError | None = None
