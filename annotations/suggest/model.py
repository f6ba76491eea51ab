"""The learned part: a multinomial naive Bayes classifier over feature bags,
in pure Python, so that it is exact and deterministic (the same labels give
the same model, bit for bit) and needs nothing `make run` does not have.

Why not underthesea_core's linear models: its ``LRTrainer`` (SGD) and
``TextClassifier``/``LinearSVC`` shuffle with an unseeded random generator, so
two fits on the same labels differ (by up to 4e-3 in probability here), and
``TextClassifier`` gives only the best label's score while the teach queue
needs the margin between the two best; a full-batch ``LRTrainer`` repeats
itself but needs hundreds of passes (over 300 ms at 5,000 labels) and was no
better on the seeds' leave-one-report-out figure (a full-batch softmax
regression in numpy, AdaGrad, 100 passes, was worse too: macro-F1 0.66
against naive Bayes' 0.74). Naive Bayes fits in one counting pass
(``Counter.update``, in C), far below the 200 ms target.

Scores: log P(c) + the sum over the sentence's known features of
log P(f | c) (Laplace smoothing ``ALPHA``), divided by the square root of the
number of known features before the softmax, so that a long sentence is not
absurdly sure of itself. A report's sentences are scored together with numpy
(one look-up per feature, then array sums): a 300-sentence report is some
20,000 features. Every class of ``classes`` is in the model, with
add-one on the class counts, so a label without examples yet is merely unlikely.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import chain, repeat

import numpy as np

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
    def __init__(self, classes: list[str], logprior: np.ndarray, index: dict[str, int],
                 matrix: np.ndarray):
        self.classes = classes
        self.logprior = logprior  # log P(c)
        self.index = index  # feature -> its row of ``matrix``
        self.matrix = matrix  # log P(f | c); the last row (zeros) stands for an unknown feature

    @classmethod
    def fit(cls, bags: Sequence[Iterable[str]], labels: Sequence[str], classes: list[str]) -> NaiveBayes:
        counts = Counts(classes)
        for bag, lab in zip(bags, labels):
            counts.add(bag, lab)
        return cls.from_counts(counts)

    @classmethod
    def from_counts(cls, counts: Counts) -> NaiveBayes:
        """The model of these counts (integers: the same counts, the same model;
        the rows' order follows the set's, which changes nothing computed)."""
        classes, docs, counts = counts.classes, counts.docs, counts.features
        vocab = list(set().union(*counts))
        n = sum(docs)
        k = np.zeros((len(vocab) + 1, len(classes)))
        for c, cnt in enumerate(counts):
            k[:-1, c] = np.fromiter(map(cnt.get, vocab, repeat(0)), float, len(vocab))
        # log P(f | c) = log(count + ALPHA) - log(all counts of c + ALPHA * |vocabulary|)
        matrix = np.log(k + ALPHA) - np.log(k.sum(axis=0) + ALPHA * max(len(vocab), 1))
        matrix[-1] = 0.0
        logprior = np.log((np.asarray(docs, float) + 1) / (n + len(classes)))
        return cls(list(classes), logprior, dict(zip(vocab, range(len(vocab)))), matrix)

    def proba_many(self, bags: Sequence[Sequence[str]]) -> np.ndarray:
        """P(class) of each bag: an array (bags x classes), in ``classes`` order."""
        unknown = len(self.index)
        lengths = np.fromiter(map(len, bags), np.intp, len(bags))
        flat = list(chain.from_iterable(bags))
        rows = np.fromiter(map(self.index.get, flat, repeat(unknown)), np.intp, len(flat))
        bag_of = np.repeat(np.arange(len(bags)), lengths)
        sums = np.stack([np.bincount(bag_of, weights=col, minlength=len(bags))
                         for col in self.matrix[rows].T], axis=1)
        known = np.bincount(bag_of, weights=rows != unknown, minlength=len(bags))
        scores = sums + self.logprior
        t = np.where(known > 1, np.sqrt(known), 1.0)[:, None]
        exp = np.exp((scores - scores.max(axis=1, keepdims=True)) / t)
        return exp / exp.sum(axis=1, keepdims=True)
