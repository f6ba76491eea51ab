"""underthesea's model files, found inside the installed package (never
downloaded), and what each model needs to run.

The pin in pyproject.toml (underthesea==9.5.0, underthesea_core==3.3.2) and
tests/nlp/test_tagger_identical.py (hashes of these files and of the template
lists) make sure an upgrade cannot change the tags silently.
"""
from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from underthesea_core import CRFTagger

from .crfsuite import attributes


@cache
def package_dir() -> Path:
    spec = importlib.util.find_spec("underthesea")
    if spec is None or spec.origin is None:
        raise ImportError("underthesea is not installed")
    return Path(spec.origin).parent


def _pipeline(*parts: str) -> Path:
    return package_dir().joinpath("pipeline", *parts)


WORD_SEGMENTATION = ("word_tokenize", "models", "ws_crf_vlsp2013_20230727")
FILES = {  # name -> path inside underthesea/pipeline
    "ws_model": (*WORD_SEGMENTATION, "models.bin"),
    "ws_features": (*WORD_SEGMENTATION, "features.bin"),
    "ws_dictionary": (*WORD_SEGMENTATION, "dictionary.bin"),
    "pos_model": ("pos_tag", "pos_crf_2017_10_11.bin"),
    "chunk_model": ("chunking", "chunk_crf_2017_10_12.bin"),
    "ner_model": ("ner", "ner_crf_2017_10_12.bin"),
    "text_normalize_rules": ("text_normalize", "tn_rules_2023_07_14.bin"),
}


def path(name: str) -> Path:
    return _pipeline(*FILES[name])


@dataclass(frozen=True)
class Model:
    tagger: CRFTagger
    attributes: frozenset[str]


def load(name: str) -> Model:
    p = str(path(name))
    tagger = CRFTagger()
    tagger.load(p)
    return Model(tagger, attributes(p))


def joblib_load(name: str):
    import joblib  # underthesea's own dependency, as it loads these files

    return joblib.load(path(name))
