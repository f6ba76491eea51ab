"""`make bench` is not run by CI: at least every benchmark must still import
(a moved core module once broke them without any test noticing)."""
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.mark.parametrize("name", sorted(p.stem for p in BENCH.glob("*.py")))
def test_benchmark_imports(name):
    code = f"import sys; sys.path.insert(0, {str(BENCH)!r}); import {name}"
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
