"""What a line of a report page is: certain web noise (removed by clean.py,
with its reason), a probable caption or a heading (kept, classified as the
paragraph's kind by the pipeline), or body text.

Pure functions over canonical lines (NFC, whitespace collapsed). The rules and
why they cannot take a real sentence:

Certain noise (``noise_reason``), matched on the *whole* line:
- no letter or digit at all: lone punctuation (`` |``, ``”``) or a separator;
- media player text: timers (``0:00 / 0:00``), "Your browser does not
  support the audio element.";
- publication datelines: nothing but a weekday, a date, a time, ``GMT+7`` and
  words such as "Cập nhật" (``Thứ Tư, 08/04/2015, 08:11 [GMT+7]``);
- related links: a line opening with ``>>``/``»``/``►``, a links header alone
  ("Tin liên quan"), or one followed by a colon or arrow and a headline
  ("Xem thêm: …"); "Tin liên quan đến vụ việc …" has no colon and stays;
- share/print widgets: nothing but widget words ("Chia sẻ", "In bài", "Zalo");
- CMS placeholders ("Nhập dẫn lời"), image file names, a bare web address;
- copyright notices, photo credits alone ("Ảnh: TTXVN"), "Bài và ảnh: X";
- ``a | b`` lines whose every part is one of the above or a section label.
Position-dependent (``section_label``, ``bare_byline``; clean.py applies them
only before the headline, just after it, or at the end): section labels
("Chính trị", "Trang chủ > Thời sự") and bylines that are a bare name.

Probable captions (``is_caption``): kept in the text, dimmed, never tagged. A
short line ending in ``|`` or in a photo credit, a line repeating the headline,
or a one-sentence photo description: a scene ("Toàn cảnh hội nghị.") or a
subject, a photo verb (phát biểu, dự, trao …) and its event, with nothing a
report sentence carries (no "đã", no "nhấn mạnh", figures, ``:`` or ``;``).

Headings (``paragraph_kinds``): the headline (the first line, when it has no
sentence-final punctuation), lines in capitals, and short numbered or
unnumbered lines without final punctuation that follow a finished sentence
(list items after a colon and bullets stay body).
"""
from __future__ import annotations

import re

# ---------------------------------------------------------------- vocabularies

SECTION_LABELS = frozenset(s.casefold() for s in (
    "Trang chủ", "Trang chính", "Home", "Tin tức", "Tin tức - Sự kiện", "Tin tức sự kiện",
    "Sự kiện", "Thời sự", "Chính trị", "Thời sự - Chính trị", "Chính trị - Xã hội", "Xã hội",
    "Kinh tế", "Kinh tế - Xã hội", "Văn hóa", "Văn hoá", "Văn hóa - Xã hội", "Giáo dục",
    "Y tế", "Pháp luật", "Nội chính", "Quốc tế", "Thế giới", "Trong nước", "Địa phương",
    "Xây dựng Đảng", "Công tác Đảng", "Tin hoạt động", "Hoạt động", "Hoạt động của lãnh đạo",
    "Hoạt động lãnh đạo", "Lãnh đạo tỉnh", "Tin trong tỉnh", "Tin địa phương", "Tiêu điểm",
    "Nổi bật", "Tin nổi bật", "Tin mới", "Tin mới nhất", "Đối ngoại", "Quốc phòng", "An ninh",
    "Quốc phòng - An ninh", "Quốc phòng an ninh", "Chống tham nhũng", "Phòng chống tham nhũng",
    "Bạn đọc", "Thể thao", "Du lịch", "Khoa học", "Công nghệ", "Môi trường", "Đời sống",
    "Multimedia", "Media", "Video", "Podcast", "Emagazine", "E-magazine", "Infographic",
    "Phóng sự", "Chuyên đề", "Xã luận", "Góc nhìn", "Diễn đàn", "Tin ảnh", "Ảnh",
    "Hoạt động Quốc hội", "Quốc hội", "Chính phủ", "Tin hoạt động Đảng", "Tin tổng hợp",
    "Thông tin chỉ đạo điều hành", "Chỉ đạo điều hành", "Tin văn phòng", "Tin tức tổng hợp",
    "Mặt trận", "Đoàn thể", "Tin Đảng", "Thời sự trong nước", "Thông cáo báo chí"))

# Words of share, print and reading widgets; a line made only of them is noise.
_WIDGET_WORDS = sorted((
    "chia sẻ", "in bài", "in trang", "bản in", "in", "gửi email", "gửi e-mail", "email",
    "e-mail", "gửi bài viết", "gửi bài", "lưu bài", "lưu", "bài viết", "qua", "facebook",
    "twitter", "zalo", "linkedin", "pinterest", "telegram", "messenger", "copy link",
    "sao chép liên kết", "sao chép đường dẫn", "copy", "link", "tweet", "like", "share",
    "print", "thích", "bình luận", "phản hồi", "góp ý", "cỡ chữ", "a+", "a-", "aa", "a",
    "trở về", "quay lại", "về đầu trang", "lên đầu trang", "google news", "google+", "google",
    "nghe", "nghe bài", "đọc bài", "audio", "tải về", "tải xuống", "download",
    "theo dõi", "giọng nam", "giọng nữ", "miền bắc", "miền nam", "miền trung", "tốc độ",
    "tạm dừng", "dừng", "phát", "x", "lượt xem", "views", "bookmark", "rss", "fb",
    "trở về đầu trang", "đầu trang", "đánh giá bài viết", "ý kiến bạn đọc", "gửi ý kiến",
    "viết bình luận", "ý kiến của bạn", "tốc độ đọc", "lượt thích", "gửi tin"),
    key=len, reverse=True)
_WIDGET_RE = re.compile(r"(?<![^\W_])(?:" + "|".join(map(re.escape, _WIDGET_WORDS))
                        + r")(?![^\W_])|\d+(?:[.,]\d+)?x?|[^\w]", re.IGNORECASE)

_PLACEHOLDERS = frozenset(s.casefold() for s in (
    "Nhập dẫn lời", "Nhập nội dung", "Nhập tiêu đề", "Nhập mô tả", "Nhập chú thích",
    "Nhập chú thích ảnh", "Nhập sapo", "Nhập tóm tắt", "Chú thích ảnh", "Thêm chú thích",
    "Enter caption", "Caption", "Insert caption", "Type caption", "Image", "Ảnh đại diện",
    "Placeholder", "null", "undefined", "NaN", "Lorem ipsum", "Mô tả ảnh", "Đang tải",
    "Loading", "Đang cập nhật", "Video đang được xử lý"))
_TEMPLATE_RE = re.compile(r"\{\{.*\}\}|\{%.*%\}|\[/?caption\b[^\]]*\]|lorem ipsum\b.*", re.IGNORECASE)

# ---------------------------------------------------------------- whole-line patterns

_HAS_WORD = re.compile(r"[^\W_]")
_PLAYER_RE = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?(?:\s*/\s*\d{1,2}:\d{2}(?::\d{2})?)?")
_AUDIO_RE = re.compile(
    r"(?:your browser does not support (?:the )?(?:audio|video|html5)\b.*"
    r"|trình duyệt (?:của bạn )?không hỗ trợ\b.*)", re.IGNORECASE)

_WEEKDAY = r"(?:thứ\s*(?:hai|ba|tư|năm|sáu|bảy|bẩy|[2-7])|chủ\s*nhật|cn)"
_DATE = (r"(?:\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}|\d{4}-\d{2}-\d{2}"
         r"|(?:ngày\s*)?\d{1,2}\s*tháng\s*\d{1,2}\s*(?:,|năm)?\s*\d{4})")
_TIME = r"\d{1,2}\s*[:h]\s*\d{2}(?:\s*:\s*\d{2})?(?:\s*(?:sa|ch|am|pm)\b)?"
_GMT = r"(?:gmt|utc)\s*[+-]\s*\d{1,2}(?::?\d{2})?"
_STAMP = r"(?:cập nhật|ngày cập nhật|đăng lúc|đăng ngày|ngày đăng|posted|updated|published)"
_STAMP_WORDS = (rf"(?:{_STAMP}|cập nhật lúc|cập nhật ngày|đăng|đăng tải|thời gian đăng|xuất bản"
                r"|ngày xuất bản|lúc|ngày|giờ)")
# Punctuation left after the parts are taken out does not matter: only words do.
_DATELINE_PART = re.compile(rf"(?<![^\W_])(?:{_WEEKDAY}|{_DATE}|{_TIME}|{_GMT}|{_STAMP_WORDS})"
                            r"(?![^\W_])", re.IGNORECASE)
_DATELINE_DATE = re.compile(rf"{_DATE}|{_TIME}\s*[(\[]?\s*{_GMT}|{_STAMP}\b", re.IGNORECASE)

_LINK_WORDS = (r"(?:xem thêm|đọc thêm|xem tiếp|tin liên quan|bài liên quan|tin bài liên quan"
               r"|bài viết liên quan|tin cùng chuyên mục|tin khác|các tin khác|tin mới hơn"
               r"|tin cũ hơn|tin đã đưa|có thể bạn quan tâm|video liên quan|mời xem thêm"
               r"|mời đọc thêm|quay lại|về đầu trang|bình luận|từ khóa|từ khoá|tags?"
               r"|tin mới nhất|tin đọc nhiều|đọc nhiều|xem nhiều|tin xem nhiều|đọc nhiều nhất)")
_LINK_ALONE_RE = re.compile(rf"{_LINK_WORDS}\s*[:>».…]*", re.IGNORECASE)
_LINK_HEADED_RE = re.compile(rf"{_LINK_WORDS}\s*(?::|>>|»|›)\s*\S.{{0,250}}", re.IGNORECASE)
_ARROW_LINK_RE = re.compile(r"(?:>>|»|►|▶|→|⇒|&gt;&gt;)\s*\S.{0,250}")
# A bare links header: what follows it, up to the next sentence, are headlines.
LINKS_HEADER_RE = re.compile(
    r"(?:tin liên quan|bài liên quan|tin bài liên quan|bài viết liên quan|tin cùng chuyên mục"
    r"|tin khác|các tin khác|có thể bạn quan tâm|tin đã đưa|video liên quan|tin mới nhất"
    r"|tin đọc nhiều|đọc nhiều|xem nhiều|tin xem nhiều|đọc nhiều nhất)\s*[:>».…]*"
    r"|(?:mời )?(?:xem|đọc) thêm\s*(?::|>>|»)[\s:>»]*",  # a bare "Xem thêm" may end a page
    re.IGNORECASE)

_COPYRIGHT_RE = re.compile(
    r"(?:\(\*\)\s*)?(?:không (?:được )?sao chép\b|©|\(c\)\s|copyright\b"
    r"|bản quyền (?:thuộc|©|\(c\))|ghi rõ nguồn\b.*\bkhi (?:phát hành|đăng) lại)",
    re.IGNORECASE)
_MAX_NOTICE = 300  # a notice longer than this is more likely real text
CREDIT_WORDS = (r"(?:ảnh|nguồn ảnh|ảnh minh họa|ảnh minh hoạ|ảnh tư liệu|ảnh chụp màn hình"
                r"|video|clip|đồ họa|đồ hoạ|infographic)")
_CREDIT_LINE_RE = re.compile(rf"\(?\s*{CREDIT_WORDS}\s*(?::\s*[^()]{{1,80}})?\)?", re.IGNORECASE)
_AUTHOR_CREDIT_RE = re.compile(
    r"\(?\s*(?:bài|tin|bài và ảnh|bài, ảnh|tin và ảnh|tin, ảnh|bài/ảnh|tin/ảnh|thực hiện"
    r"|nhóm phóng viên|nhóm pv|phóng viên|tác giả|người viết|biên tập viên|biên tập)"
    r"\s*:\s*[^.!?()]{1,80}\)?", re.IGNORECASE)
_IMAGE_FILE_RE = re.compile(
    r"(?:\S*[\w)-]\.(?:jpe?g|png|gif|webp|bmp|svg|tiff?|heic|avif)(?:\?\S*)?\s*)+", re.IGNORECASE)
_URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_PARTS_RE = re.compile(r"\s*(?:\||»|›|>|•|(?<!\d)/(?!\d))\s*")


def _is_dateline(line: str) -> bool:
    if not _DATELINE_DATE.search(line):
        return False
    rest = _DATELINE_PART.sub("", line)
    return not _HAS_WORD.search(rest)


_WIDGET_MAX = 120


def _is_widget(line: str) -> bool:
    return len(line) <= _WIDGET_MAX and bool(re.search(r"[^\W\d_]", line)) \
        and not _WIDGET_RE.sub("", line).strip()


def _single_reason(line: str) -> str | None:
    """The reason a whole line (or a part of an ``a | b`` line) is certain noise."""
    if not _HAS_WORD.search(line):
        return "lone punctuation" if len(line) <= 3 else "separator (no text)"
    if len(line) > _MAX_NOTICE:
        return None  # no certain noise is this long (and a paragraph is not searched 12 times)
    folded = line.casefold().rstrip(" .:…")
    if _PLAYER_RE.fullmatch(line) or _AUDIO_RE.fullmatch(line):
        return "media player"
    if _is_dateline(line):
        return "publication dateline"
    if _LINK_ALONE_RE.fullmatch(line) or _LINK_HEADED_RE.fullmatch(line) \
            or _ARROW_LINK_RE.fullmatch(line):
        return "related-links link"
    if folded in _PLACEHOLDERS or _TEMPLATE_RE.fullmatch(line):
        return "CMS placeholder"
    if _IMAGE_FILE_RE.fullmatch(line):
        return "image file name"
    if _URL_RE.fullmatch(line):
        return "web address"
    if len(line) <= _MAX_NOTICE and _COPYRIGHT_RE.match(line):
        return "copyright notice"
    if _CREDIT_LINE_RE.fullmatch(line):
        return "photo credit"
    if _AUTHOR_CREDIT_RE.fullmatch(line):
        return "byline"
    if _is_widget(line):
        return "share/print widget"
    return None


def noise_reason(line: str) -> str | None:
    """Why a whole line is certainly web noise wherever it stands, or None."""
    reason = _single_reason(line)
    if reason or len(line) > _MAX_NOTICE or not _PARTS_RE.search(line):
        return reason
    parts = [p for p in _PARTS_RE.split(line) if p]
    if len(parts) < 2 or _URL_RE.match(line):
        return None
    reasons = [_single_reason(p) or ("section label" if section_label(p) else None) for p in parts]
    if all(reasons):
        return next((r for r in reasons if r != "section label"), "section label")
    return None


def section_label(line: str) -> bool:
    """A site's section name or breadcrumb ("Chính trị", "Trang chủ > Thời sự"):
    noise only before the headline (elsewhere "Kinh tế" may be a heading)."""
    line = _WHERE_RE.sub("", line.strip(" ."))
    parts = [p for p in _PARTS_RE.split(line) if p]
    return bool(parts) and all(p.casefold() in SECTION_LABELS for p in parts)


_WHERE_RE = re.compile(r"^(?:bạn đang ở|vị trí|đang xem)\s*:\s*", re.IGNORECASE)  # a breadcrumb's lead


# ---------------------------------------------------------------- bylines

SURNAMES = frozenset((
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Đào", "Lương", "Trương", "Mai", "Tô", "Hà", "Lâm",
    "Đoàn", "Trịnh", "Cao", "Chu", "Tạ", "Thái", "Kiều", "Vương", "Quách", "Châu", "Hứa",
    "Tăng", "Lưu", "Triệu", "Phùng", "Khúc", "La", "Đàm", "Lại", "Kim", "Mạc", "Từ", "Nông",
    "Tống", "Thân", "Tôn", "Giang", "Ông", "Lò", "Lục", "Vi", "Khổng", "Quan", "Đồng", "Doãn",
    "Nghiêm", "Văn", "Thạch", "Âu", "Diệp", "Hầu", "Lã", "Mẫn", "Ninh", "Phí", "Tiêu", "Ứng"))
_CAP_WORD = r"[^\W\d_][^\W\d_]*"
_AGENCY = r"(?:\(\s*[A-ZĐ][^()]{1,40}\)|[-–/]\s*[A-ZĐ][A-ZĐ.]{1,14})"  # "(TTXVN)", "(Ban Tuyên giáo)"
_STAFF_RE = re.compile(r"(?:nhóm )?(?:pv|ctv|btv|phóng viên|cộng tác viên|phóng viên thường trú)"
                       r"(?:\s+[^\W\d_]+){0,3}", re.IGNORECASE)


def _name_words(name: str) -> bool:
    words = name.split()
    return 2 <= len(words) <= 5 and all(
        re.fullmatch(_CAP_WORD, w) and w[0].isupper() and (w[1:].islower() or len(w) == 1)
        for w in words)


def bare_byline(line: str, at_end: bool = False) -> bool:
    """A byline that is only a name, names ("Thu Hằng - Minh Đức"), or staff
    ("Nhóm PV"), maybe with an agency ("Quang Vinh (TTXVN)"). At the start it
    must begin with a surname; at the very end any 2-5 capitalised words do."""
    core = re.sub(rf"\s*{_AGENCY}\s*$", "", line.strip()).rstrip(" .")
    if _STAFF_RE.fullmatch(core):
        return True
    names = [n.strip() for n in re.split(r"\s*(?:,|-|–|&|\bvà\b)\s*", core) if n.strip()]
    if not names or not all(_name_words(n) for n in names):
        return False
    return at_end or all(n.split()[0] in SURNAMES for n in names)


# A unit signing the article at its end ("Văn phòng Tỉnh ủy", "Báo Bắc Kạn")
_UNIT_RE = re.compile(
    r"(?:văn phòng|ban|sở|phòng|trung tâm|báo|cổng thông tin|đài|ủy ban|uỷ ban|ubnd|huyện ủy"
    r"|tỉnh ủy|thành ủy|đảng ủy|bộ|cục|tạp chí|hội)\b[^.!?;:,\d]{0,60}", re.IGNORECASE)
_UNIT_WORDS = 7


def unit_byline(line: str) -> bool:
    """A unit's name alone on the last line (no sentence: no verb can be told
    apart here, so only short capitalised lines without punctuation)."""
    return (line[:1].isupper() and len(line.split()) <= _UNIT_WORDS
            and bool(_UNIT_RE.fullmatch(line.strip())))


# ---------------------------------------------------------------- captions

_END_PUNCT = re.compile(r"[.!?…]$")
_SENTENCE_BREAK = re.compile(r"[.!?…]+\s+(?=[\"“'(\[]?[A-ZĐÀ-Ỹ0-9])")
# A photo credit ending a caption: "… hội nghị. Ảnh: Dương Giang/TTXVN", "… (Ảnh: X)"
CREDIT_TAIL_RE = re.compile(
    rf"\s*[-–|]?\s*\(?\s*(?<![^\W_])(?P<word>{CREDIT_WORDS})\s*:\s*(?P<who>[^!?()\n]{{1,60}}?)\.?\)?\s*$",
    re.IGNORECASE)
_SCENE_RE = re.compile(
    r"(?:toàn cảnh|quang cảnh|cảnh|một góc|góc|các đại biểu|đại biểu|các đồng chí đại biểu"
    r"|các đồng chí lãnh đạo|lãnh đạo|đoàn công tác|đoàn đại biểu|các đồng chí|đồng chí|ông|bà"
    r"|chủ tịch|phó chủ tịch|bí thư|phó bí thư|thủ tướng|phó thủ tướng|tổng bí thư|bộ trưởng"
    r"|thứ trưởng|trưởng ban|phó trưởng ban|giám đốc|đại tướng|thượng tướng|trung tướng"
    r"|thường trực|chánh văn phòng)\b", re.IGNORECASE)
_SCENE_ONLY_RE = re.compile(  # "Toàn cảnh hội nghị", not "Toàn cảnh kinh tế", "Cảnh giác"
    r"(?:toàn cảnh|quang cảnh|cảnh|một góc|góc)\s+(?:tại\s+)?(?:các\s+)?(?:hội nghị|buổi|phiên|lễ"
    r"|kỳ họp|đại hội|cuộc|hội thảo|tọa đàm|toạ đàm|diễn đàn|điểm cầu|khu|công trình|lớp|chương trình"
    r"|hội trường|sự kiện|triển lãm|gian trưng bày)\b", re.IGNORECASE)
_PHOTO_VERBS = re.compile(
    r"\b(?:phát biểu|chủ trì|đồng chủ trì|dự|tham dự|trao|tặng|chụp ảnh|thăm|làm việc"
    r"|kiểm tra|báo cáo|điều hành|chúc mừng|tặng hoa|gắn huy hiệu|trình bày|tham luận"
    r"|thảo luận|biểu quyết|bỏ phiếu|cắt băng|bấm nút|nhấn nút|khai mạc|bế mạc"
    r"|hội đàm|hội kiến|dâng hương|dâng hoa|kết luận|nghe|giới thiệu|tặng quà|thắp hương"
    r"|động thổ|khởi công|khánh thành|ký kết|tuyên thệ|ra mắt|nhận|tiếp (?:đoàn|đại sứ|các|ông|bà))\b",
    re.IGNORECASE)
# What a reported sentence carries and a photo description does not.
_REPORT_WORDS = re.compile(
    r"\b(?:đã|đang|sẽ|cần|phải|nhấn mạnh|cho biết|khẳng định|đề nghị|yêu cầu|cho rằng|chỉ rõ"
    r"|nêu rõ|lưu ý|mong muốn|thông tin|đánh giá|ghi nhận|đạt|tăng|giảm|hoàn thành|so với"
    r"|nhằm|để|vì|nên|nhưng|tuy nhiên|trong đó|theo đó|đồng thời|được|bị|chưa|không|rất"
    r"|nhiều|tiếp tục|thống nhất|quyết định|bảo đảm|đảm bảo|cho thấy|nhiệm vụ|thời gian tới"
    r"|kết quả|tình hình|giải pháp|chỉ tiêu|mục tiêu|hạn chế|khó khăn|tồn tại|định hướng)\b",
    re.IGNORECASE)
# A figure, but not an ordinal, a term or a year ("lần thứ 15", "khóa XV", "năm 2024")
_FIGURES = re.compile(r"[:;%]|(?<!thứ )(?<!lần )(?<!năm )(?<!khóa )(?<!khoá )(?<!số )(?<![\d/.,-])\d+",
                      re.IGNORECASE)
_LEAD_RE = re.compile(  # a sentence led by a time or place reads as report text
    r"(?:sáng|chiều|tối|trưa|ngày|hôm|tại|trong|theo|năm|tháng|quý|sau|trước|khi|với|qua"
    r"|từ|đến|để|về)\b", re.IGNORECASE)
_CAPTION_WORDS = 30
_PHOTO_LABEL_RE = re.compile(r"(?:ảnh|hình)\s*\d{1,2}\s*[:.–-]\s*\S", re.IGNORECASE)


_CREDIT_MAX = 100  # characters of a line's end a credit may take


def credit_tail(line: str) -> re.Match | None:
    """A photo credit closing the line ("… Ảnh: X/TTXVN", "… (Ảnh: X)")."""
    start = max(0, len(line) - _CREDIT_MAX)
    m = CREDIT_TAIL_RE.search(line, start) if ":" in line[start:] else None
    if not m or not m.group("word")[0].isupper() or len(m.group("who").split()) > 8:
        return None  # "… hình ảnh: bản đồ số" is a sentence's end, not a credit
    return m if _HAS_WORD.search(line[: m.start()]) else None


def reads_as_report(line: str) -> bool:
    """Led by a time or a place, or carrying what a report sentence carries
    ("đã", "nhấn mạnh", "kết quả" …): not a photo description."""
    return bool(_LEAD_RE.match(line) or _REPORT_WORDS.search(line))


def sentence_count(line: str) -> int:
    return len(_SENTENCE_BREAK.findall(line.rstrip(" |"))) + 1


def is_caption(line: str, headline: str = "") -> bool:
    """Probably a photo caption (kept in the text, shown dimmed, never tagged)."""
    line = line.strip()
    if not line or len(line.split()) > _CAPTION_WORDS + 10:
        return False
    if headline and line == headline:
        return True  # a caption repeating the headline
    if (line.endswith("|") and _HAS_WORD.search(line)) or _PHOTO_LABEL_RE.match(line):
        return True
    credit = credit_tail(line)
    if credit:  # the credit is the sign, unless what it follows reads as report text
        body = line[: credit.start()].rstrip(" -–|")
        return sentence_count(body) <= 2 and not reads_as_report(body)
    if sentence_count(line) > 1 or len(line.split()) > _CAPTION_WORDS:
        return False
    if _FIGURES.search(line) or reads_as_report(line):
        return False
    if _SCENE_ONLY_RE.match(line):
        return True
    words = line.split()
    named = len(words) > 1 and words[0] in SURNAMES and words[1][0].isupper()  # "Lê Minh …"
    return bool((named or _SCENE_RE.match(line)) and _PHOTO_VERBS.search(line))


# ---------------------------------------------------------------- headings

HEADING_MAX = 150
_BULLET_RE = re.compile(r"[-+•*–—●○■□▪◦✓]\s*")


def heading_shaped(line: str) -> bool:
    """No sentence-final punctuation, short: a headline or a heading."""
    return (len(line) <= HEADING_MAX and len(line.split()) <= 25
            and not re.search(r"[.!?…:;,]\W*$", line))


def related_headline(line: str) -> bool:
    """A line under a bare "Tin liên quan": a headline ("Bắc Kạn: Sơ kết …"),
    not a list item or a "Nguồn: …" line."""
    return heading_shaped(line) and not _BULLET_RE.match(line) and not _SOURCE_RE.match(line)


_SOURCE_RE = re.compile(r"(?:nguồn|theo)\b", re.IGNORECASE)


def _capitals(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 4 and len(line.split()) >= 2 and all(c.isupper() for c in letters)


def paragraph_kinds(paragraphs: list[str]) -> list[str]:
    """The kind of each paragraph of a canonical text (models.PARAGRAPH_KINDS)."""
    headline = paragraphs[0] if paragraphs and heading_shaped(paragraphs[0]) else ""
    kinds: list[str] = []
    for i, line in enumerate(paragraphs):
        prev = paragraphs[i - 1] if i else ""
        if i == 0 and headline:
            kind = "heading"
        elif is_caption(line, headline if i else ""):
            kind = "caption"
        elif heading_shaped(line) and not _BULLET_RE.match(line) and (
                _capitals(line) or (len(line.split()) <= 20 and i + 1 < len(paragraphs)
                                    and ": " not in line  # "Nguồn: Tổng cục Thống kê"
                                    and (not prev or _END_PUNCT.search(prev)
                                         or kinds[-1] != "body"))):
            kind = "heading"
        else:
            kind = "body"
        kinds.append(kind)
    return kinds

