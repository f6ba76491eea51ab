"""export (native, prodigy, doccano), import-annotations and stats via the CLI."""
import shutil

import orjson
import pytest

from annotations.corpus.library import Library
from annotations.models import ENTITY_LABELS
from annotations.store import AnnotationStore
from storehelp import cli, fill, json_lines, passage, report_ids

NATIVE = ["id", "report_id", "report_title", "report_date", "label", "text", "start", "end",
          "orphaned", "sentence_start", "sentence_end", "entities", "note", "annotator",
          "source", "score", "model_version", "created_at", "updated_at", "report_sha256",
          "report_done"]
META = [k for k in NATIVE if k not in ("label", "text", "entities")]


@pytest.fixture
def homes(seeded_home, tmp_path):
    """(annotated home, a fresh home with the same reports and no annotations)."""
    fresh = tmp_path / "fresh"
    shutil.copytree(seeded_home, fresh)
    fill(seeded_home, "lan", per_report=3)
    ids = report_ids(seeded_home)
    with AnnotationStore(seeded_home, annotator="minh") as s:
        s.tag(passage(seeded_home, ids[0], 0, 1), "risk")  # a passage of 2 sentences
        s.set_note(passage(seeded_home, ids[0], 0), "Cần đối chiếu với báo cáo quý trước")
        s.tag(passage(seeded_home, ids[0], 2), "task")  # lan's sentence too, other label
    return seeded_home, fresh


def export(home, *args) -> list[dict]:
    res = cli(home, "export", *args)
    assert res.exit_code == 0, res.output
    return json_lines(res.stdout)


def test_native_records_exact_fields_types_and_slices(homes):
    home, _ = homes
    recs = export(home)
    assert len(recs) == 5 * 3 + 2
    lib = Library(home)
    for r in recs:
        assert list(r) == NATIVE  # exactly these, in this order
        text = lib.text(r["report_id"])
        assert text[r["start"]:r["end"]] == r["text"]
        for k in ("start", "end", "sentence_start", "sentence_end"):
            assert type(r[k]) is int
        for k in ("id", "report_title", "label", "note", "annotator", "report_sha256"):
            assert type(r[k]) is str
        assert r["report_date"] is None or type(r["report_date"]) is str
        assert r["created_at"].endswith("Z") and r["updated_at"] >= r["created_at"]
        meta = lib.get(r["report_id"])
        assert (r["report_title"], r["report_date"], r["report_sha256"]) == (
            meta.title, meta.date, meta.sha256)
        for e in r["entities"]:
            assert list(e) == ["start", "end", "label", "text", "source"]
            assert e["source"] == "model"  # no corrections here (tests/core/test_cli_correct.py)
            assert 0 <= e["start"] < e["end"] <= len(r["text"])
            assert r["text"][e["start"]:e["end"]] == e["text"] and e["label"] in ENTITY_LABELS
    assert sum(len(r["entities"]) for r in recs) > 10  # the seeds are full of entities
    two = [r for r in recs if r["annotator"] == "minh" and r["note"]][0]
    assert (two["sentence_start"], two["sentence_end"], two["note"]) == (
        0, 1, "Cần đối chiếu với báo cáo quý trước")


def test_order_is_report_date_then_offset_then_id(homes):
    home, _ = homes
    recs = export(home)
    order = {rid: n for n, rid in enumerate(report_ids(home))}
    keys = [(order[r["report_id"]], r["start"], r["end"], r["id"]) for r in recs]
    assert keys == sorted(keys)
    assert cli(home, "export").stdout == cli(home, "export").stdout  # deterministic


def test_prodigy_records(homes):
    home, _ = homes
    native = export(home)
    recs = export(home, "--format", "prodigy")
    assert len(recs) == len(native)
    for r, n in zip(recs, native):
        assert list(r) == ["text", "label", "answer", "_view_id", "_annotator_id", "_session_id",
                           "meta", "tokens", "spans"]  # no _input_hash/_task_hash: db-in sets its own
        assert r["text"] == n["text"] and r["label"] == n["label"].upper()
        assert r["answer"] == "accept" and list(r["meta"]) == [*META, "input_hash", "task_hash"]
        assert (r["_view_id"], r["_annotator_id"], r["_session_id"]) == (
            "classification", n["annotator"], f"baocao-{n['annotator']}")
        for h in ("input_hash", "task_hash"):
            assert type(r["meta"][h]) is int and -2**31 <= r["meta"][h] < 2**31
        assert r["spans"] == [] and r["tokens"] == []  # entities are never passed off as accepted
    by_text = {}
    for r in recs:
        m = r["meta"]
        by_text.setdefault(r["text"], set()).add((r["label"], m["input_hash"], m["task_hash"]))
    shared = [v for v in by_text.values() if len(v) > 1]
    assert shared  # the overlapping first sentence is labelled by two annotators
    for v in by_text.values():
        assert len({h for _, h, _ in v}) == 1  # input hash: the text only
        assert len({t for _, _, t in v}) == len({lab for lab, _, _ in v})  # task hash: + label


def test_doccano_records(homes):
    home, _ = homes
    native = export(home)
    for r, n in zip(export(home, "--format", "doccano"), native):
        assert list(r) == ["text", "label", *META, "entities"]
        assert r["label"] == [n["label"]] and r["text"] == n["text"]
        assert r["entities"] == [[e["start"], e["end"], e["label"]] for e in n["entities"]]
        for k in META:  # a number never null (doccano's pandas step: NaN), -1 for none
            none = -1 if k in ("start", "end", "sentence_start", "sentence_end", "score") else None
            assert r[k] == (n[k] if n[k] is not None else none)
        assert type(r["score"]) is float


def test_filters(homes):
    home, _ = homes
    all_recs = export(home)
    risk = export(home, "--label", "risk")
    assert risk and risk == [r for r in all_recs if r["label"] == "risk"]
    assert export(home, "--label", "r") == risk  # a key works too
    minh = export(home, "--by", "minh")
    assert [r["annotator"] for r in minh] == ["minh", "minh"]
    assert minh == [r for r in all_recs if r["annotator"] == "minh"]
    [task] = export(home, "--label", "task", "--by", "minh")
    assert task == [r for r in all_recs if (r["label"], r["annotator"]) == ("task", "minh")][0]
    res = cli(home, "export", "--label", "opinion")
    assert res.exit_code == 1 and "unknown label" in res.output


def test_output_file_is_written_whole_or_not_at_all(homes, tmp_path, monkeypatch):
    home, _ = homes
    out = tmp_path / "train.jsonl"
    res = cli(home, "export", "-o", out)
    assert res.exit_code == 0 and "exported 17 record(s)" in res.output
    good = out.read_bytes()
    assert json_lines(good) == export(home)
    from annotations.interchange import export as exp

    real = exp.iter_native

    def dies(*a, **kw):
        for n, rec in enumerate(real(*a, **kw)):
            if n == 5:
                raise OSError("disk full")
            yield rec

    monkeypatch.setattr(exp, "iter_native", dies)
    res = cli(home, "export", "-o", out)
    assert res.exit_code == 1 and "disk full" in res.output
    assert out.read_bytes() == good  # the old export is intact
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_round_trip_into_a_fresh_home(homes, tmp_path):
    home, fresh = homes
    out = tmp_path / "a.jsonl"
    assert cli(home, "export", "-o", out).exit_code == 0
    res = cli(fresh, "import-annotations", out)
    assert res.exit_code == 0, res.output
    assert "added 17, updated 0, unchanged 0" in res.output
    assert cli(fresh, "export").stdout == out.read_text(encoding="utf-8")
    with AnnotationStore(home, readonly=True) as a, AnnotationStore(fresh, readonly=True) as b:
        assert a.counts() == b.counts() and a.summary() == b.summary()
    for fmt in ("prodigy", "doccano"):
        assert cli(fresh, "export", "--format", fmt).stdout == cli(home, "export", "--format",
                                                                   fmt).stdout


def test_import_is_idempotent(homes, tmp_path):
    home, fresh = homes
    out = tmp_path / "a.jsonl"
    cli(home, "export", "-o", out)
    assert "added 17" in cli(fresh, "import-annotations", out).output
    shards = {p: p.read_bytes() for p in (fresh / "annotations" / "reports").iterdir()}
    res = cli(fresh, "import-annotations", out)
    assert "added 0, updated 0, unchanged 17" in res.output
    assert {p: p.read_bytes() for p in shards} == shards  # not even rewritten
    res = cli(home, "import-annotations", out)  # into the home it came from
    assert "added 0, updated 0, unchanged 17" in res.output


def test_bare_records(homes, tmp_path):
    _, fresh = homes
    p = passage(fresh, report_ids(fresh)[2], 1, 2)
    start, end = p.sentences[1][0], p.sentences[2][1]
    text = Library(fresh).text(p.report_id)[start:end]
    bare = tmp_path / "bare.jsonl"
    rec = {"report_id": p.report_id, "start": start, "end": end, "label": "task", "text": text}
    bare.write_bytes(orjson.dumps(rec) + b"\n\n" + orjson.dumps(
        {**rec, "start": start, "end": start + 5, "text": text[:5], "note": "n",
         "annotator": "khoa"}) + b"\n")
    res = cli(fresh, "import-annotations", bare, annotator="lan")
    assert res.exit_code == 0 and "added 2" in res.output, res.output
    recs = export(fresh)
    full = [r for r in recs if r["annotator"] == "lan"][0]
    assert (full["sentence_start"], full["sentence_end"], full["label"]) == (1, 2, "task")
    assert [r["note"] for r in recs if r["annotator"] == "khoa"] == ["n"]
    assert "unchanged 2" in cli(fresh, "import-annotations", bare, annotator="lan").output
    assert export(fresh) == recs


def test_bad_file_is_rejected_whole_with_every_problem(homes, tmp_path):
    home, _ = homes
    good = export(home)[0]
    before = cli(home, "export").stdout
    lines = [
        orjson.dumps({**good, "id": "1" * 32, "annotator": "x"}),  # 1: fine on its own
        b"{not json",  # 2
        orjson.dumps({**good, "id": "a" * 32, "report_id": "no_such_report"}),  # 3
        orjson.dumps({**good, "id": "b" * 32, "annotator": "y", "start": good["start"] + 1}),  # 4
        orjson.dumps({**good, "id": "c" * 32, "annotator": "z", "label": "opinion"}),  # 5
        orjson.dumps({**good, "id": "d" * 32, "start": "0"}),  # 6
        orjson.dumps({**good, "id": "1" * 32}),  # 7: id repeated
        b"[1, 2]",  # 8
        orjson.dumps({**good, "id": "new-one", "annotator": "w"}),  # 9: not an id baocao writes
    ]
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b"\n".join(lines) + b"\n")
    res = cli(home, "import-annotations", bad)
    assert res.exit_code == 1
    msg = res.output
    assert "nothing was imported" in msg
    found = {int(line.split(":")[0].split()[1]): line for line in msg.splitlines()
             if line.startswith("  line ")}
    expected = {2: "malformed JSON", 3: "unknown report", 4: "reads", 5: "unknown label",
                6: "'start' must be an integer", 7: "already on line 1", 8: "not a JSON object",
                9: "'id' must be 32 lowercase hex characters"}
    assert sorted(found) == sorted(expected)  # every problem, and line 1 is fine
    for n, what in expected.items():
        assert what in found[n], (n, found[n])
    assert cli(home, "export").stdout == before


def test_stats(homes):
    home, _ = homes
    res = cli(home, "stats", "--json")
    assert res.exit_code == 0
    rows = json_lines(res.stdout)
    kinds = [r["kind"] for r in rows]
    assert kinds == ["total"] + ["label"] * 3 + ["annotator"] * 2 + ["report"] * 5 + ["model"]
    assert rows[0] == {"kind": "total", "annotations": 17, "reports": 5, "orphaned": 0}
    labels = {r["label"]: r["count"] for r in rows if r["kind"] == "label"}
    recs = export(home)
    for name, n in labels.items():
        assert n == sum(r["label"] == name for r in recs)
    assert {r["annotator"]: r["count"] for r in rows if r["kind"] == "annotator"} == {
        "lan": 15, "minh": 2}
    reports = [r for r in rows if r["kind"] == "report"]
    assert [r["report_id"] for r in reports] == report_ids(home)
    first = reports[0]
    assert first["count"] == 5 and first["tagged"] == 3 and first["annotators"] == {
        "lan": 3, "minh": 2}
    assert set(first) == {"kind", "report_id", "title", "date", "count", "labels",
                          "annotators", "tagged", "sentences", "body_sentences", "orphaned"}
    text = cli(home, "stats").output
    assert "17 annotation(s) in 5 report(s)" in text and "minh" in text


def test_list_and_show_report_annotations(homes):
    home, _ = homes
    rows = json_lines(cli(home, "list", "--json").stdout)
    assert {r["id"]: r["tagged"] for r in rows} == {rid: 0 for rid in report_ids(home)}
    rows = json_lines(cli(home, "list", "--json", annotator="lan").stdout)  # per annotator
    assert {r["id"]: (r["tagged"], r["done"]) for r in rows} == {
        rid: (3, False) for rid in report_ids(home)}
    rid = report_ids(home)[0]
    shown = json_lines(cli(home, "show", rid, "--json").stdout)[0]
    anns = shown["annotations"]
    assert len(anns) == 5
    for a in anns:
        assert set(a) == {"id", "start", "end", "label", "text", "note", "annotator", "source"}
        assert shown["text"][a["start"]:a["end"]] == a["text"]


def test_export_refuses_when_a_shard_is_corrupt(homes):
    home, _ = homes
    shard = next((home / "annotations" / "reports").iterdir())
    shard.write_bytes(shard.read_bytes()[:40])
    res = cli(home, "export")
    assert res.exit_code == 1 and str(shard) in res.output and res.stdout == ""
    res = cli(home, "stats")
    assert res.exit_code == 1 and str(shard) in res.output and "in 4 report(s)" in res.output
    assert cli(home, "list").exit_code == 0


def test_offsets_into_a_changed_text_are_never_exported(homes):
    """A text changed without re-anchoring (e.g. the store could not be written
    during an import): annotations whose slice no longer matches are exported as
    orphaned, those still matching keep their offsets."""
    home, _ = homes
    lib = Library(home)
    rid = report_ids(home)[0]
    text = lib.text(rid)
    cut = passage(home, rid, 1).sentences[1][0]  # change the text before sentence 1 only
    new = text[:cut] + "Thêm. " + text[cut:]
    lib.home.text_path(rid).write_text(new, encoding="utf-8")
    from dataclasses import replace

    from annotations.models import text_sha256

    lib._catalogue.set_meta(replace(lib.get(rid), sha256=text_sha256(new)))
    recs = [r for r in export(home) if r["report_id"] == rid]
    placed = [r for r in recs if not r.get("orphaned")]
    assert placed and all(new[r["start"]:r["end"]] == r["text"] for r in placed)
    assert all(r["start"] < cut for r in placed)
    orphans = [r for r in recs if r.get("orphaned")]
    assert orphans and all(r["start"] is None for r in orphans)


def test_write_jsonl_gives_the_garbage_collector_back_even_on_error():
    import gc
    import io

    from annotations.interchange.export import write_jsonl

    def records():
        assert not gc.isenabled()  # paused while the records stream
        yield {"a": 1}
        raise OSError("disk full")

    assert gc.isenabled()
    with pytest.raises(OSError):
        write_jsonl(records(), io.BytesIO())
    assert gc.isenabled()
    gc.disable()  # a caller that had it off keeps it off
    try:
        assert write_jsonl([{"a": 1}], io.BytesIO()) == 1
        assert not gc.isenabled()
    finally:
        gc.enable()
