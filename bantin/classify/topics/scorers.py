"""The predicting half of our two classifiers, on numpy and scipy only: what ``bantin classify`` runs.

:class:`TextScorer` is :class:`~bantin.classify.topics.textmodel.TextClassifier`'s prediction and
:class:`TopicScorer` :class:`~bantin.classify.topics.model.TopicModel`'s; the estimator classes inherit them (and
add fitting and the scikit-learn conventions), so both run this very code. Loading an artifact for predicting
(``registry.store.load(..., classes=LIGHT_CLASSES)``) builds these light classes from the saved attributes
instead of the estimators: the same arrays, the same methods, the same output bytes
(tests/classify/test_light_predict.py), without importing scikit-learn. Why: on the 2-core host ``import
sklearn.base`` costs 2.1 s wall / ~1.7 s CPU (it imports ``scipy.stats``, whose import re-parses ~630
docstrings), more than the whole rest of a ``bantin classify`` start-up; predicting needs nothing from it.
For the same reason :func:`softmax` is scipy.special's, written out: importing ``scipy.special`` costs a start
~0.13 s CPU more than the ``scipy.sparse`` it needs anyway, for three numpy operations (the same ones, in the
same order: the same bytes, checked against scipy's by tests/classify/test_light_predict.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from bantin.classify.topics.tfidf import HashedTfidf

# The residual topic ("society (other)"): its decision carries the model's ``society_offset``.
RESIDUAL = "society"
# Default score above which a topic is reported by labels().
DEFAULT_THRESHOLD = 0.5


def softmax(x: np.ndarray) -> np.ndarray:
    """``scipy.special.softmax(x, axis=1)``: the operations of scipy 1.17's, in its order (same dtype, same bytes)."""
    shifted = np.exp(x - np.max(x, axis=1, keepdims=True))
    return shifted / np.sum(shifted, axis=1, keepdims=True)


class _LinearScorer:
    """What both scorers share: the fitted arrays and the linear scores of the vectorised texts."""

    classes_: np.ndarray
    coef_: np.ndarray
    intercept_: np.ndarray
    temperature_: float
    vectorizer_: Any

    def _check_fitted(self) -> None:
        """Nothing to check on a light scorer (made from a fitted model); the estimator checks like sklearn."""

    def _linear(self, X: Sequence[str]) -> np.ndarray:
        self._check_fitted()
        feats = self.vectorizer_.transform(X)
        return np.asarray(feats @ self.coef_.T.astype(np.float32, copy=False)) + self.intercept_  # no copy once widened


class TextScorer(_LinearScorer):
    """``decision_function`` / ``predict`` / ``predict_proba`` of a fitted TextClassifier."""

    def decision_function(self, X: Sequence[str]) -> np.ndarray:
        return self._linear(X)

    def predict(self, X: Sequence[str]) -> np.ndarray:
        return self.classes_[np.argmax(self.decision_function(X), axis=1)]

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        return softmax(self.decision_function(X) / self.temperature_)


class TopicScorer(_LinearScorer):
    """Calibrated topic scores of a fitted TopicModel (``predict`` returns a probability per taxonomy key).
    ``temperature_`` is absent on models saved before #12 (they carry ``platt_``)."""

    def decision_function(self, X: Sequence[str]) -> np.ndarray:
        """Linear scores per topic, ``classes_`` order (society's includes its offset)."""
        dec = self._linear(X)
        offset = getattr(self, "society_offset", 0.0)
        if offset and RESIDUAL in self.classes_:
            dec[:, int(np.flatnonzero(self.classes_ == RESIDUAL)[0])] += offset
        return dec

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """Calibrated probability per text and topic, columns in ``classes_`` order."""
        dec = self.decision_function(X).astype(np.float64)  # float64 scores: thresholds compare exactly
        if hasattr(self, "platt_") and not hasattr(self, "temperature_"):  # a model saved before #12
            from scipy.special import expit

            return expit(dec * self.platt_[:, 0] + self.platt_[:, 1])
        return softmax(dec / self.temperature_)

    def predict(self, X: Sequence[str]) -> list[dict[str, float]]:
        keys = [str(k) for k in self.classes_]
        return [dict(zip(keys, map(float, row), strict=True)) for row in self.predict_proba(X)]

    def top_topics(self, X: Sequence[str]) -> list[str]:
        """The one best topic per text."""
        return [str(self.classes_[j]) for j in np.argmax(self.predict_proba(X), axis=1)]

    def labels(self, X: Sequence[str], threshold: float = DEFAULT_THRESHOLD) -> list[list[str]]:
        """Topics scoring at least ``threshold`` per text, best first (may be empty)."""
        out = []
        for row in self.predict_proba(X):
            order = np.argsort(-row)
            out.append([str(self.classes_[j]) for j in order if row[j] >= threshold])
        return out


# The estimator classes our artifacts name → the light class that predicts like it (for registry loads).
LIGHT_CLASSES: dict[str, type] = {
    "bantin.classify.topics.features.SyllableTfidfVectorizer": HashedTfidf,
    "bantin.classify.topics.textmodel.TextClassifier": TextScorer,
    "bantin.classify.topics.model.TopicModel": TopicScorer,
}
