"""Entities across the library: HOME/cache/entities.sqlite, an index of every
report's corrected entities (`baocao entities`, the TUI's entities screen,
`baocao timeline --entity`).

Rebuildable and never the truth: it is filled from the analysis cache, the
canonical texts and the entity corrections, and deleting it loses nothing.
It is kept current lazily: every reader first compares the catalogue's
(id, sha256, date) and the corrections with what each report was indexed
from (inside SQLite, the catalogue attached read-only), and re-indexes only
what differs: an import indexes what it imported when it ends
(``services.index_imported``; a reader does it if that was stopped); a
correction makes the next reader re-index the reports holding its words. A file that is not a database is
made again; a disk that cannot be written gets the index in memory.

Variants of one name are one entity: the key is the name's words folded for
case and tone-mark style (``corrections.form``: ``Ủy ban`` = ``uỷ ban``), and
a person's title in front is left out (``Tổng Bí thư Tô Lâm`` = ``Tô Lâm``).
"""
from __future__ import annotations

import hashlib
import re
import sqlite3
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import orjson

from .corpus.library import Library
from .corrections import Rules, form
from .errors import BaocaoError, StoreError
from .fsutil import immediate
from .home import Home
from .models import Entity
from .nlp.entities.gazetteer import TITLE_RE
from .store.corrections_file import CorrectionsFile
from .text.sanitize import single_line

_SPACES = re.compile(r"\s+")
VERSION = "1"  # of the index's schema and keys: another value rebuilds it
CATALOGUE_SCHEMA = 2  # the catalogue's columns read here (corpus/catalogue.py SCHEMA_VERSION)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS info (name TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS docs (doc TEXT PRIMARY KEY, sha TEXT, date TEXT, rules TEXT);
CREATE TABLE IF NOT EXISTS mentions (doc TEXT, start INTEGER, end INTEGER, label TEXT,
                                     key TEXT, form TEXT, source TEXT, sentence INTEGER);
CREATE INDEX IF NOT EXISTS mentions_doc ON mentions (doc);
CREATE INDEX IF NOT EXISTS mentions_key ON mentions (key, label);
CREATE TABLE IF NOT EXISTS entities (key TEXT, label TEXT, name TEXT, count INTEGER,
                                     reports INTEGER, first TEXT, last TEXT, variants TEXT,
                                     PRIMARY KEY (key, label));
"""


def name_of(text: str, label: str) -> str:
    """The entity's name as listed: whitespace collapsed, a person's titles
    in front left out (``Đồng chí Tổng Bí thư Tô Lâm`` -> ``Tô Lâm``)."""
    name = " ".join(text.split())
    if label == "PER":
        while (m := TITLE_RE.match(name)) and m.end() < len(name):
            name = name[m.end():]
    return name


def key_of(name: str) -> str:
    """What variants of one name share: its words folded for case and tone style."""
    return " ".join(form(name))


@dataclass(frozen=True, slots=True)
class EntityRow:
    name: str  # the most frequent variant
    label: str
    key: str
    count: int  # mentions
    reports: int
    first: str | None  # the earliest / latest report date (ISO, as precise as known)
    last: str | None
    variants: tuple[str, ...]  # every spelling, most frequent first

    def to_dict(self) -> dict:
        return {"text": self.name, "label": self.label, "count": self.count, "reports": self.reports,
                "first": self.first, "last": self.last, "variants": list(self.variants)}


@dataclass(frozen=True, slots=True)
class Mention:
    report_id: str
    date: str | None
    start: int  # offsets into the report's canonical text
    end: int
    sentence: int  # index of the sentence it is in
    source: str  # model, rule or analyst


def kwic(text: str, start: int, end: int, width: int = 40) -> tuple[str, str, str]:
    """Keyword in context: (left, the mention, right), each on one line, the
    context cut to ``width`` characters."""
    left = _SPACES.sub(" ", text[max(0, start - width * 2):start])[-width:]
    right = _SPACES.sub(" ", text[end:end + width * 2])[:width]
    return left, _SPACES.sub(" ", text[start:end]), right


def _rules(home: Home) -> tuple[Rules, str]:
    """Every analyst's corrections as rules for the home's annotator (as the
    store names them), and who that is. The corrections file alone is read:
    opening the store would check every shard."""
    path = home.store_dir / "corrections.json"
    if not path.exists():
        return Rules((), ""), ""
    me = single_line(home.annotator(None)) or "unknown"
    try:
        return Rules(CorrectionsFile(path, readonly=True).corrections(), me), me
    except (StoreError, OSError):
        return Rules((), ""), ""  # unreadable corrections: the model's entities (the store says why elsewhere)


def _fingerprint(rules: Rules) -> str:
    h = hashlib.sha256()
    for c in rules.corrections:  # ranked for the annotator: the order is part of the result
        h.update(f"{c.id}:{c.annotator}:{c.created_at}\n".encode())
    return h.hexdigest()[:32] if rules.corrections else ""


def _rule_words(rules: Rules, me: str) -> str:
    """What ``_affected`` compares: whose ranking, and each correction's longest word."""
    words = {f"{c.id}:{c.created_at}": max(form(c.text), key=len, default="") for c in rules.corrections}
    return orjson.dumps({"me": me if rules.corrections else "", "words": words}).decode()


class EntityIndex:
    """The index of one home's library. ``refresh`` brings it up to date;
    every reading method calls it first."""

    def __init__(self, home: Home | str, library: Library | None = None):
        self.home = Home.of(home)
        self.library = library or Library(self.home)
        self.path = self.home.root / "cache" / "entities.sqlite"
        self._db: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._db is None:
            try:
                self._db = self._open()
            except sqlite3.DatabaseError as exc:
                if isinstance(exc, sqlite3.OperationalError):
                    self._db = None
                else:  # not a database: a cache, made again
                    for suffix in ("", "-wal", "-shm"):
                        Path(f"{self.path}{suffix}").unlink(missing_ok=True)
                    self._db = None
            if self._db is None:
                try:
                    self._db = self._open()
                except (OSError, sqlite3.Error):
                    # a read-only disk: this process indexes in memory (never the truth)
                    self._db = sqlite3.connect("file::memory:", uri=True, isolation_level=None,
                                               check_same_thread=False)
                    self._db.executescript(_SCHEMA)
        return self._db

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # uri: the catalogue is attached by a file: URI (read-only), never taken for a file name
        db = sqlite3.connect(self.path.as_uri(), uri=True, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA busy_timeout = 10000")
            version = db.execute("SELECT value FROM info WHERE name = 'version'").fetchone() \
                if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'info'").fetchone() else None
            if version is None or version[0] != VERSION:
                db.executescript("DROP TABLE IF EXISTS info; DROP TABLE IF EXISTS docs; "
                                 "DROP TABLE IF EXISTS mentions; DROP TABLE IF EXISTS entities;")
            db.executescript(_SCHEMA)
            db.execute("INSERT OR REPLACE INTO info VALUES ('version', ?)", (VERSION,))
        except BaseException:
            db.close()
            raise
        return db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> EntityIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def rebuild(self) -> int:
        """Delete the index and build it again (``baocao reindex``); the number of
        reports indexed."""
        self.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        return self.refresh()

    # ------------------------------------------------------------ keeping current
    def refresh(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Index what changed since the last refresh; returns how many reports
        were (re)indexed. ``progress(done, total)`` is called as it goes."""
        db = self._connect()
        rules, me = _rules(self.home)
        stamp = _fingerprint(rules)
        found = self._differences(db, stamp)
        if found is None:  # the catalogue not readable by SQL here: its rows through the library
            current = {rid: (sha, date or None)  # the catalogue's column holds '' when undated
                       for rid, sha, date in self.library.listing("id", "sha256", "date")}
            indexed = {doc: (sha, date, r) for doc, sha, date, r in db.execute("SELECT * FROM docs")}
            gone = [doc for doc in indexed if doc not in current]
            todo = [rid for rid, (sha, date) in current.items() if indexed.get(rid) != (sha, date, stamp)]
        else:
            gone, rows = found
            current = {r[0]: (r[1], r[2]) for r in rows}
            indexed = {r[0]: r[3:] for r in rows if r[3] is not None}
            todo = list(current)
        if not gone and not todo:
            return 0
        only_rules = [rid for rid in todo if rid in indexed and indexed[rid][:2] == current[rid]]
        affected = (self._affected(db, _rule_words(rules, me), {indexed[rid][2] for rid in only_rules})
                    if only_rules else None)
        same = [rid for rid in only_rules if rid not in affected] if affected is not None else []
        if same:
            skip = set(same)
            todo = [rid for rid in todo if rid not in skip]
        with immediate(db):
            db.executemany("UPDATE docs SET rules = ? WHERE doc = ?", [(stamp, rid) for rid in same])
            db.execute("DELETE FROM info WHERE name LIKE 'rules:%'")
            db.execute("INSERT INTO info VALUES (?, ?)", (f"rules:{stamp}", _rule_words(rules, me)))
            for doc in gone:
                db.execute("DELETE FROM mentions WHERE doc = ?", (doc,))
                db.execute("DELETE FROM docs WHERE doc = ?", (doc,))
            for n, rid in enumerate(todo, 1):
                sha, date = current[rid]
                db.execute("DELETE FROM mentions WHERE doc = ?", (rid,))
                db.executemany("INSERT INTO mentions VALUES (?,?,?,?,?,?,?,?)",
                               self._mentions(rid, sha, rules))
                db.execute("INSERT OR REPLACE INTO docs VALUES (?,?,?,?)", (rid, sha, date, stamp))
                if progress is not None and (n % 500 == 0 or n == len(todo)):
                    progress(n, len(todo))
            self._summarise(db)
        return len(todo)

    def _differences(self, db: sqlite3.Connection, stamp: str) -> tuple[list, list] | None:
        """(reports gone, [(id, sha, date, indexed sha, date, corrections) of each
        report to index]), compared inside SQLite with the catalogue attached
        read-only (its id, sha256 and date columns): 100,000 rows never become
        Python objects. None when it cannot be attached."""
        cat = self.home.catalogue_path
        if not cat.is_file():
            return None
        try:
            db.execute("ATTACH DATABASE ? AS cat", (f"{cat.as_uri()}?mode=ro",))
        except sqlite3.Error:
            return None
        try:
            if db.execute("PRAGMA cat.user_version").fetchone()[0] != CATALOGUE_SCHEMA:
                return None
            rows = db.execute(
                "SELECT r.id, r.sha256, nullif(r.date, ''), d.sha, d.date, d.rules FROM cat.reports r "
                "LEFT JOIN docs d ON d.doc = r.id WHERE d.doc IS NULL OR d.sha IS NOT r.sha256 "
                "OR d.date IS NOT nullif(r.date, '') OR d.rules IS NOT ?", (stamp,)).fetchall()
            gone = [r[0] for r in db.execute("SELECT doc FROM docs WHERE doc NOT IN (SELECT id FROM cat.reports)")]
            return gone, rows
        except sqlite3.Error:
            return None
        finally:
            db.execute("DETACH DATABASE cat")

    def _affected(self, db: sqlite3.Connection, words_now: str, old: set[str]) -> set[str] | None:
        """The reports a change of corrections may change, when every report was
        indexed under the same earlier corrections (else None: all of them). A
        rule acts only where its words are, so a report holding no word of an
        added or deleted correction keeps its entities: the candidates are the
        reports the catalogue's filter finds for each such correction's longest
        word (diacritics ignored there: a superset)."""
        if len(old) != 1:
            return None
        row = db.execute("SELECT value FROM info WHERE name = ?", (f"rules:{old.pop()}",)).fetchone()
        if row is None:
            return None
        before, now = orjson.loads(row[0]), orjson.loads(words_now)
        if before["me"] and now["me"] and before["me"] != now["me"]:
            return None  # another annotator's ranking: every place may change
        changed = before["words"].keys() ^ now["words"].keys()
        words = [before["words"].get(k) or now["words"].get(k) for k in changed]
        if not all(words):
            return None
        found: set[str] = set()
        for word in set(words):
            found.update(self.library.ids(word))
        return found

    def _mentions(self, rid: str, sha: str, rules: Rules) -> list[tuple]:
        lib = self.library
        try:
            text = lib.text(rid)
            cached = lib.cached_analysis_dict(sha)
            if cached is None:  # analysed now (and cached), as opening the report would
                cached = lib.open(rid).analysis.to_dict()
            # the cached form read directly: building every token of 100,000 reports costs more
            ents = [Entity(*e) for e in cached["entities"]]
            starts = [s[0] for s in cached["sentences"]]
        except (BaocaoError, OSError, KeyError, TypeError, ValueError):
            return []  # opening the report says what is wrong with it
        if len(rules):
            ents = rules.apply(rid, text, ents)
        out = []
        for e in ents:
            if not 0 <= e.start < e.end <= len(text):
                continue
            name = name_of(text[e.start:e.end], e.label)
            key = key_of(name)
            if key:
                out.append((rid, e.start, e.end, e.label, key, name,
                            getattr(e, "source", "model"), max(0, bisect_right(starts, e.start) - 1)))
        return out

    @staticmethod
    def _summarise(db: sqlite3.Connection) -> None:
        """The entities table: one row per (key, label), from every mention."""
        db.execute("DELETE FROM entities")
        db.execute("INSERT INTO entities (key, label, count, reports, first, last) "
                   "SELECT m.key, m.label, count(*), count(DISTINCT m.doc), min(d.date), max(d.date) "
                   "FROM mentions m JOIN docs d ON d.doc = m.doc GROUP BY m.key, m.label")
        forms: dict[tuple[str, str], Counter] = {}
        for key, label, name, n in db.execute(
                "SELECT key, label, form, count(*) FROM mentions GROUP BY key, label, form"):
            forms.setdefault((key, label), Counter())[name] = n
        rows = []
        for (key, label), counts in forms.items():
            ranked = sorted(counts, key=lambda f: (-counts[f], f.isupper(), f))  # a tie: not the capitals
            rows.append((ranked[0], "\x1f".join(ranked), key, label))
        db.executemany("UPDATE entities SET name = ?, variants = ? WHERE key = ? AND label = ?", rows)

    # ------------------------------------------------------------ reading
    def entities(self, label: str | None = None, min_count: int = 1) -> list[EntityRow]:
        """Every entity, most mentioned first."""
        self.refresh()
        sql = "SELECT name, label, key, count, reports, first, last, variants FROM entities WHERE count >= ?"
        args: list = [min_count]
        if label:
            sql += " AND label = ?"
            args.append(label)
        rows = self._connect().execute(sql + " ORDER BY count DESC, name, label", args).fetchall()
        return [EntityRow(n, lab, k, c, r, f, la, tuple(v.split("\x1f"))) for n, lab, k, c, r, f, la, v in rows]

    def mentions(self, key: str, label: str | None = None) -> list[Mention]:
        """Every mention of an entity (``key_of`` its name), by date then place."""
        self.refresh()
        sql = ("SELECT m.doc, d.date, m.start, m.end, m.sentence, m.source FROM mentions m "
               "JOIN docs d ON d.doc = m.doc WHERE m.key = ?")
        args = [key]
        if label:
            sql += " AND m.label = ?"
            args.append(label)
        rows = self._connect().execute(sql + " ORDER BY d.date IS NULL, d.date, m.doc, m.start", args)
        return [Mention(*r) for r in rows]

    def name(self, key: str, label: str | None = None) -> str | None:
        """The most frequent spelling of an entity, None when it is not in the library."""
        self.refresh()
        sql = "SELECT name FROM entities WHERE key = ?" + (" AND label = ?" if label else "")
        row = self._connect().execute(sql + " ORDER BY count DESC LIMIT 1",
                                      [key, label] if label else [key]).fetchone()
        return row[0] if row else None

    def dates(self, key: str, label: str | None = None) -> Counter:
        """report date (None: undated) -> mentions of the entity that day/month/year."""
        self.refresh()
        sql = "SELECT d.date, count(*) FROM mentions m JOIN docs d ON d.doc = m.doc WHERE m.key = ?"
        args = [key]
        if label:
            sql += " AND m.label = ?"
            args.append(label)
        return Counter(dict(self._connect().execute(sql + " GROUP BY d.date", args).fetchall()))
