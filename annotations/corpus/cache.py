"""The analysis cache: one JSON file per (canonical text hash, pipeline version).

    HOME/cache/analysis/<sha>-<version>.json
        {"sha256", "pipeline", "paragraphs", "sentences", "tokens", "entities"}

Rebuildable, never the truth: a missing, unreadable or mismatched entry is
recomputed. Entries written before the file recorded its hash and version
(name only) are still trusted by their name.

Writes take the home's writer lock (``writer``, a context manager such as
``Home.writer``): a process that cannot have it (a read-only TUI while an
import runs) computes the analysis and leaves the cache alone. The next writer
removes entries the library index does not know (``sweep``).
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from pathlib import Path

import orjson

from ..errors import BaocaoError, StoreLocked
from ..fsutil import atomic_write_bytes
from ..models import Analysis, text_sha256
from ..nlp import PIPELINE_VERSION  # nlp imports underthesea only inside analyze()


def analyze_to_dict(text: str) -> dict:
    """The cache entry of a text (runs in import worker processes)."""
    from .. import nlp

    return {"sha256": text_sha256(text), "pipeline": PIPELINE_VERSION,
            **nlp.analyze(text).to_dict()}


class AnalysisCache:
    def __init__(self, folder: Path,
                 writer: Callable[[], AbstractContextManager] | None = None):
        self.dir = Path(folder)
        self._writer = writer

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

    def put_dict(self, sha: str, doc: dict) -> bool:
        """Store an entry under the writer lock; False (nothing written) when
        another process holds it."""
        if self._writer is None:
            atomic_write_bytes(self.path(sha), orjson.dumps(doc), durable=False)
            return True
        try:
            with self._writer():
                atomic_write_bytes(self.path(sha), orjson.dumps(doc), durable=False)
        except StoreLocked:
            return False
        return True

    def remove(self, sha: str) -> None:
        """Forget a text's entry (the caller holds the writer lock)."""
        try:
            self.path(sha).unlink()
        except FileNotFoundError:
            pass

    def sweep(self, live: Iterable[str]) -> int:
        """Remove every entry that is not for one of the ``live`` hashes and this
        pipeline, and temporary files of killed writes (the caller holds the
        writer lock). Returns how many files were removed."""
        keep = {f"{sha}-{PIPELINE_VERSION}.json" for sha in live}
        removed = 0
        try:
            entries = list(os.scandir(self.dir))
        except FileNotFoundError:
            return 0
        for entry in entries:
            if entry.name in keep or entry.is_dir(follow_symlinks=False):
                continue
            try:
                os.unlink(entry.path)
                removed += 1
            except FileNotFoundError:
                pass
        return removed

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
        try:
            self.put_dict(sha, doc)
        except (OSError, BaocaoError):
            pass  # a read-only or full disk, a lock not to be had: right, only not kept
        return Analysis.from_dict(doc)
