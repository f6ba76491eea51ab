"""The learned part: a multinomial naive Bayes classifier over feature bags,
in pure Python, so that it is exact and deterministic (the same labels give
the same model, bit for bit) and needs nothing `make run` does not have.

Why not underthesea_core's linear models: its ``LRTrainer`` (SGD) and
``TextClassifier``/``LinearSVC`` shuffle with an unseeded random generator, so
two fits on the same labels differ (by up to 4e-3 in probability here), and
``TextClassifier`` gives only the best label's score while the teach queue
needs the margin between the two best; a full-batch ``LRTrainer`` repeats
itself but needs hundreds of passes (over 300 ms at 5,000 labels) and was no
better on the seeds' leave-one-report-out figure. Naive Bayes fits in one
counting pass (``Counter.update``, in C), far below the 200 ms target.

Scores: log P(c) + the sum over the sentence's known features of
log P(f | c) (Laplace smoothing ``ALPHA``), divided by the square root of the
number of known features before the softmax, so that a long sentence is not
absurdly sure of itself. Every class of ``classes`` is in the model, with
add-one on the class counts, so a label without examples yet is merely unlikely.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import repeat

ALPHA = 0.1  # smoothing of feature counts (best of 0.1/0.5/1 on the seeds)


class Counts:
    """Documents and feature counts per class: what a fit counts, kept so that a
    retrain after a few new labels adds (or takes away) only their bags."""

    def __init__(self, classes: list[str]):
        self.classes = list(classes)
        self._idx = {c: i for i, c in enumerate(classes)}
        self.docs = [0] * len(classes)
        self.features = [Counter() for _ in classes]

    def add(self, bag: Iterable[str], label: str, sign: int = 1) -> None:
        c = self._idx[label]
        self.docs[c] += sign
        cnt = self.features[c]
        if sign > 0:
            cnt.update(bag)
        else:
            cnt.subtract(bag)
            for f in bag:
                if cnt[f] <= 0:
                    del cnt[f]

    def to_dict(self) -> dict:
        return {"docs": self.docs, "features": self.features}

    @classmethod
    def from_dict(cls, classes: list[str], d: dict) -> Counts:
        out = cls(classes)
        if len(d["docs"]) != len(classes) or len(d["features"]) != len(classes):
            raise ValueError("counts of another label set")
        out.docs = [int(x) for x in d["docs"]]
        out.features = [Counter({str(f): int(k) for f, k in x.items()}) for x in d["features"]]
        return out


class NaiveBayes:
    def __init__(self, classes: list[str], logprior: list[float], default: list[float],
                 loglik: list[dict[str, float]]):
        self.classes = classes
        self.logprior = logprior
        self.default = default  # log P(f | c) of a known feature never seen with c
        self.loglik = loglik  # per class: feature -> log P(f | c)
        vocab = list(set().union(*loglik))
        # feature -> log P(f | c) of every class: one look-up per feature when scoring
        # (built, and used, by map/zip/sum: C loops, not Python ones)
        self.table = dict(zip(vocab, zip(*[map(ll.get, vocab, repeat(d))
                                           for ll, d in zip(loglik, default)])))

    @classmethod
    def fit(cls, bags: Sequence[Iterable[str]], labels: Sequence[str], classes: list[str]) -> NaiveBayes:
        counts = Counts(classes)
        for bag, lab in zip(bags, labels):
            counts.add(bag, lab)
        return cls.from_counts(counts)

    @classmethod
    def from_counts(cls, counts: Counts) -> NaiveBayes:
        """The model of these counts (integers: the same counts, the same model)."""
        classes, docs, counts = counts.classes, counts.docs, counts.features
        vocab = len(set().union(*counts))
        n = sum(docs)
        logprior = [math.log((d + 1) / (n + len(classes))) for d in docs]
        denom = [math.log(sum(cnt.values()) + ALPHA * max(vocab, 1)) for cnt in counts]
        default = [math.log(ALPHA) - d for d in denom]
        loglik = [{f: math.log(k + ALPHA) - d for f, k in cnt.items()} for cnt, d in zip(counts, denom)]
        return cls(list(classes), logprior, default, loglik)

    def proba(self, bag: Iterable[str]) -> list[float]:
        """P(class) for each of ``classes``, in that order."""
        rows = list(filter(None, map(self.table.get, bag)))
        scores = [p + s for p, s in zip(self.logprior, map(sum, zip(*rows)))] if rows \
            else list(self.logprior)
        t = math.sqrt(len(rows)) if len(rows) > 1 else 1.0
        top = max(scores)
        exp = [math.exp((s - top) / t) for s in scores]
        z = sum(exp)
        return [e / z for e in exp]

