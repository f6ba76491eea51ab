"""Offsets: every paragraph, sentence, token and entity span slices back exactly
and nests properly, whatever the text looks like."""
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.nlp import align, analyze
from annotations.text.vietnamese import _OLD_TONE, fold_tones

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
_NEW_TO_OLD = {v: k for k, v in _OLD_TONE.items()}
_NEW_RE = re.compile("|".join(map(re.escape, _NEW_TO_OLD)))


def old_style(text: str) -> str:
    """"ủy" -> "uỷ", "hòa" -> "hoà": the other tone-mark placement."""
    return _NEW_RE.sub(lambda m: _NEW_TO_OLD[m.group()], text)


def seed_sentences() -> list[str]:
    out = []
    for path in sorted(SEEDS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            out += [s for s in re.split(r"(?<=[.;:])\s+", line.strip()) if 10 < len(s) < 300]
    return out

SEED_SENTENCES = seed_sentences()[::7] + [
    "Ngày 18/10/2024, tại Trụ sở Trung ương Đảng, đồng chí Lương Cường chủ trì giao ban.",
    "GDP quý 2 tăng 6,93%, sáu tháng tăng 6,42% là kết quả rất tích cực.",
    "Đồng chí Bí thư Tỉnh uỷ Hoàng Duy Chinh phát biểu tại Hội nghị.",
    "Tiếp tục triển khai Chỉ thị số 35-CT/TW và Kết luận của Bộ Chính trị.",
    "Hội nghị Trung ương 11 khóa XIII, Kỳ họp thứ 9 Quốc hội khóa XV.",
    "chương trình xoá nhà tạm, nhà dột nát; hoà bình, thuỷ lợi",
    "Nhiệm vụ công tác trọng tâm quý 3/2024 và thời gian tới",
    "hơn 23 triệu học sinh; đặc xá cho 3.763 phạm nhân; 23/29 chỉ tiêu",
    "Đảng Cộng sản Trung Quốc và Ban Thường vụ Đảng Nhân dân Campuchia",
]
NOISE = ["[bold]", "[/]", "[red]x[/red]", "“", "”", "\"", "(", ")", "…", "...", ";", ":", " - ", "/",
         "0:00 / 0:00", "\t", "  ", "!", "?", "%", "№", "🙂", "\u200b", "x̃", "Ủy", "ủy", "uỷ", "1.000,5"]


@st.composite
def paragraph(draw):
    parts = draw(st.lists(st.one_of(
        st.sampled_from(SEED_SENTENCES),
        st.sampled_from(NOISE),
        st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
                         "ĐƯƠÂÊÔ0123456789 ,.-", max_size=40),
    ), min_size=1, max_size=6))
    text = " ".join(parts)
    form = draw(st.sampled_from(["NFC", "NFD", "fold", "old", "as is"]))
    if form == "fold":
        return fold_tones(text)
    if form == "old":
        return old_style(text)
    return unicodedata.normalize(form, text) if form != "as is" else text


@st.composite
def document(draw):
    paras = draw(st.lists(paragraph(), min_size=1, max_size=4))
    return draw(st.sampled_from(["\n\n", "\n", "\n \n"])).join(paras)


def check(text: str) -> None:
    a = analyze(text)
    n = len(text)
    for sp in (*a.paragraphs, *a.sentences, *a.tokens, *a.entities):
        assert 0 <= sp.start < sp.end <= n
        assert text[sp.start:sp.end].strip(), sp
    for s in a.sentences:
        p = a.paragraphs[s.paragraph]
        assert p.start <= s.start and s.end <= p.end
    for t in a.tokens:
        assert any(s.start <= t.start and t.end <= s.end for s in a.sentences)
    for e in a.entities:
        assert any(s.start <= e.start and e.end <= s.end for s in a.sentences)
    starts = [s.start for s in a.sentences]
    assert starts == sorted(starts)
    ents = sorted((e.start, e.end) for e in a.entities)
    assert all(e1 <= s2 for (_, e1), (s2, _) in zip(ents, ents[1:]))


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document())
def test_spans_slice_back_and_nest(text):
    check(text)


def test_paragraphs_are_lines_and_headings_their_own_sentence():
    text = ("Kết quả công tác nổi bật\n\nHội nghị đánh giá cao kết quả. GDP tăng 6,5%.\n\n"
            "Nhiệm vụ trọng tâm")
    a = analyze(text)
    assert [text[p.start:p.end] for p in a.paragraphs] == text.split("\n\n")
    sents = [(text[s.start:s.end], s.paragraph) for s in a.sentences]
    assert sents == [("Kết quả công tác nổi bật", 0), ("Hội nghị đánh giá cao kết quả.", 1),
                     ("GDP tăng 6,5%.", 1), ("Nhiệm vụ trọng tâm", 2)]


def test_tokens_align_despite_rewrites():
    text = "Thành uỷ và Tỉnh uỷ chỉ đạo hoà giải"  # underthesea returns "ủy", "hòa"
    a = analyze(text)
    words = [text[t.start:t.end] for t in a.tokens]
    assert "".join(words).replace(" ", "") == text.replace(" ", "")
    assert any("uỷ" in w for w in words)


def test_nfd_text_aligns_to_whole_characters():
    text = unicodedata.normalize("NFD", "Đồng chí Trương Thị Mai phát biểu.")
    a = analyze(text)
    for t in a.tokens:
        assert not unicodedata.combining(text[t.start])
        assert t.end == len(text) or not unicodedata.combining(text[t.end])
    assert "".join(text[t.start:t.end] for t in a.tokens).replace(" ", "") == text.replace(" ", "")


def test_align_skips_what_is_not_there():
    text = "abc déf ghi"
    assert align(text, ["abc", "zzz", "def", "ghi"], 0, len(text)) == [(0, 3), None, (4, 7), (8, 11)]


def test_old_tone_placement_gives_the_same_entities():
    text = ("Đồng chí Bí thư Tỉnh ủy Hoàng Duy Chinh chủ trì Hội nghị Ban Chấp hành Đảng bộ tỉnh; "
            "Ban Thường vụ Thành ủy Hà Nội bàn về thủy lợi và hòa giải.")
    old = old_style(text)
    assert old != text and len(old) == len(text)
    assert analyze(old).entities == analyze(text).entities
