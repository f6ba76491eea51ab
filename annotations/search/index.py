"""The sentence-level search index of a home: ``library/search.sqlite``.

Why a file of its own, beside the catalogue: it is never the truth (deleting
it loses nothing: the next search, or ``baocao reindex``, rebuilds it from the
catalogue, the texts and the analysis cache), it has its own schema version
(``PRAGMA user_version``), and rebuilding it never touches the catalogue.

One FTS5 row per sentence, rowid ``n << SHIFT | sentence index``, its text
folded only for ``đ`` (``fold_dd``, same length) and the rest folded by
``unicode61 remove_diacritics 2``: so a match FTS5 marks in the stored text is
at the same offsets in the canonical text. ``n``, the report's row in ``docs``,
is ``date_key(date) << SEQ_BITS | k`` (the k-th report indexed with that key):
docids follow report dates, so the newest reports have the highest docids, a
date range is a docid range FTS5 skips to, and a report whose date changes is
indexed again (``docs`` keeps the date it was keyed by).

Speed at 100,000 reports (issue 15: a query <= 50 ms, as-you-type <= 100 ms).
FTS5's ``bm25`` costs a pass over the whole doclist of every query word (its
IDF: 5-35 ms for common words, whatever is ranked) plus ~3 us a ranked row,
and the benchmark's queries match 15k-190k sentences: 50-560 ms to rank them
all. Decided:
- a ``--limit``ed, unfiltered ``--sort relevance`` ranks with bm25 (IDF over
  the whole index, as before) among the newest ``window(limit)`` matches only
  (1,000, or the limit if larger): one probe in docid order (``ORDER BY rowid
  DESC LIMIT 1 OFFSET n-1``, under 2 ms) gives the window's lowest docid, and
  ``rowid >=`` it bounds the ranked set. Fewer matches: every one is ranked,
  as without a limit. ``count`` (up to a bound) lets the screen say "1,000+"
  and ``baocao search`` say that the window applied; README says so too;
- a limited ``--sort date`` reads docids from the oldest: the limit-th match's
  date key bounds the rows joined to the catalogue and sorted (exact, as date
  keys never decrease in date order);
- filtered queries rank every match, as a window could hide every hit: a
  label/annotator filter matches only the reports the store has (an IN on
  docids in SQL), an entity filter adds the entity's words to the MATCH (the
  entity itself is checked in Python);
- hits are built for the page asked for only (text, tags, entities if wanted).
Weighed and left: ``detail=column``/``none`` (smaller doclists, but no phrase
queries, which we need); a prefix index (``prefix='2 3'``: a bigger index and
build for one query shape, ``x*`` of 2-3 letters; ``chuyen doi*`` costs ~40
ms); column weights (one column); a cheaper rank function (FTS5 has no other
built-in, and Python's sqlite3 cannot register one); IDF cached per word
(only repeated queries would gain).

Kept current lazily: before a query the index compares each report's sha256
with the catalogue's (the catalogue attached read-only, one SQL join; skipped
while ``data_version`` says the catalogue was not committed to since) and
indexes what changed. One path for every way the library changes (import,
re-import, repair, another process), and no hook in the import code; the cost
lands on the first search after an import. Labels and entities are read at
query time (the store; the analysis cache with the entity corrections), so a
tag or a correction is in the next result without re-indexing.
"""
from __future__ import annotations

import os
import re
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import orjson

from ..corpus.library import Library
from ..corrections import Rules
from ..errors import BaocaoError, InputError, LibraryError, StoreError
from ..fsutil import immediate
from ..home import Home
from ..models import Entity, text_sha256
from ..store import AnnotationStore
from ..text.vietnamese import fold, fold_dd, matches_words
from .query import parse, spans

SEARCH_VERSION = 3  # 2: date-keyed docids; 3: keys that never decrease, whatever the date string
SHIFT = 20  # up to 1,048,576 sentences a report
SEQ_BITS = 21  # up to 2,097,152 reports a date; date keys < 2**22, so rowids fit 63 bits
_DOC = SHIFT + SEQ_BITS  # rowid >> _DOC is the report's date key
_TOP = (1 << 63) - 1
WINDOW = 1000  # sentences ranked by a limited relevance query (the newest that match)
OPTIMIZE_AFTER = 1000  # reports indexed by one sync: then merge the index (2 s at 100,000)
_HINT = "Delete it: `baocao reindex` rebuilds it (it holds nothing that is not elsewhere)."
_SCHEMA = [
    "CREATE TABLE docs (n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, sha TEXT NOT NULL, "
    "date TEXT NOT NULL)",
    "CREATE VIRTUAL TABLE sents USING fts5 (body, start UNINDEXED, stop UNINDEXED, "
    "tokenize = 'unicode61 remove_diacritics 2')",
    f"PRAGMA user_version = {SEARCH_VERSION}",
]
_DATE = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")
SORTS = ("relevance", "date")


class Interrupted(BaocaoError):
    """``SearchIndex.interrupt`` stopped the query."""


@dataclass(frozen=True, slots=True)
class Tag:
    label: str
    annotator: str


@dataclass(frozen=True, slots=True)
class HitEntity:
    start: int
    end: int
    label: str
    text: str


@dataclass(frozen=True, slots=True)
class Hit:
    """A sentence that matched: ``start``/``end`` and every ``matches`` span are
    offsets into the report's canonical text (``text == canonical[start:end]``)."""

    report_id: str
    date: str | None
    title: str
    sentence: int
    start: int
    end: int
    text: str
    matches: tuple[tuple[int, int], ...]
    labels: tuple[Tag, ...] = ()
    entities: tuple[HitEntity, ...] = ()

    def to_dict(self) -> dict:
        return {"report_id": self.report_id, "date": self.date, "title": self.title,
                "sentence": self.sentence, "start": self.start, "end": self.end, "text": self.text,
                "matches": [{"start": s, "end": e} for s, e in self.matches],
                "labels": [{"label": t.label, "annotator": t.annotator} for t in self.labels],
                "entities": [{"start": e.start, "end": e.end, "label": e.label, "text": e.text}
                             for e in self.entities]}


@dataclass(frozen=True, slots=True)
class Tagged:
    """A tagged passage (``baocao search --label L`` with no query; the annotations screen)."""

    report_id: str
    date: str | None
    title: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    label: str
    annotator: str
    note: str
    text: str

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def check_date(value: str | None, what: str) -> str | None:
    if value is None or value == "":
        return None
    if not _DATE.fullmatch(value):
        raise InputError(f"{what} {value!r} is not a date", "Give YYYY, YYYY-MM or YYYY-MM-DD.")
    return value


def date_overlaps(date: str | None, date_from: str | None, date_to: str | None) -> bool:
    """Whether a report's date (of any precision) overlaps [from, to]: a report dated
    2024 is in 2024-03..2024-06; an undated one is in no range."""
    if date_from is None and date_to is None:
        return True
    if not date:
        return False
    return ((date_from is None or date >= date_from[:len(date)])
            and (date_to is None or date[:len(date_to)] <= date_to))


def window(limit: int) -> int:
    """How many of the newest matches a relevance query for ``limit`` hits ranks."""
    return max(WINDOW, limit)


def _key(year: str, month: str, day: str) -> int:
    # 416 = 13 months of 32 days; a month or day past the calendar saturates, so
    # the key never decreases in the string order of YYYY[-MM[-DD]] (that order
    # is date order: a year or a month before its days)
    m = int(month)
    return 1 + int(year) * 416 + min(m, 12) * 32 + (31 if m > 12 else min(int(day), 31))


def date_key(date: str | None) -> int:
    """A report's date as a number that never decreases in the order of dates
    (YYYY[-MM[-DD]]); 0 when undated."""
    if not date or not _DATE.fullmatch(date):
        return 0
    return _key(date[:4], date[5:7] or "0", date[8:10] or "0")


def docid_bounds(date_from: str | None, date_to: str | None) -> tuple[int, int]:
    """The rowids of every report whose date can overlap [from, to] (a superset:
    the exact test is ``date_overlaps``, in SQL). A report dated 2024 overlaps
    2024-03, so the lower bound is the first day of from's year."""
    if date_from is None and date_to is None:
        return 0, _TOP
    lo = _key(date_from[:4], "0", "0") if date_from else 1  # undated (key 0) in no range
    hi = _TOP
    if date_to:  # the last key a date up to it can have
        hi = ((_key(date_to[:4], date_to[5:7] or "99", date_to[8:10] or "99") + 1) << _DOC) - 1
    return lo << _DOC, hi


_DATED_SQL = (" AND r.date != '' AND r.date >= substr(?, 1, length(r.date))",
              " AND r.date != '' AND substr(r.date, 1, length(?)) <= ?")


def _dated(date_from: str | None, date_to: str | None) -> tuple[str, list]:
    """The exact date test on the catalogue row ``r`` (see ``date_overlaps``)."""
    sql, args = "", []
    if date_from:
        sql, args = sql + _DATED_SQL[0], [date_from]
    if date_to:
        sql, args = sql + _DATED_SQL[1], args + [date_to, date_to]
    return sql, args


@dataclass
class _Report:
    text: str
    entities: list[tuple[int, int, str]]
    tags: dict[int, list[Tag]] = field(default_factory=dict)


class SearchIndex:
    """One home's search index. Thread-safe (the TUI searches in a worker)."""

    def __init__(self, home: Home | str | os.PathLike | Library):
        self.lib = home if isinstance(home, Library) else Library(home)
        self.home = self.lib.home
        self.path = self.home.library_dir / "search.sqlite"
        self._texts = str(self.home.texts_dir)
        self._db: sqlite3.Connection | None = None
        self._seen: int | None = None  # the catalogue's data_version when last synced
        self._lock = threading.RLock()
        self._querying = False  # a query (not a sync) is running: interrupt() may stop it

    def interrupt(self) -> None:
        """Stop the query running in another thread (it raises Interrupted): a newer
        one is wanted (the TUI, as you type). Never stops an update of the index."""
        db = self._db
        if db is not None and self._querying:
            db.interrupt()

    # ------------------------------------------------------------ the file
    def _open(self, target: str) -> sqlite3.Connection:
        db = sqlite3.connect(target, uri=True, timeout=60, isolation_level=None,
                             check_same_thread=False)
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SEARCH_VERSION:
            db.close()
            raise LibraryError(f"the search index {self.path} is of a newer baocao "
                               f"(version {version}, this one reads {SEARCH_VERSION})", _HINT)
        if version < SEARCH_VERSION:
            with immediate(db):
                if db.execute("PRAGMA user_version").fetchone()[0] < SEARCH_VERSION:
                    for (kind, name) in db.execute("SELECT type, name FROM sqlite_master "
                                                   "WHERE type IN ('table', 'view')").fetchall():
                        if not name.startswith("sents_"):  # FTS5's shadow tables go with it
                            db.execute(f'DROP {kind} IF EXISTS "{name}"')
                    for statement in _SCHEMA:
                        db.execute(statement)
        return db

    def connect(self) -> sqlite3.Connection:
        with self._lock:
            if self._db is not None:
                return self._db
            self.home.library_dir.mkdir(parents=True, exist_ok=True)
            try:
                try:
                    db = self._open(self.path.as_uri())
                    db.execute("PRAGMA journal_mode = WAL")
                except sqlite3.DatabaseError as exc:
                    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                        raise
                    # not a database, or one we cannot write: it is never the truth
                    self._remove_files()
                    try:
                        db = self._open(self.path.as_uri())
                    except sqlite3.DatabaseError:  # a read-only home: build it in memory
                        db = self._open(":memory:")
                db.execute("ATTACH DATABASE ? AS cat",
                           (self.home.catalogue_path.as_uri() + "?mode=ro",))
            except sqlite3.Error as exc:
                raise LibraryError(f"the search index {self.path} could not be opened ({exc})",
                                   _HINT) from None
            self._db = db
            return db

    def _remove_files(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            try:
                os.unlink(f"{self.path}{suffix}")
            except FileNotFoundError:
                pass
            except OSError:  # a read-only home: connect() builds the index in memory
                return

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db, self._seen = None, None

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def rebuild(self) -> int:
        """`baocao reindex`: delete the index and build it again; the reports indexed."""
        with self._lock:
            self.close()
            self._remove_files()
            return self.sync()

    # ------------------------------------------------------------ keeping current
    def sync(self) -> int:
        """Index what the catalogue changed since the index was made; how many
        reports were (re)indexed. Cheap when nothing was committed since."""
        if not self.home.catalogue_path.exists():
            return 0
        with self._lock:
            db = self.connect()
            try:
                version = db.execute("PRAGMA cat.data_version").fetchone()[0]
                if version == self._seen:
                    return 0
                if db.execute("SELECT count(*) FROM cat.sqlite_master WHERE name = 'reports'"
                              ).fetchone()[0] == 0:
                    return 0  # a catalogue being created
                with immediate(db):
                    done = self._sync(db)
                    if done >= OPTIMIZE_AFTER:  # one b-tree instead of many segments: faster queries
                        db.execute("INSERT INTO sents (sents) VALUES ('optimize')")
            except sqlite3.Error as exc:
                raise LibraryError(f"the search index {self.path} could not be updated ({exc})",
                                   _HINT) from None
            self._seen = version
            return done

    def _sync(self, db: sqlite3.Connection) -> int:
        stale = db.execute("SELECT d.n FROM docs d LEFT JOIN cat.reports r ON r.id = d.id "
                           "WHERE r.sha256 IS NOT d.sha OR r.date IS NOT d.date").fetchall()
        for (n,) in stale:
            db.execute("DELETE FROM sents WHERE rowid BETWEEN ? AND ?", (n << SHIFT, ((n + 1) << SHIFT) - 1))
            db.execute("DELETE FROM docs WHERE n = ?", (n,))
        # in date order, so docids ascend: FTS5 flushes its pending terms at a lower rowid
        new = db.execute("SELECT r.id, r.sha256, r.text_file, r.date FROM cat.reports r "
                         "LEFT JOIN docs d ON d.id = r.id WHERE d.id IS NULL ORDER BY r.date, r.id").fetchall()
        texts, cache = self.home.texts_dir, self.lib.cache
        done = 0
        for rid, sha, name, date in new:
            try:
                text = (texts / name).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue  # a text `baocao repair` will report; indexed once it is back
            if text_sha256(text) != sha:
                continue  # an import racing us: the next sync sees its commit
            doc = cache.get_dict(sha)
            sentences = doc["sentences"] if doc else [
                (s.start, s.end) for s in cache.analysis(text, sha).sentences]
            folded = fold_dd(text)
            first = date_key(date) << SEQ_BITS
            last = db.execute("SELECT max(n) FROM docs WHERE n BETWEEN ? AND ?",
                              (first, first + (1 << SEQ_BITS) - 1)).fetchone()[0]
            n = first if last is None else last + 1
            if n >> SEQ_BITS != first >> SEQ_BITS:
                raise LibraryError(f"more than {1 << SEQ_BITS:,} reports dated {date or 'nothing'}: "
                                   "the search index cannot hold them")
            db.execute("INSERT INTO docs (n, id, sha, date) VALUES (?, ?, ?, ?)", (n, rid, sha, date))
            base = n << SHIFT
            db.executemany("INSERT INTO sents (rowid, body, start, stop) VALUES (?, ?, ?, ?)",
                           [(base + i, folded[s[0]:s[1]], s[0], s[1]) for i, s in enumerate(sentences)])
            done += 1
        return done

    # ------------------------------------------------------------ queries
    def search(self, query: str, *, label: str | None = None, entity: str | None = None,
               date_from: str | None = None, date_to: str | None = None,
               annotator: str | None = None, sort: str = "relevance",
               limit: int | None = None) -> list[Hit]:
        """Sentences matching ``query`` (query.py's syntax), filtered; see ``search``."""
        return list(self.iter_hits(query, label=label, entity=entity, date_from=date_from,
                                   date_to=date_to, annotator=annotator, sort=sort, limit=limit))

    def iter_hits(self, query: str, *, label: str | None = None, entity: str | None = None,
                  date_from: str | None = None, date_to: str | None = None,
                  annotator: str | None = None, sort: str = "relevance",
                  limit: int | None = None, entities: bool = True) -> Iterator[Hit]:
        """``search``'s hits one by one; ``entities=False``: without their entities
        (not read: the search screen shows none), unless ``entity`` filters by them."""
        if sort not in SORTS:
            raise InputError(f"unknown sort {sort!r}", "Sort by relevance or date.")
        date_from, date_to = check_date(date_from, "--from"), check_date(date_to, "--to")
        q = parse(query)
        match = q.match
        entity_words = fold(entity).split() if entity else []
        if entity_words:  # a necessary condition, in the index; the entity itself is checked below
            ent = parse('"' + " ".join(entity_words) + '"')
            match = f"({match}) AND {ent.match}" if match else ent.match
            q = replace(q, terms=q.terms + ent.terms)  # the entity's words shown too
        if not match or not self.home.catalogue_path.exists():  # no library yet: nothing to find
            return
        self.sync()
        store = self._store()
        try:
            yield from self._hits(query, q, match, store, label, entity, entity_words, date_from, date_to,
                                  annotator, sort, limit, entities)
        finally:
            if store is not None:
                store.close()

    def _hits(self, query: str, q, match: str, store: AnnotationStore | None, label: str | None,
              entity: str | None, entity_words: list[str], date_from: str | None, date_to: str | None,
              annotator: str | None, sort: str, limit: int | None, entities: bool) -> Iterator[Hit]:
        by_tag = label is not None or annotator is not None
        if by_tag and store is None:
            return  # nothing is tagged
        filtered = by_tag or bool(entity_words)
        lo, hi = docid_bounds(date_from, date_to)
        # a tag filter looks only at the reports the store has (a set lookup a match, not a text read)
        tagged_sql = f" AND {{}}rowid >> {SHIFT} IN (SELECT n FROM docs WHERE id IN (SELECT value FROM json_each(?)))"
        tagged = [orjson.dumps(store.report_ids()).decode()] if by_tag else []
        with self._lock:
            db = self.connect()
            if sort == "relevance" and limit is not None and not filtered:
                newest = self._rows(query, f"SELECT rowid FROM sents WHERE sents MATCH ? AND rowid BETWEEN "
                                    f"? AND ? ORDER BY rowid DESC LIMIT 1 OFFSET {window(limit) - 1}",
                                    [match, lo, hi])
                if newest:  # more match than the window holds: rank the newest
                    lo = newest[0][0]
            elif sort == "date" and limit is not None and not filtered and not (date_from or date_to):
                dated = max(lo, 1 << _DOC)
                nth = self._rows(query, f"SELECT rowid FROM sents WHERE sents MATCH ? AND rowid BETWEEN "
                                 f"? AND ? ORDER BY rowid LIMIT 1 OFFSET {int(limit) - 1}", [match, dated, hi])
                if nth:  # the first `limit` by date are dated, keyed up to the limit-th by docid
                    lo, hi = dated, (((nth[0][0] >> _DOC) + 1) << _DOC) - 1
            if sort == "relevance" and not (date_from or date_to):
                # FTS5 alone ranks and stops at the limit; the report rows are read for those only
                sql = "SELECT rowid, start, stop FROM sents WHERE sents MATCH ? AND rowid BETWEEN ? AND ?"
                sql += tagged_sql.format("") if by_tag else ""
                args: list = [match, lo, hi, *tagged]
            else:
                dated, dargs = _dated(date_from, date_to)
                sql = ("SELECT s.rowid, s.start, s.stop, r.id, r.date, r.title, r.sha256, r.text_file "
                       "FROM sents s JOIN docs d ON d.n = s.rowid >> ? JOIN cat.reports r "
                       "ON r.id = d.id AND r.sha256 = d.sha WHERE sents MATCH ? AND s.rowid BETWEEN ? AND ?"
                       + dated + (tagged_sql.format("s.") if by_tag else ""))
                args = [SHIFT, match, lo, hi, *dargs, *tagged]
            sql += " ORDER BY rank" if sort == "relevance" else " ORDER BY r.undated, r.date, r.id, s.rowid"
            if not filtered and limit is not None:
                sql += f" LIMIT {int(limit)}"
            rows = self._rows(query, sql, args)
        docs: dict[int, tuple | None] = {}

        def doc_of(n: int) -> tuple | None:
            if n not in docs:
                with self._lock:
                    docs[n] = db.execute(
                        "SELECT r.id, r.date, r.title, r.sha256, r.text_file FROM docs d JOIN cat.reports r "
                        "ON r.id = d.id AND r.sha256 = d.sha WHERE d.n = ?", (n,)).fetchone()
            return docs[n]

        rules = None
        if entities or entity_words:
            rules = Rules(store.corrections(), store.annotator) if store else Rules((), "")
        reports: dict[str, _Report | None] = {}
        given = 0
        for row in rows:
            if limit is not None and given >= limit:
                break
            rowid, start, stop = row[:3]
            found = row[3:] if len(row) > 3 else doc_of(rowid >> SHIFT)
            if found is None:
                continue  # a report removed since the index was brought up to date
            rid, date, title, sha, name = found
            rep = reports.get(rid, False)
            if rep is False:
                rep = reports[rid] = self._report(rid, sha, name, store, rules)
            if rep is None:
                continue
            i = rowid & ((1 << SHIFT) - 1)
            tags = tuple(t for t in rep.tags.get(i, ())
                         if (label is None or t.label == label)
                         and (annotator is None or t.annotator == annotator))
            if by_tag and not tags:
                continue
            ents = tuple(HitEntity(s, e, lab, rep.text[s:e]) for s, e, lab in rep.entities
                         if s >= start and e <= stop)
            if entity_words and not any(matches_words(entity, fold(e.text)) for e in ents):
                continue
            given += 1
            sentence = rep.text[start:stop]
            yield Hit(rid, date or None, title, i, start, stop, sentence,
                      tuple((start + a, start + b) for a, b in spans(q, sentence)),
                      tags if by_tag else tuple(rep.tags.get(i, ())), ents)

    def _rows(self, query: str, sql: str, args: list) -> list:
        """``sql``'s rows; a query FTS5 refuses is an InputError, one interrupt() stopped Interrupted."""
        with self._lock:
            self._querying = True
            try:
                return self.connect().execute(sql, args).fetchall()
            except sqlite3.OperationalError as exc:
                if "interrupted" in str(exc):
                    raise Interrupted(f"the search for {query!r} was interrupted") from None
                raise InputError(f"the query {query!r} cannot be searched ({exc})",
                                 'Quote unusual words: "like this".') from None
            finally:
                self._querying = False

    def count(self, query: str, *, date_from: str | None = None, date_to: str | None = None,
              bound: int | None = None) -> int:
        """How many sentences match ``query`` (dates as ``search``; no other filter), from
        the index alone, counting at most ``bound``: "1,000+" costs a probe, not a count."""
        date_from, date_to = check_date(date_from, "--from"), check_date(date_to, "--to")
        match = parse(query).match
        if not match or not self.home.catalogue_path.exists():
            return 0
        self.sync()
        lo, hi = docid_bounds(date_from, date_to)
        dated, dargs = _dated(date_from, date_to)
        sql = "SELECT s.rowid FROM sents s"
        if dated:
            sql += " JOIN docs d ON d.n = s.rowid >> ? JOIN cat.reports r ON r.id = d.id AND r.sha256 = d.sha"
        sql += " WHERE sents MATCH ? AND s.rowid BETWEEN ? AND ?" + dated
        if bound is not None:
            sql += f" LIMIT {int(bound)}"
        args = [SHIFT] if dated else []
        return self._rows(query, f"SELECT count(*) FROM ({sql})", [*args, match, lo, hi, *dargs])[0][0]

    def matching(self, query: str, *, date_from: str | None = None,
                 date_to: str | None = None) -> list[tuple[str, str | None, int]]:
        """(report id, date, sentence index) of every sentence matching ``query``, in
        report order, read from the index alone (no text, no store): for counts,
        e.g. a timeline of a query's hits. Filters as ``search``."""
        date_from, date_to = check_date(date_from, "--from"), check_date(date_to, "--to")
        match = parse(query).match
        if not match or not self.home.catalogue_path.exists():
            return []
        self.sync()
        lo, hi = docid_bounds(date_from, date_to)
        dated, dargs = _dated(date_from, date_to)
        sql = ("SELECT r.id, r.date, s.rowid FROM sents s JOIN docs d ON d.n = s.rowid >> ? "
               "JOIN cat.reports r ON r.id = d.id AND r.sha256 = d.sha "
               "WHERE sents MATCH ? AND s.rowid BETWEEN ? AND ?" + dated)
        rows = self._rows(query, sql + " ORDER BY r.undated, r.date, r.id, s.rowid",
                          [SHIFT, match, lo, hi, *dargs])
        mask = (1 << SHIFT) - 1
        return [(rid, date or None, rowid & mask) for rid, date, rowid in rows]

    def _store(self) -> AnnotationStore | None:
        if not self.home.has_store:
            return None
        try:
            return AnnotationStore(self.home, readonly=True)
        except StoreError:
            return None

    def _report(self, rid: str, sha: str, name: str, store: AnnotationStore | None,
                rules: Rules | None) -> _Report | None:
        """The report's text, its entities (none when ``rules`` is None) and its tags."""
        try:
            with open(os.path.join(self._texts, name), encoding="utf-8") as f:  # no pathlib: 50 a query
                text = f.read()
        except (OSError, UnicodeDecodeError):
            return None
        if text_sha256(text) != sha:
            return None  # changed since the catalogue row was read: the next search has it
        ents = []
        if rules is not None:
            doc = self.lib.cache.get_dict(sha)
            model = [Entity(*e) for e in doc["entities"]] if doc else self.lib.cache.analysis(text, sha).entities
            ents = [(e.start, e.end, e.label) for e in rules.apply(rid, text, model)]
        rep = _Report(text, ents)
        if store is not None:
            try:
                docs = store.documents(rid)
            except StoreError:
                docs = []
            for d in docs:
                if d.get("label") is None or d.get("orphaned"):
                    continue
                for i in range(d["sentence_start"], d["sentence_end"] + 1):
                    rep.tags.setdefault(i, []).append(Tag(d["label"], d["annotator"]))
        return rep

    # ------------------------------------------------------------ tagged passages
    def tagged(self, *, label: str | None = None, annotator: str | None = None,
               date_from: str | None = None, date_to: str | None = None,
               note: str | None = None, limit: int | None = None) -> list[Tagged]:
        """Every tagged passage across the library (all annotators), in report order
        (oldest first) then text order, filtered; ``note``: every word of it occurs in
        the passage's note, diacritics optional."""
        date_from, date_to = check_date(date_from, "--from"), check_date(date_to, "--to")
        store = self._store()
        if store is None:
            return []
        out: list[Tagged] = []
        try:
            metas = self.lib.get_many(store.report_ids())
            order = sorted(metas.values(), key=lambda m: m.sort_key)
            for meta in order:
                if not date_overlaps(meta.date, date_from, date_to):
                    continue
                try:
                    passages = store.passages(meta.id)
                except StoreError:
                    continue
                for p in passages:
                    if (p.label is None or p.orphaned or (label is not None and p.label != label)
                            or (annotator is not None and p.annotator != annotator)
                            or (note and not matches_words(note, fold(p.note or "")))):
                        continue
                    out.append(Tagged(meta.id, meta.date, meta.title, p.start, p.end, p.sentence_start,
                                      p.sentence_end, p.label, p.annotator, p.note or "", p.text))
                    if limit is not None and len(out) >= limit:
                        return out
        finally:
            store.close()
        return out


def search(home_or_library, query: str, *, label: str | None = None, entity: str | None = None,
           date_from: str | None = None, date_to: str | None = None, annotator: str | None = None,
           sort: str = "relevance", limit: int | None = None) -> list[Hit]:
    """Sentences of the library matching ``query``, the index brought up to date first.

    Query: words ANDed, ``OR``, ``"a phrase"``, ``prefix*``, ``-excluded``; marks,
    tone placement and đ/d ignored. Filters: ``label`` / ``annotator`` (a sentence
    tagged so), ``entity`` (one of its entities contains those words), dates
    (the report's date overlaps [date_from, date_to]; YYYY[-MM[-DD]]; undated
    reports are in no range). ``sort``: "relevance" (bm25) or "date" (report
    order, then text order). An empty query with an ``entity`` lists its
    sentences; an empty query otherwise gives [] (see ``tagged``).
    Raises InputError for a bad query or date, LibraryError for an unusable index.
    """
    with SearchIndex(home_or_library) as index:
        return index.search(query, label=label, entity=entity, date_from=date_from,
                            date_to=date_to, annotator=annotator, sort=sort, limit=limit)


def matching(home_or_library, query: str, **filters) -> list[tuple[str, str | None, int]]:
    """``SearchIndex.matching``: (report id, date, sentence) of every hit, cheaply (counts)."""
    with SearchIndex(home_or_library) as index:
        return index.matching(query, **filters)


def tagged(home_or_library, **filters) -> list[Tagged]:
    """``SearchIndex.tagged``: every tagged passage across the library, filtered."""
    with SearchIndex(home_or_library) as index:
        return index.tagged(**filters)


def reindex(home_or_library) -> int:
    """Delete the search index and build it again; the number of reports indexed."""
    with SearchIndex(home_or_library) as index:
        return index.rebuild()
