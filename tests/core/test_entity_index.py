"""The entity index: variants merged, counts and dates, kept current lazily,
corrections applied, rebuildable (annotations/entity_index.py)."""
from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from timelinehelp import put_reports

from annotations.corpus.library import Library
from annotations.corrections import make_remove
from annotations.entity_index import EntityIndex, key_of, kwic, name_of
from annotations.store import AnnotationStore, now_iso

REPORTS = [
    ("r1", "2024-07-10", "Đồng chí Tô Lâm thăm Hà Nội. Ủy ban nhân dân họp.",
     [("Đồng chí Tô Lâm", "PER"), ("Hà Nội", "LOC"), ("Ủy ban nhân dân", "ORG")]),
    ("r2", "2024", "Tổng Bí thư TÔ LÂM phát biểu. Uỷ ban nhân dân báo cáo.",
     [("Tổng Bí thư TÔ LÂM", "PER"), ("Uỷ ban nhân dân", "ORG")]),
    ("r3", None, "Tô Lâm gặp cử tri Hà Nội. Tô Lâm nói.",
     [("Tô Lâm", "PER"), ("Hà Nội", "LOC")]),
]


class ByName(dict):
    """(name, label) -> row, the name looked up by its key (any variant finds it)."""

    def __getitem__(self, k):
        return super().__getitem__((key_of(k[0]), k[1]))

    def __contains__(self, k):
        return super().__contains__((key_of(k[0]), k[1]))


def by_name(rows):
    return ByName({(r.key, r.label): r for r in rows})


def test_names_and_keys_merge_case_tone_style_and_titles():
    assert name_of("Đồng chí  Tổng Bí thư Tô Lâm", "PER") == "Tô Lâm"
    assert name_of("Bí thư", "PER") == "Bí thư"  # a title alone stays what it is
    assert name_of("Bộ Chính trị", "ORG") == "Bộ Chính trị"
    assert key_of("Uỷ ban") == key_of("ỦY BAN") == key_of("ủy ban")
    assert key_of("Lê Văn") != key_of("Lễ Văn")  # only case and tone style fold, not the letters


def test_variants_are_one_entity_with_counts_reports_and_dates(home: Path):
    put_reports(home, REPORTS)
    with EntityIndex(home) as index:
        rows = by_name(index.entities())
    to_lam = rows[("Tô Lâm", "PER")]
    assert (to_lam.count, to_lam.reports) == (4, 3)
    assert (to_lam.first, to_lam.last) == ("2024", "2024-07-10")  # the undated report has no date
    assert set(to_lam.variants) == {"Tô Lâm", "TÔ LÂM"}
    org = [r for r in rows.values() if r.label == "ORG"]
    assert len(org) == 1 and org[0].count == 2 and set(org[0].variants) == {"Ủy ban nhân dân", "Uỷ ban nhân dân"}
    assert rows[("Hà Nội", "LOC")].count == 2


def test_label_and_min_filter(home: Path):
    put_reports(home, REPORTS)
    with EntityIndex(home) as index:
        assert {r.label for r in index.entities("LOC")} == {"LOC"}
        assert [r.name for r in index.entities(min_count=3)] == ["Tô Lâm"]


def test_mentions_slice_back_and_give_their_sentence(home: Path):
    put_reports(home, REPORTS)
    lib = Library(home)
    with EntityIndex(home, lib) as index:
        found = index.mentions(key_of("Tô Lâm"), "PER")
        assert [m.report_id for m in found] == ["r2", "r1", "r3", "r3"]  # by date, undated last
        for m in found:
            report = lib.open(m.report_id)
            s = report.analysis.sentences[m.sentence]
            assert s.start <= m.start < m.end <= s.end
            assert key_of(name_of(report.text[m.start:m.end], "PER")) == key_of("Tô Lâm")
    left, hit, right = kwic(lib.text("r3"), found[3].start, found[3].end, 10)
    assert (left, hit, right) == ("i Hà Nội. ", "Tô Lâm", " nói.")


def test_kept_current_lazily_and_rebuildable(home: Path):
    put_reports(home, REPORTS[:1])
    with EntityIndex(home) as index:
        assert by_name(index.entities())[("Tô Lâm", "PER")].count == 1
        put_reports(home, REPORTS[1:2])  # an import: the next read indexes the new text only
        assert index.refresh() == 1
        rows = by_name(index.entities())
        assert rows[("Tô Lâm", "PER")].count == 2
        assert index.refresh() == 0  # nothing changed since
    (home / "cache" / "entities.sqlite").unlink()  # never the truth
    with EntityIndex(home) as index:
        assert by_name(index.entities())[("Tô Lâm", "PER")].count == 2


def test_a_changed_text_is_indexed_again(home: Path):
    put_reports(home, REPORTS[:1])
    with EntityIndex(home) as index:
        index.entities()
        put_reports(home, [("r1", "2025-01", "Hà Nội mùa thu.", [("Hà Nội", "LOC")])])
        rows = by_name(index.entities())
    assert ("Tô Lâm", "PER") not in rows
    assert rows[("Hà Nội", "LOC")].first == "2025-01"


def test_corrections_are_applied(home: Path):
    put_reports(home, REPORTS)
    lib = Library(home)
    with EntityIndex(home, lib) as index:
        assert ("Hà Nội", "LOC") in by_name(index.entities())
        report = lib.open("r1")
        start = report.text.index("Hà Nội")
        with AnnotationStore(home, annotator="lan") as store:
            store.correct(make_remove("r1", report.text, report.analysis.entities, start, start + 6,
                                      annotator="lan", now=now_iso()))
        assert index.refresh() == 2  # the reports holding its words, not r2
        rows = by_name(index.entities())  # a removal applies library-wide
    assert ("Hà Nội", "LOC") not in rows
    assert rows[("Tô Lâm", "PER")].count == 4


def test_a_deleted_correction_gives_the_entity_back(home: Path):
    put_reports(home, REPORTS)
    lib = Library(home)
    report = lib.open("r3")
    start = report.text.index("Hà Nội")
    with EntityIndex(home, lib) as index:
        index.entities()
        with AnnotationStore(home, annotator="lan") as store:
            c = make_remove("r3", report.text, report.analysis.entities, start, start + 6,
                            annotator="lan", now=now_iso())
            store.correct(c)
            assert ("Hà Nội", "LOC") not in by_name(index.entities())
            store.delete_correction(c.id)
        assert index.refresh() == 2
        assert by_name(index.entities())[("Hà Nội", "LOC")].count == 2
        (home / "cache" / "entities.sqlite").unlink()
    with EntityIndex(home, lib) as fresh:
        assert fresh.entities() == EntityIndex(home, lib).entities()


def test_compared_in_sqlite_or_through_the_library_alike(home: Path, monkeypatch):
    import annotations.entity_index as entity_index

    put_reports(home, REPORTS[:2])
    lib = Library(home)
    calls = []
    listing = lib.listing
    monkeypatch.setattr(lib, "listing", lambda *f: calls.append(f) or listing(*f))
    with EntityIndex(home, lib) as index:
        assert index.refresh() == 2 and calls == []  # the catalogue attached, compared by SQL
        put_reports(home, REPORTS[2:] + [("r1", "2023-05", "Hà Nội.", [("Hà Nội", "LOC")])])
        assert index.refresh() == 2 and index.refresh() == 0 and calls == []
        by_sql = index.entities()
    (home / "cache" / "entities.sqlite").unlink()
    monkeypatch.setattr(entity_index, "CATALOGUE_SCHEMA", -1)  # a catalogue it cannot read by SQL
    with EntityIndex(home, lib) as index:
        assert index.refresh() == 3 and calls
        assert index.entities() == by_sql
    assert not list(home.glob("file*")) and not list(Path.cwd().glob("file:*"))  # no stray files


def test_a_damaged_index_is_made_again(home: Path):
    put_reports(home, REPORTS)
    (home / "cache").mkdir(exist_ok=True)
    (home / "cache" / "entities.sqlite").write_bytes(b"not a database at all" * 100)
    with EntityIndex(home) as index:
        assert by_name(index.entities())[("Tô Lâm", "PER")].count == 4
    assert (home / "cache" / "entities.sqlite").read_bytes()[:16] == b"SQLite format 3\x00"


VIET = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"


@given(st.text(alphabet=VIET + " ", min_size=1, max_size=30))
def test_keys_ignore_case(name):
    assert key_of(name.upper()) == key_of(name.lower()) == key_of(name.title())


@given(st.text(alphabet=VIET + " .\n\t", max_size=200), st.data())
def test_kwic_pieces_come_from_the_text(text, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    width = data.draw(st.integers(1, 50))
    left, hit, right = kwic(text, start, end, width)
    assert hit == re.sub(r"\s+", " ", text[start:end])
    assert re.sub(r"\s+", " ", text[:start]).endswith(left) and len(left) <= width
    assert re.sub(r"\s+", " ", text[end:]).startswith(right) and len(right) <= width
    assert "\n" not in left + hit + right


def _indexed_docs(path: Path, column: str = "doc") -> set[str]:
    import sqlite3

    db = sqlite3.connect(path)
    try:
        return {row[0] for row in db.execute(f"SELECT {column} FROM docs")}
    finally:
        db.close()


def test_an_import_brings_both_indexes_current(home: Path):
    """services.import_paths indexes what it imported: the first search or
    entities list after a big import does not index the whole import."""
    from annotations.home import Home
    from annotations.services import import_paths
    from support import SEEDS

    summary = import_paths(home, [SEEDS], workers=1)
    h = Home(home)
    assert len(summary.imported) == 5
    assert _indexed_docs(h.root / "cache" / "entities.sqlite") == set(summary.imported)
    assert _indexed_docs(h.library_dir / "search.sqlite", "id") == set(summary.imported)


def test_an_index_that_cannot_be_updated_warns_and_the_import_stands(home: Path):
    import sqlite3

    from annotations.home import Home
    from annotations.services import import_paths
    from support import SEEDS

    h = Home(home)
    h.library_dir.mkdir(parents=True)
    newer = sqlite3.connect(h.library_dir / "search.sqlite")
    newer.execute("PRAGMA user_version = 999")  # a newer baocao's index: never rewritten
    newer.close()
    warned: list[str] = []
    summary = import_paths(home, [SEEDS], workers=1, warn=warned.append)
    assert len(summary.imported) == 5 and not summary.failed
    assert len(Library(home)) == 5
    assert any("indexes were not brought up to date" in w and "newer baocao" in w
               for w in warned), warned
