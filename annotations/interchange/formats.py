"""The export formats other than native, each built from the native records
(``export.iter_native`` or ``gold.iter_gold``) so they all say the same thing.
Their record shapes are defined once in ``schema.SCHEMAS``; docs/exports.md
says which tool and project type each is for and how to load it.

prodigy         classification view, one task per passage (label upper case)
prodigy-choice  choice view, one task per passage, ``options`` every label
doccano         doccano Text Classification (JSONL)
doccano-seq     doccano Sequence Labeling, one record per report
conll           CoNLL / IOB2 entities, every report of the library
csv             the native records for spreadsheets (UTF-8 with BOM)
labelstudio     Label Studio tasks JSON, one task per report
spacy           spaCy DocBin, one Doc per report (``spacy_docbin``, extra baocao[spacy])

Orphaned annotations have no offsets: the per-report and token formats leave
them out (the count is in ``Counts.orphans``); doccano leaves them out unless
asked, then gives them as offsets -1 (doccano's pandas step would turn null
offsets into NaN, which its meta column refuses).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby

import orjson

from ..corpus.library import Library
from ..corrections import Rules
from ..errors import UnknownReport
from ..models import Entity
from ..nlp import PIPELINE_VERSION
from ..nlp.pipeline import split_at
from ..store import AnnotationStore
from .export import META_FIELDS, Records, TextHashes, TextOnDisk, _Analyses, _text_on_disk, hash32
from .schema import NATIVE

FORMATS = {  # name -> (tool, project type or use), for --help and the docs
    "native": ("pandas, Hugging Face datasets, polars", "baocao's own (import-annotations)"),
    "prodigy": ("Prodigy", "classification view (db-in, textcat)"),
    "prodigy-choice": ("Prodigy", "choice view, multi-class (db-in, textcat)"),
    "doccano": ("doccano", "Text Classification project"),
    "doccano-seq": ("doccano", "Sequence Labeling project"),
    "conll": ("CoNLL/IOB2 readers", "entities, one token per line"),
    "csv": ("Excel, LibreOffice, pandas", "spreadsheet, UTF-8 with BOM"),
    "labelstudio": ("Label Studio", "tasks JSON, passages as labels, entities as predictions"),
    "spacy": ("spaCy (extra baocao[spacy])", "DocBin: entities as doc.ents, passages as doc.spans"),
}
NATIVE_KEYS = list(NATIVE.fields)


@dataclass
class Counts:
    orphans: int = 0  # orphaned annotations left out


@dataclass
class Options:
    orphans: bool = False  # doccano: include orphans (offsets -1)
    spans: bool = False  # prodigy: entities as predictions (tokens + spans)
    content: str = "both"  # doccano-seq: entities, passages or both
    labels: tuple[str, ...] = ()  # prodigy-choice options


class _Texts:
    """A report's text as on disk, its tokens split at its corrected
    entities, and those entities; one report held at a time."""

    def __init__(self, lib: Library, analyses: _Analyses, hashes):
        self.lib, self.analyses, self.hashes = lib, analyses, hashes
        self._rid: str | None = None

    def load(self, rid: str) -> TextOnDisk | None:
        if rid != self._rid:
            self._rid, self._ents, self._toks = rid, None, None
            try:
                self.lib.get(rid)
                disk = _text_on_disk(self.lib, rid, self.hashes)
            except UnknownReport:  # no longer in the library: nothing to point into
                disk = None
            self._disk = disk if disk is not None and disk.sha is not None else None
        return self._disk

    def entities(self) -> list[list]:
        """[[start, end, label, source]] of the loaded report, corrected."""
        if self._ents is None:
            self._ents = self.analyses.entities(self._rid, self._disk.sha, self._disk)
        return self._ents

    def analysis(self) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
        """(sentences, tokens) of the loaded report, tokens split at the
        corrected entities (the pipeline splits them at its own)."""
        if self._toks is None:
            disk = self._disk
            entry = self.analyses.entry(disk.sha, disk, "sentences", "tokens")
            sents = [(s[0], s[1]) for s in entry["sentences"]]
            toks = [(t[0], t[1]) for t in entry["tokens"]]
            ents = [Entity(s, e, lab) for s, e, lab, _ in self.entities()]
            self._toks = (sents, [(t.start, t.end) for t in split_at(disk.text, toks, ents)])
        return self._toks


def convert_records(store: AnnotationStore, lib: Library, fmt: str, native: Iterable[dict],
                    opts: Options | None = None, counts: Counts | None = None) -> Records:
    """The records of ``fmt`` (dicts for the JSON formats, bytes for the
    others) from native records (``export.iter_native``, ``gold.iter_gold``).
    ``counts`` (if given) learns how many orphans were left out, once the
    records have been read."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
    if fmt == "native":  # as they are: no analyses, corrections or text hashes needed here
        return Records(native, store.home)
    opts = opts or Options(labels=tuple(lab.name for lab in store.labels))
    analyses = _Analyses(lib, Rules(store.corrections(), store.annotator))

    def gen() -> Iterator:
        hashes = TextHashes(lib.home)
        try:
            yield from convert(native, fmt, lib, analyses, hashes, opts, counts or Counts())
        finally:
            hashes.save()

    return Records(gen(), store.home)


def convert(records: Iterable[dict], fmt: str, lib: Library, analyses: _Analyses, hashes,
            opts: Options, counts: Counts) -> Iterator:
    texts = _Texts(lib, analyses, hashes)
    if fmt in ("prodigy", "prodigy-choice"):
        return (to_prodigy(r, texts if opts.spans else None, opts.labels if fmt != "prodigy" else None)
                for r in records)
    if fmt == "doccano":
        return _doccano(records, opts, counts)
    if fmt == "csv":
        return _csv(records)
    if fmt == "conll":
        return _conll(lib, texts)
    groups = _by_report(records, texts, counts)
    if fmt == "doccano-seq":
        return (_doccano_seq(rid, recs, texts, opts.content) for rid, recs in groups)
    if fmt == "spacy":
        from .spacy_docbin import docbin

        return docbin(groups, texts)
    return _json_array(_labelstudio(rid, recs, texts) for rid, recs in groups)


def _extra(rec: dict) -> dict:
    return {k: v for k, v in rec.items() if k not in NATIVE.fields}  # --gold's fields


def to_prodigy(rec: dict, texts: _Texts | None = None, options: tuple[str, ...] | None = None) -> dict:
    """A Prodigy task. Our hashes go in meta: Prodigy keeps supplied
    ``_input_hash``/``_task_hash``, and its own (mmh3) are what its dedup knows."""
    lab = (rec["label"] or "none").upper()
    text = rec["text"]
    meta = {k: rec[k] for k in META_FIELDS}
    meta["input_hash"], meta["task_hash"] = hash32(text), hash32(text + "\x1f" + lab)
    meta.update(_extra(rec))
    tokens, spans = _prodigy_spans(rec, texts) if texts is not None else ([], [])
    head = {"text": text, "label": lab} if options is None else {
        "text": text, "options": [{"id": o, "text": o} for o in options],
        "accept": [rec["label"]] if rec["label"] else []}
    who = rec["annotator"]
    return {**head, "answer": "accept", "_view_id": "classification" if options is None else "choice",
            "_annotator_id": who, "_session_id": f"baocao-{who}", "meta": meta,
            "tokens": tokens, "spans": spans}


def _prodigy_spans(rec: dict, texts: _Texts) -> tuple[list[dict], list[dict]]:
    """The passage's tokens and its entities as spans on them (model
    predictions unless corrected: each span's ``source`` says)."""
    if rec["orphaned"] or texts.load(rec["report_id"]) is None:
        return [], []
    s, e, text = rec["start"], rec["end"], rec["text"]
    _, toks = texts.analysis()
    mine = [(a - s, b - s) for a, b in toks if s <= a and b <= e]
    tokens = [{"text": text[a:b], "start": a, "end": b, "id": i,
               "ws": b < len(text) and text[b].isspace()} for i, (a, b) in enumerate(mine)]
    first = {a: i for i, (a, _) in enumerate(mine)}
    last = {b: i for i, (_, b) in enumerate(mine)}
    spans = [{"start": ent["start"], "end": ent["end"], "label": ent["label"],
              "token_start": first[ent["start"]], "token_end": last[ent["end"]],
              "source": ent["source"]} for ent in rec["entities"]
             if ent["start"] in first and ent["end"] in last]
    return tokens, spans


def _doccano(records: Iterable[dict], opts: Options, counts: Counts) -> Iterator[dict]:
    for rec in records:
        if rec["orphaned"] and not opts.orphans:
            counts.orphans += 1
            continue
        out = {"text": rec["text"], "label": [rec["label"]] if rec["label"] else []}
        for k in META_FIELDS:
            v = rec[k]
            out[k] = (-1 if k != "score" else -1.0) if v is None and k in _NUMBERS else v
        out["entities"] = [[x["start"], x["end"], x["label"]] for x in rec["entities"]]
        out.update(_extra(rec))
        yield out


_NUMBERS = ("start", "end", "sentence_start", "sentence_end", "score")


def _by_report(records: Iterable[dict], texts: _Texts, counts: Counts):
    """(report id, its placed records) per report with a text, in export order."""
    for rid, recs in groupby(records, key=lambda r: r["report_id"]):
        placed = []
        for r in recs:
            if r["orphaned"]:
                counts.orphans += 1
            else:
                placed.append(r)
        disk = texts.load(rid) if placed else None
        if disk is not None:
            yield rid, placed


def _report_fields(recs: list[dict], disk: TextOnDisk) -> dict:
    r = recs[0]
    return {"report_id": r["report_id"], "report_title": r["report_title"],
            "report_date": r["report_date"] or "", "report_sha256": disk.sha}


def _passages(recs: list[dict]) -> list[dict]:
    return [r for r in recs if r["label"] is not None]


def _doccano_seq(rid: str, recs: list[dict], texts: _Texts, content: str) -> dict:
    disk = texts.load(rid)
    spans: set[tuple[int, int, str]] = set()
    if content in ("both", "passages"):
        spans.update((r["start"], r["end"], r["label"]) for r in _passages(recs))
    if content in ("both", "entities"):
        spans.update((s, e, lab) for s, e, lab, _ in texts.entities())
    return {"text": disk.text, "label": [list(x) for x in sorted(spans)], **_report_fields(recs, disk)}


def _ls_result(n: int, kind: str, s: int, e: int, text: str, label: str) -> dict:
    return {"id": f"{kind[0]}{n}", "from_name": kind, "to_name": "text", "type": "labels",
            "value": {"start": s, "end": e, "text": text[s:e], "labels": [label]}}


def _labelstudio(rid: str, recs: list[dict], texts: _Texts) -> dict:
    disk = texts.load(rid)
    text = disk.text
    people: dict[str, list[dict]] = {}
    for r in _passages(recs):
        people.setdefault(r["annotator"], []).append(r)
    # one annotation per annotator; their names in data (Label Studio keeps a
    # task's data as given, and makes its own users of an annotation's fields)
    annotations = [{"result": [_ls_result(n, "label", r["start"], r["end"], text, r["label"])
                               for n, r in enumerate(rs)]} for rs in people.values()]
    preds = [_ls_result(n, "entity", s, e, text, lab)
             for n, (s, e, lab, _) in enumerate(texts.entities())]
    return {"data": {"text": text, **_report_fields(recs, disk), "annotators": list(people)},
            "annotations": annotations,
            "predictions": [{"model_version": f"baocao-nlp-{PIPELINE_VERSION}", "result": preds}]}


def _json_array(items: Iterable[dict]) -> Iterator[bytes]:
    sep = b"[\n"
    for item in items:
        yield sep + orjson.dumps(item)
        sep = b",\n"
    yield b"[]\n" if sep == b"[\n" else b"\n]\n"


def _csv_value(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list | dict):
        return orjson.dumps(v).decode()
    return str(v)


def _csv(records: Iterable[dict]) -> Iterator[bytes]:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    head = None
    for rec in records:
        if head is None:
            head = list(rec)
            w.writerow(head)
            yield b"\xef\xbb\xbf" + buf.getvalue().encode()
        buf.seek(0)
        buf.truncate()
        w.writerow([_csv_value(rec[k]) for k in head])
        yield buf.getvalue().encode()
    if head is None:  # no records: the header alone (the native columns)
        w.writerow(NATIVE_KEYS)
        yield b"\xef\xbb\xbf" + buf.getvalue().encode()


def conll_word(text: str) -> str:
    """A token as one CoNLL word: its syllables joined with ``_``."""
    return "_".join(text.split())


def _conll(lib: Library, texts: _Texts) -> Iterator[bytes]:
    for meta in lib.reports():
        if texts.load(meta.id) is None:
            continue
        text = texts.load(meta.id).text
        sents, toks = texts.analysis()
        tag: dict[int, str] = {}
        starts = {a: i for i, (a, _) in enumerate(toks)}
        ends = {b: i for i, (_, b) in enumerate(toks)}
        for s, e, lab, _ in texts.entities():
            if s in starts and e in ends:
                tag.update((i, f"I-{lab}") for i in range(starts[s] + 1, ends[e] + 1))
                tag[starts[s]] = f"B-{lab}"
        lines = [f"-DOCSTART-\t{meta.id}\n\n"]
        i = 0
        for s, e in sents:
            while i < len(toks) and toks[i][1] <= s:
                i += 1
            rows = []
            while i < len(toks) and toks[i][1] <= e:
                rows.append(f"{conll_word(text[toks[i][0]:toks[i][1]])}\t{tag.get(i, 'O')}\n")
                i += 1
            if rows:
                lines.append("".join(rows) + "\n")
        yield "".join(lines).encode()


def read_csv_row(row: dict[str, str]) -> dict:
    """A CSV export row back as a native record (for round-trip checks)."""
    out: dict = {}
    for k, t in NATIVE.fields.items():
        v = row[k]
        inner = getattr(t, "t", t)
        if v == "" and t is not inner:
            out[k] = None
        elif inner is bool:
            out[k] = v == "true"
        elif inner is int:
            out[k] = int(v)
        elif inner is float:
            out[k] = float(v)
        elif inner is str:
            out[k] = v
        else:
            out[k] = orjson.loads(v)
    return out
