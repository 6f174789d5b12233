"""The learned relevance decision: a scikit-learn classifier over :mod:`.evidence` vectors (primary / mention / none).

``RelevanceClassifier(kind="logistic")`` standardises the features and fits a multinomial logistic regression,
then keeps only plain arrays (means, scales, coefficients), so a registered version loads through the fast skops
reader and predicting is a matrix product; ``kind="boosting"`` keeps a fitted HistGradientBoostingClassifier
(non-linear interactions of the flags, loaded with skops). Both follow the scikit-learn conventions (``fit``,
``predict``, ``predict_proba``, ``classes_``, ``n_features_in_``; checked by ``check_estimator``).
``score_rows`` scores the registry's encoded evaluation rows (see :mod:`.training`), so the promotion gate can
compare two versions on the frozen set.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

# Inverse regularisation of the logistic model: the CV in bench/relevance.py chose it among 0.03 / 0.1 / 1 / 10.
DEFAULT_C = 0.03
# Iterations for the solver: enough for ~60 standardised features to converge.
MAX_ITER = 2000
# Boosting: shallow trees and few rounds, because a few hundred labelled items are all there is.
BOOST_ITER, BOOST_DEPTH, BOOST_RATE = 100, 3, 0.1
KINDS = ("logistic", "boosting")


def _one_thread() -> Any:
    """OpenMP limited to one thread: on a few hundred rows, threads only wait for each other (minutes instead of
    a second on the shared 2-core host)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="openmp")


class RelevanceClassifier(ClassifierMixin, BaseEstimator):
    """primary / mention / none (or any labels) from :data:`bantin.classify.relevance.evidence.FEATURES` rows."""

    def __init__(self, kind: str = "logistic", C: float = DEFAULT_C, class_weight: str | None = None,
                 max_iter: int = BOOST_ITER, max_depth: int = BOOST_DEPTH, learning_rate: float = BOOST_RATE,
                 random_state: int = 0) -> None:
        self.kind = kind
        self.C = C
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.max_depth = max_depth
        self.learning_rate = learning_rate
        self.random_state = random_state

    def fit(self, X: Any, y: Any) -> RelevanceClassifier:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {self.kind!r}")
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        self.classes_, codes = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(f"need at least two classes to learn a decision; got 1 class ({self.classes_[0]!r})")
        if self.kind == "boosting":
            from sklearn.ensemble import HistGradientBoostingClassifier

            with _one_thread():
                self.booster_ = HistGradientBoostingClassifier(
                    max_iter=self.max_iter, max_depth=self.max_depth, learning_rate=self.learning_rate,
                    class_weight=self.class_weight, random_state=self.random_state).fit(X, codes)
            self.n_iter_ = np.array([self.booster_.n_iter_])
            return self
        from sklearn.linear_model import LogisticRegression

        self.mean_ = X.mean(axis=0)
        scale = X.std(axis=0)
        self.scale_ = np.where(scale > 0, scale, 1.0)
        lr = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=MAX_ITER)
        lr.fit((X - self.mean_) / self.scale_, codes)
        self.coef_, self.intercept_ = lr.coef_.copy(), lr.intercept_.copy()
        self.n_iter_ = np.asarray(lr.n_iter_)
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        if self.kind == "boosting":
            with _one_thread():
                return np.asarray(self.booster_.predict_proba(X))
        z = ((X - self.mean_) / self.scale_) @ self.coef_.T + self.intercept_
        if z.shape[1] == 1:  # two classes: one logit for the second
            p = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.column_stack([1.0 - p, p])
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return np.asarray(e / e.sum(axis=1, keepdims=True))

    def predict(self, X: Any) -> np.ndarray:
        best = self.predict_proba(X).argmax(axis=1)  # checks fitted first
        return np.asarray(self.classes_[best])

    def score_rows(self, rows: list[tuple[str, str]]) -> dict[str, Any]:
        """Scores on the registry's encoded relevance rows (the frozen evaluation set): see :mod:`.training`."""
        from bantin.classify.relevance.training import score_encoded

        return score_encoded(self, rows)
