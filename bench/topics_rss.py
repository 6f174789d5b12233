"""Topics on real RSS items (#12): top-1 / top-3 of the shipped model, a plain baseline and the new model.

    .venv/bin/python -m bench.topics_rss [--shipped DIR] [--new DIR] [--fresh] [--fresh2] [--fresh3] [--fresh4] [--fresh5] [--fresh6] --note WHY

Two labelled sets (texts joined from ../shared by URL): the 400 items of data/topics/rss_topic_labels.jsonl, the
tuning data (both of their halves; the new recipe trains on them as labelled rows, so figures there are in-sample
for it and its choices come from cross-validation inside them, bench/topics_cv.py), and the fresh held-out set
data/topics/rss_topic_labels_fresh.jsonl (250 items drawn later, excluding the 400): ``--fresh`` scores it, and
each such run is counted in data/topics/heldout_looks.json (one final look). ``--fresh2`` scores the second
fresh set, data/topics/rss_topic_labels_fresh2.jsonl (250 more items drawn on 2026-12-03 excluding both earlier
sets, labelled by reading before any model was run on them; excluded from every model's weak rows), counted there
under "fresh2". ``--fresh3`` scores the third, data/topics/rss_topic_labels_fresh3.jsonl (300 items drawn and
labelled the same way on 2026-12-03, excluding the three earlier sets), the held-out set since the recipe trains on
the 400 and both earlier fresh sets, counted under "fresh3"; ``--fresh4`` the fourth (300 items drawn in session 14,
excluding the four earlier sets), the held-out set of sessions 14-15; ``--fresh5`` the fifth (300 items drawn in session 16,
excluding the five earlier sets), held out with ``--fresh6``, the sixth (300 items drawn in session 17, excluding every
earlier set): the two held-out sets (rssdata.HELD_OUT_SETS) since the recipe trains on the others and two pools. ``--new`` is the directory of the
new model (default: the one in the package, built by build_default); the plain baseline, TfidfVectorizer(
ngram_range=(1, 2), sublinear_tf=True, min_df=2) + LinearSVC(), is trained here on the new recipe's training
data with the same row weights (trainset.final_training_data, ~4 minutes). ``--shipped`` is the directory of the
model to compare with (topics.skops + manifest.json; e.g. the model before this change, from git history).
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from bantin.classify.topics.rssdata import (
    FRESH,
    FRESH2,
    FRESH3,
    FRESH4,
    FRESH5,
    FRESH6,
    LABELS,
    labelled_texts,
)
from bench.looks import record_look

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
LOOKS = LABELS.with_name("heldout_looks.json")
# The fresh held-out sets, by their key in LOOKS (and their command-line flag).
HELD_OUT = {"fresh": FRESH, "fresh2": FRESH2, "fresh3": FRESH3, "fresh4": FRESH4, "fresh5": FRESH5, "fresh6": FRESH6}
# Confusions listed per model and set (the most frequent first).
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


def _ranked_by(model: Any, texts: list[str]) -> list[list[str]]:
    return ranked_from(model.predict_proba(texts), model.classes_)


def main() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    from bantin.classify.service import DEFAULT_MODEL_DIR, default_topic_model
    from bantin.classify.topics.trainset import final_training_data

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shipped", type=Path, required=True, help="directory of the model to compare with")
    ap.add_argument("--new", type=Path, default=DEFAULT_MODEL_DIR, help="directory of the new model")
    ap.add_argument("--also", type=Path, action="append", default=[],
                    help="another model directory scored in the same look (reported by its directory name)")
    ap.add_argument("--fresh", action="store_true", help="also score the fresh held-out set (counted as a look)")
    ap.add_argument("--fresh2", action="store_true", help="also score the second fresh set (counted as a look)")
    ap.add_argument("--fresh3", action="store_true", help="also score the third fresh set (counted as a look)")
    ap.add_argument("--fresh4", action="store_true", help="also score the fourth fresh set (counted as a look)")
    ap.add_argument("--fresh5", action="store_true", help="also score the fifth fresh set (counted as a look)")
    ap.add_argument("--fresh6", action="store_true", help="also score the sixth fresh set (counted as a look)")
    ap.add_argument("--note", default="", help="why this look at the fresh set (stored with the count)")
    args = ap.parse_args()
    if not (SHARED / "news").is_dir():
        sys.exit(f"needs the ../shared data at {SHARED}")
    sets = {"old400": labelled_texts(SHARED)}
    looked = [key for key in HELD_OUT if getattr(args, key)]
    for key in looked:
        sets[key] = labelled_texts(SHARED, path=HELD_OUT[key])
    t0 = time.perf_counter()
    texts, labels, weights, info = final_training_data(SHARED)
    data_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    plain = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2), LinearSVC())
    plain.fit(texts, labels, linearsvc__sample_weight=np.asarray(weights))
    plain_s = time.perf_counter() - t0
    # loaded last (the new model may be rebuilt while the baseline trains); the same artifact twice is refused
    dirs = {"shipped": args.shipped, "new": args.new, **{f"also:{d.name}": d for d in args.also}}
    sha = [json.loads((d / "manifest.json").read_text(encoding="utf-8"))["sha256"] for d in dirs.values()]
    if len(set(sha)) < len(sha):
        sys.exit("two of the models given are the same artifact: nothing scored, no look counted")
    loaded: dict[str, Any] = {name: default_topic_model(d) for name, d in dirs.items()}
    models: dict[str, Callable[[list[str]], list[list[str]]]] = {
        name: functools.partial(_ranked_by, m) for name, m in loaded.items()}
    models["plain_baseline"] = lambda x: ranked_from(plain.decision_function(x), plain.classes_)
    new = loaded["new"]
    out: dict = {"training": {**info, "rows": len(texts), "data_s": round(data_s, 1), "plain_fit_s": round(plain_s, 1),
                              "new_temperature": round(new.temperature_, 4)},
                 "note": "old400: the new recipe's tuning data (in-sample for new and plain_baseline when they "
                         "train on the 400); fresh: the held-out set", "sets": {}}
    for name, (x, gold) in sets.items():
        out["sets"][name] = {m: scores(fn(x), gold) for m, fn in models.items()}
    for key in looked:
        out[f"{key}_looks"] = record_look(LOOKS, key, args.note, str(HELD_OUT[key].relative_to(LABELS.parents[2])))
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
