"""Folder trees: any depth, file names that are not UTF-8 or hold control
characters and escapes, folders and files that cannot be read. One bad entry
never aborts the rest, and every skip reason is one printable line."""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import orjson
import pytest
from hostile_import import baocao, index_problems, leftovers, patch_nlp

from support import catalogue_rows

GOOD = "Hội nghị đã họp và thống nhất nhiều nội dung quan trọng.\n"


def ids(home: Path) -> list[str]:
    res = baocao(home, "list", "--json")
    assert res.returncode == 0, res.stderr
    return sorted(orjson.loads(ln)["id"] for ln in res.stdout.splitlines())


def printable_lines(text: str) -> None:
    for line in text.splitlines():
        assert line.isprintable(), repr(line)


def test_a_tree_1500_folders_deep_is_walked(home, tmp_path):
    path = tmp_path / "deep"
    path.mkdir()
    for _ in range(1500):  # os.makedirs itself recurses: one level at a time
        path = path / "d"
        path.mkdir()
    (path / "bottom.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "deep" / "top.txt").write_text("Quốc hội đã họp phiên bế mạc.\n", encoding="utf-8")
    try:
        res = baocao(home, "import", tmp_path / "deep", timeout=120)
        assert "Traceback" not in res.stderr and res.returncode == 0, res.stderr[-2000:]
        assert ids(home) == ["bottom", "top"]
    finally:  # pytest's clean-up (shutil.rmtree) recurses: take the tree down from the bottom
        (path / "bottom.txt").unlink()
        (tmp_path / "deep" / "top.txt").unlink()
        while path != tmp_path:
            path.rmdir()
            path = path.parent


def test_file_names_that_are_not_utf8_are_imported_with_printable_ids(home, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "good.txt").write_text(GOOD, encoding="utf-8")
    raw = os.path.join(os.fsencode(src), b"b\xe1o_c\xe1o_\xff.txt")  # Latin-1 bytes, not UTF-8
    with open(raw, "wb") as f:
        f.write("Ban Bí thư đã làm việc với Tỉnh ủy.\n".encode())
    bad = os.path.join(os.fsencode(src), b"empty_\xfe.txt")
    open(bad, "wb").close()
    res = baocao(home, "import", src)
    assert "Traceback" not in res.stderr
    assert res.returncode == 1  # the empty one is skipped; the rest is imported
    printable_lines(res.stderr)
    assert r"empty_\xfe.txt: empty file" in res.stderr
    got = ids(home)
    assert "good" in got and len(got) == 2
    odd = next(i for i in got if i != "good")
    assert odd.isprintable() and odd == r"b_xe1o_c_xe1o__xff"
    # the catalogue holds the names (orjson used to refuse the surrogates and lose the whole import)
    assert sorted(r[0] for r in catalogue_rows(home)) == sorted(got)
    assert baocao(home, "import", src).stderr.count("unchanged 2") == 1  # same identity again
    assert not index_problems(home) and leftovers(home) == []


def test_names_with_newlines_and_escapes_give_one_line_reasons_and_clean_ids(home, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "bad\nname\x1b]0;pwned\x07.txt").write_bytes(b"")
    (src / "r\u202eport\x1b[31m\rred.txt").write_text(GOOD, encoding="utf-8")
    res = baocao(home, "import", src)
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert "\x1b" not in res.stderr and "\x07" not in res.stderr and "\u202e" not in res.stderr
    printable_lines(res.stderr)
    [line] = [ln for ln in res.stderr.splitlines() if ln.startswith("skipped ")]
    assert r"bad\nname\x1b]0;pwned\x07.txt: empty file" in line
    [rid] = ids(home)
    assert rid.isprintable() and rid == "rport_red"


def test_an_unreadable_folder_is_reported_and_the_rest_imported(home, tmp_path, monkeypatch):
    """(Whoever runs the tests: the folder refuses os.scandir here; the next
    test makes a folder really unreadable.)"""
    from annotations.corpus import ingest
    from annotations.corpus.library import Library

    patch_nlp(monkeypatch)
    src = tmp_path / "src"
    (src / "locked").mkdir(parents=True)
    (src / "locked" / "lost.txt").write_text(GOOD, encoding="utf-8")
    (src / "kept.txt").write_text("Quốc hội đã họp phiên bế mạc.\n", encoding="utf-8")
    real = os.scandir

    def scandir(path):
        if Path(path) == src / "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(ingest.os, "scandir", scandir)
    s = Library(home).import_paths([src], workers=1)
    assert s.imported == ["kept"] and s.failed
    assert [str(x) for x in s.skipped] == [f"{src / 'locked'}: cannot read folder: Permission denied"]


def _drop_to_nobody() -> None:
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)


def _import_as(child_setup, home: Path, src: Path) -> dict:
    """Import ``src`` in a forked child after ``child_setup`` (e.g. dropping
    root): the summary as a dict, or {"error": ...}. Bounded by an alarm."""
    from annotations.corpus import ingest  # noqa: F401 - loaded before the fork
    from annotations.corpus.library import Library
    from annotations.text import clean, dates, decode  # noqa: F401

    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 0
        try:
            import signal

            signal.alarm(60)
            os.close(r)
            child_setup()
            s = Library(home).import_paths([src], workers=1)
            out = {"imported": s.imported, "skipped": [str(x) for x in s.skipped], "failed": s.failed}
        except BaseException as exc:  # noqa: BLE001 - reported to the parent
            out, code = {"error": f"{type(exc).__name__}: {exc}"}, 1
        os.write(w, json.dumps(out).encode())
        os._exit(code)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        data = f.read()
    os.waitpid(pid, 0)
    return json.loads(data)


@pytest.fixture
def shared_dir():
    """A folder another user can traverse (pytest's tmp_path is private to its owner)."""
    d = Path(tempfile.mkdtemp(prefix="baocao-perm-"))
    d.chmod(0o755)
    yield d
    for p in [d, *d.rglob("*")]:
        try:
            p.chmod(0o777) if p.is_dir() else None
        except OSError:
            pass
    shutil.rmtree(d, ignore_errors=True)


def test_really_unreadable_folder_and_file(shared_dir, monkeypatch):
    """chmod 000 on a folder and a file; as root (whom chmod does not stop) the
    import runs in a child that dropped to the user nobody."""
    patch_nlp(monkeypatch)  # the fork inherits the stand-in NLP
    src = shared_dir / "src"
    (src / "locked").mkdir(parents=True)
    (src / "locked" / "lost.txt").write_text(GOOD, encoding="utf-8")
    (src / "kept.txt").write_text("Quốc hội đã họp phiên bế mạc.\n", encoding="utf-8")
    (src / "secret.txt").write_text("Ban Bí thư đã làm việc.\n", encoding="utf-8")
    home = shared_dir / "home"
    home.mkdir()
    home.chmod(0o777)
    for p in (src, shared_dir):
        p.chmod(0o755)
    (src / "locked").chmod(0)
    (src / "secret.txt").chmod(0)
    if os.geteuid() == 0:
        setup = _drop_to_nobody
    else:
        setup = lambda: None  # noqa: E731
    try:
        out = _import_as(setup, home, src)
    finally:
        (src / "locked").chmod(0o755)
    if "error" in out and "Operation not permitted" in out["error"]:
        pytest.skip(f"cannot drop root here: {out['error']}")
    assert "error" not in out, out
    assert out["imported"] == ["kept"] and out["failed"]
    assert sorted(out["skipped"]) == sorted([f"{src / 'locked'}: cannot read folder: Permission denied",
                                             f"{src / 'secret.txt'}: cannot read: Permission denied"])
