"""The date grammar on real expressions, the report-date choice, the seeds."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.text.clean import clean
from annotations.text.dates import (
    EVIDENCE_MAX,
    date_of,
    find_date,
    find_mentions,
    is_dateline,
    parse_iso,
    report_year,
)

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def only(expr: str):
    mentions = find_mentions(expr)
    assert len(mentions) == 1, mentions
    m = mentions[0]
    return m.kind, m.year, m.month, m.day


# Expressions as they occur in reports (most from the seeds and similar news).
# Periods give the month they end: "6 tháng đầu năm 2023" ends in June.
@pytest.mark.parametrize("expr,expected", [
    ("Ngày 18/10/2024", ("date", 2024, 10, 18)),
    ("ngày 13-7-2023", ("date", 2023, 7, 13)),
    ("ngày 18 tháng 10 năm 2024", ("date", 2024, 10, 18)),
    ("Ngày 2 tháng 9 năm 1945", ("date", 1945, 9, 2)),
    ("ban hành ngày 25.10.2017", ("date", 2017, 10, 25)),
    ("ngày 01/01/2025", ("date", 2025, 1, 1)),
    ("ngày 29/2/2024", ("date", 2024, 2, 29)),
    ("Chiều 28-7", ("day_month", None, 7, 28)),
    ("Ngày 10/7", ("day_month", None, 7, 10)),
    ("Sáng 5/1", ("day_month", None, 1, 5)),
    ("Tối 31-12", ("day_month", None, 12, 31)),
    ("Trưa 2/9", ("day_month", None, 9, 2)),
    ("Rạng sáng 12/3", ("day_month", None, 3, 12)),
    ("Sáng thứ Hai (5/1)", ("day_month", None, 1, 5)),
    ("Chiều thứ Sáu, 28/7", ("day_month", None, 7, 28)),
    ("sáng nay 5-1", ("day_month", None, 1, 5)),
    ("Chủ nhật 3/9", ("day_month", None, 9, 3)),
    ("Hôm 20/11", ("day_month", None, 11, 20)),
    ("Tính đến ngày 25-7", ("day_month", None, 7, 25)),
    ("ngày 10 tháng 7 vừa qua", ("day_month", None, 7, 10)),
    ("6 tháng đầu năm 2023", ("months", 2023, 6, None)),
    ("9 tháng năm 2024", ("months", 2024, 9, None)),
    ("Hai tháng đầu năm 2025", ("months", 2025, 2, None)),
    ("sáu tháng cuối năm 2024", ("months", 2024, 12, None)),
    ("Chương trình đối ngoại 6 tháng cuối năm 2024", ("months", 2024, 12, None)),
    ("nửa đầu năm 2023", ("months", 2023, 6, None)),
    ("quý 3/2024", ("quarter", 2024, 9, None)),
    ("quý III năm 2024", ("quarter", 2024, 9, None)),
    ("quý 2-2024", ("quarter", 2024, 6, None)),
    ("quý IV/2023", ("quarter", 2023, 12, None)),
    ("quý I năm 2025", ("quarter", 2025, 3, None)),
    ("tháng 3/2025", ("month", 2025, 3, None)),
    ("tháng 10 năm 2024", ("month", 2024, 10, None)),
    ("trong tháng 12-2023", ("month", 2023, 12, None)),
    ("năm 2024", ("year", 2024, None, None)),
    ("Năm 2023, với tinh thần đoàn kết", ("year", 2023, None, None)),
    ("Từ nay đến hết năm 2024", ("year", 2024, None, None)),
])
def test_expression(expr, expected):
    assert only(expr) == expected


@pytest.mark.parametrize("expr", [
    "23/29 chỉ tiêu",                 # a fraction, no date word
    "tăng 6,93%",
    "3.763 phạm nhân",
    "Nghị quyết số 18-NQ/TW",
    "Chỉ thị số 24-CT/TƯ",
    "nhiệm kỳ 2020-2025",
    "bình quân 2 năm 2021-2022",
    "giai đoạn 2026 - 2030",
    "ngày 31/2/2024",                 # no such day
    "Ngày 30/2",
    "Chiều 32-7",
    "Sáng 5/13",
    "quý 5/2024",
    "tháng 13/2024",
    "năm 1800",                       # out of range for a report
    "ngày 18/10/20245",
    "1/2 số đại biểu",
    "Kỷ nguyên mới - Kỷ nguyên vươn mình",
])
def test_not_a_date(expr):
    assert find_mentions(expr) == []


@pytest.mark.parametrize("text,header,expected", [
    ("Ngày 18/10/2024, tại Hà Nội, Ban Bí thư họp.", None, ("2024-10-18", "text")),
    ("Chiều 28-7, hội nghị giao ban công tác 6 tháng đầu năm 2023.", None,
     ("2023-07-28", "text")),
    ("Ngày 10/7, hội nghị đánh giá quý 2, 6 tháng đầu năm 2024; đề ra nhiệm vụ quý 3/2024.",
     None, ("2024-07-10", "text")),
    # January meetings: reviewing last year -> held this year; planning -> same year
    ("Sáng 5/1, Tỉnh ủy tổ chức hội nghị tổng kết công tác năm 2023.", None,
     ("2024-01-05", "text")),
    ("Sáng 5/1, Tỉnh ủy tổ chức hội nghị triển khai nhiệm vụ năm 2024.", None,
     ("2024-01-05", "text")),
    ("Chiều 12/1, hội nghị đánh giá kết quả quý IV/2023 và cả năm 2023.", None,
     ("2024-01-12", "text")),
    # a cited date is not the report date; the report's year is
    ("Hội nghị quán triệt Chỉ thị số 24-CT/TƯ, ngày 13-7-2023 của Bộ Chính trị.\n\n"
     "Nhiệm vụ năm 2024 rất nặng nề. Năm 2024 là năm bản lề.", None, ("2024", "text")),
    ("Thực hiện Nghị quyết số 18-NQ/TW ngày 25/10/2017 của Ban Chấp hành Trung ương, "
     "tỉnh đã sắp xếp bộ máy trong năm 2024.", None, ("2024", "text")),
    # the meeting cannot predate a document it discusses
    ("Sáng 18/10, Ban Tuyên giáo quán triệt Nghị quyết số 57-NQ/TW ngày 22/12/2024 "
     "của Bộ Chính trị về phát triển khoa học, công nghệ.", None, ("2025-10-18", "text")),
    ("Một số bài viết ngày 10/7, hội nghị năm 2024 đã họp.", None, ("2024-07-10", "text")),
    ("Tính đến ngày 25-7, đã có 23 tỉnh ủy sơ kết 6 tháng đầu năm 2023.", None,
     ("2023", "text")),
    # targets, ranges and comparisons are not the year under discussion
    ("Kinh tế tăng so với cùng kỳ năm 2022; phấn đấu đến năm 2030, tầm nhìn đến năm 2045. "
     "Kết quả năm 2023 khả quan.", None, ("2023", "text")),
    # a narrated event later in the text still dates the report
    ("Tăng cường công tác xây dựng Đảng\n\nNội dung 1.\n\nNội dung 2.\n\n"
     "Chiều 3/8, Ban Thường vụ họp sơ kết 6 tháng đầu năm 2023.", None, ("2023-08-03", "text")),
    ("Ngày 10/7, hội nghị họp.", None, (None, "unknown")),  # no year anywhere
    ("Không có ngày tháng nào.", None, (None, "unknown")),
    # header first, refined by a day in the same month
    ("Ngày 10/7, tại Trụ sở Trung ương Đảng.", "2024-07", ("2024-07-10", "header")),
    ("Ngày 28/6, tại Trụ sở Trung ương Đảng.", "2024-07", ("2024-06-28", "header")),  # issue 11
    ("Ngày 28/5, tại Trụ sở Trung ương Đảng.", "2024-07", ("2024-07", "header")),
    ("Ngày 10/7, tại Trụ sở Trung ương Đảng.", "2024-07-02", ("2024-07-02", "header")),
    ("Ngày 10/7, tại Trụ sở Trung ương Đảng.", "2024", ("2024-07-10", "header")),
    ("Ngày 10/7/2023, tại Trụ sở Trung ương Đảng.", "2024-07", ("2024-07", "header")),
    ("Hội nghị năm 2023.", "2025-03", ("2025-03", "header")),
    ("Ngày 29/2, hội nghị họp.", "2023", ("2023", "header")),  # 2023 has no 29 February
    ("Ngày 29/2, hội nghị họp.", "2024-02", ("2024-02-29", "header")),
    ("Ngày 18/10/2024, tại Hà Nội.", "not a date", ("2024-10-18", "text")),
    ("Hội nghị đã họp.", "18/10/2024", ("2024-10-18", "header")),
    ("Ngày 10/7, hội nghị đã họp.", "tháng 7/2024", ("2024-07-10", "header")),
    ("Ngày 18/10/2024, tại Hà Nội.", "2024-13", ("2024-10-18", "text")),
])
def test_find_date(text, header, expected):
    assert find_date(text, header) == expected


# Issue 11: real pages. (text, header, lines cleaned out of the text) ->
# (date, date_source, date_evidence). Each rule comes with look-alikes that
# must not win: a dateline when the text has an event date, a plan year, a
# previous-month day that is not the meeting's date.
REAL_PAGES = [
    # the event date in the text beats a publication dateline
    ("Cập nhật: 09:42, 03/07/2023 (GMT+7)\n\nSáng 2/7, Thành ủy tổ chức hội nghị sơ kết "
     "6 tháng đầu năm 2023.", None, (), ("2023-07-02", "text", "Sáng 2/7")),
    ("Thứ Tư, 08/04/2015, 08:11 [GMT+7]\n\nNgày 7/4, Ban Thường vụ Tỉnh ủy họp cho ý kiến "
     "về công tác cán bộ.", None, (), ("2015-04-07", "text", "Ngày 7/4")),
    ("14:06, 07/10/2024 (GMT+7)\n\nChiều 6/10, tại Hà Nội, Bộ Chính trị làm việc với Ban "
     "Thường vụ Thành ủy về tình hình 9 tháng năm 2024.", None, (),
     ("2024-10-06", "text", "Chiều 6/10")),
    ("Cập nhật: 10:00, 20/10/2024 (GMT+7)\n\nNgày 18/10/2024, tại Hà Nội, Ban Bí thư họp.",
     None, (), ("2024-10-18", "text", "Ngày 18/10/2024")),
    ("Thứ Hai, ngày 14/10/2024 - 07:30\n\nNgày 12/10, Ban Tuyên giáo tổ chức hội nghị.",
     None, (), ("2024-10-12", "text", "Ngày 12/10")),
    # a day without a year falls on or before the day its page was posted
    ("Cập nhật: 08:15, 02/01/2024 (GMT+7)\n\nChiều 29/12, hội nghị triển khai nhiệm vụ "
     "năm 2024.", None, (), ("2023-12-29", "text", "Chiều 29/12")),
    ("Cập nhật: 07:00, 06/01/2024 (GMT+7)\n\nSáng 5/1, Tỉnh ủy tổng kết công tác năm 2023.",
     None, (), ("2024-01-05", "text", "Sáng 5/1")),
    # the dateline was cleaned out of the text: it still dates the page
    ("Sáng 5/1, Đảng ủy Khối tổ chức hội nghị.", None, ("Thứ Sáu, 05/01/2024, 15:30 [GMT+7]",),
     ("2024-01-05", "text", "Sáng 5/1")),
    ("Hội nghị đánh giá kết quả công tác năm 2022.", None,
     ("Cập nhật: 09:42, 03/07/2023 (GMT+7)",),
     ("2023-07-03", "text", "Cập nhật: 09:42, 03/07/2023 (GMT+7)")),
    ("Cập nhật: 09:42, 03/07/2023 (GMT+7)\n\nHội nghị đánh giá kết quả công tác năm 2022.",
     None, (), ("2023-07-03", "text", "Cập nhật: 09:42, 03/07/2023 (GMT+7)")),
    # look-alikes: sentences with a time and a date are not datelines
    ("Lúc 14:00 ngày 7/10/2024, Ban Chỉ đạo đã họp phiên thứ nhất.", None, (),
     ("2024-10-07", "text", "ngày 7/10/2024")),
    ("Đúng 8:00 sáng 10/7/2024, Đại hội đại biểu Đảng bộ tỉnh khai mạc.", None, (),
     ("2024-07-10", "text", "sáng 10/7/2024")),
    ("Sáng 20/12, hội nghị tổng kết năm 2024.", None,
     ("Hội nghị ngày 20/12/2023 tại Hà Nội. Ảnh: TTXVN",),  # a caption, not a dateline
     ("2024-12-20", "text", "Sáng 20/12")),
    # year-end reviews in November/December take the reviewed year
    ("Sáng ngày 01/12, Ban Chấp hành Đảng bộ tỉnh khai mạc Hội nghị lần thứ 12 để tổng kết "
     "năm 2017, bàn phương hướng, nhiệm vụ năm 2018.\n\nNăm 2018 là năm bản lề. Mục tiêu "
     "năm 2018 là tăng trưởng 7%; kế hoạch năm 2018 được thông qua.", None, (),
     ("2017-12-01", "text", "Sáng ngày 01/12")),
    ("Chiều 28/11, HĐND tỉnh khai mạc kỳ họp thứ 7, đánh giá kết quả thực hiện nhiệm vụ năm "
     "2019 và quyết định kế hoạch phát triển kinh tế - xã hội năm 2020. Dự toán ngân sách "
     "năm 2020 được thảo luận.", None, (), ("2019-11-28", "text", "Chiều 28/11")),
    ("Sáng ngày 1 tháng 12, Tỉnh ủy tổng kết công tác xây dựng Đảng và hệ thống chính trị "
     "năm 2017. Nhiệm vụ năm 2018 rất nặng nề; chỉ tiêu năm 2018 cao hơn.", None, (),
     ("2017-12-01", "text", "Sáng ngày 1 tháng 12")),
    # look-alikes: the year under review is this year's
    ("Chiều 20/11, Thành ủy sơ kết 10 tháng năm 2023, triển khai nhiệm vụ 2 tháng cuối "
     "năm 2023.", None, (), ("2023-11-20", "text", "Chiều 20/11")),
    ("Sáng 5/12, Tỉnh ủy sơ kết 11 tháng năm 2024; kết quả năm 2023 được phát huy. Kế hoạch "
     "năm 2025 và nhiệm vụ năm 2025 được bàn.", None, (), ("2024-12-05", "text", "Sáng 5/12")),
    ("Sáng 15/12, Tỉnh ủy tổng kết công tác năm 2022. Kết quả năm 2022 khả quan. Năm 2023 "
     "tiếp tục đổi mới.", None, (), ("2022-12-15", "text", "Sáng 15/12")),
    ("Sáng 3/10, Tỉnh ủy tổng kết năm 2017, bàn nhiệm vụ năm 2018. Kế hoạch năm 2018.",
     None, (), ("2018-10-03", "text", "Sáng 3/10")),  # October: not a year-end review
    # the January/February rule stays: a plan year in a January report
    ("Sáng 8/1, Đảng ủy tổng kết năm 2023. Kết quả năm 2023 vượt kế hoạch. Năm 2023 là năm "
     "khó khăn. Nhiệm vụ năm 2024 nặng nề.", None, (), ("2024-01-08", "text", "Sáng 8/1")),
    ("Sáng 10/1, UBND tỉnh triển khai kế hoạch năm 2024; mục tiêu năm 2024 là tăng trưởng "
     "8%.", None, (), ("2024-01-10", "text", "Sáng 10/1")),
    ("Chiều 20/2, Ban Thường vụ tổng kết công tác năm 2023 và triển khai nhiệm vụ năm 2024.",
     None, (), ("2024-02-20", "text", "Chiều 20/2")),
    # a header month (often when the page was posted) refined by the meeting's day
    ("Ngày 29-9, Ban Thường vụ Tỉnh ủy tổ chức hội nghị quán triệt nghị quyết.", "2023-10", (),
     ("2023-09-29", "header", "Ngày 29-9")),
    ("Chiều 30-12, Tỉnh ủy tổng kết công tác năm 2023.", "2024-01", (),
     ("2023-12-30", "header", "Chiều 30-12")),
    ("Ngày 28/12/2023, Ban Bí thư làm việc với Tỉnh ủy.", "2024-01", (),
     ("2023-12-28", "header", "Ngày 28/12/2023")),
    ("Ngày 29-9, hội nghị đã họp.", "tháng 10/2023", (), ("2023-09-29", "header", "Ngày 29-9")),
    ("Ngày 3-10, hội nghị đã họp.", "2023-10", (), ("2023-10-03", "header", "Ngày 3-10")),
    # look-alikes: previous-month days that are not the meeting's date
    ("Tính đến ngày 29-9, toàn tỉnh đã kết nạp 1.200 đảng viên.", "2023-10", (),
     ("2023-10", "header", "2023-10")),
    ("Thực hiện Kết luận số 21-KL/TW ngày 29-9 của Ban Chấp hành Trung ương, Tỉnh ủy đã "
     "ban hành kế hoạch.", "2023-10", (), ("2023-10", "header", "2023-10")),
    ("Ngày 28-8, hội nghị đã họp.", "2023-10", (), ("2023-10", "header", "2023-10")),
    ("Ngày 29-9, Bộ Chính trị ban hành Quy định số 131. Sáng 3-10, Tỉnh ủy tổ chức hội nghị "
     "quán triệt.", "2023-10", (), ("2023-10-03", "header", "Sáng 3-10")),
    ("Hội nghị quán triệt nghị quyết.\n\nNội dung một.\n\nNội dung hai.\n\nNgày 29-9 "
     "vừa qua, Ban Thường vụ đã chỉ đạo.", "2023-10", (), ("2023-10", "header", "2023-10")),
    ("Ngày 28/12/2022, Ban Bí thư làm việc với Tỉnh ủy.", "2024-01", (),
     ("2024-01", "header", "2024-01")),
    ("Ngày 29-9, hội nghị đã họp.", "2023-10-02", (), ("2023-10-02", "header", "2023-10-02")),
    ("Ngày 29-8, hội nghị đã họp.", "2023-10", ("date 2023-10", "Xem thêm"),  # the header line
     ("2023-10", "header", "date 2023-10")),
    # the phrase of a year or a cited date; nothing when nothing dates it
    ("Hội nghị quán triệt Chỉ thị số 24-CT/TƯ, ngày 13-7-2023 của Bộ Chính trị.\n\n"
     "Nhiệm vụ năm 2024 rất nặng nề. Năm 2024 là năm bản lề.", None, (),
     ("2024", "text", "năm 2024")),
    ("Sáng thứ Hai (5/1), Tỉnh ủy tổ chức hội nghị triển khai nhiệm vụ năm 2026.", None, (),
     ("2026-01-05", "text", "Sáng thứ Hai (5/1)")),
    ("Không có ngày tháng nào.", None, (), (None, "unknown", "")),
]


@pytest.mark.parametrize("text,header,removed,expected", REAL_PAGES)
def test_real_pages(text, header, removed, expected):
    found = date_of(text, header, removed)
    assert found == expected
    if found.evidence:  # an exact phrase of the text, the header or a removed line
        assert any(found.evidence in where for where in (text, header or "", *removed))


def test_a_dateline_cleaned_out_of_a_page_still_dates_it():
    raw = ("Chính trị\nTỉnh ủy tổng kết công tác năm 2023\nCập nhật: 08:15, 02/01/2024 (GMT+7)\n"
           "Chiều 29/12, Tỉnh ủy tổng kết công tác năm 2023, triển khai nhiệm vụ năm 2024. "
           "Năm 2024 là năm bứt phá; kế hoạch năm 2024 được thông qua.\n")
    cleaned = clean(raw)
    assert "GMT" not in cleaned.text  # removed as noise, kept in ``removed``
    found = date_of(cleaned.text, cleaned.header_date, [line for line, _ in cleaned.removed])
    assert found == ("2023-12-29", "text", "Chiều 29/12")


@pytest.mark.parametrize("line,dateline", [
    ("Cập nhật: 09:42, 03/07/2023 (GMT+7)", True),
    ("Thứ Tư, 08/04/2015, 08:11 [GMT+7]", True),
    ("14:06, 07/10/2024 (GMT+7)", True),
    ("Thứ Hai, ngày 14/10/2024 - 07:30", True),
    ("Ngày 18/10/2024", False),  # a date alone may be the event's
    ("Lúc 14:00 ngày 7/10/2024, Ban Chỉ đạo đã họp.", False),
    ("Cập nhật lúc 09:42", False),  # no date
])
def test_dateline(line, dateline):
    assert is_dateline(line) is dateline


@pytest.mark.parametrize("stem,expected", [
    ("000_04edcb8ab5506732", ("2025-03", "header")),
    ("001_8efd81b505d29727", ("2024-10-18", "text")),
    ("002_3e02a63f107bf8c3", ("2024-07-10", "header")),  # header 2024-07 + "Ngày 10/7"
    ("003_211755ac7683c90c", ("2024", "text")),  # reviews 2023 (x3), plans 2024 (x6)
    ("004_0e0ad6727c6305cf", ("2023-07-28", "text")),  # "Chiều 28-7" + "6 tháng đầu năm 2023"
])
def test_seed_dates(stem, expected):
    cleaned = clean((SEEDS / f"{stem}.txt").read_text(encoding="utf-8"))
    assert find_date(cleaned.text, cleaned.header_date) == expected


def test_seed_004_cited_directive_is_not_the_date():
    text = clean((SEEDS / "004_0e0ad6727c6305cf.txt").read_text(encoding="utf-8")).text
    assert "ngày 13-7-2023" in text
    assert any(m.day == 13 and m.year == 2023 for m in find_mentions(text))
    assert find_date(text)[0] != "2023-07-13"


def test_report_year_ties_go_to_the_later_year():
    assert report_year("Kết quả năm 2023. Nhiệm vụ năm 2024.") == 2024
    assert report_year("Quý 3/2023 và năm 2024.") == 2023  # sub-year periods weigh double


@pytest.mark.parametrize("value,parts", [
    ("2024", (2024, None, None)), ("2024-07", (2024, 7, None)),
    ("2024-07-10", (2024, 7, 10)), ("2024-07-10T08:30:00Z", (2024, 7, 10)),
    ("2024-02-30", None), ("2024-7", None), ("24-07-10", None), ("", None), (None, None),
])
def test_parse_iso(value, parts):
    assert parse_iso(value) == parts


@settings(max_examples=150, deadline=None)
@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31)),
       st.sampled_from(["Ngày {d}/{m}/{y}", "ngày {d}-{m}-{y}", "ngày {d} tháng {m} năm {y}",
                        "Ngày {d:02d}/{m:02d}/{y}"]))
def test_property_any_valid_date_parses_back(day, template):
    text = template.format(d=day.day, m=day.month, y=day.year) + ", hội nghị đã họp."
    assert find_date(text) == (day.isoformat(), "text")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789/-. ngàytháng năm quý Chiều Sáng,\n")),
               max_size=80))
def test_property_find_date_is_total_and_valid(text):
    iso, source, evidence = date_of(text)
    assert (iso, source) == find_date(text)
    assert source in ("text", "unknown")
    assert (iso is None) == (source == "unknown") == (evidence == "")
    if iso:
        assert parse_iso(iso) is not None
        # one line, bounded, and a phrase of the text (its whitespace made single spaces)
        assert "\n" not in evidence and len(evidence) <= EVIDENCE_MAX
        assert evidence in " ".join(text.split())
