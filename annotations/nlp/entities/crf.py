"""underthesea's CRF spans, cleaned of its known mistakes.

The bundled CRF swallows titles into names ("đồng chí Lương Cường"), tags
dates and counts as LOC ("năm 2024", "quý 2") and generic phrases as names
("Trụ sở Trung ương Đảng"). Its PER/ORG/LOC spans are trimmed, dropped or
relabelled by the rules here; find_entities keeps them only where no rule
span overlaps.
"""
from __future__ import annotations

from .gazetteer import GENERIC_HEADS, TITLE_AT
from .names import Atoms, gaz_at, is_name_at


def crf_spans(tokens):
    """(start, end, label) of each B-/I- run in [(start, end, pos, crf_tag)]."""
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


def clean_crf(s: Atoms, n: str, ts: int, te: int, label: str, table, surnames, title_ends):
    """Fix the CRF's known mistakes; None if the span is not a name."""
    idx = [i for i, (a, b) in enumerate(s.spans) if a >= ts and b <= te]
    # drop leading titles and common words: "đồng chí Lương Cường" -> "Lương Cường"
    while idx:
        title = TITLE_AT.match(n, s.spans[idx[0]][0])
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
    if any(ch.isdigit() for ch in words) or words.startswith(GENERIC_HEADS) or words.isupper() \
            or label == "PER" and any(len(s.atoms[i]) > 1 and s.atoms[i].isupper() for i in idx):
        return None  # "năm 2024", "quý 2", "Trụ sở Trung ương Đảng", "GRDP"
    if any(not s.cap[i] and s.atoms[i] not in ("và", "-") and not s.joined[i] for i in idx):
        return None  # a lower-case word: a phrase, not a name
    if len(idx) == 1 and start not in title_ends:
        return None  # one capitalised word: "Thu" opening a sentence, "Tổ" of "Tổ Biên tập", "Lớp"
    if is_name_at(s, idx[0], surnames) == idx[-1] + 1 or start in title_ends:
        label = "PER"
    hit = gaz_at(s, idx[0], table, surnames)
    if hit and hit[0] == idx[-1] + 1:
        label = hit[1]
    return start, end, label

