"""Entity layer: rules + gazetteers on top of underthesea's CRF tags.

`find_entities(sentence, tokens)` returns (start, end, label) spans relative to
the sentence. It runs on one sentence at a time, after `ner()` has segmented
it, and uses the word tokens (spans, POS tags, CRF tags) it produced:

* patterns.py: regexes for DOC, EVENT, TIME and NUM (NUM takes the counted
  noun that follows the figure: "3.763 phạm nhân");
* gazetteer.py + names.py: the gazetteers (annotations/nlp/data) for ORG and
  LOC, where generic heads extend ("Ban Thường vụ" + "Tỉnh ủy", "UBND" +
  "tỉnh Quảng Ninh"), and person names: a capitalised run that starts with a
  Vietnamese surname, or follows a title ("đồng chí", "Tổng Bí thư", "ông"...);
  the title stays out;
* crf.py: the CRF's own PER/ORG/LOC spans, cleaned (titles stripped, dates and
  lower-case phrases dropped, relabelled by the rules above), only where no
  rule matched.

Overlaps: rule spans beat CRF spans, and a count with its capitalised noun
beats the body it counts ("23 Đảng bộ xã"); among rules the longest wins, then
the label order DOC EVENT TIME ORG LOC PER NUM. A title fused with a body's
name ("Trưởng đoàn ĐBQH tỉnh") leaves no span inside it. Matching runs on a copy of the
sentence with old-style tone marks folded (uỷ -> ủy, hoà -> hòa): same length,
so offsets hold. Pure Python, no underthesea import.
"""
from __future__ import annotations

from ...text.vietnamese import fold_tones
from .crf import clean_crf, crf_spans
from .gazetteer import FUSED_TITLE, TITLE_RE, tables
from .names import Atoms, scan
from .patterns import ACRONYM, CHARTER_HEAD, EVENT_TAIL, MEETING, RESOLUTION_HEAD, pattern_spans

__all__ = ["LABEL_ORDER", "find_entities", "resolve", "score"]

LABEL_ORDER = {lab: i for i, lab in enumerate(("DOC", "EVENT", "TIME", "ORG", "LOC", "PER", "NUM"))}


def find_entities(text: str, tokens=None) -> list[tuple[int, int, str]]:
    """Entities in one sentence. `tokens`: [(start, end, pos, crf_tag)] relative
    to `text` (from underthesea ner()); None for rules without the CRF."""
    n = fold_tones(text)
    table, surnames, countries = tables()
    s = Atoms(n, tokens)
    cands = pattern_spans(n, tokens)  # (start, end, label, tier)
    title_ends = {m.end() for m in TITLE_RE.finditer(n)}
    fused = [m.span() for m in FUSED_TITLE.finditer(n)]
    title_ends.update(e for _, e in fused)
    named, org_at = scan(s, table, surnames, countries, title_ends)
    cands += named
    cands += _combined(n, s, cands, org_at)
    for ts, te, label in crf_spans(tokens):
        if label not in ("PER", "ORG", "LOC"):
            continue
        span = clean_crf(s, n, ts, te, label, table, surnames, title_ends)
        if span:
            cands.append((*span, 0))
    cands = [c for c in cands if not any(fs < c[1] and c[0] < fe for fs, fe in fused)]
    # a count beats the body it counts, not one that holds its figure: "Ban Chỉ đạo 35 Trung ương"
    cands = [(*c[:3], 1) if c[3] == 2 and any(o[0] < c[0] < o[1] for o in cands) else c for c in cands]
    return resolve(cands)


def _combined(n: str, s: Atoms, cands, org_at: dict[int, int]) -> list[tuple[int, int, str, int]]:
    """Spans built from other candidates: an ORG's acronym, "Hội nghị" + ORG,
    "Nghị quyết" + EVENT."""
    out = []
    # "Tập đoàn Điện lực Việt Nam (EVN)": the acronym is the same ORG; "Điều lệ Đảng" a DOC
    for c in cands:
        if c[2] == "ORG":
            m = ACRONYM.match(n, c[1])
            if m:
                out.append((m.start(1), m.end(1), "ORG", 1))
            head = CHARTER_HEAD.search(n[max(0, c[0] - 12):c[0]])
            if head:
                out.append((c[0] - len(head.group()), c[1], "DOC", 1))
    # "Hội nghị" + organisation -> EVENT ("Hội nghị Ban Chấp hành Đảng bộ tỉnh",
    # "Hội nghị Cấp cao ASEAN lần thứ 44", "Hội nghị Tỉnh ủy lần thứ 16 khóa XII"); in
    # lower case only a numbered one ("hội nghị Ban Chấp hành Đảng bộ lần thứ 25"):
    # "tại hội nghị Ban Thường vụ" is a meeting of the ORG
    atom_at = {sp[0]: k for k, sp in enumerate(s.spans)}
    for m in MEETING.finditer(n):
        k = atom_at.get(m.end())
        if k in org_at:
            tail = EVENT_TAIL.match(n, s.spans[org_at[k] - 1][1])
            if n[m.start()] == "h" and not (tail.group("ord") or "lần" in m.group()):
                continue
            out.append((m.start(), tail.end(), "EVENT", 1))
    # "Nghị quyết" + event -> DOC ("Nghị quyết Đại hội XIII của Đảng"), events
    # from "Hội nghị" + ORG included
    for c in [*cands, *out]:
        if c[2] == "EVENT":
            head = RESOLUTION_HEAD.search(n[max(0, c[0] - 25):c[0]])
            if head:
                out.append((c[0] - len(head.group()), c[1], "DOC", 1))
    return out


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
