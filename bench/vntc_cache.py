"""Cached VNTC matrices for the split and tuning benchmarks (issue #12): each idea then costs seconds.

Vectorising 33,759 full articles is the slow part of every VNTC experiment, and both models' counts are
independent of the training side: only document frequencies, IDF and the min_df/max_df cut are fitted. So
the counts of every text are computed once and saved (scipy.sparse.save_npz) under ``VNTC_CACHE``
(default /tmp/vntc_cache), and ``baseline_fit`` / ``bantin_fit`` fit those parts on the training rows
only - exactly what fitting the vectoriser on the training texts gives (``--check`` compares).

Reads ../shared/data/vntc/train.jsonl.gz in place; nothing is copied into the repository.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC

from bantin.classify.topics import textmodel as tm
from bantin.classify.topics.features import SyllableTfidfVectorizer

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
VNTC = SHARED / "vntc" / "train.jsonl.gz"
CACHE = Path(os.environ.get("VNTC_CACHE") or Path(tempfile.gettempdir()) / "vntc_cache")
# The plain baseline of issue #12, exactly as the maintainers ran it on the official test split.
BASELINE = {"ngram_range": (1, 2), "sublinear_tf": True, "min_df": 2, "max_df": 0.5}
_ID = re.compile(r"train/[^/]+/(.*)\((\d+)\)\.txt$")


def load_rows() -> list[dict[str, Any]]:
    with gzip.open(VNTC, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def meta() -> dict[str, np.ndarray]:
    """Labels, sources, the number in each file name, and exact-text groups (cached)."""
    path = CACHE / "meta.npz"
    if path.exists():
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    rows = load_rows()
    ids: dict[str, int] = {}
    out = {
        "label": np.array([r["label"] for r in rows]),
        "source": np.array([r["source"] for r in rows]),
        "number": np.array([int(_ID.match(r["id"]).group(2)) for r in rows]),  # type: ignore[union-attr]
        "exact": np.array([ids.setdefault(r["text"], len(ids)) for r in rows]),
    }
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez(path, **out)
    return out


def texts() -> list[str]:
    return [r["text"] for r in load_rows()]


def _cached(name: str, build: Any) -> sp.csr_matrix:
    path = CACHE / f"{name}.npz"
    if path.exists():
        return sp.load_npz(path).tocsr()
    CACHE.mkdir(parents=True, exist_ok=True)
    m = build()
    sp.save_npz(path, m, compressed=False)
    return m


def baseline_counts() -> sp.csr_matrix:
    """Syllable 1-2-gram counts of sklearn's default tokenisation; terms in < 2 texts can never pass min_df=2."""
    vec = CountVectorizer(ngram_range=(1, 2), min_df=2, dtype=np.float32)
    return _cached("baseline_counts", lambda: vec.fit_transform(texts()).tocsr())


def bantin_vectorizer(**over: Any) -> SyllableTfidfVectorizer:
    """The vectoriser exactly as TextClassifier builds it (bantin's shipped VNTC text model)."""
    p = {"n_features": 2**18, "ngram_max": 2, "min_df": 1, "title_chars": tm.TITLE_CHARS,
         "title_features": tm.TITLE_FEATURES, "title_weight": tm.TITLE_WEIGHT, "fold_digits": tm.FOLD_DIGITS,
         "punct_features": tm.PUNCT_FEATURES, "punct_weight": tm.PUNCT_WEIGHT}
    p.update(over)
    return SyllableTfidfVectorizer(**p)


def bantin_counts() -> sp.csr_matrix:
    return _cached("bantin_counts", lambda: bantin_vectorizer()._counts(texts()))


def tfidf_fit(counts: sp.csr_matrix, tr: np.ndarray, te: np.ndarray, min_df: int = 2, max_df: float = 0.5,
              sublinear: bool = True) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """TfidfVectorizer(min_df, max_df, sublinear_tf) fitted on rows ``tr``: (train matrix, test matrix)."""
    a = counts[tr]
    df = np.bincount(a.indices, minlength=a.shape[1])
    n = a.shape[0]
    max_count = max_df if isinstance(max_df, int) and max_df > 1 else max_df * n
    cols = np.flatnonzero((df >= min_df) & (df <= max_count))
    idf = np.log((1.0 + n) / (1.0 + df[cols])) + 1.0

    def weigh(m: sp.csr_matrix) -> sp.csr_matrix:
        m = m[:, cols].astype(np.float64)
        if sublinear:
            m.data = np.log(m.data) + 1.0
        return normalize(m @ sp.diags(idf), copy=False).tocsr()

    return weigh(a), weigh(counts[te])


def baseline_fit(tr: np.ndarray, te: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Predictions of the plain baseline (TF-IDF 1-2 grams + LinearSVC()) trained on ``tr``, for ``te``."""
    xa, xb = tfidf_fit(baseline_counts(), tr, te)
    return LinearSVC().fit(xa, y[tr]).predict(xb)


def bantin_weights(y: np.ndarray, power: float = 1.5) -> dict[Any, float]:
    classes, counts = np.unique(y, return_counts=True)
    return dict(zip(classes, (len(y) / (len(classes) * counts)) ** power, strict=True))


def bantin_matrices(tr: np.ndarray, te: np.ndarray, counts: sp.csr_matrix | None = None,
                    **over: Any) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """bantin's vectoriser fitted on rows ``tr`` of the cached counts: (train matrix, test matrix)."""
    c = bantin_counts() if counts is None else counts
    vec = bantin_vectorizer(**over)
    vec._counts = lambda m: m  # type: ignore[method-assign]  # the cached counts stand in for the texts
    return vec.fit_transform(c[tr].copy()), vec.transform(c[te].copy())


def bantin_fit(tr: np.ndarray, te: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Predictions of bantin's TextClassifier (calibrate=False: the same decisions) trained on ``tr``."""
    xa, xb = bantin_matrices(tr, te)
    svm = LinearSVC(C=tm.TextClassifier().C, class_weight=bantin_weights(y[tr]), random_state=0)
    return svm.fit(xa, y[tr]).predict(xb)


def check(n: int = 3000) -> dict[str, float]:
    """Agreement of the cached-count shortcut with fitting the real pipelines on texts (a small split)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline

    m, t = meta(), texts()
    rng = np.random.default_rng(0)
    idx = rng.permutation(len(t))[:n]
    tr, te = idx[: n * 2 // 3], idx[n * 2 // 3 :]
    y = m["label"]
    base = make_pipeline(TfidfVectorizer(**BASELINE), LinearSVC()).fit([t[i] for i in tr], y[tr])
    ours = tm.TextClassifier(calibrate=False).fit([t[i] for i in tr], y[tr])
    test = [t[i] for i in te]
    return {"baseline_same": float(np.mean(base.predict(test) == baseline_fit(tr, te, y))),
            "bantin_same": float(np.mean(ours.predict(test) == bantin_fit(tr, te, y)))}


if __name__ == "__main__":
    meta()
    baseline_counts()
    bantin_counts()
    print(json.dumps(check()))
