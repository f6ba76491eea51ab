"""What the suggestion model sees of a sentence, and the documented cue lists.

A sentence becomes a bag of feature strings (``sentence_features``):

- ``s2:`` syllable bigrams of the lower-cased sentence (tone marks in one
  style, ``text.vietnamese.fold_tones``, so ``uỷ`` and ``ủy`` are one feature)
  and ``w:`` the words of the analysis (its tokens: ``khó khăn`` is one word,
  single syllables included). Syllable unigrams and word bigrams were tried
  and left out: they lowered the seeds' leave-one-report-out macro-F1;
- ``n:`` the syllables in a negation's scope (the ``NEGATION_SCOPE`` syllables
  after ``chưa``, ``không``, ``thiếu``, ``chẳng``): the guidelines' risks are
  results and duties negated (``chưa đạt``, ``không đạt``, ``thiếu chủ động``,
  ``chưa quyết liệt``), which plain bag features count as the result or duty
  itself (the usual negation marking of sentiment classifiers);
- ``b1:``/``b2:`` the sentence's first syllable and first two: report text
  states tasks as bare imperatives (``Tăng cường ...``, ``Tiếp tục ...``);
- ``sec:`` the cue class of the section heading the sentence sits under
  (``Nhiệm vụ trọng tâm thời gian tới`` -> task, ``Hạn chế, khó khăn`` -> risk)
  and ``h:`` that heading's syllables; ``heading`` for a heading itself. The
  report's title opens no section: it heads every sentence alike, so its cue
  class would push the whole report one way (a title ``Bắt tay vào thực hiện
  nhiệm vụ ...`` made every sentence under it look like a task);
- ``pos:`` the fifth of the report it is in; ``cue:`` the cue classes present.

A heading is a paragraph of kind ``heading``, or a short body paragraph of one
sentence without final punctuation (the noise layer does not mark every
heading of news text; the report's title is its first paragraph).
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass

from ..text.vietnamese import fold_tones

# Cue lists (phrases of whole syllables, lower case, new-style tone marks).
# They feed both the cold-start prior (prior.py) and the model's ``cue:`` features.
CUES: dict[str, tuple[str, ...]] = {
    # what is to be done: modal verbs, directives, imperatives
    "task": ("cần", "phải", "tập trung", "đề nghị", "yêu cầu", "tiếp tục", "tăng cường",
             "đẩy mạnh", "đẩy nhanh", "khẩn trương", "chủ động", "chuẩn bị", "thúc đẩy",
             "nâng cao", "bảo đảm", "quyết liệt", "phấn đấu", "triển khai", "giao",
             "nhiệm vụ", "giải pháp", "thời gian tới", "sẽ", "rà soát", "quan tâm",
             "một là", "hai là", "ba là", "bốn là", "năm là", "lưu ý", "tránh"),
    # what was achieved: result verbs and positive assessments
    "achievement": ("đạt", "tăng", "hoàn thành", "vượt", "kết quả", "thành công", "ổn định",
                    "được bảo đảm", "được đảm bảo", "được cải thiện", "được quan tâm",
                    "được đẩy mạnh", "tích cực", "đã", "giảm", "quan trọng", "nổi bật",
                    "được giữ vững", "chuyển biến", "phát triển"),
    # what threatens or fell short
    "risk": ("khó khăn", "hạn chế", "nguy cơ", "chưa", "không đạt", "thách thức",
             "vướng mắc", "tồn tại", "yếu kém", "chậm", "phức tạp", "sụt giảm", "thiếu",
             "bất ổn", "rủi ro", "tiêu cực", "khuyết điểm", "tiềm ẩn", "suy giảm",
             "còn nhiều", "gặp khó khăn", "điểm nghẽn", "gia tăng", "mất"),
}
# A heading's cue class: what the sentences under it usually are.
HEADING_CUES: dict[str, tuple[str, ...]] = {
    "task": ("nhiệm vụ", "giải pháp", "phương hướng", "thời gian tới", "kế hoạch", "đề xuất",
             "kiến nghị", "tập trung"),
    "risk": ("hạn chế", "khó khăn", "tồn tại", "vướng mắc", "thách thức", "yếu kém"),
    "achievement": ("kết quả", "thành tựu", "tình hình", "nổi bật", "đạt được", "hoàn thành"),
}

NEGATIONS = frozenset({"chưa", "không", "thiếu", "chẳng"})
NEGATION_SCOPE = 2  # syllables: the word after the negation (one or two syllables)
_SYLLABLE = re.compile(r"\w+")
_FINAL = tuple(".!?…:;")
HEADING_MAX_SYLLABLES = 14


def syllables(text: str) -> list[str]:
    return _SYLLABLE.findall(fold_tones(text.lower()))


class _Folded(dict):
    """lower-case text -> fold_tones of it, remembered: a report repeats its
    syllables and words, so folding each distinct one is cheaper than running
    the fold's pattern over the whole text (the same result: the pattern works
    within a word)."""

    def __missing__(self, key: str) -> str:
        if len(self) >= 200_000:  # bounded: names and numbers are unbounded
            self.clear()
        value = self[key] = fold_tones(key)
        return value


_FOLDED = _Folded()


def _phrases(cues: dict[str, tuple[str, ...]]) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """first syllable -> [(phrase, cue class)]: one look-up per syllable of a sentence."""
    out: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for cls, phrases in cues.items():
        for p in phrases:
            words = tuple(p.split())
            out.setdefault(words[0], []).append((words, cls))
    return out


_CUE_PHRASES = _phrases(CUES)
_HEADING_PHRASES = _phrases(HEADING_CUES)


def cue_hits(sylls: list[str], table: dict | None = None) -> dict[str, int]:
    """cue class -> how many of its phrases occur in the syllables."""
    table = _CUE_PHRASES if table is None else table
    found = set()
    for j, w in enumerate(sylls):
        for p, cls in table.get(w, ()):
            if len(p) == 1 or tuple(sylls[j:j + len(p)]) == p:
                found.add((p, cls))
    out: dict[str, int] = {}
    for _, cls in found:
        out[cls] = out.get(cls, 0) + 1
    return out


def heading_class(sylls: list[str]) -> str | None:
    """The cue class of a heading (the first listed class found wins ties)."""
    hits = cue_hits(sylls, _HEADING_PHRASES)
    return max(hits, key=lambda k: (hits[k], -list(HEADING_CUES).index(k))) if hits else None


@dataclass(frozen=True, slots=True)
class SentenceView:
    """One sentence as the prior and the model see it."""

    index: int
    sylls: list[str]
    words: list[str]
    cues: dict[str, int]  # cue_hits(sylls)
    heading: bool  # the sentence is a heading
    section: str | None  # cue class of the heading above it
    section_sylls: list[str]
    position: int  # 0..4: the fifth of the report


def _is_heading(text: str, paragraphs: list, para: int, sent_count: dict[int, int]) -> bool:
    p = paragraphs[para]
    kind = p[2] if len(p) > 2 else "body"
    if kind == "heading":
        return True
    if kind != "body" or sent_count.get(para, 0) != 1:
        return False
    body = text[p[0]:p[1]].strip()
    return bool(body) and not body.endswith(_FINAL) and len(_SYLLABLE.findall(body)) <= HEADING_MAX_SYLLABLES


def views(text: str, analysis: dict) -> list[SentenceView]:
    """Every sentence of a report, with its section and position. ``analysis``
    is the analysis' ``to_dict()`` form, as the cache holds it: reading it
    as lists makes no object per token (a long report has thousands)."""
    paragraphs, sentences, tokens = analysis["paragraphs"], analysis["sentences"], analysis["tokens"]
    sent_count = Counter(s[2] for s in sentences)
    starts = [t[0] for t in tokens]
    n = len(sentences)
    low = text.lower()  # once per report; offsets hold when lengths agree
    fold = _FOLDED.__getitem__
    if len(low) == len(text):
        words = list(map(fold, [low[t[0]:t[1]] for t in tokens]))
    else:
        low, words = None, [fold_tones(text[t[0]:t[1]].lower()) for t in tokens]
    out: list[SentenceView] = []
    section: str | None = None
    section_sylls: list[str] = []
    for i, (start, end, para) in enumerate(sentences):
        inside = [w for w in words[bisect_left(starts, start):bisect_left(starts, end)]
                  if w[:1].isalnum()]
        sylls = list(map(fold, _SYLLABLE.findall(low, start, end))) if low is not None \
            else syllables(text[start:end])
        heading = _is_heading(text, paragraphs, para, sent_count)
        if heading and para > 0:  # the title (paragraph 0) opens no section
            section, section_sylls = heading_class(sylls), sylls
        out.append(SentenceView(i, sylls, inside, cue_hits(sylls), heading,
                                None if heading else section, [] if heading else section_sylls,
                                min(4, 5 * i // max(n, 1))))
    return out


def sentence_features(v: SentenceView) -> list[str]:
    """The feature strings of one sentence (a set, in a stable order)."""
    s = v.sylls
    feats = [f"s2:{a}_{b}" for a, b in zip(s, s[1:])]
    feats += [f"w:{x}" for x in v.words]
    if not NEGATIONS.isdisjoint(s):
        scope = -1
        for j, x in enumerate(s):
            if x in NEGATIONS:
                scope = j + NEGATION_SCOPE
            elif j <= scope:
                feats.append("n:" + x)
    if s:
        feats.append(f"b1:{s[0]}")
        feats.append(f"b2:{'_'.join(s[:2])}")
    feats += [f"h:{x}" for x in v.section_sylls]
    feats.append(f"sec:{v.section}")
    feats.append(f"pos:{v.position}")
    if v.heading:
        feats.append("heading")
    feats += [f"cue:{k}" for k in sorted(v.cues)]
    return list(dict.fromkeys(feats))
