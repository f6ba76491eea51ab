"""The sentence rule and undo/redo against a model, over random sequences of
actions: one decision per sentence and annotator, passages are the maximal
runs of one label, every action changes only its selection, and undo/redo walk
back and forth through every state."""
import random

import pytest

from annotations.corpus.library import Library
from annotations.store import AnnotationStore
from storehelp import passage, report_ids

LABELS = ["achievement", "task", "risk"]


def state(store, rid):
    """sentence -> (label or None, decided, note) of the store's annotator; checks
    that no two of its documents share a sentence."""
    out = {}
    for a in store.for_report(rid):
        if a.annotator != store.annotator:
            continue
        assert a.sentence_start == a.sentence_end, "after a change, one sentence per document"
        assert a.sentence_start not in out, "two decisions on one sentence"
        out[a.sentence_start] = (a.label, a.decided, a.note)
    return out


def model_runs(model):
    """(first, last, label) of each maximal run of one label in the model."""
    runs = []
    for i in sorted(i for i, (lab, decided, _) in model.items() if decided and lab):
        lab = model[i][0]
        if runs and runs[-1][1] == i - 1 and runs[-1][2] == lab:
            runs[-1][1] = i
        else:
            runs.append([i, i, lab])
    return [tuple(r) for r in runs]


def act(store, model, rng, home, rid, n):
    first = rng.randrange(n)
    last = min(n - 1, first + rng.choice([0, 0, 1, 3]))
    sel = passage(home, rid, first, last)
    chosen = range(first, last + 1)
    op = rng.random()
    if op < 0.45:
        label = rng.choice(LABELS)
        store.tag(sel, label)
        off = all(model.get(i, (None, False))[:2] == (label, True) for i in chosen)
        for i in chosen:
            note = model.get(i, (None, False, ""))[2]
            model[i] = (None, False, note) if off else (label, True, note)
    elif op < 0.65:
        store.mark_none(sel)
        off = all(model.get(i, ("x", False))[:2] == (None, True) for i in chosen)
        for i in chosen:
            model[i] = (None, not off, model.get(i, (None, False, ""))[2])
    elif op < 0.85:
        store.clear(sel)
        for i in chosen:
            model[i] = (None, False, model.get(i, (None, False, ""))[2])
    else:
        note = rng.choice(["", f"ghi chú {rng.randrange(100)}"])
        store.set_note(sel, note)
        old = model.get(first, (None, False, ""))
        model[first] = (old[0], old[1], note)
    for i in [i for i, (lab, decided, note) in model.items() if not decided and not note]:
        del model[i]


@pytest.mark.parametrize("seed", range(12))
def test_random_actions_keep_the_rule_and_undo_redo(seeded_home, seed):
    rng = random.Random(seed)
    rid = report_ids(seeded_home)[1]
    n = min(12, len(Library(seeded_home).analysis(rid).sentences))
    with AnnotationStore(seeded_home, annotator="minh") as other:  # never touched by lan
        other.tag(passage(seeded_home, rid, 0, 3), "risk")
        theirs = other.for_report(rid)
    with AnnotationStore(seeded_home, annotator="lan") as store:
        model: dict[int, tuple] = {}
        states = [state(store, rid)]
        for _ in range(rng.randint(10, 40)):
            act(store, model, rng, seeded_home, rid, n)
            assert state(store, rid) == model
            mine = [(a.sentence_start, a.sentence_end, a.label) for a in store.passages(rid)
                    if a.annotator == "lan"]
            assert mine == model_runs(model)
            text = Library(seeded_home).text(rid)
            assert all(text[a.start:a.end] == a.text for a in store.passages(rid))
            assert [a for a in store.for_report(rid) if a.annotator == "minh"] == theirs
            states.append(state(store, rid))
        changed = [i for i in range(1, len(states)) if states[i] != states[i - 1]]
        for i in reversed(changed):  # undo walks back through every state
            assert store.undo() is not None
            assert state(store, rid) == states[i - 1]
        assert store.undo() is None
        for i in changed:  # and redo forward again
            assert store.redo() is not None
            assert state(store, rid) == states[i]
        assert store.redo() is None
    with AnnotationStore(seeded_home, readonly=True, annotator="lan") as ro:  # each step written
        assert state(ro, rid) == states[-1]
