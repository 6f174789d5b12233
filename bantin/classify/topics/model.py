"""Multi-label topics over the office taxonomy: one-vs-rest linear SVMs with Platt-calibrated scores.

Trained from VNTC, tc201805 and VnExpress section feeds mapped onto the taxonomy plus keyword-seeded weak
labels for topics no corpus covers (bantin/classify/taxonomy.py, docs/taxonomy.md). Works on full
articles and on title + summary (tc201805 and RSS examples are snippets).

    build_default_topic_model(Path("../shared"))   # the one documented command builds the default model
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted

from bantin.classify.topics.features import SyllableTfidfVectorizer
from bantin.classify.topics.taxonomy import TOPIC_KEYS, map_label, seed_topics

# Share of the training texts held out to fit each topic's Platt sigmoid (the SVMs never see them).
CALIBRATION_SHARE = 0.2
# Examples kept per (corpus, label) and per seeded topic: balances corpora and bounds training time
# (~60k texts, a few minutes on one core).
PER_LABEL_CAP = 2500
# Default score above which a topic is reported by labels().
DEFAULT_THRESHOLD = 0.5


class TopicModel(BaseEstimator):
    """One-vs-rest topic scorer; ``predict`` returns calibrated probabilities per taxonomy key."""

    def __init__(self, topics: Sequence[str] = TOPIC_KEYS, n_features: int = 2**18, C: float = 0.5,
                 random_state: int = 0) -> None:
        self.topics = topics
        self.n_features = n_features
        self.C = C
        self.random_state = random_state

    def fit(self, X: Sequence[str], y: Sequence[Iterable[str]]) -> TopicModel:
        texts = [str(t) for t in X]
        self.classes_ = np.array(list(self.topics))
        index = {k: i for i, k in enumerate(self.classes_)}
        Y = np.zeros((len(texts), len(self.classes_)), dtype=bool)
        for row, labels in enumerate(y):
            for label in labels:
                Y[row, index[label]] = True
        tr, cal = train_test_split(np.arange(len(texts)), test_size=CALIBRATION_SHARE,
                                   random_state=self.random_state)
        self.vectorizer_ = SyllableTfidfVectorizer(n_features=self.n_features)
        feats = self.vectorizer_.fit_transform([texts[i] for i in tr])
        coef = np.zeros((len(self.classes_), self.n_features), dtype=np.float32)
        intercept = np.zeros(len(self.classes_), dtype=np.float32)
        for j in range(len(self.classes_)):
            if 0 < Y[tr, j].sum() < len(tr):
                svm = LinearSVC(C=self.C, class_weight="balanced", random_state=self.random_state)
                svm.fit(feats, Y[tr, j])
                coef[j], intercept[j] = svm.coef_[0], svm.intercept_[0]
        self.coef_ = coef.astype(np.float16)
        self.intercept_ = intercept
        dec = self.decision_function([texts[i] for i in cal])
        self.platt_ = np.zeros((len(self.classes_), 2), dtype=np.float64)
        self.platt_[:, 1] = -10.0  # topics without calibration data score ~0
        for j in range(len(self.classes_)):
            if 0 < Y[cal, j].sum() < len(cal):
                lr = LogisticRegression(C=100.0).fit(dec[:, j : j + 1], Y[cal, j])
                self.platt_[j] = lr.coef_[0, 0], lr.intercept_[0]
        self.n_train_ = int(len(tr))
        return self

    def decision_function(self, X: Sequence[str]) -> np.ndarray:
        check_is_fitted(self, "coef_")
        return np.asarray(self.vectorizer_.transform(X) @ self.coef_.T.astype(np.float32)) + self.intercept_

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """Calibrated probability per text and topic, columns in ``classes_`` order."""
        return expit(self.decision_function(X) * self.platt_[:, 0] + self.platt_[:, 1])

    def predict(self, X: Sequence[str]) -> list[dict[str, float]]:
        keys = [str(k) for k in self.classes_]
        return [dict(zip(keys, map(float, row), strict=True)) for row in self.predict_proba(X)]

    def labels(self, X: Sequence[str], threshold: float = DEFAULT_THRESHOLD) -> list[list[str]]:
        """Topics scoring at least ``threshold`` per text, best first (may be empty)."""
        out = []
        for row in self.predict_proba(X):
            order = np.argsort(-row)
            out.append([str(self.classes_[j]) for j in order if row[j] >= threshold])
        return out

    def __sklearn_tags__(self):  # type: ignore[no-untyped-def]
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.target_tags.required = True
        return tags


def _jsonl(path: Path) -> Iterator[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            yield json.loads(line)


def _examples(shared_data: Path) -> Iterator[tuple[str, str, str, set[str]]]:
    """(corpus, label, text, topics) for every usable example."""
    for row in _jsonl(shared_data / "vntc" / "train.jsonl.gz"):
        yield "vntc", row["label"], row["text"], set(map_label("vntc", row["label"]))
    for row in _jsonl(shared_data / "tc201805" / "all.jsonl.gz"):
        yield "tc201805", row["label"], row["text"], set(map_label("tc201805", row["label"]))
    for row in _jsonl(shared_data / "news" / "rss_articles.jsonl.gz"):
        text = f"{row.get('title') or ''}\n{row.get('summary') or ''}"
        yield "rss", row["feed_category"], text, set(map_label("rss", row["feed_category"]))


def topic_training_data(shared_data: Path, cap: int = PER_LABEL_CAP, seed: int = 0
                        ) -> tuple[list[str], list[set[str]]]:
    """Mapped + keyword-seeded training texts, at most ``cap`` per (corpus, label) and per seeded topic."""
    buckets: dict[tuple[str, str], list[tuple[str, set[str]]]] = defaultdict(list)
    for corpus, label, text, topics in _examples(shared_data):
        seeds = seed_topics(text)
        if topics:
            buckets[(corpus, label)].append((text, topics | seeds))
        elif seeds:  # unmapped label or general feed: only a seed makes it an example
            buckets[("seed", min(seeds))].append((text, seeds))
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for key in sorted(buckets):
        rows = buckets[key]
        for i in sorted(rng.permutation(len(rows))[:cap]):
            texts.append(rows[i][0])
            labels.append(rows[i][1])
    return texts, labels


def build_default_topic_model(shared_dir: Path) -> TopicModel:
    """Train the default topic model from ``shared_dir``/data (the ../shared directory)."""
    data = shared_dir / "data" if (shared_dir / "data").is_dir() else shared_dir
    texts, labels = topic_training_data(data)
    return TopicModel().fit(texts, labels)
