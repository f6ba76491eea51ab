"""Bytes -> str. PLACEHOLDER: utf-8 only; the full detector (BOMs, CP1258,
TCVN3, VNI) replaces this."""
from __future__ import annotations


class DecodeError(ValueError):
    """The bytes are not text we can decode; the message is the reason."""


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Raise DecodeError with a one-line reason."""
    if not data.strip():
        raise DecodeError("empty file")
    if b"\x00" in data:
        raise DecodeError("binary data (NUL bytes)")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        raise DecodeError("bytes are not in a supported encoding") from exc
