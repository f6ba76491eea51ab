"""`baocao import --scheduler`: a Dask LocalCluster import gives the same
catalogue and analyses as the local one; the home is written by the client only."""
import shutil
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from tui.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(home: Path, *args: str):
    return CliRunner().invoke(main, ["--home", str(home), *args])


def catalogue(home: Path) -> list[dict]:
    rows = [orjson.loads(line) for line in run(home, "list", "--json").stdout.splitlines()]
    return rows


def analyses(home: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((home / "cache" / "analysis").glob("*.json"))}


def test_a_local_cluster_import_equals_the_local_import(tmp_path):
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    src = tmp_path / "src"
    shutil.copytree(ROOT / "seeds", src)
    local, remote = tmp_path / "local", tmp_path / "remote"
    res = run(local, "import", str(src), "-j", "1")
    assert res.exit_code == 0, res.output
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                  dashboard_address=None) as cluster:
        res = run(remote, "import", str(src), "--scheduler", cluster.scheduler_address)
    assert res.exit_code == 0, res.output
    assert "imported 5" in res.output
    assert catalogue(remote) == catalogue(local) and len(catalogue(local)) == 5
    assert analyses(remote) == analyses(local) and analyses(local)


def test_an_unreachable_scheduler_is_one_line(tmp_path, seeded_home):
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    src = tmp_path / "one.txt"
    src.write_text(" date 2024-01 \nMột báo cáo mới.\n\nTỉnh đã hoàn thành kế hoạch.\n", encoding="utf-8")
    res = run(seeded_home, "import", str(src), "--scheduler", "tcp://127.0.0.1:9")
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert "Dask scheduler at tcp://127.0.0.1:9" in res.stderr
