"""The annotation store: analysts' decisions on sentences, in TinyDB (docs/store.md)."""
from ..errors import ConfigError, CorruptDatabase, StoreError, StoreLocked, UnknownLabel
from .labels import DEFAULT_LABELS, Label
from .migrate import SCHEMA
from .records import Annotation, Change, Selection, now_iso, passage_key
from .shards import StoreWriteError
from .shardset import shard_name
from .store import AnnotationStore
from .summary import summarize

__all__ = [
    "AnnotationStore", "Annotation", "Change", "Selection", "Label", "DEFAULT_LABELS", "StoreError",
    "StoreLocked", "StoreWriteError", "CorruptDatabase", "UnknownLabel", "ConfigError", "SCHEMA",
    "now_iso",
    "passage_key", "shard_name", "summarize",
]
