"""The analysis cache: one JSON file per (canonical text hash, pipeline version).

    HOME/cache/analysis/<sha>-<version>.json
        {"sha256", "pipeline", "paragraphs", "sentences", "tokens", "entities"}

Rebuildable, never the truth: a missing, unreadable or mismatched entry is
recomputed. Entries written before the file recorded its hash and version
(name only) are still trusted by their name.
"""
from __future__ import annotations

from pathlib import Path

import orjson

from ..fsutil import atomic_write_bytes
from ..models import Analysis, text_sha256
from ..nlp import PIPELINE_VERSION  # nlp imports underthesea only inside analyze()


def analyze_to_dict(text: str) -> dict:
    """The cache entry of a text (runs in import worker processes)."""
    from .. import nlp

    return {"sha256": text_sha256(text), "pipeline": PIPELINE_VERSION,
            **nlp.analyze(text).to_dict()}


class AnalysisCache:
    def __init__(self, folder: Path):
        self.dir = Path(folder)

    def path(self, sha: str) -> Path:
        return self.dir / f"{sha}-{PIPELINE_VERSION}.json"

    def has(self, sha: str) -> bool:
        return self.path(sha).exists()

    def get_dict(self, sha: str) -> dict | None:
        """The entry as plain JSON (fast for bulk readers such as export), or
        None when missing, unreadable or made for another text or pipeline."""
        try:
            doc = orjson.loads(self.path(sha).read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return None
        if not isinstance(doc, dict):
            return None
        if doc.get("sha256", sha) != sha or doc.get("pipeline", PIPELINE_VERSION) != PIPELINE_VERSION:
            return None
        return doc

    def put_dict(self, sha: str, doc: dict) -> None:
        atomic_write_bytes(self.path(sha), orjson.dumps(doc), durable=False)

    def analysis(self, text: str, sha: str | None = None) -> Analysis:
        """The analysis of ``text``, from the cache or computed (and cached)."""
        sha = sha or text_sha256(text)
        cached = self.get_dict(sha)
        if cached is not None:
            try:
                return Analysis.from_dict(cached)
            except (KeyError, TypeError):
                pass  # a broken entry is recomputed, never trusted
        doc = analyze_to_dict(text)
        self.put_dict(sha, doc)
        return Analysis.from_dict(doc)
