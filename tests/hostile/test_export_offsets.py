"""Export never trusts offsets whose text hash does not match the text it reads:
the library index may disagree with a text file after a crash (or a hand
edit); every exported offset slices the text on disk, whatever happened."""
import os
import random
import re

import pytest

import annotations.interchange.export as export_mod
from annotations.corpus.library import Library
from annotations.interchange.export import iter_records
from annotations.models import Analysis, Entity, text_sha256
from annotations.store import AnnotationStore, Selection
from storehelp import bounded, cli, json_lines, synthetic_home

_bounded = bounded(90)


@pytest.fixture(autouse=True)
def no_nlp(monkeypatch):
    """A text without a cached analysis gets entities by a rule (no underthesea)."""
    def analyze_text(self, text):
        return Analysis([], [], [], [Entity(m.start(), m.end(), "LOC")
                                     for m in re.finditer("Hà Nội", text)])

    monkeypatch.setattr(Library, "analyze_text", analyze_text)


def tagged_home(tmp_path, n_reports=3, sentences=10):
    home = tmp_path / "home"
    spans = synthetic_home(home, n_reports, sentences)
    lib = Library(home)
    rng = random.Random(5)
    with AnnotationStore(home, annotator="lan") as store:
        for rid, sp in spans.items():
            for i in range(0, sentences, 2):
                last = min(i + rng.randint(0, 1), sentences - 1)
                store.tag(Selection.of(rid, sp, i, last, lib.get(rid).sha256),
                          rng.choice(["achievement", "task", "risk"]))
    return home


def export(home) -> list[dict]:
    with AnnotationStore(home, readonly=True) as store:
        return list(iter_records(store, Library(home)))


def check_slices(home, recs) -> tuple[int, int]:
    """Every placed record slices the text on disk, its entities its text."""
    placed = orphans = 0
    for r in recs:
        if r["orphaned"]:
            assert r["start"] is None and r["end"] is None and r["entities"] == []
            orphans += 1
            continue
        text = Library(home).home.text_path(r["report_id"]).read_text(encoding="utf-8")
        assert text[r["start"]:r["end"]] == r["text"], r
        for e in r["entities"]:
            assert r["text"][e["start"]:e["end"]] == e["text"]
        assert r["report_sha256"] == text_sha256(text)
        placed += 1
    return placed, orphans


def write_behind_the_index(home, rid, new: str, *, in_place: bool = False) -> None:
    """A crash between a text's write and the index's: the text is new, the index
    and the annotations still say the old hash."""
    path = Library(home).home.text_path(rid)
    if in_place:
        st = os.stat(path)
        with open(path, "r+b") as f:  # same inode, same size, mtime put back
            f.write(new.encode("utf-8"))
            f.truncate()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    else:
        tmp = path.with_name(".x.tmp")
        tmp.write_text(new, encoding="utf-8")
        os.replace(tmp, path)


def test_a_text_newer_than_the_index_is_never_trusted(tmp_path):
    home = tagged_home(tmp_path)
    rid = "r000"
    old = export(home)
    assert check_slices(home, old)[1] == 0
    text = Library(home).home.text_path(rid).read_text(encoding="utf-8")
    write_behind_the_index(home, rid, "Thêm một câu mở đầu. " + text)
    recs = export(home)
    placed, orphans = check_slices(home, recs)
    mine = [r for r in recs if r["report_id"] == rid]
    assert mine and all(r["orphaned"] for r in mine)  # every offset moved: none is given
    assert [r for r in recs if r["report_id"] != rid] == [r for r in old if r["report_id"] != rid]
    res = cli(home, "export")  # the command line says the same
    assert res.exit_code == 0
    assert all(r["orphaned"] for r in json_lines(res.stdout) if r["report_id"] == rid)


@pytest.mark.parametrize("in_place", [False, True])
def test_the_hash_cache_follows_the_file_not_the_index(tmp_path, monkeypatch, in_place):
    monkeypatch.setattr(export_mod, "RACY_NS", 0)  # cache even files just written
    home = tagged_home(tmp_path)
    rid = "r001"
    export(home)
    cache = home / "cache" / "text-sha256.json"
    assert cache.exists()  # the second export stats instead of reading ...
    text = Library(home).home.text_path(rid).read_text(encoding="utf-8")
    swapped = text.replace("Câu 0", "Câu 9", 1)  # same length, other text
    assert len(swapped) == len(text) and swapped != text
    write_behind_the_index(home, rid, swapped, in_place=in_place)
    recs = export(home)  # ... but never believes a stale entry
    check_slices(home, recs)
    first = [r for r in recs if r["report_id"] == rid and r["start"] == 0]
    assert first == [] or first[0]["text"].startswith("Câu 9")


def test_random_edits_behind_the_index_never_export_a_wrong_offset(tmp_path, monkeypatch):
    monkeypatch.setattr(export_mod, "RACY_NS", 0)
    home = tagged_home(tmp_path, n_reports=4, sentences=12)
    rng = random.Random(77)
    seen_orphans = seen_placed = 0
    for _round in range(40):
        rid = f"r{rng.randrange(4):03d}"
        path = Library(home).home.text_path(rid)
        text = path.read_text(encoding="utf-8")
        at = rng.randrange(len(text))
        op = rng.choice(["insert", "delete", "replace", "same-length"])
        if op == "insert":
            new = text[:at] + rng.choice(["Thêm. ", "x", "\n\n", "Hà Nội "]) + text[at:]
        elif op == "delete":
            new = text[:at] + text[at + rng.randint(1, 30):]
        elif op == "replace":
            new = text[:at] + "Ủy ban" + text[at + 6:]
        else:
            new = text[:at] + ("ă" if text[at] != "ă" else "â") + text[at + 1:]
        write_behind_the_index(home, rid, new, in_place=rng.random() < 0.5)
        placed, orphans = check_slices(home, export(home))
        seen_placed += placed
        seen_orphans += orphans
    assert seen_orphans and seen_placed  # both kinds really happened
