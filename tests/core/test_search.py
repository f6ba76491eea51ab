"""Search across the library (issue 15): folding, the query syntax, filters,
offsets, the index kept current and rebuilt."""
from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.corpus.catalogue import Catalogue
from annotations.corpus.library import Library
from annotations.errors import InputError
from annotations.home import Home
from annotations.models import ReportMeta, text_sha256
from annotations.search import SearchIndex, matching, reindex, search, tagged
from annotations.store import AnnotationStore
from annotations.store.records import Selection
from annotations.text.vietnamese import fold


def write_home(home: Path, reports: dict[str, tuple[str | None, list[str]]],
               entities: dict[str, list[tuple[int, int, str]]] | None = None) -> Path:
    """A library written straight to disk (no NLP): report id -> (date, sentences),
    one paragraph of sentences joined by a space; the analyses in the cache."""
    texts = home / "library" / "texts"
    texts.mkdir(parents=True, exist_ok=True)
    lib = Library(home)
    rows = []
    for rid, (date, sentences) in reports.items():
        text, spans = "", []
        for s in sentences:
            if text:
                text += " "
            spans.append([len(text), len(text) + len(s), 0])
            text += s
        (texts / f"{rid}.txt").write_text(text, encoding="utf-8")
        sha = text_sha256(text)
        lib.cache.put_dict(sha, {"paragraphs": [[0, len(text)]], "sentences": spans, "tokens": [],
                                 "entities": [list(e) for e in (entities or {}).get(rid, [])]})
        meta = ReportMeta(rid, sentences[0][:40], date, "text" if date else "unknown",
                          len(sentences), sha)
        rows.append((meta, f"{rid}.txt", fold(text)))
    Catalogue(Home(home), None).create(rows)
    return home


def found(home: Path, query: str, **kw) -> set[tuple[str, int]]:
    return {(h.report_id, h.sentence) for h in search(home, query, **kw)}


# -- folding: (text in a report, a query that must find it)
FOLDING = [
    ("Chương trình xóa nhà tạm", "xoa nha tam"),
    ("Chương trình xoá nhà tạm", "xoa nha tam"),          # old tone placement
    ("Chương trình xoá nhà tạm", "xóa nhà tạm"),          # new style query, old style text
    ("Chương trình xóa nhà tạm", "xoá nhà tạm"),
    ("Ban Thường vụ Đảng ủy họp", "dang uy"),             # đ
    ("Ban Thường vụ Đảng uỷ họp", "dang uy"),
    ("Ban Thường vụ đảng ủy họp", "ĐẢNG ỦY"),
    ("Ban Thường vụ Đảng ủy họp", unicodedata.normalize("NFD", "đảng ủy")),  # NFD query
    ("Bộ trưởng người đứng đầu", "truong nguoi"),          # stacked marks: ư + tone
    ("Việt Nam đổi mới", "viet nam doi moi"),             # ê + dot below, ô + hook
    ("Kỳ họp thứ 9 Quốc hội", "ky hop thu 9"),
]


def test_folding_table(home):
    write_home(home, {f"r{i}": ("2024", [text]) for i, (text, _q) in enumerate(FOLDING)})
    for i, (text, query) in enumerate(FOLDING):
        hits = search(home, query)
        assert (f"r{i}", 0) in {(h.report_id, h.sentence) for h in hits}, (text, query)
        for h in hits:  # every match is a word of the query, folded
            assert all(fold(h.text[s - h.start:e - h.start]) in fold(query).split()
                       for s, e in h.matches), (h, query)


def test_a_folded_word_is_not_a_different_word(home):
    write_home(home, {"a": ("2024", ["xoan nha tam"]), "b": ("2024", ["dang ky"])})
    assert found(home, "xoa nha tam") == set()
    assert found(home, "dang uy") == set()


@pytest.fixture
def syntax_home(home):
    return write_home(home, {
        "a": ("2023-03", ["Chương trình xóa nhà tạm được triển khai.", "Chuyển đổi số là trọng tâm."]),
        "b": ("2024-07-10", ["Nhà tạm xóa bỏ sau đó.", "Chuyển dịch cơ cấu kinh tế."]),
        "c": ("2024", ["Chuyển giao công nghệ.", "Đảng ủy khối xóa nhà tạm."]),
        "d": (None, ["Xóa nhà tạm ở vùng cao."]),
    })


def test_and_phrase_prefix_or_not(syntax_home):
    h = syntax_home
    assert found(h, "xoa nha tam") == {("a", 0), ("b", 0), ("c", 1), ("d", 0)}  # AND, any order
    assert found(h, '"xoa nha tam"') == {("a", 0), ("c", 1), ("d", 0)}          # a phrase keeps order
    assert found(h, "chuyen d*") == {("a", 1), ("b", 1)}                      # prefix
    assert found(h, "chuyen d") == set()                                      # no star: a whole word
    assert found(h, "chuyen doi* OR giao") == {("a", 1), ("c", 0)}
    assert found(h, "xoa nha tam -dang") == {("a", 0), ("b", 0), ("d", 0)}
    assert found(h, 'xoa -"nha tam"') == set()
    with pytest.raises(InputError):
        search(h, "-xoa")
    for hit in search(h, '"xoa nha tam"'):  # the phrase is the span shown, as one
        assert [fold(hit.text[a - hit.start:b - hit.start]) for a, b in hit.matches] == ["xoa nha tam"]
    for hit in search(h, "chuyen d*"):
        shown = [fold(hit.text[a - hit.start:b - hit.start]) for a, b in hit.matches]
        assert shown[0] == "chuyen" and shown[1].startswith("d") and len(shown) == 2


def test_date_filters_and_sort(syntax_home):
    h = syntax_home
    q = "xoa nha tam"
    assert found(h, q, date_from="2024") == {("b", 0), ("c", 1)}              # undated in no range
    assert found(h, q, date_to="2023-12") == {("a", 0)}
    assert found(h, q, date_from="2024-07", date_to="2024-07") == {("b", 0), ("c", 1)}  # 2024 overlaps
    assert found(h, q, date_from="2024-08") == {("c", 1)}
    assert [(r, s) for r, _d, s in matching(h, q, date_from="2024")] == [("c", 1), ("b", 0)]
    by_date = [x.report_id for x in search(h, q, sort="date")]
    assert by_date == ["a", "c", "b", "d"]  # catalogue order: 2023-03, 2024, 2024-07-10, undated
    assert len(search(h, q, limit=2)) == 2
    with pytest.raises(InputError):
        search(h, q, date_from="March")


def _tag(home: Path, rid: str, sentence: int, label: str, annotator: str = "lan", note: str = "") -> None:
    lib = Library(home)
    report = lib.open(rid)
    with AnnotationStore(home, annotator=annotator) as store:
        sel = Selection.of(rid, report.analysis.sentences, sentence, sentence, report.meta.sha256)
        store.tag(sel, label)
        if note:
            store.set_note(sel, note)


def test_label_annotator_and_tagged_passages(syntax_home):
    h = syntax_home
    assert found(h, "xoa", label="risk") == set()
    _tag(h, "b", 0, "risk", note="cần kiểm tra số liệu")
    _tag(h, "c", 1, "task", annotator="minh")
    assert found(h, "xoa", label="risk") == {("b", 0)}                        # current after a tag
    assert found(h, "xoa", annotator="minh") == {("c", 1)}
    hit = search(h, "xoa", label="risk")[0]
    assert [(t.label, t.annotator) for t in hit.labels] == [("risk", "lan")]
    passages = tagged(h)
    assert [(p.report_id, p.label, p.annotator) for p in passages] == [("c", "task", "minh"),
                                                                      ("b", "risk", "lan")]
    assert [p.report_id for p in tagged(h, label="risk")] == ["b"]
    assert [p.report_id for p in tagged(h, note="kiem tra")] == ["b"]
    assert tagged(h, note="khong co") == []
    assert [p.report_id for p in tagged(h, date_to="2024-06")] == ["c"]
    text = Library(h).text("b")
    p = tagged(h, label="risk")[0]
    assert text[p.start:p.end] == p.text and p.note == "cần kiểm tra số liệu"


def test_entity_filter_and_hit_entities(home):
    s1, s2 = "Đồng chí Tô Lâm phát biểu.", "Tô Lâm Dương là tên đường."
    write_home(home, {"a": ("2024", [s1, s2])},
               entities={"a": [(9, 15, "PER"), (len(s1) + 1, len(s1) + 14, "LOC")]})
    assert found(home, "", entity="to lam") == {("a", 0), ("a", 1)}
    hits = search(home, "phat bieu", entity="tô lâm")
    assert [(h.sentence, [(e.label, e.text) for e in h.entities]) for h in hits] == [(0, [("PER", "Tô Lâm")])]
    assert found(home, "", entity="nguyen") == set()
    with SearchIndex(home) as index:  # the search screen's hits: no entities read, unless filtered by one
        assert [h.entities for h in index.iter_hits("phat bieu", entities=False)] == [()]
        hits = list(index.iter_hits("phat bieu", entity="to lam", entities=False))
        assert [[e.text for e in h.entities] for h in hits] == [["Tô Lâm"]]


words = st.sampled_from(["Đảng", "ủy", "xóa", "xoá", "nhà", "tạm", "người", "Việt", "chuyển", "đổi",
                         "số", "2024", "hội", "nghị", "uỷ", "ĐẢNG", "dân"])
sentences = st.lists(words, min_size=1, max_size=8).map(" ".join).map(lambda s: s + ".")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(sentences, min_size=1, max_size=6), words)
def test_offsets_slice_back(tmp_path_factory, sents, word):
    home = write_home(tmp_path_factory.mktemp("h"), {"r": ("2024", sents)})
    text = Library(home).text("r")
    want = fold(word)
    expected = [i for i, s in enumerate(sents) if want in fold(s[:-1]).split()]
    hits = search(home, word, sort="date")
    assert [h.sentence for h in hits] == expected
    for h in hits:
        assert text[h.start:h.end] == h.text == sents[h.sentence]
        assert h.matches and all(fold(text[s:e]) == want and h.start <= s < e <= h.end for s, e in h.matches)


def test_current_after_import_and_reimport_and_rebuilt(home, tmp_path):
    from annotations import services

    src = tmp_path / "src"
    src.mkdir()
    f = src / "bao_cao.txt"
    f.write_text("Ngày 18/10/2024, hội nghị bàn về chuyển đổi số.\n", encoding="utf-8")
    services.import_paths(home, [src], workers=1)
    assert [h.report_id for h in search(home, "chuyen doi so")] == ["bao_cao"]
    f.write_text("Ngày 18/10/2024, hội nghị bàn về xóa nhà tạm.\n", encoding="utf-8")
    services.import_paths(home, [src], workers=1)
    assert search(home, "chuyen doi so") == []
    hits = search(home, "xoa nha tam")
    assert [h.report_id for h in hits] == ["bao_cao"]
    index = Home(home).library_dir / "search.sqlite"
    os.unlink(index)  # never the truth: the next search builds it again
    assert search(home, "xoa nha tam") == hits
    assert reindex(home) == 1 and search(home, "xoa nha tam") == hits
    index.write_bytes(b"not a database at all" * 100)  # a damaged index is rebuilt, not trusted
    assert search(home, "xoa nha tam") == hits


def test_an_open_index_sees_a_later_commit(syntax_home):
    index = SearchIndex(syntax_home)  # held open, as the TUI holds it
    assert len(index.search("xoa nha tam")) == 4
    text = "Xóa nhà tạm trong năm nay."
    lib = Library(syntax_home)
    (lib.home.texts_dir / "e.txt").write_text(text, encoding="utf-8")
    lib.cache.put_dict(text_sha256(text), {"paragraphs": [[0, len(text)]], "sentences": [[0, len(text), 0]],
                                           "tokens": [], "entities": []})
    cat = Catalogue(lib.home, None)
    with lib.home.writer():
        cat.put([(ReportMeta("e", text, "2025", "text", 1, text_sha256(text)), "e.txt", fold(text))])
    cat.close()
    assert ("e", 0) in {(h.report_id, h.sentence) for h in index.search("xoa nha tam")}
    index.close()


def _cli(home: Path, *args: str):
    from click.testing import CliRunner

    from tui.cli import main

    return CliRunner().invoke(main, ["--home", str(home), "--annotator", "lan", *args], catch_exceptions=False)


def test_cli_search_json_plain_passages_and_errors(syntax_home):
    import orjson

    h = syntax_home
    res = _cli(h, "search", "xoa", "nha", "tam", "--sort", "date", "--json")
    assert res.exit_code == 0, res.output
    rows = [orjson.loads(line) for line in res.stdout.splitlines()]
    assert [r["report_id"] for r in rows] == ["a", "c", "b", "d"]
    for r in rows:
        text = Library(h).text(r["report_id"])
        assert text[r["start"]:r["end"]] == r["text"]
        assert all(fold(text[m["start"]:m["end"]]) in ("xoa", "nha", "tam") for m in r["matches"])
    plain = _cli(h, "search", "dang uy", "--limit", "1")
    assert plain.exit_code == 0 and "c#1" in plain.stdout and "Đảng ủy" in plain.stdout
    _tag(h, "a", 1, "task", note="xem lại")
    res = _cli(h, "search", "--label", "task")  # no query: the tagged passages, with the note
    assert res.exit_code == 0 and "a#1 task (lan)" in res.stdout and "note: xem lại" in res.stdout
    bad = _cli(h, "search", "xoa", "--from", "soon")
    assert bad.exit_code == 1 and "is not a date" in bad.output
    res = _cli(h, "reindex")
    assert res.exit_code == 0 and "search index rebuilt: 4 reports" in res.stdout
    assert "entity index rebuilt: 4 reports" in res.stdout and (h / "cache" / "entities.sqlite").exists()


def test_report_text_is_printed_inertly(home):
    write_home(home, {"m": ("2024", ["Mã \x1b[31mđỏ[/bold] xoa ở đây."])})
    res = _cli(home, "search", "xoa")
    assert res.exit_code == 0 and "\x1b[31m" not in res.stdout and "[/bold]" in res.stdout


def test_an_empty_home_finds_nothing_and_writes_nothing(home):
    assert search(home, "xoa") == [] and tagged(home) == [] and matching(home, "xoa") == []
    assert list(home.iterdir()) == []


# real dates at each precision, and any string of that form (a month 13 must not break the order)
dates = st.one_of(st.none(), *(st.dates().map(lambda d, n=n: d.isoformat()[:n]) for n in (4, 7, 10)),
                  st.from_regex(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?", fullmatch=True))


@given(dates, dates)
def test_docids_follow_report_dates(a, b):
    from annotations.search.index import date_key

    assert (date_key(a) == 0) == (a is None)
    if a and b and a < b:  # string order is date order (a year or month sorts before its days)
        assert date_key(a) <= date_key(b) < 2 ** 22


@given(dates, dates, dates)
def test_a_date_range_is_a_docid_range_holding_every_report_it_overlaps(d, date_from, date_to):
    from annotations.search.index import _DOC, date_key, date_overlaps, docid_bounds

    lo, hi = docid_bounds(date_from, date_to)
    first, last = date_key(d) << _DOC, ((date_key(d) + 1) << _DOC) - 1  # the report's sentences
    if date_overlaps(d, date_from, date_to):
        assert lo <= first and last <= hi < 2 ** 63


def test_limited_relevance_ranks_the_newest_window_and_count_says_more(home, monkeypatch):
    from annotations.search import index as search_index

    # oldest first by date, not by id or catalogue order; one undated
    reports = {"z": ("2021", ["Xóa nhà tạm xóa nhà tạm xóa nhà tạm."]), "y": ("2022-05", ["Xóa nhà tạm."]),
               "x": ("2023-01-02", ["Kế hoạch xóa nhà tạm năm nay."]), "w": ("2024-12", ["Xóa nhà tạm ở bản."]),
               "u": (None, ["Xóa nhà tạm."])}
    write_home(home, reports)
    monkeypatch.setattr(search_index, "WINDOW", 2)
    index = SearchIndex(home)
    assert {h.report_id for h in index.search("xoa nha tam", limit=2)} == {"x", "w"}  # the newest two
    assert {h.report_id for h in index.search("xoa nha tam", limit=3)} == {"y", "x", "w"}  # a bigger limit
    assert {h.report_id for h in index.search("xoa nha tam")} == set(reports)  # no limit: every match
    assert index.search("xoa nha tam")[0].report_id == "z"  # ... by bm25: three times in a short sentence
    assert {h.report_id for h in index.search("xoa nha tam", limit=2, date_to="2023")} == {"y", "x"}
    assert {h.report_id for h in index.search("xoa nha tam", limit=5, label="risk")} == set()
    _tag(home, "z", 0, "risk")  # a filter ranks every match: the old tagged sentence is found
    assert [h.report_id for h in index.search("xoa nha tam", limit=5, label="risk")] == ["z"]
    assert index.count("xoa nha tam") == 5 and index.count("xoa nha tam", bound=3) == 3
    assert index.count("ke hoach") == 1 and index.count("xoa", date_from="2023", date_to="2024-06") == 1
    by_date = ["z", "y", "x", "w", "u"]  # a limited date sort reads the oldest docids first: same order
    assert [h.report_id for h in index.search("xoa nha tam", sort="date")] == by_date
    for limit in range(1, 7):
        assert [h.report_id for h in index.search("xoa nha tam", sort="date", limit=limit)] == by_date[:limit]
    index.close()


def test_a_report_whose_date_changes_is_indexed_again(syntax_home):
    index = SearchIndex(syntax_home)
    assert [h.report_id for h in index.search("chuyen", date_from="2025")] == []
    lib = Library(syntax_home)
    meta = lib.get("a")
    cat = Catalogue(lib.home, None)
    with lib.home.writer():
        cat.put([(ReportMeta("a", meta.title, "2025-02", "text", meta.sentences, meta.sha256), "a.txt",
                  fold(lib.text("a")))])
    cat.close()
    assert index.sync() == 1  # same text, new date: its docids move with it
    assert [h.report_id for h in index.search("chuyen", date_from="2025", limit=5)] == ["a"]
    assert [(h.report_id, h.date) for h in index.search("chuyen doi")] == [("a", "2025-02")]
    index.close()


def test_cli_says_when_a_limited_relevance_search_ranked_only_the_newest(syntax_home, monkeypatch):
    from annotations.search import index as search_index

    monkeypatch.setattr(search_index, "WINDOW", 2)
    for limit, newest in (("1", 2), ("2", 2), ("3", 3)):  # the window holds the limit at least
        res = _cli(syntax_home, "search", "xoa nha tam", "--limit", limit)
        assert res.exit_code == 0 and f"ranked among the newest {newest} matching" in res.output
        assert f"{limit} found" in res.output
    for args in (["--limit", "4"], ["--limit", "2", "--sort", "date"], ["--limit", "2", "--to", "2023"]):
        res = _cli(syntax_home, "search", "xoa nha tam", *args)  # every match, date order, 1 match
        assert res.exit_code == 0 and "ranked among" not in res.output, args


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from([None, "2023", "2023-05", "2023-05-02", "2024", "2024-01"]),
                          st.integers(1, 3)), min_size=1, max_size=8), st.integers(1, 12))
def test_a_limited_date_sort_is_the_start_of_the_whole_one(tmp_path_factory, reports, limit):
    # ids in an order unlike the dates; several sentences a report; dates shared and of every precision
    home = write_home(tmp_path_factory.mktemp("h"), {
        f"r{9 - i}": (date, ["Xóa nhà tạm."] * k) for i, (date, k) in enumerate(reports)})
    with SearchIndex(home) as index:
        every = [(h.report_id, h.sentence) for h in index.search("xoa nha tam", sort="date")]
        assert sum(k for _d, k in reports) == len(every)
        assert [(h.report_id, h.sentence) for h in index.search("xoa", sort="date", limit=limit)] == every[:limit]
