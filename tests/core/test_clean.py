"""Cleaning rules, each tried on the seeds and on near misses that must stay."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.text import noise
from annotations.text.clean import TITLE_MAX, CleanError, clean

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def seed(stem: str) -> str:
    return (SEEDS / f"{stem}.txt").read_text(encoding="utf-8")


def paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


def reasons(cleaned) -> dict[str, str]:
    return {line: why for line, why in cleaned.removed}


ALL_SEEDS = sorted(p.stem for p in SEEDS.glob("*.txt"))


# ---------------------------------------------------------------- the seeds

def test_seed_000_header_and_heading_title():
    c = clean(seed("000_04edcb8ab5506732"))
    assert c.header_date == "2025-03"
    assert c.text.startswith("Kết quả công tác nổi bật\n\nHội nghị thống nhất")
    assert "date 2025" not in c.text
    assert c.title == "Kết quả công tác nổi bật"
    assert reasons(c) == {"date 2025-03": "date header"}


def test_seed_001_title_is_short_first_sentence():
    c = clean(seed("001_8efd81b505d29727"))
    assert c.header_date is None and c.removed == [] and c.byline == ""
    assert c.title.startswith("Ngày 18/10/2024, tại Trụ sở Trung ương Đảng")
    assert c.title.endswith("…") and len(c.title) <= TITLE_MAX + 1
    assert c.text.split("\n")[0].startswith(c.title[:-1])  # cut on a word boundary
    assert c.text[len(c.title) - 1] == " "


def test_seed_002_credit_and_byline():
    c = clean(seed("002_3e02a63f107bf8c3"))
    assert c.header_date == "2024-07" and c.byline == "TTXVN"
    assert "Theo TTXVN" not in c.text
    caption = ("Ông Lương Cường, Ủy viên Bộ Chính trị, Thường trực Ban Bí thư phát biểu "
               "chỉ đạo hội nghị. (Ảnh: Phương Hoa/TTXVN)")
    assert caption in paragraphs(c.text)  # a caption keeps its credit: kept, classified
    assert noise.paragraph_kinds(paragraphs(c.text))[paragraphs(c.text).index(caption)] == "caption"
    assert reasons(c) == {"date 2024-07": "date header", "Theo TTXVN": "byline"}
    assert c.text.endswith("công tác nội bộ.")


def test_seed_003_player_duplicate_caption_and_more_link():
    raw = seed("003_211755ac7683c90c")
    c = clean(raw)
    caption = "Đồng chí Bí thư Tỉnh ủy Hoàng Duy Chinh phát biểu tại Hội nghị Ban Chấp hành Đảng bộ tỉnh."
    assert raw.count(caption) == 2 and paragraphs(c.text).count(caption) == 1
    assert [why for _, why in c.removed] == [
        "media player", "media player", "repeated line (duplicate caption)",
        "related-links link"]
    assert "0:00" not in c.text and "Xem thêm" not in c.text
    paras = paragraphs(c.text)
    assert paras[0] == c.title == ("Bắt tay vào thực hiện nhiệm vụ ngay từ những ngày đầu, "
                                   "tháng đầu của năm")
    assert paras[1].startswith("BBK - Quán triệt")  # the agency code stays: it is text
    assert paras[2] == caption


def test_seed_004_copyright_and_single_newlines():
    raw = seed("004_0e0ad6727c6305cf")
    c = clean(raw)
    assert list(reasons(c).values()) == ["copyright notice"]
    assert "Không sao chép" not in c.text
    assert len(paragraphs(c.text)) == len(raw.strip().split("\n")) - 1
    assert c.text.startswith("Chiều 28-7, đồng chí Trương Thị Mai")


@pytest.mark.parametrize("stem", ALL_SEEDS)
def test_seed_never_loses_a_real_line(stem):
    """Every source line is either a paragraph or listed in ``removed``; a
    trimmed credit is the only change inside a kept line."""
    raw = unicodedata.normalize("NFC", seed(stem))
    c = clean(raw)
    kept = paragraphs(c.text)
    gone = {line for line, _ in c.removed}
    for line in (ln.strip() for ln in raw.split("\n")):
        if not line or line in gone:
            continue
        if line.startswith("date "):  # the header shares its line with the title
            line = line.split(" ", 2)[2]
        assert line in kept or any(line.startswith(p) for p in kept), line


@pytest.mark.parametrize("stem", ALL_SEEDS)
def test_seed_canonical_form(stem):
    c = clean(seed(stem))
    assert unicodedata.is_normalized("NFC", c.text)
    for p in paragraphs(c.text):
        assert p and p == p.strip() and "  " not in p and "\n" not in p


# ---------------------------------------------------------------- rules

@pytest.mark.parametrize("line,reason", [
    ("0:00 / 0:00", "media player"),
    ("0:00", "media player"),
    ("12:34 / 1:02:03", "media player"),
    ("Xem thêm", "related-links link"),
    ("Xem thêm:", "related-links link"),
    ("Tin liên quan", "related-links link"),
    ("ĐỌC THÊM >>", "related-links link"),
    ("(*) Không sao chép dưới mọi hình thức khi chưa có sự đồng ý bằng văn bản của Báo Hànộimới.",
     "copyright notice"),
    ("© 2024 Báo Nhân Dân. Mọi quyền được bảo lưu.", "copyright notice"),
    ("Copyright © Báo điện tử Đảng Cộng sản Việt Nam", "copyright notice"),
    ("Bản quyền thuộc Báo Hà Nội Mới", "copyright notice"),
    ("(Ảnh: Phương Hoa/TTXVN)", "photo credit"),
    ("Ảnh: TTXVN", "photo credit"),
    ("Ảnh minh họa", "photo credit"),
    ("* * *", "separator (no text)"),
    ("-----", "separator (no text)"),
])
def test_noise_line_removed(line, reason):
    c = clean(f"Hội nghị đã họp.\n{line}\nHội nghị đã kết thúc.")
    assert c.text == "Hội nghị đã họp.\n\nHội nghị đã kết thúc."
    assert c.removed == [(line, reason)]


@pytest.mark.parametrize("line", [
    "Lúc 10:30, hội nghị khai mạc.",
    "Xem thêm các văn bản hướng dẫn tại Cổng thông tin điện tử của tỉnh.",
    "Bản quyền tác giả được bảo hộ theo quy định của pháp luật.",
    "Không sao chép máy móc kinh nghiệm của địa phương khác là bài học lớn." * 5,
    "Ảnh hưởng của thiên tai đến sản xuất nông nghiệp là rất lớn.",
    "Nguồn: Tổng cục Thống kê",          # a data source in the body stays
    "[bold]Hội nghị[/] đã họp [link=x]tại đây[/link].",  # markup is only text
    "Tin liên quan đến vụ việc đã được báo cáo Ban Bí thư.",
    "2024",
])
def test_near_misses_stay(line):
    c = clean(f"Hội nghị đã họp.\n{line}\nHội nghị đã kết thúc.")
    assert paragraphs(c.text) == ["Hội nghị đã họp.", line, "Hội nghị đã kết thúc."]
    assert c.removed == []


def test_credit_at_end_of_a_caption_stays_with_it():
    line = "Ông A phát biểu chỉ đạo hội nghị. (Ảnh: Phương Hoa/TTXVN)"
    c = clean(f"{line}\nHội nghị bế mạc.")
    assert paragraphs(c.text) == [line, "Hội nghị bế mạc."] and c.removed == []
    assert noise.is_caption(line)


@pytest.mark.parametrize("body", [
    "Hội nghị đã họp. Các đại biểu thảo luận sôi nổi. Hội nghị thống nhất cao.",
    "Hội nghị đã thống nhất các nội dung.",  # one sentence, but report text ("đã")
])
@pytest.mark.parametrize("credit", ["(Ảnh: Phương Hoa/TTXVN)", "Ảnh: Dương Giang/TTXVN"])
def test_credit_at_end_of_a_body_paragraph_is_trimmed(credit, body):
    c = clean(f"{body} {credit}\nHội nghị bế mạc.")
    assert paragraphs(c.text) == [body, "Hội nghị bế mạc."]
    assert c.removed == [(credit, "photo credit")]


def test_parenthesised_source_inside_sentence_stays():
    line = "GDP tăng 6,42% (Nguồn: Tổng cục Thống kê) so với cùng kỳ."
    assert clean(line + "\nHết.").text.startswith(line)


@pytest.mark.parametrize("last,byline", [
    ("Theo TTXVN", "TTXVN"),
    ("(Theo TTXVN)", "TTXVN"),
    ("Theo Báo Nhân Dân", "Báo Nhân Dân"),
    ("Nguồn: VOV", "VOV"),
    ("Theo TTXVN.", "TTXVN"),
])
def test_byline_last_line(last, byline):
    c = clean(f"Hội nghị đã họp.\n\n{last}\n")
    assert (c.text, c.byline) == ("Hội nghị đã họp.", byline)
    assert c.removed == [(last, "byline")]


@pytest.mark.parametrize("last", [
    "Theo kế hoạch, hội nghị sẽ tổ chức vào tháng 10.",
    "Theo đó, các tỉnh ủy cần tập trung lãnh đạo",
    "Theo Nghị quyết, các cơ quan phải báo cáo trước ngày 30/9.",
])
def test_sentence_starting_with_theo_is_not_a_byline(last):
    c = clean(f"Hội nghị đã họp.\n{last}")
    assert c.byline == "" and paragraphs(c.text)[-1] == last


def test_byline_before_trailing_noise():
    c = clean("Hội nghị đã họp.\nTheo TTXVN\nXem thêm\n0:00")
    assert (c.text, c.byline) == ("Hội nghị đã họp.", "TTXVN")


def test_byline_only_on_the_last_line():
    c = clean("Theo TTXVN\nHội nghị đã họp.")
    assert c.byline == "" and c.text.startswith("Theo TTXVN")


def test_only_non_adjacent_repeats_are_kept():
    c = clean("Nhiệm vụ\nA họp.\nA họp.\n\nA họp.\nB họp.\nA họp.")
    assert paragraphs(c.text) == ["Nhiệm vụ", "A họp.", "B họp.", "A họp."]
    assert [why for _, why in c.removed] == ["repeated line (duplicate caption)"] * 2


def test_controls_ansi_tabs_and_nfd():
    raw = ("\x1b[1;31mHội nghị\x1b[0m\tđã\u00a0\u00a0họp.\x07\r\n"
           "\x1b]8;;http://x\x1b\\Liên kết\x1b]8;;\x1b\\ ở đây\u200b.\x00\r"
           + unicodedata.normalize("NFD", "Xóa nhà tạm."))
    c = clean(raw)
    assert c.text == "Hội nghị đã họp.\n\nLiên kết ở đây.\n\nXóa nhà tạm."
    assert unicodedata.is_normalized("NFC", c.text)


def test_header_variants():
    assert clean(" date 2025-10-22 Tiêu đề\n\nNội dung.").header_date == "2025-10-22"
    c = clean("date 2025-13 Tiêu đề\nNội dung.")
    assert c.header_date is None and c.text.startswith("Tiêu đề")
    assert c.removed == [("date 2025-13", "invalid date header")]
    # "date" later in the text is just a word
    assert clean("Update date 2025-03 là ngày.").header_date is None


@pytest.mark.parametrize("raw,message", [
    ("0:00 / 0:00\n0:00\nXem thêm\n", "only web noise (3 lines removed), no report text"),
    ("(*) Không sao chép dưới mọi hình thức.\n© 2024", "only web noise (2 lines removed)"),
    (" date 2024-07 \n\n", "only a date header"),
    ("\x1b[0m\x07\n\t", "no text"),
    ("", "no text"),
])
def test_nothing_left(raw, message):
    with pytest.raises(CleanError, match=message.replace("(", r"\(").replace(")", r"\)")):
        clean(raw)


# ---------------------------------------------------------------- titles

@pytest.mark.parametrize("first,title", [
    ("Kết quả công tác nổi bật", "Kết quả công tác nổi bật"),
    ("Hội nghị đã họp.", "Hội nghị đã họp"),
    ("Hội nghị Ban Chấp hành Đảng bộ TP. Hồ Chí Minh đã họp. Hội nghị bàn nhiều việc.",
     "Hội nghị Ban Chấp hành Đảng bộ TP. Hồ Chí Minh đã họp"),
    ("Tăng trưởng đạt 6.5 phần trăm. Tiếp theo.", "Tăng trưởng đạt 6.5 phần trăm"),
    ("Nhiệm vụ trọng tâm:", "Nhiệm vụ trọng tâm"),
])
def test_title(first, title):
    assert clean(first + "\nNội dung tiếp theo.").title == title


def test_long_title_cut_on_word_boundary():
    words = "Hội nghị đánh giá kết quả thực hiện nhiệm vụ chính trị của các cơ quan đảng ở Trung ương"
    c = clean(words + " trong sáu tháng đầu năm và triển khai nhiệm vụ sáu tháng cuối năm.")
    assert c.title.endswith("…") and len(c.title) <= TITLE_MAX + 1
    assert words.startswith(c.title[:-1]) and words[len(c.title) - 1] == " "


# ---------------------------------------------------------------- properties

NOISE = ["0:00 / 0:00", "0:00", "Xem thêm", "(Ảnh: TTXVN)", "© 2024 Báo Nhân Dân",
         "(*) Không sao chép dưới mọi hình thức.", "***", "", "   "]
REAL = [p for stem in ALL_SEEDS for p in clean(seed(stem)).text.split("\n\n")]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(REAL), min_size=1, max_size=8, unique=True),
       st.lists(st.sampled_from(NOISE), max_size=8), st.randoms())
def test_property_noise_goes_real_lines_stay_in_order(real, noise, rnd):
    lines = [(p, True) for p in real] + [(n, False) for n in noise]
    rnd.shuffle(lines)
    ordered_real = [p for p, is_real in lines if is_real]
    c = clean("\n".join(p for p, _ in lines))
    assert paragraphs(c.text) == ordered_real


CONTROL_HEAVY = st.text(alphabet=st.one_of(
    st.sampled_from(list("\x00\x07\x1b[m;0123\t\r\n\x0b\x0c\x85\u2028\u200b\ufeff\u00a0 ")),
    st.sampled_from(list("aăâđêôơưAĐ")),
    st.sampled_from(list("\u0300\u0301\u0303\u0309\u0323")),
    st.characters(codec="utf-8"),
), max_size=200)


@settings(max_examples=300, deadline=None)
@given(CONTROL_HEAVY)
def test_property_output_is_canonical(raw):
    try:
        c = clean(raw)
    except CleanError as exc:
        assert str(exc)
        return
    assert unicodedata.is_normalized("NFC", c.text)
    assert "\x1b" not in c.text
    assert not any(unicodedata.category(ch) in ("Cc", "Cf") for ch in c.text if ch != "\n")
    for p in paragraphs(c.text):
        assert p and p == p.strip() and "  " not in p and "\n" not in p
    assert c.title and "\n" not in c.title


def test_every_control_and_format_character_is_removed():
    """The cleaner's character class must cover Unicode's Cc and Cf categories."""
    import sys

    from annotations.text.clean import _strip_controls

    invisible = "".join(chr(cp) for cp in range(sys.maxunicode + 1)
                        if unicodedata.category(chr(cp)) in ("Cc", "Cf") and chr(cp) not in "\n\t")
    assert _strip_controls("a" + invisible + "b").replace("\n", "") == "ab"


def test_byline_above_a_related_links_block():
    c = clean("Tiêu đề bài\nHội nghị đã họp.\nMinh Anh\nTin liên quan\n"
              "Bắc Kạn: Sơ kết 5 năm thực hiện Chỉ thị 05\nHội nghị Ban Chấp hành lần thứ 20")
    assert c.text == "Tiêu đề bài\n\nHội nghị đã họp." and c.byline == "Minh Anh"
    assert [why for _, why in c.removed] == ["related-links link"] * 3 + ["byline"]
