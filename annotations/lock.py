"""The single-writer lock of a home.

``HOME/.lock`` is held with ``fcntl.flock`` (released by the kernel when the
holder exits or is killed, so a crash never leaves a stale lock). flock is what
``filelock`` uses on POSIX too; calling it directly keeps ``filelock``'s imports
(logging, decimal, ~15 ms) off the TUI's start-up. Where there is no fcntl
(Windows), ``filelock`` is used.
``HOME/.lock.holder`` records who holds it (pid, host, user, annotator, since)
so a second writer can say who to ask; it is only read while the lock is
held by someone, and may lag by the instant between lock and write.
"""
from __future__ import annotations

import os
import socket
import time
from datetime import datetime, timezone
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

import orjson

from .config import default_annotator
from .errors import StoreLocked
from .fsutil import atomic_write_bytes


class _Flock:
    """A non-reentrant exclusive flock on one file, with a polling timeout."""

    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None

    def acquire(self, timeout: float) -> bool:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self._fd = fd
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return False
                time.sleep(0.05)

    @property
    def is_locked(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class _FileLock:
    """filelock where fcntl is missing."""

    def __init__(self, path: Path):
        from filelock import FileLock

        self._lock = FileLock(str(path), timeout=0)

    def acquire(self, timeout: float) -> bool:
        from filelock import Timeout

        try:
            self._lock.acquire(timeout=timeout)
            return True
        except Timeout:
            return False

    @property
    def is_locked(self) -> bool:
        return self._lock.is_locked

    def release(self) -> None:
        self._lock.release()


class HomeLock:
    def __init__(self, home: Path):
        self.home = Path(home)
        self.path = self.home / ".lock"
        self.holder_path = self.home / ".lock.holder"
        self._lock = (_Flock if fcntl else _FileLock)(self.path)

    def acquire(self, *, annotator: str, timeout: float = 0) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        if not self._lock.acquire(timeout):
            raise StoreLocked(f"{self.home} is open for writing by {self.holder()}; "
                              "close that baocao first, or open read-only")
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
        self._lock.release()
