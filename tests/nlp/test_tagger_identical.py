"""Our tagger (annotations.nlp.tagger) gives exactly underthesea.ner()'s tags:
(word, POS, chunk, NER) on every sentence of the seeds, on a generated corpus
and on random Vietnamese-like sentences; and the models and templates it
depends on are the ones it was checked against (hashes), so an upgrade of
underthesea cannot change the tags silently."""
from __future__ import annotations

import hashlib
import importlib.metadata
import random
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotations.nlp import pipeline, tagger
from annotations.nlp.tagger import crfsuite, models, templates
from annotations.text.clean import clean
from annotations.text.vietnamese import fold_tones
from support import SEEDS

underthesea = pytest.importorskip("underthesea")


def seed_sentences() -> list[str]:
    """Every sentence of the seeds, as the pipeline splits them."""
    out = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = clean(path.read_text(encoding="utf-8")).text
        folded = pipeline.Folded(text)
        for m in re.finditer(r"[^\n]+", text):
            spans = pipeline._sentences(text, m.start(), m.end(), underthesea.sent_tokenize, folded)
            out += [text[s:e] for s, e in spans]
    return out


def expected(sentence: str):
    """underthesea.ner(sentence), or the exception it raises."""
    try:
        return underthesea.ner(sentence)
    except Exception as exc:  # noqa: BLE001 - then ours must fail the same way
        return exc


def same(sentence: str) -> None:
    want = expected(sentence)
    if isinstance(want, Exception):
        with pytest.raises(type(want)):
            tagger.ner(sentence)
        return
    assert tagger.ner(sentence) == want, sentence
    assert tagger.ner(sentence, chunk=False) == [(w, p, "", n) for w, p, _, n in want]


def same_batch(sentences: list[str]) -> None:
    """ner_many (one pass of feature extraction for all) gives each sentence's tags."""
    got = tagger.ner_many(sentences)
    assert len(got) == len(sentences)
    for s, g in zip(sentences, got):
        want = expected(s)
        if isinstance(want, Exception):
            assert isinstance(g, type(want)), s
        else:
            assert g == want, s


def test_seed_sentences():
    sentences = seed_sentences()
    assert len(sentences) > 100
    for s in sentences:
        same(s)
    same_batch(sentences)


_OLD = {"òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ", "ùy": "uỳ", "úy": "uý", "ủy": "uỷ", "ũy": "uỹ"}


def generated_corpus(n: int = 160, seed: int = 3) -> list[str]:
    """Seed sentences rewritten the ways reports differ: other figures and
    dates, upper case, lower case, old tone marks, NFD, web punctuation,
    sentences joined into long ones, words shuffled."""
    rnd = random.Random(seed)
    base = seed_sentences()
    out = []
    for _ in range(n):
        s = rnd.choice(base)
        how = rnd.randrange(9)
        if how == 0:
            s = re.sub(r"\d+", lambda m: str(rnd.randint(0, 10 ** rnd.randint(1, 7))), s)
        elif how == 1:
            s = s.upper()
        elif how == 2:
            s = s.lower()
        elif how == 3:
            s = re.sub("|".join(_OLD), lambda m: _OLD[m.group()], fold_tones(s))
        elif how == 4:
            s = unicodedata.normalize("NFD", s)
        elif how == 5:
            s = f"“{s}” ({rnd.choice(base)[:30]}) – Xem thêm… 0:00 / 0:00 TP.HCM, Th.S, v.v... ð"
        elif how == 6:
            s = " ".join(rnd.sample(base, 4))  # long sentences
        elif how == 7:
            words = s.split()
            rnd.shuffle(words)
            s = " ".join(words)
        else:
            s = s.title()
        out.append(s)
    return out


def test_generated_corpus():
    for s in generated_corpus():
        same(s)


def test_edge_cases():
    for s in ["", " ", ".", "…", "A", "1", "Σ ΑΣ", "İstanbul", "ǅ ǈ ǋ", "a\u0301", "\u200b", "x̃",
              "Th S", "Th.S Nguyễn", "e-mail: a.b@c.vn http://x.vn/a?b=1", "3x4 43H-0530 4K 10:20:50",
              "H'Mông N’Thôn", "=> ==> -> >> --- ...", ":)) =)) <3 :D", "ð Ð", "baì nghành", "\ud800 lỗi"]:
        same(s)


def test_batches_mix_any_sentences():
    rnd = random.Random(5)
    mixed = generated_corpus(40, seed=8) + ["", " ", "a", ".", "\ud800 lỗi", "Th S", "1"]
    rnd.shuffle(mixed)
    same_batch(mixed)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.deferred(lambda: sentence()), max_size=6))
def test_random_batches(sentences):
    same_batch(sentences)


def test_analysis_same_as_with_underthesea_ner():
    """The pipeline (batches, no chunking) analyses a text as it does with
    underthesea's own ner(), sentence by sentence."""
    texts = [clean(p.read_text(encoding="utf-8")).text for p in sorted(SEEDS.glob("*.txt"))[:2]]
    texts.append("\n\n".join(generated_corpus(30, seed=11)))
    for text in texts:
        assert pipeline.analyze(text) == pipeline._analyze(text, pipeline.per_sentence(underthesea.ner))


def test_word_tokenize():
    for s in seed_sentences()[::5] + ["Bác sĩ bây giờ có thể thản nhiên báo tin bệnh nhân bị ung thư"]:
        assert tagger.word_tokenize(s) == underthesea.word_tokenize(s)


SYLLABLES = sorted({w for s in seed_sentences() for w in re.findall(r"\w+", s)})
PUNCT = [",", ".", ";", ":", "!", "?", "(", ")", "\"", "“", "”", "-", "–", "/", "%", "…", "...", "&", "'", "’"]
LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"


@st.composite
def word(draw):
    kind = draw(st.integers(0, 9))
    if kind <= 4:
        w = draw(st.sampled_from(SYLLABLES))
    elif kind == 5:
        w = draw(st.text(alphabet=LETTERS + LETTERS.upper(), min_size=1, max_size=7))
    elif kind == 6:
        w = draw(st.from_regex(r"\d{1,4}([.,/-]\d{1,3}){0,2}%?", fullmatch=True))
    elif kind == 7:
        w = draw(st.sampled_from(PUNCT))
    elif kind == 8:
        w = draw(st.sampled_from(["UBND", "TP.HCM", "NĐ-CP", "Th.S", "v.v", "COVID-19", "18-NQ/TW", "T.Ư",
                                  "H&M", "Tp.", "ThS.", "e-mail", "x.vn", "a@b.vn", "ð", "uỷ", "hoà"]))
    else:
        w = draw(st.text(min_size=1, max_size=3))  # any character at all
    case = draw(st.integers(0, 3))
    return w.upper() if case == 0 else w.title() if case == 1 else w


@st.composite
def sentence(draw):
    words = draw(st.lists(word(), min_size=0, max_size=draw(st.sampled_from([8, 25, 90]))))
    seps = draw(st.lists(st.sampled_from([" ", " ", " ", "  ", "\t", ""]), min_size=len(words),
                         max_size=len(words)))
    s = "".join(w + sp for w, sp in zip(words, seps))
    return unicodedata.normalize("NFD", s) if draw(st.integers(0, 9)) == 0 else s


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sentence())
def test_random_sentences(s):
    same(s)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(word(), st.sampled_from(["Th", "S", "s", "Th.S", "ThS.", ":D", "-", "@", "."]),
                          st.text(alphabet=" \t.:-@&'’/ThSsx1", max_size=6)), max_size=30).map("".join))
def test_regex_tokens_are_underthesea_s(text):
    from underthesea.pipeline.word_tokenize.regex_tokenize import patterns

    from annotations.nlp.tagger.segment import regex_tokens

    assert regex_tokens(text) == [m.group() for m in patterns.finditer(text)]


# -- what the tags depend on: an upgrade must fail here, not change the tags

PINS = {"underthesea": "9.5.0", "underthesea_core": "3.3.2"}
MODEL_SHA256 = {
    "ws_model": "c3a64c64349f1d73304f89babacaa8f8cd6078b1ec1a1b2c104e9e411ac1d2c3",
    "ws_features": "cf93263c7c7973bf50122b0be76a394443ff61be00c1368713dee1b7d5b8a435",
    "ws_dictionary": "ec8c62b3881c6682c18959988e1fe08800cc835777778845bded470ca02745d9",
    "pos_model": "5b1606d0c3688cda7cc1e19b3789e1b98412eb94fc507219dc3bd19ef7ac7493",
    "chunk_model": "ca0a4839eeb743c2db0b1fc654be10f9b8c8067b794ce291493c445fbb8acbde",
    "ner_model": "62e7435bb3af0baa9ba0fc2a2436a016c51f34b315cc02da6e45b50fa3a41cee",
    "text_normalize_rules": "a8ef96ef9837f6a377154fdfc970b9b88351d39f9353fa693d53ab49798817f9",
}
# pipeline/{pos_tag,chunking,ner}/tagged_feature.py: the Python template semantics values.py mirrors
TAGGED_FEATURE_SHA256 = {
    "pos_tag": "1a19bc38d48f140344be6af15139c06cc90c2b52d430437e9ece26c56de223e1",
    "chunking": "41afa823b457e96403a3b80b6de40ff0f23891f275340b0541d9b3e60711727d",
    "ner": "41afa823b457e96403a3b80b6de40ff0f23891f275340b0541d9b3e60711727d",
}
REGEX_SHA256 = "6341a7cb2696dd1f3f7e3bd07f68ef0c42eff5a073fc49524332813d4da95a3d"
TEMPLATES_SHA256 = "4e06daf03fd783b85b7bce5ff976a6422e11b78c73ceffb2566abe123af888e7"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_pinned_versions():
    for dist, version in PINS.items():
        assert importlib.metadata.version(dist) == version, dist


def test_model_files_unchanged():
    assert {name: sha256(models.path(name).read_bytes()) for name in models.FILES} == MODEL_SHA256


def test_templates_are_underthesea_s():
    from underthesea.pipeline.chunking.model_crf import CRFChunkingPredictor
    from underthesea.pipeline.ner.model_crf import CRFNERPredictor
    from underthesea.pipeline.pos_tag.model_crf import CRFPOSTagPredictor

    assert CRFPOSTagPredictor.Instance().transformer.template == templates.POS
    assert CRFChunkingPredictor.Instance().transformer.template == templates.CHUNK
    assert CRFNERPredictor.Instance().transformer.template == templates.NER
    ws = models.joblib_load("ws_features")
    lists = {"pos": templates.POS, "chunk": templates.CHUNK, "ner": templates.NER, "ws": ws}
    assert sha256(repr(sorted(lists.items())).encode()) == TEMPLATES_SHA256
    for tpl in lists.values():  # every template parses, with a function we implement
        assert [templates.parse(t).syntax for t in tpl] == tpl


def test_feature_code_unchanged():
    import importlib
    import inspect

    from underthesea.pipeline.word_tokenize import regex_tokenize

    for name, digest in TAGGED_FEATURE_SHA256.items():
        module = importlib.import_module(f"underthesea.pipeline.{name}.tagged_feature")
        assert sha256(inspect.getsource(module).encode()) == digest, name
    assert sha256("|".join(regex_tokenize.regex_patterns).encode()) == REGEX_SHA256


def test_attribute_tables_read_like_underthesea_core():
    from underthesea_core import CRFModel

    for name in ("ws_model", "pos_model", "chunk_model", "ner_model"):
        path = str(models.path(name))
        assert len(crfsuite.attributes(path)) == CRFModel.load(path).num_attributes, name
