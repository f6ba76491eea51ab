"""Annotation commands: export, import-annotations, stats. PLACEHOLDER."""
from __future__ import annotations

import click


def register(group: click.Group) -> None:
    """Add the annotation commands to the `baocao` group."""
