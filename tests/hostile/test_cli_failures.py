"""Failures on the command line are one line (`baocao: ...`) and exit 1, never
a traceback: a corrupt shard under `show`, a full disk under a write."""
import errno

import pytest
from click.testing import CliRunner

from annotations.corpus.library import Library
from annotations.store import AnnotationStore, shard_name
from annotations.store.shardset import ShardSet
from tui.cli import main


def run(home, *args):
    return CliRunner().invoke(main, ["--home", str(home), *map(str, args)])


def one_line_failure(res) -> str:
    assert res.exit_code == 1, res.output
    assert "Traceback" not in res.output and res.exception is None or isinstance(res.exception, SystemExit)
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert lines and lines[0].startswith("baocao: ")
    return lines[0]


@pytest.mark.parametrize("json", [True, False])
def test_show_on_a_report_with_a_corrupt_shard(seeded_home, json):
    rid = Library(seeded_home).reports()[0].id
    AnnotationStore(seeded_home).close()
    shard = seeded_home / "annotations" / "reports" / shard_name(rid)
    shard.write_bytes(b"[1, 2")
    line = one_line_failure(run(seeded_home, "show", rid, *(["--json"] if json else [])))
    assert str(shard) in line and "not valid JSON" in line


def test_a_full_disk_during_a_write_is_one_line(seeded_home, monkeypatch):
    rid = Library(seeded_home).reports()[0].id

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device", "shard.json")

    monkeypatch.setattr(ShardSet, "apply", full)
    line = one_line_failure(run(seeded_home, "done", rid))
    assert "No space left on device" in line
