"""The hostile suite: every attack generated at test time, each bounded in time.
Pilot helpers come from tests/tui (pilot_support), store helpers from
tests/store (storehelp)."""
import sys
from pathlib import Path

for folder in ("tui", "store"):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / folder))
