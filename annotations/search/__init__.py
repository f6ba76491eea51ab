"""Search across the library: a sentence-level FTS5 index (index.py) and the
query syntax (query.py). Above the store and the library, which it reads."""
from .index import Hit, SearchIndex, Tag, Tagged, matching, reindex, search, tagged

__all__ = ["Hit", "SearchIndex", "Tag", "Tagged", "matching", "reindex", "search", "tagged"]
