"""Where a baocao home lives and what is inside it."""
from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

APP_NAME = "baocao"


def resolve_home(home: str | os.PathLike | None = None) -> Path:
    """--home, else $BAOCAO_HOME, else the platform's user data dir."""
    if home is None:
        home = os.environ.get("BAOCAO_HOME") or None
    if home is None:
        from platformdirs import user_data_dir

        home = user_data_dir(APP_NAME, appauthor=False)
    path = Path(home).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def seeds_dir() -> Path:
    """The bundled sample reports: inside the wheel, or ../seeds in a checkout."""
    packaged = resources.files("annotations") / "_seeds"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "seeds"
