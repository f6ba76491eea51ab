"""Undo/redo of this session's changes.

A step is one annotation before and after a change (None: absent), so undo
and redo are the same write in opposite directions. A new change clears redo;
a bulk replace of a report drops that report's steps, which would otherwise
restore stale documents.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

HISTORY_LIMIT = 1000  # undo steps kept per session


class Step(NamedTuple):
    report_id: str
    annotation_id: str
    old: dict | None
    new: dict | None


class History:
    def __init__(self, limit: int = HISTORY_LIMIT):
        self.limit = limit
        self._undo: list[Step] = []
        self._redo: list[Step] = []

    def record(self, step: Step) -> None:
        self._undo.append(step)
        del self._undo[:-self.limit]
        self._redo.clear()

    def replay(self, write: Callable[[str, str, dict | None], None], *, back: bool
               ) -> dict | None:
        """Undo (``back``) or redo the latest step through ``write(report_id,
        annotation_id, doc)``; returns the document the step is about (as it is
        now, or as it was if it is gone), None when there is nothing to replay.
        If ``write`` raises, the step stays where it was."""
        source, target = (self._undo, self._redo) if back else (self._redo, self._undo)
        if not source:
            return None
        step = source[-1]
        want, other = (step.old, step.new) if back else (step.new, step.old)
        write(step.report_id, step.annotation_id, want)
        target.append(source.pop())
        return want if want is not None else other

    def drop_report(self, report_id: str) -> None:
        self._undo = [s for s in self._undo if s.report_id != report_id]
        self._redo = [s for s in self._redo if s.report_id != report_id]

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)
