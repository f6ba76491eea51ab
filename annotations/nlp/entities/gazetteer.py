"""Word lists: the gazetteers in annotations/nlp/data, person titles, and the
heads that name something only when a name follows them.

orgs.txt and places.txt hold one name a line, with the flags their headers
explain (" +": a following name extends it, " @": only a place does, "!": no
entity on its own); names under "# countries" may complete a body's name
("Bộ Quốc phòng" + "Trung Quốc"). surnames.txt holds Vietnamese family names.
Names are folded like the sentences they are matched against (fold_tones).
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ...text.vietnamese import fold_tones
from .patterns import ATOM

DATA = Path(__file__).parent.parent / "data"

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
TITLE_RE = re.compile(rf"(?<!\w)(?:{_TITLES_ALT})\s*:?\s+", re.IGNORECASE)  # where a title ends, a name may start
TITLE_AT = re.compile(rf"(?:{_TITLES_ALT})(?!\w)", re.IGNORECASE)
# "Trưởng đoàn" fuses with the delegation it heads, in either case: no
# delegation ORG inside, only the body its name spells out ("Trưởng Đoàn đại
# biểu Quốc hội tỉnh" -> "Quốc hội"; "Trưởng đoàn ĐBQH tỉnh" -> none); a name may follow.
FUSED_TITLE = re.compile(r"(?<!\w)(?:Phó\s+)?Trưởng\s+[đĐ]oàn\s+"
                         r"(?:ĐBQH(?:\s+(?:tỉnh|thành\s+phố|TP)(?!\w))?|đại\s+biểu(?=\s+Quốc\s+hội))\s*")
# CRF spans that start with these are generic phrases, not names.
GENERIC_HEADS = ("Trụ sở", "Khu", "Hội nghị", "Kỳ", "Đại hội", "Chỉ thị", "Nghị quyết", "Kết luận",
                 "Quyết định", "Đề án", "Dự án", "Chương trình", "Cuộc", "Lễ", "Ngày", "Năm", "Tháng",
                 "Quý", "Nhân dân", "Kinh tế", "Công tác", "Thủ đô", "Tổ quốc", "Kỷ nguyên", "Thường trực",
                 "Ban Đảng")
# Event heads that take a following organisation or capitalised name.
_EVENT_HEADS = {("Lễ",): "+", ("Ngày",): "+", ("Hội", "thảo"): "+", ("Diễn", "đàn"): "+", ("Hội", "nghị"): "+"}
_DOC_HEADS = {("Luật",): "+", ("Bộ", "luật"): "+", ("Pháp", "lệnh"): "+"}
# what a meeting does, capitalised in a headline: "Hội nghị Tổng kết công tác năm 2024" is generic
MEETING_KINDS = frozenset({("tổng", "kết"), ("sơ", "kết"), ("triển", "khai"), ("quán", "triệt"), ("giao", "ban"),
                           ("tập", "huấn"), ("học", "tập"), ("gặp", "mặt"), ("trực", "tuyến"), ("toàn", "quốc")})


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
def tables() -> tuple[dict, frozenset, frozenset]:
    """(table, surnames, countries), read once. table: first atom -> [(atoms,
    folded atoms after the first, label, ext, must_extend)], longest first;
    surnames: folded syllables; countries: the atoms of each country's name."""
    table: dict[str, list] = {}

    def add(name: str, label: str, ext: str = "", must: bool = False) -> None:
        atoms = tuple(ATOM.findall(fold_tones(name)))
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
                countries.add(tuple(ATOM.findall(fold_tones(name))))
    for heads, label in ((_EVENT_HEADS, "EVENT"), (_DOC_HEADS, "DOC")):
        for atoms, ext in heads.items():
            table.setdefault(atoms[0], []).append((atoms, tuple(a.casefold() for a in atoms[1:]), label, ext, True))
    for entries in table.values():
        entries.sort(key=lambda e: -len(e[0]))
    surnames = frozenset(fold_tones(s) for line in _lines("surnames.txt") for s in line.split())
    return table, surnames, frozenset(countries)


