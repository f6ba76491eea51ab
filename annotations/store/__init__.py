"""The annotation store: analysts' labels on passages, in TinyDB (docs/store.md)."""
from ..errors import ConfigError, CorruptDatabase, StoreError, StoreLocked, UnknownLabel
from .labels import DEFAULT_LABELS, Label
from .migrate import SCHEMA
from .records import Annotation, Passage, now_iso, passage_key
from .shardset import shard_name
from .store import AnnotationStore
from .summary import summarize

__all__ = [
    "AnnotationStore", "Annotation", "Passage", "Label", "DEFAULT_LABELS", "StoreError",
    "StoreLocked", "CorruptDatabase", "UnknownLabel", "ConfigError", "SCHEMA", "now_iso",
    "passage_key", "shard_name", "summarize",
]
