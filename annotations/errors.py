"""Exceptions of the annotation store (re-exported by ``annotations.store``).

Every message is written for the person at the keyboard: what happened, which
file, and what to do about it.
"""
from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """Base of every store problem; the message is shown to the user as is."""


class StoreLocked(StoreError):
    """Another process holds this home for writing (message says who)."""


class CorruptDatabase(StoreError):
    """A database file cannot be read; it was not changed. ``path`` names it."""

    def __init__(self, message: str, path: Path):
        super().__init__(message)
        self.path = path


class UnknownLabel(StoreError):
    """A label that is not in the label set."""


class ConfigError(StoreError):
    """HOME/config.toml is unreadable or defines a bad label set."""
