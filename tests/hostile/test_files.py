"""Files that are not what their name says: FIFOs, sockets, devices (also
through symlinks), /proc files, files over the size limit, JSONL fields of
the wrong type, the home inside the imported folder, a corrupt index. Each
case is made at test time and run through `baocao` in a subprocess that is
killed after a timeout and limited in memory, so a regression fails fast."""
from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import orjson
import pytest
from hostile_import import baocao, index_problems, leftovers, patch_nlp

GOOD = "Hội nghị đã họp và thống nhất nhiều nội dung quan trọng.\n"


def src_with_good(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "good.txt").write_text(GOOD, encoding="utf-8")
    return src


def skip_lines(res) -> list[str]:
    return [ln for ln in res.stderr.splitlines() if ln.startswith("skipped ")]


def assert_clean_output(res) -> None:
    assert "Traceback" not in res.stderr, res.stderr[-3000:]
    assert "\x1b" not in res.stderr + res.stdout


@pytest.mark.parametrize("name", ["pipe.txt", "pipe.jsonl"])
def test_a_fifo_is_skipped_without_blocking(home, tmp_path, name):
    src = src_with_good(tmp_path)
    os.mkfifo(src / name)
    res = baocao(home, "import", src, timeout=60)
    assert_clean_output(res)
    assert res.returncode == 1
    [line] = skip_lines(res)
    assert name in line and "named pipe (FIFO)" in line
    assert "imported 1," in res.stderr
    # show PATH reads the file without importing it: a FIFO is refused, never opened for reading
    res = baocao(home, "show", src / name, timeout=60)
    assert res.returncode == 1 and "named pipe" in res.stderr and "Traceback" not in res.stderr


def test_a_fifo_behind_a_symlink_and_a_socket_are_skipped(home, tmp_path):
    src = src_with_good(tmp_path)
    os.mkfifo(tmp_path / "elsewhere")
    (src / "link.txt").symlink_to(tmp_path / "elsewhere")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(str(src / "sock.md"))
    except OSError as exc:  # a path too long for AF_UNIX
        pytest.skip(f"cannot make a socket here: {exc}")
    try:
        res = baocao(home, "import", src, timeout=60)
    finally:
        sock.close()
    assert_clean_output(res)
    lines = skip_lines(res)
    assert len(lines) == 2 and res.returncode == 1
    assert any("link.txt" in ln and "named pipe" in ln and "symlink" in ln for ln in lines)
    assert any("sock.md" in ln and "a socket" in ln for ln in lines)


def test_a_symlink_to_dev_zero_is_skipped_at_once(home, tmp_path):
    src = src_with_good(tmp_path)
    (src / "zero.txt").symlink_to("/dev/zero")
    t0 = time.monotonic()
    res = baocao(home, "import", src, timeout=60, memory_mb=1024)
    assert time.monotonic() - t0 < 30
    assert_clean_output(res)
    [line] = skip_lines(res)
    assert "zero.txt" in line and "character device" in line and "/dev/zero" in line
    assert "imported 1," in res.stderr


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="no /proc here")
def test_proc_files_are_skipped(home, tmp_path):
    src = src_with_good(tmp_path)
    (src / "status.txt").symlink_to("/proc/self/status")
    (src / "kmsg.txt").symlink_to("/proc/kmsg")  # a read of it waits for kernel messages
    res = baocao(home, "import", src, timeout=60)
    assert_clean_output(res)
    lines = skip_lines(res)
    assert any("status.txt" in ln and "pseudo-file" in ln for ln in lines)
    assert all("kmsg.txt" not in ln or "pseudo-file" in ln or "cannot read" in ln or "no such" in ln
               for ln in lines)
    assert [m["id"] for m in map(orjson.loads, baocao(home, "list", "--json").stdout.splitlines())] \
        == ["good"]


def test_a_file_swapped_for_a_fifo_after_stat_is_caught_by_fstat(tmp_path, monkeypatch):
    """stat said "regular file" (a race: the file was replaced since): the
    non-blocking open and fstat catch it before any read."""
    import signal

    from annotations.corpus import ingest

    fifo = tmp_path / "swap.txt"
    os.mkfifo(fifo)
    regular = os.stat(__file__)
    real_stat = os.stat
    monkeypatch.setattr(ingest.os, "stat", lambda p, *a, **k: regular if Path(p) == fifo
                        else real_stat(p, *a, **k))

    def hung(*_a):
        raise TimeoutError("the read blocked")

    old = signal.signal(signal.SIGALRM, hung)
    signal.alarm(10)
    try:
        [skipped] = list(ingest.read_candidates(fifo))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert isinstance(skipped, ingest.Skipped) and "named pipe" in skipped.reason


def test_a_file_over_the_size_limit_is_refused_before_reading(home, tmp_path):
    src = src_with_good(tmp_path)
    big = src / "big.txt"
    with open(big, "wb") as f:  # sparse: 20 MB + 1 byte of nothing on disk
        f.truncate(20 * 1024 * 1024 + 1)
    (src / "small.txt").write_text("Quốc hội đã thông qua luật.\n" * 30, encoding="utf-8")
    t0 = time.monotonic()
    res = baocao(home, "import", src, timeout=60, memory_mb=1024)
    assert time.monotonic() - t0 < 30
    assert_clean_output(res)
    [line] = skip_lines(res)
    assert "big.txt" in line and "too big: 20.0 MB" in line and "--max-size" in line
    # the limit is an option: 500 bytes refuses the small file too, 30M lets the big one be read
    res = baocao(home, "import", "--max-size", "500", src / "small.txt", timeout=60)
    size = (src / "small.txt").stat().st_size
    assert res.returncode == 1 and f"too big: {size:,} bytes (the limit is 500 bytes" in res.stderr
    res = baocao(home, "import", "--max-size", "30M", big, timeout=60)
    assert "too big" not in res.stderr and "NUL bytes" in res.stderr  # read (it holds only NULs)
    res = baocao(home, "import", "--max-size", "lots", big, timeout=60)
    assert res.returncode == 2 and "is not a size" in res.stderr


def test_the_library_api_takes_a_size_limit(home, tmp_path, monkeypatch):
    from annotations.corpus.ingest import import_limits
    from annotations.corpus.library import Library

    patch_nlp(monkeypatch)
    f = tmp_path / "r.txt"
    f.write_text(GOOD * 20, encoding="utf-8")
    s = Library(home).import_paths([f], workers=1, max_bytes=100)
    assert "too big" in s.skipped[0].reason and not s.imported
    with import_limits(max_bytes=200):
        assert "too big" in Library(home).import_paths([f], workers=1).skipped[0].reason
    assert Library(home).import_paths([f], workers=1).imported == ["r"]


# ---------------------------------------------------------------- JSONL types

BAD_RECORDS = [
    ({"id": "t1", "text": {"a": 1}}, "field 'text' must be a string, not an object"),
    ({"id": "t2", "text": ["Hội nghị."]}, "field 'text' must be a string, not an array"),
    ({"id": "t3", "text": 42}, "field 'text' must be a string, not a number"),
    ({"id": "t4", "text": None}, "field 'text' must be a string, not null"),
    ({"id": "t5", "text": "Hội nghị.", "title": {"a": 1}}, "field 'title' must be a string, not an object"),
    ({"id": "t6", "text": "Hội nghị.", "title": 3}, "field 'title' must be a string, not a number"),
    ({"id": ["x"], "text": "Hội nghị."}, "field 'id' must be a string or an integer, not an array"),
    ({"id": True, "text": "Hội nghị."}, "field 'id' must be a string or an integer, not a boolean"),
    ({"id": 1.5, "text": "Hội nghị."}, "field 'id' must be a string or an integer, not a number"),
    ({"id": "t7", "text": "Hội nghị.", "date": 2024}, "field 'date' must be a string, not a number"),
    ({"id": "t8", "text": "Hội nghị.", "date": ["2024"]}, "field 'date' must be a string, not an array"),
    (["not", "an", "object"], "record is an array"),
    ("just a string", "record is a string"),
]


def test_jsonl_fields_of_the_wrong_type_refuse_their_line(home, tmp_path):
    f = tmp_path / "batch.jsonl"
    good = [{"id": "ok", "text": "Quốc hội đã họp phiên bế mạc.", "title": None, "date": None},
            {"id": 7, "text": "Ban Bí thư đã làm việc với Tỉnh ủy."}]
    lines = [orjson.dumps(r).decode() for r, _ in BAD_RECORDS] + [orjson.dumps(r).decode() for r in good]
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = baocao(home, "import", f, timeout=60)
    assert_clean_output(res)
    assert res.returncode == 1
    reasons = dict(ln.removeprefix(f"skipped {f}:").split(": ", 1) for ln in skip_lines(res))
    for n, (_rec, reason) in enumerate(BAD_RECORDS, 1):
        assert reason in reasons.get(str(n), ""), (n, reasons.get(str(n)))
    rows = [orjson.loads(ln) for ln in baocao(home, "list", "--json").stdout.splitlines()]
    assert sorted(r["id"] for r in rows) == ["7", "ok"]  # an integer id is its decimal digits
    assert all("{" not in r["title"] for r in rows)


def test_jsonl_fields_are_one_clean_line_and_u2028_is_not_a_line_break(home, tmp_path):
    f = tmp_path / "b.jsonl"
    recs = [{"id": "a\x1b]52;c;cm0=\x07b\u202ec", "text": "Hội nghị đã họp.\u2028Câu hai.",
             "title": "Tiêu\nđề\r\x1b[31m đỏ\x07", "date": "2024-05\n"}]
    f.write_bytes(b"\n".join(orjson.dumps(r) for r in recs))
    res = baocao(home, "import", f, timeout=60)
    assert res.returncode == 0, res.stderr
    [row] = [orjson.loads(ln) for ln in baocao(home, "list", "--json").stdout.splitlines()]
    assert row["id"] == "abc" and row["title"] == "Tiêu đề đỏ" and row["date"] == "2024-05"


# ---------------------------------------------------------------- the home itself

def test_importing_a_folder_that_holds_the_home_skips_the_home(tmp_path):
    outer = tmp_path / "outer"
    outer.mkdir()
    (outer / "good.txt").write_text(GOOD, encoding="utf-8")
    home = outer / "data" / "home"
    home.mkdir(parents=True)
    assert baocao(home, "import", outer).returncode == 0
    (home / "exports").mkdir()
    (home / "exports" / "all.jsonl").write_text(
        orjson.dumps({"id": "junk", "text": "Một bản xuất không phải báo cáo."}).decode(), encoding="utf-8")
    res = baocao(home, "import", outer)
    assert_clean_output(res)
    assert res.returncode == 0, res.stderr  # skipped on purpose: not a failure
    assert any("data/home" in ln and "baocao home" in ln for ln in skip_lines(res))
    ids = [orjson.loads(ln)["id"] for ln in baocao(home, "list", "--json").stdout.splitlines()]
    assert ids == ["good"]
    # a path inside the home named on the command line is refused (a failure: asked for)
    res = baocao(home, "import", home / "exports" / "all.jsonl")
    assert res.returncode == 1 and "inside the baocao home" in res.stderr


# ---------------------------------------------------------------- a corrupt index

def _index(home: Path) -> Path:
    return home / "library" / "index.json"


def _good_record() -> dict:
    return {"id": "r1", "title": "T", "date": "2024", "date_source": "text", "sentences": 1,
            "sha256": "0" * 64, "source_path": "", "source_id": "r1", "byline": "",
            "imported_at": ""}


CORRUPT = {
    "not json": b'{"version": 1, "reports": [',
    "a list": b"[]",
    "reports not a list": b'{"version": 1, "reports": {}}',
    "record not an object": orjson.dumps({"version": 1, "reports": [3]}),
    "sentences a string": orjson.dumps({"version": 1, "reports": [_good_record() | {"sentences": "3"}]}),
    "sentences a boolean": orjson.dumps({"version": 1, "reports": [_good_record() | {"sentences": True}]}),
    "title an object": orjson.dumps({"version": 1, "reports": [_good_record() | {"title": {"a": 1}}]}),
    "id a number": orjson.dumps({"version": 1, "reports": [_good_record() | {"id": 5}]}),
    "id a path": orjson.dumps({"version": 1, "reports": [_good_record() | {"id": "../../etc/x"}]}),
    "text_file a path": orjson.dumps({"version": 1, "reports": [_good_record() | {"text_file": "../x.txt"}]}),
    "bad sha": orjson.dumps({"version": 1, "reports": [_good_record() | {"sha256": "xyz"}]}),
    "missing sha": orjson.dumps({"version": 1, "reports": [{k: v for k, v in _good_record().items()
                                                            if k != "sha256"}]}),
    "twice the same id": orjson.dumps({"version": 1, "reports": [_good_record(), _good_record()]}),
    "unknown version": orjson.dumps({"version": "one", "reports": []}),
}


@pytest.mark.parametrize("case", sorted(CORRUPT))
def test_a_corrupt_index_is_one_line_and_left_alone(home, tmp_path, case):
    _index(home).parent.mkdir(parents=True)
    _index(home).write_bytes(CORRUPT[case])
    for args in (["list"], ["list", "--json"], ["import", src_with_good(tmp_path)]):
        res = baocao(home, *args, timeout=60)
        assert_clean_output(res)
        assert res.returncode == 1 and res.stdout == "", (case, res.stdout, res.stderr)
        first = res.stderr.splitlines()[0]
        assert first.startswith("baocao: library index ") and "corrupt" in first, (case, first)
    assert _index(home).read_bytes() == CORRUPT[case]


def test_an_index_that_is_a_folder_or_newer_is_one_line(home, tmp_path):
    _index(home).mkdir(parents=True)
    res = baocao(home, "list")
    assert_clean_output(res)
    assert res.returncode == 1 and "is a folder" in res.stderr.splitlines()[0]
    _index(home).rmdir()
    _index(home).write_bytes(orjson.dumps({"version": 9, "reports": []}))
    res = baocao(home, "import", src_with_good(tmp_path))
    assert res.returncode == 1 and "newer baocao" in res.stderr
    assert not index_problems(home) and leftovers(home) == []
