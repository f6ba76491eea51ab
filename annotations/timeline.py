"""Counts per period across the library (`baocao timeline`, the TUI's timeline
screen): tagged passages per label, an entity's mentions, or a query's hits,
dated by their report's date.

A report's date is as precise as it is known ("2024", "2024-07",
"2024-07-10"). A report dated only to a year counts in its year in the year
view; in the month and quarter views it is counted apart, under its year
(``year_only``), never spread over the months. Undated reports are counted
apart too (``undated``). The periods run without gaps from the first dated
one to the last, so a chart's bars are evenly spaced in time.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .errors import BaocaoError
from .home import Home

if TYPE_CHECKING:
    from .entity_index import EntityIndex

# The library, the store and the entity index are imported by the functions
# that read them: `baocao` loads this module (for its options) on every start.

PERIODS = ("month", "quarter", "year")


class TimelineError(BaocaoError):
    """A timeline that cannot be made (its options)."""


def period_of(date: str | None, by: str) -> tuple[str, str | None]:
    """(where a date counts, its period): ("period", "2024-07" | "2024-Q3" |
    "2024"), ("year_only", "2024") for a year-only date outside the year view,
    ("undated", None)."""
    if not date or len(date) < 4 or not date[:4].isdigit():
        return "undated", None
    year = date[:4]
    if by == "year":
        return "period", year
    if len(date) < 7 or not date[5:7].isdigit():
        return "year_only", year
    month = int(date[5:7])
    return "period", (f"{year}-{month:02d}" if by == "month" else f"{year}-Q{(month - 1) // 3 + 1}")


def _next(period: str, by: str) -> str:
    if by == "year":
        return str(int(period) + 1)
    year, rest = period.split("-")
    n, top = (int(rest[1:]), 4) if by == "quarter" else (int(rest), 12)
    year, n = (int(year) + 1, 1) if n == top else (int(year), n + 1)
    return f"{year}-Q{n}" if by == "quarter" else f"{year}-{n:02d}"


def period_range(first: str, last: str, by: str) -> list[str]:
    """Every period from ``first`` to ``last``, both included."""
    out = [first]
    while out[-1] < last:
        out.append(_next(out[-1], by))
    return out


@dataclass
class Timeline:
    by: str  # one of PERIODS
    what: str  # "passages", "mentions" or "hits"
    series: list[str]  # the labels (or the one entity / query), in order
    periods: list[str] = field(default_factory=list)  # every period, first to last, no gaps
    counts: dict[str, Counter] = field(default_factory=dict)  # period -> series -> n
    year_only: dict[str, Counter] = field(default_factory=dict)  # year -> series -> n
    undated: Counter = field(default_factory=Counter)

    def add(self, date: str | None, series: str, n: int = 1) -> None:
        where, period = period_of(date, self.by)
        if where == "undated":
            self.undated[series] += n
        else:
            (self.counts if where == "period" else self.year_only).setdefault(period, Counter())[series] += n

    def finish(self) -> Timeline:
        if self.counts:
            self.periods = period_range(min(self.counts), max(self.counts), self.by)
        for p in self.periods:
            self.counts.setdefault(p, Counter())
        extra = {s for c in [*self.counts.values(), *self.year_only.values(), self.undated] for s in c}
        self.series += sorted(extra - set(self.series))
        return self

    def total(self) -> int:
        return sum(sum(c.values()) for c in [*self.counts.values(), *self.year_only.values(), self.undated])

    def records(self) -> Iterable[dict]:
        """--json: one object per period, then per year-only year, then the undated."""
        def rec(kind: str, period: str | None, c: Counter) -> dict:
            return {"kind": kind, "period": period, "by": self.by, "what": self.what,
                    "counts": {s: c.get(s, 0) for s in self.series}, "total": sum(c.values())}

        for p in self.periods:
            yield rec("period", p, self.counts[p])
        for year in sorted(self.year_only):
            yield rec("year_only", year, self.year_only[year])
        if self.undated:
            yield rec("undated", None, self.undated)


def _check_by(by: str) -> None:
    if by not in PERIODS:
        raise TimelineError(f"unknown period {by!r} (expected one of {', '.join(PERIODS)})")


def passages(home: Home | str, by: str = "month", *, label: str | None = None,
             annotator: str | None = None, labels: Iterable[str] = ()) -> Timeline:
    """Tagged passages (as exported: runs of sentences, orphaned ones too) per
    label and period. ``labels``: the series' order (the store's labels)."""
    from .corpus.library import Library
    from .store import AnnotationStore
    from .store.records import runs

    _check_by(by)
    home = Home.of(home)
    tl = Timeline(by, "passages", [x for x in labels if label is None or x == label])
    if not home.has_store:
        return tl.finish()
    dates = {rid: date or None for rid, date in Library(home).listing("id", "date")}
    with AnnotationStore(home, readonly=True) as store:
        for rid, entry in store.summary().items():
            date = dates.get(rid)
            if annotator is None:  # the summary's counts are of passages already
                for lab, n in entry["labels"].items():
                    if label is None or lab == label:
                        tl.add(date, lab, n)
                continue
            if not entry["annotators"].get(annotator):
                continue
            docs = [d for d in store.documents(rid) if d["annotator"] == annotator
                    and (label is None or d["label"] == label)]
            for run in runs(docs):
                tl.add(date, run[0]["label"])
    return tl.finish()


def mentions(home: Home | str, entity: str, by: str = "month", *, label: str | None = None,
             index: EntityIndex | None = None, key: str | None = None) -> Timeline:
    """An entity's mentions per period (its variants merged: entity_index);
    ``key``: the index's key of the entity, when known (else made from ``entity``)."""
    from .entity_index import EntityIndex, key_of, name_of

    _check_by(by)
    name = name_of(entity, "PER")  # a title typed in front is not part of the name
    key = key or key_of(name)
    if not key:
        raise TimelineError("--entity needs a name")
    own = index is None
    index = index or EntityIndex(home)
    try:
        name = index.name(key, label) or name
        tl = Timeline(by, "mentions", [name])
        for date, n in index.dates(key, label).items():
            tl.add(date, name, n)
    finally:
        if own:
            index.close()
    return tl.finish()


def hits(dates: Iterable[str | None], query: str, by: str = "month") -> Timeline:
    """A query's hits per period, from the report date of each hit."""
    _check_by(by)
    tl = Timeline(by, "hits", [query])
    for date in dates:
        tl.add(date, query)
    return tl.finish()
