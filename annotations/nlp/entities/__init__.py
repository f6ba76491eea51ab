"""Entity layer: rules + gazetteers on top of underthesea's CRF tags.

`find_entities(sentence, tokens)` returns (start, end, label) spans relative to
the sentence. It runs on one sentence at a time, after `ner()` has segmented
it, and uses the word tokens (spans, POS tags, CRF tags) it produced:

* regex patterns for DOC, EVENT, TIME and NUM (NUM takes the counted noun that
  follows the figure: "3.763 phạm nhân");
* gazetteers (annotations/data) for ORG and LOC, where generic heads extend
  ("Ban Thường vụ" + "Tỉnh ủy", "UBND" + "tỉnh Quảng Ninh");
* person names: a capitalised run that starts with a Vietnamese surname, or
  follows a title ("đồng chí", "Tổng Bí thư", "ông"...); the title stays out;
* the CRF's own PER/ORG/LOC spans, cleaned (titles stripped, dates and
  lower-case phrases dropped, relabelled by the rules above), only where no
  rule matched.

Overlaps: rule spans beat CRF spans; among rules the longest wins, then the
label order DOC EVENT TIME ORG LOC PER NUM. Matching runs on a copy of the
sentence with old-style tone marks folded (uỷ -> ủy, hoà -> hòa): same length,
so offsets hold. Pure Python, no underthesea import.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ...text.vietnamese import fold_tones

DATA = Path(__file__).parent.parent / "data"
LABEL_ORDER = {lab: i for i, lab in enumerate(("DOC", "EVENT", "TIME", "ORG", "LOC", "PER", "NUM"))}

_UPPER = "".join(c for r in (range(0x41, 0x250), range(0x1E00, 0x1F00)) for c in map(chr, r) if c.isupper())
UP = f"[{re.escape(_UPPER)}]"
CAPW = rf"{UP}\w*"  # a capitalised syllable
ROMAN = r"[IVXLC]+\b"
ORDW = r"(?:nhất|hai|ba|tư|bốn|năm|sáu|bảy|tám|chín|mười(?:\s+(?:một|hai|ba|bốn|lăm|năm|sáu|bảy|tám|chín))?)"
ORD = rf"(?:\d+\b|{ROMAN}|{ORDW}\b)"  # "lần thứ 25", "lần thứ XII", "lần thứ tám"
Y = r"(?:19|20)\d{2}"
NUMW = r"(?:\d+|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|mười hai)"

# --- patterns, compiled once. In DOC and EVENT, (?i:...) makes only the keyword
# case-blind; TIME is case-blind throughout (headings in capitals).
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
    rf"|(?i:{NUMW}\s+tháng)(?:\s+(?:đầu|cuối|giữa))?\s+năm(?:\s+{Y})?"
    rf"|(?i:tháng)\s+\d{{1,2}}(?:\s*[/-]\s*{Y}|\s+năm\s+{Y})?"
    rf"|(?i:quý)\s+(?:[1-4]|IV|I{{1,3}})(?:\s*[/-]\s*{Y}|\s+năm\s+{Y})?"
    rf"|(?i:giai đoạn|nhiệm kỳ|năm học|niên khóa|thời kỳ)\s+{Y}\s*[-–]\s*(?:{Y}|\d{{2}})"
    rf"|\d+\s+năm\s+{Y}\s*[-–]\s*{Y}"
    rf"|(?:(?:đầu|cuối|giữa)\s+|mùa\s+(?:xuân|hạ|hè|thu|đông|khô|mưa)\s+)?năm\s+{Y}(?:\s*[-–]\s*{Y})?"
    r"|(?<!thứ )(?:\d+|hai|ba|bốn|sáu|bảy|tám|chín|mười)\s+(?:tháng|năm)(?:\s+(?:qua|tới|trước|gần đây))?"  # "sáu tháng"
    r")(?![\w/])",
    re.IGNORECASE,  # headings in capitals: "9 THÁNG ĐẦU NĂM 2024"
)
_CAN = "Giáp Ất Bính Đinh Mậu Kỷ Canh Tân Nhâm Quý".split()
_CHI = "Tý Sửu Dần Mão Mẹo Thìn Tỵ Ngọ Mùi Thân Dậu Tuất Hợi".split()
_CAN_CHI = rf"(?:{'|'.join(_CAN)})\s+(?:{'|'.join(_CHI)})"
_CODE = r"\d+(?:[/.-][\w]+)*"
_DOC = re.compile(
    r"(?<!\w)(?:"
    r"(?i:nghị quyết|chỉ thị|kết luận|quyết định|quy định|nghị định|thông tư liên tịch|thông tư|thông báo"
    r"|công điện|hướng dẫn|kế hoạch|công văn|quy chế|đề án|chương trình|lệnh)\s+(?:số\s+)?" + _CODE
    + rf"|Nghị quyết\s+(?:Trung ương|TW)\s+(?:\d+|{ROMAN})(?:\s+khóa\s+{ROMAN})?"
    + rf"|Hiến pháp(?:\s+(?:năm\s+)?{Y})?"
    r")(?!\w)"
)
_ASSEMBLY = rf"(?:Quốc hội|HĐND|Hội đồng nhân dân)(?:\s+(?:tỉnh|thành phố|huyện)(?:\s+{CAPW})*)?"
_EVENT = re.compile(
    r"(?<!\w)(?:"
    r"[ĐđẠ]ại hội(?:\s+đại biểu)?"
    rf"(?:\s+(?:toàn quốc|Đảng toàn quốc|Đảng bộ(?:\s+(?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường))?(?:\s+{CAPW}(?:\.{CAPW})*)*|(?:Đoàn|Hội)(?:\s+{CAPW})+|{CAPW}(?:\s+{CAPW})*))?"
    rf"\s+(?:lần\s+thứ\s+)?(?:{ROMAN}|\d+\b)"
    rf"(?:\s+(?:của\s+)?Đảng bộ(?:\s+(?:tỉnh|thành phố|huyện|quận|thị xã|xã|phường))?(?:\s+{CAPW}(?:\.{CAPW})*)*"
    rf"|\s+của\s+Đảng(?:\s+Cộng sản Việt Nam)?)?"
    rf"|Hội nghị\s+(?:lần\s+thứ\s+(?:\d+|{ROMAN})\s+)?(?:Ban Chấp hành\s+)?Trung ương(?:\s+Đảng)?"
    rf"(?:\s+(?:lần\s+thứ\s+)?(?:\d+\b|{ROMAN})|\s+giữa nhiệm kỳ)(?:\s*,?\s*khóa\s+{ROMAN})?(?:\s+của\s+Đảng)?"
    rf"|Hội nghị\s+lần\s+thứ\s+(?:\d+|{ROMAN})\s+Ban Chấp hành Trung ương(?:\s+Đảng)?(?:\s*,?\s*khóa\s+{ROMAN})?"
    rf"|Hội nghị\s+lần\s+thứ\s+{ORD}(?:\s*,?\s*khóa\s+{ROMAN})?(?:\s*\(mở rộng\))?"
    rf"|(?:Giao lưu|Đối thoại|Diễn đàn|Hội thảo|Hội chợ|Triển lãm|Liên hoan|Hội thi|Cuộc thi|Giải|Hội diễn|Tuần lễ|Lễ hội|Hội nghị)"
    rf"(?:\s+[^\s,.;:()]+){{1,12}}?\s+lần\s+thứ\s+{ORD}"  # "Đối thoại ... Việt Nam - Liên bang Nga lần thứ 8"
    rf"|Tết\s+(?:Nguyên đán(?:\s+{_CAN_CHI})?|{_CAN_CHI}|Độc lập|Trung thu)(?:\s+{Y})?"
    rf"|Hội nghị\s+(?:[Cc]ấp cao|[Tt]hượng đỉnh)(?:\s+lần\s+thứ\s+\d+)?"
    rf"|Kỳ họp\s+(?:(?:thứ\s+)?{ORD}|thứ\s+\w+|bất thường(?:\s+lần\s+thứ\s+\w+)?)"
    rf"(?:\s+(?:của\s+)?{_ASSEMBLY}(?:\s+khóa\s+{ROMAN})?|\s*,\s*{_ASSEMBLY}\s+khóa\s+{ROMAN})?"
    r")(?!\w)"
)
_SCALE = r"(?:\s*(?:nghìn tỷ|ngàn tỷ|triệu|tỷ|tỉ|nghìn|ngàn|trăm)(?!\w))?"
_UNIT = r"(?:\s*%|\s*(?:USD|đồng(?!\s+chí)|VNĐ|VND|km|ha|tấn|m2|m3|MW|kWh)(?!\w))?"
_MEETING = re.compile(rf"(?<!\w)Hội nghị(?:\s+(?:[Cc]ấp cao|[Tt]hượng đỉnh|Bộ trưởng|lần\s+thứ\s+{ORD}))?\s+")
_EVENT_TAIL = re.compile(rf"(?:\s+lần\s+thứ\s+{ORD})?(?:\s*,?\s*khóa\s+{ROMAN})?(?:\s*\(mở rộng\))?")
_DAY_MONTH = re.compile(r"(?:[1-9]|[12]\d|3[01])/(?:[1-9]|1[0-2])")
_PCT_RANGE = re.compile(r"(?<![\w.,/%-])\d+(?:,\d+)?\s*[-–]\s*\d+(?:,\d+)?\s*%")  # "5-7%"
_NUM = re.compile(
    r"(?<![\w.,/%-])(?<!số )(?<!thứ )(?<!khóa )(?<!kỳ )"
    r"(?P<n>(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?(?:/\d+(?:[.,]\d+)*)?)(?![\w/-]|[.,]\d)"
    + _SCALE + _UNIT
)
_YEAR_ONLY = re.compile(rf"{Y}")
_NOT_UNIT = frozenset("năm tháng ngày quý lần trở là so đến tới tăng giảm đạt có được vượt còn trên dưới hơn "
                      "và với của cho từ trong thì mà nên".split())
_LAW_VERBS = {("dự", "thảo"), ("thông", "qua"), ("ban", "hành"), ("sửa", "đổi"), ("thi", "hành"),
              ("áp", "dụng"), ("triển", "khai")}
_DOC_STOP = frozenset("của được đã sẽ và tại trong theo với cho là có năm thì mà khi để do bởi từ đến này đó "
                      "nhằm về cũng đang vừa mới phải không chưa các những nên như số ngày".split())
_ACRONYM = re.compile(rf"\s*\(({UP}[{re.escape(_UPPER)}0-9&-]{{1,9}})\)")
_PARTY_UNIT = re.compile(r"\s+ủy(?!\w)")
_ATOM = re.compile(r"\w+|[^\w\s]")

# Titles before a person's name (what the name may follow directly).
TITLES = (
    "đồng chí", "Đồng chí", "ông", "Ông", "bà", "Bà", "anh", "chị", "cụ", "Cụ", "Bác",
    "Đại tướng", "Thượng tướng", "Trung tướng", "Thiếu tướng", "Đại tá", "Thượng tá", "Trung tá",
    "Thiếu tá", "Đô đốc", "Phó Đô đốc", "Chuẩn Đô đốc",
    "Tổng Bí thư", "Chủ tịch nước", "Phó Chủ tịch nước", "Chủ tịch", "Phó Chủ tịch", "Thủ tướng",
    "Phó Thủ tướng", "Bộ trưởng", "Thứ trưởng", "Bí thư", "Phó Bí thư", "Trưởng ban", "Phó Trưởng ban",
    "Chánh Văn phòng", "Phó Chánh Văn phòng", "Chủ nhiệm", "Phó Chủ nhiệm", "Giám đốc", "Phó Giám đốc",
    "Tổng Giám đốc", "Tổng thống", "Phó Tổng thống", "Ngoại trưởng", "Quốc vương", "Nhà vua", "Hoàng thân",
    "Thủ hiến", "Tổng thư ký", "Tổng Thư ký", "Giáo sư", "Phó Giáo sư", "Tiến sĩ", "GS", "PGS", "TS",
    "Thạc sĩ", "Luật sư", "Nhà báo", "Đại sứ", "Trưởng đoàn", "Phó Trưởng đoàn", "Đại biểu",
    "Chủ tịch Quốc hội", "Phó Chủ tịch Quốc hội", "Thường trực Ban Bí thư", "Ủy viên Bộ Chính trị",
    "Bí thư Tỉnh ủy", "Bí thư Thành ủy", "Phó Bí thư Tỉnh ủy", "Phó Bí thư Thành ủy", "Hòa thượng",
    "Thượng tọa", "Mục sư", "Linh mục", "Giám mục", "Tổng Giám mục", "Ảnh:", "ảnh:",
    "Thượng nghị sĩ", "Hạ nghị sĩ", "Nghị sĩ", "Ngài", "Phu nhân", "Thủ tướng Chính phủ", "Thống đốc",
    "Chánh án", "Viện trưởng", "Tổng Kiểm toán", "Tổng Thanh tra", "Tổng Tham mưu trưởng", "Tư lệnh", "Chính ủy",
)
_TITLES_ALT = "|".join(sorted(map(re.escape, TITLES), key=len, reverse=True))
_TITLE_RE = re.compile(rf"(?<!\w)(?:{_TITLES_ALT})\s*:?\s+", re.IGNORECASE)  # where a title ends, a name may start
_TITLE_AT = re.compile(rf"(?:{_TITLES_ALT})(?!\w)", re.IGNORECASE)
# CRF spans that start with these are generic phrases, not names.
_GENERIC_HEADS = ("Trụ sở", "Khu", "Hội nghị", "Kỳ", "Đại hội", "Chỉ thị", "Nghị quyết", "Kết luận",
                  "Quyết định", "Đề án", "Dự án", "Chương trình", "Cuộc", "Lễ", "Ngày", "Năm", "Tháng",
                  "Quý", "Nhân dân", "Kinh tế", "Công tác", "Thủ đô", "Tổ quốc", "Kỷ nguyên", "Thường trực")
# Event heads that take a following organisation or capitalised name.
_EVENT_HEADS = {("Lễ",): "+", ("Ngày",): "+", ("Hội", "thảo"): "+", ("Diễn", "đàn"): "+", ("Hội", "nghị"): "+"}
_DOC_HEADS = {("Luật",): "+", ("Bộ", "luật"): "+", ("Pháp", "lệnh"): "+"}


def _lines(name: str) -> list[str]:
    out = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def _flagged(line: str) -> tuple[str, str, bool]:
    """"Ban Thường vụ +" -> ("Ban Thường vụ", "+", False); see orgs.txt."""
    for flag in (" +!", " @!", " +", " @"):
        if line.endswith(flag):
            return line[: -len(flag)], flag[1], flag.endswith("!")
    return line, "", False


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[dict, frozenset, frozenset]:
    """First atom -> [(atoms, folded atoms after the first, label, ext, must_extend)], longest first."""
    table: dict[str, list] = {}

    def add(name: str, label: str, ext: str = "", must: bool = False) -> None:
        atoms = tuple(_ATOM.findall(fold_tones(name)))
        table.setdefault(atoms[0], []).append((atoms, tuple(a.casefold() for a in atoms[1:]), label, ext, must))

    for line in _lines("orgs.txt"):
        name, ext, must = _flagged(line)
        add(name, "ORG", ext, must)
    countries = set()
    section = ""
    for line in (DATA / "places.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("#"):
            section = line
        elif line:
            name, ext, must = _flagged(line)
            add(name, "LOC", ext, must)
            if section.startswith("# countries"):
                countries.add(tuple(_ATOM.findall(fold_tones(name))))
    for heads, label in ((_EVENT_HEADS, "EVENT"), (_DOC_HEADS, "DOC")):
        for atoms, ext in heads.items():
            table.setdefault(atoms[0], []).append((atoms, tuple(a.casefold() for a in atoms[1:]), label, ext, True))
    for entries in table.values():
        entries.sort(key=lambda e: -len(e[0]))
    surnames = frozenset(fold_tones(s) for line in _lines("surnames.txt") for s in line.split())
    return table, surnames, frozenset(countries)


class _Sentence:
    """Atoms (syllables and punctuation) of one sentence with token facts."""

    __slots__ = ("atoms", "spans", "cap", "joined", "pos", "n")

    def __init__(self, text: str, tokens):
        ms = list(_ATOM.finditer(text))
        self.atoms = [m.group() for m in ms]
        self.spans = [m.span() for m in ms]
        self.n = len(ms)
        self.cap = [a[0].isupper() for a in self.atoms]
        starts = {t[0] for t in tokens} if tokens else None
        # joined[i]: atom i continues the word token of atom i-1 ("Bí" "thư")
        self.joined = [
            i > 0 and (ms[i].start() not in starts if starts is not None
                       else not self.cap[i] and self.cap[i - 1] and ms[i].group().isalpha())
            for i in range(self.n)
        ]
        pos = {}
        for t in tokens or ():
            pos[t[0]] = t[2]
        self.pos = [pos.get(s, "") for s, _ in self.spans]

    def capword_end(self, i: int) -> int:
        """Atom index after the capitalised word starting at i, or i if none."""
        if i >= self.n or not self.cap[i] or not self.atoms[i][0].isalpha():
            return i
        j = i + 1
        while j < self.n and self.joined[j] and self.atoms[j].isalpha():
            j += 1
        return j

    def match(self, i: int, atoms: tuple, folded: tuple) -> int:
        """2 if the atoms from i are a name's, 1 if only case differs after the
        first atom ("Ban thường vụ"), 0 if not."""
        end = i + len(atoms)
        if end > self.n:
            return 0
        if tuple(self.atoms[i:end]) == atoms:
            return 2
        return int(tuple(a.casefold() for a in self.atoms[i + 1:end]) == folded)


def _is_name_at(s: _Sentence, i: int, surnames) -> int:
    """End atom of a person-like run at i (surname + capitalised syllables), or i."""
    if i >= s.n or s.atoms[i] not in surnames:
        return i
    j = i + 1
    while j < s.n and s.cap[j] and s.atoms[j].isalpha() and j - i < 5:
        # two names in a row, each its own word token: "Bạch Mai" | "Đào Xuân Cơ"
        if j - i >= 2 and not s.joined[j] and s.atoms[j] in surnames and j + 1 < s.n and s.joined[j + 1] \
                and s.cap[j + 1]:
            break
        j += 1
    if j - i == 2 and j < s.n and s.joined[j] and not s.cap[j]:  # "Đoàn Thanh niên"
        return i
    if j - i == 2 and s.atoms[i] in _CAN and s.atoms[i + 1] in _CHI:  # "Giáp Thìn" is a year
        return i
    return j if j - i >= 2 else i


def _gaz_at(s: _Sentence, i: int, table, surnames, depth: int = 0):
    """Longest gazetteer entity starting at atom i, with head extension.
    Returns (end_atom, label) or None."""
    for atoms, folded, label, ext, must in table.get(s.atoms[i], ()):
        how = s.match(i, atoms, folded)
        if not how:
            continue
        if must and s.joined[i]:
            continue  # a generic head must start a word: not "Viện" of "Bệnh Viện"
        if len(atoms) == 1 and label == "LOC" and i > 0 and s.cap[i - 1] and s.atoms[i - 1].isalpha() \
                and depth == 0:
            continue  # "Đức" inside "Việt Đức" is no country
        j = i + len(atoms)
        # a short name must end at a word boundary ("Đảng" is not "Đảng bộ"); long
        # ones are trusted over the tokenizer ("... Hồ Chí Minh dự" as one word)
        if len(atoms) < 3 and j < s.n and s.joined[j] and s.atoms[j].isalpha() and not s.cap[j]:
            continue
        if atoms == ("Đảng",) and j < s.n and s.atoms[j] in ("ủy", "bộ", "viên", "đoàn", "phí", "kỳ", "tịch", "vụ"):
            continue
        k = _extend(s, i, j, ext, label, table, surnames, depth, must) if ext else j
        if k == j and must:
            continue
        if label == "ORG" and k == j and j < s.n:  # "Bộ Quốc phòng" + "Trung Quốc"
            k = _country_end(s, j, table)
        if how == 1 and ext and not (j < s.n and _gaz_at(s, j, table, surnames, 3)):
            continue  # "Ban thường vụ Tỉnh ủy" yes, a generic "Ban tổ chức" no
        return k, label
    return None


def _country_end(s: _Sentence, j: int, table) -> int:
    """Atom index after a country name starting at j, or j."""
    countries = _gazetteer()[2]
    for atoms, folded, label, ext, must in table.get(s.atoms[j], ()):
        if label == "LOC" and atoms in countries and s.match(j, atoms, folded) == 2:
            return j + len(atoms)
    return j


def _extend(s: _Sentence, head: int, j: int, ext: str, label: str, table, surnames, depth: int,
            must: bool) -> int:
    """Extend a generic head (atoms head..j-1); returns the new end atom."""
    start = j
    # a law named in lower case only after "dự thảo", "thông qua"...: "Luật ngân sách nhà nước"
    lower_law = label == "DOC" and tuple(s.atoms[max(0, head - 2):head]) in _LAW_VERBS
    while j < s.n:
        a = s.atoms[j]
        if label == "DOC" and (j > start or lower_law) and \
                (a.isalpha() and a.islower() and a not in _DOC_STOP and j - start < 10):
            j += 1  # "Luật Tổ chức chính quyền địa phương"
            continue
        if label == "DOC" and tuple(s.atoms[j:j + 4]) == ("(", "sửa", "đổi", ")"):
            j += 4
            break
        if tuple(s.atoms[j:j + 3]) == ("T", ".", "Ư"):  # "Ủy ban Kiểm tra T.Ư"
            j += 3
            continue
        if a in ("tỉnh", "thành", "huyện", "quận", "thị", "xã", "phường", "TP"):  # "UBND tỉnh Quảng Ninh"
            k = j + (2 if a in ("thành", "thị") and j + 1 < s.n and s.atoms[j + 1] in ("phố", "xã", "trấn") else 1)
            if a == "TP" and k < s.n and s.atoms[k] == ".":  # "TP.Hà Nội"
                k += 1
            if a in ("thành", "thị") and k == j + 1:
                break
            m = k
            hit = _gaz_at(s, m, table, surnames, depth + 1) if m < s.n and s.cap[m] else None
            if hit and hit[1] == "LOC":
                m = hit[0]
            else:  # an unlisted place, but never a person ("UBND tỉnh" + "Y Thanh Hà Niê Kđăm")
                while m < s.n and s.cap[m] and s.atoms[m][0].isalpha() and _is_name_at(s, m, surnames) == m:
                    m = s.capword_end(m)
            if label != "ORG" and m == k:
                break
            j = m
            break
        if ext == "+" and a.isdigit() and s.capword_end(j + 1) > j + 1:
            j += 1  # "Ban Chỉ đạo 35 Trung ương"
            continue
        if must and j == start and a.isalpha() and a.islower() and label == "ORG":
            k = j  # "Công ty than Vàng Danh": a few common words, then the name
            while k < s.n and k - j < 4 and s.atoms[k].isalpha() and s.atoms[k].islower() \
                    and s.atoms[k] not in _DOC_STOP:
                k += 1
            if k > j and k < s.n and s.cap[k] and s.atoms[k][0].isalpha() and not s.atoms[k].isupper() \
                    and not (depth < 3 and _gaz_at(s, k, table, surnames, 3)):
                j = start = k
                continue
        if not s.cap[j] or not a[0].isalpha():
            if a == "và" and ext == "+" and j > start and s.capword_end(j + 1) > j + 1 \
                    and s.atoms[j + 1] not in table:
                j += 1
                continue
            if a == "-" and ext == "+" and j > start and s.capword_end(j + 1) > j + 1:
                j += 1
                continue
            break
        if depth < 3:
            hit = _gaz_at(s, j, table, surnames, depth + 1)
            if hit and hit[1] == "ORG" and (ext != "+" or s.atoms[start - 1] == "Đảng"):
                break  # "Đảng" + "Thành ủy" are two bodies
            if hit and hit[1] in ("LOC", "ORG"):
                j = hit[0]
                if hit[1] == "LOC":
                    break
                continue
        if ext == "@":
            break  # only places extend "Tỉnh ủy"
        name_end = _is_name_at(s, j, surnames)
        if name_end > j:
            if must and j == start:  # named after someone: "Bệnh viện Bạch Mai"
                j = name_end
            break  # never swallow the person after a body: "Văn phòng Trung ương Đảng Lê Minh Hưng"
        j = s.capword_end(j)
    day = s.atoms[j:j + 4]
    if label == "EVENT" and j > start and len(day) >= 3 and day[0].isdigit() and day[1] == "/" \
            and day[2].isdigit() and len(day[0]) <= 2 and len(day[2]) <= 2 and day[3:] != ["/"]:
        j += 3  # "Lễ Quốc khánh 2/9"
    if label == "DOC" and j > start and j < s.n:  # "Luật Đất đai 2024", "... năm 2013"
        k = j + 1 if s.atoms[j] == "năm" else j
        if k < s.n and re.fullmatch(Y, s.atoms[k]):
            j = k + 1
    return j


def _num_end(s: _Sentence, text: str, end: int, tokens) -> int:
    """Extend a figure over the counted noun that follows ("3.763 phạm nhân")."""
    for ts, te, pos, _ in tokens or ():
        if ts < end:
            continue
        if text[end:ts].strip():
            return end
        word = text[ts:te]
        # the POS tagger often calls the counted noun a verb ("3.763 phạm nhân/V")
        if pos[:1] in ("N", "V") and word[:1].isalpha() and word[:1].islower() \
                and word.split()[0] not in _NOT_UNIT:
            nxt = _PARTY_UNIT.match(text, te)  # "63 tỉnh" + " ủy" split by the tokenizer
            return nxt.end() if nxt and word in ("tỉnh", "thành", "huyện", "đảng") else te
        return end
    return end


def _crf_spans(tokens):
    cur = None
    for ts, te, _, tag in tokens or ():
        if tag.startswith("B-") or (tag.startswith("I-") and (cur is None or cur[2] != tag[2:])):
            if cur:
                yield cur
            cur = [ts, te, tag[2:]]
        elif tag.startswith("I-"):
            cur[1] = te
        else:
            if cur:
                yield cur
            cur = None
    if cur:
        yield cur


def find_entities(text: str, tokens=None) -> list[tuple[int, int, str]]:
    """Entities in one sentence. `tokens`: [(start, end, pos, crf_tag)] relative
    to `text` (from underthesea ner()); None for rules without the CRF."""
    n = fold_tones(text)
    table, surnames, countries = _gazetteer()
    s = _Sentence(n, tokens)
    cands: list[tuple[int, int, str, int]] = []  # start, end, label, tier

    for rx, label in ((_DOC, "DOC"), (_EVENT, "EVENT"), (_TIME, "TIME")):
        for m in rx.finditer(n):
            cands.append((m.start(), m.end(), label, 1))
    for m in _PCT_RANGE.finditer(n):
        cands.append((m.start(), _num_end(s, n, m.end(), tokens), "NUM", 1))
    for m in _NUM.finditer(n):
        end = m.end()
        if end == m.end("n") and (_YEAR_ONLY.fullmatch(m.group("n")) or _DAY_MONTH.fullmatch(m.group("n"))
                                  or n[m.start() - 1:m.start()] == "(" and n[end:end + 1] == ")"):
            continue  # a bare year, day/month ("chiều nay 9/7") or list marker "(1)" is no figure
        cands.append((m.start(), _num_end(s, n, end, tokens), "NUM", 1))

    # gazetteer and heads, person names, over atoms
    title_ends = {m.end() for m in _TITLE_RE.finditer(n)}
    atom_at = {sp[0]: k for k, sp in enumerate(s.spans)}
    i = 0
    org_at: dict[int, int] = {}
    while i < s.n:
        if not s.cap[i] and s.atoms[i] not in table:  # lower-case entries: "miền Trung"
            i += 1
            continue
        hit = _gaz_at(s, i, table, surnames)
        if hit:
            j, label = hit
            start, end = s.spans[i][0], s.spans[j - 1][1]
            if label == "ORG":
                org_at[i] = j
            cands.append((start, end, label, 1))
            if j < s.n and label in ("ORG", "LOC") and (start in title_ends or (
                    label == "LOC" and tuple(s.atoms[i:j]) in countries
                    and any(s.spans[max(0, i - 6)][0] <= t <= start for t in title_ends))):
                # "Chủ tịch nước Trung Quốc" + "Tập Cận Bình",
                # "Thứ trưởng Quốc phòng Hàn Quốc" + "Park Jae Min"
                title_ends.add(s.spans[j][0])
        if not s.cap[i]:
            i += 1
            continue
        j = _is_name_at(s, i, surnames) if not s.joined[i] else i
        if hit and hit[0] - i >= 2:
            j = i  # a place or body, not a person: "Hà Nội", "Hàn Quốc" (+ "Park Jae Min")
        if j > i:
            cands.append((s.spans[i][0], s.spans[j - 1][1], "PER", 1))
        elif not s.joined[i] and s.spans[i][0] in title_ends:
            j = i
            while j < s.n and s.cap[j] and s.atoms[j].isalpha() and j - i < 5:
                j += 1
            # a whole capitalised run ("Putin", "Hun Sen"), not the start of a title
            if j > i and not (j < s.n and s.joined[j]) and s.atoms[i] not in table \
                    and not (len(s.atoms[i]) > 1 and s.atoms[i].isupper()):  # "Chủ tịch QH ..." 
                cands.append((s.spans[i][0], s.spans[j - 1][1], "PER", 1))
        i += 1

    # "Tập đoàn Điện lực Việt Nam (EVN)": the acronym is the same ORG
    for c in [c for c in cands if c[2] == "ORG"]:
        m = _ACRONYM.match(n, c[1])
        if m:
            cands.append((m.start(1), m.end(1), "ORG", 1))
    # "Hội nghị" + organisation -> EVENT ("Hội nghị Ban Chấp hành Đảng bộ tỉnh",
    # "Hội nghị Cấp cao ASEAN lần thứ 44", "Hội nghị Tỉnh ủy lần thứ 16 khóa XII")
    for m in _MEETING.finditer(n):
        k = atom_at.get(m.end())
        if k in org_at:
            end = s.spans[org_at[k] - 1][1]
            cands.append((m.start(), _EVENT_TAIL.match(n, end).end(), "EVENT", 1))
    # "Nghị quyết" + event -> DOC ("Nghị quyết Đại hội XIII của Đảng")
    for c in [c for c in cands if c[2] == "EVENT"]:
        head = re.search(r"(?:Nghị quyết|Văn kiện|Báo cáo chính trị)\s+$", n[max(0, c[0] - 25):c[0]])
        if head:
            cands.append((c[0] - len(head.group()), c[1], "DOC", 1))

    for ts, te, label in _crf_spans(tokens):
        if label not in ("PER", "ORG", "LOC"):
            continue
        span = _clean_crf(s, n, ts, te, label, table, surnames, title_ends)
        if span:
            cands.append((*span, 0))
    return resolve(cands)


def _clean_crf(s: _Sentence, n: str, ts: int, te: int, label: str, table, surnames, title_ends):
    """Fix the CRF's known mistakes; None if the span is not a name."""
    idx = [i for i, (a, b) in enumerate(s.spans) if a >= ts and b <= te]
    # drop leading titles and common words: "đồng chí Lương Cường" -> "Lương Cường"
    while idx:
        title = _TITLE_AT.match(n, s.spans[idx[0]][0])
        if title:
            idx = [i for i in idx if s.spans[i][0] >= title.end()]
        elif not s.cap[idx[0]] or s.joined[idx[0]]:
            idx.pop(0)
        else:
            break
    while idx and not s.atoms[idx[-1]][0].isalnum():
        idx.pop()
    if not idx or (idx[-1] + 1 < s.n and s.joined[idx[-1] + 1] and s.atoms[idx[-1] + 1].isalpha()):
        return None  # ends inside a word: "Tổ" of "Tổ chức"
    start, end = s.spans[idx[0]][0], s.spans[idx[-1]][1]
    words = n[start:end]
    if any(ch.isdigit() for ch in words) or words.startswith(_GENERIC_HEADS) or words.isupper() \
            or label == "PER" and any(len(s.atoms[i]) > 1 and s.atoms[i].isupper() for i in idx):
        return None  # "năm 2024", "quý 2", "Trụ sở Trung ương Đảng", "GRDP"
    if any(not s.cap[i] and s.atoms[i] not in ("và", "-") and not s.joined[i] for i in idx):
        return None  # a lower-case word: a phrase, not a name
    if len(idx) == 1 and start not in title_ends:
        return None  # one capitalised word: "Thu" opening a sentence, "Tổ" of "Tổ Biên tập", "Lớp"
    if _is_name_at(s, idx[0], surnames) == idx[-1] + 1 or start in title_ends:
        label = "PER"
    hit = _gaz_at(s, idx[0], table, surnames)
    if hit and hit[0] == idx[-1] + 1:
        label = hit[1]
    return start, end, label


def resolve(cands) -> list[tuple[int, int, str]]:
    """Non-overlapping spans: higher tier, then longer, then label order."""
    taken: list[tuple[int, int, str]] = []
    occupied = bytearray(max((c[1] for c in cands), default=0))
    for start, end, label, _ in sorted(
            set(cands), key=lambda c: (-c[3], -(c[1] - c[0]), LABEL_ORDER[c[2]], c[0])):
        if start >= end or any(occupied[start:end]):
            continue
        occupied[start:end] = b"\x01" * (end - start)
        taken.append((start, end, label))
    return sorted(taken)


def score(pairs) -> dict[str, tuple[float, float, float, int]]:
    """Exact-match precision, recall, F1 and gold count per label and "micro",
    from (gold spans, predicted spans) pairs of (start, end, label)."""
    tp: dict[str, int] = {}
    ng: dict[str, int] = {}
    np_: dict[str, int] = {}
    for gold, pred in pairs:
        g, p = set(map(tuple, gold)), set(map(tuple, pred))
        for key, spans in ((ng, g), (np_, p)):
            for *_, lab in spans:
                key[lab] = key.get(lab, 0) + 1
        for *_, lab in g & p:
            tp[lab] = tp.get(lab, 0) + 1
    out = {}
    for lab in [*LABEL_ORDER, "micro"]:
        if lab == "micro":
            t, gn, pn = sum(tp.values()), sum(ng.values()), sum(np_.values())
        else:
            t, gn, pn = tp.get(lab, 0), ng.get(lab, 0), np_.get(lab, 0)
        prec = t / pn if pn else 0.0
        rec = t / gn if gn else 0.0
        out[lab] = (prec, rec, 2 * prec * rec / (prec + rec) if prec + rec else 0.0, gn)
    return out
