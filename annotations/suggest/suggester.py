"""One annotator's suggestion model over a home: training data, the model
file, suggestions, the teach queue, quality and outcomes (see the package
docstring for the API and the rules)."""
from __future__ import annotations

import hashlib
import os
import random
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
import orjson

from ..corpus.library import Library
from ..errors import LibraryError
from ..fsutil import atomic_write_bytes, read_regular
from ..home import Home
from ..models import TAGGABLE_KINDS, Analysis
from ..store import AnnotationStore, shard_name
from ..store.labels import load_config
from ..text.sanitize import single_line
from .features import sentence_features, views
from .model import Counts, NaiveBayes
from .prior import prior_proba

FORMAT = 3  # of the model file and the features: another value is rebuilt
NONE = ""  # the "none" class inside the model
PRIOR_WEIGHT = 2.0  # beta = PRIOR_WEIGHT * PRIOR_HALF / (PRIOR_HALF + labels)
PRIOR_HALF = 150
PARAGRAPH_WEIGHT = 2.0  # lambda: how much a paragraph's other sentences count (see the package docstring)
WINDOW_SENTENCES = 120  # the teach queue scores whole reports until it has this many
WINDOW_TAKE = 8  # questions asked per window (its smallest margins)
REPORTS_CACHED = 64  # reports whose features are kept in memory
WARM_REPORTS = 200  # warm(): the reports imported last, whose features files it writes ahead
FOLDS = 5


@dataclass(frozen=True, slots=True)
class Suggestion:
    sentence: int  # index into the analysis' sentences
    start: int
    end: int
    label: str | None  # None: "none of the labels"
    score: float  # probability of ``label``
    margin: float  # its probability minus the runner-up's


@dataclass(frozen=True, slots=True)
class QueueItem:
    report_id: str
    title: str
    date: str | None
    sentence: int
    paragraph: int
    start: int
    end: int
    label: str | None
    score: float
    margin: float
    model_version: str | None  # None: the cold-start prior


@dataclass(frozen=True, slots=True)
class Quality:
    macro_f1: float  # over the classes in the annotator's labels (none included)
    per_label: dict[str | None, float]  # label (None: none) -> F1
    labels: int  # labelled sentences (none decisions included)
    reports: int
    folds: int


@dataclass(frozen=True, slots=True)
class Outcomes:
    accepted: int  # decisions whose source is "suggestion"
    overridden: int  # manual decisions that carry the model_version of a suggestion shown


@dataclass(slots=True)
class _Report:
    sha: str
    bags: list[list[str]]
    logprior: np.ndarray  # per body sentence: log of the prior's P(class), in ``classes`` order
    body: list[int]
    runs: tuple[np.ndarray, np.ndarray]  # each paragraph's first position in ``body``, and size
    spans: list[tuple[int, int]]  # per sentence: start, end
    paragraphs: list[int]  # per sentence: its paragraph


def _seed(annotator: str) -> int:
    return int.from_bytes(hashlib.sha256(annotator.encode()).digest()[:8], "big")


class Suggester:
    """``Suggester(home, annotator)``: not thread-safe; use one from one worker."""

    def __init__(self, home: Home | str | os.PathLike, annotator: str | None = None):
        self.home = Home.of(home)
        self.annotator = single_line(self.home.annotator(annotator)) or "unknown"
        self.labels = [lab.name for lab in load_config(self.home).labels]
        self.classes = sorted([*self.labels, NONE])
        self.library = Library(self.home)
        self._shards_dir = str(self.home.shards_dir)
        self._shas: dict[str, str] = {}  # report id -> text sha, as of the last examples()
        self._reports: OrderedDict[str, _Report] = OrderedDict()
        self._bodies: dict[str, list[int]] = {}  # text sha -> body sentences
        self._bags: dict[tuple[str, int], list[str]] = {}  # (text sha, sentence) -> features
        self._decisions: dict[str, tuple[tuple, dict[int, str]]] = {}  # rid -> (shard sig, decisions)
        self._store: AnnotationStore | None = None
        self._model: NaiveBayes | None = None
        self._version: str | None = None
        self._n = 0
        self._quality: Quality | None = None
        self._examples: list[tuple[str, int, str]] = []  # (report id, sentence, class)
        self._warm: list[tuple[str, str]] | None = None  # (id, sha) left for warm()
        self._pruned = False  # warm() has pruned the features files this session
        self._unsaved: dict[str, _Report] = {}  # text sha -> features suggest() computed
        self._counts = Counts(self.classes)  # of the examples in _counted
        self._counted: dict[tuple[str, int, str], str] = {}  # (sha, sentence, class) -> report id
        self._load()
        self._queue = _Queue(self)

    # ------------------------------------------------------------ plumbing
    @property
    def path(self):
        slug = hashlib.sha256(self.annotator.encode()).hexdigest()[:16]
        return self.home.analysis_dir.parent / "suggest" / f"{slug}.json"

    @property
    def version(self) -> str | None:
        """The model version (None: no labels yet, the prior alone)."""
        return self._version

    @property
    def labelled(self) -> int:
        """How many sentences the model learnt from (as of the last ``train``)."""
        return self._n

    def store(self) -> AnnotationStore | None:
        """A read-only store (it follows the writer's changes), or None without one."""
        if self._store is None and self.home.has_store:
            self._store = AnnotationStore(self.home, annotator=self.annotator, readonly=True)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self) -> Suggester:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _report(self, rid: str, *, keep: bool = False) -> _Report:
        """A library report's features: from memory, else from the features file
        of its text, else computed (from the cached analysis read as lists: no
        object per token) and, with ``keep``, left for ``warm`` to write to that
        file (not while the caller waits)."""
        meta = self.library.get(rid)
        hit = self._reports.get(rid)
        if hit is not None and hit.sha == meta.sha256:
            self._reports.move_to_end(rid)
            return hit
        rep = self._load_features(meta.sha256)
        if rep is None:
            rep = self._compute(rid, meta.sha256)
            if keep:
                self._unsaved[rep.sha] = rep
        self._reports[rid] = rep
        if len(self._reports) > REPORTS_CACHED:
            self._reports.popitem(last=False)
        return rep

    def _compute(self, rid: str, sha: str) -> _Report:
        text = self.library.text(rid)
        try:
            return self._features(text, self.library.cached_analysis_dict(sha), sha)
        except (TypeError, KeyError, IndexError, ValueError):  # no cache entry, or not shaped as one
            return self._features(text, self.library.open(rid).analysis.to_dict(), sha)

    def warm(self) -> bool:
        """Write one features file: of a report ``suggest`` computed, else of the
        next of the ``WARM_REPORTS`` reports imported last that has none, so
        that opening it later finds its features ready (the model's process
        calls this while no request waits); False when none is left for this
        session."""
        if self._unsaved:
            self._save_features(self._unsaved.pop(next(iter(self._unsaved))))
            return True
        if self._warm is None:
            rows = self.library.listing("id", "sha256", "imported_at")[::-1]
            rows.sort(key=lambda r: r[2] or "", reverse=True)  # a tie: the end of the library's order first
            self._warm = [r[:2] for r in rows[:WARM_REPORTS]]
        while self._warm:
            rid, sha = self._warm.pop(0)
            if self._features_path(sha).exists():
                continue
            try:
                self._save_features(self._compute(rid, self.library.get(rid).sha256))
            except LibraryError:
                continue  # gone or unreadable: nothing to prepare
            return True
        if not self._pruned:
            self._pruned = True
            self._prune_features()
        return False

    def _prune_features(self) -> None:
        """Delete the features files of texts no report has any more (a report
        re-imported with a changed text) and of other formats: the cache would
        otherwise only grow. Once per session, when warm() has nothing left."""
        try:
            current = {sha for (sha,) in self.library.listing("sha256")}
            with os.scandir(self._features_path("x").parent) as entries:
                for entry in entries:
                    sha, _, fmt = entry.name.removesuffix(".json").rpartition("-")
                    ours = entry.name.endswith(".json") and len(sha) == 64  # not a write's temp file
                    if ours and (sha not in current or fmt != str(FORMAT)):
                        os.unlink(entry.path)
        except (OSError, LibraryError):
            pass  # a cache: pruned another time

    def _features(self, text: str, analysis: dict, sha: str) -> _Report:
        """Features and prior of every sentence (neither depends on the model);
        ``analysis`` in its ``to_dict()`` form."""
        vs = views(text, analysis)
        sentences = analysis["sentences"]
        body_par = [k in TAGGABLE_KINDS for k in (p[2] if len(p) > 2 else "body"
                                                  for p in analysis["paragraphs"])]
        body = [i for i, st in enumerate(sentences) if body_par[st[2]]]
        priors = []
        for i in body:
            p = prior_proba(vs[i], self.labels)
            priors.append([p[c or None] for c in self.classes])
        return self._made(sha, [sentence_features(v) for v in vs], np.log(np.array(priors, float)),
                          body, [(st[0], st[1]) for st in sentences], [st[2] for st in sentences])

    def _made(self, sha: str, bags: list[list[str]], logprior: np.ndarray, body: list[int],
              spans: list[tuple[int, int]], paragraphs: list[int]) -> _Report:
        starts = [k for k in range(len(body))
                  if k == 0 or paragraphs[body[k]] != paragraphs[body[k - 1]]]
        return _Report(sha, bags, logprior.reshape(len(body), len(self.classes)), body,
                       (np.array(starts, np.intp), np.diff(starts + [len(body)])), spans, paragraphs)

    def _features_path(self, sha: str):
        return self.path.parent / "features" / f"{sha}-{FORMAT}.json"

    def _save_features(self, rep: _Report) -> None:
        doc = {"format": FORMAT, "sha": rep.sha, "classes": self.classes, "bags": rep.bags,
               "logprior": rep.logprior.tolist(), "body": rep.body, "spans": rep.spans,
               "paragraphs": rep.paragraphs}
        try:
            path = self._features_path(rep.sha)
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(path, orjson.dumps(doc), durable=False)
        except OSError:
            pass  # a cache: computed again next time

    def _load_features(self, sha: str) -> _Report | None:
        """The features file of a text (None: missing, unreadable, or of another
        format, text or label set)."""
        try:
            doc = orjson.loads(read_regular(self._features_path(sha))[0])
            if doc["format"] != FORMAT or doc["sha"] != sha or doc["classes"] != self.classes:
                return None
            n, body = len(doc["spans"]), doc["body"]
            if (len(doc["bags"]) != n or len(doc["paragraphs"]) != n or len(doc["logprior"]) != len(body)
                    or any(not 0 <= i < n for i in body)
                    or not all(isinstance(b, list) for b in doc["bags"])):
                return None
            return self._made(sha, doc["bags"], np.array(doc["logprior"], float), body,
                              [tuple(x) for x in doc["spans"]], doc["paragraphs"])
        except (OSError, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            return None

    def _body(self, rid: str, sha: str) -> list[int]:
        """Body sentences of a report, from its cached analysis read as raw JSON
        (no features computed: a current model file then costs no feature work)."""
        hit = self._bodies.get(sha)
        if hit is None:
            raw = self.library.cached_analysis_dict(sha)
            try:
                body = [k in TAGGABLE_KINDS for k in (p[2] if len(p) > 2 else "body"
                                                      for p in raw["paragraphs"])]
                hit = [i for i, s in enumerate(raw["sentences"]) if body[s[2]]]
            except (TypeError, KeyError, IndexError):  # no cache entry, or not shaped as one
                hit = self._report(rid).body
            self._bodies[sha] = hit
        return hit

    def _sha(self, rid: str) -> str:
        sha = self._shas.get(rid)
        return sha if sha is not None else self.library.get(rid).sha256

    def _bag(self, rid: str, i: int) -> list[str]:
        """A sentence's features; those of the training sentences are kept apart
        from the report cache, so a retrain never recomputes them."""
        key = (self._sha(rid), i)
        hit = self._bags.get(key)
        if hit is None:
            hit = self._bags[key] = self._report(rid).bags[i]
        return hit

    def _decided(self, rid: str, sha: str) -> dict[int, str]:
        """sentence -> class of this annotator's decisions on the report's current
        text, re-read only when the report's shard changed (one stat)."""
        store = self.store()
        if store is None:
            return {}
        try:
            st = os.stat(os.path.join(self._shards_dir, shard_name(rid)))
            sig = (st.st_ino, st.st_size, st.st_mtime_ns, sha)
        except OSError:
            return {}
        hit = self._decisions.get(rid)
        if hit is not None and hit[0] == sig:
            return hit[1]
        out: dict[int, str] = {}
        for d in store.documents(rid):
            if (d["annotator"] == self.annotator and d["decided"] and not d["orphaned"]
                    and d["report_sha256"] == sha):
                for i in range(d["sentence_start"], d["sentence_end"] + 1):
                    out[i] = d["label"] or NONE
        self._decisions[rid] = (sig, out)
        return out

    # ------------------------------------------------------------ training data
    def examples(self) -> list[tuple[str, int, str]]:
        """(report id, sentence, class) of every body sentence this annotator
        decided (a label, or none), plus the undecided body sentences of the
        reports they marked done (none); by report id. Only the reports the
        summary says they worked on are looked at, whatever the library's size."""
        self.library.reload()
        store = self.store()
        if store is None:
            return []
        out = []
        shas: dict[str, str] = {}
        for rid, p in sorted(store.progress().items()):
            if not (p["tagged"] or p["none"] or p["done"]):
                continue
            try:
                sha = shas[rid] = self.library.get(rid).sha256
                body = self._body(rid, sha)
            except LibraryError:
                continue  # gone from the library, or unreadable: nothing to learn from it
            decided = self._decided(rid, sha)
            for i in body:
                cls = decided.get(i, NONE if p["done"] else None)
                if cls is not None and (cls == NONE or cls in self.labels):
                    out.append((rid, i, cls))
        self._shas = shas
        return out

    def _version_of(self, examples: list[tuple[str, int, str]]) -> str:
        h = hashlib.sha256(orjson.dumps([FORMAT, self.classes, [
            (self._sha(rid), i, c) for rid, i, c in examples]]))
        return "m" + h.hexdigest()[:12]

    def train(self) -> str | None:
        """Fit on every label and none decision; returns the model version
        (None without any). The same labels give the same version and model,
        which is then read from the cache instead of fitted again."""
        examples = self.examples()
        if not examples:
            self._model, self._version, self._n, self._examples = None, None, 0, []
            return None
        version = self._version_of(examples)
        self._examples, self._n = examples, len(examples)
        if version == self._version and self._model is not None:
            return version  # unchanged labels, or the model file of these labels
        self._model = self._refit(examples)
        self._version, self._quality = version, None
        used = {(self._sha(r), i) for r, i, _ in examples}
        self._bags = {k: v for k, v in self._bags.items() if k in used}
        self._save()
        return version

    def _refit(self, examples: list[tuple[str, int, str]]) -> NaiveBayes:
        """The model of ``examples``, counting only what changed since the last
        one (the counts are integers, so this is the model a fresh fit makes)."""
        now = {(self._sha(r), i, c): r for r, i, c in examples}
        old = self._counted
        gone = []
        for key in sorted(old.keys() - now.keys()):
            bag = self._bags.get(key[:2])
            try:
                if bag is None and self._sha(old[key]) == key[0]:
                    bag = self._bag(old[key], key[1])
            except LibraryError:
                bag = None
            if bag is None:  # its text changed or is gone: count everything again
                self._counts, old, gone = Counts(self.classes), {}, []
                break
            gone.append((bag, key[2]))
        for bag, cls in gone:
            self._counts.add(bag, cls, -1)
        for key in sorted(now.keys() - old.keys()):
            self._counts.add(self._bag(now[key], key[1]), key[2])
        self._counted = now
        return NaiveBayes.from_counts(self._counts)

    def _fit(self, examples: list[tuple[str, int, str]]) -> NaiveBayes:
        return NaiveBayes.fit([self._bag(r, i) for r, i, _ in examples],
                              [c for _, _, c in examples], self.classes)

    def evaluate(self, train: list[tuple[str, int, str]],
                 test: list[tuple[str, int]]) -> list[Suggestion]:
        """Suggestions for ``test`` (report id, sentence) by a model fitted on
        ``train`` (report id, sentence, class; "" for none), made as ``suggest``
        makes them; ``train`` empty: the prior alone. For quality figures."""
        model = self._fit(train) if train else None
        scored: dict[str, dict[int, Suggestion]] = {}
        for r in dict.fromkeys(r for r, _ in test):
            scored[r] = {g.sentence: g for g in self._scored(self._report(r), model, len(train))}
        return [scored[r][i] for r, i in test]

    def _save(self) -> None:
        doc = {"format": FORMAT, "annotator": self.annotator, "version": self._version,
               "classes": self.classes, "labels": self._n, "counts": self._counts.to_dict(),
               "counted": sorted([*k, rid] for k, rid in self._counted.items()),
               "quality": _quality_doc(self._quality)}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(self.path, orjson.dumps(doc), durable=False)
        except OSError:
            pass  # a cache: a read-only home fits again next time

    def _load(self) -> None:
        try:
            doc = orjson.loads(read_regular(self.path)[0])
            if (doc["format"] != FORMAT or doc["annotator"] != self.annotator
                    or doc["classes"] != self.classes):
                return
            counts = Counts.from_dict(self.classes, doc["counts"])
            counted = {(sha, int(i), c): rid for sha, i, c, rid in doc["counted"]}
            self._model = NaiveBayes.from_counts(counts)
            self._counts, self._counted = counts, counted
            self._version, self._n = doc["version"], int(doc["labels"])
            self._quality = _quality_from(doc.get("quality"))
        except (OSError, orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
            self._model, self._version, self._n = None, None, 0  # rebuilt by train()
            self._counts, self._counted = Counts(self.classes), {}

    # ------------------------------------------------------------ suggesting
    def _probas(self, rep: _Report, model: NaiveBayes | None, n: int) -> np.ndarray:
        """P(class) of each body sentence (body x classes, in ``classes`` order):
        the prior alone without labels, else the model and the prior multiplied,
        the prior raised to beta; then pooled over the paragraph (see the
        package docstring)."""
        logs = rep.logprior
        if model is not None:
            beta = PRIOR_WEIGHT * PRIOR_HALF / (PRIOR_HALF + n)
            logs = np.log(model.proba_many([rep.bags[i] for i in rep.body])) + beta * logs
        starts, sizes = rep.runs
        weight = np.repeat(PARAGRAPH_WEIGHT / np.maximum(sizes - 1, 1) * (sizes > 1), sizes)
        totals = np.repeat(np.add.reduceat(logs, starts, axis=0), sizes, axis=0)
        logs = logs + weight[:, None] * (totals - logs)
        exp = np.exp(logs - logs.max(axis=1, keepdims=True))
        return exp / exp.sum(axis=1, keepdims=True)

    def _scored(self, rep: _Report, model: NaiveBayes | None, n: int) -> list[Suggestion]:
        """A suggestion for every body sentence of the report."""
        if not rep.body:
            return []
        probs = self._probas(rep, model, n)
        best = probs.argmax(axis=1)  # the first of a tie: none (""), then alphabetical
        top = probs[np.arange(len(best)), best]
        margin = top - np.sort(probs, axis=1)[:, -2]
        return [Suggestion(i, *rep.spans[i], self.classes[b] or None, round(p, 6), round(m, 6))
                for i, b, p, m in zip(rep.body, best.tolist(), top.tolist(), margin.tolist())]

    def suggest(self, report_id: str, *, undecided_only: bool = True) -> list[Suggestion]:
        """A suggestion per body sentence of a library report: those this
        annotator has not decided (``undecided_only``), or all of them."""
        self.library.reload()
        rep = self._report(report_id, keep=True)
        decided = self._decided(report_id, rep.sha) if undecided_only else {}
        return [g for g in self._scored(rep, self._model, self._n) if g.sentence not in decided]

    def suggest_text(self, text: str, analysis: Analysis) -> list[Suggestion]:
        """Suggestions for every body sentence of a text outside the library."""
        rep = self._features(text, analysis.to_dict(), "")
        return self._scored(rep, self._model, self._n)

    # ------------------------------------------------------------ teach queue
    def queue(self, limit: int = 10) -> list[QueueItem]:
        """The next ``limit`` questions of the teach queue (smallest margin
        first, see the package docstring); empty when the library is exhausted."""
        return self._queue.next(limit)

    def skip(self, item: QueueItem) -> None:
        """Leave this sentence out of the queue for this session."""
        self._queue.skipped.add((item.report_id, item.sentence))

    def prefetch(self) -> None:
        """Score the next window now (call it in the worker after an answer)."""
        self._queue.prefetch()

    # ------------------------------------------------------------ figures
    def quality(self) -> Quality | None:
        """Cross-validated figures on this annotator's own labels: the reports
        in ``FOLDS`` groups (round robin by report id; sentences, when
        all labels are in one report), each group suggested by a model trained
        on the others, exactly as suggestions are made. None below 10 labels
        or with a single class."""
        self.train()
        if self._quality is not None:
            return self._quality
        ex = self._examples
        if len(ex) < 10 or len({c for _, _, c in ex}) < 2:
            return None
        reports = list(dict.fromkeys(r for r, _, _ in ex))
        if len(reports) > 1:
            group = {r: k % FOLDS for k, r in enumerate(reports)}
            fold = [group[r] for r, _, _ in ex]
        else:
            fold = [k % FOLDS for k in range(len(ex))]
        pairs = []
        for f in sorted(set(fold)):
            train = [e for e, g in zip(ex, fold) if g != f]
            test = [e for e, g in zip(ex, fold) if g == f]
            got = self.evaluate(train, [(r, i) for r, i, _ in test])
            pairs += [(c, s.label or NONE) for (_, _, c), s in zip(test, got)]
        per = {(c or None): _f1(pairs, c) for c in sorted({y for y, _ in pairs})}
        self._quality = Quality(round(sum(per.values()) / len(per), 4), per, len(ex), len(reports),
                                len(set(fold)))
        self._save()
        return self._quality

    def outcomes(self) -> Outcomes:
        """Accepted and overridden suggestions among this annotator's decisions."""
        store = self.store()
        accepted = overridden = 0
        if store is not None:
            for rid in store.progress():
                for d in store.documents(rid):
                    if d["annotator"] != self.annotator or not d["decided"]:
                        continue
                    if d["source"] == "suggestion":
                        accepted += 1
                    elif d["source"] == "manual" and d["model_version"]:
                        overridden += 1
        return Outcomes(accepted, overridden)


def _f1(pairs: list[tuple[str, str]], c: str) -> float:
    tp = sum(1 for y, p in pairs if y == c and p == c)
    wrong = sum(1 for y, p in pairs if (y == c) != (p == c))
    return round(2 * tp / (2 * tp + wrong), 4) if tp else 0.0


def _quality_doc(q: Quality | None) -> dict | None:
    if q is None:
        return None
    return {"macro_f1": q.macro_f1, "per_label": [[k, v] for k, v in q.per_label.items()],
            "labels": q.labels, "reports": q.reports, "folds": q.folds}


def _quality_from(d: dict | None) -> Quality | None:
    if not d:
        return None
    return Quality(d["macro_f1"], {k: v for k, v in d["per_label"]}, d["labels"], d["reports"],
                   d["folds"])


class _Queue:
    """The teach queue's windows: reports in a seeded shuffled order, scored
    ``WINDOW_SENTENCES`` at a time; each window asks its ``WINDOW_TAKE`` smallest
    margins; a window scored by an older model is scored again before use."""

    def __init__(self, owner: Suggester):
        self.owner = owner
        self.order: list[str] | None = None
        self.at = 0  # next report of ``order`` to score
        self.window: list[QueueItem] = []
        self.window_version: str | None = None
        self.asked = 0  # questions given from this window
        self.ahead: tuple[list[QueueItem], str | None, int] | None = None  # a prefetched window
        self.found = False  # this pass over the library found a question
        self.skipped: set[tuple[str, int]] = set()
        self.given: set[tuple[str, int]] = set()  # asked this session: never again
        self.done: set[str] = set()  # reports the annotator marked done (when the window began)

    def _order(self) -> list[str]:
        if self.order is None:
            s = self.owner
            s.library.reload()
            ids = [m.id for m in s.library.reports()]
            random.Random(_seed(s.annotator)).shuffle(ids)
            self.order = ids
        return self.order

    def _score(self, rids: list[str]) -> list[QueueItem]:
        s = self.owner
        items = []
        for rid in rids:
            if rid in self.done:
                continue
            try:
                rep = s._report(rid)
            except LibraryError:
                continue
            meta = s.library.get(rid)
            decided = s._decided(rid, rep.sha)
            for g in s._scored(rep, s._model, s._n):
                i = g.sentence
                if i in decided or (rid, i) in self.skipped or (rid, i) in self.given:
                    continue
                items.append(QueueItem(rid, meta.title, meta.date, i,
                                       rep.paragraphs[i], g.start, g.end,
                                       g.label, g.score, g.margin, s.version))
        items.sort(key=lambda q: (q.margin, q.report_id, q.sentence))
        return items

    def _next_window(self) -> tuple[list[QueueItem], str | None, int]:
        order = self._order()
        store = self.owner.store()
        self.done = {rid for rid, p in (store.progress() if store else {}).items() if p["done"]}
        while True:
            if self.at >= len(order):  # a pass is over: another one asks what is left
                if not self.found:
                    return [], self.owner.version, 0
                self.at, self.found = 0, False
            items: list[QueueItem] = []
            while self.at < len(order) and len(items) < WINDOW_SENTENCES:
                items += self._score([order[self.at]])
                self.at += 1
            if items:
                self.found = True
                items.sort(key=lambda q: (q.margin, q.report_id, q.sentence))
                return items, self.owner.version, 0

    def prefetch(self) -> None:
        if self.ahead is None:
            self.ahead = self._next_window()

    def _open(self, item: QueueItem) -> bool:
        if (item.report_id, item.sentence) in self.skipped:
            return False
        s = self.owner
        return item.sentence not in s._decided(item.report_id, s._sha(item.report_id))

    def next(self, limit: int) -> list[QueueItem]:
        out: list[QueueItem] = []
        while len(out) < limit:
            if self.window and self.window_version != self.owner.version:
                self.window = self._score(list(dict.fromkeys(q.report_id for q in self.window)))
                self.window_version = self.owner.version
            self.window = [q for q in self.window if self._open(q)]
            if not self.window or self.asked >= WINDOW_TAKE:
                nxt, self.ahead = self.ahead or self._next_window(), None
                self.window, self.window_version, self.asked = nxt
                if not self.window:
                    break
                continue
            take = self.window[:min(limit - len(out), WINDOW_TAKE - self.asked)]
            self.given.update((q.report_id, q.sentence) for q in take)
            out += take
            self.asked += len(take)
            self.window = self.window[len(take):]
        return out
