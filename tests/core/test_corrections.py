"""Entity corrections as rules (annotations/corrections.py), without NLP: the
analyses are built by hand."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.corrections import (
    SOURCES,
    Correction,
    CorrectionError,
    Rules,
    form,
    make_remove,
    make_set,
    occurrences,
    word_spans,
)
from annotations.models import ENTITY_LABELS, Analysis, Entity, Token


def analysis(text: str, entities=()) -> Analysis:
    return Analysis(tokens=[Token(*m.span()) for m in re.finditer(r"\w+|[^\w\s]", text)],
                    entities=[Entity(*e) for e in entities])


def span(text: str, s: str, nth: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(nth + 1):
        i = text.index(s, i + 1)
    return i, i + len(s)


def shown(rules: Rules, rid: str, text: str, a: Analysis) -> list[tuple[str, str, str]]:
    return [(text[e.start:e.end], e.label, e.source) for e in rules.apply(rid, text, a.entities)]


T = "0"  # one clock tick per correction: later ones are newer


def tick() -> str:
    global T
    T = str(int(T) + 1).zfill(6)
    return T


def add(rid, text, a, ents, s, label, who="lan", nth=0):
    return make_set(rid, text, a, ents, *span(text, s, nth), label, annotator=who, now=tick())


def remove(rid, text, ents, s, who="lan", nth=0):
    return make_remove(rid, text, ents, *span(text, s, nth), annotator=who, now=tick())


A = "Bí thư Thành ủy Hà Nội làm việc với Ủy ban. Ngày 5/3 đoàn tới TP. Hồ Chí Minh."
B = "Ông Hồ Chí Minh viết. Thành uỷ HÀ NỘI họp tại TP. Hồ Chí Minh năm 2024."


def test_an_added_form_applies_wherever_its_words_occur_folded():
    a = analysis(A, [(*span(A, "Hà Nội"), "LOC")])
    c = add("a", A, a, Rules((), "lan").apply("a", A, a.entities), "Thành ủy Hà Nội", "ORG")
    assert c.kind == "boundary" and c.old_label == "LOC"
    rules = Rules([c], "lan")
    assert ("Thành ủy Hà Nội", "ORG", "analyst") in shown(rules, "a", A, a)
    # another report: other case and tone-mark style; found there by the rule
    b = analysis(B)
    assert ("Thành uỷ HÀ NỘI", "ORG", "rule") in shown(rules, "b", B, b)


def test_an_added_form_matches_whole_words_only():
    text = "Hà Nội và Hà Nộii"
    a = analysis(text)
    c = add("a", text, a, [], "Hà Nội", "LOC")
    assert shown(Rules([c], "lan"), "x", text, a) == [("Hà Nội", "LOC", "rule")]


def test_a_removal_in_a_longer_name_holds_only_in_that_context():
    ents_b = [(*span(B, "Hồ Chí Minh"), "PER"), (*span(B, "Hồ Chí Minh", 1), "PER")]
    b = analysis(B, ents_b)
    base = Rules((), "lan").apply("b", B, b.entities)
    c = remove("b", B, base, "Hồ Chí Minh", nth=1)  # after "TP."
    assert c.context == ("tp.", None)
    got = shown(Rules([c], "lan"), "b", B, b)
    assert got == [("Hồ Chí Minh", "PER", "model")]  # the first one, "Ông Hồ Chí Minh", stays
    assert Rules([c], "lan").apply("b", B, b.entities)[0].start == span(B, "Hồ Chí Minh")[0]


def test_a_removal_without_context_holds_everywhere():
    text = "Năm 2024 tăng. Quý 2 năm 2024 giảm."
    a = analysis(text, [(*span(text, "2024"), "LOC"), (*span(text, "2024", 1), "LOC")])
    c = remove("a", text, Rules((), "x").apply("a", text, a.entities), "2024", nth=1)
    assert c.context is None
    assert shown(Rules([c], "lan"), "a", text, a) == []


def test_a_boundary_fix_applies_where_the_old_and_new_text_occur():
    text = "Chủ tịch Hồ Chí Minh nói. Lăng Hồ Chí Minh mở. Chủ tịch Hồ Chí Minh đến."
    ents = [(*span(text, "Chủ tịch Hồ Chí Minh"), "PER"), (*span(text, "Hồ Chí Minh", 1), "LOC"),
            (*span(text, "Chủ tịch Hồ Chí Minh", 1), "PER")]
    a = analysis(text, ents)
    c = add("a", text, a, Rules((), "x").apply("a", text, a.entities), "Hồ Chí Minh", "PER")
    assert c.kind == "boundary" and c.old_text == "Chủ tịch Hồ Chí Minh"
    got = shown(Rules([c], "lan"), "a", text, a)
    assert got == [("Hồ Chí Minh", "PER", "analyst"), ("Hồ Chí Minh", "LOC", "model"),
                   ("Hồ Chí Minh", "PER", "rule")]


def test_an_added_form_leaves_a_longer_model_entity_around_it():
    text = "TP. Hồ Chí Minh và Hồ Chí Minh."
    a = analysis(text, [(*span(text, "TP. Hồ Chí Minh"), "LOC")])
    c = add("other", text, a, [], "Hồ Chí Minh", "PER", nth=1)
    got = shown(Rules([c], "lan"), "a", text, a)
    assert got == [("TP. Hồ Chí Minh", "LOC", "model"), ("Hồ Chí Minh", "PER", "rule")]


def test_most_recent_wins_per_annotator_and_own_rules_over_others():
    text = "Ban Bí thư họp."
    a = analysis(text)
    first = add("a", text, a, [], "Ban Bí thư", "ORG", who="lan")
    later = add("a", text, a, [], "Ban Bí thư", "EVENT", who="lan")
    assert shown(Rules([first, later], "lan"), "z", text, a)[0][1] == "EVENT"
    other_newer = add("a", text, a, [], "Ban Bí thư", "LOC", who="minh")
    # lan's own rules beat minh's newer one; for minh, his own wins
    assert shown(Rules([first, later, other_newer], "lan"), "z", text, a)[0][1] == "EVENT"
    assert shown(Rules([first, later, other_newer], "minh"), "z", text, a)[0][1] == "LOC"
    # a newer removal by the same annotator undoes the reading
    gone = remove("a", text, Rules([later], "lan").apply("a", text, a.entities), "Ban Bí thư")
    assert shown(Rules([later, gone], "lan"), "z", text, a) == []
    # ... but not someone else's rule ranked above it
    assert shown(Rules([later, gone], "minh"), "z", text, a) == []  # both others': newest wins
    again = add("a", text, a, [], "Ban Bí thư", "EVENT", who="lan")
    assert shown(Rules([later, gone, again], "lan"), "z", text, a)[0][1] == "EVENT"


@pytest.mark.parametrize("start,end,label,msg", [
    (-1, 3, "PER", "not a span"), (0, 10_000, "PER", "not a span"), (3, 3, "PER", "not a span"),
    (1, 6, "PER", "word boundary"), (0, 6, "FOO", "unknown entity label"),
])
def test_bad_corrections_say_why(start, end, label, msg):
    a = analysis(A)
    with pytest.raises(CorrectionError, match=msg):
        make_set("a", A, a, [], start, end, label, annotator="x", now="1")


def test_nothing_to_change_is_an_error():
    a = analysis(A, [(*span(A, "Hà Nội"), "LOC")])
    ents = Rules((), "x").apply("a", A, a.entities)
    with pytest.raises(CorrectionError, match="already LOC"):
        make_set("a", A, a, ents, *span(A, "Hà Nội"), "loc", annotator="x", now="1")
    with pytest.raises(CorrectionError, match="no entity"):
        make_remove("a", A, ents, *span(A, "Ủy ban"), annotator="x", now="1")


def test_a_correction_survives_its_document_form():
    a = analysis(B, [(*span(B, "Hồ Chí Minh", 1), "PER")])
    c = remove("b", B, Rules((), "x").apply("b", B, a.entities), "Hồ Chí Minh", nth=1)
    assert Correction.from_doc(c.to_doc()) == c


WORDS = ["Hà", "Nội", "hà", "nội", "Ủy", "uỷ", "ban", "TP", ".", ",", "năm", "2024", "Bộ"]


@st.composite
def cases(draw):
    text = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=30)))
    a = analysis(text)
    words = word_spans(text, a)
    ents, at = [], 0
    for s, e in words:  # non-overlapping model entities of one or two words
        if s >= at and draw(st.integers(0, 3)) == 0:
            end = e if draw(st.booleans()) else max(e, next((e2 for s2, e2 in words if s2 >= e), e))
            ents.append((s, end, draw(st.sampled_from(ENTITY_LABELS))))
            at = end
    a.entities = [Entity(*x) for x in ents]
    corrections = []
    for i in range(draw(st.integers(0, 6))):
        shown_now = Rules(corrections, "me").apply("r", text, a.entities)
        who = draw(st.sampled_from(["me", "you"]))
        if shown_now and draw(st.booleans()):
            e = draw(st.sampled_from(shown_now))
            corrections.append(make_remove("r", text, shown_now, e.start, e.end, annotator=who,
                                           now=f"{i:04}"))
            continue
        i0 = draw(st.integers(0, len(words) - 1))
        i1 = draw(st.integers(i0, min(len(words) - 1, i0 + 3)))
        try:
            corrections.append(make_set("r", text, a, shown_now, words[i0][0], words[i1][1],
                                        draw(st.sampled_from(ENTITY_LABELS)), annotator=who,
                                        now=f"{i:04}"))
        except CorrectionError:
            pass  # already that entity
    return text, a, corrections


@settings(max_examples=300, deadline=None)
@given(cases(), st.sampled_from(["r", "other"]))
def test_corrected_entities_slice_back_and_never_overlap(case, rid):
    text, a, corrections = case
    out = Rules(corrections, "me").apply(rid, text, a.entities)
    for e in out:
        assert 0 <= e.start < e.end <= len(text)
        assert text[e.start:e.end] == text[e.start:e.end].strip()
        assert e.label in ENTITY_LABELS
        assert e.source in SOURCES
        if e.source == "model":
            assert Entity(e.start, e.end, e.label) in a.entities
        if e.source == "analyst":
            assert rid == "r" and any((c.start, c.end, c.label) == (e.start, e.end, e.label)
                                      for c in corrections)
    for x, y in zip(out, out[1:]):
        assert x.end <= y.start
    # the newest correction made by "me" always shows where it was made
    mine = [c for c in corrections if c.annotator == "me"]
    if mine and rid == "r":
        last = max(mine, key=lambda c: c.created_at)
        here = [(e.start, e.end, e.label) for e in out]
        if last.kind == "remove":
            assert (last.start, last.end, last.old_label) not in here
        else:
            assert (last.start, last.end, last.label) in here


@settings(max_examples=200, deadline=None)
@given(cases())
def test_a_correction_added_to_compiled_rules_and_applied_where_it_occurs(case):
    """What the reader does after a correction (Rules.plus, apply ``within`` the
    paragraphs its words occur in) gives what compiling and applying afresh does."""
    text, a, corrections = case
    other = "Bộ Chính trị họp ở Hà Nội."
    text2 = text + "\n\n" + other  # two paragraphs
    at = len(text) + 2 + other.index("Hà Nội")
    a2 = analysis(text2, [(e.start, e.end, e.label) for e in a.entities] + [(at, at + 6, "LOC")])
    mine = [c for c in corrections if c.annotator == "me"]
    if not mine or mine[-1] is not corrections[-1]:
        return
    *older, last = corrections
    full = Rules(corrections, "me").apply("r", text2, a2.entities)
    rules = Rules(older, "me")
    before = rules.apply("r", text2, a2.entities)
    rules.plus(last)
    first = [(0, len(text))]  # the paragraph it was made in; the other one is kept as it was
    part = rules.apply("r", text2, a2.entities, first)
    assert rules.apply("r", text2, a2.entities) == full
    assert [e for e in full if e.start < len(text)] == part
    if not occurrences(text2[len(text):], form(last.text)):  # not there: that paragraph stays
        assert [e for e in full if e.start > len(text)] == \
            [e for e in before if e.start > len(text)]
