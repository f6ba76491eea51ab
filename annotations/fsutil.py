"""Crash-safe file writes: a reader sees the old file or the new one, never half.

Also the small pieces every layer needs to turn the file system's failures
into one clear line (``os_reason``), to read a file without ever blocking on
something that is not a regular file (``read_regular``), and to find the temp
files a killed writer left behind (``stale_temps``).
"""
from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from hashlib import blake2b
from pathlib import Path
from typing import BinaryIO

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

NAME_MAX = 255  # bytes in one path component (Linux, macOS)
_TEMP_EXTRA = len(".") + 8 + len(".tmp")  # mkstemp's random part and our suffix
_RANDOM = "[a-z0-9_]{8}"  # tempfile's names (see tempfile._RandomNameSequence)
STALE_WITHOUT_FLOCK_S = 3600  # without fcntl a temp this old is taken for dead

_REASONS = {
    errno.ENOSPC: ("no space left on the device", "Free some disk space, then try again."),
    errno.EROFS: ("the file system is read-only",
                  "Open baocao read-only, or move the home to a writable disk."),
    errno.EACCES: ("permission denied", "Check that this user may write to that folder."),
    errno.EPERM: ("operation not permitted", "Check that this user may write to that folder."),
    errno.ENAMETOOLONG: ("the file name is too long", "Choose a shorter name or folder."),
    errno.EISDIR: ("it is a folder", "Choose a file name instead."),
    errno.ENOTDIR: ("a part of the path is not a folder", "Check the path."),
    errno.EIO: ("input/output error (a failing disk?)", "Check the disk, then try again."),
    errno.EMFILE: ("too many open files", "Close some programs, then try again."),
}
if hasattr(errno, "EDQUOT"):
    _REASONS[errno.EDQUOT] = ("the disk quota is exceeded", "Free some space, then try again.")


def os_reason(exc: OSError) -> tuple[str, str]:
    """(what went wrong, what to do), each one line, for a failed file operation."""
    known = _REASONS.get(exc.errno) if exc.errno is not None else None
    if known:
        return known
    reason = (exc.strerror or str(exc) or type(exc).__name__).splitlines()[0].rstrip(".")
    return reason[0].lower() + reason[1:] if reason else "unknown error", ""


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---------------------------------------------------------------- reading
def open_regular(path: Path) -> int:
    """A read-only descriptor of ``path`` if it is a regular file (through
    symlinks). Opened non-blocking, so a FIFO never hangs the caller, and
    checked with fstat after the open (no race with a swapped file). Raises
    FileNotFoundError, or OSError(EINVAL) for a folder, FIFO, socket or device."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
    except BaseException:
        os.close(fd)
        raise
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a FIFO, socket or device)"
        raise OSError(errno.EISDIR if stat.S_ISDIR(mode) else errno.EINVAL, f"it is {kind}",
                      str(path))
    return fd


def read_regular(path: Path) -> tuple[bytes, os.stat_result]:
    """(content, fstat) of a regular file; see ``open_regular`` for what is refused."""
    fd = open_regular(path)
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        return f.read(), st


# ---------------------------------------------------------------- temp files
def temp_prefix(name: str) -> str:
    """Prefix of the temp files written for ``name`` (``.name.``), kept short
    enough that prefix + mkstemp's 8 characters + ``.tmp`` fits NAME_MAX: a
    long name is cut and a hash of the whole name added."""
    prefix = f".{name}."
    if len(prefix.encode("utf-8", "surrogateescape")) + _TEMP_EXTRA - 1 <= NAME_MAX:
        return prefix
    cut = name.encode("utf-8", "surrogateescape")[:160].decode("utf-8", "ignore")
    tag = blake2b(name.encode("utf-8", "surrogateescape"), digest_size=8).hexdigest()
    return f".{cut}~{tag}."


def _is_temp_of(entry: str, prefix: str) -> bool:
    return entry.startswith(prefix) and re.fullmatch(_RANDOM + r"\.tmp", entry[len(prefix):]) is not None


def mkstemp_for(path: Path) -> tuple[int, Path]:
    """A new temp file next to ``path`` (same folder: ``os.replace`` is atomic)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=temp_prefix(path.name), suffix=".tmp")
    return fd, Path(tmp)


def stale_temps(path: Path) -> list[Path]:
    """Temp files of writers of ``path`` that died (SIGKILL, power cut): those
    whose flock can be taken (a live ``atomic_writer(lock=True)`` holds its
    own); where there is no fcntl, those older than an hour."""
    path = Path(path)
    prefix = temp_prefix(path.name)
    found = []
    try:
        entries = [e for e in os.scandir(path.parent) if _is_temp_of(e.name, prefix)]
    except OSError:
        return []
    for e in entries:
        try:
            if not e.is_file(follow_symlinks=False):
                continue
            if fcntl is None:
                if time.time() - e.stat(follow_symlinks=False).st_mtime > STALE_WITHOUT_FLOCK_S:
                    found.append(Path(e.path))
                continue
            fd = os.open(e.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # its writer is alive
            finally:
                os.close(fd)
            found.append(Path(e.path))
        except OSError:
            continue
    return found


def remove_stale_temps(path: Path) -> int:
    """Delete ``stale_temps(path)``; returns how many went."""
    n = 0
    for tmp in stale_temps(path):
        try:
            tmp.unlink()
            n += 1
        except OSError:
            pass
    return n


# ---------------------------------------------------------------- writing
@contextmanager
def immediate(db) -> Iterator:
    """One write transaction on an autocommit SQLite connection
    (``isolation_level=None``): BEGIN IMMEDIATE takes the write lock at once,
    the block's end commits, an exception (Ctrl-C too) rolls back all of it."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


@contextmanager
def atomic_writer(path: Path, *, durable: bool = True, mode: int | None = None,
                  buffering: int = -1, lock: bool = False) -> Iterator[BinaryIO]:
    """A file object whose content replaces ``path`` only when the block ends
    without error: temp file in the same folder, fsync, rename, fsync folder.
    On error the temp file is removed and ``path`` is untouched. ``lock``: hold
    an flock on the temp file while writing, so ``stale_temps`` can tell a
    live writer's temp file from a dead one's."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = mkstemp_for(path)
    try:
        if lock and fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with os.fdopen(fd, "wb", buffering=buffering) as f:
            yield f
            f.flush()
            if durable:
                os.fsync(f.fileno())
            if mode is not None:
                os.chmod(tmp, mode)
            os.replace(tmp, path)  # before the close: the flock is held until the name moved
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    if durable:
        fsync_dir(path.parent)


def atomic_write_bytes(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` atomically (see atomic_writer)."""
    with atomic_writer(path, durable=durable) as f:
        f.write(data)


@cache
def _syncfs():
    """libc's syncfs(2) (Linux), or None. Looked up when first needed: ctypes
    costs every command (and the TUI) ~10 ms to import."""
    if not (hasattr(os, "O_DIRECTORY") and os.uname().sysname == "Linux"):
        return None
    try:
        import ctypes
        import ctypes.util

        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        fn = libc.syncfs
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int]
    fn.restype = ctypes.c_int
    return fn


FSYNC_EACH_UP_TO = 8  # more files than this: one syncfs of their file system instead


def sync_files(paths: list[Path], folder: Path) -> None:
    """Make the content of ``paths`` (all in ``folder``'s file system) durable:
    fsync each, or for many files one ``syncfs`` of the file system (one
    journal commit instead of one per file) where Linux offers it."""
    if len(paths) > FSYNC_EACH_UP_TO and _syncfs() is not None:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            if _syncfs()(fd) != 0:
                err = ctypes_errno()
                raise OSError(err, os.strerror(err), str(folder))
        finally:
            os.close(fd)
        return
    for p in paths:
        fd = os.open(p, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def ctypes_errno() -> int:
    import ctypes

    return ctypes.get_errno() or errno.EIO


def write_temp(path: Path, data: bytes, *, durable: bool = True) -> Path:
    """``data`` in a new temp file next to ``path`` (fsynced), not renamed yet:
    for changes of several files that are renamed together (the caller renames
    it with ``os.replace``). ``durable=False``: the caller makes it durable
    (``sync_files``) before relying on it. On error nothing is left behind."""
    path = Path(path)
    fd, tmp = mkstemp_for(path)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            if durable:
                os.fsync(f.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp
