"""Provenance of accepted suggestions in every export format, and --with-none."""
import orjson
from click.testing import CliRunner
from suggesthelp import selection

from annotations.corpus.library import Library
from annotations.store import AnnotationStore
from annotations.suggest import Suggester
from tui.cli import main


def export(home, *args) -> list[dict]:
    res = CliRunner().invoke(main, ["--home", str(home), "export", *args], catch_exceptions=False)
    assert res.exit_code == 0
    return [orjson.loads(x) for x in res.stdout.splitlines() if x.strip()]


def test_an_accepted_suggestion_keeps_its_source_score_and_model_in_every_format(seeded_home):
    lib = Library(seeded_home)
    rid = lib.reports()[0].id
    with Suggester(seeded_home, "lan") as sg:
        s = next(x for x in sg.suggest(rid) if x.label)
    with AnnotationStore(seeded_home, annotator="lan") as store:
        store.tag(selection(lib, rid, s.sentence), s.label, source="suggestion", score=s.score,
                  model_version="m0123456789ab")
        store.tag(selection(lib, rid, s.sentence + 2), "risk")
    native = export(seeded_home)
    by_source = {r["source"]: r for r in native}
    got = by_source["suggestion"]
    assert (got["label"], got["score"], got["model_version"]) == (s.label, s.score, "m0123456789ab")
    assert (got["start"], got["end"]) == (s.start, s.end)
    assert (by_source["manual"]["score"], by_source["manual"]["model_version"]) == (None, None)
    prodigy = {r["meta"]["source"]: r for r in export(seeded_home, "--format", "prodigy")}
    assert prodigy["suggestion"]["meta"]["score"] == s.score
    assert prodigy["suggestion"]["meta"]["model_version"] == "m0123456789ab"
    doccano = {r["source"]: r for r in export(seeded_home, "--format", "doccano")}
    assert (doccano["suggestion"]["score"], doccano["suggestion"]["model_version"]) == \
        (s.score, "m0123456789ab")
    assert doccano["manual"]["model_version"] is None


def test_with_none_writes_a_done_reports_undecided_body_sentences(seeded_home):
    lib = Library(seeded_home)
    rid = lib.reports()[0].id
    r = lib.open(rid)
    body = r.analysis.body_sentences()
    with AnnotationStore(seeded_home, annotator="lan") as store:
        store.tag(selection(lib, rid, body[2]), "task")
        store.mark_none(selection(lib, rid, body[4]))
    explicit = [x for x in export(seeded_home, "--with-none") if x["label"] is None]
    assert [(x["sentence_start"], x["sentence_end"]) for x in explicit] == [(body[4], body[4])]
    assert all(x["label"] is not None for x in export(seeded_home))
    with AnnotationStore(seeded_home, annotator="lan") as store:
        store.set_done(rid, True)
    recs = [x for x in export(seeded_home, "--with-none") if x["report_id"] == rid]
    none = [x for x in recs if x["label"] is None]
    covered = {i for x in none for i in range(x["sentence_start"], x["sentence_end"] + 1)}
    assert covered == set(body) - {body[2]}  # every undecided body sentence, the explicit one too
    for x in none:
        assert r.text[x["start"]:x["end"]] == x["text"]
        assert x["annotator"] == "lan" and x["source"] == "manual" and x["orphaned"] is False
    assert export(seeded_home, "--with-none") == export(seeded_home, "--with-none")  # stable ids
    assert not [x for x in export(seeded_home, "--with-none", "--annotator", "minh")]
    assert all(x["label"] is not None for x in export(seeded_home))
