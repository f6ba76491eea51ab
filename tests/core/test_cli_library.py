"""`baocao import`, `list` and `show` as scripts use them."""
import orjson
import pytest
from click.testing import CliRunner

from support import SEEDS
from tui.cli import main

LIST_FIELDS = {"id", "title", "date", "date_source", "date_evidence", "sentences", "tagged",
               "done"}
SHOW_FIELDS = {"id", "title", "date", "date_source", "date_evidence", "text", "paragraphs",
               "sentences",
               "tokens", "entities", "annotations", "removed"}


def run(*args, home=None, env=None):
    argv = (["--home", str(home)] if home else []) + [str(a) for a in args]
    return CliRunner().invoke(main, argv, env=env, catch_exceptions=False)


def json_lines(output: str) -> list[dict]:
    return [orjson.loads(line) for line in output.splitlines() if line.strip()]


def test_list_json_fields_and_order(seeded_home):
    res = run("list", "--json", home=seeded_home)
    assert res.exit_code == 0
    rows = json_lines(res.stdout)
    assert len(rows) == 5
    for row in rows:
        assert set(row) == LIST_FIELDS
        assert row["date_source"] in ("header", "text", "unknown")
        assert isinstance(row["sentences"], int) and row["sentences"] > 0
    dated = [r["date"] for r in rows if r["date"]]
    assert dated == sorted(dated)


def test_list_json_is_each_report_as_orjson_writes_it_with_the_annotators_progress(
        seeded_home, monkeypatch):
    """SQLite writes the lines (catalogue.list_json): the same bytes as orjson's
    objects, outside text included, with progress from the store."""
    from dataclasses import replace

    from annotations import services
    from annotations.corpus.library import Library
    from annotations.home import Home

    lib = Library(seeded_home)
    first, second = lib.ids()[:2]
    lib._catalogue.set_meta(replace(lib.get(first), title='a "b" \\ \x01\n\t\u202e\x7f\u0085 é'))
    progress = {second: {"tagged": 3, "none": 1, "done": True}}
    monkeypatch.setattr(Home, "has_store", property(lambda self: True))
    monkeypatch.setattr(services, "progress", lambda home, annotator, warn: progress)
    expected = b""
    for rid, title, date, source, evidence, sentences in Library(seeded_home).listing(
            "id", "title", "date", "date_source", "date_evidence", "sentences"):
        p = progress.get(rid, {"tagged": 0, "done": False})
        expected += orjson.dumps({"id": rid, "title": title, "date": date or None,
                                  "date_source": source, "date_evidence": evidence or None,
                                  "sentences": sentences, "tagged": p["tagged"],
                                  "done": p["done"]}) + b"\n"
    res = run("list", "--json", home=seeded_home)
    assert res.exit_code == 0 and res.stdout_bytes == expected
    assert b'"tagged":3,"done":true' in expected and b"\\u0001\\n\\t" in expected


def test_list_json_without_annotations_is_each_report_as_orjson_writes_its_meta(seeded_home):
    """No annotations: no progress joined; date_evidence (its own column) is the ReportMeta's."""
    from annotations.corpus.library import Library

    expected = b"".join(orjson.dumps({
        "id": m.id, "title": m.title, "date": m.date, "date_source": m.date_source,
        "date_evidence": m.date_evidence or None, "sentences": m.sentences, "tagged": 0,
        "done": False}) + b"\n" for m in Library(seeded_home).reports())
    res = run("list", "--json", home=seeded_home)
    assert res.exit_code == 0 and res.stdout_bytes == expected and b'"date_evidence":"' in expected


def test_date_evidence_says_where_the_date_came_from(seeded_home):
    rows = {r["id"]: r for r in json_lines(run("list", "--json", home=seeded_home).stdout)}
    assert rows["000_04edcb8ab5506732"]["date_evidence"] == "date 2025-03"  # the header line
    for rid, phrase in (("002_3e02a63f107bf8c3", "Ngày 10/7"),  # refines the header's month
                        ("004_0e0ad6727c6305cf", "Chiều 28-7")):
        shown = json_lines(run("show", rid, "--json", home=seeded_home).stdout)[0]
        assert rows[rid]["date_evidence"] == shown["date_evidence"] == phrase
        assert phrase in shown["text"]


def test_list_human(seeded_home):
    res = run("list", home=seeded_home)
    assert res.exit_code == 0 and len(res.stdout.splitlines()) == 5


def test_home_from_environment(seeded_home):
    res = CliRunner().invoke(main, ["list", "--json"], env={"BAOCAO_HOME": str(seeded_home)})
    assert len(json_lines(res.stdout)) == 5


def test_import_reports_summary_and_exit_code(home, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    res = run("import", SEEDS / "000_04edcb8ab5506732.txt", bad, tmp_path / "missing.md", home=home)
    assert res.exit_code == 1
    assert f"skipped {bad}: " in res.stderr
    assert f"skipped {tmp_path / 'missing.md'}: no such file or directory" in res.stderr
    assert "imported 1," in res.stderr
    ok = run("import", SEEDS / "000_04edcb8ab5506732.txt", home=home)
    assert ok.exit_code == 0 and "unchanged 1" in ok.stderr


def test_show_json_spans_slice_back(seeded_home):
    res = run("show", "001_8efd81b505d29727", "--json", home=seeded_home)
    assert res.exit_code == 0
    rec = orjson.loads(res.stdout)
    assert set(rec) == SHOW_FIELDS
    text = rec["text"]
    assert rec["sentences"] and rec["tokens"] and rec["entities"]
    for s in rec["sentences"]:
        p = rec["paragraphs"][s["paragraph"]]
        assert p["start"] <= s["start"] < s["end"] <= p["end"]
    for e in rec["entities"]:
        assert text[e["start"]:e["end"]] == e["text"] and e["text"]
        assert e["label"] in ("PER", "ORG", "LOC", "DOC", "EVENT", "TIME", "NUM")


def test_show_path_without_importing(home, tmp_path):
    f = tmp_path / "new_report.txt"
    f.write_text("Ngày 5/1/2024, Quốc hội họp phiên bế mạc.\n\nHội nghị thống nhất.",
                 encoding="utf-8")
    res = run("show", f, "--json", home=home)
    assert res.exit_code == 0
    rec = orjson.loads(res.stdout)
    assert rec["id"] == "new_report" and rec["annotations"] == []
    assert json_lines(run("list", "--json", home=home).stdout) == []


def test_show_unknown_is_a_clear_error(home):
    res = CliRunner().invoke(main, ["--home", str(home), "show", "nope"])
    assert res.exit_code == 1
    assert "nope: no report with that id and no such file" in res.stderr


@pytest.mark.parametrize("payload", ["[bold red]Cảnh báo[/] [link=http://x]bấm[/link]",
                                     "\x1b[31mĐỏ\x1b[0m chữ"])
def test_show_prints_report_text_literally(home, tmp_path, payload):
    f = tmp_path / "markup.txt"
    f.write_text(f"Hội nghị đã họp. {payload} Kết thúc.", encoding="utf-8")
    res = run("show", f, home=home)
    assert res.exit_code == 0
    assert "\x1b" not in res.stdout
    if "[bold" in payload:
        assert "[bold red]Cảnh báo[/]" in res.stdout and "[link=http://x]" in res.stdout


def test_import_refused_while_another_writer_holds_the_home(home):
    from annotations.corpus.library import Library
    from annotations.store import AnnotationStore

    with AnnotationStore(home, annotator="holder-annotator"):
        res = CliRunner().invoke(main, ["--home", str(home), "import", str(SEEDS)])
        assert res.exit_code == 1
        assert "holder-annotator" in res.stderr and "one writer" in res.stderr
    assert len(Library(home)) == 0
    assert run("import", SEEDS / "000_04edcb8ab5506732.txt", home=home).exit_code == 0


@pytest.mark.parametrize("size,ok", [("20M", True), ("1.5k", True), ("700", True), ("0", False),
                                     ("-3", False), ("big", False), ("5T", False)])
def test_import_max_size_option(home, size, ok):
    res = CliRunner().invoke(main, ["--home", str(home), "import", "--max-size", size,
                                    str(SEEDS / "000_04edcb8ab5506732.txt")])
    if ok:
        assert res.exit_code in (0, 1) and "imported" in res.stderr
    else:
        assert res.exit_code == 2 and "is not a size" in res.stderr


def test_import_skip_reasons_are_one_printable_line(home, tmp_path):
    bad = tmp_path / "bad\nname\x1b[31m.txt"
    bad.write_bytes(b"")
    res = run("import", bad, home=home)
    assert res.exit_code == 1
    [line] = [ln for ln in res.stderr.splitlines() if ln.startswith("skipped")]
    assert line.isprintable() and r"bad\nname\x1b[31m.txt: empty file" in line
