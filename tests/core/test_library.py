"""Import, index, cache and re-import of the report library."""
import os
import shutil
from pathlib import Path

import orjson
import pytest

from annotations import nlp
from annotations.corpus.cache import analyze_to_dict
from annotations.corpus.library import Library, LibraryError
from annotations.models import Analysis, text_sha256
from support import SEEDS, catalogue_rows, first_release

SEED_IDS = sorted(p.stem for p in SEEDS.glob("*.txt"))


def test_seeds_import_with_file_stems_as_ids(seeded_home):
    lib = Library(seeded_home)
    assert sorted(m.id for m in lib.reports()) == SEED_IDS
    for m in lib.reports():
        assert m.sentences > 0
        assert m.sha256 == text_sha256(lib.text(m.id))


def test_reports_sorted_oldest_first_undated_last(seeded_home):
    metas = Library(seeded_home).reports()
    dated = [m.date for m in metas if m.date]
    assert dated == sorted(dated)
    seen_undated = False
    for m in metas:
        seen_undated |= m.date is None
        assert not (seen_undated and m.date), "a dated report after an undated one"


def test_every_span_slices_back(seeded_home):
    lib = Library(seeded_home)
    for m in lib.reports():
        text, a = lib.text(m.id), lib.analysis(m.id)
        assert len(a.sentences) == m.sentences
        for p in a.paragraphs:
            assert text[p.start:p.end].strip() == text[p.start:p.end] != ""
        for s in a.sentences:
            p = a.paragraphs[s.paragraph]
            assert p.start <= s.start < s.end <= p.end
        for t in a.tokens:
            assert 0 <= t.start < t.end <= len(text)


def test_reimport_unchanged_runs_no_nlp(seeded_home, monkeypatch):
    def boom(text):
        raise AssertionError("NLP ran on an unchanged report")

    monkeypatch.setattr(nlp, "analyze", boom)
    summary = Library(seeded_home).import_paths([SEEDS], workers=1)
    assert sorted(summary.unchanged) == SEED_IDS
    assert not summary.imported and not summary.skipped


def test_reimport_of_unchanged_files_decodes_and_cleans_nothing(home, tmp_path, monkeypatch):
    from annotations.corpus import ingest
    from annotations.text import clean, decode

    src = tmp_path / "src"
    shutil.copytree(SEEDS, src)
    first = Library(home).import_paths([src], workers=1)
    keys = {m.id: m.source_key for m in Library(home).reports()}
    assert sorted(first.imported) == SEED_IDS and all(keys.values())
    assert keys[SEED_IDS[0]] == ingest.source_key((src / f"{SEED_IDS[0]}.txt").read_bytes())

    def boom(*args, **kw):
        raise AssertionError("an unchanged file was decoded or cleaned")

    monkeypatch.setattr(decode, "decode_bytes", boom)
    monkeypatch.setattr(clean, "clean", boom)
    summary = Library(home).import_paths([src], workers=1)
    assert sorted(summary.unchanged) == SEED_IDS and not summary.imported and not summary.skipped
    monkeypatch.undo()

    # a damaged stored text: that report takes the full path, which writes it again
    lib = Library(home)
    lib.text_path(SEED_IDS[2]).write_text("changed outside baocao", encoding="utf-8")
    (src / f"{SEED_IDS[3]}.txt").write_text("Báo cáo mới.\n\nNội dung đã thay đổi.",
                                             encoding="utf-8")
    summary = Library(home).import_paths([src], workers=1)
    assert sorted(summary.updated) == [SEED_IDS[2], SEED_IDS[3]]
    assert Library(home).text(SEED_IDS[2])  # sound again (its hash checked)


def test_reimport_gives_an_old_report_its_source_key_and_new_code_reads_again(home, tmp_path,
                                                                              monkeypatch):
    from annotations.corpus import ingest

    src = tmp_path / "src"
    shutil.copytree(SEEDS, src)
    Library(home).import_paths([src], workers=1)
    lib = Library(home)
    rid = SEED_IDS[1]
    lib._catalogue.set_source_keys([(rid, "")])  # as imported before source keys
    calls = []
    real = ingest._prepare
    monkeypatch.setattr(ingest, "_prepare", lambda *a, **kw: calls.append(a[2]) or real(*a, **kw))
    summary = Library(home).import_paths([src], workers=1)
    assert calls == [rid] and sorted(summary.unchanged) == SEED_IDS
    assert Library(home).get(rid).source_key == ingest.source_key((src / f"{rid}.txt").read_bytes())
    calls.clear()
    Library(home).import_paths([src], workers=1)
    assert calls == []
    # other cleaning code: every file is read again (and still unchanged)
    monkeypatch.setattr(ingest, "_code_hash", lambda: b"other code")
    summary = Library(home).import_paths([src], workers=1)
    assert sorted(calls) == SEED_IDS and sorted(summary.unchanged) == SEED_IDS


def test_identical_content_elsewhere_is_reported_not_duplicated(seeded_home, tmp_path):
    copy = tmp_path / "copy.txt"
    shutil.copy(SEEDS / f"{SEED_IDS[1]}.txt", copy)
    lib = Library(seeded_home)
    summary = lib.import_paths([copy], workers=1)
    assert summary.duplicates == [(str(copy), SEED_IDS[1])]
    assert len(Library(seeded_home).reports()) == 5


def test_changed_file_updates_same_report_and_calls_hook(seeded_home, tmp_path):
    src = tmp_path / f"{SEED_IDS[1]}.txt"
    shutil.copy(SEEDS / src.name, src)
    lib = Library(seeded_home)
    first = lib.import_paths([src], workers=1)  # a new origin: same text as the seed
    assert first.duplicates
    src.write_text("Báo cáo mới.\n\nHội nghị đã thống nhất nhiều nội dung quan trọng.",
                   encoding="utf-8")
    calls = []
    summary = lib.import_paths([src], workers=1, on_text_changed=lambda *a: calls.append(a))
    # The copy was only a duplicate before, so its new text is a new report.
    assert summary.imported == [f"{SEED_IDS[1]}_2"]
    src.write_text("Báo cáo mới.\n\nNội dung đã thay đổi.", encoding="utf-8")
    summary = lib.import_paths([src], workers=1, on_text_changed=lambda *a: calls.append(a))
    assert summary.updated == [f"{SEED_IDS[1]}_2"]
    rid, old, new, analysis = calls[0]
    assert len(analysis.sentences) == Library(seeded_home).get(rid).sentences
    assert rid == f"{SEED_IDS[1]}_2" and "thống nhất" in old and "thay đổi" in new
    assert Library(seeded_home).text(rid) == new


def test_id_collision_made_unique(home, tmp_path):
    a = tmp_path / "a" / "report.txt"
    b = tmp_path / "b" / "report.txt"
    for p, body in ((a, "Hội nghị đã họp."), (b, "Quốc hội đã thông qua luật.")):
        p.parent.mkdir()
        p.write_text(body, encoding="utf-8")
    summary = Library(home).import_paths([tmp_path], workers=1)
    assert sorted(summary.imported) == ["report", "report_2"]


def test_jsonl_records_bad_lines_reported_good_lines_kept(home, tmp_path):
    f = tmp_path / "batch.jsonl"
    f.write_text("\n".join([
        orjson.dumps({"id": "r1", "text": "Hội nghị đã họp.", "date": "2024-05"}).decode(),
        "{not json",
        orjson.dumps({"title": "no text"}).decode(),
        orjson.dumps({"id": "r1", "text": "Một báo cáo khác có cùng id."}).decode(),
    ]), encoding="utf-8")
    summary = Library(home).import_paths([f], workers=1)
    assert sorted(summary.imported) == ["r1", "r1_2"]
    reasons = {s.source: s.reason for s in summary.skipped}
    assert set(reasons) == {f"{f}:2", f"{f}:3"}
    assert "malformed JSON" in reasons[f"{f}:2"]
    assert "'text'" in reasons[f"{f}:3"]
    meta = Library(home).get("r1")
    assert (meta.date, meta.date_source) == ("2024-05", "header")
    again = Library(home).import_paths([f], workers=1)
    assert sorted(again.unchanged) == ["r1", "r1_2"] and not again.duplicates


@pytest.mark.parametrize("name,data,reason", [
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"  \n\t\n", "empty"),
    ("nul.txt", b"abc\x00def", "NUL"),
    ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
])
def test_bad_files_skipped_with_reason_library_unchanged(home, tmp_path, name, data, reason):
    good = tmp_path / "good.txt"
    good.write_text("Hội nghị đã họp và thống nhất các nội dung.", encoding="utf-8")
    bad = tmp_path / name
    bad.write_bytes(data)
    summary = Library(home).import_paths([good, bad], workers=1)
    assert summary.imported == ["good"]
    assert len(summary.skipped) == 1 and summary.skipped[0].source == str(bad)
    assert reason.lower() in summary.skipped[0].reason.lower() or summary.skipped[0].reason
    assert [m.id for m in Library(home).reports()] == ["good"]


def test_missing_path_and_unsupported_type(home, tmp_path):
    other = tmp_path / "notes.pdf"
    other.write_bytes(b"%PDF-1.4")
    summary = Library(home).import_paths([tmp_path / "nope", other], workers=1)
    reasons = [s.reason for s in summary.skipped]
    assert "no such file or directory" in reasons[0]
    assert "unsupported file type '.pdf'" in reasons[1]


def test_unreadable_file(home, tmp_path, monkeypatch):
    f = tmp_path / "locked.txt"
    f.write_text("Hội nghị.", encoding="utf-8")
    real = os.open

    def denied(path, *a, **kw):  # chmod 0 does not stop root, so refuse the open here
        if Path(path) == f:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, *a, **kw)

    monkeypatch.setattr(os, "open", denied)
    summary = Library(home).import_paths([f], workers=1)
    assert summary.skipped[0].reason == "cannot read: Permission denied"


def test_symlink_loop_is_safe(home, tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    (d / "r.txt").write_text("Hội nghị đã họp.", encoding="utf-8")
    (d / "loop").symlink_to(d)
    summary = Library(home).import_paths([d], workers=1)
    assert summary.imported == ["r"]


def test_corrupt_index_is_reported_and_not_overwritten(seeded_home):
    index = first_release(seeded_home)  # a first-release home, migrated when opened
    index.write_bytes(b'{"version": 1, "reports": [')
    with pytest.raises(LibraryError, match="corrupt"):
        Library(seeded_home).reports()
    with pytest.raises(LibraryError):
        Library(seeded_home).import_paths([SEEDS], workers=1)
    assert index.read_bytes() == b'{"version": 1, "reports": ['
    assert not (seeded_home / "library" / "catalogue.sqlite").exists()


def test_corrupt_catalogue_is_reported_and_not_overwritten(seeded_home):
    catalogue = seeded_home / "library" / "catalogue.sqlite"
    for wal in seeded_home.glob("library/catalogue.sqlite-*"):  # no log that still holds pages
        wal.unlink()
    catalogue.write_bytes(b"SQLite format 3\x00 but not really" * 100)
    with pytest.raises(LibraryError, match="corrupt"):
        Library(seeded_home).reports()
    with pytest.raises(LibraryError):
        Library(seeded_home).import_paths([SEEDS], workers=1)
    assert catalogue.read_bytes() == b"SQLite format 3\x00 but not really" * 100


def test_read_ahead_reads_the_order_and_leaves_failures_to_the_next_read(seeded_home):
    """The TUI reads the table order in a thread while it builds its screen."""
    import threading

    lib = Library(seeded_home)
    reader = threading.Thread(target=lib.read_ahead)
    reader.start()
    reader.join()
    assert len(lib) == 5 and len(lib.ids()) == 5  # read in the thread, used here
    catalogue = seeded_home / "library" / "catalogue.sqlite"
    for wal in seeded_home.glob("library/catalogue.sqlite-*"):
        wal.unlink()
    catalogue.write_bytes(b"SQLite format 3\x00 but not really" * 100)
    broken = Library(seeded_home)
    assert broken.read_ahead() is None  # says nothing ...
    with pytest.raises(LibraryError, match="corrupt"):
        len(broken)  # ... the open's own read does, as before


def test_broken_cache_entry_is_recomputed(seeded_home):
    lib = Library(seeded_home)
    rid = SEED_IDS[0]
    good = lib.analysis(rid)
    cache = lib.cache_path(lib.get(rid).sha256)
    cache.write_bytes(b"garbage")
    assert Library(seeded_home).analysis(rid) == good


def test_parallel_import_matches_serial(tmp_path):
    lib_par = Library(tmp_path / "par")
    lib_par.import_paths([SEEDS], workers=2)
    for m in lib_par.reports():
        text = lib_par.text(m.id)
        assert Analysis.from_dict(analyze_to_dict(text)) == lib_par.analysis(m.id)


def test_seeds_dir_found_in_checkout():
    from annotations.home import seeds_dir

    assert sorted(p.stem for p in seeds_dir().glob("*.txt")) == SEED_IDS


def test_ensure_seeded_only_fills_empty_library(home):
    lib = Library(home)
    assert len(lib.ensure_seeded().imported) == 5
    assert Library(home).ensure_seeded() is None


# ---------------------------------------------------------------- issue 9: text switch, recovery

def _fake_nlp(monkeypatch):
    import re as _re

    from annotations.models import Paragraph, Sentence, Token

    def analyze(text):
        spans = [(m.start(), m.end()) for m in _re.finditer(r"[^\n]+", text)]
        return Analysis([Paragraph(s, e) for s, e in spans],
                        [Sentence(s, e, i) for i, (s, e) in enumerate(spans)],
                        [Token(m.start(), m.end()) for m in _re.finditer(r"\S+", text)], [])

    monkeypatch.setattr(nlp, "analyze", analyze)


def test_a_changed_text_gets_a_new_file_and_the_index_switches_to_it(home, tmp_path, monkeypatch):
    from annotations.home import Home

    _fake_nlp(monkeypatch)
    src = tmp_path / "r.txt"
    src.write_text("Hội nghị đã họp.\n\nCâu hai.", encoding="utf-8")
    lib = Library(home)
    assert lib.import_paths([src], workers=1).imported == ["r"]
    texts = home / "library" / "texts"
    assert [p.name for p in texts.iterdir()] == ["r.txt"]  # a first text keeps the plain name
    old_sha = Library(home).get("r").sha256
    src.write_text("Mở đầu.\n\nHội nghị đã họp.\n\nCâu hai.", encoding="utf-8")
    calls = []
    assert Library(home).import_paths([src], workers=1,
                                      on_text_changed=lambda *a: calls.append(a)).updated == ["r"]
    meta = Library(home).get("r")
    name = f"r+{meta.sha256[:16]}.txt"
    assert [p.name for p in texts.iterdir()] == [name]  # the old text removed after the switch
    assert catalogue_rows(home) == [("r", meta.sha256, name)]
    assert Home(home).text_path("r") == texts / name  # what the annotation store reads
    assert Library(home).text("r").startswith("Mở đầu.")
    assert calls[0][1].startswith("Hội nghị") and calls[0][2].startswith("Mở đầu")
    assert not Library(home).cache_path(old_sha).exists()  # the old analysis went with it


def test_the_next_writer_removes_leftovers_and_re_anchors_superseded_texts(home, tmp_path, monkeypatch):
    _fake_nlp(monkeypatch)
    src = tmp_path / "r.txt"
    src.write_text("Hội nghị đã họp.\n\nCâu hai.", encoding="utf-8")
    Library(home).import_paths([src], workers=1)
    texts, cache = home / "library" / "texts", home / "cache" / "analysis"
    # what a kill leaves: a superseded text of r, a text of a report never committed,
    # an analysis of no current text, temporary files
    (texts / "r+0123456789abcdef.txt").write_text("Hội nghị đã họp.", encoding="utf-8")
    (texts / "ghost.txt").write_text("ma", encoding="utf-8")
    (texts / ".r.txt.abc.tmp").write_text("half", encoding="utf-8")
    (cache / f"{'f' * 64}-1.json").write_text("{}", encoding="utf-8")
    (home / "library" / ".index.json.x1.tmp").write_text("{", encoding="utf-8")
    calls = []
    notes = Library(home).recover(on_text_changed=lambda *a: calls.append(a))
    assert [c[0] for c in calls] == ["r"] and calls[0][1] == "Hội nghị đã họp."
    assert calls[0][2] == Library(home).text("r")  # re-anchored onto the current text
    assert sorted(p.name for p in texts.iterdir()) == ["r.txt"]
    assert [p.name for p in cache.iterdir()] == [f"{Library(home).get('r').sha256}-{nlp.PIPELINE_VERSION}.json"]
    assert not list((home / "library").glob("*.tmp"))
    assert any("ghost.txt" in n for n in notes) and any("cache" in n for n in notes)
    assert Library(home).recover() == []  # nothing left to do


def test_a_damaged_text_is_refused_on_open_and_repaired_by_a_re_import(home, tmp_path, monkeypatch):
    _fake_nlp(monkeypatch)
    src = tmp_path / "r.txt"
    src.write_text("Hội nghị đã họp.\n\nCâu hai.", encoding="utf-8")
    Library(home).import_paths([src], workers=1)
    (home / "library" / "texts" / "r.txt").write_text("Văn bản khác.", encoding="utf-8")
    with pytest.raises(LibraryError, match="does not match the library index"):
        Library(home).open("r")
    s = Library(home).import_paths([src], workers=1)
    assert s.updated == ["r"] and not s.unchanged
    assert Library(home).text("r") == "Hội nghị đã họp.\n\nCâu hai."


def test_ctrl_c_during_an_import_commits_what_was_finished(home, tmp_path, monkeypatch):
    _fake_nlp(monkeypatch)
    for i in range(6):
        (tmp_path / f"r{i}.txt").write_text(f"Báo cáo số {i} đã họp.", encoding="utf-8")

    def progress(done, total, what):
        if done == 3:
            raise KeyboardInterrupt

    s = Library(home).import_paths([tmp_path], workers=1, progress=progress)
    assert s.interrupted and s.failed and s.imported == ["r0", "r1", "r2"]
    lib = Library(home)
    assert [m.id for m in lib.reports()] == ["r0", "r1", "r2"]
    assert sorted(p.name for p in (home / "library" / "texts").iterdir()) == ["r0.txt", "r1.txt", "r2.txt"]
    assert sorted(p.name for p in (home / "cache" / "analysis").iterdir()) == sorted(
        lib.cache_path(m.sha256).name for m in lib.reports())


def test_a_reader_never_writes_the_cache_while_another_process_holds_the_home(seeded_home, monkeypatch):
    import subprocess
    import sys

    _fake_nlp(monkeypatch)
    lib = Library(seeded_home)
    rid = lib.reports()[0].id
    path = lib.cache_path(lib.get(rid).sha256)
    path.unlink()
    child = subprocess.Popen([sys.executable, "-c", "import sys; from annotations.home import Home; "
                              "h = Home(sys.argv[1]); h.acquire_writer('other'); print('locked', "
                              "flush=True); sys.stdin.readline()", str(seeded_home)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "locked"
        assert Library(seeded_home).open(rid).analysis.sentences  # computed, not kept
        assert not path.exists()
        from annotations.errors import StoreLocked

        with pytest.raises(StoreLocked):
            Library(seeded_home).recover()
    finally:
        child.communicate("\n", timeout=30)
    Library(seeded_home).open(rid)
    assert path.exists()  # no one holds the home: kept


def test_index_records_of_the_wrong_type_are_refused(seeded_home):
    index = first_release(seeded_home)
    doc = orjson.loads(index.read_bytes())
    doc["reports"][0]["sentences"] = "12"
    index.write_bytes(orjson.dumps(doc))
    with pytest.raises(LibraryError, match="'sentences' is a string"):
        Library(seeded_home).reports()


def test_long_accented_names_give_ids_that_fit_a_file_name(home, tmp_path, monkeypatch):
    _fake_nlp(monkeypatch)
    name = "Báo_cáo_kết_quả_thực_hiện_nhiệm_vụ_phát_triển_kinh_tế_xã_hội_" * 3
    f = tmp_path / f"{name[:80]}.txt"
    f.write_text("Hội nghị đã họp.", encoding="utf-8")
    jl = tmp_path / "b.jsonl"
    jl.write_text(orjson.dumps({"id": "Nghị_quyết_" * 40, "text": "Quốc hội họp."}).decode(),
                  encoding="utf-8")
    s = Library(home).import_paths([f, jl], workers=1)
    assert len(s.imported) == 2, s.skipped
    for rid in s.imported:
        assert len(rid.encode()) <= 180 and Library(home).text(rid)
