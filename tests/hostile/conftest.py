"""The hostile suite: every attack generated at test time, each bounded in time.
Pilot helpers come from tests/tui (pilot_support)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tui"))
