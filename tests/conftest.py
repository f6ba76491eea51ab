import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from support import ROOT, SEEDS  # noqa: F401  (re-exported for old imports)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty baocao home."""
    h = tmp_path / "home"
    h.mkdir()
    return h


@pytest.fixture(scope="session")
def _seeded_template(tmp_path_factory) -> Path:
    from annotations.corpus.library import Library

    h = tmp_path_factory.mktemp("seeded") / "home"
    summary = Library(h).import_paths([SEEDS], workers=1)
    assert len(summary.imported) == 5, summary
    return h


@pytest.fixture
def seeded_home(_seeded_template: Path, tmp_path: Path) -> Path:
    """A home holding the five seed reports (analysed once per test session)."""
    import shutil

    h = tmp_path / "seeded-home"
    shutil.copytree(_seeded_template, h)
    return h
