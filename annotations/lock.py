"""The single-writer lock of a home.

``HOME/.lock`` is held with ``filelock`` (flock: released by the kernel when the
holder exits or is killed, so a crash never leaves a stale lock).
``HOME/.lock.holder`` records who holds it (pid, host, user, annotator, since)
so a second writer can say who to ask; it is only read while the lock is
held by someone, and may lag by the instant between lock and write.
"""
from __future__ import annotations

import os
import socket
from datetime import datetime, timezone
from pathlib import Path

import orjson
from filelock import FileLock, Timeout

from .config import default_annotator
from .errors import StoreLocked
from .fsutil import atomic_write_bytes


class HomeLock:
    def __init__(self, home: Path):
        self.home = Path(home)
        self.path = self.home / ".lock"
        self.holder_path = self.home / ".lock.holder"
        self._lock = FileLock(str(self.path), timeout=0)

    def acquire(self, *, annotator: str, timeout: float = 0) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire(timeout=timeout)
        except Timeout:
            raise StoreLocked(f"{self.home} is open for writing by {self.holder()}; "
                              "close that baocao first, or open read-only") from None
        info = {"pid": os.getpid(), "host": socket.gethostname(), "user": default_annotator(),
                "annotator": annotator,
                "since": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        atomic_write_bytes(self.holder_path, orjson.dumps(info), durable=False)

    def holder(self) -> str:
        try:
            h = orjson.loads(self.holder_path.read_bytes())
            return (f"{h.get('user')} (annotator {h.get('annotator')}) on {h.get('host')}, "
                    f"pid {h.get('pid')}, since {h.get('since')}")
        except (OSError, orjson.JSONDecodeError, AttributeError):
            return "another process (holder unknown)"

    @property
    def is_locked(self) -> bool:
        return self._lock.is_locked

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release()
