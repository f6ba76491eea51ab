"""Report dates. PLACEHOLDER: header only; the grammar replaces this."""
from __future__ import annotations


def find_date(text: str, header: str | None = None) -> tuple[str | None, str]:
    """Return (ISO date at known precision or None, date_source)."""
    if header:
        return header, "header"
    return None, "unknown"
