"""Topics on real RSS items (#12): top-1 / top-3 of the shipped model, a plain baseline and the new model.

    .venv/bin/python -m bench.topics_rss [--shipped DIR] [--heldout]      (prints JSON)

Scores data/topics/rss_topic_labels.jsonl (400 items labelled by reading, texts joined from ../shared by URL)
on its tune part, and with ``--heldout`` also on its held-out part; every held-out look is counted in
data/topics/heldout_looks.json (keep them to one or two final looks). The new model is trained here by the
default recipe (trainset.train_default, ~3 minutes); the plain baseline is TfidfVectorizer(ngram_range=(1, 2),
sublinear_tf=True, min_df=2) + LinearSVC() trained on the same final training data. ``--shipped`` is the
directory of the model to compare with (topics.skops + manifest.json; default: the one in the package).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from bantin.classify.topics.rssdata import LABELS, PARTS, labelled_texts

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
LOOKS = LABELS.with_name("heldout_looks.json")
# Confusions listed per model and part (the most frequent first).
TOP_CONFUSIONS = 8


def scores(ranked: list[list[str]], gold: list[str]) -> dict:
    top1 = [r[0] == g for r, g in zip(ranked, gold, strict=True)]
    top3 = [g in r[:3] for r, g in zip(ranked, gold, strict=True)]
    per_topic: dict[str, dict[str, int]] = {}
    for g, ok in zip(gold, top1, strict=True):
        d = per_topic.setdefault(g, {"n": 0, "top1": 0})
        d["n"] += 1
        d["top1"] += int(ok)
    confusions = Counter(f"{g} -> {r[0]}" for r, g in zip(ranked, gold, strict=True) if r[0] != g)
    return {"n": len(gold), "top1": round(100 * float(np.mean(top1)), 1), "top3": round(100 * float(np.mean(top3)), 1),
            "per_topic": dict(sorted(per_topic.items())), "confusions": dict(confusions.most_common(TOP_CONFUSIONS))}


def ranked_from(matrix: np.ndarray, classes: np.ndarray) -> list[list[str]]:
    return [[str(classes[j]) for j in row] for row in np.argsort(-matrix, axis=1)[:, :3]]


def record_look(note: str) -> int:
    looks = json.loads(LOOKS.read_text(encoding="utf-8")) if LOOKS.is_file() else {"looks": []}
    looks["looks"].append({"at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%MZ"), "note": note})
    LOOKS.write_text(json.dumps(looks, indent=1) + "\n", encoding="utf-8")
    return len(looks["looks"])


def main() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    from bantin.classify.service import DEFAULT_MODEL_DIR, default_topic_model
    from bantin.classify.topics.trainset import train_default

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shipped", type=Path, default=DEFAULT_MODEL_DIR)
    ap.add_argument("--heldout", action="store_true", help="also score the held-out part (counted as a look)")
    ap.add_argument("--note", default="", help="why this held-out look (stored with the count)")
    args = ap.parse_args()
    if not (SHARED / "news").is_dir():
        sys.exit(f"needs the ../shared data at {SHARED}")
    parts = list(PARTS) if args.heldout else ["tune"]
    data = {p: labelled_texts(SHARED, p) for p in parts}
    shipped = default_topic_model(args.shipped)
    t0 = time.perf_counter()
    new, texts, labels, info = train_default(SHARED)
    new_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    plain = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2), LinearSVC()).fit(texts, labels)
    plain_s = time.perf_counter() - t0
    models = {
        "shipped": lambda x: ranked_from(shipped.predict_proba(x), shipped.classes_),
        "plain_baseline": lambda x: ranked_from(plain.decision_function(x), plain.classes_),
        "new": lambda x: ranked_from(new.predict_proba(x), new.classes_),
    }
    out: dict = {"training": {**info, "rows": len(texts), "new_fit_s": round(new_s, 1),
                              "plain_fit_s": round(plain_s, 1), "temperature": round(new.temperature_, 4)},
                 "parts": {}}
    for p in parts:
        x, gold = data[p]
        out["parts"][p] = {name: scores(fn(x), gold) for name, fn in models.items()}
    if args.heldout:
        out["heldout_looks"] = record_look(args.note)
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
