"""Every error a user can cause derives from BaocaoError.

A BaocaoError carries a one-line ``message`` (what happened, which file) and an
optional ``hint`` (what to do about it). The command line prints
``baocao: <message>`` (and the hint on the next line) and exits 1; the TUI shows
both in a notification. Anything else escaping is a bug and may show a traceback.
"""
from __future__ import annotations

from pathlib import Path


class BaocaoError(Exception):
    """Root of every user-facing error."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if not self.hint:
            return self.message
        stop = "" if self.message.endswith((".", "!", "?", ":")) else "."
        return f"{self.message}{stop} {self.hint}"


class ConfigError(BaocaoError):
    """HOME/config.toml is unreadable or defines a bad label set or keymap."""


class LibraryError(BaocaoError):
    """A problem with the library itself (not with one imported file)."""


class UnknownReport(LibraryError, KeyError):
    """No report with that id in the library (a KeyError too: ``lib.get`` is a lookup)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return BaocaoError.__str__(self)


class InputError(BaocaoError):
    """One input file or record cannot be used; it is skipped with this reason."""


class StoreError(BaocaoError):
    """A problem with the annotation store."""


class StoreLocked(StoreError):
    """Another process holds this home for writing (the message says who)."""


class CorruptDatabase(StoreError):
    """A database file cannot be read; it was not changed. ``path`` names it."""

    def __init__(self, message: str, path: Path, hint: str = ""):
        super().__init__(message, hint)
        self.path = path


class UnknownLabel(StoreError):
    """A label that is not in the label set."""


def os_error_line(exc: OSError) -> str:
    """One line for an OSError that reached the user: what failed, on which file."""
    import errno

    line = f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else "")
    if exc.errno in (errno.ENOSPC, errno.EROFS, errno.EDQUOT):
        line += " (nothing was written there)"
    return line
