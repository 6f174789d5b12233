"""Hashed syllable n-gram TF-IDF for Vietnamese, vectorised with numpy over a whole batch of texts.

Semantics match ``normalize_vi(text).lower()`` (NFC, ``ð``→``đ``, underthesea's tone-mark/spelling token
rules) followed by ``re.findall(r"\\w+")`` syllables and their 1..n-grams, TF-IDF weighted and
L2-normalised like scikit-learn's ``TfidfVectorizer``. The syllables come as stable 64-bit hashes, rules
applied, from ``bantin.text.syllables`` (one numpy pass over the whole batch, no per-token Python work);
n-grams combine syllable hashes, and features are hash buckets, so the model needs no vocabulary.
Optional extras, all off by default (so vectorisers fitted before they existed transform as before) and
all turned on by TextClassifier: headline n-grams counted again (``title_chars``), in a block of columns of
their own with a weight (``title_features``, ``title_weight``); digits folded to ``0`` (``fold_digits``);
punctuation runs and line breaks as a separately normalised, down-weighted block (``punct_features``).
Measured (bench/vectorizers.py, bench/vntc.py): 5-8x the prediction throughput (CPU time) of
``TfidfVectorizer(ngram_range=(1, 2))`` + LinearSVC on full VNTC articles, and more accurate.
The transform itself lives in :mod:`.tfidf` (and the counting in :mod:`.hashing`), free of scikit-learn, so
that ``bantin classify`` predicts without importing it (:mod:`bantin.classify.topics.scorers`); this module adds
fitting and the scikit-learn estimator conventions.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from bantin.classify.topics.hashing import (  # noqa: F401 - re-exported: the tests and benches read them here
    BATCH_DOCS,
    TITLE_SALT,
    _Batch,
    _count_matrix,
    _ngram_counts,
    _punct,
    _shared,
    _titles,
)
from bantin.classify.topics.tfidf import HashedTfidf


class SyllableTfidfVectorizer(TransformerMixin, BaseEstimator, HashedTfidf):
    """TF-IDF over hashed syllable 1..``ngram_max``-grams of normalised, lowercased Vietnamese text.

    With ``title_chars > 0`` the n-grams of the headline (first line, at most ``title_chars`` characters)
    are counted once more in a salted hash space, so "headline says bóng đá" is a feature: in the body's
    ``n_features`` buckets when ``title_features == 0`` (the original layout), otherwise in a block of
    ``title_features`` columns of their own whose IDF is multiplied by ``title_weight``. ``fold_digits``
    reads digits 1-9 as 0 (numbers keep their shape, not their value). With ``punct_features > 0``, runs of
    ``[^\\w\\s]`` characters and line breaks are counted in a last block of that many columns, which is
    L2-normalised on its own and weighted ``punct_weight`` against the (unit-norm) n-gram part.
    Column layout: body n-grams, then headline block, then punctuation block; rows have unit L2 norm.
    """

    def __init__(
        self, n_features: int = 2**18, ngram_max: int = 2, sublinear_tf: bool = True, min_df: int = 1,
        title_chars: int = 0, title_features: int = 0, title_weight: float = 1.0, fold_digits: bool = False,
        punct_features: int = 0, punct_weight: float = 1.0,
    ) -> None:
        self.n_features = n_features
        self.ngram_max = ngram_max
        self.sublinear_tf = sublinear_tf
        self.min_df = min_df
        self.title_chars = title_chars
        self.title_features = title_features
        self.title_weight = title_weight
        self.fold_digits = fold_digits
        self.punct_features = punct_features
        self.punct_weight = punct_weight

    def _check_fitted(self) -> None:
        check_is_fitted(self, "idf_")

    def transform(self, X: Iterable[str]) -> sp.csr_matrix:  # here, so scikit-learn's output wrapper sees it
        return super().transform(X)

    def fit(self, X: Iterable[str], y: object = None) -> SyllableTfidfVectorizer:
        self.fit_transform(X)
        return self

    def fit_transform(self, X: Iterable[str], y: object = None, **fit_params: object) -> sp.csr_matrix:
        counts = self._counts(X)
        n_docs, n_out = counts.shape
        df = np.bincount(counts.indices, minlength=n_out)
        idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
        idf[df < self.min_df] = 0.0
        title_features, _ = self._blocks()
        idf[self.n_features : self.n_features + title_features] *= self.title_weight
        self.idf_ = idf.astype(np.float32)
        self.n_features_out_ = n_out
        return self._weight(counts)

    def __sklearn_tags__(self):  # type: ignore[no-untyped-def]
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.requires_fit = True
        return tags
