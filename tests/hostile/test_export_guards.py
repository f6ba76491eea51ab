"""Guard the home against itself: `export -o` refuses targets inside the home's
data, writes through a symlink (the link stays), refuses what is not a
regular file, keeps the target's permissions, and removes the temp files of
killed exports to the same target."""
import fcntl
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from annotations.corpus.library import Library
from annotations.store import AnnotationStore, Selection, shard_name
from storehelp import bounded, cli, json_lines, synthetic_home

_bounded = bounded(60)


@pytest.fixture
def home(tmp_path):
    h = tmp_path / "home"
    spans = synthetic_home(h, 2, 6)
    lib = Library(h)
    with AnnotationStore(h, annotator="lan") as store:
        for rid, sp in spans.items():
            store.tag(Selection.of(rid, sp, 1, 2, lib.get(rid).sha256), "risk")
    (h / "config.toml").write_text('annotator = "lan"\n', encoding="utf-8")
    return h


def snapshot(root: Path) -> dict[str, bytes | str]:
    out = {}
    for p in sorted(root.rglob("*")):
        rel = str(p.relative_to(root))
        if p.is_symlink():
            out[rel] = "-> " + os.readlink(p)
        elif p.is_file():
            out[rel] = p.read_bytes()
    return out


INSIDE = ["shard", "summary", "marker", "new file in annotations", "new file in the shard folder",
          "index", "a text", "new file in library", "analysis", "cache", "lock", "holder", "config",
          "dotdot"]


def inside_targets(h: Path) -> dict[str, Path]:
    return {
        "shard": h / "annotations" / "reports" / shard_name("r000"),
        "summary": h / "annotations" / "summary.json",
        "marker": h / "annotations" / "store.json",
        "new file in annotations": h / "annotations" / "x.jsonl",
        "new file in the shard folder": h / "annotations" / "reports" / "y.json",
        "index": h / "library" / "catalogue.sqlite",
        "a text": h / "library" / "texts" / "r000.txt",
        "new file in library": h / "library" / "out.jsonl",
        "analysis": next((h / "cache" / "analysis").iterdir()),
        "cache": h / "cache" / "out.jsonl",
        "lock": h / ".lock",
        "holder": h / ".lock.holder",
        "config": h / "config.toml",
        "dotdot": h / "exports" / ".." / "annotations" / "summary.json",
    }


@pytest.mark.parametrize("name", INSIDE)
def test_targets_inside_the_home_data_are_refused(home, tmp_path, name):
    target = inside_targets(home)[name]
    before = snapshot(home)
    res = cli(home, "export", "-o", target)
    assert res.exit_code == 1, res.output
    assert "inside the baocao home's data" in res.output and "nothing was written" in res.output
    assert snapshot(home) == before


def test_links_and_aliases_into_the_home_are_refused(home, tmp_path):
    shard = home / "annotations" / "reports" / shard_name("r000")
    (tmp_path / "link.jsonl").symlink_to(shard)
    (tmp_path / "alias").symlink_to(home / "annotations")  # the folder under another name
    (tmp_path / "chain1").symlink_to(tmp_path / "chain2")
    (tmp_path / "chain2").symlink_to(home / "library" / "catalogue.sqlite")
    before = snapshot(home)
    for target in (tmp_path / "link.jsonl", tmp_path / "alias" / "summary.json",
                   tmp_path / "alias" / "new.jsonl", tmp_path / "chain1"):
        res = cli(home, "export", "-o", target)
        assert res.exit_code == 1 and "inside the baocao home's data" in res.output, target
    assert snapshot(home) == before
    assert (tmp_path / "link.jsonl").is_symlink()


def test_the_home_itself_bind_mounted_elsewhere_is_refused(home, tmp_path):
    alias = tmp_path / "bind"
    alias.mkdir()
    if subprocess.run(["mount", "--bind", str(home), str(alias)], capture_output=True,
                      timeout=20).returncode != 0:
        pytest.skip("cannot bind-mount here (no root / CAP_SYS_ADMIN)")
    try:
        before = snapshot(home)
        res = cli(home, "export", "-o", alias / "annotations" / "summary.json")
        assert res.exit_code == 1 and "inside the baocao home's data" in res.output
        assert snapshot(home) == before
    finally:
        subprocess.run(["umount", "-l", str(alias)], capture_output=True, timeout=20)


def test_targets_in_the_home_outside_its_data_are_fine(home):
    for target in (home / "exports" / "a.jsonl", home / "b.jsonl"):
        res = cli(home, "export", "-o", target)
        assert res.exit_code == 0, res.output
        assert len(json_lines(target.read_bytes())) == 2


def test_a_symlink_target_is_written_through_and_stays_a_link(home, tmp_path):
    real = tmp_path / "data" / "train.jsonl"
    real.parent.mkdir()
    real.write_text("old\n")
    os.chmod(real, 0o600)
    link = tmp_path / "train.jsonl"
    link.symlink_to(real)
    res = cli(home, "export", "-o", link)
    assert res.exit_code == 0, res.output
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert len(json_lines(real.read_bytes())) == 2
    assert stat.S_IMODE(real.stat().st_mode) == 0o600  # its permissions are kept
    dangling = tmp_path / "new.jsonl"
    dangling.symlink_to(tmp_path / "data" / "created.jsonl")
    assert cli(home, "export", "-o", dangling).exit_code == 0
    assert dangling.is_symlink() and len(json_lines((tmp_path / "data" / "created.jsonl").read_bytes())) == 2


@pytest.mark.parametrize("kind", ["fifo", "devnull", "socket-dir"])
def test_targets_that_are_not_regular_files_are_refused(home, tmp_path, kind):
    if kind == "fifo":
        target = tmp_path / "pipe.jsonl"
        os.mkfifo(target)
    elif kind == "devnull":
        target = tmp_path / "null.jsonl"
        target.symlink_to("/dev/null")
    else:
        target = tmp_path / "dir.jsonl"
        target.mkdir()
        target = tmp_path / "link-to-dir.jsonl"
        target.symlink_to(tmp_path / "dir.jsonl")
    res = cli(home, "export", "-o", target)  # within the alarm: never opened for writing
    assert res.exit_code != 0 and ("not a regular file" in res.output or "folder" in res.output
                                   or "directory" in res.output), res.output
    if kind == "fifo":
        assert target.is_fifo()
    if kind == "devnull":
        assert target.is_symlink() and Path("/dev/null").is_char_device()


KILLED = textwrap.dedent("""
    import sys, time
    import annotations.interchange.export as E
    from tui.cli import main
    real = E.write_jsonl
    def slow(records, out):
        out.write(b"x" * 100000)
        out.flush()
        sys.stdout.write("writing\\n"); sys.stdout.flush()
        time.sleep(60)
    E.write_jsonl = slow
    main(["--home", sys.argv[1], "export", "-o", sys.argv[2]])
""")


def test_temp_files_of_killed_exports_are_removed_by_the_next_one(home, tmp_path):
    out = tmp_path / "out.jsonl"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    for _ in range(3):  # three exports killed mid-write
        child = subprocess.Popen([sys.executable, "-c", KILLED, str(home), str(out)],
                                 stdout=subprocess.PIPE, env=env)
        assert child.stdout.readline() == b"writing\n"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=20)
        child.stdout.close()
    temps = sorted(p.name for p in tmp_path.glob(".out.jsonl.*.tmp"))
    assert len(temps) == 1 and not out.exists()  # each export removed the one killed before it
    assert (tmp_path / temps[0]).stat().st_size >= 100000
    unrelated = [tmp_path / ".out.jsonl.backup.tmp", tmp_path / ".other.jsonl.abcdefgh.tmp"]
    for p in unrelated:
        p.write_text("keep")
    live = tmp_path / ".out.jsonl.live1234.tmp"  # a running export's temp file (flock held)
    live.write_text("")
    fd = os.open(live, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        t0 = time.monotonic()
        res = cli(home, "export", "-o", out)
        assert res.exit_code == 0 and time.monotonic() - t0 < 20
    finally:
        os.close(fd)
    left = sorted(p.name for p in tmp_path.glob(".*.tmp"))
    assert left == sorted([live.name] + [p.name for p in unrelated])
    assert len(json_lines(out.read_bytes())) == 2
