"""Helpers of the suggestion tests: the seeds' gold labels, labelling a home."""
from __future__ import annotations

from pathlib import Path

import orjson

from annotations.corpus.library import Library
from annotations.store import AnnotationStore, Selection

GOLD = Path(__file__).resolve().parent.parent / "data" / "gold_labels.jsonl"


def gold() -> list[dict]:
    return [orjson.loads(line) for line in GOLD.read_bytes().splitlines() if line.strip()]


def selection(lib: Library, rid: str, i: int) -> Selection:
    r = lib.open(rid)
    return Selection.of(rid, r.analysis.sentences, i, None, r.meta.sha256)


def label(home, records: list[dict], annotator: str = "lan") -> None:
    """Store each record's label (null: the decision none) as the annotator."""
    lib = Library(home)
    opened = {rid: lib.open(rid) for rid in reports(records)}
    with AnnotationStore(home, annotator=annotator) as store:
        for g in records:
            r = opened[g["report"]]
            sel = Selection.of(g["report"], r.analysis.sentences, g["sentence"], None, r.meta.sha256)
            if g["label"]:
                store.tag(sel, g["label"])
            else:
                store.mark_none(sel)


def reports(records: list[dict]) -> list[str]:
    return list(dict.fromkeys(g["report"] for g in records))
