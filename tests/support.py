"""Paths shared by tests: `from support import SEEDS` (tests/ is on sys.path
because tests/conftest.py lives in a folder without __init__.py; do not import
from `conftest`, several folders have one)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def first_release(home: Path) -> Path:
    """Turn a home back into what the first release wrote: ``library/index.json``
    and no catalogue (to test the migration, or to poke index records)."""
    import orjson

    from annotations.corpus.library import INDEX_VERSION, Library

    lib = Library(home)
    records = []
    for m in lib.reports():
        rec, name = m.to_dict(), lib.text_file(m.id)
        if name != f"{m.id}.txt":
            rec["text_file"] = name
        records.append(rec)
    lib._catalogue.close()
    for p in (home / "library").glob("catalogue.sqlite*"):
        p.unlink()
    index = home / "library" / "index.json"
    index.write_bytes(orjson.dumps({"version": INDEX_VERSION, "reports": records}))
    return index


def catalogue_rows(home: Path) -> list[tuple[str, str, str]]:
    """(id, sha256, text file) of every row of a home's catalogue, read with
    plain sqlite3 (what a test checks against the files beside it)."""
    import sqlite3

    path = home / "library" / "catalogue.sqlite"
    if not path.exists():
        return []
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return db.execute("SELECT id, sha256, text_file FROM reports ORDER BY id").fetchall()
    finally:
        db.close()
