"""Build gold_entities.jsonl from gold_spec.txt and the seed files.

Run from the repository root: python tests/data/make_gold.py
Paragraphs are the seed's non-empty lines (stripped, after the optional
" date ... " header); offsets are relative to the paragraph text.
"""
from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).parent
SEEDS = HERE.parent.parent / "seeds"
LABELS = {"PER", "ORG", "LOC", "DOC", "EVENT", "TIME", "NUM"}


def paragraphs(report: str) -> list[str]:
    raw = unicodedata.normalize("NFC", (SEEDS / f"{report}.txt").read_text(encoding="utf-8"))
    raw = re.sub(r"^\s*date\s+\S+\s+", "", raw)
    return [ln.strip() for ln in raw.splitlines() if ln.strip()]


def parse(spec: str) -> dict[str, dict[int, list | None]]:
    out: dict[str, dict[int, list | None]] = {}
    report = idx = None
    for line in spec.splitlines():
        line = line.strip()
        if not line or line.startswith("#") and not line.startswith("## "):
            continue
        if line.startswith("## "):
            report = line[3:].strip()
            out[report] = {}
        elif m := re.fullmatch(r"\[(\d+)\](\s+SKIP)?", line):
            idx = int(m.group(1))
            out[report][idx] = None if m.group(2) else []
        else:
            surface, label = (x.strip() for x in line.rsplit("|", 1))
            assert label in LABELS, line
            out[report][idx].append((surface, label))
    return out


def place(text: str, entries: list[tuple[str, str]]) -> list[list]:
    taken: list[list] = []
    for surface, label in sorted(entries, key=lambda e: -len(e[0])):
        pos = 0
        while True:
            i = text.find(surface, pos)
            if i < 0:
                sys.exit(f"not found (or all occurrences used): {surface!r} in {text[:60]!r}")
            j = i + len(surface)
            if not any(s < j and i < e for s, e, _ in taken):
                taken.append([i, j, label])
                break
            pos = i + 1
    return sorted(taken)


def main() -> None:
    spec = parse((HERE / "gold_spec.txt").read_text(encoding="utf-8"))
    lines = []
    for report, marked in spec.items():
        for i, text in enumerate(paragraphs(report)):
            entries = marked.get(i, [])
            if entries is None:
                continue
            rec = {"report": report, "paragraph": text, "entities": place(text, entries)}
            lines.append(json.dumps(rec, ensure_ascii=False))
    (HERE / "gold_entities.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} paragraphs")


if __name__ == "__main__":
    main()
