"""Any text: suggestions never fail, one per body sentence, spans slice back."""
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.models import Analysis, Paragraph, Sentence, Token
from annotations.suggest import Suggester

WORDS = ["Tăng cường", "khó khăn", "chưa đạt", "cần", "hoàn thành", "uỷ ban", "ủy ban", "İ", "ß",
         "Nhiệm vụ", "hạn chế", "6,93%", "—", "\u200b", "x"]


def analysis_of(text: str, kinds: list[str]) -> Analysis:
    paras, sents, toks = [], [], []
    for n, m in enumerate(re.finditer(r"[^\n]+", text)):
        paras.append(Paragraph(m.start(), m.end(), kinds[n % len(kinds)]))
        for s in re.finditer(r"[^.]+\.?", m.group()):
            if s.group().strip():
                sents.append(Sentence(m.start() + s.start(), m.start() + s.end(), len(paras) - 1))
    toks = [Token(t.start(), t.end()) for t in re.finditer(r"\S+", text)]
    return Analysis(paras, sents, toks, [])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS) | st.text(max_size=6), min_size=1, max_size=12)
                .map(" ".join), min_size=1, max_size=6).map(lambda ps: "\n".join(p.replace("\n", " ") for p in ps)),
       st.lists(st.sampled_from(["body", "heading", "caption"]), min_size=1, max_size=3))
def test_suggestions_cover_body_sentences_and_slice_back(tmp_path_factory, text, kinds):
    a = analysis_of(text, kinds)
    with Suggester(tmp_path_factory.mktemp("h"), "lan") as sg:
        got = sg.suggest_text(text, a)
    assert [s.sentence for s in got] == a.body_sentences()
    for s in got:
        sent = a.sentences[s.sentence]
        assert text[s.start:s.end] == text[sent.start:sent.end]
        assert s.label in ("achievement", "task", "risk", None)
        assert 0 <= s.margin <= s.score <= 1
