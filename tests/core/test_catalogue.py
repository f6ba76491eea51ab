"""The library catalogue (corpus/catalogue.py): schema version and migrations,
the migration from a first-release index.json, a damaged or newer catalogue
refused and untouched, repair and automatic rebuild, and ids/count/filter
against a brute-force filter."""
from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.corpus import catalogue
from annotations.corpus.catalogue import Catalogue, NewerCatalogue
from annotations.corpus.library import Library, LibraryError
from annotations.home import Home
from annotations.models import ReportMeta, text_sha256
from annotations.text.vietnamese import fold, matches_words
from support import SEEDS, first_release


def _path(home: Path) -> Path:
    return home / "library" / "catalogue.sqlite"


def _sql(home: Path, sql: str):
    db = sqlite3.connect(_path(home), isolation_level=None)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def _snapshot(lib: Library) -> list[tuple]:
    return [(m.to_dict(), lib.text_file(m.id)) for m in lib.reports()]


def test_a_new_catalogue_has_the_schema_version_and_a_write_ahead_log(seeded_home):
    assert _sql(seeded_home, "PRAGMA user_version") == [(catalogue.SCHEMA_VERSION,)]
    assert _sql(seeded_home, "PRAGMA journal_mode") == [("wal",)]
    assert len(_sql(seeded_home, "SELECT id FROM reports")) == len(Library(seeded_home)) == 5


def test_a_newer_catalogue_is_refused_in_one_line_and_never_written(seeded_home):
    _sql(seeded_home, "PRAGMA user_version = 99")
    Library(seeded_home)._catalogue.close()
    before = _path(seeded_home).read_bytes()
    for attempt in (lambda lib: lib.reports(), lambda lib: lib.import_paths([SEEDS], workers=1),
                    lambda lib: lib.repair()):
        with pytest.raises(NewerCatalogue) as info:
            attempt(Library(seeded_home))
        assert "newer baocao (schema 99)" in str(info.value) and "\n" not in str(info.value)
    assert _path(seeded_home).read_bytes() == before


def _next_schema(monkeypatch, steps: list[str]) -> int:
    """A baocao one schema newer than this one, whose migration is ``steps``."""
    version = catalogue.SCHEMA_VERSION
    monkeypatch.setattr(catalogue, "SCHEMA_VERSION", version + 1)
    monkeypatch.setattr(catalogue, "MIGRATIONS", {**catalogue.MIGRATIONS, version: steps})
    return version + 1


def test_an_older_catalogue_is_migrated_in_one_transaction(seeded_home, monkeypatch):
    before = _snapshot(Library(seeded_home))
    newer = _next_schema(monkeypatch, [
        "ALTER TABLE reports ADD COLUMN pages INTEGER NOT NULL DEFAULT 1",
        "CREATE INDEX reports_pages ON reports (pages)"])
    lib = Library(seeded_home)
    assert _snapshot(lib) == before
    assert _sql(seeded_home, "PRAGMA user_version") == [(newer,)]
    assert _sql(seeded_home, "SELECT DISTINCT pages FROM reports") == [(1,)]


def _schema_1(home: Path) -> None:
    """Take a catalogue back to schema 1 (the first SQLite one: no date_evidence
    column, no word index)."""
    db = sqlite3.connect(_path(home), isolation_level=None)
    try:
        db.executescript("BEGIN; ALTER TABLE reports DROP COLUMN date_evidence; DROP TABLE words; "
                         "DROP TABLE terms; PRAGMA user_version = 1; COMMIT;")
    finally:
        db.close()


def test_a_schema_1_catalogue_gets_the_evidence_column_and_the_word_index(seeded_home, monkeypatch):
    lib = Library(seeded_home)
    before, listed = _snapshot(lib), lib._catalogue.list_json({})
    queries = ("hoi nghi tinh uy", "nghi", "chinh tri", "cuong 2024", "thuong truc")
    found = {q: lib.ids(q) for q in queries}
    assert all(found.values()) and any("date_evidence" in m.to_dict() and m.date_evidence
                                       for m in lib.reports())
    lib._catalogue.close()
    _schema_1(seeded_home)
    steps = []
    monkeypatch.setattr(catalogue, "MIGRATIONS", {1: [  # every step seen, all in one transaction
        (lambda db, s=s: (steps.append(db.in_transaction),
                          s(db) if callable(s) else db.execute(s))[-1])
        for s in catalogue.MIGRATIONS[1]]})
    lib = Library(seeded_home)
    assert _snapshot(lib) == before and lib._catalogue.list_json({}) == listed
    assert steps and all(steps) and _sql(seeded_home, "PRAGMA user_version") == [(2,)]
    assert lib.notes == ["upgraded the library catalogue from schema 1 to 2"]
    assert {q: lib.ids(q) for q in queries} == found
    assert _sql(seeded_home, "SELECT count(*) FROM terms")[0][0] > 100


def test_a_failed_migration_changes_nothing(seeded_home, monkeypatch):
    before = _snapshot(Library(seeded_home))
    newer = _next_schema(monkeypatch, [
        "ALTER TABLE reports ADD COLUMN pages INTEGER", "CREATE INDEX broken ON nowhere (x)"])
    with pytest.raises(LibraryError, match=f"could not be upgraded to {newer}"):
        Library(seeded_home).reports()
    monkeypatch.undo()
    assert _sql(seeded_home, "PRAGMA user_version") == [(newer - 1,)]
    assert "pages" not in {r[1] for r in _sql(seeded_home, "PRAGMA table_info(reports)")}
    assert _snapshot(Library(seeded_home)) == before


def test_a_first_release_index_is_migrated_and_kept_as_a_backup(seeded_home):
    before = _snapshot(Library(seeded_home))
    index = first_release(seeded_home)
    old = index.read_bytes()
    lib = Library(seeded_home)
    assert _snapshot(lib) == before
    assert not index.exists() and (index.parent / "index.json.migrated").read_bytes() == old
    assert any("index.json.migrated" in note for note in lib.notes)
    assert lib.ids("xoa nha tam")  # the folded texts were filled in too
    res = CliRunner().invoke(_main(), ["--home", str(seeded_home), "list"])  # no second migration
    assert res.exit_code == 0 and "migrated" not in res.output


def test_a_reader_that_cannot_write_migrates_in_memory(seeded_home):
    before = _snapshot(Library(seeded_home))
    index = first_release(seeded_home)
    other = Home(seeded_home)
    other.acquire_writer()  # another process's lock (flock: a second open file conflicts)
    try:
        lib = Library(seeded_home)
        assert _snapshot(lib) == before
        assert any("in memory" in note for note in lib.notes)
        assert index.exists() and not _path(seeded_home).exists()
    finally:
        other.release_writer()
    Library(seeded_home).reports()  # now written
    assert _path(seeded_home).exists() and not index.exists()


def _damage(home: Path) -> bytes:
    Library(home)._catalogue.close()
    for extra in home.glob("library/catalogue.sqlite-*"):
        extra.unlink()
    data = _path(home).read_bytes()
    damaged = data[:100] + b"\xff" * 4096 + data[4196:]  # the schema page overwritten
    _path(home).write_bytes(damaged)
    return damaged


def test_a_damaged_catalogue_is_refused_untouched_then_repaired(seeded_home):
    before = Library(seeded_home).reports()
    damaged = _damage(seeded_home)
    with pytest.raises(LibraryError) as info:
        Library(seeded_home).reports()
    assert "corrupt" in str(info.value) and "\n" not in str(info.value)
    assert "baocao repair" in info.value.hint
    with pytest.raises(LibraryError):
        Library(seeded_home).import_paths([SEEDS], workers=1)
    assert _path(seeded_home).read_bytes() == damaged

    res = CliRunner().invoke(_main(), ["--home", str(seeded_home), "repair"])
    assert res.exit_code == 0, res.output
    assert "kept it as catalogue.sqlite.damaged-" in res.output and "rebuilt" in res.output
    kept = list(seeded_home.glob("library/catalogue.sqlite.damaged-*"))
    assert [p.read_bytes() for p in kept] == [damaged]  # never deleted
    _same_as_imported(Library(seeded_home), before)


def _same_as_imported(lib: Library, before: list[ReportMeta]) -> None:
    """What a rebuild recovers (corpus/catalogue.py): all but the source file."""
    after = {m.id: m for m in lib.reports()}
    assert sorted(after) == sorted(m.id for m in before)
    for m in before:
        r = after[m.id]
        assert (r.title, r.sha256, r.sentences, r.body_sentences) == (
            m.title, m.sha256, m.sentences, m.body_sentences)
        if m.date_source != "header":  # a date header is not in the canonical text
            assert (r.date, r.date_source) == (m.date, m.date_source)
        assert (r.source_path, r.source_id, r.byline) == ("", m.id, "")  # lost
        assert text_sha256(lib.text(m.id)) == m.sha256


def test_a_lost_catalogue_is_rebuilt_when_opened(seeded_home):
    before = Library(seeded_home).reports()
    Library(seeded_home)._catalogue.close()
    for p in seeded_home.glob("library/catalogue.sqlite*"):
        p.unlink()
    lib = Library(seeded_home)
    _same_as_imported(lib, before)
    assert any("rebuilt the catalogue from 5 text(s)" in note for note in lib.notes)
    assert _path(seeded_home).exists()
    assert lib.ids("xoa nha tam")


def test_a_rebuild_takes_the_newer_complete_text_of_a_report(seeded_home):
    lib = Library(seeded_home)
    rid = lib.ids()[0]
    texts = seeded_home / "library" / "texts"
    new = lib.text(rid) + "\n\nMột đoạn mới."
    (texts / f"{rid}+{text_sha256(new)[:16]}.txt").write_text(new, encoding="utf-8")
    (texts / f"{rid}+{'0' * 16}.txt").write_text("cut sh", encoding="utf-8")  # a killed write
    lib._catalogue.close()
    for p in seeded_home.glob("library/catalogue.sqlite*"):
        p.unlink()
    lib = Library(seeded_home)
    assert lib.text(rid) == new and lib.get(rid).sha256 == text_sha256(new)
    assert any("incomplete" in note for note in lib.notes)


def test_repair_of_a_sound_catalogue_says_so_and_changes_nothing(seeded_home):
    before = _snapshot(Library(seeded_home))
    notes = Library(seeded_home).repair()
    assert notes == [f"the catalogue {_path(seeded_home)} is sound (5 reports)"]
    assert _snapshot(Library(seeded_home)) == before


def test_a_failed_write_leaves_the_catalogue_as_it_was(seeded_home):
    lib = Library(seeded_home)
    before = _snapshot(lib)
    first = lib.get(lib.ids()[0])

    def rows():
        yield ReportMeta(first.id, "Đổi tên", None, "none", 1, "1" * 64), "x.txt", "doi ten"
        raise OSError("disk full")

    with lib.home.writer(), pytest.raises(OSError):
        lib._catalogue.put(rows())
    assert _snapshot(Library(seeded_home)) == before


def _main():
    from tui.cli import main

    return main


# ---------------------------------------------------------------- ids, count, filter

LETTERS = "aăâbdđeêhnoôơuưyAĐÔ" + "áàảãạấầắẳẹếềịọốồớờụứừỳ" + "0123 .,-\n"
texts = st.text(alphabet=LETTERS, max_size=60)


@st.composite
def libraries(draw):
    n = draw(st.integers(0, 12))
    reports = []
    for i in range(n):
        date = draw(st.one_of(st.none(), st.sampled_from(["2023", "2024-05", "2024-05-02"])))
        reports.append((ReportMeta(f"r{draw(st.integers(0, 30)):02d}-{i}", draw(texts), date,
                                   "text" if date else "none", 1, "0" * 64), draw(texts)))
    return reports


def _queries(reports):
    words = [w for m, text in reports for w in fold(f"{m.title} {text}").split()]
    return st.lists(st.one_of(st.sampled_from(words) if words else st.just("x"),
                              st.text(alphabet=LETTERS, max_size=6)), max_size=3).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_ids_and_count_are_the_brute_force_filter(data):
    reports = data.draw(libraries())
    with tempfile.TemporaryDirectory() as d:
        home = Home(Path(d))
        cat = Catalogue(home, None)
        cat.create((m, f"{m.id}.txt", fold(text)) for m, text in reports)
        metas = sorted((m for m, _t in reports), key=lambda m: m.sort_key)
        text_of = {m.id: t for m, t in reports}
        for _ in range(4):
            query = data.draw(_queries(reports))
            want = [m.id for m in metas if matches_words(  # the TUI's filter before the catalogue
                query, fold(f"{m.title} {m.id} {m.date or ''}") + " " + fold(text_of[m.id]))]
            assert cat.ids(query) == want, query
            assert cat.count(query) == len(want)
            newest = [i for i in want if next(m for m in metas if m.id == i).date][::-1]
            assert cat.ids(query, newest_first=True) == newest + [i for i in want if i not in newest]
        assert cat.get_many(m.id for m in metas[:3]) == {m.id: m for m in metas[:3]}
        cat.close()


def test_the_library_filter_finds_words_of_the_text_with_or_without_diacritics(seeded_home):
    lib = Library(seeded_home)
    for query in ("xóa nhà tạm", "xoa nha tam", "XOA NHA", "tam xoa"):
        want = [m.id for m in lib.reports()
                if matches_words(query, fold(f"{m.title} {m.id} {m.date or ''} {lib.text(m.id)}"))]
        assert want and lib.ids(query) == want and lib.count(query) == len(want)
    assert lib.ids("khongcotrongbaocaonao") == [] and lib.count("") == 5
    assert orjson.loads(orjson.dumps(lib.ids())) == [m.id for m in lib.reports()]


def test_what_the_filter_keeps_is_forgotten_at_a_commit_by_any_process(seeded_home):
    reader, writer = Library(seeded_home), Library(seeded_home)  # two connections
    assert reader.ids("quyxyz") == [] and reader.ids("xoa nha tam")
    first = reader.get(reader.ids()[0])
    text = reader.text(first.id)
    for lib, word in ((writer, "quyxyz"), (reader, "zzqq")):  # another connection, then its own
        with lib.home.writer():
            lib._catalogue.put([(first, lib.text_file(first.id), fold(f"{text} {word}"))])
        assert reader.ids(word) == [first.id] and reader.count(word) == 1
    assert reader.ids("quyxyz") == []  # replaced by the second put


def test_titles_are_those_whose_folded_title_id_or_date_hold_every_word(seeded_home):
    lib = Library(seeded_home)
    metas = lib.reports()
    for query in ("hoi nghi", "Hội", "o", "a 20", "nghi quyet tinh", "zzz", "000 04"):
        want = {m.id for m in metas if matches_words(query, fold(f"{m.title} {m.id} {m.date or ''}"))}
        got = lib.titles(query)
        assert {rid for rid, _t, _d in got} == want, query
        assert all((t, d) == (lib.get(rid).title, lib.get(rid).date) for rid, t, d in got)
    assert len(lib.titles("a", limit=2)) == 2


def test_words_of_four_letters_or_more_are_looked_up_in_the_word_index(seeded_home, monkeypatch):
    """Such a word is inside the indexed words (`words`), or, held in more than
    WORDS_OR of them, a phrase of trigrams: the same reports as brute force."""
    lib = Library(seeded_home)
    cat = lib._catalogue
    cat.prepare_filter()
    haystacks = {m.id: fold(f"{m.title} {m.id} {m.date or ''} {lib.text(m.id)}")
                 for m in lib.reports()}
    queries = ("nghi", "uong", "2024", "inh", "hoi nghi", "thuong truc", "zqxw", "tri,", "2024,")
    for kept in (catalogue.WORDS_OR, 0):  # 0: every word falls back to `texts`
        monkeypatch.setattr(catalogue, "WORDS_OR", kept)
        for query in queries:
            cat._words.clear()
            want = [rid for rid in lib.ids() if matches_words(query, haystacks[rid])]
            assert lib.ids(query) == want, (kept, query)
    monkeypatch.undo()
    assert cat._lookup("nghi")[0] == "words" and '"nghi"' in cat._lookup("nghi")[1]
    assert cat._lookup("uong")[1].count(" OR ") >= 2  # cuong, truong, ...
    assert cat._lookup("zqxw") == ("words", "")  # no indexed word holds it: no report
    assert {cat._lookup(w)[0] for w in ("inh", "tri,", "2024")} == {"texts"}  # short, or not letters
