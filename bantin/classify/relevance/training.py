"""Training, scoring and registering the learned relevance decision (``bantin model train --kind relevance``).

Items (:mod:`.rows`) of any provinces become :mod:`.evidence` vectors, each through the matcher of its own
province, so one model learns from the three provinces' labels and applies to the configured one. Scores are
those of ``evaluate`` (accuracy and macro-F1 in %, per class; the gate compares macro-F1) plus the figures the
goal is stated in (``primary`` precision / recall / F1, unrelated items called primary), with the rules' own
figures on the same items beside them.
"""

from __future__ import annotations

import time
from collections import Counter
from functools import lru_cache
from typing import Any

import numpy as np

from bantin.classify.labels import LabelError
from bantin.classify.relevance.decision import RelevanceClassifier
from bantin.classify.relevance.evidence import features_of
from bantin.classify.relevance.rows import Item, decode

# What the service, the registry and `bantin model list` call a relevance version's kind (in its metrics).
KIND = "relevance"
# Share of the items held out for the candidate's own scores, stratified by label; fixed seed (same data, same fit).
HOLDOUT_SHARE, SPLIT_SEED = 0.2, 0
# Fewer items than this are all used for training (no held-out score; the frozen set still scores them).
MIN_ITEMS_FOR_HOLDOUT = 20


@lru_cache(maxsize=8)
def matcher_for(province: str) -> Any:
    """One matcher per province (its gazetteer is built, or read from the cache the caller chose, once per process)."""
    from bantin.classify.relevance.province import ProvinceMatcher

    return ProvinceMatcher(province)


def featurize(items: list[Item]) -> tuple[np.ndarray, list[str]]:
    """(feature matrix, the rules' decision per item); LabelError for a province the gazetteer does not know."""
    rows: list[list[float]] = []
    rules: list[str] = []
    for it in items:
        try:
            m = matcher_for(it["province"])
        except (KeyError, ValueError) as exc:
            raise LabelError(f"unknown province {it['province']!r} in the relevance labels: {exc}") from exc
        vec, rule = features_of(m, m.evidence(it["title"] or None, it["text"] or None, it["summary"] or None))
        rows.append(vec)
        rules.append(rule.relevance)
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), -1), rules


def goal_scores(gold: list[str], pred: list[str]) -> dict[str, Any]:
    """``primary`` P/R/F1 and the share of unrelated (gold none) items called primary: the goal's figures."""
    tp = sum(g == p == "primary" for g, p in zip(gold, pred, strict=True))
    fp = sum(p == "primary" != g for g, p in zip(gold, pred, strict=True))
    fn = sum(g == "primary" != p for g, p in zip(gold, pred, strict=True))
    prec, rec = (tp / (tp + fp) if tp + fp else 0.0), (tp / (tp + fn) if tp + fn else 0.0)
    none = [p for g, p in zip(gold, pred, strict=True) if g == "none"]
    return {"primary_precision": round(prec, 3), "primary_recall": round(rec, 3),
            "primary_f1": round(2 * prec * rec / (prec + rec), 3) if prec + rec else 0.0,
            "unrelated_called_primary_pct": round(100 * none.count("primary") / len(none), 1) if none else 0.0}


def score_items(model: RelevanceClassifier, items: list[Item]) -> dict[str, Any]:
    """evaluate()'s figures for the model on ``items``, the goal's figures, and the rules' on the same items."""
    from sklearn.metrics import accuracy_score, precision_recall_fscore_support

    X, rules = featurize(items)
    start = time.perf_counter()
    pred = [str(p) for p in model.predict(X)]
    seconds = time.perf_counter() - start
    gold = [it["label"] for it in items]
    names = sorted(set(gold) | set(pred))
    p, r, f, s = precision_recall_fscore_support(gold, pred, labels=names, zero_division=0)
    return {
        "n": len(items), "accuracy": round(100 * accuracy_score(gold, pred), 2),
        "macro_f1": round(100 * float(np.mean(f[s > 0])), 2),
        "per_class": {n: {"precision": round(100 * a, 2), "recall": round(100 * b, 2), "f1": round(100 * c, 2),
                          "support": int(d)} for n, a, b, c, d in zip(names, p, r, f, s, strict=True)},
        "docs_per_s": round(len(items) / seconds, 1) if seconds > 0 else None,
        **goal_scores(gold, pred), "rules": goal_scores(gold, rules),
    }


def score_encoded(model: RelevanceClassifier, rows: list[tuple[str, str]]) -> dict[str, Any]:
    """:func:`score_items` on the registry's encoded rows (the frozen evaluation set)."""
    return score_items(model, [decode(r) for r in rows])


def split(items: list[Item]) -> tuple[list[Item], list[Item]]:
    from sklearn.model_selection import train_test_split

    counts = Counter(it["label"] for it in items)
    if len(items) < MIN_ITEMS_FOR_HOLDOUT or min(counts.values()) < 2:
        return items, []
    strat = [it["label"] for it in items]
    train, hold = train_test_split(items, test_size=HOLDOUT_SHARE, random_state=SPLIT_SEED, stratify=strat)
    return list(train), list(hold)


def check_trainable(items: list[Item], source: str) -> None:
    """LabelError (one line) when the items cannot train a decision: none, or a single label."""
    if not items:
        raise LabelError(f"no relevance labels to train on ({source}); label articles with "
                         "`bantin label ID --relevance primary|mention|none`, or pass --input FILE")
    labels = sorted({it["label"] for it in items})
    if len(labels) < 2:
        raise LabelError(f"all {len(items)} relevance labels ({source}) are {labels[0]!r}: "
                         "need at least two different labels to train")


def fit(items: list[Item], params: dict[str, Any]) -> RelevanceClassifier:
    X, _rules = featurize(items)
    return RelevanceClassifier(**params).fit(X, [it["label"] for it in items])
