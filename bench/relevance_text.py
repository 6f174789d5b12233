"""Relevance (#12): do masked text n-grams beside the evidence features help the learned decision? CV only.

    PYTHONPATH=. .venv/bin/python -m bench.relevance_text

Training data as bench/relevance_transfer.py's "other+tuning" (the twelve other provinces' labels and the three
provinces' tuning data). Text: title + summary, every province name replaced by PROVSELF (the item's province) or
PROVOTHER, hashed word 1-2-grams (binary, L2), weighted and set beside the standardised evidence features; a
multinomial logistic regression. Scored leave-one-province-out (each province by a model that never saw it); no
held-out set is read. Prints one JSON line per setting (the rules' F1 on the same items first).
"""

from __future__ import annotations

import json
import re

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler, normalize

from bantin.classify.relevance.gazetteer import short_name
from bantin.classify.relevance.training import featurize
from bench import relevance as rb
from bench import relevance_learned as rl
from bench.relevance_transfer import OTHER, per_province

GOAL = ("Hà Tĩnh", "Hưng Yên", "Nghệ An")
# (C, weight of the text block) tried; weight 0 is the evidence alone.
SETTINGS = tuple((c, w) for c in (0.1, 1.0) for w in (0.0, 1.0, 3.0, 10.0))


def main() -> None:
    from vietnam_provinces import Province

    names = sorted({short_name(p.name) for p in Province.iter_all()}, key=len, reverse=True)
    pat = re.compile(r"(?<!\w)(?:tỉnh |thành phố |TP\.? ?)?(" + "|".join(map(re.escape, names)) + r")(?!\w)", re.I)
    labels = (sorted(rb.load_labels(OTHER), key=lambda lab: lab["province"])
              + sorted(rb.load_labels() + [lab for p in rb.RETIRED for lab in rb.load_labels(p)],
                       key=lambda lab: lab["province"]))
    arts = rb.join_articles(labels)
    items = rl.items_of(labels, arts)
    X, rules = featurize(items)
    y, provs = np.array([it["label"] for it in items]), np.array([lab["province"] for lab in labels])

    def masked(lab: dict[str, str]) -> str:
        text = arts[lab["url"]]["title"] + " \n " + arts[lab["url"]]["summary"]
        return pat.sub(lambda m: " PROVSELF " if m.group(1).lower() == lab["province"].lower() else " PROVOTHER ", text)

    H = normalize(HashingVectorizer(ngram_range=(1, 2), n_features=2**16, alternate_sign=False, binary=True,
                                    norm=None).transform([masked(lab) for lab in labels]))
    print(json.dumps({"rules": {p: v["primary_f1"] for p, v in per_province(labels, list(y), rules).items()}},
                     ensure_ascii=False), flush=True)
    for c, weight in SETTINGS:
        pred = np.empty(len(y), dtype=object)
        for prov in sorted(set(provs)):
            te = provs == prov
            sc = StandardScaler().fit(X[~te])
            a = sp.hstack([sp.csr_matrix(sc.transform(X[~te])), weight * H[~te]]).tocsr()
            b = sp.hstack([sp.csr_matrix(sc.transform(X[te])), weight * H[te]]).tocsr()
            pred[te] = LogisticRegression(C=c, max_iter=2000).fit(a, y[~te]).predict(b)
        r = per_province(labels, list(y), [str(p) for p in pred])
        print(json.dumps({"C": c, "text_weight": weight,
                          "goal": {p: (r[p]["primary_f1"], r[p]["unrelated_called_primary_pct"]) for p in GOAL},
                          "mean_other": round(float(np.mean([v["primary_f1"] for p, v in r.items() if p not in GOAL])), 4)},
                         ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
