"""The ``spacy`` export: a spaCy DocBin (``.spacy``), one Doc per report, for
``spacy train`` and anything that reads DocBins. Needs the optional extra
``baocao[spacy]`` (imported here only).

Each Doc's text is the report's canonical text exactly: its tokens are the
analysis's (split at entity boundaries, so every entity is whole tokens),
with whatever lies between two tokens (a line break, two spaces) as a token
of its own; sentences are baocao's (``doc.sents``); ``doc.ents`` the corrected
entities; ``doc.spans["passages"]`` the annotated passages (label: the
label's name) and ``doc.user_data`` the report's fields and, for each passage
in the same order, ``[id, annotator]``. A DocBin is written whole at the end
(spaCy's format), so its memory grows with the export.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..errors import InputError

PASSAGES = "passages"


def _spacy():
    try:
        import spacy
        from spacy.tokens import DocBin
    except ImportError:
        raise InputError("the spacy format needs spaCy, which is not installed",
                         "Install the extra: pip install 'baocao[spacy]'.") from None
    return spacy, DocBin


def words_of(text: str, toks: list[tuple[int, int]],
             cuts: Iterable[int] = ()) -> tuple[list[str], list[bool], list[int]]:
    """(words, spaces, start offsets) that spell ``text`` exactly: the tokens,
    one space after a token kept as its trailing space, any other gap (a line
    break, two spaces, text no token covers) a token of its own, cut at
    ``cuts`` (sentence, entity and passage boundaries) so those are token
    boundaries too."""
    cuts = sorted(set(cuts))
    words: list[str] = []
    spaces: list[bool] = []
    starts: list[int] = []
    at = 0
    for a, b in [*toks, (len(text), len(text))]:
        if text[at:a] == " " and words and at not in cuts:
            spaces[-1] = True
        else:
            inner = [c for c in cuts if at < c < a]
            for x, y in zip([at, *inner], [*inner, a]):
                if x < y:
                    words.append(text[x:y])
                    spaces.append(False)
                    starts.append(x)
        if a < b:
            words.append(text[a:b])
            spaces.append(False)
            starts.append(a)
        at = b
    return words, spaces, starts


def docbin(groups: Iterable[tuple[str, list[dict]]], texts) -> Iterator[bytes]:
    """The DocBin's bytes (one chunk) from (report id, placed records) pairs."""
    spacy, DocBin = _spacy()
    from spacy.tokens import Doc

    nlp = spacy.blank("xx")
    out = DocBin(store_user_data=True)
    for rid, recs in groups:
        disk = texts.load(rid)
        text = disk.text
        sents, toks = texts.analysis()
        ents = texts.entities()
        passages = [r for r in recs if r["label"] is not None]
        cuts = [x for s, e in sents for x in (s, e)] + [x for s, e, *_ in ents for x in (s, e)] + \
            [x for r in passages for x in (r["start"], r["end"])]
        words, spaces, starts = words_of(text, toks, cuts)
        first = {s for s, _ in sents}
        doc = Doc(nlp.vocab, words=words, spaces=spaces,
                  sent_starts=[i == 0 or s in first for i, s in enumerate(starts)])
        doc.ents = [doc.char_span(s, e, label=lab) for s, e, lab, _ in ents]
        doc.spans[PASSAGES] = [doc.char_span(r["start"], r["end"], label=r["label"]) for r in passages]
        r0 = recs[0]
        doc.user_data.update({"report_id": rid, "report_title": r0["report_title"],
                              "report_date": r0["report_date"] or "", "report_sha256": disk.sha,
                              PASSAGES: [[r["id"], r["annotator"]] for r in passages]})
        out.add(doc)
    yield out.to_bytes()
