"""Synthetic report corpora built from the seed paragraphs, for benchmarks.

    python benchmarks/corpus.py OUT_DIR N      # write N report files
"""
from __future__ import annotations

import os
import random
import re
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import orjson  # noqa: E402

from annotations.corpus.cache import AnalysisCache  # noqa: E402
from annotations.corpus.catalogue import Catalogue  # noqa: E402
from annotations.home import Home  # noqa: E402
from annotations.models import ReportMeta, text_sha256  # noqa: E402
from annotations.text.vietnamese import fold  # noqa: E402

OPENERS = ["Ngày {d}/{m}/{y}, tại Trụ sở Trung ương Đảng, hội nghị giao ban đã diễn ra.",
           "Chiều {d}-{m}, Tỉnh ủy tổ chức hội nghị sơ kết công tác quý {q}/{y}.",
           "Sáng {d}/{m}, Ban Thường vụ họp đánh giá kết quả 6 tháng đầu năm {y}."]


def seed_paragraphs() -> list[str]:
    paras = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if len(line) > 60 and not line.startswith("date "):
                paras.append(line)
    return paras


def report_paragraphs(rng: random.Random, paras: list[str], n_paras: tuple[int, int]) -> list[str]:
    y, m, d = rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28)
    opener = rng.choice(OPENERS).format(d=d, m=m, y=y, q=(m - 1) // 3 + 1)
    body = rng.sample(paras, rng.randint(*n_paras))
    return [opener, *body, f"Mã báo cáo {rng.getrandbits(48):012x}."]


def make_report(rng: random.Random, paras: list[str], n_paras: tuple[int, int]) -> str:
    return "\n\n".join(report_paragraphs(rng, paras, n_paras)) + "\n"


def write_corpus(out: Path, n: int, *, n_paras: tuple[int, int] = (2, 4), seed: int = 0) -> list[Path]:
    """N distinct report files (each ends with a unique code line)."""
    rng = random.Random(seed)
    paras = seed_paragraphs()
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        p = out / f"r{i:05d}.txt"
        p.write_text(make_report(rng, paras, n_paras), encoding="utf-8")
        paths.append(p)
    return paths


def sentence_analysis(parts: list[str]) -> dict:
    """A cache entry for a text of these paragraphs (joined by a blank line) with
    sentences split at '. ' and no NLP: for benchmarks of what reads sentences."""
    paragraphs, sentences, at = [], [], 0
    for p, part in enumerate(parts):
        paragraphs.append([at, at + len(part)])
        start = 0
        for m in _SENTENCE_END.finditer(part):
            sentences.append([at + start, at + m.start() + 1, p])
            start = m.end()
        if start < len(part):
            sentences.append([at + start, at + len(part), p])
        at += len(part) + 2
    return {"paragraphs": paragraphs, "sentences": sentences, "tokens": [], "entities": []}


_SENTENCE_END = re.compile(r"[.;!?](?:\s+|$)")


def write_library(home: Path, n: int, *, seed: int = 0, analyses: bool = False) -> list[ReportMeta]:
    """A library of N reports written straight to the on-disk layout (texts +
    catalogue rows built directly), skipping analysis: for benchmarks of what
    reads the catalogue only (``analyses``: with cache entries giving sentences,
    ``sentence_analysis``, for the search index). Folded once per seed paragraph
    (fold works character by character, so a text's fold is its paragraphs'
    folds joined)."""
    rng = random.Random(seed)
    cache = AnalysisCache(Home(home).analysis_dir) if analyses else None
    if cache is not None:
        cache.dir.mkdir(parents=True, exist_ok=True)
    paras = seed_paragraphs()
    folded = {p: fold(p) for p in paras}
    texts = home / "library" / "texts"
    texts.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    metas, rows = [], []
    for i in range(n):
        parts = report_paragraphs(rng, paras, (2, 4))
        text = "\n\n".join(parts)
        rid = f"r{i:05d}"
        (texts / f"{rid}.txt").write_text(text, encoding="utf-8")
        date = f"{rng.randint(2019, 2025)}-{rng.randint(1, 12):02d}"
        meta = ReportMeta(rid, parts[0][:80], date, "text", text.count(".") or 1,
                          text_sha256(text), "", rid, "", now)
        if cache is not None:  # plain writes: a benchmark's cache need not survive a crash
            cache.path(meta.sha256).write_bytes(orjson.dumps(sentence_analysis(parts)))
        metas.append(meta)
        rows.append((meta, f"{rid}.txt",
                     "\n\n".join(folded.get(p) or fold(p) for p in parts)))
    Catalogue(Home(home), None).create(rows)
    return metas


def big_library(tmp: Path, n: int) -> tuple[Path, str]:
    """A home of N reports (``write_library``), or the one $BENCH_BIG_HOME names
    (written before, e.g. shared by bench_library and bench_tui); and how."""
    given = os.environ.get("BENCH_BIG_HOME")
    if given:
        return Path(given), f"reused {given}"
    home = tmp / f"library-{n}"
    t0 = time.perf_counter()
    write_library(home, n)
    return home, f"written in {time.perf_counter() - t0:.0f} s"


def add_report(home: Path, meta: ReportMeta, text: str) -> None:
    """One more report in a library written by ``write_library``."""
    (home / "library" / "texts" / f"{meta.id}.txt").write_text(text, encoding="utf-8")
    cat = Catalogue(Home(home), None)
    with cat.home.writer():
        cat.put([(meta, f"{meta.id}.txt", fold(text))])
    cat.close()


if __name__ == "__main__":
    write_corpus(Path(sys.argv[1]), int(sys.argv[2]))
