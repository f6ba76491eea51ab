import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty baocao home."""
    h = tmp_path / "home"
    h.mkdir()
    return h
