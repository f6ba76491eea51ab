"""NLP: canonical text -> Analysis (paragraphs, sentences, tokens, entities).

underthesea is imported only when ``analyze`` runs, so readers of the library
never pay for it.
"""
from .pipeline import PIPELINE_VERSION, align, analyze

__all__ = ["PIPELINE_VERSION", "align", "analyze"]
