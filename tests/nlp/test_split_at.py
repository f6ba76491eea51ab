"""pipeline.split_at: tokens cut at entity boundaries, so every entity is whole
tokens (token-based exports need no alignment of their own)."""
from hypothesis import given
from hypothesis import strategies as st

from annotations.models import Entity
from annotations.nlp.pipeline import split_at


@st.composite
def tokens_and_entities(draw):
    words = draw(st.lists(st.sampled_from(["Trương", "Thị", "Mai", "phát", "biểu", "Hà", "Nội", ","]),
                          min_size=1, max_size=12))
    text = " ".join(words)
    starts = [0]
    for w in words[:-1]:
        starts.append(starts[-1] + len(w) + 1)
    spans = [(s, s + len(w)) for s, w in zip(starts, words)]
    # the tagger's tokens: runs of words (a token may hold several syllables)
    cuts = sorted(draw(st.sets(st.integers(1, len(spans) - 1), max_size=len(spans) - 1))) if len(spans) > 1 else []
    groups = [spans[a:b] for a, b in zip([0, *cuts], [*cuts, len(spans)])]
    toks = [(g[0][0], g[-1][1]) for g in groups]
    ents = []
    for _ in range(draw(st.integers(0, 3))):
        i = draw(st.integers(0, len(spans) - 1))
        j = draw(st.integers(i, min(i + 2, len(spans) - 1)))
        ents.append(Entity(spans[i][0], spans[j][1], "PER"))
    return text, toks, ents


@given(tokens_and_entities())
def test_entities_are_whole_tokens_and_nothing_is_lost(case):
    text, toks, ents = case
    out = split_at(text, toks, ents)
    starts, ends = {t.start for t in out}, {t.end for t in out}
    for e in ents:
        assert e.start in starts and e.end in ends
    for t in out:  # a piece of one input token, trimmed
        assert any(a <= t.start < t.end <= b for a, b in toks)
        assert text[t.start:t.end] == text[t.start:t.end].strip() != ""
    assert "".join(text[t.start:t.end] for t in out).replace(" ", "") == \
        "".join(text[a:b] for a, b in toks).replace(" ", "")
    assert [t.start for t in out] == sorted(t.start for t in out)


def test_the_seed_case():
    text = "Trương Thị Mai phát biểu"
    out = split_at(text, [(0, len(text))], [Entity(0, 14, "PER")])
    assert [text[t.start:t.end] for t in out] == ["Trương Thị Mai", "phát biểu"]
