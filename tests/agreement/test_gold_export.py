"""`baocao export --gold` in every format, and done marks travelling with a
native export so that a colleague's "none" decisions count after
import-annotations."""
import shutil

import orjson
import pytest
from click.testing import CliRunner

from annotations.agreement import collect
from annotations.corpus.library import Library
from annotations.store import AnnotationStore, Selection


def cli(home, *args, annotator=None):
    from tui.cli import main

    argv = ["--home", str(home)] + (["--annotator", annotator] if annotator else [])
    return CliRunner().invoke(main, argv + [str(a) for a in args])


def lines(output: str) -> list[dict]:
    return [orjson.loads(x) for x in output.splitlines() if x.strip()]


def decide(home, who, rid, labels, done=True):
    lib = Library(home)
    spans = lib.analysis(rid).sentences
    with AnnotationStore(home, annotator=who) as st:
        for i, lab in labels.items():
            sel = Selection.of(rid, spans, i, i, lib.get(rid).sha256)
            st.tag(sel, lab) if lab else st.mark_none(sel)
        if done:
            st.set_done(rid, True)


@pytest.fixture
def reviewed(seeded_home):
    """lan and minh done on one report: b0 both task, b1 task/risk adjudicated risk
    by lead, b2 achievement/risk not adjudicated, the rest none for both."""
    lib = Library(seeded_home)
    rid = lib.reports()[0].id
    b = lib.analysis(rid).body_sentences()
    decide(seeded_home, "lan", rid, {b[0]: "task", b[1]: "task", b[2]: "achievement"})
    decide(seeded_home, "minh", rid, {b[0]: "task", b[1]: "risk", b[2]: "risk"})
    with AnnotationStore(seeded_home, annotator="lead") as st:
        sel = Selection.of(rid, lib.analysis(rid).sentences, b[1], b[1], lib.get(rid).sha256)
        st.adjudicate(sel, "risk", adjudicator="lead", agreed=["minh"])
    return seeded_home, rid, b


def test_export_gold_native(reviewed):
    home, rid, b = reviewed
    res = cli(home, "export", "--gold")
    assert res.exit_code == 0, res.output
    recs = lines(res.stdout)
    assert [(r["sentence_start"], r["label"], r["gold"]) for r in recs] == \
        [(b[0], "task", "unanimous"), (b[1], "risk", "adjudicated")]
    una, adj = recs
    assert una["agreed"] == ["lan", "minh"] and una["adjudicator"] is None
    assert adj["agreed"] == ["minh"] and adj["adjudicator"] == "lead"
    assert adj["source"] == "adjudication" and una["source"] == "manual"
    assert {r["annotator"] for r in recs} == {"gold"}
    text = Library(home).text(rid)
    assert all(text[r["start"]:r["end"]] == r["text"] for r in recs)
    assert set(una) == set(adj)  # every record has every key
    with_none = lines(cli(home, "export", "--gold", "--with-none").stdout)
    n_body = len(b)
    assert len(with_none) == n_body - 1  # all but the disagreement nobody adjudicated
    assert b[2] not in {r["sentence_start"] for r in with_none}
    assert sum(r["label"] is None for r in with_none) == n_body - 3
    only = lines(cli(home, "export", "--gold", "--label", "r").stdout)
    assert [r["sentence_start"] for r in only] == [b[1]]


@pytest.mark.parametrize("fmt", ["prodigy", "doccano"])
def test_export_gold_other_formats(reviewed, fmt):
    home, rid, b = reviewed
    recs = lines(cli(home, "export", "--gold", "--format", fmt).stdout)
    assert len(recs) == 2
    meta = [r["meta"] for r in recs] if fmt == "prodigy" else recs
    assert [m["gold"] for m in meta] == ["unanimous", "adjudicated"]
    assert meta[1]["adjudicator"] == "lead" and meta[1]["agreed"] == ["minh"]
    if fmt == "prodigy":
        assert [r["label"] for r in recs] == ["TASK", "RISK"]
    else:
        assert [r["label"] for r in recs] == [["task"], ["risk"]]


@pytest.mark.parametrize("fmt", ["native", "prodigy", "prodigy-choice", "doccano"])
def test_gold_records_fit_their_schema(reviewed, fmt):
    from annotations.interchange import schema

    home, _rid, _b = reviewed
    recs = lines(cli(home, "export", "--gold", "--with-none", "--format", fmt).stdout)
    t = schema.with_gold(schema.SCHEMAS[fmt], "meta" if fmt.startswith("prodigy") else None)
    assert recs and all(schema.problems(r, t) == [] for r in recs)


def test_export_gold_refuses_an_annotator(reviewed):
    home, _rid, _b = reviewed
    for flag in ("--by", "--annotator"):  # the old spelling of --by
        res = cli(home, "export", "--gold", flag, "lan")
        assert res.exit_code == 2 and "leave out --by" in res.output


def test_gold_export_imports_back_with_its_fields(reviewed, tmp_path):
    home, rid, b = reviewed
    other = tmp_path / "other"
    shutil.copytree(home, other)
    shutil.rmtree(other / "annotations")
    out = tmp_path / "gold.jsonl"
    assert cli(home, "export", "--gold", "-o", out).exit_code == 0
    res = cli(other, "import-annotations", out, annotator="x")
    assert res.exit_code == 0, res.output
    with AnnotationStore(other, readonly=True) as st:
        gold = {d["sentence_start"]: d for d in st.documents(rid)}
    assert gold[b[1]]["adjudicator"] == "lead" and gold[b[1]]["agreed"] == ["minh"]
    assert gold[b[0]]["annotator"] == "gold" and "adjudicator" not in gold[b[0]]


def test_done_marks_travel_so_none_decisions_count(seeded_home, tmp_path):
    lib = Library(seeded_home)
    rid = lib.reports()[0].id
    b = lib.analysis(rid).body_sentences()
    colleague = tmp_path / "colleague"
    shutil.copytree(seeded_home, colleague)
    decide(seeded_home, "lan", rid, {b[0]: "task"})
    decide(colleague, "minh", rid, {b[0]: "task", b[1]: None})  # the rest: none by done
    out = tmp_path / "minh.jsonl"
    res = cli(colleague, "export", "--with-none", "-o", out)
    assert res.exit_code == 0, res.output
    recs = lines(out.read_text(encoding="utf-8"))
    assert recs and all(r["report_done"] is True for r in recs)
    res = cli(seeded_home, "import-annotations", out)
    assert res.exit_code == 0 and "1 marked done" in res.stderr, res.output
    with AnnotationStore(seeded_home, readonly=True) as st:
        assert st.is_done(rid, "minh")
        units = collect(st, lib)
    assert len(units) == len(b) and all(set(u.values) == {"lan", "minh"} for u in units)
    again = cli(seeded_home, "import-annotations", out)
    assert again.exit_code == 0 and "marked done" not in again.stderr
    plain = lines(cli(colleague, "export").stdout)  # without --with-none: still carried
    assert plain[0]["report_done"] is True


def test_export_gold_of_a_home_without_agreement_is_empty(seeded_home):
    lib = Library(seeded_home)
    rid = lib.reports()[0].id
    decide(seeded_home, "lan", rid, {0: "task"})  # one annotator: no unit is unanimous
    res = cli(seeded_home, "export", "--gold", "--with-none")
    assert res.exit_code == 0 and res.stdout == ""
