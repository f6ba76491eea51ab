"""The rules alone: find_entities with no tokens or hand-made ones, so these
never load underthesea. Through the whole pipeline: test_entities_pipeline.py."""
from annotations.nlp.entities import find_entities, resolve
from annotations.text.vietnamese import fold_tones


def tokens(text: str, rows) -> list[tuple[int, int, str, str]]:
    """(start, end, pos, crf_tag) per (word, pos, chunk, crf_tag) row of ner(),
    each word found in order in text."""
    out, pos = [], 0
    for word, tag, _, crf in rows:
        start = text.index(word, pos)
        pos = start + len(word)
        out.append((start, pos, tag, crf))
    return out


def surfaces(text: str, toks=None) -> list[tuple[str, str]]:
    return [(text[a:b], lab) for a, b, lab in find_entities(text, toks)]


def test_old_tone_marks_fold():
    text = "Đồng chí dự họp cùng Thành uỷ và Ban Thường vụ Tỉnh uỷ."
    assert len(fold_tones(text)) == len(text)
    assert fold_tones("hoà bình, quý, thuỷ lợi, hoàng") == "hòa bình, quý, thủy lợi, hoàng"
    found = [(text[a:b], lab) for a, b, lab in find_entities(text)]
    assert ("Thành uỷ", "ORG") in found and ("Ban Thường vụ Tỉnh uỷ", "ORG") in found


def test_rules_run_without_tokens():
    text = "Ngày 3/2/2030, Bộ Công an và Chỉ thị số 5-CT/TW."
    found = {(text[a:b], lab) for a, b, lab in find_entities(text)}
    assert found >= {("Ngày 3/2/2030", "TIME"), ("Bộ Công an", "ORG"), ("Chỉ thị số 5-CT/TW", "DOC")}


def test_overlaps_resolve_longest_first():
    spans = resolve([(0, 10, "ORG", 1), (5, 20, "EVENT", 1), (20, 25, "LOC", 0), (22, 30, "PER", 1)])
    assert spans == [(5, 20, "EVENT"), (22, 30, "PER")]


def test_figure_takes_the_counted_noun_the_tagger_found():
    text = "Đặc xá cho 3.763 phạm nhân tại 63 tỉnh ủy."
    rows = [("Đặc xá", "N", "B-NP", "O"), ("cho", "E", "B-PP", "O"), ("3.763", "N", "B-NP", "O"),
            ("phạm nhân", "V", "B-VP", "O"), ("tại", "E", "B-PP", "O"), ("63", "N", "B-NP", "O"),
            ("tỉnh", "N", "B-NP", "O"), ("ủy", "V", "B-VP", "O"), (".", "CH", "O", "O")]  # ner() output
    assert surfaces(text, tokens(text, rows)) == [("3.763 phạm nhân", "NUM"), ("63 tỉnh ủy", "NUM")]
    assert surfaces(text) == [("3.763", "NUM"), ("63", "NUM")]  # no tagger, no noun


def test_crf_spans_are_cleaned_or_overruled():
    text = "Tại Trụ sở Trung ương Đảng, đồng chí Lương Cường tổng kết năm 2024 và quý 2."
    rows = [("Tại", "E", "B-PP", "O"), ("Trụ sở", "N", "B-NP", "B-LOC"), ("Trung ương", "N", "B-NP", "I-LOC"),
            ("Đảng", "Np", "B-NP", "I-LOC"), (",", "CH", "O", "O"), ("đồng chí", "N", "B-NP", "B-LOC"),
            ("Lương Cường", "Np", "B-NP", "I-LOC"), ("tổng kết", "V", "B-VP", "O"), ("năm", "N", "B-NP", "B-LOC"),
            ("2024", "M", "B-NP", "I-LOC"), ("và", "C", "O", "O"), ("quý", "N", "B-NP", "B-LOC"),
            ("2", "M", "B-NP", "I-LOC"), (".", "CH", "O", "O")]  # ner()'s rows, tags set to its known mistakes
    assert surfaces(text, tokens(text, rows)) == [("Trung ương Đảng", "ORG"), ("Lương Cường", "PER"),
                                                  ("năm 2024", "TIME"), ("quý 2", "TIME")]


def test_crf_name_kept_where_no_rule_sees_one_and_a_lone_word_dropped():
    text = "Thu ngân sách đạt 12.221 tỷ đồng, Barack Obama cho biết."
    rows = [("Thu", "Np", "B-NP", "B-PER"), ("ngân sách", "N", "B-NP", "O"), ("đạt", "V", "B-VP", "O"),
            ("12.221", "N", "B-NP", "O"), ("tỷ", "M", "B-NP", "O"), ("đồng", "Nu", "B-NP", "O"),
            (",", "CH", "O", "O"), ("Barack Obama", "Np", "B-NP", "B-PER"), ("cho", "V", "B-VP", "O"),
            ("biết", "V", "B-VP", "O"), (".", "CH", "O", "O")]  # ner() output
    assert surfaces(text, tokens(text, rows)) == [("12.221 tỷ đồng", "NUM"), ("Barack Obama", "PER")]
