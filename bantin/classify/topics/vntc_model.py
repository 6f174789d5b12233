"""VNTC text model tuned on a source-held-out split (issue #12): a candidate beside ``TextClassifier``.

``TextClassifier`` (the default, unchanged) won the grouped random CV on VNTC's training split but lost to the
plain TF-IDF + LinearSVC baseline on the official test split. bench/vntc_split.py found a split that behaves
the same way (one outlet, Tuổi Trẻ, held out); on its training side, tuning with another outlet held out
(bench/vntc_tune.py, docs/benchmarks.md "VNTC on an official-test-like split") chose this model:

- view 1: NB-SVM (Wang & Manning 2012) - sklearn's TF-IDF of syllable 1-2-grams (sublinear, min_df=2,
  max_df=0.5, as in the baseline) of the text without the boilerplate that names its outlet
  (``strip_boilerplate``), scaled per label by the naive-Bayes log-count ratio, one binary linear SVM per
  label; the scaling folds into one coefficient matrix, so prediction is one sparse product;
- view 2: bantin's hashed syllable TF-IDF (punctuation block, balanced^1.5 class weights, C=1.5) *without*
  the headline block: NLĐ and Thanh Niên texts open with the lead, not a headline, and reading a
  300-character lead as a headline cost 3.6 points on the Thanh Niên tune part;
- the label is the argmax of the summed SVM margins (both views' margins are on the same scale).

On the final part (Tuổi Trẻ, looked at once) it scored 87.86 % vs the baseline's 87.75 % (bantin's default
87.34 %): not clearly better, so it is not a registry/CLI model option; bench/vntc.py --split uses it so the
maintainers can measure it on the official test. Prediction: ~0.7x the baseline's speed (two vectorisers).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from bantin.classify.topics import textmodel as tm
from bantin.classify.topics.features import SyllableTfidfVectorizer

# Outlet credits and names, and lines that only a few outlets print (VnExpress's related-story lines ending in
# a date, contact lines, "Thực hiện:"): a model that learns them learns the outlet, not the topic. NB-SVM on
# the cleaned text: +1.38 / -0.17 points on the Thanh Niên / NLĐ tune parts (uncleaned: +0.83 / +0.14).
_BOILER_LINE = re.compile(r"^.*(\(\d{1,2}/\d{1,2}/\d{4}\)\s*|@\w.*|www\..*|Thực hiện:\s*)$", re.M)
_BOILER = re.compile(r"\((NLĐ|TTXVN|TTO)\)\s*-?|\bTTO\s*-|(?i:vnexpress(\.net)?)|Thanh Niên|Tuổi Trẻ|Người Lao Động")
# Naive-Bayes smoothing of the log-count ratios (Wang & Manning's alpha); 1 is their default.
NB_ALPHA = 1.0
# The plain baseline's vectoriser settings, kept for view 1 (max_df/min_df variants changed < 0.3 points).
TFIDF = {"ngram_range": (1, 2), "sublinear_tf": True, "min_df": 2, "max_df": 0.5}


def strip_boilerplate(text: str) -> str:
    """``text`` without outlet credits, outlet names and outlet-specific lines (see ``_BOILER_LINE``)."""
    return _BOILER.sub(" ", _BOILER_LINE.sub("", text))


class VntcTextModel(ClassifierMixin, BaseEstimator):
    """Single-label classifier: NB-SVM over TF-IDF 1-2-grams plus bantin's hashed view, margins summed."""

    def __init__(self, nb_C: float = 1.0, hashed_C: float = 1.5, hashed_weight: float = 1.0,
                 balance_power: float | None = 1.5, random_state: int = 0) -> None:
        self.nb_C = nb_C
        self.hashed_C = hashed_C
        self.hashed_weight = hashed_weight
        self.balance_power = balance_power
        self.random_state = random_state

    def fit(self, X: Sequence[str], y: Sequence[Any]) -> VntcTextModel:
        texts, labels = tm.fit_input(X, y)
        self.classes_ = np.unique(labels)
        self.tfidf_ = TfidfVectorizer(**TFIDF)
        xa = self.tfidf_.fit_transform([strip_boilerplate(t) for t in texts])
        present = xa.copy()
        present.data[:] = 1.0
        coef, intercept = [], []
        for k in self.classes_:
            pos = labels == k
            p = np.asarray(present[pos].sum(axis=0)).ravel() + NB_ALPHA
            q = np.asarray(present[~pos].sum(axis=0)).ravel() + NB_ALPHA
            r = np.log((p / p.sum()) / (q / q.sum()))
            svm = LinearSVC(C=self.nb_C, random_state=self.random_state).fit(xa @ sp.diags(r), pos)
            coef.append(svm.coef_[0] * r)  # (x * r) . w == x . (r * w)
            intercept.append(svm.intercept_[0])
        self.nb_coef_ = np.vstack(coef).astype(np.float32)
        self.nb_intercept_ = np.array(intercept, dtype=np.float32)
        if self.hashed_weight:
            self.hashed_ = self._hashed_view(texts, labels)
        return self

    def _hashed_view(self, texts: list[str], labels: np.ndarray) -> tuple[SyllableTfidfVectorizer, LinearSVC]:
        vec = SyllableTfidfVectorizer(n_features=2**18, ngram_max=2, fold_digits=tm.FOLD_DIGITS,
                                      punct_features=tm.PUNCT_FEATURES, punct_weight=tm.PUNCT_WEIGHT)
        weights = None if self.balance_power is None else tm.balanced_weights(labels, self.balance_power)
        svm = LinearSVC(C=self.hashed_C, class_weight=weights, random_state=self.random_state)
        return vec, svm.fit(vec.fit_transform(texts), labels)

    def decision_function(self, X: Sequence[str]) -> np.ndarray:
        check_is_fitted(self, "nb_coef_")
        texts = [str(t) for t in X]
        feats = self.tfidf_.transform([strip_boilerplate(t) for t in texts])
        dec = np.asarray(feats @ self.nb_coef_.T) + self.nb_intercept_
        if self.hashed_weight:
            vec, svm = self.hashed_
            dec = dec + self.hashed_weight * svm.decision_function(vec.transform(texts))
        return dec

    def predict(self, X: Sequence[str]) -> np.ndarray:
        return self.classes_[np.argmax(self.decision_function(X), axis=1)]

    def __sklearn_tags__(self):  # type: ignore[no-untyped-def]
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags
