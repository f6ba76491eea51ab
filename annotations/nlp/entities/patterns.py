"""Regular expressions: the DOC, EVENT, TIME and NUM patterns and the pieces
they share with the rest of the entity layer.

In DOC and EVENT, (?i:...) makes only the keyword case-blind; TIME is
case-blind throughout (headings in capitals). Everything is compiled once, at
import.
"""
from __future__ import annotations

import re

_UPPER = "".join(c for r in (range(0x41, 0x250), range(0x1E00, 0x1F00)) for c in map(chr, r) if c.isupper())
UP = f"[{re.escape(_UPPER)}]"
CAPW = rf"{UP}\w*"  # a capitalised syllable
ROMAN = r"[IVXLC]+\b"
ORDW = r"(?:nhất|hai|ba|tư|bốn|năm|sáu|bảy|tám|chín|mười(?:\s+(?:một|hai|ba|bốn|lăm|năm|sáu|bảy|tám|chín))?)"
ORD = rf"(?:\d+\b|{ROMAN}|{ORDW}\b)"  # "lần thứ 25", "lần thứ XII", "lần thứ tám"
Y = r"(?:19|20)\d{2}"
NUMW = r"(?:\d+|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|mười hai)"
# the ten Heavenly Stems and twelve Earthly Branches: "Giáp Thìn" names a year
CAN = "Giáp Ất Bính Đinh Mậu Kỷ Canh Tân Nhâm Quý".split()
CHI = "Tý Sửu Dần Mão Mẹo Thìn Tỵ Ngọ Mùi Thân Dậu Tuất Hợi".split()
ATOM = re.compile(r"\w+|[^\w\s]")  # a syllable or one punctuation mark: what names match on
EXTENDED = r"(?:\s*\(mở rộng\)|\s+mở rộng(?!\w))"  # "Hội nghị lần thứ 36 (mở rộng)": part of the event

# --- the four pattern labels
_CLOCK = r"\d{1,2}\s*(?:h|giờ)(?:\s*\d{2}(?:\s*phút)?)?(?!\w)(?:\s+(?:sáng|trưa|chiều|tối|đêm))?"
_TIME = re.compile(
    r"(?<![\w/])(?:"
    rf"{_CLOCK}(?:\s+(?:ngày\s+)?\d{{1,2}}\s*[/.-]\s*\d{{1,2}}(?:\s*[/.-]\s*{Y})?)?|"  # "7h00 ngày 13/9"
    rf"(?:(?i:rạng sáng|sáng|trưa|chiều|tối|đêm)\s+(?:nay\s+)?(?:(?i:ngày)\s+)?|(?i:ngày)\s+)"
    rf"(?:\d{{1,2}}\s*[/.-]\s*\d{{1,2}}(?:\s*[/.-]\s*{Y})?|\d{{1,2}}\s+tháng\s+\d{{1,2}}(?:\s+năm\s+{Y})?)"
    rf"|(?i:ngày)\s+\d{{1,2}}\s*(?:-|–|đến)\s*\d{{1,2}}\s*[/-]\s*\d{{1,2}}(?:\s*[/-]\s*{Y})?"
    rf"|\d{{1,2}}/\d{{1,2}}/{Y}|\d{{1,2}}-\d{{1,2}}-{Y}"
    r"|(?<=\()\d{1,2}/\d{1,2}(?=\))"  # "chiều nay (17/10)"
    r"|(?-i:[Tt]hứ\s+(?:Hai|Ba|Tư|Năm|Sáu|Bảy)|[Cc]hủ nhật)"  # weekdays; "thứ hai" is an ordinal
    rf"|(?i:ngày)\s+\d{{1,2}}(?=\s*(?:-|–|đến)\s*(?:ngày\s+)?\d)"
    rf"|(?i:{NUMW}\s+tháng)(?:\s+(?:đầu|cuối|giữa)|\s+còn lại(?:\s+của)?)?\s+năm(?:\s+{Y})?"
    rf"|(?i:tháng)\s+\d{{1,2}}(?:\s*[/-]\s*{Y}|\s+năm\s+{Y})?"
    rf"|(?i:quý)\s+(?:[1-4]|IV|I{{1,3}})(?:\s*[/-]\s*{Y}|\s+năm\s+{Y})?"
    rf"|(?i:giai đoạn|nhiệm kỳ|năm học|niên khóa|thời kỳ)\s+{Y}\s*[-–]\s*(?:{Y}|\d{{2}})"
    rf"|\d+\s+năm\s+{Y}\s*[-–]\s*{Y}"
    rf"|(?:(?:đầu|cuối|giữa)\s+|mùa\s+(?:xuân|hạ|hè|thu|đông|khô|mưa)\s+)?năm\s+{Y}(?:\s*[-–]\s*{Y})?"
    r"|(?<!thứ )(?:\d+|hai|ba|bốn|sáu|bảy|tám|chín|mười)\s+(?:tháng|năm|ngày|tuần)"  # "sáu tháng", "2 ngày"
    r"(?:\s+(?:qua|tới|trước|gần đây)|\s+(?:đầu|cuối)(?!\s+năm))?"  # "2 năm đầu" (not "6 tháng đầu năm")
    r")(?![\w/])",
    re.IGNORECASE,  # headings in capitals: "9 THÁNG ĐẦU NĂM 2024"
)
_CAN_CHI = rf"(?:{'|'.join(CAN)})\s+(?:{'|'.join(CHI)})"
_DOC = re.compile(
    r"(?<!\w)(?:"
    r"(?i:nghị quyết|chỉ thị|kết luận|quyết định|quy định|nghị định|thông tư liên tịch|thông tư|thông báo"
    r"|công điện|hướng dẫn|kế hoạch|công văn|quy chế|đề án|chương trình|lệnh)\s+(?:số\s+)?"
    r"(?:\d+(?:[/.-]\w+)+|\d+(?![.,]\d|\s*%|\s+(?:năm|tháng)(?!\w)))"  # not a quantity: "(kế hoạch 9,05%)"
    + rf"|Nghị quyết\s+(?:Trung ương|TW)\s+(?:\d+|{ROMAN})(?:\s+khóa\s+{ROMAN})?"
    + rf"|Hiến pháp(?:\s+(?:năm\s+)?{Y})?"
    r")(?!\w)"
)
_ASSEMBLY = rf"(?:Quốc hội|HĐND|Hội đồng nhân dân)(?:\s+(?:tỉnh|thành phố|huyện)(?:\s+{CAPW})*)?"
_EVENT = re.compile(
    r"(?<!\w)(?:"
    r"[ĐđẠ]ại hội(?:\s+đại biểu)?"
    rf"(?:\s+(?:toàn quốc|Đảng toàn quốc"
    rf"|Đảng bộ(?:\s+(?:[tT]ỉnh|[tT]hành phố|huyện|quận|thị xã|xã|phường))?(?:\s+{CAPW}(?:\.{CAPW})*)*"
    rf"|(?:Đoàn|Hội)(?:\s+{CAPW})+|{CAPW}(?:\s+{CAPW})*))?"
    rf"\s+(?:lần\s+thứ\s+)?(?:{ROMAN}|\d+\b)"
    rf"(?:\s+(?:của\s+)?Đảng bộ(?:\s+(?:[tT]ỉnh|[tT]hành phố|huyện|quận|thị xã|xã|phường))?(?:\s+{CAPW}(?:\.{CAPW})*)*"
    rf"|\s+của\s+Đảng(?:\s+Cộng sản Việt Nam)?)?"
    rf"|Hội nghị\s+(?:lần\s+thứ\s+(?:\d+|{ROMAN})\s+)?(?:Ban Chấp hành\s+)?Trung ương(?:\s+Đảng)?"
    rf"(?:\s+(?:lần\s+thứ\s+)?(?:\d+\b|{ROMAN})|\s+giữa nhiệm kỳ)(?:\s*,?\s*khóa\s+{ROMAN})?(?:\s+của\s+Đảng)?"
    rf"{EXTENDED}?"
    rf"|Hội nghị\s+lần\s+thứ\s+(?:\d+|{ROMAN})\s+Ban Chấp hành Trung ương(?:\s+Đảng)?(?:\s*,?\s*khóa\s+{ROMAN})?"
    rf"{EXTENDED}?"
    rf"|Hội nghị\s+lần\s+thứ\s+{ORD}(?:\s*,?\s*khóa\s+{ROMAN})?{EXTENDED}?"
    rf"|(?:Giao lưu|Đối thoại|Diễn đàn|Hội thảo|Hội chợ|Triển lãm|Liên hoan|Hội thi|Cuộc thi|Giải|Hội diễn"
    rf"|Tuần lễ|Lễ hội|Hội nghị)"
    rf"(?:\s+[^\s,.;:()]+){{1,12}}?\s+lần\s+thứ\s+{ORD}"  # "Đối thoại ... Việt Nam - Liên bang Nga lần thứ 8"
    rf"|Tết\s+(?:Nguyên đán(?:\s+{_CAN_CHI})?|{_CAN_CHI}|Độc lập|Trung thu)(?:\s+{Y})?"
    rf"|Hội nghị\s+(?:[Cc]ấp cao|[Tt]hượng đỉnh)(?:\s+lần\s+thứ\s+\d+)?"
    rf"|Kỳ họp\s+(?:(?:thứ\s+)?{ORD}|thứ\s+\w+|bất thường(?:\s+lần\s+thứ\s+\w+)?)"
    rf"(?:\s+(?:của\s+)?{_ASSEMBLY}(?:\s+khóa\s+{ROMAN})?|\s*,\s*{_ASSEMBLY}\s+khóa\s+{ROMAN})?"
    r")(?!\w)"
)
_SCALE = r"(?:\s*(?:nghìn tỷ|ngàn tỷ|triệu|tỷ|tỉ|nghìn|ngàn|trăm)(?!\w))?"
_UNIT = r"(?:\s*%|\s*(?:USD|đồng(?!\s+chí)|VNĐ|VND|km|ha|tấn|m2|m3|MW|kWh)(?!\w))?"
_DAY_MONTH = re.compile(r"(?:[1-9]|[12]\d|3[01])/(?:[1-9]|1[0-2])")
_PCT_RANGE = re.compile(r"(?<![\w.,/%-])\d+(?:,\d+)?\s*[-–]\s*\d+(?:,\d+)?\s*%")  # "5-7%"
_NUM = re.compile(
    r"(?<![\w.,/%-])(?<!số )(?<!thứ )(?<!khóa )(?<!kỳ )(?<!tầng )(?<![Ảả]nh )(?<![Đđ]iều )(?<![Kk]hoản )"
    r"(?P<n>(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?(?:/\d+(?:[.,]\d+)*)?)(?![\w/-]|[.,]\d)"
    + _SCALE + _UNIT + r"(?:(?<=%)/\d+(?:,\d+)?\s*%)?"  # "83,2%/50%": achieved/target, one figure
)
_YEAR_ONLY = re.compile(rf"{Y}")
# more periods after one, in a list: "nhiệm kỳ 2020 – 2025, 2021 – 2026"
_MORE_PERIODS = re.compile(rf"\s*(?:,|và)\s*({Y}\s*[-–]\s*{Y})(?![\w/])")
_PERIOD_HEAD = re.compile(r"(?i:giai đoạn|nhiệm kỳ|năm học|niên khóa|thời kỳ)\s")
_NOT_UNIT = frozenset("năm tháng ngày quý lần trở là so đến tới tăng giảm đạt có được vượt còn trên dưới hơn tổng "
                      "và với của cho từ trong thì mà nên".split())
_PARTY_UNIT = re.compile(r"\s+ủy(?!\w)")
_NAME_NEXT = re.compile(rf"\s+{UP}")  # a capitalised word after the noun: a name ("Bộ" + "Công an")

# --- pieces that combine with the gazetteer's spans (see find_entities)
# "Hội nghị" + an ORG is an EVENT: "Hội nghị Tỉnh ủy lần thứ 16 khóa XII"
MEETING = re.compile(rf"(?<!\w)[Hh]ội nghị(?:\s+(?:[Cc]ấp cao|[Tt]hượng đỉnh|Bộ trưởng|lần\s+thứ\s+{ORD}\s*,?))?\s+")
EVENT_TAIL = re.compile(rf"(?P<ord>(?:\s+lần\s+thứ\s+{ORD})?(?:\s*,?\s*khóa\s+{ROMAN})?){EXTENDED}?")
# "Tập đoàn Điện lực Việt Nam (EVN)": the acronym after an ORG
ACRONYM = re.compile(rf"\s*\(({UP}[{re.escape(_UPPER)}0-9&-]{{1,9}})\)")
RESOLUTION_HEAD = re.compile(r"(?:Nghị quyết|Văn kiện|Báo cáo chính trị)\s+$")  # before an EVENT: a DOC
CHARTER_HEAD = re.compile(r"(?:Điều lệ|Cương lĩnh)\s+$")  # before an ORG: a DOC ("Điều lệ Đảng")


def pattern_spans(n: str, tokens) -> list[tuple[int, int, str, int]]:
    """DOC, EVENT, TIME and NUM candidates (start, end, label, tier) in the
    folded sentence `n`; `tokens` lets a figure take its counted noun."""
    cands = []
    for rx, label in ((_DOC, "DOC"), (_EVENT, "EVENT"), (_TIME, "TIME")):
        for m in rx.finditer(n):
            cands.append((m.start(), m.end(), label, 1))
            end = m.end()
            while label == "TIME" and _PERIOD_HEAD.match(m.group()) and (more := _MORE_PERIODS.match(n, end)):
                cands.append((more.start(1), more.end(1), "TIME", 1))
                end = more.end()
    times = [(c[0], c[1]) for c in cands if c[2] == "TIME"]
    for m in _PCT_RANGE.finditer(n):
        cands.append((m.start(), _num_end(n, m.end(), tokens), "NUM", 1))
    for m in _NUM.finditer(n):
        end = m.end()
        if end == m.end("n") and (_YEAR_ONLY.fullmatch(m.group("n")) or _DAY_MONTH.fullmatch(m.group("n"))
                                  or n[m.start() - 1:m.start()] == "(" and n[end:end + 1] == ")"):
            continue  # a bare year, day/month ("chiều nay 9/7") or list marker "(1)" is no figure
        if any(ts <= m.start() < te for ts, te in times):
            continue  # part of a date: "tháng 10/2024 thảo luận"
        if not n[:m.start()].strip() and n[m.end("n"):m.end("n") + 1] in (".", ")") and end == m.end("n"):
            continue  # a list marker opening the sentence: "1. Về kết quả"
        stop = _num_end(n, end, tokens, counted=end == m.end("n"))
        # a count beats the body it counts: "23 Đảng bộ xã" is no ORG "Đảng bộ xã"
        cands.append((m.start(), stop, "NUM", 2 if n[end:stop].strip()[:1].isupper() else 1))
    return cands


def _num_end(text: str, end: int, tokens, counted: bool = False) -> int:
    """Extend a figure over the counted noun that follows ("3.763 phạm nhân").
    `counted`: a bare count, which may count a capitalised common noun ("4 Văn
    phòng", "23 Đảng bộ") unless a name starts there ("3 Bộ Công an")."""
    for ts, te, pos, _ in tokens or ():
        if ts < end:
            continue
        if text[end:ts].strip():
            return end
        word = text[ts:te]
        # the POS tagger often calls the counted noun a verb ("3.763 phạm nhân/V")
        if counted and pos == "N" and word[:1].isupper() and not _NAME_NEXT.match(text, te):
            return te
        if pos[:1] in ("N", "V") and word[:1].isalpha() and word[:1].islower() \
                and word.split()[0] not in _NOT_UNIT:
            nxt = _PARTY_UNIT.match(text, te)  # "63 tỉnh" + " ủy" split by the tokenizer
            return nxt.end() if nxt and word in ("tỉnh", "thành", "huyện", "đảng") else te
        return end
    return end

