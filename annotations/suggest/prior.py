"""The cold-start prior: suggestions before the annotator's first label, from
the domain cues of features.py (no training, the same for everyone).

Each default label gets a score from the sentence's cues, and "none" a base
score; the scores go through a softmax (``TEMPERATURE``):

- every cue phrase of a class found in the sentence: +1 for that class
  (``cần``, ``phải``, ``tập trung``, ``đề nghị`` ... for task; ``đạt``, ``tăng``,
  ``hoàn thành`` ... for achievement; ``khó khăn``, ``hạn chế``, ``nguy cơ``,
  ``chưa`` ... for risk; the lists are ``features.CUES``);
- a sentence that opens with a task cue (``Tăng cường ...``, ``Tiếp tục ...``,
  ``Hai là, ...``): +2 task (reports state tasks as bare imperatives);
- the section it sits under (``Nhiệm vụ trọng tâm thời gian tới``: task;
  ``Hạn chế, khó khăn``: risk; ``Kết quả công tác nổi bật``: achievement): +2;
- a negation of a result (``chưa``, ``không đạt``) moves the result cues to risk;
- "none": ``NONE_BASE``, +4 for a heading (headings frame sentences, they are
  not decisions); a sentence with no cue at all is "none".

Labels a config adds beyond the three defaults have no cues: the prior never
suggests them (the learned model does, once they have examples).
"""
from __future__ import annotations

import math

from .features import CUES, SentenceView

PRIOR_LABELS = tuple(CUES)  # task, achievement, risk
NONE_BASE = 1.2  # above one cue: a sentence with a single weak cue stays none
TEMPERATURE = 1.0
_OPENERS = frozenset(" ".join(p.split()) for p in CUES["task"]) | {"một là", "hai là"}
_OPENER_LENGTHS = sorted({len(p.split()) for p in _OPENERS})
_NEGATIONS = ("chưa", "không")


def prior_scores(v: SentenceView) -> dict[str | None, float]:
    """label (None for none) -> unnormalised score."""
    hits = v.cues
    scores: dict[str | None, float] = {lab: float(hits.get(lab, 0)) for lab in PRIOR_LABELS}
    s = v.sylls
    if any(" ".join(s[:n]) in _OPENERS for n in _OPENER_LENGTHS):
        scores["task"] += 2
    if v.section in scores:
        scores[v.section] += 2
    if any(n in s for n in _NEGATIONS) and hits.get("achievement"):
        scores["risk"] += hits["achievement"]
        scores["achievement"] = 0.0
    scores[None] = NONE_BASE + (4 if v.heading else 0)
    return scores


def prior_proba(v: SentenceView, labels: list[str]) -> dict[str | None, float]:
    """P(label) over ``labels`` plus None (a label without cues scores 0, like a
    cue class with no hit)."""
    raw = prior_scores(v)
    keys: list[str | None] = [*labels, None]
    vals = [raw.get(k, 0.0) / TEMPERATURE for k in keys]
    top = max(vals)
    exp = [math.exp(x - top) for x in vals]
    z = sum(exp)
    return {k: e / z for k, e in zip(keys, exp)}
