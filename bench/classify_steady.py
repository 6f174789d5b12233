"""Steady-state CPU of `bantin classify`'s work against the plain one-label pipeline, in one process (#12).

    nice -n 10 .venv/bin/python -m bench.classify_steady [--docs 1024] [--train 6000] [--models DIR]   (prints JSON)

The part of bench/classify_speed.py that does not depend on start-up, for a loaded machine where that bench's
subprocesses take too long: reads ../shared/data/vntc/train.jsonl.gz in place; a seed-0 sample of ``--train``
articles fits a TextClassifier (the ``--model`` of `bantin classify`, default parameters) and the plain
``TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2, max_df=0.5) + LinearSVC()``; the first ``--docs``
other articles are then classified in batches of 256 as `bantin classify` does (shipped topic model, that
classifier, province relevance for Nghệ An, language, each row serialised as JSON) and predicted by the plain
pipeline (one label per row, serialised). Best CPU time (process_time) of 3 alternating runs each. ``--models DIR``
keeps the two fitted models there (pickles this bench wrote), so that runs against two checkouts
(PYTHONPATH=...) score the very same models. Leaves out: process start, imports, model loading, file reading and
writing (bench/classify_speed.py has them).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import pickle
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VNTC = ROOT.parent / "shared" / "data" / "vntc" / "train.jsonl.gz"
# Documents timed: four of `bantin classify`'s batches.
DEFAULT_DOCS = 1024
# Training articles for both models: enough for all 10 classes; prediction cost does not depend on it.
DEFAULT_TRAIN = 6000
# Alternating runs of each side; the best counts (the least disturbed by the machine's other tenants).
RUNS = 3
PLAIN_PARAMS = {"ngram_range": (1, 2), "sublinear_tf": True, "min_df": 2, "max_df": 0.5}


def _models(texts: list[str], labels: list[str], cache: Path | None) -> tuple[Any, Any]:
    path = cache / "classify_steady_models.pickle" if cache else None
    if path is not None and path.is_file():
        return pickle.loads(path.read_bytes())  # noqa: S301 - a file this benchmark wrote itself
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    from bantin.classify.topics.textmodel import TextClassifier

    models = (TextClassifier().fit(texts, labels),
              make_pipeline(TfidfVectorizer(**PLAIN_PARAMS), LinearSVC()).fit(texts, labels))
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps(models))
    return models


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=DEFAULT_DOCS)
    ap.add_argument("--train", type=int, default=DEFAULT_TRAIN)
    ap.add_argument("--models", type=Path, default=None)
    args = ap.parse_args()
    if not VNTC.is_file():
        raise SystemExit(f"needs {VNTC} (../shared beside the project)")
    import numpy as np

    from bantin.classify.relevance.province import ProvinceMatcher
    from bantin.classify.service import Classifier, default_topic_model, language_detector, widened

    with gzip.open(VNTC, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    order = np.random.default_rng(0).permutation(len(rows))
    train = [rows[i] for i in order[: args.train]]
    timed = [{"text": rows[i]["text"]} for i in order[args.train : args.train + args.docs]]
    model, plain = _models([r["text"] for r in train], [r["label"] for r in train], args.models)
    extra = type("Loaded", (), {"model": widened(model)})()
    clf = Classifier("Nghệ An", ProvinceMatcher("Nghệ An"), widened(default_topic_model()), None, "default", extra,
                     language_detector())
    texts = [r["text"] for r in timed]

    def side_a() -> None:
        for i in range(0, len(timed), 256):
            for res in clf.classify(timed[i : i + 256]):
                json.dumps(res, ensure_ascii=False)

    def side_b() -> None:
        for label in plain.predict(texts):
            json.dumps({"label": str(label)}, ensure_ascii=False)

    load_before = os.getloadavg()[0]
    best = {"a": float("inf"), "b": float("inf")}
    for _ in range(RUNS):
        for name, side in (("a", side_a), ("b", side_b)):
            start = time.process_time()
            side()
            best[name] = min(best[name], time.process_time() - start)
    print(json.dumps({
        "docs": len(timed), "train_docs": len(train),
        "bantin_all_outputs_cpu_s": round(best["a"], 3), "plain_one_label_cpu_s": round(best["b"], 3),
        "ratio_cpu": round(best["a"] / best["b"], 3),
        "load_avg_before": round(load_before, 2), "load_avg_after": round(os.getloadavg()[0], 2),
    }, indent=1))


if __name__ == "__main__":
    main()
