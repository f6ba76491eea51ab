"""Noise and paragraph kinds end to end: the pipeline gives each paragraph its
kind, an import keeps what was removed (with why) and the body-sentence count,
`show --json` shows both, and old catalogue rows still count."""
from __future__ import annotations

import orjson
from click.testing import CliRunner

from annotations.corpus.library import Library
from annotations.models import ReportMeta
from tui.cli import main

PAGE = "\n".join([
    "Chính trị",
    "Thứ Tư, 08/04/2015, 08:11 [GMT+7]",
    "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 15 (*)",
    "Sáng 12/7, Ban Chấp hành Đảng bộ tỉnh khai mạc Hội nghị lần thứ 15. Hội nghị đánh giá "
    "tình hình 6 tháng đầu năm.",
    "Toàn cảnh hội nghị.",
    "b9dbf9c1e3a24f0b8d2e-1701523185.jpg",
    "Hội nghị đã thống nhất các nhiệm vụ trọng tâm 6 tháng cuối năm.",
    "Thu Hằng",
])


def _import(home, tmp_path):
    f = tmp_path / "trang.txt"
    f.write_text(PAGE, encoding="utf-8")
    Library(home).import_paths([f], workers=1)
    return Library(home)


def test_paragraph_kinds_from_the_pipeline(home, tmp_path):
    lib = _import(home, tmp_path)
    report = lib.open("trang")
    text, a = report.text, report.analysis
    kinds = {text[p.start:p.end]: p.kind for p in a.paragraphs}
    assert kinds == {"Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 15 (*)": "heading",
                     PAGE.split("\n")[3]: "body", "Toàn cảnh hội nghị.": "caption",
                     "Hội nghị đã thống nhất các nhiệm vụ trọng tâm 6 tháng cuối năm.": "body"}
    body = a.body_sentences()
    assert [text[a.sentences[i].start:a.sentences[i].end] for i in body] == [
        "Sáng 12/7, Ban Chấp hành Đảng bộ tỉnh khai mạc Hội nghị lần thứ 15.",
        "Hội nghị đánh giá tình hình 6 tháng đầu năm.",
        "Hội nghị đã thống nhất các nhiệm vụ trọng tâm 6 tháng cuối năm."]
    meta = lib.get("trang")
    assert (meta.sentences, meta.body_sentences) == (len(a.sentences), 3) and meta.sentences == 5
    assert a.body_count(a.to_dict()) == 3  # the same count from the cache's form
    assert meta.title == "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 15"


def test_show_json_lists_removed_lines_and_kinds(home, tmp_path):
    _import(home, tmp_path)
    res = CliRunner().invoke(main, ["--home", str(home), "show", "trang", "--json"],
                             catch_exceptions=False)
    rec = orjson.loads(res.stdout)
    assert rec["removed"] == [
        {"line": "Chính trị", "reason": "section label"},
        {"line": "Thứ Tư, 08/04/2015, 08:11 [GMT+7]", "reason": "publication dateline"},
        {"line": "b9dbf9c1e3a24f0b8d2e-1701523185.jpg", "reason": "image file name"},
        {"line": "Thu Hằng", "reason": "byline"}]
    kinds = [(rec["text"][p["start"]:p["end"]], p["kind"]) for p in rec["paragraphs"]]
    assert ("Toàn cảnh hội nghị.", "caption") in kinds and kinds[0][1] == "heading"
    for line in rec["removed"]:
        assert line["line"] not in rec["text"]
    # a file shown without importing it says the same
    shown = orjson.loads(CliRunner().invoke(
        main, ["--home", str(home), "show", str(tmp_path / "trang.txt"), "--json"]).stdout)
    assert shown["removed"] == rec["removed"] and shown["paragraphs"] == rec["paragraphs"]


def test_stats_count_body_sentences(home, tmp_path):
    _import(home, tmp_path)
    from annotations.store import AnnotationStore, Selection

    lib = Library(home)
    report = lib.open("trang")
    spans = tuple((s.start, s.end) for s in report.analysis.sentences)
    with AnnotationStore(home, annotator="an") as store:
        store.tag(Selection("trang", spans, 1, 1, report.meta.sha256), "achievement")
    res = CliRunner().invoke(main, ["--home", str(home), "stats"], catch_exceptions=False)
    assert "1/3 sent" in res.stdout  # of the three body sentences, not the five


def test_an_old_catalogue_row_counts_all_its_sentences():
    old = {"id": "r", "title": "T", "date": None, "date_source": "unknown", "sentences": 7,
           "sha256": "0" * 64}
    meta = ReportMeta.from_dict(old)
    assert (meta.body_sentences, meta.removed) == (7, [])
    assert ReportMeta.from_dict({**old, "body_sentences": 4}).body_sentences == 4
    for bad in ("4", True, -1, 8):  # a damaged row: all sentences count, nothing breaks
        assert ReportMeta.from_dict({**old, "body_sentences": bad}).body_sentences == 7
    assert ReportMeta.from_dict({**old, "removed": [["x"]]}).removed == []
