"""The command line as scripts and first-time users meet it: help, a first
run, import --json, closed pipes, plain show."""
from __future__ import annotations

import re
import subprocess
import sys

import click
import orjson
import pytest
from click.testing import CliRunner

from annotations.corpus.library import Library
from annotations.store import AnnotationStore, Selection
from support import ROOT
from tui.cli import main


def run(*args, home=None):
    argv = (["--home", str(home)] if home else []) + [str(a) for a in args]
    return CliRunner().invoke(main, argv, catch_exceptions=False)


def lines(out: str | bytes) -> list[dict]:
    return [orjson.loads(x) for x in out.splitlines() if x.strip()]


def test_list_on_an_empty_home_says_how_to_add_reports(home):
    for args in (["list"], ["list", "--json"]):
        res = run(*args, home=home)
        assert res.exit_code == 0 and res.stdout == ""  # stdout stays data
        assert "baocao import PATH" in res.stderr and "baocao import --samples" in res.stderr


def test_help_short_and_long_and_the_tui():
    for flag in ("-h", "--help"):
        res = run(flag)
        assert res.exit_code == 0
        assert "`baocao` alone opens the reader" in " ".join(res.stdout.split())
        assert run("export", flag).exit_code == 0 and "--by NAME" in run("export", flag).stdout


def test_every_option_has_help():
    missing = []

    def walk(cmd, path):
        for p in cmd.params:
            if isinstance(p, click.Option) and not p.hidden and not p.help:
                missing.append((path, p.opts))
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, f"{path} {name}")

    walk(main, "baocao")
    assert missing == []


def test_import_json_one_line_per_file_then_the_summary(home, tmp_path):
    bad = tmp_path / "in" / "empty.txt"
    bad.parent.mkdir()
    bad.write_bytes(b"")
    res = run("import", "--samples", bad.parent, "--json", "-j", "1", home=home)
    rows = lines(res.stdout)
    files, summary = rows[:-1], rows[-1]
    assert summary == {"kind": "summary", "imported": 5, "updated": 0, "unchanged": 0,
                       "duplicates": 0, "skipped": 1, "interrupted": False}
    assert all(list(r) == ["kind", "id", "status", "source", "reason"] for r in files)
    ok = [r for r in files if r["status"] == "imported"]
    assert len(ok) == 5 and all(r["source"].endswith(".txt") and r["reason"] is None for r in ok)
    [failed] = [r for r in files if r["status"] in ("failed", "skipped")]
    assert failed["id"] is None and failed["source"].endswith("empty.txt") and "empty" in failed["reason"]
    assert "imported 5," in res.stderr  # the human summary stays on stderr
    again = lines(run("import", "--samples", "--json", home=home).stdout)
    assert [r["status"] for r in again[:-1]] == ["unchanged"] * 5
    assert {r["id"] for r in again[:-1]} == {r["id"] for r in ok}


def test_import_needs_a_path_or_samples(home):
    res = run("import", home=home)
    assert res.exit_code == 2 and "--samples" in res.output


@pytest.mark.parametrize("args", [["list"], ["list", "--json"], ["show", "000_04edcb8ab5506732"],
                                  ["show", "000_04edcb8ab5506732", "--plain"],
                                  ["show", "000_04edcb8ab5506732", "--json"], ["stats"],
                                  ["stats", "--json"], ["export"], ["--help"], ["search", "Đảng"],
                                  ["search", "Đảng", "--json"], ["agreement"], ["timeline"], ["entities"],
                                  ["suggest", "000_04edcb8ab5506732"],
                                  ["correct", "000_04edcb8ab5506732", "--list"]])
def test_a_closed_pipe_exits_0(seeded_home, args):
    """`baocao list | head -1`: the reader is gone before the first write."""
    cmd = [sys.executable, "-c", "from tui.cli import main; main()", "--home", str(seeded_home),
           "--annotator", "lan", *args]
    lib = Library(seeded_home)
    with AnnotationStore(seeded_home, annotator="lan") as store:  # something to export
        for m in lib.reports():
            store.tag(Selection.of(m.id, lib.analysis(m.id).sentences, 0, 0, m.sha256), "task")
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # before the interpreter has even started
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, err
    assert "Traceback" not in err and "Exception ignored" not in err


def test_show_plain_marks_entities(seeded_home):
    rid = "000_04edcb8ab5506732"
    record = orjson.loads(run("show", rid, "--json", home=seeded_home).stdout)
    res = run("show", rid, "--plain", home=seeded_home)
    assert res.exit_code == 0 and "\x1b[" not in res.stdout
    marks = re.findall(r"\[([A-Z]+) ([^\]]+)\]", res.stdout)
    text = record["text"]
    want = [(e["label"], text[e["start"]:e["end"]]) for e in sorted(record["entities"], key=lambda e: e["start"])]
    assert marks == want and len(marks) > 5
    body = re.sub(r"\[[A-Z]+ ([^\]]+)\]", r"\1", res.stdout).split("\n", 1)[1]
    assert body.split() == " ".join(text[p["start"]:p["end"]] for p in record["paragraphs"]).split()
