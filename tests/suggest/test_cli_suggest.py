"""`baocao suggest` and the model's lines of `baocao stats`, as scripts use them."""
import orjson
from click.testing import CliRunner
from suggesthelp import gold, label, selection

from annotations.corpus.library import Library
from annotations.store import AnnotationStore
from support import SEEDS
from tui.cli import main

FIELDS = {"sentence", "start", "end", "label", "score", "margin"}


def run(home, *args):
    return CliRunner().invoke(main, ["--home", str(home), *map(str, args)], catch_exceptions=False)


def lines(out: str) -> list[dict]:
    return [orjson.loads(x) for x in out.splitlines() if x.strip()]


def test_suggest_json_gives_every_body_sentence(seeded_home):
    lib = Library(seeded_home)
    rid = lib.reports()[0].id
    res = run(seeded_home, "suggest", rid, "--json")
    assert res.exit_code == 0
    rows = lines(res.stdout)
    r = lib.open(rid)
    assert [x["sentence"] for x in rows] == r.analysis.body_sentences()
    for x in rows:
        assert set(x) == FIELDS
        s = r.analysis.sentences[x["sentence"]]
        assert (x["start"], x["end"]) == (s.start, s.end)
        assert x["label"] in ("achievement", "task", "risk", None)
        assert 0 <= x["margin"] <= x["score"] <= 1


def test_suggest_follows_the_annotators_labels(seeded_home):
    lib = Library(seeded_home)
    rid = lib.reports()[0].id
    mine = [g for g in gold() if g["report"] == rid and lib.open(rid).analysis.is_body(g["sentence"])]
    flipped = [{**g, "label": "risk"} for g in mine]  # lan calls everything here a risk
    label(seeded_home, flipped, annotator="lan")
    lan = lines(run(seeded_home, "--annotator", "lan", "suggest", rid, "--json").stdout)
    minh = lines(run(seeded_home, "--annotator", "minh", "suggest", rid, "--json").stdout)
    assert sum(x["label"] == "risk" for x in lan) > sum(x["label"] == "risk" for x in minh)
    assert sum(x["label"] == "risk" for x in lan) > 0.8 * len(lan)  # the prior still has a say


def test_suggest_a_file_without_importing_it(home):
    path = sorted(SEEDS.glob("*.txt"))[0]
    res = run(home, "suggest", path, "--json")
    assert res.exit_code == 0 and len(lines(res.stdout)) > 5
    assert len(Library(home)) == 0
    plain = run(home, "suggest", path)
    assert plain.exit_code == 0 and "cold-start prior" in plain.stderr


def test_suggest_an_unknown_report_is_one_line(home):
    res = CliRunner().invoke(main, ["--home", str(home), "suggest", "nope"])
    assert res.exit_code == 1
    assert res.stderr.strip().splitlines()[0].startswith("baocao: nope: no report")


def test_stats_reports_the_models_quality_and_outcomes(seeded_home):
    lib = Library(seeded_home)
    label(seeded_home, [g for g in gold() if lib.open(g["report"]).analysis.is_body(g["sentence"])])
    rid = lib.reports()[0].id
    body = lib.open(rid).analysis.body_sentences()
    with AnnotationStore(seeded_home, annotator="lan") as store:
        store.tag(selection(lib, rid, body[0]), "task", source="suggestion", score=0.9,
                  model_version="m0")
        store.tag(selection(lib, rid, body[1]), "achievement", model_version="m0")
    rows = lines(run(seeded_home, "--annotator", "lan", "stats", "--json").stdout)
    model = rows[-1]
    assert model["kind"] == "model" and model["annotator"] == "lan"
    assert model["version"].startswith("m") and model["labels"] >= 150
    assert 0 < model["macro_f1"] <= 1
    assert {x["label"] for x in model["per_label"]} == {"achievement", "task", "risk", None}
    assert (model["accepted"], model["overridden"]) == (1, 1)
    text = run(seeded_home, "--annotator", "lan", "stats").stdout
    assert "cross-validated macro-F1" in text and "accepted 1, overridden 1" in text
    other = lines(run(seeded_home, "--annotator", "minh", "stats", "--json").stdout)[-1]
    assert other["version"] is None and other["macro_f1"] is None and other["accepted"] == 0
