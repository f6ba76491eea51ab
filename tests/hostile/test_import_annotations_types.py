"""Strict types: every field of an import-annotations record of the wrong type
(or an id of another shape) refuses its line by number, and nothing is
imported; notes and annotator names are cleaned where they enter."""

import orjson
import pytest

from annotations.corpus.library import Library
from annotations.interchange.export import iter_records
from annotations.interchange.import_annotations import ImportRejected, import_file
from annotations.store import AnnotationStore, Selection
from storehelp import bounded, cli, records_for, shard_bytes, synthetic_home, write_jsonl

_bounded = bounded(60)

# field -> wrong values (each must refuse the line, naming the field)
WRONG = {
    "id": ["ABCDEF0123456789ABCDEF0123456789", "g" * 32, "a" * 31, "a" * 33, 5, True, [],
           "0123456789abcdef0123456789abcde\n", "../" + "a" * 29, "a" * 32 + "\x1b"],
    "report_id": [5, None, "", ["r000"], {"a": 1}],
    "label": [5, "", ["task"], {"a": 1}, True],
    "text": [5, "", None, ["x"]],
    "start": ["0", 1.0, True, None, [0]],
    "end": ["9", 9.5, False, {}],
    "orphaned": ["yes", 1, 0, "false", []],
    "decided": ["yes", 1, 0, None, "true"],
    "source": [5, "robot", "", True, ["manual"]],
    "score": ["0.9", True, [0.5], {"v": 1}],
    "model_version": [5, True, ["v1"]],
    "note": [5, True, ["n"], {"n": 1}],
    "annotator": [5, "", "   ", "\x1b[31m\x1b[0m", "\u200b\u202e", ["lan"], True],
    "created_at": [5, "yesterday", "2024-13-45T00:00:00Z", True],
    "updated_at": [5, "soon", []],
    "report_sha256": [5, "abc", "A" * 64, "g" * 64, True],
    "sentence_start": ["0", 0.5, True],
    "sentence_end": ["0", 1.5, False],
    "report_title": [5, {"a": 1}, ["t"], True],
    "report_date": [2024, {"y": 2024}, True],
    "entities": ["none", 5, {"a": 1}, True],
}


@pytest.fixture
def native(tmp_path):
    """A home with one exported native record per passage, and that export."""
    home = tmp_path / "home"
    spans = synthetic_home(home, 2, 6)
    src = tmp_path / "bare.jsonl"
    write_jsonl(src, records_for(spans, home))
    with AnnotationStore(home, annotator="lan") as store:
        import_file(store, Library(home), src)
        recs = list(iter_records(store, Library(home)))
    return home, recs


def test_every_field_of_the_wrong_type_refuses_its_line(native, tmp_path):
    home, recs = native
    good = recs[0]
    lines, expect = [orjson.dumps({**good, "annotator": "ok"})], {}
    for field, values in WRONG.items():
        for v in values:
            lines.append(orjson.dumps({**good, "id": None, "annotator": f"a{len(lines)}", field: v}))
            expect[len(lines)] = field
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b"\n".join(lines) + b"\n")
    before = shard_bytes(home)
    with AnnotationStore(home) as store:
        with pytest.raises(ImportRejected) as info:
            import_file(store, Library(home), bad)
    problems = {int(p.split(":")[0].split()[1]): p for p in info.value.problems}
    assert 1 not in problems  # the good line is fine on its own
    for lineno, field in expect.items():
        assert lineno in problems, (lineno, field, lines[lineno - 1])
        assert f"'{field}'" in problems[lineno], (field, problems[lineno])
    assert len(problems) == len(expect)
    assert shard_bytes(home) == before  # nothing imported
    res = cli(home, "import-annotations", bad)
    assert res.exit_code == 1 and "nothing was imported" in res.output


def test_a_label_on_an_undecided_record_and_an_empty_undecided_one_are_refused(native, tmp_path):
    home, recs = native
    src = tmp_path / "u.jsonl"
    write_jsonl(src, [{**recs[0], "id": None, "annotator": "x", "decided": False},
                      {**recs[0], "id": None, "annotator": "y", "label": None, "decided": False,
                       "note": ""}])
    with AnnotationStore(home) as store, pytest.raises(ImportRejected) as info:
        import_file(store, Library(home), src)
    assert "a label is a decision" in info.value.problems[0]
    assert "no note" in info.value.problems[1]


def test_an_undecided_record_with_a_note_is_a_note(native, tmp_path):
    home, recs = native
    src = tmp_path / "u.jsonl"
    write_jsonl(src, [{**recs[0], "id": None, "annotator": "x", "label": None, "decided": False,
                       "note": "xem lại"}])
    with AnnotationStore(home) as store:
        import_file(store, Library(home), src)
        mine = [a for a in store.for_report(recs[0]["report_id"]) if a.annotator == "x"]
    assert [(a.decided, a.label, a.note) for a in mine] == [(False, None, "xem lại")]


PAYLOADS = ["\x1b]52;c;aGFjaw==\x07", "\x1b]0;title\x1b\\", "\x1b[31mred\x1b[0m", "\x9b31m",
            "\x9d0;t\x9c", "\x1bP1$r\x1b\\", "\x07", "\u202egnp.exe", "\u2066x\u2069", "a\u200bb",
            "\ufeffz", "dòng 1\r\ndòng 2\x85dòng 3"]


def test_notes_and_names_entering_through_import_are_clean(native, tmp_path):
    home, recs = native
    lines = []
    for n, p in enumerate(PAYLOADS):
        lines.append({**recs[n % len(recs)], "id": None, "annotator": f"kẻ {p} xấu {n}",
                      "note": f"ghi {p} chú"})
    src = tmp_path / "p.jsonl"
    write_jsonl(src, lines)
    with AnnotationStore(home) as store:
        import_file(store, Library(home), src)
        stored = [(a.annotator, a.note) for rid in ("r000", "r001") for a in store.for_report(rid)
                  if a.annotator.startswith("kẻ")]
    assert len(stored) == len(PAYLOADS)
    for name, note in stored:
        for s, multi in ((name, False), (note, True)):
            bad = [c for c in s if (ord(c) < 32 and not (multi and c == "\n")) or 0x7f <= ord(c) < 0xa0
                   or c in "\u200b\u200c\u200d\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"]
            assert not bad, (s, bad)
    res = cli(home, "stats")
    assert res.exit_code == 0 and "\x1b" not in res.output and "\x9b" not in res.output


def test_set_note_is_cleaned(tmp_path):
    home = tmp_path / "home"
    spans = synthetic_home(home, 1, 4)
    sel = Selection.of("r000", spans["r000"], 0, 0, Library(home).get("r000").sha256)
    with AnnotationStore(home) as store:
        store.set_note(sel, "a\x1b]52;c;eA==\x07b\u202e\r\nc\x9b2J")
        assert store.for_report("r000")[0].note == "ab\nc"
