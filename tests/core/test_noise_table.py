"""Never lose a real sentence: a table of web-noise lines of the kinds seen on
report pages, each with what must happen to it (removed with a reason, or kept
and classified a caption), and a table of real body sentences that look like
them and must stay body. Every line is set in a small page (headline, lead,
body) at the place it is met on real pages: before the headline (``start``),
just under it (``top``), inside the text (``middle``) or at the end (``end``).
The lines are written for this test in the style of government and Party
report pages.
"""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.text.clean import clean
from annotations.text.noise import paragraph_kinds

HEADLINE = "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 15"
LEAD = ("Sáng 12/7, Ban Chấp hành Đảng bộ tỉnh tổ chức Hội nghị lần thứ 15 để đánh giá "
        "tình hình thực hiện nhiệm vụ 6 tháng đầu năm.")
BODY = "Hội nghị đã thảo luận, thống nhất các nhiệm vụ trọng tâm 6 tháng cuối năm 2024."
CAPTION = "caption"


def page(line: str, where: str) -> str:
    rows = {"start": [line, HEADLINE, LEAD, BODY], "top": [HEADLINE, line, LEAD, BODY],
            "middle": [HEADLINE, LEAD, line, BODY], "end": [HEADLINE, LEAD, BODY, line],
            "twice": [HEADLINE, LEAD, line, line, BODY]}[where]
    return "\n".join(rows)


# (line, where, expected): a removal reason, or CAPTION (kept, classified)
NOISE = [
    # photo captions: kept, classified
    ("Toàn cảnh hội nghị.", "middle", CAPTION),
    ("Quang cảnh buổi làm việc.", "middle", CAPTION),
    ("Một góc hội nghị tại điểm cầu Trung ương.", "middle", CAPTION),
    ("Quang cảnh phiên khai mạc Kỳ họp thứ 18 HĐND tỉnh khóa XVI.", "middle", CAPTION),
    ("Đồng chí Nguyễn Văn Hùng, Bí thư Tỉnh ủy phát biểu khai mạc Hội nghị. |", "middle", CAPTION),
    ("Các đồng chí đại biểu dự hội nghị.", "middle", CAPTION),
    ("Đồng chí Trần Thị Lan, Phó Bí thư Thường trực Tỉnh ủy chủ trì hội nghị.", "middle", CAPTION),
    ("Ông Lê Minh Tuấn, Chủ tịch UBND tỉnh phát biểu tại buổi làm việc.", "middle", CAPTION),
    ("Bộ trưởng Phạm Quang Hưng thăm gian trưng bày sản phẩm OCOP.", "middle", CAPTION),
    ("Lãnh đạo tỉnh chụp ảnh lưu niệm với các đại biểu.", "middle", CAPTION),
    ("Các đại biểu dâng hương tại Khu di tích lịch sử Đền Hùng.", "middle", CAPTION),
    ("Đồng chí Bí thư Huyện ủy tặng quà hộ nghèo. |", "middle", CAPTION),
    ("Các đồng chí lãnh đạo bấm nút khởi công dự án.", "middle", CAPTION),
    ("Đoàn công tác kiểm tra tiến độ thi công công trình.", "middle", CAPTION),
    ("Đồng chí Bí thư Tỉnh ủy trao Huy hiệu 55 năm tuổi Đảng cho đảng viên. "
     "Ảnh: Dương Giang/TTXVN", "middle", CAPTION),
    ("Các đại biểu biểu quyết thông qua Nghị quyết hội nghị. Ảnh: Minh Đức", "middle", CAPTION),
    ("Đại biểu dự hội nghị tại điểm cầu tỉnh. (Ảnh: Thu Hà)", "middle", CAPTION),
    ("Thủ tướng Chính phủ dự và phát biểu chỉ đạo hội nghị. Ảnh: VGP/Nhật Bắc", "middle", CAPTION),
    ("Toàn cảnh Hội nghị trực tuyến toàn quốc. Ảnh: TTXVN", "middle", CAPTION),
    ("Đại tướng Lương Tam Quang phát biểu tại hội nghị - Ảnh: Bộ Công an", "middle", CAPTION),
    ("Đồng chí Hoàng Thu Trang trình bày tham luận tại Đại hội. (Ảnh: PV)", "middle", CAPTION),
    ("Các đại biểu tham quan mô hình sản xuất nông nghiệp công nghệ cao. Ảnh: Hồng Nhung",
     "middle", CAPTION),
    (HEADLINE, "middle", CAPTION),  # a caption repeating the headline
    ("Ảnh 2: Các đại biểu dự hội nghị tại điểm cầu huyện.", "middle", CAPTION),
    ("Đồng chí Bí thư Tỉnh ủy phát biểu tại Hội nghị Ban Chấp hành Đảng bộ tỉnh.", "twice",
     CAPTION),  # the second copy goes as a repeat
    # publication datelines
    ("Cập nhật: 09:42, 03/07/2023 (GMT+7)", "start", "publication dateline"),
    ("Thứ Tư, 08/04/2015, 08:11 [GMT+7]", "top", "publication dateline"),
    ("14:06, 07/10/2024 (GMT+7)", "top", "publication dateline"),
    ("Thứ Hai, 12/02/2024 - 10:15", "start", "publication dateline"),
    ("Cập nhật ngày: 15/03/2024 16:30:05", "top", "publication dateline"),
    ("Đăng lúc: 07:30 20/11/2023", "top", "publication dateline"),
    ("Chủ nhật, ngày 05 tháng 11 năm 2023", "top", "publication dateline"),
    ("21/08/2023 | 15:20", "start", "publication dateline"),
    ("Thứ bảy, 16/12/2023 09:00 (GMT+07:00)", "top", "publication dateline"),
    ("2024-10-07 14:06", "top", "publication dateline"),
    ("Ngày đăng: 03/07/2023", "start", "publication dateline"),
    ("Thứ 5, 14/9/2023 | 17:45", "middle", "publication dateline"),
    ("Kinh tế | 14:06, 07/10/2024", "start", "publication dateline"),
    # section labels before the headline
    ("Chính trị", "start", "section label"),
    ("Thời sự", "start", "section label"),
    ("Xã hội", "start", "section label"),
    ("Xây dựng Đảng", "start", "section label"),
    ("Trang chủ > Thời sự > Chính trị", "start", "section label"),
    ("Tin tức - Sự kiện", "start", "section label"),
    ("Chính trị | Xây dựng Đảng", "start", "section label"),
    ("Đối ngoại", "start", "section label"),
    ("Nông thôn mới", "start", "section label"),  # not in the vocabulary: by its shape
    ("Bạn đang ở: Trang chủ > Tin tức", "start", "section label"),
    # bylines: a bare name at the start or the end
    ("Thu Hằng", "end", "byline"),
    ("Nguyễn Hoàng", "top", "byline"),
    ("Phạm Ngọc Lan", "top", "byline"),
    ("Minh Anh - Quốc Việt", "end", "byline"),
    ("Trần Hải (TTXVN)", "end", "byline"),
    ("Lê Hương, Thu Trang", "end", "byline"),
    ("Nhóm PV", "end", "byline"),
    ("Bài và ảnh: Lê Thanh Hà", "end", "byline"),
    ("Tin, ảnh: Hoàng Sơn", "middle", "byline"),
    ("Tác giả: Nguyễn Minh Đức", "end", "byline"),
    ("Hồng Nhung - Văn Thành (Ban Tuyên giáo Tỉnh ủy)", "end", "byline"),
    ("Văn phòng Tỉnh ủy", "end", "byline"),
    ("PV/VOV.VN", "end", "byline"),
    # CMS placeholders, image file names, web addresses
    ("Nhập dẫn lời", "middle", "CMS placeholder"),
    ("Nhập nội dung", "middle", "CMS placeholder"),
    ("Chú thích ảnh", "middle", "CMS placeholder"),
    ("Enter caption", "middle", "CMS placeholder"),
    ("Đang tải...", "middle", "CMS placeholder"),
    ("b9dbf9c1e3a24f0b8d2e-1701523185.jpg", "middle", "image file name"),
    ("anh-hoi-nghi-tinh-uy-2024.png", "middle", "image file name"),
    ("IMG_20231120_083015.JPG", "top", "image file name"),
    ("z4923458301234_6f1b.jpg?width=800", "middle", "image file name"),
    ("https://tinhuy.example.vn/tin-tuc/hoi-nghi-lan-thu-15.html", "end", "web address"),
    # related links
    (">> Tỉnh ủy tổ chức hội nghị sơ kết 6 tháng đầu năm", "middle", "related-links link"),
    (">> Xem thêm: Hội nghị Ban Thường vụ Tỉnh ủy tháng 9", "middle", "related-links link"),
    ("Tin liên quan", "end", "related-links link"),
    ("Xem thêm: Đồng chí Bí thư Tỉnh ủy làm việc với Đảng ủy Khối", "middle", "related-links link"),
    ("Đọc thêm: Kết quả thực hiện Nghị quyết Đại hội", "end", "related-links link"),
    ("» Thường trực Tỉnh ủy giao ban công tác tháng 10", "middle", "related-links link"),
    ("Bài liên quan:", "end", "related-links link"),
    ("Tin đọc nhiều", "end", "related-links link"),
    ("Tin liên quan\nTỉnh ủy giao ban công tác quý III\nBắc Kạn: Sơ kết 5 năm thực hiện Chỉ thị 05",
     "end", "related-links link"),  # the headlines under a bare header go with it
    ("Xem thêm:\nTổng Bí thư làm việc với tỉnh Bắc Ninh\nThủ tướng dự Đại hội thi đua yêu nước",
     "middle", "related-links link"),
    # share, print and player widgets
    ("Chia sẻ Facebook Zalo", "end", "share/print widget"),
    ("In bài | Gửi email | Chia sẻ", "end", "share/print widget"),
    ("Copy link", "middle", "share/print widget"),
    ("A+ A- Cỡ chữ", "top", "share/print widget"),
    ("Nghe đọc bài | Giọng nam | Giọng nữ", "top", "share/print widget"),
    ("Bình luận (0)", "end", "share/print widget"),
    ("Trở về đầu trang", "end", "share/print widget"),
    ("Đánh giá bài viết", "end", "share/print widget"),
    ("Ý kiến bạn đọc", "end", "share/print widget"),
    ("Tốc độ đọc: 1x | Giọng nữ", "top", "share/print widget"),
    ("Your browser does not support the audio element.", "top", "media player"),
    ("0:00 / 03:45", "top", "media player"),
    ("Trình duyệt của bạn không hỗ trợ phát audio.", "top", "media player"),
    # lone punctuation, copyright
    (" |", "middle", "lone punctuation"),
    ("”", "middle", "lone punctuation"),
    ("...", "end", "lone punctuation"),
    ("© Bản quyền thuộc Báo Điện tử Tỉnh ủy. Ghi rõ nguồn khi phát hành lại.", "end",
     "copyright notice"),
]

# (line, where): body sentences that look like noise; they must stay, as body
BODY_LOOKALIKES = [
    # short sentences
    ("Hội nghị đã thành công tốt đẹp.", "middle"),
    ("Kinh tế tiếp tục phục hồi.", "middle"),
    ("Thu ngân sách đạt 105% dự toán.", "middle"),
    ("Tỉnh đã hoàn thành 23/29 chỉ tiêu.", "middle"),
    ("Không để xảy ra điểm nóng.", "middle"),
    ("Đời sống Nhân dân được cải thiện.", "middle"),
    ("Công tác cán bộ được thực hiện chặt chẽ.", "middle"),
    ("Tăng trưởng GRDP ước đạt 7,2%.", "middle"),
    ("Xây dựng Đảng là nhiệm vụ then chốt.", "middle"),
    ("Hội nghị Trung ương 10 thành công rất tốt đẹp.", "middle"),
    # a person's name or a title first
    ("Đồng chí Nguyễn Văn Hùng nhấn mạnh, năm 2024 là năm bứt phá.", "middle"),
    ("Đồng chí Trần Thị Lan đề nghị các cấp ủy tập trung lãnh đạo thực hiện thắng lợi nhiệm vụ năm.",
     "middle"),
    ("Ông Lê Minh Tuấn cho biết, tỉnh đã giải ngân 85% vốn đầu tư công.", "middle"),
    ("Bí thư Tỉnh ủy yêu cầu khắc phục ngay những hạn chế đã chỉ ra.", "middle"),
    ("Chủ tịch UBND tỉnh Phạm Quang Hưng khẳng định sẽ tháo gỡ khó khăn cho doanh nghiệp.",
     "middle"),
    ("Thủ tướng Chính phủ đánh giá cao kết quả tỉnh đạt được.", "middle"),
    ("Đồng chí Hoàng Thu Trang đã trình bày báo cáo chính trị tại Đại hội.", "middle"),
    ("Các đồng chí đại biểu đã thảo luận dân chủ, thẳng thắn.", "middle"),
    ("Đại biểu đề nghị làm rõ nguyên nhân chậm giải ngân vốn đầu tư công.", "middle"),
    ("Lãnh đạo các sở, ngành báo cáo tiến độ các dự án trọng điểm; nhiều dự án chậm tiến độ.",
     "middle"),
    ("Nguyễn Văn An, Trưởng ban Tuyên giáo Tỉnh ủy, được bầu giữ chức Phó Bí thư Tỉnh ủy.", "top"),
    ("Trần Hải Nam được điều động giữ chức Bí thư Huyện ủy.", "end"),
    ("Tổng Bí thư Tô Lâm chủ trì hội nghị và phát biểu kết luận, định hướng nhiệm vụ thời gian tới.",
     "middle"),
    ("Đồng chí Bí thư Tỉnh ủy phát biểu chỉ đạo, yêu cầu các cấp ủy khẩn trương khắc phục hạn chế.",
     "middle"),
    ("Bà Nguyễn Thị Mai được bầu làm Chủ tịch HĐND tỉnh khóa XVI.", "middle"),
    ("Thu Hằng, cán bộ Hội Phụ nữ xã, chia sẻ về mô hình tiết kiệm.", "middle"),
    ("Bộ Chính trị, Ban Bí thư đã ban hành 15 nghị quyết, chỉ thị.", "middle"),
    ("Thủ tướng Chính phủ yêu cầu các bộ, ngành hoàn thành trước ngày 31/12.", "middle"),
    ("Giám đốc Sở Kế hoạch và Đầu tư báo cáo tình hình giải ngân vốn đầu tư công.", "middle"),
    ("Phó Bí thư Tỉnh ủy Lê Văn Cường được phân công phụ trách khối nội chính.", "middle"),
    ("Đại biểu Quốc hội tỉnh tiếp xúc cử tri tại 10 xã.", "middle"),
    ("Lê Thị Hoa được bầu giữ chức Bí thư Đảng ủy xã.", "top"),
    ("Trương Quang Nghĩa nhấn mạnh yêu cầu đổi mới phương thức lãnh đạo.", "top"),
    ("Ban Chấp hành Đảng bộ tỉnh họp phiên bất thường.", "middle"),
    ("Các đại biểu thống nhất cao với dự thảo báo cáo chính trị.", "middle"),
    # times and dates
    ("Sáng 12/7, Ban Chấp hành Đảng bộ tỉnh khai mạc Hội nghị lần thứ 15.", "top"),
    ("Chiều 28-7, đồng chí Trương Thị Mai chủ trì Hội nghị giao ban.", "middle"),
    ("Lúc 14:00 ngày 15/3/2024, hội nghị bế mạc.", "end"),
    ("Ngày 18/10/2024, tại Trụ sở Trung ương Đảng, Thường trực Ban Bí thư chủ trì giao ban.", "top"),
    ("Hội nghị kéo dài đến 17:30 cùng ngày.", "middle"),
    ("Đến ngày 30/6/2024, toàn tỉnh có 125.000 đảng viên.", "middle"),
    ("Thứ Tư, ngày 08/4, Ban Thường vụ Tỉnh ủy họp thường kỳ.", "top"),
    ("Năm 2023, tổng sản phẩm trên địa bàn tăng 8,1%.", "middle"),
    ("Quý III/2024, thu hút 12 dự án đầu tư mới.", "middle"),
    ("Từ 08:00 đến 11:30, các đại biểu thảo luận tại tổ.", "middle"),
    ("Kỳ họp dự kiến diễn ra từ ngày 09 đến 11/12/2024.", "end"),
    ("Cập nhật số liệu đến ngày 15/11, toàn tỉnh đã giải ngân 78% kế hoạch vốn.", "top"),
    ("Thời gian tổ chức Đại hội: ngày 20 và 21/10/2025.", "middle"),
    ("Ngày 25/12 tới, Tỉnh ủy tổ chức Hội nghị tổng kết năm.", "end"),
    ("Hội nghị bế mạc lúc 17 giờ cùng ngày.", "end"),
    ("Theo kế hoạch, Đại hội sẽ diễn ra vào tháng 10/2025.", "end"),
    # one-line paragraphs that begin like labels, links, widgets or captions
    ("Chính trị ổn định, quốc phòng, an ninh được giữ vững.", "top"),
    ("Xã hội hóa công tác y tế tiếp tục được đẩy mạnh.", "middle"),
    ("Kinh tế tăng trưởng khá, thu ngân sách vượt dự toán.", "top"),
    ("Tin liên quan đến vụ việc đã được báo cáo Ban Thường vụ.", "middle"),
    ("Xem thêm báo cáo chi tiết tại phụ lục kèm theo.", "end"),
    ("Chia sẻ kinh nghiệm, đồng chí Bí thư Huyện ủy cho biết huyện đã chủ động từ sớm.", "middle"),
    ("In ấn, phát hành tài liệu tuyên truyền được thực hiện kịp thời.", "middle"),
    ("Ảnh hưởng của bão số 3 làm thiệt hại hơn 1.200 tỷ đồng.", "middle"),
    ("Toàn cảnh kinh tế - xã hội 9 tháng cho thấy nhiều điểm sáng.", "middle"),
    ("Cảnh giác trước các thủ đoạn lừa đảo qua mạng là yêu cầu cấp thiết.", "middle"),
    ("Một góc nhìn khác về kinh tế tư nhân được các đại biểu nêu ra.", "middle"),
    ("Thông tin về kết quả kỳ họp được đăng tải trên Cổng thông tin điện tử tỉnh.", "end"),
    ("Đăng ký thường trú cho 1.500 hộ dân được giải quyết đúng hạn.", "top"),
    ("Nhiệm vụ trọng tâm thời gian tới:", "middle"),
    ("- Tăng cường công tác kiểm tra, giám sát", "middle"),
    ("+ Hoàn thành 100% kế hoạch", "middle"),
    ("a) Đẩy mạnh cải cách hành chính;", "middle"),
    ("Đề nghị các đồng chí nghiên cứu, tổ chức thực hiện.", "end"),
    ("Nguồn: Tổng cục Thống kê", "middle"),
    ("Lượt xem của Cổng thông tin tăng gấp đôi so với năm trước.", "middle"),
    ("Đánh giá bài viết của đồng chí Tổng Bí thư, các đại biểu cho rằng đây là định hướng lớn.",
     "middle"),
    ("Tác giả của sáng kiến được khen thưởng kịp thời.", "end"),
    ("Ý kiến bạn đọc được tổng hợp, báo cáo đầy đủ.", "middle"),
    ("Hình thức tổ chức Đại hội được đổi mới.", "middle"),
    ("Đang triển khai 15 dự án trọng điểm.", "top"),
    ("Nguyễn Văn Bình (Bí thư Huyện ủy) cho biết huyện đã hoàn thành kế hoạch.", "end"),
    ("Ban Thường vụ Tỉnh ủy đã ban hành kế hoạch thực hiện.", "end"),
    ("Sở Tài chính chủ trì, phối hợp với các sở, ngành liên quan.", "end"),
]


def _outcome(line: str, where: str):
    """(what became of the line: its paragraph kind or its removal reason,
    paragraphs, kinds, the Cleaned)."""
    c = clean(page(line, where))
    paras = c.text.split("\n\n")
    kinds = paragraph_kinds(paras)
    lines = [" ".join(ln.split()) for ln in line.split("\n")]
    skip = 1 if line == HEADLINE else 0  # past the headline's own paragraph
    if lines[0] in paras[skip:]:
        return kinds[paras.index(lines[0], skip)], paras, kinds, c
    reasons = {why for ln, why in c.removed if ln in lines}
    gone = all(any(ln == r for r, _ in c.removed) for ln in lines)
    return (reasons.pop() if gone and len(reasons) == 1 else f"lost: {c.removed}"), paras, kinds, c


def test_table_sizes():
    assert len(NOISE) >= 60 and len(BODY_LOOKALIKES) >= 60
    assert len({ln for ln, _, _ in NOISE}) == len(NOISE)
    assert len({ln for ln, _ in BODY_LOOKALIKES}) == len(BODY_LOOKALIKES)


@pytest.mark.parametrize("line,where,expected", NOISE)
def test_noise_line(line, where, expected):
    got, paras, kinds, c = _outcome(line, where)
    assert got == expected, (paras, kinds, c.removed)
    for kept in (LEAD, BODY):  # the real text around it stays, as body
        assert kinds[paras.index(kept)] == "body", (paras, kinds)
    assert c.title == HEADLINE and kinds[0] == "heading"
    if where == "twice":
        assert c.removed == [(line, "repeated line (duplicate caption)")]


@pytest.mark.parametrize("line,where", BODY_LOOKALIKES)
def test_body_sentence_survives_as_body(line, where):
    got, paras, kinds, c = _outcome(line, where)
    assert got == "body", (paras, kinds, c.removed)
    assert c.removed == [] and c.title == HEADLINE


# ---------------------------------------------------------------- titles

TITLES = [
    ("Chính trị\nHội nghị Tỉnh ủy lần thứ 15 (*)\n" + LEAD, "Hội nghị Tỉnh ủy lần thứ 15"),
    ("Thời sự\n14:06, 07/10/2024 (GMT+7)\n" + HEADLINE + "\n" + LEAD, HEADLINE),
    ("Thứ Tư, 08/04/2015, 08:11 [GMT+7]\nXã hội\n" + HEADLINE + "\n" + LEAD, HEADLINE),
    ("Trang chủ > Xây dựng Đảng\n" + HEADLINE + ' "*"\n' + LEAD, HEADLINE),
    ("[*] " + HEADLINE + "\n" + LEAD, HEADLINE),
    ("“*” " + HEADLINE + "\n" + LEAD, HEADLINE),
    (HEADLINE + " |\n" + LEAD, HEADLINE),
    ("Toàn cảnh hội nghị.\n" + HEADLINE + "\n" + LEAD, HEADLINE),  # never a caption
    ("Nhập dẫn lời\n" + HEADLINE + "\n" + LEAD, HEADLINE),
    ("b9dbf9c1e3a24f0b8d2e-1701523185.jpg\n" + HEADLINE + "\n" + LEAD, HEADLINE),
    ("Chia sẻ Facebook Zalo\nIn bài\n" + HEADLINE + "\n" + LEAD, HEADLINE),
    ("Nông nghiệp\nTỉnh triển khai sản xuất vụ Đông Xuân 2024 - 2025\n" + LEAD,
     "Tỉnh triển khai sản xuất vụ Đông Xuân 2024 - 2025"),
    # look-alikes: the headline itself begins like a label or a date
    ("Kinh tế tăng trưởng 7,2% trong 6 tháng đầu năm\n" + LEAD,
     "Kinh tế tăng trưởng 7,2% trong 6 tháng đầu năm"),
    ("Chính trị\nChính trị ổn định, kinh tế tăng trưởng khá\n" + LEAD,
     "Chính trị ổn định, kinh tế tăng trưởng khá"),
    ("Ngày 18/10/2024, Thường trực Ban Bí thư chủ trì giao ban. Hội nghị đánh giá kết quả.",
     "Ngày 18/10/2024, Thường trực Ban Bí thư chủ trì giao ban"),
    ("Nhiệm vụ\nA họp.", "Nhiệm vụ"),
    ("VOV.VN - Chiều 7/10, Bộ Chính trị làm việc với Ban Thường vụ Thành ủy. Hội nghị thành công.",
     "Chiều 7/10, Bộ Chính trị làm việc với Ban Thường vụ Thành ủy"),
    ("(ĐCSVN) - Sáng 12/1, Thành ủy tổ chức hội nghị. Hội nghị thành công.",
     "Sáng 12/1, Thành ủy tổ chức hội nghị"),
    ("BBK - Quán triệt tại hội nghị, lãnh đạo tỉnh nhấn mạnh yêu cầu. Hết.",
     "Quán triệt tại hội nghị, lãnh đạo tỉnh nhấn mạnh yêu cầu"),
    ("Tình hình kinh tế - xã hội quý III (**)\n" + LEAD, "Tình hình kinh tế - xã hội quý III"),
]


@pytest.mark.parametrize("raw,title", TITLES)
def test_title(raw, title):
    assert clean(raw).title == title


# ---------------------------------------------------------------- any order

_SINGLE_NOISE = [ln for ln, _, _ in NOISE if "\n" not in ln and ln != HEADLINE]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_SINGLE_NOISE + [ln for ln, _ in BODY_LOOKALIKES]),
                min_size=1, max_size=12, unique=True))
def test_no_body_sentence_is_lost_in_any_order(lines):
    """Wherever noise and look-alikes stand, every look-alike stays in the
    text, and one that reads as a sentence stays body."""
    c = clean("\n".join([HEADLINE, *lines, BODY]))
    paras = c.text.split("\n\n")
    kinds = dict(zip(paras, paragraph_kinds(paras)))
    for line, _ in BODY_LOOKALIKES:
        if line in lines:
            assert line in kinds, (line, c.removed)
            if line.endswith((".", "!", "?")) and line not in c.title:
                assert kinds[line] == "body", (line, kinds)
