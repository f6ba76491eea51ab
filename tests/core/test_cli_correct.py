"""`baocao correct` as scripts use it, and its rules in show --json and export."""
from __future__ import annotations

import orjson
import pytest
from click.testing import CliRunner

from annotations.corpus.library import Library
from tui.cli import main


def run(home, *args):
    return CliRunner().invoke(main, ["--home", str(home), "--annotator", "lan",
                                     *[str(a) for a in args]], catch_exceptions=False)


def lines(out: str) -> list[dict]:
    return [orjson.loads(x) for x in out.splitlines() if x.strip()]


def show(home, rid) -> dict:
    return orjson.loads(run(home, "show", rid, "--json").stdout)


CORRECTIONS = ("annotations", "corrections.json")


@pytest.mark.parametrize("args,says", [
    (["--add", "1", "4", "PER"], "word boundary"),
    (["--add", "0", "999999", "PER"], "not a span"),
    (["--add", "0", "5", "PERSON"], "unknown entity label"),
    (["--add", "zero", "5", "PER"], "whole number"),
    (["--remove", "0", "1"], "no entity"),
])
def test_bad_offsets_are_one_line_and_write_nothing(seeded_home, args, says):
    rid = Library(seeded_home).reports()[0].id
    res = run(seeded_home, "correct", rid, *args)
    assert res.exit_code == 1
    assert says in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert not seeded_home.joinpath(*CORRECTIONS).exists()


def test_unknown_report_and_usage(seeded_home):
    res = run(seeded_home, "correct", "nope", "--add", "0", "5", "PER")
    assert res.exit_code == 1 and "nope" in res.stderr
    assert run(seeded_home, "correct", "--add", "0", "5", "PER").exit_code == 2
    assert run(seeded_home, "correct").exit_code == 2


def test_add_applies_across_the_library_with_sources(seeded_home):
    lib = Library(seeded_home)
    ids = [m.id for m in lib.reports()]
    rec = show(seeded_home, ids[0])
    text = rec["text"]
    assert {e["source"] for e in rec["entities"]} == {"model"}
    # a form found in another report too: relabel the first entity whose text recurs
    others = {i: show(seeded_home, i)["text"] for i in ids[1:]}
    ent = next(e for e in rec["entities"] if any(e["text"] in t for t in others.values()))
    new = "EVENT" if ent["label"] != "EVENT" else "DOC"
    res = run(seeded_home, "correct", ids[0], "--add", ent["start"], ent["end"], new, "--json")
    assert res.exit_code == 0, res.stderr
    [made] = lines(res.stdout)
    assert made["kind"] == "add" and made["old_label"] == ent["label"] and made["annotator"] == "lan"
    after = show(seeded_home, ids[0])["entities"]
    assert {"start": ent["start"], "end": ent["end"], "label": new, "text": ent["text"],
            "source": "analyst"} in after
    where = next(i for i, t in others.items() if ent["text"] in t)
    elsewhere = [e for e in show(seeded_home, where)["entities"] if e["text"] == ent["text"]]
    assert elsewhere and all(e["label"] == new and e["source"] == "rule" for e in elsewhere)
    assert text[ent["start"]:ent["end"]] == ent["text"]
    listed = lines(run(seeded_home, "correct", ids[0], "--list", "--json").stdout)
    assert [x["id"] for x in listed] == [made["id"]]
    assert lines(run(seeded_home, "correct", where, "--list", "--json").stdout) == []
    # remove it again (a newer correction of mine wins), then delete both rules
    res = run(seeded_home, "correct", ids[0], "--remove", ent["start"], ent["end"])
    assert res.exit_code == 0
    assert not [e for e in show(seeded_home, ids[0])["entities"] if e["start"] == ent["start"]]
    rules = lines(run(seeded_home, "correct", "--rules", "--json").stdout)
    assert [r["kind"] for r in rules] == ["remove", "add"] and [r["rank"] for r in rules] == [1, 2]
    for r in rules:
        assert run(seeded_home, "correct", "--delete", r["id"][:10]).exit_code == 0
    assert show(seeded_home, ids[0])["entities"] == rec["entities"]
    assert run(seeded_home, "correct", "--delete", "ffff").exit_code == 1


def test_exports_carry_the_corrected_entities(seeded_home):
    from annotations.store import AnnotationStore, Selection

    lib = Library(seeded_home)
    report = lib.open(lib.reports()[0].id)
    with AnnotationStore(seeded_home, annotator="lan") as store:
        store.tag(Selection.of(report.id, report.analysis.sentences, 0, 0, report.meta.sha256),
                  "risk")
    s0 = report.analysis.sentences[0]
    ent = next(e for e in report.analysis.entities if e.end <= s0.end)
    assert run(seeded_home, "correct", report.id, "--remove", ent.start, ent.end).exit_code == 0
    native = lines(run(seeded_home, "export").stdout)[0]
    spans = {(e["start"] + native["start"], e["end"] + native["start"]) for e in native["entities"]}
    assert (ent.start, ent.end) not in spans and native["entities"]
    assert {e["source"] for e in native["entities"]} == {"model"}
    prodigy = lines(run(seeded_home, "export", "--format", "prodigy", "--spans",
                        "predictions").stdout)[0]
    got = [(s["start"], s["end"], s["label"], s["source"]) for s in prodigy["spans"]]
    assert got and set(got) <= {(e["start"], e["end"], e["label"], e["source"])
                                for e in native["entities"]}  # those on its tokens
    doccano = lines(run(seeded_home, "export", "--format", "doccano").stdout)[0]
    assert doccano["entities"] == [[e["start"], e["end"], e["label"]] for e in native["entities"]]
