"""Timelines: periods, year-only and undated reports counted apart, passage
counts equal to counts computed from an export, entity mentions, the CLI."""
from __future__ import annotations

import random
import sys
from collections import Counter
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from timelinehelp import put_reports

from annotations import timeline
from annotations.corpus.library import Library
from annotations.interchange.export import iter_records
from annotations.store import AnnotationStore, Selection
from annotations.timeline import Timeline, period_of
from tui.cli import main

LABELS = ["achievement", "task", "risk"]
DATES = ["2023-01-15", "2023-02", "2023-02-28", "2023-11-02", "2024", "2024-05-01", "2024-12", None, "2023"]


@pytest.mark.parametrize(("date", "by", "expected"), [
    ("2024-07-10", "month", ("period", "2024-07")),
    ("2024-07-10", "quarter", ("period", "2024-Q3")),
    ("2024-07", "year", ("period", "2024")),
    ("2024-12-31", "quarter", ("period", "2024-Q4")),
    ("2024-01", "quarter", ("period", "2024-Q1")),
    ("2024", "year", ("period", "2024")),
    ("2024", "month", ("year_only", "2024")),
    ("2024", "quarter", ("year_only", "2024")),
    (None, "month", ("undated", None)),
    ("", "year", ("undated", None)),
])
def test_period_of(date, by, expected):
    assert period_of(date, by) == expected


def test_periods_run_without_gaps_across_years():
    tl = Timeline("quarter", "passages", ["risk"])
    tl.add("2023-11-02", "risk")
    tl.add("2024-05", "risk", 2)
    tl.finish()
    assert tl.periods == ["2023-Q4", "2024-Q1", "2024-Q2"]
    assert [tl.counts[p]["risk"] for p in tl.periods] == [1, 0, 2]


def tagged_home(home: Path, seed: int = 3) -> None:
    """Nine reports (one dated by year only, one undated), random passages by two annotators."""
    rng = random.Random(seed)
    reports = []
    for i, date in enumerate(DATES):
        text = " ".join(f"Câu số {j} của báo cáo {i}." for j in range(8))
        reports.append((f"r{i}", date, text, []))
    put_reports(home, reports)
    lib = Library(home)
    for who in ("lan", "minh"):
        with AnnotationStore(home, annotator=who) as store:
            for meta in lib.reports():
                sents = lib.open(meta.id).analysis.sentences
                for _ in range(rng.randint(0, 5)):
                    a = rng.randrange(len(sents))
                    b = min(len(sents) - 1, a + rng.randint(0, 2))
                    store.tag(Selection.of(meta.id, sents, a, b, meta.sha256), rng.choice(LABELS))


def from_export(home: Path, by: str, annotator: str | None = None) -> Timeline:
    """The expected timeline: every exported passage with a label, dated by its record."""
    tl = Timeline(by, "passages", list(LABELS))
    with AnnotationStore(home, readonly=True) as store:
        for rec in iter_records(store, Library(home), annotator=annotator):
            if rec["label"] is not None:
                tl.add(rec["report_date"], rec["label"])
    return tl.finish()


@pytest.mark.parametrize("by", ["month", "quarter", "year"])
@pytest.mark.parametrize("annotator", [None, "minh"])
def test_passage_counts_equal_the_exports(home: Path, by: str, annotator: str | None):
    tagged_home(home)
    got = timeline.passages(home, by, annotator=annotator, labels=LABELS)
    want = from_export(home, by, annotator)
    assert want.total() > 10
    assert got.periods == want.periods
    assert got.counts == want.counts
    assert got.year_only == want.year_only
    assert got.undated == want.undated


def test_year_only_and_undated_are_never_spread(home: Path):
    tagged_home(home)
    month = timeline.passages(home, "month", labels=LABELS)
    year = timeline.passages(home, "year", labels=LABELS)
    assert month.total() == year.total()
    assert set(month.year_only) == {"2023", "2024"}  # the two reports dated "2023" and "2024"
    assert "2024" not in month.counts and "2024" in year.counts
    by_year = Counter()
    for p, c in month.counts.items():
        by_year[p[:4]] += sum(c.values())
    for y, c in month.year_only.items():
        by_year[y] += sum(c.values())
    assert by_year == Counter({p: sum(c.values()) for p, c in year.counts.items() if sum(c.values())})
    assert month.undated == year.undated and sum(month.undated.values()) > 0


def test_label_filter(home: Path):
    tagged_home(home)
    tl = timeline.passages(home, "year", label="risk", labels=LABELS)
    want = from_export(home, "year")
    assert tl.series == ["risk"]
    assert {p: c["risk"] for p, c in tl.counts.items()} == {p: c["risk"] for p, c in want.counts.items()}
    assert tl.undated == Counter({"risk": want.undated["risk"]}) - Counter()


ENT_REPORTS = [
    ("e1", "2024-02-03", "Tô Lâm đến Hà Nội. Tô Lâm về.", [("Tô Lâm", "PER"), ("Hà Nội", "LOC")]),
    ("e2", "2024-05", "Đồng chí TÔ LÂM phát biểu.", [("Đồng chí TÔ LÂM", "PER")]),
    ("e3", "2024", "Tô Lâm dự họp.", [("Tô Lâm", "PER")]),
    ("e4", None, "Hà Nội mưa.", [("Hà Nội", "LOC")]),
]


def test_entity_mentions_per_period(home: Path):
    put_reports(home, ENT_REPORTS)
    tl = timeline.mentions(home, "tô lâm", "quarter")
    assert tl.series == ["Tô Lâm"]
    assert {p: c["Tô Lâm"] for p, c in tl.counts.items()} == {"2024-Q1": 2, "2024-Q2": 1}
    assert tl.year_only == {"2024": Counter({"Tô Lâm": 1})}
    assert timeline.mentions(home, "Hà Nội", "year", label="LOC").undated == Counter({"Hà Nội": 1})
    assert timeline.mentions(home, "Hà Nội", "year", label="PER").total() == 0


def run(home: Path, *args: str):
    return CliRunner().invoke(main, ["--home", str(home), *args])


def test_cli_timeline_json_and_table(home: Path):
    tagged_home(home)
    res = run(home, "timeline", "--by", "quarter", "--json")
    assert res.exit_code == 0, res.output
    recs = [orjson.loads(line) for line in res.stdout.splitlines()]
    want = from_export(home, "quarter")
    assert [r["period"] for r in recs if r["kind"] == "period"] == want.periods
    assert sum(r["total"] for r in recs) == want.total()
    assert {r["period"] for r in recs if r["kind"] == "year_only"} == {"2023", "2024"}
    assert [r["kind"] for r in recs][-1] == "undated"
    table = run(home, "timeline", "--by", "quarter").stdout.splitlines()
    assert table[0].split() == ["quarter", *LABELS, "total"]
    assert any(line.startswith("2024 (year only)") for line in table)
    assert table[-1].startswith("undated")


def test_cli_entities(home: Path):
    put_reports(home, ENT_REPORTS)
    res = run(home, "entities", "--json")
    assert res.exit_code == 0, res.output
    rows = [orjson.loads(line) for line in res.stdout.splitlines()]
    assert rows[0] == {"text": "Tô Lâm", "label": "PER", "count": 4, "reports": 3, "first": "2024",
                       "last": "2024-05", "variants": ["Tô Lâm", "TÔ LÂM"]}
    assert [r["text"] for r in rows] == ["Tô Lâm", "Hà Nội"]
    plain = run(home, "entities", "--label", "loc", "--min", "2").stdout.splitlines()
    assert len(plain) == 2 and plain[1].split()[:4] == ["Hà", "Nội", "LOC", "2"]
    assert run(home, "entities", "--min", "0").exit_code == 2


def test_cli_entity_timeline_and_bad_options(home: Path):
    put_reports(home, ENT_REPORTS)
    res = run(home, "timeline", "--entity", "Tổng Bí thư Tô Lâm", "--by", "year", "--json")
    assert [orjson.loads(x)["counts"] for x in res.stdout.splitlines()] == [{"Tô Lâm": 4}]
    bad = run(home, "timeline", "--entity", "Tô Lâm", "--label", "risk")
    assert bad.exit_code == 2 and "entity label" in bad.output
    unknown = run(home, "timeline", "--label", "riks")
    assert unknown.exit_code == 2 and "unknown label 'riks'; labels are: achievement, task, risk" in unknown.output


def test_cli_png(home: Path, tmp_path: Path):
    pytest.importorskip("matplotlib", reason="the plot extra (baocao[plot]) is not installed")
    put_reports(home, ENT_REPORTS)
    out = tmp_path / "chart.png"
    res = run(home, "timeline", "--entity", "Tô Lâm", "--png", str(out))
    assert res.exit_code == 0, res.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_png_without_matplotlib(home: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import fails as if not installed
    res = run(home, "timeline", "--png", str(tmp_path / "c.png"))
    assert res.exit_code == 1
    assert res.stderr.strip() == "baocao: --png needs matplotlib, which is not installed: pip install 'baocao[plot]'"
    assert not (tmp_path / "c.png").exists()


def test_cli_query_timeline_counts_the_search_hits(home: Path):
    from annotations.search import search

    put_reports(home, ENT_REPORTS)
    res = run(home, "timeline", "--query", "to lam", "--by", "quarter", "--json")
    assert res.exit_code == 0, res.output
    recs = [orjson.loads(line) for line in res.stdout.splitlines()]
    hits = search(home, "to lam")
    assert len(hits) == 4  # every sentence naming him, diacritics ignored
    assert sum(r["total"] for r in recs) == len(hits)
    assert {r["period"]: r["total"] for r in recs if r["kind"] == "period"} == {"2024-Q1": 2, "2024-Q2": 1}
    assert [r["total"] for r in recs if r["kind"] == "year_only"] == [1]
    undated = run(home, "timeline", "--query", "ha noi", "--by", "year", "--json").stdout.splitlines()
    assert orjson.loads(undated[-1])["kind"] == "undated" and orjson.loads(undated[-1])["total"] == 1


def test_cli_query_timeline_with_a_label_counts_the_tagged_hits(home: Path):
    from annotations.search import search

    tagged_home(home)
    res = run(home, "timeline", "--query", "cau so", "--label", "risk", "--by", "year", "--json")
    assert res.exit_code == 0, res.output
    hits = search(home, "cau so", label="risk")
    assert 0 < len(hits) < len(search(home, "cau so"))
    assert sum(orjson.loads(line)["total"] for line in res.stdout.splitlines()) == len(hits)
