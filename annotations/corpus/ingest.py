"""Import: files -> candidates (decoded, cleaned, dated) -> analysed reports.

The original files are never modified. Decoding, cleaning and dates are
imported here, so readers of the library (`list`, the TUI) never load them.

Hostile input (issue 9):
- Files are read only when ``stat`` says they are regular files, opened with
  ``O_NONBLOCK`` and checked again with ``fstat`` after the open: a FIFO, a
  socket, a device (also through a symlink, e.g. ``x.txt -> /dev/zero``) or a
  ``/proc``/``/sys`` pseudo-file is skipped with a reason without one blocking
  read. A file bigger than the size limit (``max_bytes``, default
  ``DEFAULT_MAX_BYTES``) is refused before reading; smaller ones are read in at
  most ``max_bytes + 1`` bytes, whatever the file does while it is read.
- Folders are walked without recursion (any depth), a folder that cannot be
  read is a skipped entry (a failure, never silence), the home is never
  imported into itself, and one bad file never aborts the rest.
- Text from outside (titles, ids, file names, JSONL fields) is made one clean
  line where it enters (``sanitize.single_line``); file names that are not
  UTF-8 or hold control characters are shown with escapes (``printable``).
- A JSONL field of the wrong type refuses its line (no ``str()`` coercion).

Writing (``Import``; the caller holds the writer lock): a new report's text
goes to ``texts/<id>.txt``, a changed report's new text to a new file
``texts/<id>+<sha16>.txt`` (written and fsynced); the catalogue is switched to
the new files in one SQLite transaction (every ``COMMIT_EVERY`` reports and at
the end), then the re-anchoring hook runs and the superseded texts and
analyses are removed. A kill at any moment leaves catalogue rows whose hash
matches their text; what the catalogue does not know is removed (and re-anchored) by the next writer
(``Library.recover``). Ctrl-C (or SIGTERM, which the command line turns into
KeyboardInterrupt) stops the import at the next report: what was finished is
committed and ``ImportSummary.interrupted`` is set.
"""
from __future__ import annotations

import hashlib
import os
import re
import signal
import stat
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from ..errors import InputError
from ..models import Analysis, ReportMeta, text_sha256
from ..nlp import PIPELINE_VERSION
from ..text.sanitize import inert, single_line

if TYPE_CHECKING:
    from .library import Library

SUFFIXES = {".txt", ".md", ".jsonl"}
MB = 1024 * 1024
DEFAULT_MAX_BYTES = 20 * MB  # per file: a 20 MB report already takes ~20 min of NLP
ID_MAX_BYTES = 180  # UTF-8 bytes of an id: "<id>+<16 hex>.txt" and temp names stay < 255
COMMIT_EVERY = 200  # reports finished between two catalogue commits (also every COMMIT_SECONDS)
COMMIT_SECONDS = 20.0
SENTENCES_SECONDS = 0.5  # between two progress notes inside a big report

Progress = Callable[[int, int, str], None]  # (done, total, what)
# (report id, old text, new text, new analysis): a re-imported report's text changed
TextChanged = Callable[[str, str, str, Analysis], None]

# The size limit when the caller passes none: ``with import_limits(max_bytes=...)``
# lets the command line set it through layers that do not pass it on (services).
_MAX_BYTES: ContextVar[int] = ContextVar("baocao_import_max_bytes", default=DEFAULT_MAX_BYTES)


@contextmanager
def import_limits(*, max_bytes: int) -> Iterator[None]:
    """Imports started inside this block refuse files bigger than ``max_bytes``."""
    token = _MAX_BYTES.set(int(max_bytes))
    try:
        yield
    finally:
        _MAX_BYTES.reset(token)


def max_bytes_default() -> int:
    return _MAX_BYTES.get()


def size_text(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= MB // 10 else f"{n:,} bytes"


# ---------------------------------------------------------------- printable names

def printable(path: str | os.PathLike) -> str:
    """A file name as one printable line: bytes that are not UTF-8 as ``\\xff``,
    control and invisible characters as ``\\n``, ``\\x1b``, ``\\u202e`` (lossless
    enough to tell files apart: it also names a report's source in the index)."""
    raw = os.fsencode(path) if not isinstance(path, str) or not path.isprintable() else None
    if raw is None:
        return path  # the common case
    text = raw.decode("utf-8", "backslashreplace")
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                   for c in text)


def _reason(text: str) -> str:
    return inert(single_line(text)) or "unknown reason"


@dataclass(slots=True)
class Skipped:
    source: str  # path, or "path:line" for a JSONL record (printable)
    reason: str  # one printable line
    failure: bool = True  # False: skipped on purpose (the home inside an imported folder)

    def __post_init__(self) -> None:
        self.source = printable(self.source)
        self.reason = _reason(self.reason)

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass(slots=True)
class ImportSummary:
    imported: list[str] = field(default_factory=list)  # new report ids (committed)
    updated: list[str] = field(default_factory=list)  # same id, changed text (committed)
    unchanged: list[str] = field(default_factory=list)  # ids already holding this text
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (source, existing id)
    skipped: list[Skipped] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)  # what the writer's recovery fixed
    interrupted: bool = False  # Ctrl-C / SIGTERM: what is listed above was committed, no more

    @property
    def failed(self) -> bool:
        return self.interrupted or any(s.failure for s in self.skipped)


@dataclass(slots=True)
class Candidate:
    """One report read from disk, cleaned and dated, before analysis."""

    source: str  # for messages: the path, or "path:line" for a JSONL record (printable)
    source_path: str  # the file (resolved, printable): with source_id, the report's identity
    stem: str  # wanted id (one clean line; made a safe id on import)
    text: str
    title: str
    date: str | None
    date_source: str
    byline: str
    stem_origin: str = ""  # set when the stem repeats inside one file
    origin: str = ""  # its id in the file as given (printable, lossless): identity; else stem
    date_evidence: str = ""  # the phrase the date came from (dates.date_of)
    removed: list[tuple[str, str]] = field(default_factory=list)  # noise lines, with why
    source_key: str = ""  # source_key() of the file's bytes (not for a JSONL record)

    @property
    def source_id(self) -> str:
        return self.stem_origin or self.origin or self.stem

    @property
    def sha256(self) -> str:
        return text_sha256(self.text)


# ---------------------------------------------------------------- walking folders

def _inside(path: Path, root: Path | None) -> bool:
    if root is None:
        return False
    try:
        p, r = path.resolve(), root.resolve()
    except (OSError, RuntimeError):
        return False
    return p == r or r in p.parents


def _walk(top: Path, seen: set[tuple[int, int]], home: tuple[int, int] | None
          ) -> Iterator[Path | Skipped]:
    """Supported files under ``top``: depth first, sorted, without recursion (any
    depth), each folder once (symlink loops safe), the home left out."""
    stack = [top]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            yield Skipped(str(folder), f"cannot read folder: {exc.strerror or exc}")
            continue
        subdirs: list[Path] = []
        for entry in entries:
            try:
                is_dir = entry.is_dir()  # follows symlinks
            except OSError:
                is_dir = False
            if is_dir:
                try:
                    st = entry.stat()
                except OSError as exc:
                    yield Skipped(entry.path, f"cannot read folder: {exc.strerror or exc}")
                    continue
                key = (st.st_dev, st.st_ino)
                if key == home:
                    yield Skipped(entry.path, "the baocao home itself: not imported into itself",
                                  failure=False)
                    continue
                if key not in seen:
                    seen.add(key)
                    subdirs.append(Path(entry.path))
            elif not entry.name.startswith(".") and Path(entry.name).suffix.lower() in SUFFIXES:
                yield Path(entry.path)
        stack.extend(reversed(subdirs))


def iter_files(paths: Iterable[str | os.PathLike], *, home: Path | None = None
               ) -> Iterator[Path | Skipped]:
    """Supported files under each path (sorted, any depth, symlink loops safe).
    ``home``: the baocao home, never imported into itself."""
    home_key = None
    if home is not None:
        try:
            st = os.stat(home)
            home_key = (st.st_dev, st.st_ino)
        except OSError:
            pass
    seen: set[tuple[int, int]] = set()
    for raw in paths:
        path = Path(raw)
        try:
            st = os.stat(path)
        except FileNotFoundError:
            yield Skipped(str(path), "no such file or directory")
            continue
        except OSError as exc:
            yield Skipped(str(path), f"cannot read: {exc.strerror or exc}")
            continue
        if _inside(path, home) or (st.st_dev, st.st_ino) == home_key:
            yield Skipped(str(path), "inside the baocao home: its own files are not imported")
        elif stat.S_ISDIR(st.st_mode):
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                yield from _walk(path, seen, home_key)
        elif path.suffix.lower() in SUFFIXES:
            yield path
        else:
            yield Skipped(str(path), f"unsupported file type {printable(path.suffix) or '(none)'!r}"
                          " (expected .txt, .md or .jsonl)")


# ---------------------------------------------------------------- reading files

def _kind(mode: int) -> str:
    for test, what in ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISDIR, "a folder")):
        if test(mode):
            return what
    return "not a plain file"


_PSEUDO: frozenset[int] | None = None


def _pseudo_devices() -> frozenset[int]:
    """Devices of /proc and /sys: their files say regular, size 0 or 4096, and
    may block or never end."""
    global _PSEUDO
    if _PSEUDO is None:
        devs = set()
        for p in ("/proc", "/sys"):
            try:
                devs.add(os.stat(p).st_dev)
            except OSError:
                pass
        _PSEUDO = frozenset(devs)
    return _PSEUDO


def _refusal(path: Path, st: os.stat_result, max_bytes: int) -> str | None:
    if not stat.S_ISREG(st.st_mode):
        via = ""
        if os.path.islink(path):
            try:
                via = f" (through a symlink to {printable(os.readlink(path))})"
            except OSError:
                via = " (through a symlink)"
        return f"not a regular file: {_kind(st.st_mode)}{via}"
    if st.st_dev in _pseudo_devices():
        return "not a regular file: a kernel pseudo-file (/proc, /sys)"
    if st.st_size > max_bytes:
        return (f"too big: {size_text(st.st_size)} (the limit is {size_text(max_bytes)} "
                "per file; `baocao import --max-size` raises it)")
    return None


_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
_CHUNK = 1 << 20


def read_bytes_limited(path: Path, max_bytes: int | None = None) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``, or InputError with
    the reason. Never blocks: stat first, open non-blocking, fstat after."""
    limit = max_bytes_default() if max_bytes is None else max_bytes
    try:
        refused = _refusal(path, os.stat(path), limit)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}") from None
    if refused:
        raise InputError(refused)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}") from None
    try:
        refused = _refusal(path, os.fstat(fd), limit)  # it may have been swapped since
        if refused:
            raise InputError(refused)
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise InputError(f"too big: it grew past the limit of {size_text(limit)} while read")
        return b"".join(chunks)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


# What turns a file's bytes into a candidate (decoding, cleaning, dates: text/),
# with this module: a change to any of them changes every source_key.
_CANDIDATE_CODE = ("text/decode.py", "text/clean.py", "text/noise.py", "text/dates.py",
                   "text/sanitize.py", "text/vietnamese.py", "corpus/ingest.py")


@cache
def _code_hash() -> bytes:
    """The source of _CANDIDATE_CODE and the NLP pipeline's version, hashed
    (empty when a source cannot be read: then no file is ever skipped)."""
    h = hashlib.sha256(PIPELINE_VERSION.encode())
    root = Path(__file__).resolve().parent.parent
    try:
        for name in _CANDIDATE_CODE:
            h.update((root / name).read_bytes())
    except OSError:
        return b""
    return h.digest()


def source_key(data: bytes) -> str:
    """A file's bytes and the code that makes a report of them: the same key
    means an import would make the same report again ("": not known)."""
    code = _code_hash()
    return hashlib.sha256(code + data).hexdigest() if code else ""


# (source path, source id, source_key) -> True when that file's report is
# unchanged and was counted so (Import.unchanged_file): the file is not decoded
Unchanged = Callable[[str, str, str], bool]


def _prepare(source: str, path: Path, stem: str, raw: str, *, title: str = "",
             date: str = "", key: str = "") -> Candidate:
    """``stem``: the id as the file gives it (a file name's stem, a record's id)."""
    from ..text.clean import clean
    from ..text.dates import date_of

    cleaned = clean(raw)
    header = date or cleaned.header_date
    iso, date_source, evidence = date_of(cleaned.text, header, [ln for ln, _ in cleaned.removed])
    return Candidate(source, printable(os.path.realpath(path)), single_line(stem), cleaned.text,
                     single_line(title or cleaned.title), iso, date_source,
                     single_line(cleaned.byline), origin=printable(stem), date_evidence=evidence,
                     removed=[(_shortened(line), why) for line, why in cleaned.removed],
                     source_key=key)


_REMOVED_CHARS = 200  # of a removed line kept in the catalogue (a repeated paragraph may be long)


def _shortened(line: str) -> str:
    return line if len(line) <= _REMOVED_CHARS else line[:_REMOVED_CHARS - 1] + "…"


def _json_type(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


def _record_fields(rec) -> tuple[str, str, str, str] | str:
    """(text, id, title, date) of a JSONL record, or why it is refused. ``id`` may
    be a string or an integer (written in decimal); ``title``, ``date`` strings;
    null or missing is "not given". Nothing else is coerced."""
    if not isinstance(rec, dict):
        return f"record is {_json_type(rec)}, not an object with a string 'text' field"
    if "text" not in rec:
        return "record has no string 'text' field"
    text = rec["text"]
    if not isinstance(text, str):
        return f"field 'text' must be a string, not {_json_type(text)}"
    rid = rec.get("id")
    if isinstance(rid, int) and not isinstance(rid, bool):
        rid = str(rid)
    elif rid is not None and not isinstance(rid, str):
        return f"field 'id' must be a string or an integer, not {_json_type(rid)}"
    out = [text, rid or ""]
    for key in ("title", "date"):
        value = rec.get(key)
        if value is not None and not isinstance(value, str):
            return f"field {key!r} must be a string, not {_json_type(value)}"
        out.append(value or "")
    return out[0], out[1], out[2], out[3]


def read_candidates(path: Path, *, max_bytes: int | None = None,
                    unchanged: Unchanged | None = None) -> Iterator[Candidate | Skipped]:
    """Decode and clean one file; a .jsonl file gives one candidate per line.
    ``unchanged``: asked first about a .txt or .md file (nothing is yielded
    when it says the file's report is unchanged)."""
    from ..text.clean import CleanError
    from ..text.decode import decode_bytes

    path = Path(path)
    shown = printable(path)
    stem = os.fsencode(path.stem).decode("utf-8", "backslashreplace")
    jsonl = path.suffix.lower() == ".jsonl"
    key = ""
    try:
        data = read_bytes_limited(path, max_bytes)
        if not jsonl:
            key = source_key(data)
            if unchanged is not None and key and unchanged(
                    printable(os.path.realpath(path)), printable(stem), key):
                return
        text, _encoding = decode_bytes(data)
    except InputError as exc:
        yield Skipped(shown, exc.message)
        return
    del data
    if not jsonl:
        try:
            yield _prepare(shown, path, stem, text, key=key)
        except CleanError as exc:
            yield Skipped(shown, str(exc))
        return
    for lineno, line in enumerate(text.split("\n"), 1):  # JSONL lines end at \n only
        if not line.strip():
            continue
        where = f"{shown}:{lineno}"
        try:
            rec = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            yield Skipped(where, f"malformed JSON ({exc})")
            continue
        fields = _record_fields(rec)
        if isinstance(fields, str):
            yield Skipped(where, fields)
            continue
        body, rid, title, date = fields
        try:
            yield _prepare(where, path, rid or f"{stem}-{lineno}", body, title=title,
                           date=single_line(date))
        except CleanError as exc:
            yield Skipped(where, str(exc))


def safe_id(stem: str) -> str:
    """Ids name files in the home: one safe path component of at most
    ``ID_MAX_BYTES`` UTF-8 bytes, printable (letters, digits, ``_ . -``)."""
    stem = re.sub(r"[^\w.-]+", "_", single_line(stem)).strip("._")
    if len(stem.encode("utf-8")) > ID_MAX_BYTES:
        stem = stem.encode("utf-8")[:ID_MAX_BYTES].decode("utf-8", "ignore").rstrip("._")
    return stem or "report"


def text_file_name(report_id: str, sha: str, *, first: bool) -> str:
    """A report's first text is ``<id>.txt``; each changed text gets a new
    name ``<id>+<sha16>.txt`` (``+`` is never in an id), so an import never
    overwrites a text the catalogue points at."""
    return f"{report_id}.txt" if first else f"{report_id}+{sha[:16]}.txt"


def text_file_owner(name: str) -> str | None:
    """The report id a text file name belongs to (None: not a text file name)."""
    if not name.endswith(".txt") or name.startswith("."):
        return None
    stem = name[:-4]
    head, plus, tail = stem.rpartition("+")
    if plus and re.fullmatch(r"[0-9a-f]{16}", tail):
        return head
    return stem


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


# ---------------------------------------------------------------- interrupts

@contextmanager
def deferred_interrupts() -> Iterator[None]:
    """SIGINT/SIGTERM wait until the block is done (a commit is never cut in
    two), then act as they would have. Only in the main thread (signals are
    delivered there); elsewhere a no-op."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    got: list[int] = []
    sigs = [s for s in (signal.SIGINT, getattr(signal, "SIGTERM", None)) if s is not None]
    old = {}
    for s in sigs:
        try:
            old[s] = signal.signal(s, lambda signum, _frame: got.append(signum))
        except (ValueError, OSError):
            pass
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
        if got:
            handler = old.get(got[0])
            if callable(handler):
                handler(got[0], None)
            elif handler != signal.SIG_IGN:
                signal.raise_signal(got[0])


# ---------------------------------------------------------------- writing

def _write_text(path: Path, text: str) -> None:
    """A text under a name the catalogue does not point at yet: written in place
    (a partial file from a kill is unknown to the catalogue and removed by the
    next writer), flushed to disk before the catalogue commit names it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f:
        f.write(text.encode("utf-8"))
        f.flush()
        os.fsync(f.fileno())


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


class Import:
    """One import into a library, under the writer lock held by the caller."""

    def __init__(self, lib: Library, summary: ImportSummary, *, progress: Progress | None = None,
                 workers: int | None = None, on_text_changed: TextChanged | None = None,
                 scheduler: str | None = None):
        self.lib, self.summary = lib, summary
        self.progress, self.workers, self.hook = progress, workers, on_text_changed
        self.scheduler = scheduler
        # committed: id -> ReportMeta, id -> text file name (updated as reports finish)
        self.index, self.files = lib._catalogue.load()
        self.by_sha = {m.sha256: m.id for m in self.index.values()}
        # A report's identity across re-imports: the file it came from + its id there.
        self.by_origin = {(m.source_path, m.source_id): m.id for m in self.index.values()}
        self.taken: set[str] = set()
        self.seen_origins: set[tuple[str, str]] = set()
        self.todo: list[tuple[Candidate, str, str]] = []  # (candidate, id, sha)
        # finished, not yet committed: (id, superseded text file or None, its hash, text, analysis)
        self.finished: list[tuple[str, str | None, str, str, Analysis]] = []
        self.done = 0
        self.last_commit = time.monotonic()
        self.rekeyed: list[tuple[str, str]] = []  # unchanged reports given their source_key

    # ------------------------------------------------------------ deciding
    def _stored_text_ok(self, rid: str, text: str) -> bool:
        """The report's stored text is ``text`` (re-importing repairs one that is not)."""
        try:
            with open(os.path.join(self.lib.home.texts_dir, self.files[rid]), "rb") as f:
                return f.read() == text.encode("utf-8")
        except OSError:
            return False

    def unchanged_file(self, source_path: str, source_id: str, key: str) -> bool:
        """True (and counted unchanged) when this file's report was made of these
        very bytes by this very code and its stored text is sound: what ``add``
        would find once the file is decoded and cleaned, found without."""
        origin = (source_path, source_id)
        rid = self.by_origin.get(origin)
        meta = self.index.get(rid) if rid is not None else None
        if meta is None or meta.source_key != key or origin in self.seen_origins \
                or rid in self.taken or self.by_sha.get(meta.sha256) != rid:
            return False
        try:
            with open(os.path.join(self.lib.home.texts_dir, self.files[rid]), "rb") as f:
                if hashlib.sha256(f.read()).hexdigest() != meta.sha256:
                    return False  # written again by the full path
        except OSError:
            return False
        self.seen_origins.add(origin)
        self.summary.unchanged.append(rid)
        return True

    def add(self, cand: Candidate) -> None:
        sha = cand.sha256
        if (cand.source_path, cand.source_id) in self.seen_origins:
            cand.stem_origin = cand.source  # a repeated id inside one file
        origin = (cand.source_path, cand.source_id)
        self.seen_origins.add(origin)
        existing = self.by_sha.get(sha)
        if existing is not None:
            if self.by_origin.get(origin) != existing:
                self.summary.duplicates.append((cand.source, existing))
                return
            if existing not in self.taken and (existing not in self.index
                                               or self._stored_text_ok(existing, cand.text)):
                self.summary.unchanged.append(existing)
                meta = self.index.get(existing)
                if meta is not None and cand.source_key and meta.source_key != cand.source_key:
                    # imported before keys (or by other code): the next re-import skips it
                    self.index[existing] = replace(meta, source_key=cand.source_key)
                    self.rekeyed.append((existing, cand.source_key))
                return
            # its stored text is missing or not what the index says: written again
        rid = self.by_origin.get(origin) or self.lib._unique_id(cand.stem, self.taken)
        self.taken.add(rid)
        old = self.index.get(rid)
        if old is not None and self.by_sha.get(old.sha256) == rid:
            del self.by_sha[old.sha256]  # that text is free for another report
        self.by_sha[sha] = rid
        self.by_origin[origin] = rid
        self.todo.append((cand, rid, sha))

    # ------------------------------------------------------------ finishing
    def finish(self, cand: Candidate, rid: str, sha: str, analysis: Analysis | None = None) -> None:
        lib = self.lib
        analysis = analysis or lib.cache.analysis(cand.text, sha)
        old = self.index.get(rid)
        old_file = self.files.get(rid) if old is not None else None
        name = text_file_name(rid, sha, first=old is None)
        if name == old_file:  # a damaged stored text written again under its own name
            name = f"{rid}+{sha[:16]}.txt" if old_file == f"{rid}.txt" else f"{rid}.txt"
        with deferred_interrupts():
            _write_text(lib.home.texts_dir / name, cand.text)
            self.index[rid] = ReportMeta(rid, cand.title, cand.date, cand.date_source,
                                         len(analysis.sentences), sha, cand.source_path,
                                         cand.source_id, cand.byline, _now(),
                                         date_evidence=cand.date_evidence,
                                         body_sentences=len(analysis.body_sentences()),
                                         removed=[list(r) for r in cand.removed],
                                         source_key=cand.source_key)
            self.files[rid] = name
            self.finished.append((rid, old_file, old.sha256 if old else "", cand.text, analysis))
        self.done += 1
        if self.progress:
            self.progress(self.done, len(self.todo), cand.source)
        if len(self.finished) >= COMMIT_EVERY or time.monotonic() - self.last_commit > COMMIT_SECONDS:
            self.commit()

    def commit(self) -> None:
        """Switch the catalogue to every finished text in one transaction; then
        re-anchor the changed reports and remove what they superseded."""
        self.last_commit = time.monotonic()
        if self.rekeyed:
            self.lib._catalogue.set_source_keys(self.rekeyed)
            self.rekeyed = []
        if not self.finished:
            return
        lib = self.lib
        with deferred_interrupts():
            from ..fsutil import fsync_dir
            from ..text.vietnamese import fold

            fsync_dir(lib.home.texts_dir)  # the texts are durable before a row names them
            batch = self.finished
            lib._catalogue.put([(self.index[rid], self.files[rid], fold(text))
                                for rid, _old, _sha, text, _a in batch])
            self.finished = []
            for rid, old_file, _sha, _text, _a in batch:
                (self.summary.updated if old_file is not None else self.summary.imported).append(rid)
            live = {m.sha256 for m in self.index.values()}
            for rid, old_file, old_sha, text, analysis in batch:
                if old_file is None:
                    continue
                old_path = lib.home.texts_dir / old_file
                if self.hook:
                    try:
                        old_text = old_path.read_text(encoding="utf-8")
                    except (OSError, UnicodeDecodeError):
                        old_text = ""
                    self.hook(rid, old_text, text, analysis)
                if old_file != self.files[rid]:
                    _unlink(old_path)
                if old_sha not in live:
                    lib.cache.remove(old_sha)

    # ------------------------------------------------------------ running
    def run(self, items: Iterable[Candidate | Skipped]) -> None:
        """Read, analyse and commit; Ctrl-C stops at the next report (what was
        finished is committed); any other failure commits what was finished and
        is raised."""
        try:
            for item in items:
                if isinstance(item, Skipped):
                    self.summary.skipped.append(item)
                else:
                    self.add(item)
            self._analyse()
        except KeyboardInterrupt:
            self.summary.interrupted = True
        except BaseException:
            try:
                self.commit()
            except Exception:  # noqa: BLE001 - the first failure is the one to report
                pass
            raise
        try:
            self.commit()
        except KeyboardInterrupt:  # a second Ctrl-C during the commit: it was completed
            self.summary.interrupted = True
        if self.summary.interrupted:  # the analysis cut short may have been cached already
            with deferred_interrupts():
                self.lib.cache.sweep(m.sha256 for m in self.index.values())

    def _analyse(self) -> None:
        lib = self.lib
        need = [t for t in self.todo if not lib.cache.has(t[2])]
        need_ids = {rid for _, rid, _ in need}
        for t in self.todo:
            if t[1] not in need_ids:
                self.finish(*t)
        if not need:
            return
        from .engines import analyses

        # in order, here, in local processes or on a Dask cluster (engines.py); a big
        # report goes in parts across the processes, its sentences counted as they come
        results = analyses([c.text for c, _, _ in need], workers=self.workers,
                           scheduler=self.scheduler, sentences=self._sentences(need))
        with closing(results):  # Ctrl-C or a failure: the processes are stopped at once
            for result, (cand, rid, sha) in zip(results, need):
                lib.cache.put_dict(sha, result)
                self.finish(cand, rid, sha, Analysis.from_dict(result))

    def _sentences(self, need: list[tuple[Candidate, str, str]]):
        """Progress within a report analysed in parts, at most every
        SENTENCES_SECONDS: (files done, total, "<source>: 1,200/3,400 sentences")."""
        if not self.progress:
            return None
        last = -SENTENCES_SECONDS

        def note(i: int, done: int, total: int) -> None:
            nonlocal last
            if time.monotonic() - last >= SENTENCES_SECONDS:
                last = time.monotonic()
                self.progress(self.done, len(self.todo),
                              f"{need[i][0].source}: {done:,}/{total:,} sentences")

        return note


def add_candidates(lib: Library, candidates: Iterable[Candidate | Skipped], summary: ImportSummary,
                   *, progress: Progress | None = None, workers: int | None = None,
                   on_text_changed: TextChanged | None = None, scheduler: str | None = None) -> None:
    """Add read candidates to the library (the caller holds the writer lock).
    Texts already cached are finished first; the rest are analysed in worker
    processes (or on a Dask ``scheduler``) and finished as their results arrive."""
    Import(lib, summary, progress=progress, workers=workers, on_text_changed=on_text_changed,
           scheduler=scheduler).run(candidates)


def read_all(paths: Iterable[str | os.PathLike], *, home: Path | None = None,
             max_bytes: int | None = None, unchanged: Unchanged | None = None
             ) -> Iterator[Candidate | Skipped]:
    """Every candidate (or skip) under ``paths``, one file at a time."""
    for item in iter_files(paths, home=home):
        if isinstance(item, Skipped):
            yield item
        else:
            yield from read_candidates(item, max_bytes=max_bytes, unchanged=unchanged)


def import_files(lib: Library, paths: Iterable[str | os.PathLike], summary: ImportSummary, *,
                 max_bytes: int | None = None, **kw) -> None:
    """Import files and folders (the caller holds the writer lock); a file whose
    report is unchanged (``Import.unchanged_file``) is read but not decoded."""
    job = Import(lib, summary, **kw)
    job.run(read_all(paths, home=lib.home.root, max_bytes=max_bytes, unchanged=job.unchanged_file))
