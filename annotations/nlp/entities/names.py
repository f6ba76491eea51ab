"""Names over atoms: the gazetteer's ORG and LOC (with generic heads that
extend: "Ban Thường vụ" + "Tỉnh ủy", "UBND" + "tỉnh Quảng Ninh") and person
names (a capitalised run that starts with a surname, or follows a title; the
title stays out).

A sentence is seen as atoms (syllables and punctuation); the word tokens from
underthesea say which atoms join into one word ("Bí" "thư"). Without tokens a
lower-case syllable after a capitalised one counts as joined.
"""
from __future__ import annotations

import re

from .gazetteer import MEETING_KINDS, tables
from .patterns import ATOM, CAN, CHI, Y

# what comes before a law named in lower case (see _extend)
_LAW_VERBS = {("dự", "thảo"), ("thông", "qua"), ("ban", "hành"), ("sửa", "đổi"), ("thi", "hành"),
              ("áp", "dụng"), ("triển", "khai")}
# lower-case words that end a law's name rather than continue it
_DOC_STOP = frozenset("của được đã sẽ và tại trong theo với cho là có năm thì mà khi để do bởi từ đến này đó "
                      "nhằm về cũng đang vừa mới phải không chưa các những nên như số ngày".split())
_PLACE_STOP = _DOC_STOP - {"mới"}  # "Khu đô thị mới Thủ Thiêm"
_ORG_STOP = _DOC_STOP | {"trưởng"}  # "Viện trưởng phụ trách Viện" is a title
# the one city named after a person: after "thành phố"/"TP" it is the city
CITY_NAMED_AFTER_PERSON = ("Hồ", "Chí", "Minh")


def after_city_word(s: Atoms, i: int) -> bool:
    """Atom i follows "thành phố", "TP" or "TP."."""
    before = [a.casefold() for a in s.atoms[max(0, i - 2):i]]
    return before[-2:] == ["thành", "phố"] or before[-1:] == ["tp"] or before[-2:] == ["tp", "."]


class Atoms:
    """The atoms of one sentence: text, span, capitalised, joined to the atom before."""

    __slots__ = ("atoms", "spans", "cap", "joined", "n")

    def __init__(self, text: str, tokens):
        ms = list(ATOM.finditer(text))
        self.atoms = [m.group() for m in ms]
        self.spans = [m.span() for m in ms]
        self.n = len(ms)
        self.cap = [a[0].isupper() for a in self.atoms]
        starts = {t[0] for t in tokens} if tokens else None
        # joined[i]: atom i continues the word token of atom i-1 ("Bí" "thư")
        self.joined = [
            i > 0 and self.atoms[i - 1] != "." and (ms[i].start() not in starts if starts is not None
                       else not self.cap[i] and self.cap[i - 1] and ms[i].group().isalpha())
            for i in range(self.n)
        ]

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


def is_name_at(s: Atoms, i: int, surnames) -> int:
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
    if j - i == 2 and s.atoms[i] in CAN and s.atoms[i + 1] in CHI:  # "Giáp Thìn" is a year
        return i
    return j if j - i >= 2 else i


def gaz_at(s: Atoms, i: int, table, surnames, depth: int = 0):
    """Longest gazetteer entity starting at atom i, with head extension.
    Returns (end_atom, label) or None."""
    for atoms, folded, label, ext, must in table.get(s.atoms[i], ()):
        how = s.match(i, atoms, folded)
        if not how:
            continue
        if must and s.joined[i]:
            continue  # a generic head must start a word: not "Viện" of "Bệnh Viện"
        if len(atoms) == 1 and label == "LOC" and i > 1 and s.cap[i - 1] and s.atoms[i - 1].isalpha() \
                and depth == 0 and not atoms[0].isupper():
            continue  # "Đức" inside "Việt Đức" is no country ("Để TPHCM phát triển" is)
        j = i + len(atoms)
        # a short name must end at a word boundary ("Đảng" is not "Đảng bộ"); long
        # ones are trusted over the tokenizer ("... Hồ Chí Minh dự" as one word)
        if len(atoms) < 3 and j < s.n and s.joined[j] and s.atoms[j].isalpha() and not s.cap[j]:
            continue
        if atoms == ("Đảng",) and j < s.n and s.atoms[j] in ("ủy", "bộ", "viên", "đoàn", "phí", "kỳ", "tịch", "vụ"):
            continue
        if atoms == ("Đảng",) and i > 0 and s.atoms[i - 1].casefold() == "ban":
            continue  # "một số Ban Đảng Trung ương": any of the Party's boards, no body
        if label == "EVENT" and tuple(a.casefold() for a in s.atoms[j:j + 2]) in MEETING_KINDS:
            continue
        k = _extend(s, i, j, ext, label, table, surnames, depth, must) if ext else j
        if k == j and must:
            continue
        if label == "ORG" and k == j and j < s.n:  # "Bộ Quốc phòng" + "Trung Quốc"
            k = _country_end(s, j, table)
        if how == 1 and ext and not (j < s.n and gaz_at(s, j, table, surnames, 3)):
            continue  # "Ban thường vụ Tỉnh ủy" yes, a generic "Ban tổ chức" no
        return k, label
    return None


def _country_end(s: Atoms, j: int, table) -> int:
    """Atom index after a country name starting at j, or j."""
    countries = tables()[2]
    for atoms, folded, label, *_ in table.get(s.atoms[j], ()):
        if label == "LOC" and atoms in countries and s.match(j, atoms, folded) == 2:
            return j + len(atoms)
    return j


def _extend(s: Atoms, head: int, j: int, ext: str, label: str, table, surnames, depth: int,
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
        if a == "TP" and (hit := gaz_at(s, j, table, surnames, depth + 1)) and hit[1] == "LOC":
            j = hit[0]  # "Thành ủy TP. Hồ Chí Minh": a city listed with its "TP"
            break
        if a in ("tỉnh", "thành", "huyện", "quận", "thị", "xã", "phường", "TP"):  # "UBND tỉnh Quảng Ninh"
            k = j + (2 if a in ("thành", "thị") and j + 1 < s.n and s.atoms[j + 1] in ("phố", "xã", "trấn") else 1)
            if a == "TP" and k < s.n and s.atoms[k] == ".":  # "TP.Hà Nội"
                k += 1
            if a in ("thành", "thị") and k == j + 1:
                break
            m = k
            hit = gaz_at(s, m, table, surnames, depth + 1) if m < s.n and s.cap[m] else None
            if hit and hit[1] == "LOC":
                m = hit[0]
            elif tuple(s.atoms[m:m + 3]) == CITY_NAMED_AFTER_PERSON:
                m += 3
            else:  # an unlisted place, but never a person ("UBND tỉnh" + "Y Thanh Hà Niê Kđăm")
                while m < s.n and s.cap[m] and s.atoms[m][0].isalpha() and is_name_at(s, m, surnames) == m:
                    m = s.capword_end(m)
            if label != "ORG" and m == k:
                break
            j = m
            break
        if ext == "+" and a.isdigit() and s.capword_end(j + 1) > j + 1:
            j += 1  # "Ban Chỉ đạo 35 Trung ương"
            continue
        if must and j == start and a.isalpha() and a.islower() and label in ("ORG", "LOC"):
            k = j  # "Công ty than Vàng Danh", "Khu đô thị mới Thủ Thiêm": a few common words, then the name
            stop = _ORG_STOP if label == "ORG" else _PLACE_STOP
            while k < s.n and k - j < 4 and s.atoms[k].isalpha() and s.atoms[k].islower() and s.atoms[k] not in stop:
                k += 1
            inner = gaz_at(s, k, table, surnames, 3) if depth < 3 and k < s.n else None
            if k > j and k < s.n and s.cap[k] and s.atoms[k][0].isalpha() and not s.atoms[k].isupper() \
                    and not (inner and not (label == "LOC" and inner[1] == "LOC")):
                j = start = k
                continue
        if not s.cap[j] or not a[0].isalpha():
            e = s.capword_end(j + 1)
            if a == "và" and ext == "+" and j > start and e > j + 1 and not (e < s.n and s.cap[e]) \
                    and not gaz_at(s, j + 1, table, surnames, 3):
                j += 1
                continue
            if a == "-" and ext == "+" and j > start and s.capword_end(j + 1) > j + 1:
                j += 1
                continue
            break
        if depth < 3:
            hit = gaz_at(s, j, table, surnames, depth + 1)
            if hit and hit[1] == "ORG" and (ext != "+" or s.atoms[start - 1] == "Đảng"):
                break  # "Đảng" + "Thành ủy" are two bodies
            if hit and hit[1] in ("LOC", "ORG"):
                j = hit[0]
                if hit[1] == "LOC":
                    break
                continue
        if ext == "@":
            break  # only places extend "Tỉnh ủy"
        name_end = is_name_at(s, j, surnames)
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


def _plural_after(s: Atoms, j: int) -> bool:
    """"các"/"những" follows atom j-1, past an acronym in brackets ("Hội đồng
    nhân dân (HĐND) các tỉnh")."""
    if tuple(s.atoms[j:j + 1]) == ("(",) and tuple(s.atoms[j + 2:j + 3]) == (")",):
        j += 3
    elif tuple(s.atoms[j:j + 1]) == (")",) and tuple(s.atoms[j - 2:j - 1]) == ("(",):
        j += 1  # the acronym itself
    return j < s.n and s.atoms[j] in ("các", "những")


def scan(s: Atoms, table, surnames, countries, title_ends: set[int]):
    """Gazetteer and person candidates (start, end, label, tier) over the atoms,
    and org_at: start atom -> end atom of each ORG. Adds to `title_ends` where a
    body or a country after a title ends, since a name may follow it there."""
    cands = []
    i = 0
    org_at: dict[int, int] = {}
    while i < s.n:
        if not s.cap[i] and s.atoms[i] not in table:  # lower-case entries: "miền Trung"
            i += 1
            continue
        hit = gaz_at(s, i, table, surnames)
        if hit and hit[1] == "ORG" and _plural_after(s, hit[0]) and any(
                e[0] == tuple(s.atoms[i:hit[0]]) and e[3] == "@" for e in table[s.atoms[i]]):
            hit = None  # a local body without its place, as a kind: "UBND các huyện" ("Đảng các cấp" stays)
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
        j = is_name_at(s, i, surnames) if not s.joined[i] else i
        if hit and hit[0] - i >= 2:
            j = i  # a place or body, not a person: "Hà Nội", "Hàn Quốc" (+ "Park Jae Min")
        if j > i:  # "thành phố Hồ Chí Minh" is the city
            city = tuple(s.atoms[i:j]) == CITY_NAMED_AFTER_PERSON and after_city_word(s, i)
            cands.append((s.spans[i][0], s.spans[j - 1][1], "LOC" if city else "PER", 1))
        elif not s.joined[i] and s.spans[i][0] in title_ends:
            j = i
            while j < s.n and s.cap[j] and s.atoms[j].isalpha() and j - i < 5:
                j += 1
            # a whole capitalised run ("Putin", "Hun Sen"), not the start of a title
            if j > i and not (j < s.n and s.joined[j]) and s.atoms[i] not in table \
                    and not (len(s.atoms[i]) > 1 and s.atoms[i].isupper()):  # "Chủ tịch QH ..."
                cands.append((s.spans[i][0], s.spans[j - 1][1], "PER", 1))
        i += 1
    return cands, org_at
