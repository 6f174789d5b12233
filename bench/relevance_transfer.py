"""The learned relevance decision trained on other provinces' labels (#12): does it transfer, and beat the rules?

    PYTHONPATH=. .venv/bin/python -m bench.relevance_transfer            # CV on the training labels only
    PYTHONPATH=. .venv/bin/python -m bench.relevance_transfer --look --note WHY   # also score fresh4 + fresh7 (looks)

Training labels: data/relevance/other_provinces_labels.jsonl (3,000 items of twelve other provinces, labelled by
reading) and the tuning data of the three provinces (the dev set and the retired fresh sets, bench/relevance.py).
The evidence features name no province, so one model serves any. Three training sets are compared: the other
provinces alone, both, the tuning data alone; for each the configuration is chosen by bench/relevance_learned.py's
CV (stratified 5-fold and leave-one-province-out) inside its training set. Without ``--look`` only those CV figures
are printed (and the rules' on the same items: in-sample for the tuning data, which the rules were fitted to; out of
sample for the other provinces, which they never saw). ``--look`` scores the held-out sets of the shipped rules
(fresh4 + fresh7) with the rules, the substring baseline and each learned model, and counts a look at each set.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

import numpy as np

from bantin.classify.relevance.decision import RelevanceClassifier
from bantin.classify.relevance.training import featurize, goal_scores
from bench import relevance as rb
from bench import relevance_learned as rl
from bench.looks import record_look

OTHER = rb.LABELS.with_name("other_provinces_labels.jsonl")
HELD_OUT = ("fresh4_labels.jsonl", "fresh7_labels.jsonl")


def per_province(labels: list[dict[str, str]], gold: list[str], pred: list[str]) -> dict[str, dict[str, Any]]:
    out = {}
    for prov in sorted({lab["province"] for lab in labels}):
        idx = [i for i, lab in enumerate(labels) if lab["province"] == prov]
        out[prov] = goal_scores([gold[i] for i in idx], [pred[i] for i in idx])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--look", action="store_true", help="also score fresh4 + fresh7 (counted as a look at each)")
    ap.add_argument("--note", default="", help="why this look (stored with the count)")
    args = ap.parse_args()
    if not rb.RSS.is_file():
        print(json.dumps({"skipped": f"needs ../shared data ({rb.RSS} not found)"}))
        return
    sets = {"other": rb.load_labels(OTHER),
            "tuning": rb.load_labels() + [lab for path in rb.RETIRED for lab in rb.load_labels(path)],
            "held_out": [lab for name in HELD_OUT for lab in rb.load_labels(rb.LABELS.with_name(name))]}
    articles = rb.join_articles([lab for labels in sets.values() for lab in labels])
    data = {}
    for name, labels in sets.items():  # sorted by province: the matchers are built once each
        labels = sorted(labels, key=lambda lab: lab["province"])
        items = rl.items_of(labels, articles)
        X, rules = featurize(items)
        data[name] = (labels, items, X, rules, [it["label"] for it in items])
    out: dict[str, Any] = {"rules": {k: per_province(data[k][0], data[k][4], data[k][3]) for k in ("other", "tuning")}}
    if args.look:
        labels, _, _, rules, gold = data["held_out"]
        base = [rb.baseline(lab["province"], articles[lab["url"]]["title"], articles[lab["url"]]["summary"])
                for lab in labels]
        out["held_out"] = {"rules": per_province(labels, gold, rules), "baseline": per_province(labels, gold, base)}
        out["looks"] = {name: record_look(rb.LOOKS, name, args.note) for name in HELD_OUT}
    for variant, parts in {"other": ("other",), "other+tuning": ("other", "tuning"), "tuning": ("tuning",)}.items():
        labels = [lab for p in parts for lab in data[p][0]]
        items = [it for p in parts for it in data[p][1]]
        X = np.vstack([data[p][2] for p in parts])
        best, _ = rl.best_of(items, X)
        gold = [it["label"] for it in items]
        row: dict[str, Any] = {"n_train": len(items), "chosen": best["params"],
                               "leave_one_province_out": per_province(labels, gold, best["_lopo"]),
                               "kfold": per_province(labels, gold, best["_oof"])}
        if args.look:
            model = RelevanceClassifier(**best["params"]).fit(X, gold)
            held = data["held_out"]
            row["held_out"] = per_province(held[0], held[4], [str(p) for p in model.predict(held[2])])
        out[variant] = row
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
