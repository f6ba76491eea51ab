"""Agreement between annotators: which sentences are units, and the figures.

Units are the body sentences of reports that at least two of the chosen
annotators marked done. An annotator's value on a unit is the label of their
decision on that sentence; in a report they marked done, an explicit "none"
and an undecided sentence are both the value ``none`` (a passage over several
sentences gives its label to each). An annotator who did not mark a report
done is *missing* on its units, never "none".

Figures: Krippendorff's alpha (nominal, from the ``krippendorff`` package,
which handles missing values) over all labels and per label (that label
against the rest); per pair of annotators Cohen's kappa, observed agreement
and the confusion matrix; alpha per report. A figure that cannot be computed
(one annotator, no overlap, a single value in the data) is ``None`` with the
reason in ``notes``: never a division by zero.
"""
from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from .corpus.library import Library
from .errors import BaocaoError
from .models import TAGGABLE_KINDS, Analysis
from .store import AnnotationStore
from .store.decisions import normalise
from .store.records import GOLD  # adjudicated labels' annotator: never one of those compared

NONE = "none"  # the value of a "none of the labels" decision


def _sentences_only(cached: dict | None) -> Analysis | None:
    """Paragraphs and sentences of a cached analysis (tokens are not needed, so
    not converted); None when missing or malformed (then the report is opened)."""
    try:
        return Analysis.from_dict({**cached, "tokens": [], "entities": []}) if cached else None
    except (KeyError, TypeError, ValueError):
        return None


def report_sentences(library: Library, report_id: str, sha: str | None = None) -> Analysis:
    """A report's paragraphs and sentences: from the analysis cache without its
    tokens when it is there, else the report's full analysis. ``sha``: its text
    hash, if the caller has it (saves a catalogue read)."""
    sha = sha or library.get(report_id).sha256
    return _sentences_only(library.cached_analysis_dict(sha)) or library.open(report_id).analysis


Spans = tuple[tuple[int, int], ...]  # (start, end) of each sentence, in order


def _sentence_spans(library: Library, report_id: str, sha: str) -> tuple[Spans, list[int]]:
    """(sentence spans, body sentence indexes) of a report, straight from the raw
    analysis cache entry (no Analysis objects: a pass over every report only
    needs these); from ``report_sentences`` when the entry is missing or malformed."""
    cached = library.cached_analysis_dict(sha)
    try:
        body_par = [len(p) < 3 or p[2] in TAGGABLE_KINDS for p in cached["paragraphs"]]
        sents = cached["sentences"]
        if all(len(x) == 3 and type(x[0]) is int and type(x[1]) is int for x in sents):
            return (tuple((x[0], x[1]) for x in sents),
                    [i for i, x in enumerate(sents) if body_par[x[2]]])
    except (KeyError, TypeError, IndexError):
        pass
    analysis = report_sentences(library, report_id, sha)
    return tuple((x.start, x.end) for x in analysis.sentences), analysis.body_sentences()


class _LazyText:
    """A report's text, read only if an older multi-sentence passage must be
    split (``normalise`` slices it then): schema-3 documents never need it."""

    def __init__(self, library: Library, report_id: str):
        self.library, self.report_id, self.text = library, report_id, None

    def __getitem__(self, key):
        if self.text is None:
            self.text = self.library.text(self.report_id)
        return self.text[key]


@dataclass(frozen=True, slots=True)
class Unit:
    report_id: str
    sentence: int
    values: dict[str, str]  # annotator -> label or NONE; missing annotators are absent


def done_annotators(store: AnnotationStore, report_id: str,
                    annotators: Sequence[str] | None = None) -> list[str]:
    """The (chosen) annotators who marked the report done, sorted; never GOLD."""
    return [a for a, st in sorted(store.states(report_id).items()) if st.get("done")
            and a != GOLD and (annotators is None or a in annotators)]


def _value(d: dict | None, done: bool) -> str | None:
    """An annotator's value on a sentence: its label, NONE, or None (missing:
    undecided in a report not marked done)."""
    if d is not None and d["decided"]:
        return d["label"] or NONE
    return NONE if done else None


@dataclass
class Review:
    """Everything the review screen shows of one report: each annotator's value
    per body sentence (those who marked it done first), and the adjudications."""

    report_id: str
    annotators: list[str]  # done ones first (sorted), then the others with decisions
    done: list[str]
    body: list[int]  # body sentence indexes
    values: dict[int, dict[str, str]]  # sentence -> annotator -> label or NONE (missing: absent)
    gold: dict[int, dict]  # sentence -> its adjudication document (annotator GOLD)
    docs: dict[str, dict[int, dict]]  # annotator -> sentence -> their document on it

    def disagrees(self, i: int) -> bool:
        return len(set(self.values.get(i, {}).values())) > 1

    def agreed(self, i: int, value: str) -> list[str]:
        """The annotators whose value on sentence ``i`` is ``value``."""
        return sorted(a for a, v in self.values.get(i, {}).items() if v == value)

    def unanimous(self, i: int) -> str | None:
        """The value every done annotator (two or more) gave sentence ``i``, if they agree."""
        found = {self.values[i].get(a) for a in self.done}
        return found.pop() if len(self.done) >= 2 and len(found) == 1 else None

    def gold_value(self, i: int) -> str | None:
        d = self.gold.get(i)
        return _value(d, False) if d is not None else None


def _decisions(library: Library, report_id: str, annotators: Iterable[str], spans: Spans,
               docs: list[dict], sha: str) -> dict[str, dict[int, dict]]:
    """Each annotator's document per sentence of the report (``spans``: its sentences)."""
    text = _LazyText(library, report_id)
    chosen = set(annotators)
    mine: dict[str, list[dict]] = {a: [] for a in chosen}
    for d in docs:
        if d["annotator"] in chosen and not d["orphaned"]:
            mine[d["annotator"]].append(d)
    return {a: _one_per_sentence(ds, spans) or normalise(ds, a, spans, text, sha)
            for a, ds in mine.items()}


def _one_per_sentence(docs: list[dict], spans: Spans) -> dict[int, dict]:
    """sentence -> document when each document is exactly one current sentence and no
    two share one (what schema 3 writes); {} otherwise (``normalise`` splits them)."""
    per: dict[int, dict] = {}
    n = len(spans)
    for d in docs:
        i = d["sentence_start"]
        if i != d["sentence_end"] or not 0 <= i < n or spans[i] != (d["start"], d["end"]) \
                or i in per:
            return {}
        per[i] = d
    return per


def review(store: AnnotationStore, library: Library, report_id: str,
           analysis: Analysis | None = None) -> Review:
    """The Review of one report (``analysis``: the report's, if already open)."""
    done = done_annotators(store, report_id)
    docs = store.documents(report_id)
    others = sorted({d["annotator"] for d in docs if d["decided"]} - set(done) - {GOLD})
    sha = library.get(report_id).sha256
    analysis = analysis or report_sentences(library, report_id, sha)
    per = _decisions(library, report_id, [*done, *others, GOLD],
                     tuple((s.start, s.end) for s in analysis.sentences), docs, sha)
    body = analysis.body_sentences()
    values = {}
    for i in body:
        row = {}
        for a in (*done, *others):
            v = _value(per[a].get(i), a in done)
            if v is not None:
                row[a] = v
        values[i] = row
    gold = {i: d for i, d in per[GOLD].items() if d["decided"]}
    return Review(report_id, [*done, *others], done, body, values, gold, per)


def report_units(store: AnnotationStore, library: Library, report_id: str,
                 annotators: Sequence[str] | None = None, sha: str | None = None) -> list[Unit]:
    """The units of one report: its body sentences, with the value of every
    chosen annotator who marked it done; [] when fewer than two did."""
    done = done_annotators(store, report_id, annotators)
    if len(done) < 2:
        return []
    sha = sha or library.get(report_id).sha256
    spans, body = _sentence_spans(library, report_id, sha)
    per = _decisions(library, report_id, done, spans, store.documents(report_id), sha)
    return [Unit(report_id, i, {a: _value(per[a].get(i), True) for a in done}) for i in body]


def collect(store: AnnotationStore, library: Library, *, annotators: Sequence[str] | None = None,
            report_id: str | None = None) -> list[Unit]:
    """Every unit of the home (or of one report). The store's summary says who
    marked what done, so only reports two chosen annotators marked done are
    read (a report whose shard the summary could not read is read, and raises)."""
    if report_id:
        return report_units(store, library, report_id, annotators)
    summary = store.summary()

    def candidate(rid: str) -> bool:
        people = summary[rid]["people"] if rid in summary else None
        return people is None or sum(1 for a, p in people.items() if p["done"] and a != GOLD and (
            annotators is None or a in annotators)) >= 2

    shas = dict(library.listing("id", "sha256"))
    collecting = gc.isenabled()
    gc.disable()  # as export.write_jsonl: the pass makes acyclic containers by the million
    try:
        return [u for rid in store.report_ids() if rid in shas and candidate(rid)
                for u in report_units(store, library, rid, annotators, shas[rid])]
    finally:
        if collecting:
            gc.enable()


@dataclass
class Pair:
    a: str
    b: str
    units: int
    observed: float | None
    kappa: float | None
    confusion: dict[str, dict[str, int]]  # a's value -> b's value -> count

    def to_dict(self) -> dict:
        return {"annotators": [self.a, self.b], "units": self.units, "observed": self.observed,
                "kappa": self.kappa, "confusion": self.confusion}


@dataclass
class Agreement:
    annotators: list[str]
    units: int
    values: list[str]
    alpha: float | None
    per_label: dict[str, float | None]
    pairs: list[Pair]
    per_report: dict[str, float | None]
    annotators_per_unit: dict[int, int]  # how many annotators -> how many units
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"annotators": self.annotators, "units": self.units, "values": self.values,
                "alpha": self.alpha, "alpha_per_label": self.per_label,
                "pairs": [p.to_dict() for p in self.pairs], "alpha_per_report": self.per_report,
                "annotators_per_unit": {str(k): v for k, v in sorted(self.annotators_per_unit.items())},
                "notes": self.notes}


def alpha(units: Iterable[Unit], annotators: Sequence[str],
          binary: str | None = None, *, small: bool = False) -> tuple[float | None, str]:
    """Nominal Krippendorff's alpha and "" -- or None and why not. ``binary``:
    that label against every other value. The package gets the value counts
    per unit (units one annotator coded carry no information and are left out);
    ``small`` (one report's units: thousands of calls) computes the same figure
    in Python (``_nominal``), without the package's per-call cost."""
    if len(annotators) < 2:
        return None, "alpha needs two annotators"
    return _alpha_of(_coded(units, annotators), binary, small)


def _coded(units: Iterable[Unit], annotators: Sequence[str]) -> list[list[str]]:
    """The chosen annotators' values of each unit two or more of them coded."""
    chosen = set(annotators)
    out = []
    for u in units:
        vals = [v for a, v in u.values.items() if a in chosen]
        if len(vals) > 1:
            out.append(vals)
    return out


def _alpha_of(coded: list[list[str]], binary: str | None, small: bool) -> tuple[float | None, str]:
    if not coded:
        return None, "no unit was coded by two annotators"
    counts, codes = _value_counts(coded)
    if small:
        return _python_alpha(counts, codes, binary)
    return _package_alpha(_matrix(counts), codes, binary)


_SAME = "every unit has the same value (alpha is undefined)"


def _value_counts(coded: list[list[str]]) -> tuple[list[list[int]], dict[str, int]]:
    """Each unit's count of each value (value -> column, in order of first
    appearance; a row stops at the last value seen when it was counted)."""
    codes: dict[str, int] = {}
    counts = []
    for vals in coded:
        row = [0] * len(codes)
        for v in vals:
            c = codes.setdefault(v, len(codes))
            if c == len(row):
                row.append(0)
            row[c] += 1
        counts.append(row)
    return counts, codes


def _python_alpha(counts: list[list[int]], codes: dict[str, int],
                  binary: str | None) -> tuple[float | None, str]:
    if binary is not None:  # that value's column against the rest
        c = codes.get(binary, len(codes))
        counts = [[r[c], sum(r) - r[c]] if c < len(r) else [0, sum(r)] for r in counts]
        if not all(any(r[k] for r in counts) for k in (0, 1)):
            return None, _SAME
    elif len(codes) < 2:
        return None, _SAME
    return _nominal(counts), ""


def _matrix(counts: list[list[int]]):
    """The value counts as the package takes them: units x values, zero-padded."""
    import numpy as np

    width = max(map(len, counts))
    return np.array([r if len(r) == width else r + [0] * (width - len(r)) for r in counts],
                    dtype=float)


def _package_alpha(matrix, codes: dict[str, int], binary: str | None) -> tuple[float | None, str]:
    """Alpha from the package, on ``_matrix`` (made once for alpha overall and per label)."""
    import krippendorff
    import numpy as np

    if binary is not None:  # that value's column against the rest
        hit = matrix[:, codes[binary]] if binary in codes else np.zeros(len(matrix))
        matrix = np.column_stack((hit, matrix.sum(axis=1) - hit))
    if np.count_nonzero(matrix.sum(axis=0)) < 2:
        return None, _SAME
    return float(krippendorff.alpha(value_counts=matrix, level_of_measurement="nominal")), ""


def _nominal(counts: list[list[int]]) -> float:
    """Nominal alpha from the value counts of each unit (two values or more, two
    values in all): 1 - (n - 1) * Do / De, where Do sums each unit's off-diagonal
    coincidences, (m² - Σ n_uc²) / (m - 1), and De = n² - Σ n_c² (Krippendorff 2011)."""
    totals: list[int] = []
    observed = 0.0
    for row in counts:
        m = sum(row)
        observed += (m * m - sum(x * x for x in row)) / (m - 1)
        totals.extend([0] * (len(row) - len(totals)))
        for c, x in enumerate(row):
            totals[c] += x
    n = sum(totals)
    return 1 - (n - 1) * observed / (n * n - sum(x * x for x in totals))


def pair(units: Iterable[Unit], a: str, b: str) -> Pair:
    """Cohen's kappa, observed agreement and confusion matrix of two annotators
    on the units both coded."""
    both = Counter((v[a], v[b]) for v in (u.values for u in units) if a in v and b in v)
    confusion: dict[str, dict[str, int]] = {}
    ca: Counter[str] = Counter()
    cb: Counter[str] = Counter()
    for (x, y), k in both.items():
        confusion.setdefault(x, {})[y] = k
        ca[x] += k
        cb[y] += k
    n = ca.total()
    if not n:
        return Pair(a, b, 0, None, None, confusion)
    observed = sum(k for (x, y), k in both.items() if x == y) / n
    expected = sum(ca[v] * cb[v] for v in ca) / (n * n)
    kappa = None if expected == 1 else (observed - expected) / (1 - expected)
    return Pair(a, b, n, observed, kappa, confusion)


def agreement(units: list[Unit], *, label: str | None = None) -> Agreement:
    """Every figure over ``units``; ``label`` limits alpha per label to that label."""
    annotators = sorted({a for u in units for a in u.values})
    values = sorted({v for u in units for v in u.values.values()})
    notes: list[str] = []
    if not units:
        notes.append("no units: no report was marked done by two of the annotators")
    coded = [list(u.values.values()) for u in units if len(u.values) > 1]  # every annotator's
    counts, codes = _value_counts(coded)
    matrix = _matrix(counts) if coded else None  # once, for alpha overall and per label

    def alpha_of(binary: str | None) -> tuple[float | None, str]:
        if len(annotators) < 2:
            return None, "alpha needs two annotators"
        if not coded:
            return None, "no unit was coded by two annotators"
        return _package_alpha(matrix, codes, binary)

    overall, why = alpha_of(None)
    if why:
        notes.append(f"alpha: {why}")
    labels = [label] if label else [v for v in values if v != NONE]
    per_label = {}
    for lb in labels:
        per_label[lb], why = alpha_of(lb)
        if why:
            notes.append(f"alpha for {lb}: {why}")
    pairs = [pair(units, a, b) for a, b in combinations(annotators, 2)]
    for p in pairs:
        if p.units and p.kappa is None:
            notes.append(f"kappa {p.a}/{p.b}: both gave one and the same value throughout")
        elif not p.units:
            notes.append(f"{p.a} and {p.b} share no unit")
    by_report: dict[str, list[list[str]]] = {}  # each report's coded units, as ``alpha`` takes them
    for u in units:
        rows = by_report.setdefault(u.report_id, [])
        if len(u.values) > 1:
            rows.append(list(u.values.values()))
    per_report = {rid: _alpha_of(rows, None, True)[0] for rid, rows in by_report.items()}
    per_unit = Counter(len(u.values) for u in units)
    return Agreement(annotators, len(units), values, overall, per_label, pairs, per_report,
                     dict(per_unit), notes)


def home_agreement(store: AnnotationStore, library: Library, *,
                   annotators: Sequence[str] | None = None, report_id: str | None = None,
                   label: str | None = None) -> Agreement:
    if annotators is not None and len(annotators) < 2:
        raise BaocaoError("agreement needs at least two annotators",
                          "Name two or more with --annotators A,B.")
    if report_id is not None:
        library.get(report_id)  # UnknownReport with a hint
    if label is not None and label not in {lb.name for lb in store.labels} | {NONE}:
        raise BaocaoError(f"unknown label {label!r}", "`baocao labels` lists them.")
    return agreement(collect(store, library, annotators=annotators, report_id=report_id),
                     label=label)
