"""Decoded text -> canonical text. PLACEHOLDER: NFC and blank-line paragraphs;
the real cleaner (web noise, header, byline, control codes) replaces this."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

HEADER_RE = re.compile(r"^\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)\s+")


class CleanError(ValueError):
    """Nothing usable is left; the message is the reason."""


@dataclass(slots=True)
class Cleaned:
    text: str  # canonical: one paragraph per line, paragraphs joined by "\n\n"
    title: str
    header_date: str | None = None  # from a leading " date YYYY-MM[-DD] " header
    byline: str = ""  # "Theo TTXVN" -> "TTXVN"
    removed: list[tuple[str, str]] = field(default_factory=list)  # (line, reason)


def clean(raw: str) -> Cleaned:
    raw = unicodedata.normalize("NFC", raw)
    header = None
    m = HEADER_RE.match(raw)
    if m:
        header, raw = m.group(1), raw[m.end():]
    lines = [ln.strip() for ln in raw.splitlines() if ln.strip()]
    if not lines:
        raise CleanError("no text left after cleaning")
    return Cleaned("\n\n".join(lines), lines[0][:80], header)
