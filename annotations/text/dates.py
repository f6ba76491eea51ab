"""Report dates: a small grammar of Vietnamese date and period expressions.

``date_of(text, header, removed)`` returns the report's date as ISO at the
precision known (``2024``, ``2024-07``, ``2024-07-10``), where it came from,
and the phrase that decided it (``date_evidence``; ``find_date`` gives the
first two):

1. ``header`` (`` date YYYY-MM[-DD] `` or a JSONL ``date``). A header month is
   often the month the page was posted: the event date (below) refines it
   when it falls in that month or the month before (header ``2024-07`` +
   ``Ngày 10/7`` -> ``2024-07-10``; header ``2023-10`` + ``Ngày 29-9`` ->
   ``2023-09-29``). Evidence: that day's phrase, else the header line;
2. ``text``: the event date in the opening paragraphs ("Ngày 18/10/2024,",
   "Chiều 28-7,"), skipping cited dates ("Chỉ thị số 24-CT/TƯ, ngày 13-7-2023"),
   deadlines ("tính đến ngày 25-7"), publication datelines ("Cập nhật: 09:42,
   03/07/2023 (GMT+7)", in the text or among the ``removed`` lines) and, when
   another day is there, an issue date ("Ngày 29-9, Bộ Chính trị ban hành").
   A day-month without year falls on or before the first dateline's day, else
   takes the year of the periods the report discusses (see ``infer_year``);
3. ``text``: else the first dateline's date;
4. ``text``: else the year the report is about (``report_year``);
5. ``unknown``.

Year heuristics (documented choices):
- the report's year is the most mentioned year among the periods it discusses
  ("6 tháng đầu năm 2023", "quý 3/2024", "tháng 3/2025", "năm 2024", dates),
  a sub-year period counting double, ties going to the later year. Ranges
  ("nhiệm kỳ 2020-2025"), targets ("đến năm 2030", "tầm nhìn") and comparisons
  ("cùng kỳ năm 2024", "so với năm 2023") are not periods under discussion.
  A report weighing last year's results against this year's tasks mentions
  this year most (seed 003: 2023 x3, 2024 x6 -> 2024).
- a meeting in January or February whose year is only ever *reviewed*
  ("tổng kết công tác năm 2023", "quý 4/2023") with no task or plan for it is
  held the next year (2024); a meeting reviewing "6 tháng đầu năm 2023" on
  28-7 is in 2023.
- a meeting in November or December that reviews the year before the report's
  year and never reviews the report's year ("Sáng ngày 01/12 … tổng kết năm
  2017, … nhiệm vụ năm 2018", 2018 mentioned most) is a year-end review held
  in the reviewed year (2017-12-01).
- whether a year is reviewed or planned is read from the first review or plan
  word of the nearest clause before it that has one (``_stance``).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from .sanitize import single_line

MIN_YEAR, MAX_YEAR = 1945, 2100
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # Feb 29 if no year


def valid_ymd(year: int | None, month: int | None = None, day: int | None = None) -> bool:
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        return False
    if month is None:
        return day is None and year is not None
    if not 1 <= month <= 12:
        return False
    if day is None:
        return True
    if year is None:
        return 1 <= day <= _DAYS_IN_MONTH[month - 1]
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


_ISO_RE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def parse_iso(value: str | None) -> tuple[int, int | None, int | None] | None:
    """``2024`` / ``2024-07`` / ``2024-07-10`` (a time part is ignored) -> parts."""
    if not value:
        return None
    m = _ISO_RE.match(value.strip())
    if not m or not re.fullmatch(r"(?:[T ].*)?", value.strip()[m.end():]):
        return None
    y, mo, d = (int(g) if g else None for g in m.groups())
    return (y, mo, d) if valid_ymd(y, mo, d) else None


def valid_iso(value: str) -> bool:
    return parse_iso(value) is not None


def to_iso(year: int, month: int | None = None, day: int | None = None) -> str:
    out = f"{year:04d}"
    if month:
        out += f"-{month:02d}"
        if day:
            out += f"-{day:02d}"
    return out


# ---------------------------------------------------------------- grammar

@dataclass(frozen=True, slots=True)
class Mention:
    """One date or period expression: text[start:end]."""

    start: int
    end: int
    kind: str  # date | day_month | month | quarter | months | year
    year: int | None
    month: int | None = None  # the date's month, or the month a period ends
    day: int | None = None


_NUM_WORDS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7,
              "tám": 8, "chín": 9, "mười": 10, "mười một": 11, "mười hai": 12}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_NUM_WORD_RE = "|".join(sorted(_NUM_WORDS, key=len, reverse=True))
_TIME_OF_DAY = r"(?:rạng sáng|sáng sớm|chiều tối|sáng|trưa|chiều|tối|đêm|hôm)"
_WEEKDAY = r"(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s+nhật)"

# Each scanner starts with a literal (fast to find); what may stand before it
# is checked afterwards on a short window. All run on lower-cased text.
_NGAY = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})(?:\s*(?:năm|,|/)\s*(\d{4}))?(?!\d)")
_YEAR_AFTER = re.compile(r"\s*(?:năm|/|-)\s*\d")
# "/7" or "/10/2024" after the day's digits: 10/7, 18/10/2024, 28-7, 18.10.2024
_AFTER_DAY = {sep: re.compile(rf"{re.escape(sep)}(\d{{1,2}})(?:{re.escape(sep)}(\d{{4}}))?"
                              r"(?!\d|[/.-]\d)") for sep in "/-."}
# What introduces a day-month: "Chiều 28-7", "Ngày 10/7", "Sáng thứ Hai (5/1)", "sáng nay 5-1"
_DAY_PREFIX = re.compile(rf"(?<!\w)(?:{_TIME_OF_DAY}(?:\s+nay)?|ngày|{_WEEKDAY})"
                         rf"(?:[\s,]+{_WEEKDAY})?(?:[\s,]+ngày)?[\s,]*\(?\s*$")
_THANG = re.compile(r"tháng\s+(?:(\d{1,2})\s*(?:/|-|năm)\s*(\d{4})"
                    r"|(đầu|cuối)?\s*(?:năm\s+)?(\d{4}))(?!\d)")
_COUNT_BEFORE = re.compile(rf"(?<!\w)(\d{{1,2}}|{_NUM_WORD_RE})\s+$")
_NUA = re.compile(r"nửa\s+(đầu|cuối)\s+năm\s+(\d{4})(?!\d)")
_QUY = re.compile(r"quý\s+(iv|i{1,3}|[1-4])(?!\w)\s*(?:/|-|năm)\s*(\d{4})(?!\d)")
_NAM = re.compile(r"năm\s+(\d{4})(?!\d)(?!\s*[-–]\s*\d)")

# Contexts that make a year a target, range or comparison, not the period
# the report is about; and those that make a date a citation or deadline.
_NOT_DISCUSSED = re.compile(
    r"(?:đến|tới|trước|sau|tầm nhìn(?: đến)?|giai đoạn|nhiệm kỳ|cùng kỳ|so với|từ)\s*$",
    re.IGNORECASE)
_CITATION = re.compile(
    r"(?:\bsố\s+\d[\w/.-]*|nghị quyết|chỉ thị|quyết định|kết luận|thông tư|nghị định|luật|"
    r"công văn|thông báo|hướng dẫn|quy định|văn bản|ban hành|ký)[^.;:!?]*$", re.IGNORECASE)
_DEADLINE = re.compile(r"(?:tính đến|đến|từ|tới|trước|sau|kể từ|hết)\s*(?:ngày\s*)?$",
                       re.IGNORECASE)
_REVIEW = re.compile(r"tổng kết|kết quả|đánh giá|sơ kết|nhìn lại", re.IGNORECASE)
_PLAN = re.compile(r"nhiệm vụ|kế hoạch|phương hướng|triển khai|mục tiêu|chương trình|"
                   r"dự toán|chỉ tiêu|chuẩn bị", re.IGNORECASE)


def _lower_same_length(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)


def _starts_word(low: str, i: int) -> bool:
    return i == 0 or not low[i - 1].isalnum()


def _scan(low: str):
    """Yield (start, end, kind, year, month, day) candidates, unvalidated."""
    for m in _NGAY.finditer(low):
        if not _starts_word(low, m.start()):
            continue
        day, month, year = m.groups()
        if year:
            yield m.start(), m.end(), "date", int(year), int(month), int(day)
        elif not _YEAR_AFTER.match(low, m.end()):
            yield m.start(), m.end(), "day_month", None, int(month), int(day)
    for sep, pattern in _AFTER_DAY.items():
        for m in pattern.finditer(low):
            j = k = m.start()
            while k > j - 2 and k > 0 and low[k - 1].isdigit():
                k -= 1
            if k == j or (k > 0 and (low[k - 1].isalnum() or low[k - 1] in "/.,-")):
                continue  # no day digits, or part of a longer number or code
            day, month, year = int(low[k:j]), int(m.group(1)), m.group(2)
            if year:
                yield k, m.end(), "date", int(year), month, day
            elif sep != ".":  # "6.5" is a decimal, never a date
                prefix = _DAY_PREFIX.search(low, max(0, k - 40), k)
                if prefix:
                    end = m.end() + (low[m.end():m.end() + 1] == ")")
                    yield prefix.start(), end, "day_month", None, month, day
    for m in _THANG.finditer(low):
        if not _starts_word(low, m.start()):
            continue
        month, year, edge, pyear = m.groups()
        if year:
            yield m.start(), m.end(), "month", int(year), int(month), None
            continue
        count = _COUNT_BEFORE.search(low, max(0, m.start() - 12), m.start())
        if count:  # "6 tháng đầu năm 2023" ends in June; "… cuối năm" in December
            n = count.group(1)
            n = int(n) if n.isdigit() else _NUM_WORDS[n]
            end_month = 12 if edge == "cuối" else (n if 1 <= n <= 12 else 13)
            yield count.start(), m.end(), "months", int(pyear), end_month, None
    for m in _NUA.finditer(low):
        if _starts_word(low, m.start()):
            edge, year = m.groups()
            yield m.start(), m.end(), "months", int(year), 12 if edge == "cuối" else 6, None
    for m in _QUY.finditer(low):
        if _starts_word(low, m.start()):
            q, year = m.groups()
            yield m.start(), m.end(), "quarter", int(year), 3 * (int(q) if q.isdigit() else _ROMAN[q]), None
    for m in _NAM.finditer(low):
        if _starts_word(low, m.start()):
            yield m.start(), m.end(), "year", int(m.group(1)), None, None


def find_mentions(text: str) -> list[Mention]:
    """Every valid date/period expression, in text order, without overlaps
    (the longest, most precise reading wins)."""
    found = [Mention(start, end, kind, year, month, day)
             for start, end, kind, year, month, day in _scan(_lower_same_length(text))
             if valid_ymd(year, month, day)]
    found.sort(key=lambda x: (x.start, -(x.end - x.start)))
    out: list[Mention] = []
    for mention in found:
        if out and mention.start < out[-1].end:
            continue
        out.append(mention)
    return out


# ---------------------------------------------------------------- choosing

def _before(text: str, start: int, width: int = 80) -> str:
    return text[max(0, start - width):start]


def _after_ngay(text: str, m: Mention) -> bool:
    """The expression is "ngày …" (the word inside the match or just before it)."""
    return (text[m.start:m.start + 4].lower() == "ngày"
            or re.search(r"ngày\s*$", _before(text, m.start, 10), re.IGNORECASE) is not None)


def _line_before(text: str, m: Mention) -> str:
    return _before(text, m.start).rsplit("\n", 1)[-1]


def _line_of(text: str, m: Mention) -> str:
    end = text.find("\n", m.end)
    return text[text.rfind("\n", 0, m.start) + 1:end if end >= 0 else len(text)]


def _is_citation(text: str, m: Mention) -> bool:
    """A dated document: "Chỉ thị số 24-CT/TƯ, ngày 13-7-2023"."""
    return _after_ngay(text, m) and _CITATION.search(_line_before(text, m)) is not None


# A publication dateline is a line of nothing but a date, a clock time, a
# weekday, a time zone and words such as "Cập nhật" ("Cập nhật: 09:42,
# 03/07/2023 (GMT+7)", "Thứ Tư, 08/04/2015, 08:11 [GMT+7]"). It says when the
# page was posted, not when the meeting was: an event date in the text beats it.
_CLOCK = r"\d{1,2}\s*(?::|h)\s*\d{2}(?::\d{2})?(?:\s*(?:am|pm))?"
_FULL_DATE = r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}"
_DATELINE = re.compile(
    rf"(?:{_WEEKDAY}|cập nhật|ngày đăng|đăng lúc|đăng ngày|xuất bản|ngày|lúc|{_FULL_DATE}|"
    rf"{_CLOCK}|gmt\s*[+-]\s*\d{{1,2}}(?::?\d{{2}})?|[\s,;:|()\[\]–-])+")
_DATELINE_MARK = re.compile(rf"{_CLOCK}|gmt|cập nhật|đăng")
DATELINE_MAX = 80


def is_dateline(line: str) -> bool:
    low = line.strip().lower()
    return (0 < len(low) <= DATELINE_MAX and _DATELINE_MARK.search(low) is not None
            and re.search(_FULL_DATE, low) is not None and _DATELINE.fullmatch(low) is not None)


def _discussed(text: str, mentions: list[Mention]) -> list[Mention]:
    return [m for m in mentions if m.year is not None and m.kind != "day_month"
            and not _NOT_DISCUSSED.search(_before(text, m.start, 25))
            and not (m.kind == "date" and _is_citation(text, m))]


_STANCE = re.compile(rf"(?P<review>{_REVIEW.pattern})|(?P<plan>{_PLAN.pattern})", re.IGNORECASE)
_CLAUSE = re.compile(r"[,;:]|\svà\s")


def _stance(text: str, m: Mention) -> str | None:
    """"review" or "plan": the first such word of the nearest clause before the
    mention that has one ("tổng kết năm 2017 và triển khai nhiệm vụ năm 2018":
    2017 is reviewed, 2018 planned); None if its sentence has neither."""
    sentence = re.split(r"[.!?\n]", _before(text, m.start))[-1]
    for clause in reversed(_CLAUSE.split(sentence)):
        word = _STANCE.search(clause)
        if word:
            return word.lastgroup
    return None


def _latest_citation(text: str, mentions: list[Mention]) -> date | None:
    cited = [date(m.year, m.month, m.day) for m in mentions
             if m.kind == "date" and _is_citation(text, m)]
    return max(cited, default=None)


def report_year(text: str, mentions: list[Mention] | None = None) -> int | None:
    """The year the report is about: most mentioned, sub-year periods count
    double, ties -> the later year; never before a document it cites."""
    mentions = find_mentions(text) if mentions is None else mentions
    weights: Counter[int] = Counter()
    for m in _discussed(text, mentions):
        weights[m.year] += 2 if m.kind in ("months", "quarter", "month") else 1
    cited = _latest_citation(text, mentions)
    if not weights:
        return cited.year if cited else None
    year = max(weights, key=lambda y: (weights[y], y))
    return max(year, cited.year) if cited else year


def infer_year(text: str, month: int, day: int,
               mentions: list[Mention] | None = None) -> int | None:
    """Year of a day-month date in this report (see module doc)."""
    mentions = find_mentions(text) if mentions is None else mentions
    year = report_year(text, mentions)
    if year is None:
        return None
    if month <= 2:
        of_year = [m for m in _discussed(text, mentions) if m.year == year]
        early = any(m.month is not None and m.month <= month for m in of_year)
        planned = any(_stance(text, m) == "plan" for m in of_year)
        if of_year and not early and not planned:
            year += 1
    elif month >= 11:
        stances = {(m.year, _stance(text, m)) for m in _discussed(text, mentions)}
        if (year - 1, "review") in stances and (year, "review") not in stances:
            year -= 1  # a year-end review, held before the year it plans
    cited = _latest_citation(text, mentions)
    if cited and (year, month, day) < (cited.year, cited.month, cited.day):
        year += 1  # the meeting cannot predate a document it discusses
    return year


def _is_event_date(text: str, m: Mention) -> bool:
    line_before = _line_before(text, m)
    if _DEADLINE.search(line_before[-25:]):
        return False
    return not _is_citation(text, m)


OPENING_PARAGRAPHS = 3
# "Ngày 29-9, Bộ Chính trị ban hành …": the day a document was issued; a
# meeting's day in the same opening is the report's date.
_ISSUED = re.compile(r"[^.;!?\n]{0,60}?(?:ban hành|công bố)", re.IGNORECASE)


def event_date(text: str, mentions: list[Mention] | None = None) -> Mention | None:
    """The first day-level date in the opening paragraphs that is not a
    citation or deadline (nor an issue date, when another one is there); else
    the first "Sáng/Chiều/Tối …" date anywhere."""
    mentions = find_mentions(text) if mentions is None else mentions
    opening_end = 0
    for _ in range(OPENING_PARAGRAPHS):
        nl = text.find("\n", opening_end)
        if nl < 0:
            opening_end = len(text)
            break
        opening_end = nl + 1
        while opening_end < len(text) and text[opening_end] == "\n":
            opening_end += 1
    days = [m for m in mentions if m.day is not None]
    opening = [m for m in days if m.start < opening_end and _is_event_date(text, m)]
    if opening:
        return next((m for m in opening if not _ISSUED.match(text, m.end)), opening[0])
    narrated = re.compile(_TIME_OF_DAY, re.IGNORECASE)
    for m in days:
        if m.kind == "day_month" and narrated.match(text, m.start) and _is_event_date(text, m):
            return m
    return None


# ---------------------------------------------------------------- the report's date

EVIDENCE_MAX = 80  # characters of date_evidence (a phrase or a dateline fits)


class DateFound(NamedTuple):
    date: str | None  # ISO at the known precision
    source: str  # header | text | unknown
    evidence: str  # the phrase that decided it ("Sáng ngày 01/12", the header), or ""


def _evidence(phrase: str) -> str:
    return single_line(phrase)[:EVIDENCE_MAX]


def _phrase(text: str, m: Mention) -> str:
    """The mention with the time of day or weekday before a day ("Sáng ngày 01/12")."""
    start = m.start
    if m.day is not None:
        window = _lower_same_length(text[max(0, start - 40):start])
        prefix = _DAY_PREFIX.search(window)
        if prefix:
            start -= len(window) - prefix.start()
    return _evidence(text[start:m.end])


def _header_day(head: tuple, event: Mention) -> tuple[int, int, int] | None:
    """A header's month (often the month a page was posted) refined to the
    event's day in that month or the month before (a meeting reported later)."""
    hy, hm, _ = head
    months = [(hy, event.month)] if hm is None else [(hy, hm), (hy, hm - 1) if hm > 1 else (hy - 1, 12)]
    for year, month in months:
        if event.month == month and event.year in (None, year) and valid_ymd(year, month, event.day):
            return year, month, event.day
    return None


def date_of(text: str, header: str | None = None, removed: Iterable[str] = ()) -> DateFound:
    """The report's date, its source and evidence (see the module doc).
    ``removed``: lines cleaned out of the text; a publication dateline among
    them still dates the page, the header line is the evidence of a header."""
    removed = tuple(removed)
    mentions: list[Mention] = []
    posted: list[tuple[date, str]] = []  # (date, dateline)
    for m in find_mentions(text):
        line = _line_of(text, m)
        if not is_dateline(line):
            mentions.append(m)
        elif m.kind == "date":
            posted.append((date(m.year, m.month, m.day), line))
    for line in removed:
        if is_dateline(line):
            posted += [(date(m.year, m.month, m.day), line)
                       for m in find_mentions(line) if m.kind == "date"]
    first_post = min(posted, default=None)
    event = event_date(text, mentions)
    head = parse_iso(header)
    # the header line as the file had it (" date 2024-07 "), else the value (a JSONL field)
    head_phrase = next((ln for ln in removed if ln.lower() == f"date {header}".lower()), header or "")
    if header and not head:  # "18/10/2024", "ngày 18 tháng 10 năm 2024" in a JSONL field
        full = [m for m in find_mentions(header) if m.year]
        if full:
            head, head_phrase = (full[0].year, full[0].month, full[0].day), \
                header[full[0].start:full[0].end]
    if head:
        day = _header_day(head, event) if event is not None and head[2] is None else None
        if day:
            return DateFound(to_iso(*day), "header", _phrase(text, event))
        return DateFound(to_iso(*head), "header", _evidence(head_phrase))
    if event is not None:
        if event.year:
            year = event.year
        elif first_post:  # the meeting is on or before the day its page was posted
            posted_on = first_post[0]
            year = posted_on.year - ((event.month, event.day) > (posted_on.month, posted_on.day))
        else:
            year = infer_year(text, event.month, event.day, mentions)
        if year and valid_ymd(year, event.month, event.day):
            return DateFound(to_iso(year, event.month, event.day), "text", _phrase(text, event))
    if first_post:
        return DateFound(first_post[0].isoformat(), "text", _evidence(first_post[1]))
    year = report_year(text, mentions)
    if year:
        return DateFound(to_iso(year), "text", next(
            (_phrase(text, m) for m in _discussed(text, mentions) + mentions if m.year == year), ""))
    return DateFound(None, "unknown", "")


def find_date(text: str, header: str | None = None) -> tuple[str | None, str]:
    """(date, date_source) of ``date_of``."""
    return tuple(date_of(text, header)[:2])
