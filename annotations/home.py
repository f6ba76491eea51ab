"""The Home: one baocao data directory, every path inside it, its writer lock
and its config.

    HOME/library/catalogue.sqlite         the catalogue (a ReportMeta per report)
    HOME/library/texts/<id>.txt           canonical texts
    HOME/cache/analysis/<sha>-<v>.json    analyses (rebuildable)
    HOME/annotations/...                  the annotation store (docs/store.md)
    HOME/exports/                         exports written from the TUI
    HOME/config.toml                      optional: annotator, theme, [reader], [labels], [keymap]
    HOME/.lock, HOME/.lock.holder         the single-writer lock and who holds it

Every write to a home (import, seeding, store changes, import-annotations)
happens inside ``Home.writer()``. The lock is re-entrant per Home object: the
TUI's store holds it for the whole session and seeding nests inside it; a
second process gets StoreLocked naming the holder.
"""
from __future__ import annotations

import getpass
import os
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import orjson

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

from .errors import ConfigError, StoreLocked
from .fsutil import atomic_write_bytes, atomic_writer

APP_NAME = "baocao"


def default_annotator() -> str:
    """The login name; "unknown" where there is none (containers without passwd)."""
    try:
        return getpass.getuser() or "unknown"
    except Exception:  # noqa: BLE001 - getpass raises several kinds
        return "unknown"


def seeds_dir() -> Path:
    """The bundled sample reports: inside the wheel, or ../seeds in a checkout."""
    from importlib import resources  # only a first run needs it (start-up time)

    packaged = resources.files("annotations") / "_seeds"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "seeds"


# ---------------------------------------------------------------- the lock
# HOME/.lock is held with fcntl.flock: the kernel releases it when the holder
# exits or is killed, so a crash never leaves a stale lock. flock is what
# filelock uses on POSIX too; calling it directly keeps filelock's imports
# (~15 ms) off the TUI's start-up. Where there is no fcntl, filelock is used.
# HOME/.lock.holder says who holds it (pid, host, user, annotator, since), so a
# second writer can say who to ask; it may lag by the instant between lock and write.

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
    def __init__(self, home: Path, path: Path, holder_path: Path):
        self.home = home
        self.path = path
        self.holder_path = holder_path
        self._lock = (_Flock if fcntl else _FileLock)(self.path)

    def acquire(self, *, annotator: str, timeout: float = 0) -> None:
        self.home.mkdir(parents=True, exist_ok=True)
        if not self._lock.acquire(timeout):
            raise StoreLocked(f"{self.home} is open for writing by {self.holder()}",
                              "Close that baocao first, or open read-only.")
        info = {"pid": os.getpid(), "host": socket.gethostname(), "user": default_annotator(),
                "annotator": annotator,
                "since": datetime.now(UTC).isoformat(timespec="seconds")}
        try:
            atomic_write_bytes(self.holder_path, orjson.dumps(info), durable=False)
        except OSError:  # a full disk: no lock may outlive the failure to take it
            self._lock.release()
            raise

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



class Home:
    def __init__(self, root: str | os.PathLike | None = None):
        """--home, else $BAOCAO_HOME, else the platform's user data dir."""
        if root is None:
            root = os.environ.get("BAOCAO_HOME") or None
        if root is None:
            from platformdirs import user_data_dir

            root = user_data_dir(APP_NAME, appauthor=False)
        self.root = Path(root).expanduser()
        self.root.mkdir(parents=True, exist_ok=True)
        self.library_dir = self.root / "library"
        self.texts_dir = self.library_dir / "texts"
        self.catalogue_path = self.library_dir / "catalogue.sqlite"
        self.index_path = self.library_dir / "index.json"  # the first release's (migrated)
        self.analysis_dir = self.root / "cache" / "analysis"
        self.store_dir = self.root / "annotations"
        self.shards_dir = self.store_dir / "reports"
        self.schema_path = self.store_dir / "store.json"
        self.summary_path = self.store_dir / "summary.json"
        self.v1_store_path = self.root / "annotations.json"  # schema 1 (store/migrate.py)
        self.v1_backup_path = self.root / "annotations.json.v1-migrated"
        self.exports_dir = self.root / "exports"
        self.config_path = self.root / "config.toml"
        self.lock_path = self.root / ".lock"
        self.holder_path = self.root / ".lock.holder"
        self._lock = HomeLock(self.root, self.lock_path, self.holder_path)
        self._depth = 0
        self._guard = threading.Lock()
        self._catalogue_guard = threading.Lock()  # text_path's names
        self._config: dict | None = None

    @classmethod
    def of(cls, home: Home | str | os.PathLike | None) -> Home:
        """A Home from a Home or a path (the core's functions accept both)."""
        return home if isinstance(home, Home) else cls(home)

    def __fspath__(self) -> str:
        return str(self.root)

    def __repr__(self) -> str:
        return f"Home({str(self.root)!r})"

    def text_path(self, report_id: str) -> Path:
        """A report's current canonical text: the file its catalogue row names
        (``text_file``: a changed text is written under a new name and the row
        switched to it in one transaction; the schema is corpus/catalogue.py's),
        else ``texts/<id>.txt``. The names that are not ``<id>.txt`` are read
        again only when the catalogue or its log changed, over a connection
        closed at once (no file of the home is held open); this never raises."""
        def signature(path: Path) -> tuple | None:
            try:
                st = os.stat(path)
                return st.st_ino, st.st_size, st.st_mtime_ns
            except OSError:
                return None

        wal = self.catalogue_path.with_name(self.catalogue_path.name + "-wal")
        sig = (signature(self.catalogue_path), signature(wal))
        with self._catalogue_guard:
            cached = self.__dict__.get("_text_files")
            if cached is None or cached[0] != sig:
                names: dict = {}
                if sig[0] is not None:
                    # read-write first: the last connection to close removes the log's
                    # files (a read-only one leaves them); immutable: a read-only disk
                    for mode in ("mode=rw", "mode=ro", "immutable=1"):
                        try:
                            db = sqlite3.connect(f"file:{self.catalogue_path}?{mode}", uri=True)
                            try:
                                names = dict(db.execute("SELECT id, text_file FROM reports "
                                                        "WHERE text_file != id || '.txt'"))
                                break
                            finally:
                                db.close()
                        except sqlite3.Error:
                            names = {}
                cached = self._text_files = (sig, names)
        name = cached[1].get(report_id)
        if not (isinstance(name, str) and name and "/" not in name and "\x00" not in name
                and not name.startswith(".")):
            name = f"{report_id}.txt"
        return self.texts_dir / name

    @property
    def has_store(self) -> bool:
        return self.store_dir.exists() or self.v1_store_path.exists()

    # ------------------------------------------------------------ the writer lock
    def acquire_writer(self, annotator: str = "", timeout: float = 0) -> None:
        """Take (or re-enter) the single-writer lock; StoreLocked names the holder."""
        with self._guard:
            if self._depth == 0:
                self._lock.acquire(annotator=annotator or self.annotator(), timeout=timeout)
            self._depth += 1

    def release_writer(self) -> None:
        with self._guard:
            if self._depth == 0:
                return
            self._depth -= 1
            if self._depth == 0:
                self._lock.release()

    @property
    def is_writer(self) -> bool:
        return self._depth > 0

    @contextmanager
    def writer(self, annotator: str = "", timeout: float = 0) -> Iterator[Home]:
        self.acquire_writer(annotator, timeout)
        try:
            yield self
        finally:
            self.release_writer()

    def lock_holder(self) -> str:
        return self._lock.holder()

    # ------------------------------------------------------------ config
    def config(self) -> dict:
        """HOME/config.toml as a dict ({} without one), read once."""
        if self._config is None:
            data: dict = {}
            if self.config_path.exists():
                import tomllib  # only homes with a config pay for it (start-up time)

                try:
                    data = tomllib.loads(self.config_path.read_text(encoding="utf-8"))
                except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                    raise ConfigError(f"{self.config_path}: not valid TOML ({exc})") from exc
            self._config = data
        return self._config

    def write_config(self, text: str) -> None:
        """Replace config.toml atomically (annotations/settings.py edits it), keeping
        its permissions and writing through a symlink (a dotfiles checkout stays
        linked); the next ``config()`` reads it again. No writer lock: the file is
        the user's settings, not the library's or the store's data."""
        import stat

        path = self.config_path.resolve()
        mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o644
        with atomic_writer(path, mode=mode) as f:
            f.write(text.encode("utf-8"))
        self._config = None

    def configured_annotator(self) -> str | None:
        """``annotator`` in config.toml, if any."""
        name = self.config().get("annotator")
        if name is not None and (not isinstance(name, str) or not name.strip()):
            raise ConfigError(f"{self.config_path}: 'annotator' must be a non-empty string")
        return name.strip() if name else None

    def annotator(self, override: str | None = None) -> str:
        """--annotator, else ``annotator`` in config.toml, else the login name."""
        if override and override.strip():
            return override.strip()
        return self.configured_annotator() or default_annotator()
