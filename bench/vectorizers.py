"""Which vectoriser feeds the linear model: accuracy and transform+predict speed on the same documents.

    .venv/bin/python -m bench.vectorizers [--train 8000] [--test 3000]     (prints JSON)

All candidates are trained on the same VNTC training sample and timed on the same held-out full articles
(grouped by exact text), interleaved, best of a few runs, CPU time and wall time, one process:
  baseline     sklearn TfidfVectorizer(ngram_range=(1, 2)) + LinearSVC
  uts_rust     underthesea_core.TfIdfVectorizer(ngram_range=(1, 2)) (Rust, one document per call) + LinearSVC
  uts_textclf  underthesea_core.TextClassifier (TF-IDF + linear SVM all in Rust, predict_batch)
  hashing      sklearn HashingVectorizer(ngram_range=(1, 2)) + TfidfTransformer + LinearSVC
  ours         bantin SyllableTfidfVectorizer (numpy syllable hashing, normalised) + LinearSVC
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import scipy.sparse as sp
import underthesea_core as uc
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer, TfidfVectorizer
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

from bantin.classify.topics.textmodel import TextClassifier
from bench.vntc import best_speed, load_vntc

# The Rust vectoriser's vocabulary cap: unlimited (0) takes minutes to fit; 200k keeps the top features.
UTS_MAX_FEATURES = 200_000


class RustTfidf:
    """underthesea_core.TfIdfVectorizer feeding a scikit-learn LinearSVC (CSR built from its pairs)."""

    def __init__(self) -> None:
        self.vec = uc.TfIdfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2, max_features=UTS_MAX_FEATURES)
        self.svm = LinearSVC()

    def _csr(self, texts: list[str]) -> sp.csr_matrix:
        rows = [self.vec.transform(t) for t in texts]
        indptr = np.cumsum([0] + [len(r) for r in rows])
        pairs = [p for r in rows for p in r]
        cols = np.array([p[0] for p in pairs], dtype=np.int32)
        vals = np.array([p[1] for p in pairs], dtype=np.float32)
        return sp.csr_matrix((vals, cols, indptr), shape=(len(texts), self.vec.vocab_size))

    def fit(self, texts: list[str], y: np.ndarray) -> RustTfidf:
        self.vec.fit(texts)
        self.svm.fit(self._csr(texts), y)
        return self

    def predict(self, texts: list[str]) -> np.ndarray:
        return self.svm.predict(self._csr(texts))


class RustTextClassifier:
    def __init__(self) -> None:
        self.clf = uc.TextClassifier(max_features=UTS_MAX_FEATURES, ngram_range=(1, 2))

    def fit(self, texts: list[str], y: np.ndarray) -> RustTextClassifier:
        self.clf.fit(texts, [str(v) for v in y])
        return self

    def predict(self, texts: list[str]) -> np.ndarray:
        return np.array(self.clf.predict_batch(texts))


def candidates() -> dict:
    return {
        "baseline": make_pipeline(TfidfVectorizer(ngram_range=(1, 2)), LinearSVC()),
        "uts_rust": RustTfidf(),
        "uts_textclf": RustTextClassifier(),
        "hashing": make_pipeline(HashingVectorizer(ngram_range=(1, 2), n_features=2**20, alternate_sign=False,
                                                   norm=None), TfidfTransformer(sublinear_tf=True), LinearSVC()),
        "ours": TextClassifier(calibrate=False),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--train", type=int, default=8000)
    ap.add_argument("--test", type=int, default=3000)
    ap.add_argument("--only", nargs="*", default=None, help="subset of candidates")
    args = ap.parse_args()
    texts, labels, groups = load_vntc()
    tr, te = next(StratifiedGroupKFold(5, shuffle=True, random_state=2).split(texts, labels, groups))
    rng = np.random.default_rng(0)
    tr = rng.choice(tr, size=min(args.train, len(tr)), replace=False)
    te = rng.choice(te, size=min(args.test, len(te)), replace=False)
    train, test = [texts[i] for i in tr], [texts[i] for i in te]
    out: dict = {"n_train": len(train), "n_test": len(test), "mean_test_chars": round(float(np.mean([len(t) for t in test])))}
    models = {k: v for k, v in candidates().items() if not args.only or k in args.only}
    for name, model in models.items():
        t0 = time.perf_counter()
        model.fit(train, labels[tr])
        acc = float(np.mean(model.predict(test) == labels[te]))
        out[name] = {"fit_s": round(time.perf_counter() - t0, 1), "accuracy": round(100 * acc, 2)}
        print(json.dumps({name: out[name]}), flush=True)
    for _ in range(2):  # interleaved rounds: load on the shared machine hits every candidate alike
        for name, model in models.items():
            out[name].update(best_speed(model.predict, test))
    if "baseline" in models:
        base = out["baseline"]["cpu_docs_per_s"]
        for name in models:
            out[name]["speed_ratio_cpu"] = round(out[name]["cpu_docs_per_s"] / base, 2)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
