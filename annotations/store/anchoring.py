"""Passages -> sentence ranges, and re-anchoring after a report's text changed.

Rule (decided for issue 3): an annotation moves to its passage text when that
text occurs exactly once in the new canonical text (offsets and sentence range
updated from the new analysis). Found nowhere, or more than once: it keeps its
old offsets and is flagged ``orphaned`` -- shown and exported with the flag,
never pointed at other text. An orphan is tried again on every later change,
so a text restored by a re-import brings it back.
"""
from __future__ import annotations

from collections.abc import Sequence

from .records import passage_key, sentence_range


def occurrences(text: str, needle: str, limit: int = 2) -> list[int]:
    """Start offsets of ``needle`` in ``text`` (overlaps included), at most ``limit``."""
    found: list[int] = []
    if not needle:
        return found
    i = text.find(needle)
    while i != -1 and len(found) < limit:
        found.append(i)
        i = text.find(needle, i + 1)
    return found


def reanchor_docs(docs: list[dict], new_text: str, sentences: Sequence[tuple[int, int]],
                  new_sha: str, now: str) -> tuple[list[dict], dict[str, int]]:
    """New versions of annotation documents for a changed text, plus counts
    {"kept", "moved", "orphaned"}. The passage rule (``records.passage_key``)
    holds: when two annotations land on the same passage, the later one is orphaned."""
    out: list[dict] = []
    stats = {"kept": 0, "moved": 0, "orphaned": 0}
    taken: set[tuple] = set()  # passage keys already placed
    for doc in sorted(docs, key=lambda d: (d["created_at"], d["id"])):
        hits = occurrences(new_text, doc["text"])
        placed = None
        if len(hits) == 1:
            start, end = hits[0], hits[0] + len(doc["text"])
            s0, s1 = sentence_range(sentences, start, end)
            placed = {**doc, "start": start, "end": end, "sentence_start": s0,
                      "sentence_end": s1, "report_sha256": new_sha, "orphaned": False}
        if placed is not None and passage_key(placed) not in taken:
            taken.add(passage_key(placed))
            new = placed
            moved = (start, end) != (doc["start"], doc["end"]) or doc["orphaned"]
            stats["moved" if moved else "kept"] += 1
        else:
            new = {**doc, "orphaned": True}
            stats["orphaned"] += 1
        if new != doc:
            new["updated_at"] = now
        out.append(new)
    return out, stats
