"""Glue between the library and the annotation store for the command line.
PLACEHOLDER until the store lands: no annotations."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def tagged_counts(home: Path) -> dict[str, int]:
    """report id -> number of tagged sentences (cheap: no report is opened)."""
    return {}


def annotations_for(home: Path, report_id: str) -> list[dict]:
    """show --json's `annotations` records for one report."""
    return []


def reanchor_hook(home: Path) -> Callable[[str, str, str], None] | None:
    """Called by import when a report's text changed: (report id, old text, new text)."""
    return None
