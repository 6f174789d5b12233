"""Syllable hashing vectoriser: same tokens as normalize_vi + \\w+, TF-IDF shape and norms."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from bantin.classify.features import SyllableTfidfVectorizer, syllable_hashes
from bantin.crawlers.normalize import normalize_vi

_WORD = re.compile(r"\w+")


def _texts(shared_data: Path, n: int) -> list[str]:
    with open(shared_data / "vntc_small" / "dev.jsonl", encoding="utf-8") as f:
        return [json.loads(line)["text"] for line in f][:n]


def _reference_hashes(text: str) -> np.ndarray:
    tokens = _WORD.findall(normalize_vi(text).lower())
    return np.array([h[0] for h in syllable_hashes(tokens)], dtype=np.uint64)


def test_syllables_match_normalize_vi_tokens_on_real_articles(shared_data: Path) -> None:
    texts = _texts(shared_data, 300)
    got = syllable_hashes(texts)
    same = sum(np.array_equal(_reference_hashes(t), g) for t, g in zip(texts, got, strict=True))
    assert same >= 299  # one known difference: underthesea splits digit+letter chunks like "1thụy"


def test_old_style_tone_marks_hash_like_the_normalised_form() -> None:
    old, new = syllable_hashes(["Hoà bình, QÚA khuya", "hòa bình quá khuya"])
    assert np.array_equal(old, new)


def test_case_and_unicode_form_do_not_change_features() -> None:
    nfd = "Việt Nam".encode().decode()
    import unicodedata

    a, b = syllable_hashes([unicodedata.normalize("NFD", nfd), "VIỆT NAM"])
    assert np.array_equal(a, b) and len(a) == 2


def test_tfidf_rows_are_unit_norm_and_empty_texts_are_zero() -> None:
    vec = SyllableTfidfVectorizer(n_features=2**12)
    X = vec.fit_transform(["bão lũ miền trung", "giá vàng tăng mạnh", "", "!!!"])
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    assert np.allclose(norms, [1, 1, 0, 0], atol=1e-5)
    assert X.shape == (4, 2**12) and X.dtype == np.float32


def test_bigrams_do_not_cross_document_boundaries() -> None:
    vec = SyllableTfidfVectorizer(n_features=2**16).fit(["xin chào việt nam"])  # knows "chào việt"
    joined = vec.transform(["xin chào", "việt nam"])
    alone = vec.transform(["xin chào"])
    assert joined[0].nnz == alone.nnz == 3  # xin, chào, "xin chào"


def test_features_unseen_in_training_get_no_weight() -> None:
    vec = SyllableTfidfVectorizer(n_features=2**16).fit(["xin chào"])
    assert vec.transform(["tạm biệt"]).nnz == 0


def test_headline_ngrams_get_their_own_features() -> None:
    text = "Bóng đá Việt Nam\ngiá vàng tăng mạnh"
    plain = SyllableTfidfVectorizer(n_features=2**16).fit([text])
    titled = SyllableTfidfVectorizer(n_features=2**16, title_chars=300).fit([text])
    # headline: 4 syllables + 3 bigrams counted again in a separate space; the body is unchanged
    assert titled.transform([text]).nnz == plain.transform([text]).nnz + 7
    # without a line break the text itself, up to title_chars characters, is the headline
    titled.fit([text, "giá vàng"])
    assert titled.transform(["giá vàng"]).nnz == 2 * plain.transform(["giá vàng"]).nnz == 6
    short = SyllableTfidfVectorizer(n_features=2**16, title_chars=4).fit(["giá vàng"])
    assert short.transform(["giá vàng"]).nnz == 3 + 1  # headline "giá " is one syllable


def test_vectorisers_pickled_before_title_chars_still_transform() -> None:
    vec = SyllableTfidfVectorizer(n_features=2**12).fit(["xin chào"])
    del vec.__dict__["title_chars"]
    assert vec.transform(["xin chào"]).nnz == 3
