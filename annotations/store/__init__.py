"""The annotation store: analysts' labels on passages, in TinyDB (docs/store.md)."""
from ..errors import ConfigError, CorruptDatabase, StoreError, StoreLocked, UnknownLabel
from .labels import DEFAULT_LABELS, Label
from .migrate import SCHEMA
from .store import Annotation, AnnotationStore, Passage, now_iso, shard_name, summarize

__all__ = [
    "AnnotationStore", "Annotation", "Passage", "Label", "DEFAULT_LABELS", "StoreError",
    "StoreLocked", "CorruptDatabase", "UnknownLabel", "ConfigError", "SCHEMA", "now_iso",
    "shard_name", "summarize",
]
