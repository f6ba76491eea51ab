"""Undo/redo against a model, over random sequences of changes."""
import random

import pytest

from annotations.store import AnnotationStore
from storehelp import passage, report_ids


def snapshot(store, rids):
    return sorted((a.id, a.report_id, a.start, a.end, a.label, a.note)
                  for rid in rids for a in store.for_report(rid))


@pytest.mark.parametrize("seed", range(12))
def test_random_changes_undo_to_start_and_redo_to_end(seeded_home, seed):
    rng = random.Random(seed)
    rids = report_ids(seeded_home)[:2]
    passages = [passage(seeded_home, rid, i, i + rng.choice([0, 1]))
                for rid in rids for i in range(3)]
    with AnnotationStore(seeded_home, annotator="lan") as store:
        states = [snapshot(store, rids)]
        for _ in range(rng.randint(5, 25)):
            p = rng.choice(passages)
            current = store.find(p)
            op = rng.random()
            if current is not None and op < 0.2:
                store.set_note(current.id, f"ghi chú {rng.randrange(100)}")
            elif current is not None and op < 0.35:
                store.remove(current.id)
            else:
                label = rng.choice(["achievement", "task", "risk"])
                got = store.tag(p, label)
                if current is not None and current.label == label:
                    assert got is None  # toggled off
                else:
                    assert got.label == label
                    assert current is None or got.id == current.id  # relabel keeps the id
            states.append(snapshot(store, rids))
        for want in reversed(states[:-1]):  # undo walks back through every state
            assert store.undo() is not None
            assert snapshot(store, rids) == want
        assert store.undo() is None
        for want in states[1:]:  # and redo forward again
            assert store.redo() is not None
            assert snapshot(store, rids) == want
        assert store.redo() is None
    with AnnotationStore(seeded_home, readonly=True) as ro:  # each step was written
        assert snapshot(ro, rids) == states[-1]

