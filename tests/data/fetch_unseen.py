"""The unseen gold (unseen_gold.jsonl): entities on real report pages that the
rules were not written on. The repository keeps only each page's address,
which lines were annotated, a SHA-256 of the annotated text and the entity
offsets; the third-party text itself lives in a local cache, CACHE/<sha>.txt.

The texts are the stored copies of the pages that the project's search tool
("pages" corpus) returns for each record's `query`: the excerpt under the
record's `url`. There is no network here and the live pages have changed since,
so nothing is downloaded. To re-create the cache, save each excerpt as it was
returned (one file per record, named <name>.txt) in a folder and run

    python tests/data/fetch_unseen.py import FOLDER

which cuts each record's text (drops the `drop` lines: datelines, image
placeholders; strips and drops empty lines), checks its SHA-256 and writes it
to the cache. `python tests/data/fetch_unseen.py` (check) says which texts are
there. The annotator's own step, `build SPEC FOLDER`, turns a local spec
("## name", "url:", "query:", "drop:", "set:" then "surface | LABEL" per
entity in reading order, each placed after the one before) into the JSONL.
`set` is "first" (pages whose errors were looked at while fixing rules) or
"fresh" (pages annotated afterwards and only ever scored; see GOLD.md).
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).parent
GOLD = HERE / "unseen_gold.jsonl"
CACHE = Path(os.environ.get("BAOCAO_GOLD_CACHE", Path.home() / ".cache" / "baocao-gold"))
LABELS = {"PER", "ORG", "LOC", "DOC", "EVENT", "TIME", "NUM"}


def cut(excerpt: str, drop: list[int]) -> str:
    """The annotated text of an excerpt: lines not dropped, stripped, no empty ones."""
    lines = unicodedata.normalize("NFC", excerpt).splitlines()
    return "\n".join(ln.strip() for i, ln in enumerate(lines) if i not in drop and ln.strip())


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def records() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line]


def load() -> tuple[list[tuple[dict, str]], list[dict]]:
    """(record, text) for each record whose text is cached and intact; the missing records."""
    found, missing = [], []
    for rec in records():
        path = CACHE / f"{rec['sha256']}.txt"
        text = path.read_text(encoding="utf-8") if path.exists() else None
        if text is not None and sha(text) == rec["sha256"]:
            found.append((rec, text))
        else:
            missing.append(rec)
    return found, missing


def place(text: str, entries: list[tuple[str, str]]) -> list[list]:
    """Offsets of entries given in reading order: each after the one before."""
    out, pos = [], 0
    for surface, label in entries:
        i = text.find(surface, pos)
        if i < 0:
            sys.exit(f"not found after offset {pos}: {surface!r}")
        out.append([i, i + len(surface), label])
        pos = i + len(surface)
    return out


def build(spec_path: str, folder: str) -> None:
    recs, cur = [], None
    for line in Path(spec_path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") and not line.startswith("## "):
            continue
        if line.startswith("## "):
            cur = {"name": line[3:].strip(), "entries": []}
            recs.append(cur)
        elif line.split(":", 1)[0] in ("url", "query", "drop", "set") and "|" not in line:
            key, val = (x.strip() for x in line.split(":", 1))
            cur[key] = [int(x) for x in val.split()] if key == "drop" else val
        else:
            surface, label = (x.strip() for x in line.rsplit("|", 1))
            assert label in LABELS, line
            cur["entries"].append((surface, label))
    CACHE.mkdir(parents=True, exist_ok=True)
    out = []
    for r in recs:
        text = cut((Path(folder) / f"{r['name']}.txt").read_text(encoding="utf-8"), r["drop"])
        (CACHE / f"{sha(text)}.txt").write_text(text, encoding="utf-8")
        out.append(json.dumps({"name": r["name"], "set": r.get("set", "first"), "url": r["url"], "query": r["query"],
                               "drop": r["drop"], "sha256": sha(text), "entities": place(text, r["entries"])},
                              ensure_ascii=False))
    GOLD.write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"{len(out)} pages, {sum(len(r['entries']) for r in recs)} entities")


def import_excerpts(folder: str) -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    for rec in records():
        path = Path(folder) / f"{rec['name']}.txt"
        if not path.exists():
            print(f"{rec['name']}: no {path.name} in {folder}")
            continue
        text = cut(path.read_text(encoding="utf-8"), rec["drop"])
        if sha(text) != rec["sha256"]:
            print(f"{rec['name']}: the excerpt differs from the annotated one (SHA-256 mismatch), not cached")
            continue
        (CACHE / f"{rec['sha256']}.txt").write_text(text, encoding="utf-8")
        print(f"{rec['name']}: cached")


def main(argv: list[str]) -> None:
    if argv[:1] == ["build"] and len(argv) == 3:
        build(argv[1], argv[2])
    elif argv[:1] == ["import"] and len(argv) == 2:
        import_excerpts(argv[1])
    elif not argv or argv == ["check"]:
        found, missing = load()
        print(f"{len(found)} of {len(found) + len(missing)} unseen-gold texts in {CACHE}")
        for rec in missing:
            print(f"  missing {rec['name']}: {rec['url']} (search tool, pages corpus, query {rec['query']!r});"
                  " no network here: save the excerpt and run `import FOLDER`")
    else:
        sys.exit("usage: fetch_unseen.py [check] | import FOLDER | build SPEC FOLDER")


if __name__ == "__main__":
    main(sys.argv[1:])
