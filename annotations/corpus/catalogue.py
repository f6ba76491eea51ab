"""The library catalogue: one SQLite row per report, ``library/catalogue.sqlite``.

What `list`, the TUI table, sorting and the filter need are columns (id, date,
title, sentences, sha256, the text file's name); the whole ReportMeta is kept
as JSON beside them (``meta``), so a field added to ReportMeta flows through
without a schema change. The filter's haystack is folded
(``annotations.text.vietnamese.fold``): ``folded_title`` (title, id, date) in
the row, and both (title first) in two FTS5 tables that make the filter a
look-up: ``texts`` (trigram tokenizer: a word of three characters or more is
a substring match) and ``grams`` (contentless, no positions, over the same
text with a separator between all characters, so a trigram of it is one or
two characters of the text: shorter words). A word of four ASCII letters
or more is looked up in ``words`` instead (schema 2: each row's distinct
words of [a-z], contentless, no positions; ``terms`` lists every word
indexed): the indexed words that hold it, one probe each, where a phrase of
trigrams checks positions in nearly every report for a common syllable
("tinh"). The filter means exactly what
it meant when the TUI folded every text itself: every word of the query
occurs in the title, id, date or text. Readers keep the ids in table order
and each recent word's matches as a bool array in that order (``PRAGMA
data_version`` says when another process committed); a keystroke is then at
most one index look-up, an AND of a few arrays and one pass over the ids.

- WAL journal, ``synchronous=FULL``: a commit is durable before the import
  removes what it superseded; readers never block the writer.
- ``PRAGMA user_version`` is the schema version. An older catalogue is
  migrated in one transaction (``MIGRATIONS``); a newer one is refused with
  one line and never written.
- A file that is not a readable catalogue is refused with one line and never
  overwritten (LibraryError). ``baocao repair`` moves it aside (kept, never
  deleted) and rebuilds.
- Missing catalogue: a home of the first release (``library/index.json``) is
  migrated (checked as strictly as the old reader did; the old index is kept
  as ``index.json.migrated``); texts without a catalogue are rebuilt from
  (``rebuild_rows``); an empty home gets an empty catalogue at its first
  write. When the home cannot be written (read-only, another writer holds
  the lock), the migration or rebuild is made in memory for this reader.
- Every writer creates the catalogue (empty) before it writes a text, so
  texts with no catalogue beside them mean a lost catalogue, never a killed
  first import.

What a rebuild can and cannot recover. From the canonical texts
(``library/texts``): id (the file name), the text file, sha256; title, date
and date source re-derived by ``text/clean`` and ``text/dates`` on the stored
text, as an import derives them. From the analysis cache: the
sentence count (computed again when the analysis is missing too). Lost:
``source_path`` and ``source_id`` (the report's identity across re-imports:
re-importing the original file finds the report by its text and calls it a
duplicate; a changed original becomes a new report), a title or date given
by a JSONL field or a date header (the text's own are used), the byline
(cleaning removed it from the canonical text), ``imported_at``
(set to the rebuild time), and fields other parts add to ReportMeta unless
they are derived from the text. When a killed import left two texts of one
report, the newer complete one is taken. Annotations are untouched (the
store keeps them, anchored by text hash and offsets).
"""
from __future__ import annotations

import os
import re
import secrets
import sqlite3
import stat
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from itertools import compress
from operator import itemgetter
from pathlib import Path

import orjson

from ..errors import BaocaoError, LibraryError, StoreLocked
from ..fsutil import fsync_dir, immediate
from ..home import Home
from ..models import Analysis, ReportMeta, text_sha256
from ..text.vietnamese import fold

SCHEMA_VERSION = 2
INDEX_VERSION = 1  # library/index.json of the first release (migrated from)
_HINT = "`baocao repair` rebuilds it from the texts (the damaged file is kept aside)."
_INDEX_HINT = "Restore it from a backup, or move it away and re-import."

# schema 2: the distinct ASCII words (runs of [a-z]) of each folded title and
# text, and every word ever indexed (a superset: a word found in it may match none)
_WORDS = ["CREATE VIRTUAL TABLE words USING fts5 (w, content = '', detail = none, tokenize = 'ascii')",
          "CREATE TABLE terms (term TEXT PRIMARY KEY) WITHOUT ROWID"]
_SCHEMA = """
CREATE TABLE reports (
    n INTEGER PRIMARY KEY,            -- the rowid of the report's folded text in `texts`
    id TEXT NOT NULL UNIQUE,
    undated INTEGER NOT NULL,         -- sort: undated last
    date TEXT NOT NULL,               -- '' when undated
    date_source TEXT NOT NULL,
    title TEXT NOT NULL,
    sentences INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    text_file TEXT NOT NULL,
    folded_title TEXT NOT NULL,       -- fold(title id date): the filter
    meta TEXT NOT NULL,               -- the whole ReportMeta as JSON
    date_evidence TEXT NOT NULL DEFAULT ''  -- schema 2: `list` prints it
);
CREATE INDEX reports_order ON reports (undated, date, id);
-- rowid = reports.n: the folded title (with id and date) and the folded canonical text
CREATE VIRTUAL TABLE texts USING fts5 (title, body, tokenize = 'trigram case_sensitive 1');
CREATE VIRTUAL TABLE grams USING fts5 (title, body, content = '', detail = none,
                                       tokenize = 'trigram case_sensitive 1');
""" + "".join(f"{statement};\n" for statement in _WORDS)

# version -> the steps (SQL, or a function of the connection) that take a catalogue
# from it to version + 1; all steps from an older catalogue's version run in one
# transaction when it is opened.
MIGRATIONS: dict[int, list[str | Callable[[sqlite3.Connection], None]]] = {1: [
    "ALTER TABLE reports ADD COLUMN date_evidence TEXT NOT NULL DEFAULT ''",
    "UPDATE reports SET date_evidence = coalesce(json_extract(meta, '$.date_evidence'), '')",
    *_WORDS, lambda db: _index_words(db, db.execute("SELECT rowid, title, body FROM texts"))]}

_ORDER = "ORDER BY undated, date, id"  # ReportMeta.sort_key (BINARY: code point order)
_COLUMNS = ("(id, undated, date, date_source, title, sentences, sha256, text_file, folded_title, "
            "meta, date_evidence) VALUES (?,?,?,?,?,?,?,?,?,?,?)")

Row = tuple[ReportMeta, str, str]  # (meta, text file name, folded canonical text)


def folded_title(meta: ReportMeta) -> str:
    return fold(f"{meta.title} {meta.id} {meta.date or ''}")


def _values(meta: ReportMeta, text_file: str) -> tuple:
    return (meta.id, meta.date is None, meta.date or "", meta.date_source, meta.title,
            meta.sentences, meta.sha256, text_file, folded_title(meta),
            orjson.dumps(meta.to_dict()).decode(), meta.date_evidence)


WORDS_KEPT = 16  # words whose matches are kept (100 KB each at 100,000 reports)
SEP = "\x1f"  # between the characters in `grams` (a control character: never in a canonical text)


def _spread(folded: str) -> str:
    """``grams``' text: SEP around every character, so its trigrams "a|b" and
    "|a|" are exactly the two- and one-character substrings of ``folded``."""
    return f"{SEP}{SEP.join(folded)}{SEP}"


def _phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _term(word: str) -> tuple[str, str]:
    """(table, FTS5 phrase) of a folded word: three characters or more go to
    ``texts``, shorter ones to ``grams``."""
    if len(word) >= 3:
        return "texts", _phrase(word)
    return "grams", _phrase(SEP.join(word) if len(word) == 2 else f"{SEP}{word}{SEP}")


_WORD = re.compile(r"[a-z]+")
WORD_MIN = 4  # shorter words: one trigram, as quick as a word look-up
WORDS_OR = 32  # a word inside more indexed words than this is looked up in `texts`


def _words_of(title: str, body: str) -> str:
    """``words``' text of a row: its distinct words of ASCII letters. A word of
    the filter made of [a-z] only occurs in the folded text exactly when it is
    inside one of these (it cannot cross a character that ends one). Numbers
    are left to the trigrams: they are most of a library's distinct words."""
    return " ".join(sorted({*_WORD.findall(title), *_WORD.findall(body)}))  # the same at a delete


def _index_words(db: sqlite3.Connection, rows: Iterable[tuple[int, str, str]]) -> None:
    """Add (rowid, folded title, folded text) rows to ``words`` and ``terms``."""
    terms: set[str] = set()

    def texts():
        for n, title, body in rows:
            words = _words_of(title, body)
            terms.update(words.split())
            yield n, words

    db.executemany("INSERT INTO words (rowid, w) VALUES (?, ?)", texts())
    db.executemany("INSERT OR IGNORE INTO terms VALUES (?)", ((t,) for t in terms))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


# ---------------------------------------------------------------- index.json

_SHA_RE = re.compile(r"[0-9a-f]{64}")
# field -> the types it may have (ReportMeta; the last four may be missing in old homes)
_FIELDS: dict[str, tuple[type, ...]] = {
    "id": (str,), "title": (str,), "date": (str, type(None)), "date_source": (str,),
    "sentences": (int,), "sha256": (str,), "source_path": (str,), "source_id": (str,),
    "byline": (str,), "imported_at": (str,)}
_REQUIRED = ("id", "title", "date", "date_source", "sentences", "sha256")
_JSON_TYPES = {str: "a string", int: "an integer", type(None): "null", bool: "a boolean",
               float: "a number", list: "an array", dict: "an object"}


def safe_name(name: str) -> bool:
    """A file name inside one folder: no separators, NUL, dot-names or temp names."""
    return bool(name) and "/" not in name and "\\" not in name and "\x00" not in name \
        and not name.startswith(".")


def parse_index(doc, path: Path) -> tuple[dict[str, ReportMeta], dict[str, str]]:
    """A first-release index: (id -> ReportMeta, id -> text file name when not
    <id>.txt), or LibraryError naming the first bad record. Types are checked,
    values are not judged (an old home's titles are shown inertly, not refused)."""
    def bad(what: str) -> LibraryError:
        return LibraryError(f"library index {path} is corrupt ({what}); it was not changed",
                            _INDEX_HINT)

    if not isinstance(doc, dict) or not isinstance(doc.get("reports"), list):
        raise bad("no list of reports")
    version = doc.get("version")
    if version != INDEX_VERSION:
        if isinstance(version, int) and not isinstance(version, bool) and version > INDEX_VERSION:
            raise LibraryError(f"library index {path} was written by a newer baocao (version "
                               f"{version}); it was not changed", "Upgrade baocao to open it.")
        raise bad(f"unknown version {version!r}")
    index: dict[str, ReportMeta] = {}
    files: dict[str, str] = {}
    for n, rec in enumerate(doc["reports"], 1):
        if not isinstance(rec, dict):
            raise bad(f"report {n} is {_JSON_TYPES.get(type(rec), 'not an object')}, not an object")
        for key in _REQUIRED:
            if key not in rec:
                raise bad(f"report {n} has no {key!r}")
        for key, types in _FIELDS.items():
            if key in rec:
                value = rec[key]
                if type(value) not in types:  # exact: True is not a sentence count
                    raise bad(f"report {n}: {key!r} is {_JSON_TYPES.get(type(value), 'of a wrong type')}")
        rid = rec["id"]
        if not safe_name(rid) or rid in (".", ".."):
            raise bad(f"report {n}: id {rid!r} cannot name a file")
        if rec["sentences"] < 0 or not _SHA_RE.fullmatch(rec["sha256"]):
            raise bad(f"report {n} ({rid!r}): bad sentence count or sha256")
        if rid in index:
            raise bad(f"report id {rid!r} appears twice")
        name = rec.get("text_file")
        if name is not None:
            if not isinstance(name, str) or not safe_name(name) or not name.endswith(".txt"):
                raise bad(f"report {n} ({rid!r}): 'text_file' must be a file name ending in .txt")
            files[rid] = name
        index[rid] = ReportMeta.from_dict(rec)
    return index, files


def read_index(path: Path) -> tuple[dict[str, ReportMeta], dict[str, str]]:
    """``parse_index`` of the file at ``path`` (LibraryError when it is not one)."""
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            what = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file"
            raise LibraryError(f"library index {path} is {what}; it was not changed", _INDEX_HINT)
        doc = orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as exc:
        raise LibraryError(f"library index {path} is corrupt ({exc}); it was not changed",
                           _INDEX_HINT) from None
    except OSError as exc:
        raise LibraryError(f"library index {path} cannot be read ({exc.strerror or exc})",
                           _INDEX_HINT) from None
    return parse_index(doc, path)


def _folded_text(path: Path) -> str:
    try:
        return fold(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return ""  # opening the report says what is wrong with it


def index_rows(home: Home) -> Iterator[Row]:
    """The rows of a first-release index (every text read once, for the filter)."""
    index, files = read_index(home.index_path)
    for rid, meta in index.items():
        name = files.get(rid) or f"{rid}.txt"
        yield meta, name, _folded_text(home.texts_dir / name)


# ---------------------------------------------------------------- rebuild

def _owner(name: str) -> str | None:
    from .ingest import text_file_owner

    owner = text_file_owner(name)
    return owner if owner and safe_name(owner) else None


def rebuild_rows(home: Home, cache, notes: list[str]) -> Iterator[Row]:
    """Rows re-derived from ``library/texts`` and the analysis cache (what can
    and cannot be recovered: the module's docstring). One per report; a text
    file whose name says another hash than its content is passed over."""
    from ..text.clean import CleanError, clean
    from ..text.dates import find_date

    found: dict[str, list[tuple[int, str, str]]] = {}
    try:
        entries = list(os.scandir(home.texts_dir))
    except FileNotFoundError:
        return
    for entry in entries:
        owner = _owner(entry.name)
        if owner is None or not entry.is_file(follow_symlinks=False):
            continue
        try:
            text = Path(entry.path).read_text(encoding="utf-8")
            mtime = entry.stat(follow_symlinks=False).st_mtime_ns
        except (OSError, UnicodeDecodeError) as exc:
            notes.append(f"{entry.name}: not readable, left out ({exc})")
            continue
        sha = text_sha256(text)
        if entry.name != f"{owner}.txt" and not entry.name.endswith(f"+{sha[:16]}.txt"):
            notes.append(f"{entry.name}: incomplete (its name says another text), left out")
            continue
        found.setdefault(owner, []).append((mtime, entry.name, text))
    now = _now()
    analysed = 0
    for rid in sorted(found):
        _mtime, name, text = max(found[rid])
        sha = text_sha256(text)
        try:
            title = clean(text).title
        except CleanError:
            title = ""
        date, date_source = find_date(text)
        cached = cache.get_dict(sha)
        try:
            sentences, body = len(cached["sentences"]), Analysis.body_count(cached)
        except (KeyError, TypeError, IndexError):  # missing or damaged: analysed again
            analysed += 1
            analysis = cache.analysis(text, sha)
            sentences, body = len(analysis.sentences), len(analysis.body_sentences())
        meta = ReportMeta(rid, title, date, date_source, sentences, sha, "", rid, "", now,
                          body_sentences=body)
        yield meta, name, fold(text)
    if found:
        notes.append(f"rebuilt the catalogue from {len(found)} text(s) in {home.texts_dir}"
                     + (f" ({analysed} analysed again: no cached analysis)" if analysed else "")
                     + "; titles and dates come from the texts, the source files are not "
                     "known (re-importing one finds its report as a duplicate)")


# ---------------------------------------------------------------- the catalogue

class NewerCatalogue(LibraryError):
    """The catalogue's schema is newer than this baocao's: never written, not repaired."""


class Catalogue:
    """The catalogue of one home. One connection, shared by the threads of a
    process (the TUI seeds in a thread) under a lock; every read in autocommit
    mode sees the last commit of any process."""

    def __init__(self, home: Home, cache):
        self.home = home
        self.cache = cache
        self.path = home.library_dir / "catalogue.sqlite"
        self.notes: list[str] = []  # what opening did (migrated, rebuilt): shown by callers
        self._db: sqlite3.Connection | None = None
        self._makeshift = False  # in memory or read as is: a reader's, never written
        self._lock = threading.RLock()
        # (connection, data_version) -> ids in table order, how many dated
        self._order_cache: tuple | None = None
        self._words: dict = {}  # (table, phrase) -> a word's matches (_flags), until a commit
        self._position = None  # rowid -> its place in table order (numpy array)
        self._terms: str | None = None  # every indexed word, a line each (with _position)
        self._listed: tuple[bytes, list[str], list[str]] | None = None  # the last query's ids

    # ------------------------------------------------------------ opening
    def _error(self, exc: BaseException) -> LibraryError:
        if isinstance(exc, sqlite3.OperationalError):  # the disk, not the file
            return LibraryError(f"library catalogue {self.path} cannot be used ({exc}); it was "
                                "not changed", "Check the disk's free space and permissions.")
        return LibraryError(f"library catalogue {self.path} is corrupt ({exc}); it was not changed",
                            _HINT)

    def _checked(self, target: str, uri: bool = False) -> sqlite3.Connection:
        db = sqlite3.connect(target, uri=uri, isolation_level=None, check_same_thread=False)
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
        except BaseException:
            db.close()
            raise
        if version > SCHEMA_VERSION:
            db.close()
            raise NewerCatalogue(f"library catalogue {self.path} was written by a newer baocao "
                               f"(schema {version}); it was not changed", "Upgrade baocao to open it.")
        if version < 1 or not {"reports", "texts", "grams", *(("words", "terms") if version >= 2
                                                              else ())} <= tables:
            db.close()
            raise self._error("not a baocao catalogue")
        return db

    def _open_file(self, *, create: bool) -> sqlite3.Connection:
        """The catalogue on disk, checked before anything is written to it. A
        reader whose disk cannot give it the log's shared memory (read-only,
        full) reads the file as it is (``immutable``)."""
        try:
            st = os.stat(self.path)
        except OSError as exc:
            raise LibraryError(f"library catalogue {self.path} cannot be read "
                               f"({exc.strerror or exc})", _HINT) from None
        if not stat.S_ISREG(st.st_mode):
            what = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file"
            raise LibraryError(f"library catalogue {self.path} is {what}; it was not changed", _HINT)
        try:
            db = self._checked(str(self.path))
        except sqlite3.OperationalError as exc:
            if create:
                raise self._error(exc) from None
            try:
                db = self._checked(f"file:{self.path}?immutable=1", uri=True)
            except sqlite3.Error:
                raise self._error(exc) from None
            self._makeshift = True  # a writer opens it again
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        db.execute("PRAGMA synchronous = FULL")  # durable before superseded texts are removed
        db.execute("PRAGMA busy_timeout = 10000")
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version < SCHEMA_VERSION:
            self._migrate(db, version)
        return db

    def _migrate(self, db: sqlite3.Connection, version: int) -> None:
        """Run ``MIGRATIONS`` from ``version`` up, all in one transaction."""
        try:
            with self.home.writer(), immediate(db):
                for v in range(version, SCHEMA_VERSION):
                    for step in MIGRATIONS[v]:
                        step(db) if callable(step) else db.execute(step)
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self.notes.append(f"upgraded the library catalogue from schema {version} to "
                              f"{SCHEMA_VERSION}")
        except (BaocaoError, OSError, sqlite3.Error) as exc:
            db.close()
            raise LibraryError(f"library catalogue {self.path} is of schema {version} and could "
                               f"not be upgraded to {SCHEMA_VERSION} ({exc}); it was not changed",
                               "Open it once with write access (no other baocao running).") from None

    @staticmethod
    def _index_texts(db: sqlite3.Connection, rows: list[tuple[int, str, str]]) -> None:
        """Index (rowid, folded title, folded text) rows in ``texts``, ``grams``, ``words``."""
        db.executemany("INSERT INTO texts (rowid, title, body) VALUES (?, ?, ?)", rows)
        db.executemany("INSERT INTO grams (rowid, title, body) VALUES (?, ?, ?)",
                       ((n, _spread(title), _spread(body)) for n, title, body in rows))
        _index_words(db, rows)

    def _fill(self, db: sqlite3.Connection, rows: Iterable[Row]) -> int:
        """Insert rows: every report first, then their texts, so that the rows
        `list` reads lie together in the file and not between index pages."""
        texts = []
        db.execute("BEGIN")
        for meta, name, folded in rows:
            values = _values(meta, name)
            cur = db.execute(f"INSERT INTO reports {_COLUMNS}", values)
            texts.append((cur.lastrowid, values[8], folded))
        self._index_texts(db, texts)
        db.execute("COMMIT")
        return len(texts)

    def _new_db(self, target: str, *, bulk: bool = False) -> sqlite3.Connection:
        """A new, empty catalogue. ``bulk``: a temp file filled before it is renamed
        into place (no journal: the file is fsynced whole, then renamed)."""
        db = sqlite3.connect(target, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA journal_mode = OFF" if bulk else "PRAGMA journal_mode = WAL")
        if bulk:
            db.execute("PRAGMA synchronous = OFF")
        db.executescript(_SCHEMA + f"PRAGMA user_version = {SCHEMA_VERSION};")
        return db

    def create(self, rows: Iterable[Row] = ()) -> int:
        """Write a new catalogue of ``rows`` (temp file, then renamed into place;
        the caller holds the writer lock). Returns how many rows."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{secrets.token_hex(4)}.tmp")
        try:
            db = self._new_db(str(tmp), bulk=True)
            try:
                n = self._fill(db, rows)
                db.execute("PRAGMA journal_mode = WAL")
            finally:
                db.close()
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, self.path)
            fsync_dir(self.path.parent)
        except BaseException:
            for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
                try:
                    leftover.unlink()
                except FileNotFoundError:
                    pass
            raise
        return n

    def _initial_rows(self) -> Iterator[Row] | None:
        """What a missing catalogue is made from: the first release's index,
        else the texts (None: nothing, an empty library)."""
        if os.path.lexists(self.home.index_path):
            return index_rows(self.home)
        try:
            if any(_owner(e.name) for e in os.scandir(self.home.texts_dir)):
                return rebuild_rows(self.home, self.cache, self.notes)
        except (FileNotFoundError, NotADirectoryError):
            pass
        return None

    def _build(self, rows: Iterator[Row]) -> None:
        """Create the missing catalogue from ``rows`` under the writer lock."""
        with self.home.writer():
            if os.path.lexists(self.path):  # another process made it meanwhile
                return
            migrating = os.path.lexists(self.home.index_path)
            n = self.create(rows)
            if migrating:
                backup = self.home.index_path.with_name("index.json.migrated")
                k = 2
                while os.path.lexists(backup):
                    backup = self.home.index_path.with_name(f"index.json.migrated-{k}")
                    k += 1
                os.replace(self.home.index_path, backup)
                fsync_dir(self.path.parent)
                self.notes.append(f"moved the library index ({n} reports) into {self.path}; "
                                  f"the old index is kept as {backup.name}")

    def connect(self, *, create: bool = False) -> sqlite3.Connection:
        """The open catalogue. Missing: migrated or rebuilt (module docstring);
        nothing to make it from: an empty one, written only when ``create``
        (a writer). A reader that cannot write gets the result in memory."""
        with self._lock:
            if self._db is not None and not (self._makeshift and create):
                return self._db
            if not os.path.lexists(self.path):
                rows = self._initial_rows()
                if rows is None and not create:
                    return self._new_db(":memory:")  # empty, not kept: a writer may come
                try:
                    self._build(rows if rows is not None else iter(()))
                except (StoreLocked, OSError, sqlite3.OperationalError) as exc:
                    if create:
                        if isinstance(exc, sqlite3.Error):
                            raise self._error(exc) from None
                        raise
                    db = self._new_db(":memory:")
                    self._fill(db, self._initial_rows() or ())
                    self.notes.append(f"the library catalogue could not be written ({exc}); "
                                      "it was made in memory for this session")
                    if self._db is not None:
                        self._db.close()
                    self._db, self._makeshift = db, True
                    return db
            if self._db is not None:
                self._db.close()
            self._makeshift = False
            self._db = self._open_file(create=create)
            return self._db

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def __del__(self) -> None:
        # a sqlite3 connection is in a reference cycle (its statement cache): closed
        # here, it checkpoints its log now, not whenever the cycle collector runs
        self.close()

    def _read(self, sql: str, args=()) -> list[tuple]:
        with self._lock:
            db = self.connect()
            try:
                return db.execute(sql, args).fetchall()
            except sqlite3.Error as exc:
                raise self._error(exc) from None

    # ------------------------------------------------------------ reading
    def _order(self) -> tuple[list[str], int]:
        """The ids of every report in table order and how many are dated, read
        again only after a commit (``PRAGMA data_version`` counts other
        connections' commits; ``put`` forgets it for this one's)."""
        with self._lock:
            db = self.connect()
            try:
                key = (id(db), db.execute("PRAGMA data_version").fetchone()[0])
                if self._order_cache is None or self._order_cache[0] != key:
                    self._order_cache = (key, *self._read_order(db))
                    self._words.clear()
                    self._position = self._listed = self._terms = None
            except sqlite3.Error as exc:
                raise self._error(exc) from None
            return self._order_cache[1:]

    @staticmethod
    def _read_order(db: sqlite3.Connection) -> tuple[list[str], int]:
        """One string from SQLite rather than a row per report (a third of the time)."""
        total, dated, ids = db.execute(
            f"SELECT count(*), total(undated = 0), group_concat(id, char(31)) "
            f"FROM (SELECT id, undated FROM reports {_ORDER})").fetchone()
        ids = ids.split("\x1f") if total else []
        if len(ids) != total:  # an id of a first-release home holding the separator
            ids = [r[0] for r in db.execute(f"SELECT id FROM reports {_ORDER}")]
        return ids, int(dated)

    def prepare_filter(self) -> None:
        """Where each rowid lies in table order, for the filter (numpy: a
        keystroke at 100,000 reports is a few array operations): made when a
        filter first runs, or ahead of it (the TUI, when its filter box opens),
        not at start-up."""
        with self._lock:
            while self._position is None:
                ids, _dated = self._order()
                order = self._order_cache
                import numpy as np  # ~0.1 s: only when a filter is wanted

                ns = self._read(f"SELECT group_concat(n) FROM (SELECT n FROM reports {_ORDER})")[0][0]
                terms = self._read("SELECT group_concat(term, char(10)) FROM terms")[0][0]
                self._order()
                if self._order_cache is not order:  # another process committed meanwhile
                    continue
                rowids = np.fromstring(ns, dtype=np.int64, sep=",") if ids else np.zeros(0, np.int64)
                # a rowid not in the table (none is, in a sound catalogue): past the last report
                position = np.full(int(rowids.max(initial=0)) + 1, len(ids), dtype=np.int64)
                position[rowids] = np.arange(len(rowids))
                self._terms = f"\n{terms or ''}\n"
                self._position = position

    def _lookup(self, word: str) -> tuple[str, str]:
        """(table, FTS5 query) of a folded word: ``_term``'s, or for a word of
        WORD_MIN or more ASCII letters, the indexed words holding it
        in ``words`` (a probe of each, where a phrase of trigrams checks the
        positions of every report that has them: 25 ms for "tinh" at 100,000
        reports; '': no word holds it)."""
        if len(word) < WORD_MIN or not _WORD.fullmatch(word):
            return _term(word)
        terms = self._terms  # read by prepare_filter
        found = set()
        for hit in re.finditer(word, terms):  # [a-z]: no word holds a newline: one hit per word at least
            i = hit.start()
            found.add(terms[terms.rfind("\n", 0, i) + 1:terms.find("\n", i)])
            if len(found) > WORDS_OR:
                return _term(word)
        return "words", " OR ".join(map(_phrase, sorted(found)))

    def _flags(self, word: str):
        """Which reports match one folded word: a bool array in table order.
        Kept for the WORDS_KEPT words used last, until the next commit: typing
        changes one word at a time, so a keystroke looks up one."""
        import numpy as np

        term = self._lookup(word)
        flags = self._words.pop(term, None)
        if flags is None:
            table, phrase = term
            position = self._position  # made by _matching
            # one string from SQLite, not a row per report: half the time for 100,000
            joined = phrase and self._read(
                f"SELECT group_concat(rowid) FROM {table} WHERE {table} MATCH ? AND rowid < ?",
                (phrase, len(position)))[0][0]
            found = np.zeros(len(self._order_cache[1]) + 1, dtype=bool)
            if joined:
                found[position[np.fromstring(joined, dtype=np.int64, sep=",")]] = True
            flags = found[:-1]
            if len(self._words) >= WORDS_KEPT:
                del self._words[next(iter(self._words))]  # the least recently used
        self._words[term] = flags
        return flags

    def _matching(self, query: str) -> bytes | None:
        """A byte per report in table order, 1 where it matches ``query``; None:
        no words (all). "Every word occurs" (``vietnamese.matches_words``) is
        every one matching: their flags ANDed."""
        self._order()  # read again after a commit
        words = sorted(set(fold(query).split()))
        if not words:
            return None
        self.prepare_filter()
        flags = [self._flags(w) for w in words]
        keep = flags[0].copy()
        for more in flags[1:]:
            keep &= more
        return keep.tobytes()

    def count(self, query: str = "") -> int:
        with self._lock:
            keep = self._matching(query)
            return len(self._order_cache[1]) if keep is None else keep.count(1)

    def ids(self, query: str = "", newest_first: bool = False) -> list[str]:
        """Report ids in table order: oldest first, undated last; newest first
        reverses the dated ones (undated stay last, by id)."""
        with self._lock:  # the order the matches were made in
            keep = self._matching(query)
            ids, dated = self._order_cache[1:]
        if keep is None:
            head, tail = ids[:dated], ids[dated:]
        elif self._listed is not None and self._listed[0] == keep:  # the same words again
            head, tail = self._listed[1:]
        else:
            head, tail = list(compress(ids[:dated], keep)), list(compress(ids[dated:], keep[dated:]))
            self._listed = (keep, head, tail)
        return (head[::-1] if newest_first else head) + tail

    def titles(self, query: str, limit: int) -> list[tuple[str, str, str | None]]:
        """(id, title, date) of at most ``limit`` reports whose folded title (with
        id and date) holds every folded word of ``query``: the title column of
        ``texts`` for words of three characters or more, the row's folded title
        for shorter ones."""
        words = sorted(set(fold(query).split()))
        if not words:
            return []
        long = [w for w in words if len(w) >= 3]
        where = " AND ".join(["instr(folded_title, ?)"] * (len(words) - len(long)))
        args: list = [w for w in words if len(w) < 3]
        if long:
            where = " AND ".join(filter(None, ["n IN (SELECT rowid FROM texts WHERE texts MATCH ?)",
                                               where]))
            args.insert(0, " AND ".join(f"title : {_phrase(w)}" for w in long))
        rows = self._read(f"SELECT id, title, date FROM reports WHERE {where} LIMIT ?",
                          (*args, limit))
        return [(rid, title, date or None) for rid, title, date in rows]

    def get(self, report_id: str) -> ReportMeta | None:
        rows = self._read("SELECT meta FROM reports WHERE id = ?", (report_id,))
        return ReportMeta.from_dict(orjson.loads(rows[0][0])) if rows else None

    def get_many(self, ids: Iterable[str]) -> dict[str, ReportMeta]:
        rows = self._read("SELECT meta FROM reports WHERE id IN (SELECT value FROM json_each(?))",
                          (orjson.dumps(list(ids)).decode(),))
        metas = (ReportMeta.from_dict(orjson.loads(r[0])) for r in rows)
        return {m.id: m for m in metas}

    def metas(self) -> list[ReportMeta]:
        """Every report, in table order."""
        return [ReportMeta.from_dict(orjson.loads(r[0]))
                for r in self._read(f"SELECT meta FROM reports {_ORDER}")]

    def listing(self, fields: tuple[str, ...]) -> list[tuple]:
        """Those ReportMeta fields of every report, in table order, without making
        a ReportMeta: columns where the row has them, else read from its JSON by
        SQLite. Rows are read in storage order and sorted here (reading them in
        the index's order costs a seek each)."""
        known = {"id", "title", "date", "date_source", "sentences", "sha256", "date_evidence"}
        for name in fields:
            if name not in ReportMeta.__dataclass_fields__:
                raise ValueError(f"not a ReportMeta field: {name!r}")
        cols = ", ".join(name if name in known else f"json_extract(meta, '$.{name}')"
                         for name in fields)
        rows = self._read(f"SELECT undated, date, id, {cols} FROM reports")
        rows.sort(key=itemgetter(0, 1, 2))
        return [r[3:] for r in rows]

    def list_json(self, progress: dict[str, tuple[int, bool]]) -> str:
        """`baocao list --json`: a JSON object per report, one a line, in table
        order, written by SQLite (json_object escapes as orjson does): id, title,
        date and date_evidence (null when none), date_source, sentences, and
        from ``progress`` (id -> (tagged, done)) tagged and done. No row becomes
        a Python object: at 100,000 reports, a quarter of the time. The sort is
        SQLite's own (``+``: not the index, which costs a seek per row). No
        progress (a home without annotations): no join (a tenth of the time)."""
        tagged, done, join = ("coalesce(p.tagged, 0)", "json(CASE WHEN p.done THEN 'true' ELSE "
                              "'false' END)", "LEFT JOIN p ON p.id = r.id") if progress \
            else ("0", "json('false')", "")
        joined = self._read(
            "WITH p AS MATERIALIZED (SELECT key AS id, json_extract(value, '$[0]') AS tagged, "
            "json_extract(value, '$[1]') AS done FROM json_each(?)) "
            "SELECT group_concat(line, char(10)) FROM (SELECT json_object('id', r.id, "
            "'title', title, 'date', CASE WHEN undated THEN NULL ELSE date END, "
            "'date_source', date_source, 'date_evidence', nullif(date_evidence, ''), "
            f"'sentences', sentences, 'tagged', {tagged}, 'done', {done}) AS line "
            f"FROM reports r {join} ORDER BY +undated, +date, +r.id)",
            (orjson.dumps(progress).decode(),))[0][0]
        return joined or ""

    def load(self) -> tuple[dict[str, ReportMeta], dict[str, str]]:
        """(id -> ReportMeta, id -> text file name) of every report: for writers."""
        index, files = {}, {}
        for meta, name in self._read("SELECT meta, text_file FROM reports"):
            m = ReportMeta.from_dict(orjson.loads(meta))
            index[m.id], files[m.id] = m, name
        return index, files

    def text_file(self, report_id: str) -> str | None:
        rows = self._read("SELECT text_file FROM reports WHERE id = ?", (report_id,))
        return rows[0][0] if rows else None

    def __contains__(self, report_id: str) -> bool:
        return bool(self._read("SELECT 1 FROM reports WHERE id = ?", (report_id,)))

    # ------------------------------------------------------------ writing
    def put(self, rows: Iterable[Row]) -> None:
        """Add or replace reports in one transaction (the caller holds the
        writer lock; a kill leaves the catalogue as before or as after)."""
        with self._lock:
            db = self.connect(create=True)
            try:
                with immediate(db):
                    for meta, name, folded in rows:
                        values = _values(meta, name)
                        n = db.execute(
                            f"INSERT INTO reports {_COLUMNS} "
                            "ON CONFLICT (id) DO UPDATE SET undated = excluded.undated, "
                            "date = excluded.date, date_source = excluded.date_source, "
                            "title = excluded.title, sentences = excluded.sentences, "
                            "sha256 = excluded.sha256, text_file = excluded.text_file, "
                            "folded_title = excluded.folded_title, meta = excluded.meta, "
                            "date_evidence = excluded.date_evidence "
                            "RETURNING n", values).fetchone()[0]
                        old = db.execute("SELECT title, body FROM texts WHERE rowid = ?",
                                         (n,)).fetchone()
                        if old is not None:  # contentless: deleted by giving what was indexed
                            db.execute("DELETE FROM texts WHERE rowid = ?", (n,))
                            db.execute("INSERT INTO grams (grams, rowid, title, body) "
                                       "VALUES ('delete', ?, ?, ?)",
                                       (n, _spread(old[0]), _spread(old[1])))
                            db.execute("INSERT INTO words (words, rowid, w) VALUES ('delete', ?, ?)",
                                       (n, _words_of(*old)))
                        self._index_texts(db, [(n, values[8], folded)])  # before an id twice
            except sqlite3.Error as exc:
                raise LibraryError(f"library catalogue {self.path} could not be written ({exc})",
                                   _HINT) from None
            finally:
                self._order_cache = None

    def set_source_keys(self, keys: list[tuple[str, str]]) -> None:
        """Set the ``source_key`` of reports, (id, key) pairs, in one transaction
        (the caller holds the writer lock)."""
        with self._lock:
            db = self.connect(create=True)
            try:
                with immediate(db):
                    db.executemany("UPDATE reports SET meta = json_set(meta, '$.source_key', ?) "
                                   "WHERE id = ?", [(key, rid) for rid, key in keys])
            except sqlite3.Error as exc:
                raise LibraryError(f"library catalogue {self.path} could not be written ({exc})",
                                   _HINT) from None

    def set_meta(self, meta: ReportMeta) -> None:
        """Replace one report's entry, keeping its text file and folded text."""
        name = self.text_file(meta.id)
        folded = self._read("SELECT t.body FROM texts t JOIN reports r ON t.rowid = r.n "
                            "WHERE r.id = ?", (meta.id,))
        self.put([(meta, name or f"{meta.id}.txt", folded[0][0] if folded else "")])

    def check(self) -> str | None:
        """None when SQLite finds the file sound, else what it found."""
        try:
            result = self._read("PRAGMA quick_check")
        except LibraryError as exc:
            return exc.message
        return None if result == [("ok",)] else "; ".join(r[0] for r in result[:3])
