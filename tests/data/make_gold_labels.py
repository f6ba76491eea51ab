"""Re-key gold_labels.jsonl onto the seeds' current analysis.

Run from the repository root: python tests/data/make_gold_labels.py
The labels are the sentences' (LABELS.md); offsets and sentence indices come
from the analysis, so a change of segmentation or noise removal only needs this
run again. A record per sentence of each seed: the label found for the same
sentence text, "none" (null) for a heading or caption never labelled; a body
sentence with no label yet is an error listing it (label it by hand first).
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from annotations.corpus.library import Library  # noqa: E402

OUT = Path(__file__).parent / "gold_labels.jsonl"


def main() -> int:
    old = {r["text"]: r["label"] for r in map(orjson.loads, OUT.read_bytes().splitlines())}
    lib = Library(Path(tempfile.mkdtemp()) / "home")
    lib.import_paths([ROOT / "seeds"], workers=1)
    out, missing = [], []
    for m in sorted(lib.reports(), key=lambda m: m.id, reverse=True):
        r = lib.open(m.id)
        body = set(r.analysis.body_sentences())
        for i, s in enumerate(r.analysis.sentences):
            text = r.text[s.start:s.end]
            if text not in old and i in body:
                missing.append(f"{m.id} {i}: {text}")
            out.append({"report": m.id, "sentence": i, "start": s.start, "end": s.end,
                        "label": old.get(text), "text": text})
    if missing:
        print("unlabelled body sentences:\n" + "\n".join(missing), file=sys.stderr)
        return 1
    OUT.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in out))
    print(f"{len(out)} sentences written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
