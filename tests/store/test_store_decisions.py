"""The sentence rule on its own (``decisions.apply``, ``records.runs``), with
hypothesis: over random texts, sentences and actions, every document is one
sentence that slices back exactly, an annotator never has two decisions on one
sentence, only the selection changes, and passages are the maximal runs."""
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.store.decisions import apply
from annotations.store.records import Selection, merge_run, runs

LABELS = ["achievement", "task", "risk"]
ops = st.tuples(st.sampled_from(["tag", "none", "clear", "note"]), st.sampled_from(LABELS),
                st.integers(0, 30), st.integers(0, 3), st.sampled_from(["", "ghi chú", "xem lại"]))


@st.composite
def reports(draw):
    words = draw(st.lists(st.text("aăâbcdđeêơưxyzỳ ", min_size=1, max_size=12), min_size=1,
                          max_size=12))
    text, spans = "", []
    for w in words:  # sentences separated by one or two spaces, as a segmenter leaves them
        text += draw(st.sampled_from([" ", "  ", "\n"])) if text else ""
        spans.append((len(text), len(text) + len(w)))
        text += w
    return text, tuple(spans)


@settings(max_examples=150, deadline=None)
@given(reports(), st.lists(ops, max_size=25))
def test_actions_keep_the_sentence_rule(report, actions):
    text, spans = report
    n = len(spans)
    by_id: dict[str, dict] = {}
    model: dict[int, tuple] = {}  # sentence -> (decided, label, note)
    other = {"id": "other", "report_id": "r", "start": spans[0][0], "end": spans[-1][1],
             "sentence_start": 0, "sentence_end": n - 1, "label": "risk", "decided": True,
             "text": text[spans[0][0]:spans[-1][1]], "note": "", "annotator": "minh",
             "source": "manual", "score": None, "model_version": None, "created_at": "t",
             "updated_at": "t", "report_sha256": "h", "orphaned": False}
    by_id["other"] = other
    for k, (op, label, first, width, note) in enumerate(actions):
        first %= n
        last = min(n - 1, first + width)
        sel = Selection("r", spans, first, last, "h")
        changes, _ = apply(list(by_id.values()), sel, "lan", text, f"t{k:03d}", op,
                           **({"label": label} if op == "tag" else {"note": note} if op == "note" else {}))
        for doc_id, doc in changes.items():
            if doc is None:
                by_id.pop(doc_id)
            else:
                by_id[doc_id] = doc
        chosen = [first] if op == "note" else range(first, last + 1)
        want = (True, label) if op == "tag" else (True, None)
        off = op in ("tag", "none") and all(model.get(i, (False, None, ""))[:2] == want for i in chosen)
        for i in chosen:
            decided, lab, old_note = model.get(i, (False, None, ""))
            if op == "note":
                model[i] = (decided, lab, note)
            elif op == "clear" or off:
                model[i] = (False, None, old_note)
            else:
                model[i] = (*want, old_note)
        model = {i: m for i, m in model.items() if m[0] or m[2]}
        mine = [d for d in by_id.values() if d["annotator"] == "lan"]
        assert sorted(d["sentence_start"] for d in mine) == sorted(model)  # one per sentence
        for d in mine:
            i = d["sentence_start"]
            assert d["sentence_end"] == i and (d["start"], d["end"]) == spans[i]
            assert text[d["start"]:d["end"]] == d["text"]
            assert (d["decided"], d["label"], d["note"]) == model[i]
        assert by_id["other"] == other  # another annotator's passage is never touched
    labelled = sorted(i for i, m in model.items() if m[0] and m[1])
    for run in runs([d for d in by_id.values() if d["annotator"] == "lan"]):
        p = merge_run(run, text)
        assert text[p["start"]:p["end"]] == p["text"]
        idx = list(range(p["sentence_start"], p["sentence_end"] + 1))
        assert all(model[i][1] == p["label"] for i in idx)
        for edge in (idx[0] - 1, idx[-1] + 1):  # maximal: the neighbours differ
            assert edge not in labelled or model[edge][1] != p["label"]
