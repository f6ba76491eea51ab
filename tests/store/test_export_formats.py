"""Every export format against its schema (annotations/interchange/schema.py),
against the import rules of the tool it is for, and read back value by value.

doccano's rules are those of its backend/data_import pipeline (read, not
copied): a JSONL line is one JSON object; ``text`` must be a non-empty string
(TextData); every column other than the label column becomes the example's
``meta`` after a pandas DataFrame is built from a batch of lines, so a column
that has a number on one line and null (or no key) on another becomes NaN,
which the JSON meta column refuses; a Text Classification label is exploded
and each value must be a non-empty string (CategoryLabel); a Sequence Labeling
label is a list of [start_offset, end_offset, label] with non-negative ints,
start < end and a non-empty label (SpanLabel), and a span that starts before
the previous one ends is dropped unless the project allows overlapping spans
(Spans.clean).
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from pathlib import Path

import orjson
import pytest

from annotations.corpus.library import Library
from annotations.interchange import schema
from annotations.interchange.formats import FORMATS, conll_word, read_csv_row
from annotations.models import text_sha256
from annotations.store import AnnotationStore
from storehelp import cli, fill, json_lines, passage, report_ids

ROOT = Path(__file__).resolve().parents[2]
NUMBER = (int, float)


@pytest.fixture
def home(seeded_home):
    """Passages of two annotators, and orphans: the first report's text changed
    before its second sentence, without re-anchoring."""
    fill(seeded_home, "lan", per_report=3)
    ids = report_ids(seeded_home)
    with AnnotationStore(seeded_home, annotator="minh") as s:
        s.tag(passage(seeded_home, ids[1], 0, 1), "risk")
        s.tag(passage(seeded_home, ids[1], 2), "task")
    lib = Library(seeded_home)
    rid = ids[0]
    text = lib.text(rid)
    cut = passage(seeded_home, rid, 1).sentences[1][0]
    new = text[:cut] + "Thêm. " + text[cut:]
    lib.home.text_path(rid).write_text(new, encoding="utf-8")
    lib._catalogue.set_meta(replace(lib.get(rid), sha256=text_sha256(new)))
    return seeded_home


def run(home, *args) -> tuple[bytes, str]:
    res = cli(home, "export", *args)
    assert res.exit_code == 0, res.output
    return res.stdout_bytes, res.stderr


def records(home, *args) -> list[dict]:
    return json_lines(run(home, *args)[0])


def test_schema_files_are_current():
    for fmt in schema.SCHEMAS:
        path = ROOT / "docs" / "schemas" / f"{fmt}.schema.json"
        assert orjson.loads(path.read_bytes()) == schema.document(fmt), \
            "python -m annotations.interchange.schema docs/schemas"


def test_the_validator_refuses_what_the_schema_refuses():
    rec = {"text": "a", "label": [[0, 1, "PER"]], "report_id": "1", "report_title": "",
           "report_date": "", "report_sha256": "x"}
    t = schema.SCHEMAS["doccano-seq"]
    assert schema.problems(rec, t) == []
    assert schema.problems({**rec, "report_id": 1}, t)  # an id is always a string
    assert schema.problems({**rec, "label": [[0, "1", "PER"]]}, t)
    assert schema.problems({k: v for k, v in rec.items() if k != "report_date"}, t)
    assert schema.problems({**rec, "extra": 1}, t)
    native = schema.SCHEMAS["native"]
    assert schema.problems(True, native.fields["start"])  # a bool is not an int
    assert schema.problems(None, native.fields["orphaned"])


def fits(recs: list[dict], fmt: str, gold: bool = False) -> None:
    t = schema.SCHEMAS[fmt]
    if gold:
        t = schema.with_gold(t, "meta" if fmt.startswith("prodigy") else None)
    for r in recs:
        assert schema.problems(r, t) == [], r


def test_native_fixed_schema_with_orphans(home):
    recs = records(home, "--with-none")
    fits(recs, "native")
    orphans = [r for r in recs if r["orphaned"]]
    assert orphans and len(orphans) < len(recs)
    for r in recs:  # null offsets on orphans only
        assert (r["start"] is None) == r["orphaned"] == (r["sentence_start"] is None)
    lib = Library(home)
    for r in recs:
        if not r["orphaned"]:
            assert lib.text(r["report_id"])[r["start"]:r["end"]] == r["text"]


@pytest.mark.parametrize("args", [("--format", "prodigy"), ("--format", "prodigy-choice"),
                                  ("--format", "prodigy", "--spans", "predictions"),
                                  ("--format", "prodigy-choice", "--spans", "predictions"),
                                  ("--format", "doccano"), ("--format", "doccano", "--with-orphans"),
                                  ("--format", "doccano-seq"), ("--format", "labelstudio")])
def test_every_record_fits_its_schema(home, args):
    out, _ = run(home, *args)
    recs = orjson.loads(out) if args[1] == "labelstudio" else json_lines(out)
    assert recs
    fits(recs, args[1])


def doccano_import(lines: bytes, project: str, allow_overlapping: bool = False) -> list[dict]:
    """What doccano's import makes of a JSONL file (rules in the module
    docstring): [{"text", "meta", "labels"}], or AssertionError."""
    rows = [orjson.loads(line) for line in lines.splitlines() if line.strip()]
    assert all(type(r) is dict for r in rows)
    columns = {k for r in rows for k in r} - {"label"}
    for k in columns:  # pandas: a number beside a null or a missing key is NaN
        values = [r.get(k) for r in rows]
        has_number = any(type(v) in NUMBER for v in values)
        assert not (has_number and any(v is None for v in values)), f"{k}: NaN in meta"
    out = []
    for r in rows:
        assert type(r.get("text")) is str and r["text"], "The empty text is not allowed."
        labels = r.get("label", [])
        if project == "classification":
            assert all(type(v) is str and v for v in labels)
        else:
            for sp in labels:
                assert type(sp) is list and len(sp) == 3
                s, e, lab = sp
                assert type(s) is int and type(e) is int and 0 <= s < e and type(lab) is str and lab
            if not allow_overlapping:
                kept, last = [], -1
                for sp in sorted(labels, key=lambda x: x[0]):
                    if sp[0] >= last:
                        last = sp[1]
                        kept.append(sp)
                labels = kept
        out.append({"text": r["text"], "meta": {k: v for k, v in r.items() if k not in ("text", "label")},
                    "labels": labels})
    return out


def test_doccano_text_classification_imports_as_is(home):
    native = records(home)
    out, err = run(home, "--format", "doccano")
    orphans = sum(r["orphaned"] for r in native)
    assert f"{orphans} orphaned annotation(s) left out" in err and "--with-orphans" in err
    made = doccano_import(out, "classification")
    placed = [r for r in native if not r["orphaned"]]
    assert [(m["text"], m["labels"]) for m in made] == [(r["text"], [r["label"]]) for r in placed]
    assert [m["meta"]["id"] for m in made] == [r["id"] for r in placed]
    with_orphans, err = run(home, "--format", "doccano", "--with-orphans")
    made = doccano_import(with_orphans, "classification")
    assert len(made) == len(native) and "left out" not in err
    for m, r in zip(made, native):
        assert m["meta"]["orphaned"] == r["orphaned"]
        assert m["meta"]["start"] == (-1 if r["orphaned"] else r["start"])


def test_the_old_doccano_shape_fails_doccano_import(home):
    """The rule is real: null offsets beside numbers (the old export) fail."""
    native = records(home)
    old = b"".join(orjson.dumps({"text": r["text"], "label": [r["label"]], "start": r["start"]}) + b"\n"
                   for r in native)
    with pytest.raises(AssertionError, match="NaN"):
        doccano_import(old, "classification")


@pytest.mark.parametrize("content", ["entities", "passages", "both"])
def test_doccano_sequence_labelling(home, content):
    native = records(home)
    out, _ = run(home, "--format", "doccano-seq", "--content", content)
    made = doccano_import(out, "sequence", allow_overlapping=True)
    lib = Library(home)
    placed = [r for r in native if not r["orphaned"]]
    assert [m["meta"]["report_id"] for m in made] == list(dict.fromkeys(r["report_id"] for r in placed))
    for m in made:
        rid = m["meta"]["report_id"]
        assert m["text"] == lib.text(rid)
        passages = {(r["start"], r["end"], r["label"]) for r in placed if r["report_id"] == rid}
        spans = {tuple(x) for x in m["labels"]}
        ents = {x for x in spans if x[2].isupper()}
        assert (spans - ents == passages) == (content != "entities")
        assert bool(ents) == (content != "passages")
        for s, e, _ in spans:
            assert m["text"][s:e].strip() == m["text"][s:e] != ""
    if content == "entities":  # entities never overlap: nothing is dropped without the option
        assert doccano_import(out, "sequence") == made


def test_prodigy_spans_are_predictions_on_tokens(home):
    native = [r for r in records(home) if not r["orphaned"]]
    recs = [r for r in records(home, "--format", "prodigy", "--spans", "predictions")
            if not r["meta"]["orphaned"]]
    assert sum(len(r["spans"]) for r in recs) > 5
    for r, n in zip(recs, native):
        text, toks = r["text"], r["tokens"]
        assert [t["id"] for t in toks] == list(range(len(toks)))
        for t in toks:
            assert text[t["start"]:t["end"]] == t["text"] and t["text"].strip() == t["text"]
            assert t["ws"] == (t["end"] < len(text) and text[t["end"]].isspace())
        assert [(s["start"], s["end"], s["label"], s["source"]) for s in r["spans"]] == [
            (e["start"], e["end"], e["label"], e["source"]) for e in n["entities"]]
        for s in r["spans"]:
            assert toks[s["token_start"]]["start"] == s["start"] and toks[s["token_end"]]["end"] == s["end"]
            assert s["source"] == "model"  # a prediction, never reviewed here


def test_prodigy_choice(home):
    native = records(home, "--with-none")
    recs = records(home, "--format", "prodigy-choice", "--with-none")
    with AnnotationStore(home, readonly=True) as s:
        names = [lab.name for lab in s.labels]
    for r, n in zip(recs, native):
        assert r["_view_id"] == "choice" and r["answer"] == "accept"
        assert [o["id"] for o in r["options"]] == names
        assert r["accept"] == ([n["label"]] if n["label"] else [])
        assert set(r["accept"]) <= {o["id"] for o in r["options"]}  # Prodigy: accept holds option ids
        assert r["spans"] == [] and r["meta"]["id"] == n["id"]


def test_conll_iob2(home):
    out, _ = run(home, "--format", "conll")
    text = out.decode("utf-8")
    lib = Library(home)
    docs = re.split(r"^-DOCSTART-\t", text, flags=re.M)[1:]
    assert [d.split("\n", 1)[0] for d in docs] == [m.id for m in lib.reports()]
    n_ents = 0
    for d in docs:
        rid, body = d.split("\n", 1)
        analysis = lib.analysis(rid)
        words = []
        prev = "O"
        for line in body.splitlines():
            if not line:
                prev = "O"
                continue
            word, tag = line.split("\t")
            assert word and not any(c.isspace() for c in word)
            assert tag == "O" or re.fullmatch(r"[BI]-[A-Z]+", tag)
            if tag.startswith("I-"):  # IOB2: an I- continues its own label
                assert prev[2:] == tag[2:] and prev != "O"
            n_ents += tag.startswith("B-")
            words.append(word)
            prev = tag
        full = lib.text(rid)
        assert words == [conll_word(full[t.start:t.end]) for t in analysis.tokens
                         if any(s.start <= t.start and t.end <= s.end for s in analysis.sentences)]
    assert n_ents == sum(len(lib.analysis(m.id).entities) for m in lib.reports())


def test_csv_reads_back_every_value(home):
    out, _ = run(home, "--format", "csv", "--with-none")
    assert out.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(out[3:].decode("utf-8"), newline="")))
    native = records(home, "--with-none")
    assert [read_csv_row(r) for r in rows] == native


def test_labelstudio_tasks(home):
    out, _ = run(home, "--format", "labelstudio")
    tasks = orjson.loads(out)
    native = [r for r in records(home) if not r["orphaned"]]
    lib = Library(home)
    for t in tasks:
        rid = t["data"]["report_id"]
        assert t["data"]["text"] == lib.text(rid)
        assert len(t["data"]["annotators"]) == len(t["annotations"])
        got = {(x["value"]["start"], x["value"]["end"], x["value"]["labels"][0], who)
               for a, who in zip(t["annotations"], t["data"]["annotators"]) for x in a["result"]}
        assert got == {(r["start"], r["end"], r["label"], r["annotator"]) for r in native
                       if r["report_id"] == rid}
        for x in [x for a in t["annotations"] for x in a["result"]] + t["predictions"][0]["result"]:
            assert t["data"]["text"][x["value"]["start"]:x["value"]["end"]] == x["value"]["text"]
        assert len(t["predictions"][0]["result"]) == len(lib.analysis(rid).entities)


def _snippet_namespace() -> dict:
    ns: dict = {}
    exec(schema.pandas_snippet(), ns)  # the docs' DTYPES and NULLABLE, as a user pastes them
    return ns


def _py(v):
    """A pandas cell as the JSON value it was read from."""
    import math

    if v is None or (isinstance(v, float) and math.isnan(v)) or repr(v) in ("<NA>", "NaT"):
        return None
    return v.item() if hasattr(v, "item") else v


def test_pandas_reads_every_value(home):
    pd = pytest.importorskip("pandas", reason="pandas is not installed in this venv")
    ns = _snippet_namespace()
    native = records(home, "--with-none")
    assert any(r["orphaned"] for r in native) and any(r["score"] is None for r in native)
    df = pd.read_json(io.BytesIO(run(home, "--with-none")[0]), lines=True, dtype=ns["DTYPES"])
    assert list(df.columns) == list(schema.NATIVE.fields)
    got = [{k: _py(v) for k, v in row.items()} for row in df.to_dict(orient="records")]
    assert len(got) == len(native)
    for g in got:  # pandas reads *_at columns as UTC times (docs/exports.md says so)
        for k in ("created_at", "updated_at"):
            assert g[k].tzname() == "UTC"
            g[k] = g[k].strftime("%Y-%m-%dT%H:%M:%S.") + f"{g[k].microsecond // 1000:03d}Z"
    for g, n in zip(got, native):  # every value, and which one differs
        assert {k: (g[k], n[k]) for k in n if g[k] != n[k] or type(g[k]) is not type(n[k])} == {}
    out, _ = run(home, "--format", "csv", "--with-none")
    df = pd.read_csv(io.BytesIO(out), encoding="utf-8-sig", dtype=ns["DTYPES"], keep_default_na=False,
                     na_values={k: [""] for k in ns["NULLABLE"]}, true_values=["true"],
                     false_values=["false"])
    rows = [{k: _py(v) for k, v in row.items()} for row in df.to_dict(orient="records")]
    assert [{**r, "entities": orjson.loads(r["entities"])} for r in rows] == native


def test_datasets_reads_every_value_with_the_docs_features(home, tmp_path):
    """The docs' way (Features, lines read by json): every value exactly, the
    first orphan after the first line whatever; load_dataset("json") is not
    it, pyarrow's reader makes report_date a timestamp before Features apply."""
    pytest.importorskip("datasets", reason="Hugging Face datasets is not installed in this venv")
    from datasets import Dataset, load_dataset

    path = tmp_path / "export.jsonl"
    path.write_bytes(run(home, "--with-none")[0])
    native = json_lines(path.read_bytes())
    assert not native[0]["orphaned"] and any(r["orphaned"] for r in native)
    assert any(r["report_date"] and len(r["report_date"]) == 10 for r in native)
    ns: dict = {}
    exec(schema.features_snippet(), ns)

    def lines():
        with open(path, encoding="utf-8") as f:
            yield from map(json.loads, f)

    ds = Dataset.from_generator(lines, features=ns["FEATURES"], cache_dir=str(tmp_path / "cache"))
    assert ds.to_list() == native
    arrow = load_dataset("json", data_files=str(path), features=ns["FEATURES"], split="train",
                         cache_dir=str(tmp_path / "cache2"), chunksize=500)  # a block of dates only
    assert list(arrow["report_date"]) != [r["report_date"] for r in native], \
        "load_dataset now keeps dates as given: docs/exports.md may recommend it again"


def test_doccano_pandas_step_with_pandas(home):
    """doccano's own step: a DataFrame of a batch of lines, its rows as the
    example's meta (JSON: no NaN)."""
    pd = pytest.importorskip("pandas", reason="pandas is not installed in this venv")
    for args in (["--format", "doccano"], ["--format", "doccano", "--with-orphans"],
                 ["--format", "doccano-seq"]):
        rows = json_lines(run(home, *args)[0])
        metas = pd.DataFrame(rows).drop(columns=["text", "label"]).to_dict(orient="records")
        for meta, row in zip(metas, rows):
            json.dumps(meta, allow_nan=False)  # valid JSON (its meta column checks)
            assert {k: _py(v) if not isinstance(v, list) else v for k, v in meta.items()} == {
                k: v for k, v in row.items() if k not in ("text", "label")}
    old = pd.DataFrame([{"start": 1}, {"start": None}]).to_dict(orient="records")
    with pytest.raises(ValueError):  # the rule is real: a null beside numbers is NaN
        json.dumps(old[1], allow_nan=False)


def test_conll_with_pandas(home):
    pd = pytest.importorskip("pandas", reason="pandas is not installed in this venv")
    out, _ = run(home, "--format", "conll")
    df = pd.read_csv(io.BytesIO(out), sep="\t", names=["word", "tag"], quoting=csv.QUOTE_NONE,
                     keep_default_na=False, skip_blank_lines=True, dtype="string")
    lines = [x.split("\t") for x in out.decode("utf-8").splitlines() if x]
    assert df.values.tolist() == lines


def test_help_names_each_format_and_its_tool():
    from tui.cli.store import _FORMAT_NAMES

    assert _FORMAT_NAMES == list(FORMATS)
    res = cli(ROOT, "export", "--help")
    flat = " ".join(res.output.split())
    for fmt, (tool, _) in FORMATS.items():
        assert f"{fmt}:" in flat
        assert tool.split(",")[0].split("/")[0].split()[0] in flat


def test_the_old_annotator_filter_still_works(home):
    assert records(home, "--annotator", "minh") == records(home, "--by", "minh")
    _, err = run(home, "--annotator", "minh")
    assert "now --by" in err


def test_entities_are_whole_tokens_on_the_seeds(seeded_home):
    """The pipeline splits a token an entity starts or ends inside."""
    lib = Library(seeded_home)
    crossing = 0
    for m in lib.reports():
        a = lib.analysis(m.id)
        starts, ends = {t.start for t in a.tokens}, {t.end for t in a.tokens}
        for e in a.entities:
            crossing += e.start not in starts or e.end not in ends
    assert crossing == 0


def test_docs_give_the_current_snippets():
    doc = (ROOT / "docs" / "exports.md").read_text(encoding="utf-8")
    assert schema.features_snippet() in doc and schema.pandas_snippet() in doc
    for fmt in FORMATS:
        assert f"`{fmt}`" in doc


def test_snippets_name_every_native_field():
    feats, dtypes = schema.features_snippet(), schema.pandas_snippet()
    for k in schema.NATIVE.fields:
        assert f'"{k}": ' in feats
        assert (f'"{k}": ' in dtypes) == (k != "entities")
    assert '"start": "Int64"' in dtypes and '"report_id": "string"' in dtypes  # never float, never int


def test_spacy_docbin_reads_back_every_value(home, tmp_path):
    spacy = pytest.importorskip("spacy", reason="spaCy is the optional extra baocao[spacy]")
    from spacy.tokens import DocBin

    out = tmp_path / "train.spacy"
    assert cli(home, "export", "--format", "spacy").exit_code == 2  # binary: -o only
    res = cli(home, "export", "--format", "spacy", "-o", out)
    assert res.exit_code == 0, res.output
    docs = list(DocBin().from_disk(out).get_docs(spacy.blank("xx").vocab))
    native = [r for r in records(home) if not r["orphaned"]]
    lib = Library(home)
    assert [d.user_data["report_id"] for d in docs] == list(dict.fromkeys(r["report_id"] for r in native))
    for doc in docs:
        rid = doc.user_data["report_id"]
        text, analysis = lib.text(rid), lib.analysis(rid)
        assert doc.text == text and doc.user_data["report_sha256"] == text_sha256(text)
        assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == [
            (e.start, e.end, e.label) for e in analysis.entities]
        mine = [r for r in native if r["report_id"] == rid]
        assert [(s.start_char, s.end_char, s.label_) for s in doc.spans["passages"]] == [
            (r["start"], r["end"], r["label"]) for r in mine]
        assert [list(p) for p in doc.user_data["passages"]] == [[r["id"], r["annotator"]] for r in mine]
        assert [s.start_char for s in doc.sents if s.text.strip()] == [
            s.start for s in analysis.sentences]


def test_spacy_words_spell_the_text():
    from annotations.interchange.spacy_docbin import words_of

    text = "Hà Nội,  ngày\n\n- Trương Thị Mai"
    words, spaces, starts = words_of(text, [(0, 6), (6, 7), (9, 13), (17, 31)], [15])
    assert "".join(w + (" " if s else "") for w, s in zip(words, spaces)) == text
    assert [text[a:a + len(w)] for w, a in zip(words, starts)] == words
    assert 15 in starts  # a cut inside a gap is a token boundary


def test_labelstudio_tasks_fit_the_docs_labeling_config(home):
    """Label Studio matches a result to the config by from_name/to_name, and a
    label to a <Label value>: the docs' config must name every one exported."""
    import xml.etree.ElementTree as ET

    doc = (ROOT / "docs" / "exports.md").read_text(encoding="utf-8")
    view = ET.fromstring(re.search(r"```xml\n(.*?)```", doc, re.S).group(1))
    text_name = view.find("Text").get("name")
    assert view.find("Text").get("value") == "$text"
    values = {lab.get("name"): {x.get("value") for x in lab.findall("Label")} for lab in view.findall("Labels")}
    assert all(lab.get("toName") == text_name for lab in view.findall("Labels"))
    tasks = orjson.loads(run(home, "--format", "labelstudio")[0])
    results = [x for t in tasks for a in t["annotations"] for x in a["result"]] + \
        [x for t in tasks for p in t["predictions"] for x in p["result"]]
    assert {x["from_name"] for x in results} == set(values)
    for x in results:
        assert x["to_name"] == text_name and x["type"] == "labels"
        assert set(x["value"]["labels"]) <= values[x["from_name"]]
    assert all(len({x["id"] for x in a["result"]}) == len(a["result"]) for t in tasks for a in t["annotations"])


def test_an_added_entity_is_exported_where_the_model_found_none(tmp_path):
    # Native records and the formats made from them apply the corrections the same
    # way: also in a report whose analysis has no entity at all.
    from annotations.corrections import Correction
    from storehelp import synthetic_home

    home = tmp_path / "home"
    rid = next(iter(synthetic_home(home, 1, entities=False)))
    text = Library(home).text(rid)
    s = text.index("Tỉnh ủy")
    with AnnotationStore(home, annotator="lan") as store:
        store.tag(passage(home, rid, 0), "task")
        store.correct(Correction("c" * 32, rid, "lan", "2025-01-01T00:00:00.000Z", "add", s,
                                 s + len("Tỉnh ủy"), "Tỉnh ủy", "ORG"))
    want = [{"start": s, "end": s + len("Tỉnh ủy"), "label": "ORG", "text": "Tỉnh ủy",
             "source": "analyst"}]
    (native,) = json_lines(cli(home, "export", annotator="lan").stdout)
    assert native["entities"] == want
    (doccano,) = json_lines(cli(home, "export", "--format", "doccano", annotator="lan").stdout)
    assert doccano["entities"] == [[s, s + len("Tỉnh ủy"), "ORG"]]
    (seq,) = json_lines(cli(home, "export", "--format", "doccano-seq", "--content", "entities",
                            annotator="lan").stdout)
    assert [s, s + len("Tỉnh ủy"), "ORG"] in seq["label"]  # and wherever the form recurs
    assert all(text[a:b] == "Tỉnh ủy" and lab == "ORG" for a, b, lab in seq["label"])
