"""Small synthetic homes for the entity index and timeline tests: texts and
catalogue rows written directly, each text's analysis cache entry made by
simple rules (sentences split at full stops, entities where the test says),
so a test knows every entity and date without running the NLP."""
from __future__ import annotations

import re
from pathlib import Path

import orjson

from annotations.corpus.cache import AnalysisCache
from annotations.corpus.catalogue import Catalogue
from annotations.home import Home
from annotations.models import ReportMeta, text_sha256
from annotations.nlp import PIPELINE_VERSION
from annotations.text.vietnamese import fold

SENT = re.compile(r"[^.\n]+\.?")
WORD = re.compile(r"\w+|[^\w\s]")


def analysis_of(text: str, entities: list[tuple[str, str]]) -> dict:
    """A cache entry: one paragraph per line, sentences at full stops, every
    occurrence of each (surface, label) an entity."""
    paragraphs, sentences = [], []
    for m in re.finditer(r"[^\n]+", text):
        paragraphs.append([m.start(), m.end()])
        for s in SENT.finditer(m.group()):
            a = m.start() + s.start() + len(s.group()) - len(s.group().lstrip())
            if text[a:m.start() + s.end()].strip():
                sentences.append([a, m.start() + s.end(), len(paragraphs) - 1])
    ents = sorted([m.start(), m.end(), label] for surface, label in entities
                  for m in re.finditer(re.escape(surface), text))
    return {"sha256": text_sha256(text), "pipeline": PIPELINE_VERSION, "paragraphs": paragraphs,
            "sentences": sentences, "tokens": [[m.start(), m.end()] for m in WORD.finditer(text)],
            "entities": ents}


def put_reports(home: Path, reports: list[tuple[str, str | None, str, list[tuple[str, str]]]]) -> None:
    """Add (id, date, text, entities) reports to ``home`` (its catalogue made if missing)."""
    h = Home(home)
    h.texts_dir.mkdir(parents=True, exist_ok=True)
    cache = AnalysisCache(h.analysis_dir)
    h.analysis_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for rid, date, text, ents in reports:
        (h.texts_dir / f"{rid}.txt").write_text(text, encoding="utf-8")
        doc = analysis_of(text, ents)
        cache.path(doc["sha256"]).write_bytes(orjson.dumps(doc))
        meta = ReportMeta(rid, text.split(".")[0][:60], date, "text" if date else "unknown",
                          len(doc["sentences"]), doc["sha256"], "", rid, "", "2026-01-01T00:00:00Z")
        rows.append((meta, f"{rid}.txt", fold(text)))
    cat = Catalogue(h, cache)
    with h.writer():
        if not cat.path.exists():
            cat.create(rows)
        else:
            cat.put(rows)
    cat.close()
