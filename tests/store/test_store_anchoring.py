"""Re-anchoring when a report is re-imported with changed text."""
import shutil

import pytest

from annotations.corpus.library import Library
from annotations.store import AnnotationStore
from annotations.store.anchoring import reanchor_docs, sentence_range
from storehelp import cli, json_lines, passage
from support import SEEDS


def doc(text, start, annotator="lan", **kw):
    d = {"id": f"id{start}", "report_id": "r", "start": start, "end": start + len(text),
         "sentence_start": 0, "sentence_end": 0, "label": "risk", "text": text, "note": "",
         "annotator": annotator, "created_at": f"2025-01-01T00:00:{start % 60:02d}.000Z",
         "updated_at": "2025-01-01T00:00:00.000Z", "report_sha256": "old", "orphaned": False}
    d.update(kw)
    return d


def test_sentence_range():
    sents = [(0, 10), (11, 20), (22, 30)]
    assert sentence_range(sents, 0, 10) == (0, 0)
    assert sentence_range(sents, 11, 30) == (1, 2)
    assert sentence_range(sents, 5, 15) == (0, 1)
    assert sentence_range(sents, 20, 22) == (-1, -1)  # the gap between sentences


def test_found_once_moves_with_new_sentences():
    new = "Mở đầu mới. Kết quả tốt. Cuối."
    out, stats = reanchor_docs([doc("Kết quả tốt.", 0)], new, [(0, 11), (12, 24), (25, 30)],
                               "new", "2025-02-01T00:00:00.000Z")
    (d,) = out
    assert (d["start"], d["end"], d["sentence_start"], d["sentence_end"]) == (12, 24, 1, 1)
    assert new[d["start"]:d["end"]] == d["text"]
    assert d["report_sha256"] == "new" and not d["orphaned"]
    assert d["updated_at"] == "2025-02-01T00:00:00.000Z" and stats["moved"] == 1


@pytest.mark.parametrize("new", ["Hoàn toàn khác.", "Kết quả tốt. Rồi: Kết quả tốt."],
                         ids=["not-found", "ambiguous"])
def test_not_found_or_ambiguous_is_orphaned_in_place(new):
    old = doc("Kết quả tốt.", 5)
    (d,), stats = reanchor_docs([old], new, [(0, len(new))], "new", "now")
    assert d["orphaned"] and stats["orphaned"] == 1
    assert (d["start"], d["end"], d["report_sha256"]) == (5, old["end"], "old")  # untouched


def test_two_annotations_landing_on_one_passage_keep_the_rule():
    a = doc("Kết quả.", 0)
    b = doc("Kết quả.", 20)  # the same text twice in the old report
    out, stats = reanchor_docs([a, b], "Kết quả. Khác.", [(0, 8), (9, 14)], "new", "now")
    assert stats == {"kept": 1, "moved": 0, "orphaned": 1}
    assert sorted(d["orphaned"] for d in out) == [False, True]


def test_orphan_comes_back_when_its_text_returns():
    o = doc("Kết quả tốt.", 3, orphaned=True)
    (d,), stats = reanchor_docs([o], "Kết quả tốt.", [(0, 12)], "new", "now")
    assert not d["orphaned"] and stats["moved"] == 1 and (d["start"], d["end"]) == (0, 12)


def test_reimport_through_the_cli_reanchors(tmp_path, home):
    """The full path: `baocao import` of a changed file calls the store."""
    src = tmp_path / "src" / "bao_cao.txt"
    src.parent.mkdir()
    shutil.copy(sorted(SEEDS.glob("*.txt"))[1], src)
    assert cli(home, "import", src).exit_code == 0
    lib = Library(home)
    rid = lib.reports()[0].id
    text = lib.text(rid)
    n = len(lib.analysis(rid).sentences)
    keep, drop, dup = passage(home, rid, 2), passage(home, rid, 3), passage(home, rid, n - 1)
    with AnnotationStore(home, annotator="lan") as store:
        store.tag(keep, "achievement")
        store.tag(drop, "risk")
        store.tag(dup, "task")
    raw = src.read_text(encoding="utf-8")
    keep_text, drop_text, dup_text = (text[p.start:p.end] for p in (keep, drop, dup))
    assert drop_text in raw and dup_text in raw
    # (a repeated paragraph would be cleaned away as web noise: repeat it inside one)
    raw = ("Đoạn mở đầu được thêm vào khi cập nhật bài viết, nhắc lại: " + dup_text + "\n\n"
           + raw.replace(drop_text, ""))
    src.write_text(raw, encoding="utf-8")
    res = cli(home, "import", src)
    assert res.exit_code == 0, res.output
    lib = Library(home)
    new_text = lib.text(rid)
    assert new_text != text
    sents = lib.analysis(rid).sentences
    with AnnotationStore(home, readonly=True) as ro:
        by_label = {a.label: a for a in ro.for_report(rid)}
    moved = by_label["achievement"]
    assert not moved.orphaned and moved.start > keep.start
    assert new_text[moved.start:moved.end] == keep_text
    assert sents[moved.sentence_start].start == moved.start
    assert sents[moved.sentence_end].end == moved.end
    assert moved.report_sha256 == lib.get(rid).sha256
    assert by_label["risk"].orphaned and by_label["task"].orphaned  # gone / now twice
    out = json_lines(cli(home, "export").stdout)
    orphans = [r for r in out if r.get("orphaned")]
    assert sorted(r["label"] for r in orphans) == ["risk", "task"]
    assert all(r["start"] is None and r["entities"] == [] for r in orphans)
    placed = [r for r in out if not r.get("orphaned")]
    assert [new_text[r["start"]:r["end"]] for r in placed] == [keep_text]
    shown = json_lines(cli(home, "show", rid, "--json").stdout)[0]["annotations"]
    assert sorted((a["label"], a.get("orphaned", False)) for a in shown) == [
        ("achievement", False), ("risk", True), ("task", True)]


def test_reimport_is_refused_while_a_writer_holds_the_store(tmp_path, home):
    src = tmp_path / "r.txt"
    shutil.copy(sorted(SEEDS.glob("*.txt"))[0], src)
    assert cli(home, "import", src).exit_code == 0
    with AnnotationStore(home, annotator="lan"):
        src.write_text(src.read_text(encoding="utf-8") + "\n\nMột đoạn mới được thêm.\n",
                       encoding="utf-8")
        res = cli(home, "import", src)
    assert res.exit_code != 0 and "open for writing" in res.output
