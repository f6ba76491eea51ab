"""The sentence rule, in one place: what an action does to one annotator's
documents in one report.

Every action (tag, none, clear, note) works on a ``Selection`` of whole
sentences and goes through ``apply``: first ``normalise`` splits this
annotator's documents into one per sentence (older passages, imported ones,
overlapping ones: the latest decision on a sentence wins), then the action
sets the selected sentences, and the result is returned as the documents to
write. So no action ever touches a sentence outside the selection, and no
two documents of an annotator cover the same sentence.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterable

from .records import OPTIONAL, Selection, sentence_range

_SPLIT = uuid.UUID("5b0c4a8e-8f6e-4d0e-9d6c-7b1f1c0e2a55")  # ids of split-off sentences


def sentence_of(spans: tuple[tuple[int, int], ...], start: int, end: int) -> range:
    """Indexes of the sentences that [start, end) overlaps."""
    first, last = sentence_range(spans, start, end)
    return range(first, last + 1) if first >= 0 else range(0)


def normalise(docs: Iterable[dict], annotator: str, spans: tuple[tuple[int, int], ...],
              text: str, sha: str) -> dict[int, dict]:
    """sentence index -> this annotator's document on it, one per sentence.
    A document covering several sentences is split (its id and note stay with
    its first sentence); where documents overlap, the later ``updated_at``
    wins. Orphans and documents on no sentence are left out (and unchanged)."""
    per: dict[int, dict] = {}
    mine = [d for d in docs if d["annotator"] == annotator and not d["orphaned"]]
    for d in sorted(mine, key=lambda d: (d["updated_at"], d["id"])):
        hit = sentence_of(spans, d["start"], d["end"])
        for n, i in enumerate(hit):
            s, e = spans[i]
            if n == 0 and (d["start"], d["end"], d["sentence_start"], d["sentence_end"]) == (s, e, i, i):
                per[i] = d  # already one sentence: unchanged
                continue
            per[i] = {**d, "id": d["id"] if n == 0 else uuid.uuid5(_SPLIT, f"{d['id']}:{i}").hex,
                      "start": s, "end": e, "sentence_start": i, "sentence_end": i,
                      "text": text[s:e], "note": d["note"] if n == 0 else "",
                      "report_sha256": sha}
    return per


def _decision(per: dict[int, dict], i: int) -> tuple[bool, str | None]:
    d = per.get(i)
    return (d["decided"], d["label"]) if d else (False, None)


def apply(docs: list[dict], sel: Selection, annotator: str, text: str, now: str, op: str,
          label: str | None = None, note: str = "", **provenance) -> tuple[dict[str, dict | None], str]:
    """The documents to write ({id: new document or None to delete}) for one
    action on ``sel``, and what it did ("tagged", "removed", ...).

    ``op``: ``"tag"`` (label; toggles: when every selected sentence already
    has that label it is removed), ``"none"`` (toggles the same way), ``"clear"``
    (undecided again; notes stay) or ``"note"`` (on sentence ``sel.first``).
    ``provenance``: source, score, model_version of a tag (default manual), and
    for an adjudication its ``records.OPTIONAL`` fields."""
    before = {d["id"]: d for d in docs if d["annotator"] == annotator and not d["orphaned"]}
    per = normalise(before.values(), annotator, sel.sentences, text, sel.report_sha256)
    chosen = range(sel.first, sel.last + 1)
    if op == "note":
        chosen = range(sel.first, sel.first + 1)
        what = "noted" if note else "note removed"
    elif op in ("tag", "none"):
        want = label if op == "tag" else None
        if all(_decision(per, i) == (True, want) for i in chosen):
            op, what = "clear", "removed"
        else:
            what = "tagged" if op == "tag" else "none"
    else:
        what = "removed"
    for i in chosen:
        old = per.get(i)
        s, e = sel.sentences[i]
        base = old or {"id": uuid.uuid4().hex, "report_id": sel.report_id, "start": s, "end": e,
                       "sentence_start": i, "sentence_end": i, "label": None, "decided": False,
                       "text": text[s:e], "note": "", "annotator": annotator,
                       "source": "manual", "score": None, "model_version": None,
                       "created_at": now, "updated_at": now,
                       "report_sha256": sel.report_sha256, "orphaned": False}
        if op != "note":  # a new decision: an earlier adjudication's fields go with it
            base = {k: v for k, v in base.items() if k not in OPTIONAL}
        if op == "note":
            new = {**base, "note": note}
        elif op == "clear":
            new = {**base, "label": None, "decided": False, "source": "manual", "score": None,
                   "model_version": None}
        else:
            new = {**base, "label": want, "decided": True, "source": "manual", "score": None,
                   "model_version": None, **provenance}
        if not new["decided"] and not new["note"]:
            per.pop(i, None)  # nothing left to keep
        elif new != old:
            per[i] = {**new, "updated_at": now}
    after = {d["id"]: d for d in per.values()}
    changes: dict[str, dict | None] = {i: None for i in before if i not in after}
    changes.update((i, d) for i, d in after.items() if before.get(i) != d)
    # Documents on no current sentence were left out of ``per``: keep them.
    placed = {i for i in before if sentence_of(sel.sentences, before[i]["start"], before[i]["end"])}
    for i in [i for i, d in changes.items() if d is None and i not in placed]:
        del changes[i]
    return changes, what
