"""Streamed JSONL export of the annotation store: the native records.

Order is deterministic: reports in library order (date, undated last, id),
then reports no longer in the library (by id); inside a report by (start, end,
id), orphaned annotations last (by id). One report's shard and analysis are in
memory at a time, so memory does not grow with the number of annotations.

Records (field order as listed):

native   one per passage (a run of consecutive sentences with the same label
         and annotator): id (its first sentence's), report_id, report_title,
         report_date, label (null: a "none" decision, only with --with-none:
         the explicit ones, and every undecided body sentence of a report the
         annotator marked done, dated when it was marked),
         text, start, end, orphaned, sentence_start, sentence_end, entities
         [{start, end, label, text, source}] (offsets relative to the passage, entities
         wholly inside it, corrected: ``annotations.corrections``), note ("" when none; a passage joins its sentences'
         notes with newlines), annotator, source, score, model_version,
         created_at, updated_at, report_sha256, report_done (the record's annotator
         marked the report done: import-annotations marks it done for them too, so
         their "none" decisions count in ``baocao agreement``). ``orphaned`` is true for an
         orphaned annotation, whose start/end/sentence_start/sentence_end are
         null and entities [] (its
         text was not found unambiguously in the current report text, so no
         offset is given rather than a wrong one). ``report_sha256`` is the
         hash of the text the offsets index into (for an orphan: the text it
         was made on).
The other formats (prodigy, doccano, conll, csv, labelstudio, ...) are made
from these records by ``formats``; their shapes are in ``schema``.

Offsets are checked against the text actually on disk, never against the
library index alone (after a crash the index and a text file may disagree):
each report's text file is hashed (``TextHashes``: cached by the file's
signature in HOME/cache/text-sha256.json, so an export of an unchanged
library stats the texts instead of reading them); a document is trusted when
its ``report_sha256`` is that hash, else its slice is compared with the text
read, and a mismatch is exported as orphaned. Entities come from the analysis
of that same hash, with every analyst's corrections applied (the text is read
only when there are corrections).

``export_to_path`` guards the home against itself: it refuses targets inside
the home's data (library, annotations, caches, lock and config files), writes
through a symlink (the link stays, its target gets the export), refuses a
target that is not a regular file, and first removes the temp files of
exports to the same target that were killed.
"""
from __future__ import annotations

import gc
import hashlib
import os
import stat
import time
import uuid
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

import orjson

from ..corpus.library import Library
from ..corrections import Rules
from ..errors import LibraryError, StoreError
from ..fsutil import atomic_write_bytes, atomic_writer, read_regular, remove_stale_temps
from ..home import Home
from ..models import TAGGABLE_KINDS, Entity
from ..store import AnnotationStore
from ..store.records import merge_run, now_iso, runs
from ..store.shards import StoreWriteError

META_FIELDS = ("id", "report_id", "report_title", "report_date", "start", "end", "orphaned",
               "sentence_start", "sentence_end", "note", "annotator", "source", "score",
               "model_version", "created_at", "updated_at", "report_sha256", "report_done")


def hash32(s: str) -> int:
    """Stable signed 32-bit hash (BLAKE2b, 4 bytes)."""
    return int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=4).digest(),
                          "little", signed=True)


class _Analyses:
    """A report's analysis as exports need it: the cache entry read once, as raw
    JSON (no NLP, no dataclasses), under the hash of the text actually read;
    computed from that text only when the entry is missing or malformed."""

    def __init__(self, lib: Library, rules: Rules):
        self.lib = lib
        self.rules = rules  # every analyst's entity corrections
        self._sha: str | None = None
        self._entry: dict = {}

    def entry(self, sha: str, text: TextOnDisk, *parts: str) -> dict:
        """The entry as the cache stores it, with ``parts`` ("paragraphs",
        "sentences", "tokens", "entities") as lists."""
        if sha != self._sha:
            self._sha, self._entry = sha, self.lib.cached_analysis_dict(sha) or {}
        if not all(isinstance(self._entry.get(k), list) for k in parts):
            self._entry = self.lib.analyze_text(text.text).to_dict()
        return self._entry

    def entities(self, rid: str, sha: str, text: TextOnDisk) -> list[list]:
        """[[start, end, label, source]], sorted, with every analyst's corrections
        applied (the text is read only when there are corrections)."""
        ents = sorted(self.entry(sha, text, "entities")["entities"])
        if not len(self.rules):
            return [[*x, "model"] for x in ents]
        return [[x.start, x.end, x.label, x.source]
                for x in self.rules.apply(rid, text.text, [Entity(*x) for x in ents])]

    def body_sentences(self, sha: str, text: TextOnDisk) -> list[tuple[int, int, int]]:
        """(index, start, end) of each body sentence (``Analysis.body_sentences``)."""
        doc = self.entry(sha, text, "paragraphs", "sentences")
        body = [len(p) < 3 or p[2] in TAGGABLE_KINDS for p in doc["paragraphs"]]
        return [(i, s[0], s[1]) for i, s in enumerate(doc["sentences"]) if body[s[2]]]


_DONE_NONE = uuid.UUID("0f6b7d0c-5a3e-4e8f-9a51-3c2d7e4b9a10")  # ids of a done report's implicit nones
RACY_NS = 2_000_000_000  # a file changed this recently may change again within its timestamps


def _sig(st: os.stat_result) -> list[int]:
    # ctime cannot be set by anyone (touch/rsync set mtime only) and a rename
    # sets it: with the inode, size and mtime it names one version of a file
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


class TextHashes:
    """sha256 of report text files, cached by file signature (device, inode,
    size, mtime, ctime) in HOME/cache/text-sha256.json: a rebuildable cache,
    written atomically without the lock (like the analysis cache); an entry
    is kept only for a file whose ctime is over 2 s old, so a signature can
    never stand for two contents (git's "racy" rule). Unwritable: ignored."""

    def __init__(self, home: Home):
        self.path = home.analysis_dir.parent / "text-sha256.json"
        self._entries: dict[str, list] | None = None
        self._dirty = False

    def _load(self) -> dict[str, list]:
        if self._entries is None:
            try:
                doc = orjson.loads(read_regular(self.path)[0])
                entries = doc["entries"] if doc.get("version") == 1 else {}
                self._entries = entries if isinstance(entries, dict) else {}
            except (OSError, orjson.JSONDecodeError, KeyError, AttributeError, TypeError):
                self._entries = {}
        return self._entries

    def sha(self, name: str, st: os.stat_result) -> str | None:
        hit = self._load().get(name)
        sig = _sig(st)
        if isinstance(hit, list) and len(hit) == 6 and hit[:5] == sig and isinstance(hit[5], str):
            return hit[5]
        return None

    def remember(self, name: str, st: os.stat_result, sha: str) -> None:
        if time.time_ns() - st.st_ctime_ns > RACY_NS:
            self._load()[name] = [*_sig(st), sha]
            self._dirty = True

    def save(self) -> None:
        if not self._dirty:
            return
        try:
            atomic_write_bytes(self.path, orjson.dumps({"version": 1, "entries": self._load()}),
                               durable=False)
            self._dirty = False
        except OSError:
            pass  # a cache (read-only home, full disk): next time it is hashed again


class TextOnDisk:
    """One report's canonical text file as it is now: its hash (from the cache
    when the file is unchanged) and, read at most once, its text."""

    def __init__(self, path: Path, hashes: TextHashes, name: str):
        self.path, self._hashes, self._name = path, hashes, name
        self._text: str | None = None
        try:
            st = os.stat(path)
        except FileNotFoundError:
            self.sha = None
            return
        except OSError as exc:
            raise LibraryError(f"the text {path} cannot be read ({exc.strerror or exc})") from None
        self.sha = hashes.sha(name, st) if stat.S_ISREG(st.st_mode) else None
        if self.sha is None:
            self._read()
            if self.sha is not None and self._st is not None:
                hashes.remember(name, self._st, self.sha)

    def _read(self) -> None:
        self._st = None
        try:
            raw, st = read_regular(self.path)
            text = raw.decode("utf-8")
        except FileNotFoundError:
            self.sha = None
            return
        except (OSError, UnicodeDecodeError) as exc:
            raise LibraryError(f"the text {self.path} cannot be read "
                               f"({getattr(exc, 'strerror', None) or exc})",
                               "Re-import it with `baocao import` on its file.") from None
        # the file read is the one hashed if its signature is (TextHashes); else hash
        # its bytes (text_sha256 of the text, without encoding it again)
        sha = self._hashes.sha(self._name, st) or hashlib.sha256(raw).hexdigest()
        self._text, self.sha, self._st = text, sha, st

    @property
    def text(self) -> str:
        if self._text is None:
            self._read()
            if self._text is None:
                raise LibraryError(f"the text {self.path} is missing",
                                   "Re-import it with `baocao import` on its file.")
        return self._text


def _inside(ents: list[list], starts: list[int], passage: str, s: int, e: int) -> list[dict]:
    out = []
    for i in range(bisect_left(starts, s), len(ents)):
        es, ee, lab, src = ents[i]
        if es >= e:
            break
        if ee <= e:
            out.append({"start": es - s, "end": ee - s, "label": lab,
                        "text": passage[es - s:ee - s], "source": src})
    return out


def iter_native(store: AnnotationStore, lib: Library, *, label: str | None = None,
                annotator: str | None = None, entities: bool = True,
                with_none: bool = False) -> Iterator[dict]:
    """Native records, in export order, one report at a time: one per passage
    (a run of consecutive sentences with the same label, ``records.runs``);
    ``with_none`` adds the "none" decisions (label null).

    An annotation's offsets are trusted when its ``report_sha256`` is the hash of
    the report's text file as it is now (``TextOnDisk``; not the index's, which
    a crash may have left behind); otherwise the text is read and the slice
    compared, and a mismatch is exported as orphaned. A passage of several
    sentences takes its text from that text file."""
    summary = store.summary()
    in_lib = {rid: (title, date) for rid, title, date in lib.listing("id", "title", "date")
              if rid in summary}  # one catalogue read, no ReportMeta
    order = [*in_lib, *sorted(rid for rid in summary if rid not in in_lib)]
    analyses = _Analyses(lib, Rules(store.corrections(), store.annotator))
    hashes = TextHashes(lib.home)
    try:
        yield from _native(store, lib, order, in_lib, summary, analyses, hashes, label=label,
                           annotator=annotator, entities=entities, with_none=with_none)
    finally:
        hashes.save()


def _native(store, lib, order, in_lib: dict[str, tuple], summary, analyses, hashes, *,
            label, annotator, entities, with_none) -> Iterator[dict]:
    for rid in order:
        entry = summary[rid]
        if label is not None and not entry["labels"].get(label):
            continue
        if annotator is not None and annotator not in entry["people"] \
                and not entry["annotators"].get(annotator):
            continue
        docs = [d for d in store.documents(rid)
                if (label is None or d["label"] == label)
                and (annotator is None or d["annotator"] == annotator)]
        meta = in_lib.get(rid)
        done_by = {who: p["done"] for who, p in entry["people"].items()}
        done = [who for who, p in sorted(entry["people"].items()) if p["done"]
                and (annotator is None or who == annotator)] if with_none and label is None else []
        disk = _text_on_disk(lib, rid, hashes) if meta is not None and (docs or done) else None
        sha = disk.sha if disk is not None else None  # None: no text to point into
        rows = []
        for d in docs:
            ok = not d["orphaned"] and sha is not None and d["decided"]
            if ok and d["report_sha256"] != sha:
                text = disk.text
                ok = 0 <= d["start"] < d["end"] <= len(text) and text[d["start"]:d["end"]] == d["text"]
            rows.append(d if ok or not d["decided"] else {**d, "orphaned": True})
        if done and sha is not None:
            rows += _done_nones(store, rid, done, rows, disk, analyses.body_sentences(sha, disk))
        passages = runs(rows, with_none=with_none)
        if not passages:
            continue
        text = disk.text if any(len(r) > 1 for r in passages) else None
        ents = analyses.entities(rid, sha, disk) if entities and sha \
            and not passages[0][0]["orphaned"] else []
        starts = [e[0] for e in ents]
        title, date = meta or ("", None)
        for run in passages:
            d = merge_run(run, text)
            placed = not d["orphaned"]
            s, e = d["start"], d["end"]
            yield {"id": d["id"], "report_id": rid, "report_title": title,
                   "report_date": date, "label": d["label"], "text": d["text"],
                   "start": s if placed else None, "end": e if placed else None,
                   "orphaned": not placed,
                   "sentence_start": d["sentence_start"] if placed else None,
                   "sentence_end": d["sentence_end"] if placed else None,
                   "entities": _inside(ents, starts, d["text"], s, e) if ents and placed else [],
                   "note": d["note"], "annotator": d["annotator"], "source": d["source"],
                   "score": d["score"], "model_version": d["model_version"],
                   "created_at": d["created_at"], "updated_at": d["updated_at"],
                   "report_sha256": sha if placed else d["report_sha256"],
                   "report_done": done_by.get(d["annotator"], False)}


def _done_nones(store: AnnotationStore, rid: str, annotators: list[str], rows: list[dict],
                disk: TextOnDisk, body: list[tuple[int, int, int]]) -> list[dict]:
    """The decision none on every undecided body sentence of a report (``body``:
    index, start, end), for each annotator who marked it done (dated when they
    did; ids stable across runs)."""
    states = store.states(rid)
    out = []
    for who in annotators:
        decided = {i for d in rows if d["annotator"] == who and d["decided"] and not d["orphaned"]
                   for i in range(d["sentence_start"], d["sentence_end"] + 1)}
        when = states[who]["updated_at"] if who in states else now_iso()
        for i, s, e in body:
            if i in decided:
                continue
            out.append({"id": uuid.uuid5(_DONE_NONE, f"{rid}\x1f{who}\x1f{i}").hex, "report_id": rid,
                        "start": s, "end": e, "sentence_start": i, "sentence_end": i,
                        "label": None, "decided": True, "text": disk.text[s:e], "note": "",
                        "annotator": who, "source": "manual", "score": None, "model_version": None,
                        "created_at": when, "updated_at": when, "report_sha256": disk.sha,
                        "orphaned": False})
    return out


def _text_on_disk(lib: Library, rid: str, hashes: TextHashes) -> TextOnDisk:
    path = lib.home.text_path(rid)  # follows the index's text file name
    return TextOnDisk(path, hashes, path.name)


class Records(Iterator[dict]):
    """Export records, knowing the home they come from (``export_to_path``
    refuses to write into it)."""

    def __init__(self, records: Iterable[dict], home: Home):
        self._it = iter(records)
        self.home = home

    def __next__(self) -> dict:
        return next(self._it)

    def __iter__(self) -> Iterator[dict]:
        return self._it  # a loop over the records runs no Python call of ours per record


def iter_records(store: AnnotationStore, lib: Library, fmt: str = "native", *,
                 label: str | None = None, annotator: str | None = None,
                 with_none: bool = False) -> Records:
    """Export records of ``fmt`` (``formats.FORMATS``), default options."""
    records = iter_native(store, lib, label=label, annotator=annotator, with_none=with_none)
    if fmt == "native":
        return Records(records, store.home)
    from .formats import convert_records  # built on this module

    return convert_records(store, lib, fmt, records)


_LINE = orjson.OPT_APPEND_NEWLINE


def write_jsonl(records, out: BinaryIO) -> int:
    """Write the records, one line each. The cyclic garbage collector waits
    meanwhile: a pass parses every shard and analysis, millions of acyclic
    containers (freed by reference counting) for which it would rescan the
    whole heap again and again."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        n = 0
        for rec in records:  # bytes: a record already encoded (csv, conll, labelstudio)
            out.write(rec if isinstance(rec, bytes) else orjson.dumps(rec, option=_LINE))
            n += 1
        return n
    finally:
        if collecting:
            gc.enable()


def _home_data(home: Home) -> tuple[list[Path], list[Path]]:
    """(folders, files) of a home that an export must never write."""
    folders = [home.library_dir, home.store_dir, home.analysis_dir.parent]
    files = [home.lock_path, home.holder_path, home.config_path, home.v1_store_path,
             home.v1_backup_path, home.index_path]
    return folders, files


def _ident(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def export_target(path: Path, home: Home | None = None) -> Path:
    """The file an export to ``path`` replaces: ``path``, or the file a symlink
    at ``path`` points to (written through: the link stays). StoreError for a
    target inside ``home``'s data or one that is not a regular file."""
    path = Path(path)
    real = Path(os.path.realpath(path))
    try:
        st = os.stat(real)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise StoreWriteError(path, exc, what="export", outcome="nothing was written") from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        what = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file"
        raise StoreError(f"cannot export to {path}: it is {what}; nothing was written",
                         "Give a file name, or leave out -o to write to standard output.")
    if home is not None:
        folders, files = _home_data(home)
        refused = [Path(os.path.realpath(f)) for f in folders]
        ids = {i for i in map(_ident, folders) if i is not None}
        inside = any(real == d or real.is_relative_to(d) for d in refused)
        parent = real.parent
        while not inside:  # the same folder under another name (bind mount, case-insensitive)
            inside = _ident(parent) in ids
            if parent.parent == parent:
                break
            parent = parent.parent
        if inside or real in {Path(os.path.realpath(f)) for f in files}:
            raise StoreError(f"cannot export to {path}: it is inside the baocao home's data "
                             f"({home.root}); nothing was written",
                             f"Write it elsewhere, e.g. {home.exports_dir / path.name}.")
    return real


def export_to_path(records, path: Path, *, home: Home | None = None) -> int:
    """Write JSONL to ``path`` via a temp file renamed at the end: a crash or an
    error never leaves a half-written export (the old file, if any, stays).
    ``home`` (default: the home of ``iter_records``' records): refused as a
    target, see ``export_target``. Temp files of killed exports to the same
    target are removed first; the target's permissions are kept."""
    path = Path(path)
    home = home if home is not None else getattr(records, "home", None)
    target = export_target(path, Home.of(home) if home is not None else None)
    for where in {target, path}:
        remove_stale_temps(where)
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        mode = 0o644
    try:
        with atomic_writer(target, mode=mode, buffering=1 << 20, lock=True) as f:
            return write_jsonl(records, f)
    except OSError as exc:
        raise StoreWriteError(path, exc, what="export",
                              outcome="the old file, if any, is unchanged") from None
