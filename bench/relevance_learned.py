"""The learned relevance decision on the dev set (used by bench/relevance.py): chosen by CV in the tune halves.

Train only on tune halves. Every configuration of :data:`GRID` is scored by stratified 5-fold CV over the three
provinces' tune halves pooled (out-of-fold predictions, scored per province) and by leave-one-province-out
(train on two provinces' tune halves, score the third: does one model transfer to a province it has not seen?).
The choice is the best mean over provinces of the 5-fold out-of-fold ``primary`` F1, among configurations whose
out-of-fold unrelated→primary share is at most the goal's 1 % in every province (if none is, the best F1). Then
one model with that configuration is fitted on all tune halves; with ``--heldout`` it scores the held-out halves.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bantin.classify.relevance.decision import RelevanceClassifier
from bantin.classify.relevance.rows import Item, item
from bantin.classify.relevance.training import featurize, goal_scores

# Configurations compared by CV (RelevanceClassifier parameters).
GRID: tuple[dict[str, Any], ...] = (
    *({"kind": "logistic", "C": c, "class_weight": w} for c in (0.03, 0.1, 1.0, 10.0) for w in (None, "balanced")),
    *({"kind": "boosting", "max_depth": d, "max_iter": n, "learning_rate": 0.1} for d in (2, 3) for n in (100,)),
)
FOLDS, SEED = 5, 0
# The goal's ceiling on unrelated items called primary, in %.
MAX_UNRELATED_PCT = 1.0


def items_of(labels: list[dict[str, str]], articles: dict[str, dict[str, str]]) -> list[Item]:
    return [item(lab["province"], lab["relevance"], articles[lab["url"]]["title"], articles[lab["url"]]["summary"])
            for lab in labels]


def _per_province(its: list[Item], pred: list[str]) -> dict[str, dict[str, Any]]:
    out = {}
    for prov in sorted({it["province"] for it in its}):
        idx = [i for i, it in enumerate(its) if it["province"] == prov]
        out[prov] = goal_scores([its[i]["label"] for i in idx], [pred[i] for i in idx])
    return out


def cv(its: list[Item], X: np.ndarray, params: dict[str, Any]) -> dict[str, Any]:
    from sklearn.model_selection import StratifiedKFold

    y = np.asarray([it["label"] for it in its])
    oof = np.empty(len(its), dtype=object)
    strata = [f"{it['province']}/{it['label']}" for it in its]  # each fold sees every province and label
    for tr, te in StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(X, strata):
        oof[te] = RelevanceClassifier(**params).fit(X[tr], y[tr]).predict(X[te])
    lopo = np.empty(len(its), dtype=object)
    provs = np.asarray([it["province"] for it in its])
    for prov in sorted(set(provs)):
        te = provs == prov
        lopo[te] = RelevanceClassifier(**params).fit(X[~te], y[~te]).predict(X[te])
    kfold, grouped = _per_province(its, list(oof)), _per_province(its, list(lopo))
    return {"params": params, "kfold": kfold, "leave_one_province_out": grouped,
            "kfold_mean_f1": round(float(np.mean([v["primary_f1"] for v in kfold.values()])), 4),
            "lopo_mean_f1": round(float(np.mean([v["primary_f1"] for v in grouped.values()])), 4),
            "kfold_max_unrelated_pct": max(v["unrelated_called_primary_pct"] for v in kfold.values()),
            "_oof": [str(p) for p in oof], "_lopo": [str(p) for p in lopo]}


def best_of(its: list[Item], X: np.ndarray) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(the chosen configuration's CV figures, every configuration's) for items already featurized."""
    results = [cv(its, X, dict(p)) for p in GRID]
    ok = [r for r in results if r["kfold_max_unrelated_pct"] <= MAX_UNRELATED_PCT] or results
    return max(ok, key=lambda r: (r["kfold_mean_f1"], r["lopo_mean_f1"])), results


def choose(tune: list[Item]) -> tuple[dict[str, Any], list[dict[str, Any]], RelevanceClassifier, list[str]]:
    """(chosen params, every configuration's CV figures, the model fitted on all of ``tune``, rules' tune labels)."""
    X, rules = featurize(tune)
    best, results = best_of(tune, X)
    model = RelevanceClassifier(**best["params"]).fit(X, [it["label"] for it in tune])
    return best["params"], results, model, rules


def predict(model: RelevanceClassifier, its: list[Item]) -> list[str]:
    X, _ = featurize(its)
    return [str(p) for p in model.predict(X)] if its else []
