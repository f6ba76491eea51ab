"""Agreement figures on crafted data with known answers, and units from a home."""
import math

import numpy as np
import orjson
import pytest
from click.testing import CliRunner

from annotations.agreement import NONE, Unit, agreement, alpha, collect, pair


def units(**rows: str) -> list[Unit]:
    """One letter per unit per annotator: a/t/r a label, n none, . missing."""
    names = {"a": "achievement", "t": "task", "r": "risk", "n": NONE}
    n = len(next(iter(rows.values())))
    return [Unit("r", i, {who: names[row[i]] for who, row in rows.items() if row[i] != "."})
            for i in range(n)]


def test_perfect_agreement():
    ag = agreement(units(A="atrn" * 3, B="atrn" * 3))
    assert ag.alpha == pytest.approx(1.0)
    assert ag.pairs[0].kappa == pytest.approx(1.0) and ag.pairs[0].observed == 1.0
    assert all(v == pytest.approx(1.0) for v in ag.per_label.values())


def test_hand_computed_kappa_and_alpha():
    # A: a a t t, B: a t t t. po = 3/4; pe = (2*1 + 2*3)/16 = 1/2; kappa = 1/2.
    # alpha: n = 8 values (a: 3, t: 5); Do = 2/8, De = 2*3*5/(8*7); alpha = 1 - Do/De = 8/15.
    us = units(A="aatt", B="attt")
    p = pair(us, "A", "B")
    assert p.observed == 0.75 and p.kappa == pytest.approx(0.5)
    assert p.confusion == {"achievement": {"achievement": 1, "task": 1}, "task": {"task": 2}}
    assert alpha(us, ["A", "B"])[0] == pytest.approx(8 / 15)


def test_krippendorffs_example_with_missing_data():
    # Krippendorff (2011), three coders, 15 units, values 1-4, many missing: nominal 0.691.
    data = [".....34121133.3", "1.213343.......", "..21344.21133.4"]
    code = {"1": "a", "2": "t", "3": "r", "4": "n", ".": "."}
    us = units(**{f"c{i}": "".join(code[c] for c in row) for i, row in enumerate(data)})
    assert alpha(us, ["c0", "c1", "c2"])[0] == pytest.approx(0.691358, abs=1e-6)
    assert alpha(us, ["c0", "c1", "c2"], small=True)[0] == pytest.approx(0.691358, abs=1e-6)


def test_systematic_disagreement_is_below_chance():
    ag = agreement(units(A="atat" * 5, B="tata" * 5))
    assert ag.alpha < 0 and ag.pairs[0].kappa == pytest.approx(-1.0)
    assert ag.pairs[0].observed == 0.0


def test_chance_level_agreement_is_near_zero():
    rng = np.random.default_rng(7)
    a = "".join(rng.choice(list("atrn"), 4000))
    b = "".join(rng.choice(list("atrn"), 4000))
    ag = agreement(units(A=a, B=b))
    assert abs(ag.alpha) < 0.05 and abs(ag.pairs[0].kappa) < 0.05


def test_degenerate_cases_say_why_and_never_divide_by_zero():
    one = agreement(units(A="atrn"))
    assert one.alpha is None and one.pairs == [] and any("two annotators" in n for n in one.notes)
    apart = agreement(units(A="at..", B="..rn"))
    assert apart.alpha is None and apart.pairs[0].units == 0 and apart.pairs[0].kappa is None
    assert any("share no unit" in n for n in apart.notes)
    same = agreement(units(A="aaaa", B="aaaa"))
    assert same.alpha is None and same.pairs[0].kappa is None and same.pairs[0].observed == 1.0
    assert any("same value" in n for n in same.notes)
    empty = agreement([])
    assert empty.units == 0 and empty.alpha is None and "no units" in empty.notes[0]
    assert not any(isinstance(v, float) and math.isnan(v) for v in empty.per_label.values())


@pytest.mark.parametrize("seed", range(8))
def test_alpha_of_one_report_matches_the_package(seed):
    # alpha per report is computed without the package (thousands of small calls):
    # the same figure, with missing values, several annotators and labels
    rng = np.random.default_rng(seed)
    rows = {f"a{k}": "".join(rng.choice(list("atrn.."), 40)) for k in range(2 + seed % 3)}
    us = units(**rows)
    package, why = alpha(us, list(rows))
    fast, why_fast = alpha(us, list(rows), small=True)
    assert why == why_fast == "" and fast == pytest.approx(package, abs=1e-12)


def test_per_label_is_that_label_against_the_rest():
    ag = agreement(units(A="aatn", B="aarn"), label="achievement")
    assert list(ag.per_label) == ["achievement"] and ag.per_label["achievement"] == pytest.approx(1.0)
    assert ag.alpha < 1.0  # t against r is a disagreement overall


# ------------------------------------------------------------ from a home
def _decide(home, who: str, rid: str, labels: dict[int, str | None], done: bool):
    from annotations.corpus.library import Library
    from annotations.store import AnnotationStore, Selection

    report = Library(home).open(rid)
    spans = [(s.start, s.end) for s in report.analysis.sentences]
    with AnnotationStore(home, annotator=who) as st:
        for i, lab in labels.items():
            sel = Selection.of(rid, spans, i, i, report.meta.sha256)
            st.tag(sel, lab) if lab else st.mark_none(sel)
        if done:
            st.set_done(rid, True)


def test_units_from_a_home_missing_is_not_none(seeded_home):
    from annotations.corpus.library import Library
    from annotations.store import AnnotationStore

    lib = Library(seeded_home)
    rid = lib.reports()[0].id
    other = lib.reports()[1].id
    n_body = len(lib.open(rid).analysis.body_sentences())
    _decide(seeded_home, "lan", rid, {0: "achievement", 1: "task", 2: None}, done=True)
    _decide(seeded_home, "minh", rid, {0: "achievement", 1: "risk"}, done=True)
    _decide(seeded_home, "hoa", rid, {0: "task"}, done=False)  # not done: missing
    _decide(seeded_home, "lan", other, {0: "task"}, done=True)  # one annotator: no units
    with AnnotationStore(seeded_home, readonly=True) as st:
        us = collect(st, lib)
    assert len(us) == n_body and {u.report_id for u in us} == {rid}
    assert all(set(u.values) == {"lan", "minh"} for u in us)
    assert us[0].values == {"lan": "achievement", "minh": "achievement"}
    assert us[1].values == {"lan": "task", "minh": "risk"}
    assert us[2].values == {"lan": NONE, "minh": NONE}  # explicit none = untagged in a done report

    from tui.cli import main
    res = CliRunner().invoke(main, ["--home", str(seeded_home), "agreement", "--json"])
    assert res.exit_code == 0, res.output
    doc = orjson.loads(res.output)
    assert doc["units"] == n_body and doc["annotators"] == ["lan", "minh"]
    assert doc["pairs"][0]["observed"] == pytest.approx((n_body - 1) / n_body)
    plain = CliRunner().invoke(main, ["--home", str(seeded_home), "agreement"])
    assert plain.exit_code == 0 and "Krippendorff's alpha" in plain.output
    assert "lan / minh" in plain.output
    bad = CliRunner().invoke(main, ["--home", str(seeded_home), "agreement", "--annotators", "lan"])
    assert bad.exit_code == 1 and "at least two annotators" in bad.output
    nolabel = CliRunner().invoke(main, ["--home", str(seeded_home), "agreement", "--label", "zzz"])
    assert nolabel.exit_code == 1 and "unknown label" in nolabel.output
