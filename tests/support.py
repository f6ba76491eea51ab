"""Paths shared by tests: `from support import SEEDS` (tests/ is on sys.path
because tests/conftest.py lives in a folder without __init__.py; do not import
from `conftest`, several folders have one)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
