"""How the topic model's labelled view grows with labels (#12): an SVM on the analysts' labels alone, out of fold.

    PYTHONPATH=. .venv/bin/python -m bench.topics_labelled_curve [--sets 7500|all]

The labelled items of rssdata.TRAINING_SETS (``--sets 7500``: the 1,500 and the first pool, as in session 17 when the
second pool was decided; ``all``: every training set), the shipped vectoriser fitted on their texts, LinearSVC per
C and class weighting. Each item is scored by the model trained on the other URL-hash half (rssdata.part_of), on a
random share of that half (25 / 50 / 100 %, seed 0): the learning curve. No held-out set is read.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from sklearn.svm import LinearSVC

from bantin.classify.topics import rssdata
from bantin.classify.topics.features import SyllableTfidfVectorizer
from bantin.classify.topics.model import TopicModel

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SHARES = (0.25, 0.5, 1.0)
SETTINGS = tuple((c, w) for c in (0.1, 0.3, 1.0) for w in ("balanced", None))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sets", choices=("7500", "all"), default="7500")
    args = ap.parse_args()
    sets = rssdata.TRAINING_SETS if args.sets == "all" else (*rssdata.TRAINING_SETS[:5], rssdata.POOL)
    rows = [r for path in sets for r in rssdata.labelled(path)]
    texts, topics = rssdata._joined(SHARED, rows)
    parts, y = np.array([r["part"] for r in rows]), np.array(topics)
    classes = np.array(list(TopicModel().topics))
    X = SyllableTfidfVectorizer(n_features=TopicModel().n_features).fit_transform(texts).tocsr()
    rng = np.random.default_rng(0)
    for share in SHARES:
        for c, weights in SETTINGS:
            pred = np.empty(len(y), dtype=object)
            for fold in rssdata.PARTS:
                tr, te = np.flatnonzero(parts != fold), np.flatnonzero(parts == fold)
                if share < 1:
                    tr = rng.choice(tr, int(len(tr) * share), replace=False)
                svm = LinearSVC(C=c, class_weight=weights, random_state=0).fit(X[tr], y[tr])
                pred[te] = svm.predict(X[te])
            print(json.dumps({"labels": len(y), "share": share, "C": c, "class_weight": weights,
                              "train_per_fold": int(len(y) / 2 * share),
                              "top1": round(100 * float(np.mean(pred == y)), 2),
                              "classes_seen": int(len(set(y) & set(classes)))}), flush=True)


if __name__ == "__main__":
    main()
