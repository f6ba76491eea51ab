"""Synthetic report corpora built from the seed paragraphs, for benchmarks.

    python benchmarks/corpus.py OUT_DIR N      # write N report files
"""
from __future__ import annotations

import random
import sys
from datetime import UTC, datetime
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotations.corpus.library import INDEX_VERSION  # noqa: E402
from annotations.models import ReportMeta, text_sha256  # noqa: E402

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


def make_report(rng: random.Random, paras: list[str], n_paras: tuple[int, int]) -> str:
    y, m, d = rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28)
    opener = rng.choice(OPENERS).format(d=d, m=m, y=y, q=(m - 1) // 3 + 1)
    body = rng.sample(paras, rng.randint(*n_paras))
    return "\n\n".join([opener, *body, f"Mã báo cáo {rng.getrandbits(48):012x}."]) + "\n"


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


def write_library(home: Path, n: int, *, seed: int = 0) -> list[ReportMeta]:
    """A library of N reports written straight to the on-disk layout (texts +
    index), skipping analysis: for benchmarks of what reads the index only."""
    rng = random.Random(seed)
    paras = seed_paragraphs()
    texts = home / "library" / "texts"
    texts.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    metas = []
    for i in range(n):
        text = make_report(rng, paras, (2, 4)).strip()
        rid = f"r{i:05d}"
        (texts / f"{rid}.txt").write_text(text, encoding="utf-8")
        date = f"{rng.randint(2019, 2025)}-{rng.randint(1, 12):02d}"
        metas.append(ReportMeta(rid, text.split("\n")[0][:80], date, "text",
                                text.count(".") or 1, text_sha256(text), "", rid, "", now))
    doc = {"version": INDEX_VERSION, "reports": [m.to_dict() for m in metas]}
    (home / "library" / "index.json").write_bytes(orjson.dumps(doc))
    return metas


if __name__ == "__main__":
    write_corpus(Path(sys.argv[1]), int(sys.argv[2]))
