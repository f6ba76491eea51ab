"""Undo/redo of this session's changes.

A step is one action: the documents (and annotator states) of one report
before and after it (None: absent), so undo and redo are the same write in
opposite directions, and it remembers which sentences it was about so the
reader can show them. A new change clears redo; a bulk replace of a report
drops that report's steps, which would otherwise restore stale documents.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from .records import Change

HISTORY_LIMIT = 1000  # undo steps kept per session

Pairs = dict[str, tuple[dict | None, dict | None]]  # key -> (old, new)
Write = Callable[[str, dict[str, dict | None], dict[str, dict]], None]


class Step(NamedTuple):
    change: Change
    docs: Pairs  # annotation id -> (old, new)
    state: Pairs  # annotator -> (old, new) state fields (done; never the reading position)
    write: Write | None = None  # where it replays, when not the report's shard (corrections)


class History:
    def __init__(self, limit: int = HISTORY_LIMIT):
        self.limit = limit
        self._undo: list[Step] = []
        self._redo: list[Step] = []

    def record(self, step: Step) -> None:
        self._undo.append(step)
        del self._undo[:-self.limit]
        self._redo.clear()

    def replay(self, write: Write, *, back: bool) -> Change | None:
        """Undo (``back``) or redo the latest step through ``write(report_id,
        docs, state)``; returns what it was about, None when there is nothing to
        replay. If ``write`` raises, the step stays where it was."""
        source, target = (self._undo, self._redo) if back else (self._redo, self._undo)
        if not source:
            return None
        step = source[-1]
        pick = 0 if back else 1
        (step.write or write)(step.change.report_id, {k: v[pick] for k, v in step.docs.items()},
              {k: v[pick] for k, v in step.state.items()})
        target.append(source.pop())
        return step.change

    def drop_report(self, report_id: str) -> None:
        # corrections are not in the shard: their steps stay
        self._undo = [s for s in self._undo if s.change.report_id != report_id or s.write]
        self._redo = [s for s in self._redo if s.change.report_id != report_id or s.write]

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)
