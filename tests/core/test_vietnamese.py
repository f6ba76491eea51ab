"""Accent folding for search and the syllable check used by the decoder."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotations.text.vietnamese import fold, fold_index, is_syllable

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.mark.parametrize("text,folded", [
    ("xóa nhà tạm", "xoa nha tam"),
    ("xoá nhà tạm", "xoa nha tam"),
    ("XOÁ NHÀ TẠM", "xoa nha tam"),
    ("Đảng Cộng sản Việt Nam", "dang cong san viet nam"),
    ("Ủy ban", "uy ban"),
    ("Uỷ ban", "uy ban"),
    ("Nghị quyết số 18-NQ/TW", "nghi quyet so 18-nq/tw"),
    ("ươ ƯƠ ă Ă â Â", "uo uo a a a a"),
])
def test_fold(text, folded):
    assert fold(text) == folded
    assert fold(unicodedata.normalize("NFD", text)) == folded


def test_fold_makes_search_find_every_spelling():
    haystack = fold("Chương trình xóa nhà tạm; phong trào xoá nhà tạm, nhà dột nát")
    assert haystack.count(fold("xoa nha tam")) == 2


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_fold_index_maps_matches_back(form):
    text = unicodedata.normalize(form, "Phong trào xoá nhà tạm, nhà dột nát được đẩy mạnh.")
    folded, starts = fold_index(text)
    assert folded == fold(text) and len(starts) == len(folded) + 1
    a = folded.index("nha tam")
    b = a + len("nha tam")
    assert unicodedata.normalize("NFC", text[starts[a]:starts[b]]) == "nhà tạm"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_property_fold_index_spans_slice_back(text):
    folded, starts = fold_index(text)
    assert folded == fold(text)
    assert starts == sorted(starts) and starts[-1] == len(text)
    for j, ch in enumerate(folded):  # folded char j comes from the source char at starts[j]
        assert ch in fold(text[starts[j]])


def test_fold_has_no_diacritics_left_on_seeds():
    for path in SEEDS.glob("*.txt"):
        folded = fold(path.read_text(encoding="utf-8"))
        letters = {ch for ch in folded if ch.isalpha()}
        assert letters <= set("abcdefghijklmnopqrstuvwxyz"), letters - set("abcdefghijklmnopqrstuvwxyz")


def test_every_seed_word_with_diacritics_is_a_syllable():
    """The decoder relies on this: real Vietnamese scores near 100%."""
    words = [w for p in SEEDS.glob("*.txt")
             for w in re.findall(r"[^\W\d_]+", p.read_text(encoding="utf-8")) if not w.isascii()]
    bad = [w for w in words if not is_syllable(w)]
    assert len(words) > 4000 and len(bad) <= 2, bad  # "Hànộimới" is a name run together


@pytest.mark.parametrize("word", ["nghiêng", "khuỷu", "giữ", "quốc", "thuở", "oẳn", "yêu",
                                  "Đường", "NGHỊ", "gì", "xoong", "uỵch", "khuya"])
def test_syllables(word):
    assert is_syllable(word)
    assert is_syllable(unicodedata.normalize("NFD", word))


@pytest.mark.parametrize("word", ["été", "très", "où", "déjà", "première", "Ärger", "café",
                                  "áà", "ñam", "thànhh", "façade"])
def test_not_syllables(word):
    assert not is_syllable(word)
