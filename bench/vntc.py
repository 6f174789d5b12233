"""VNTC figures for the text classifier: honest 5-fold CV, training time, size, speed vs the baseline.

    .venv/bin/python -m bench.vntc [--folds 5] [--plain] [--limit N]     (prints JSON)
    PYTHONPATH=. .venv/bin/python -m bench.vntc --split leave_tt_out      (one split of bench/vntc_split.py)

``--split NAME`` trains the plain baseline, bantin's TextClassifier and the #12 model
(bantin.classify.topics.vntc_model) on the split's training side, from the texts, and reports all three on
its validation part (accuracy, macro-F1, accuracy at the official test's label mix), the baseline beside.

Reads ../shared/data/vntc/train.jsonl.gz in place. CV folds are grouped by exact text
(StratifiedGroupKFold) so duplicated texts - including the 49 texts carrying two labels - never
straddle train and test; ``--plain`` adds ordinary StratifiedKFold for comparison. Each fold also reports
``accuracy_any_gold``: a prediction counts as right when it is any label its exact text carries (the 49 texts
with two labels are otherwise sure errors); the headline figure is the plain accuracy. Speed is measured
side by side on the same documents in one process against TfidfVectorizer(ngram_range=(1, 2)) +
LinearSVC; CPU time (process_time) is reported next to wall time because the machine is shared.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import pickle
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

from bantin.classify.topics.textmodel import TextClassifier, evaluate

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
VNTC = SHARED / "vntc" / "train.jsonl.gz"
# Repeats of each speed measurement; the best (least disturbed) run counts.
SPEED_REPEATS = 3


def load_jsonl(path: Path, limit: int | None = None) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    rows = []
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            rows.append(json.loads(line))
            if limit and len(rows) >= limit:
                break
    return rows


def load_vntc(limit: int | None = None) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Texts, labels and exact-text group ids (a stratified every-k-th sample when ``limit``)."""
    rows = load_jsonl(VNTC)
    if limit and limit < len(rows):
        rows = rows[:: max(1, len(rows) // limit)][:limit]
    texts = [r["text"] for r in rows]
    ids: dict[str, int] = {}
    groups = np.array([ids.setdefault(t, len(ids)) for t in texts])  # np.unique on str would need GBs
    return texts, np.array([r["label"] for r in rows]), groups


def best_speed(fn, texts: list[str]) -> dict:  # type: ignore[no-untyped-def]
    """Best-of-N docs/s for ``fn(texts)``, CPU and wall clock."""
    cpu, wall = [], []
    for _ in range(SPEED_REPEATS):
        c0, w0 = time.process_time(), time.perf_counter()
        fn(texts)
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return {"cpu_docs_per_s": round(len(texts) / min(cpu), 1), "wall_docs_per_s": round(len(texts) / min(wall), 1)}


def cross_validate(texts: list[str], labels: np.ndarray, groups: np.ndarray | None, folds: int) -> dict:
    split = (StratifiedGroupKFold(folds, shuffle=True, random_state=0) if groups is not None
             else StratifiedKFold(folds, shuffle=True, random_state=0))
    gold: dict[str, set] = {}
    for t, y in zip(texts, labels, strict=True):
        gold.setdefault(t, set()).add(y)
    rows = []
    for k, (tr, te) in enumerate(split.split(texts, labels, groups)):
        t0 = time.perf_counter()
        model = TextClassifier(calibrate=False).fit([texts[i] for i in tr], labels[tr])
        test = [texts[i] for i in te]
        res = evaluate(model, test, labels[te])
        fit_s = time.perf_counter() - t0  # fit + one prediction pass, as before
        any_gold = np.mean([p in gold[t] for p, t in zip(model.predict(test), test, strict=True)])
        rows.append({"fold": k, "n_test": len(te), "accuracy": res["accuracy"], "macro_f1": res["macro_f1"],
                     "accuracy_any_gold": round(100 * float(any_gold), 2), "fit_s": round(fit_s, 1)})
        print(json.dumps({"progress": rows[-1]}), flush=True)
    acc, f1 = np.array([r["accuracy"] for r in rows]), np.array([r["macro_f1"] for r in rows])
    any_gold = np.array([r["accuracy_any_gold"] for r in rows])
    return {"folds": rows, "accuracy_mean": round(float(acc.mean()), 2), "accuracy_std": round(float(acc.std()), 2),
            "macro_f1_mean": round(float(f1.mean()), 2), "macro_f1_std": round(float(f1.std()), 2),
            "accuracy_any_gold_mean": round(float(any_gold.mean()), 2)}


def speed_and_size(texts: list[str], labels: np.ndarray, groups: np.ndarray) -> dict:
    """Train on all texts (timed), then prediction speed vs the baseline on one held-out fold."""
    t0 = time.perf_counter()
    full = TextClassifier().fit(texts, labels)
    train_s = time.perf_counter() - t0
    blob = pickle.dumps(full, protocol=5)
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz:
        gz.write(blob)
    tr, te = next(StratifiedGroupKFold(5, shuffle=True, random_state=1).split(texts, labels, groups))
    train, test = [texts[i] for i in tr], [texts[i] for i in te]
    ours = TextClassifier(calibrate=False).fit(train, labels[tr])
    base = make_pipeline(TfidfVectorizer(ngram_range=(1, 2)), LinearSVC()).fit(train, labels[tr])
    speed = {}
    for _ in range(2):  # interleaved so that load on the shared machine hits both alike
        speed["baseline"] = best_speed(base.predict, test)
        speed["ours"] = best_speed(ours.predict, test)
    b_acc = round(100 * float(np.mean(base.predict(test) == labels[te])), 2)
    o_acc = round(100 * float(np.mean(ours.predict(test) == labels[te])), 2)
    return {
        "train_all_s": round(train_s, 1), "n_train_all": len(texts), "temperature": round(full.temperature_, 3),
        "pickle_bytes": len(blob), "pickle_gz_bytes": buf.getbuffer().nbytes,
        "speed_docs": len(test), "mean_chars": round(float(np.mean([len(t) for t in test]))),
        "speed": speed, "speed_ratio_cpu": round(speed["ours"]["cpu_docs_per_s"] / speed["baseline"]["cpu_docs_per_s"], 2),
        "speed_ratio_wall": round(speed["ours"]["wall_docs_per_s"] / speed["baseline"]["wall_docs_per_s"], 2),
        "same_fold_accuracy": {"baseline": b_acc, "ours": o_acc},
    }


def expected_calibration_error(prob: np.ndarray, truth: np.ndarray, bins: int = 10) -> tuple[float, list]:
    """ECE over every (text, topic) score, and the reliability table (bin, mean score, positive rate, n)."""
    p, t = prob.ravel(), truth.ravel().astype(float)
    idx = np.minimum((p * bins).astype(int), bins - 1)
    table, ece = [], 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            table.append([b, round(float(p[m].mean()), 3), round(float(t[m].mean()), 3), int(m.sum())])
            ece += m.mean() * abs(p[m].mean() - t[m].mean())
    return round(float(ece), 4), table


def topics_bench(test_share: float = 0.15) -> dict:
    """TopicModel on the mapped + seeded data: held-out per-topic P/R/F1 at 0.5, ECE, size, fit time."""
    from sklearn.metrics import precision_recall_fscore_support
    from sklearn.model_selection import train_test_split

    from bantin.classify.topics.model import TopicModel, topic_training_data

    texts, labels = topic_training_data(SHARED)
    tr, te = train_test_split(np.arange(len(texts)), test_size=test_share, random_state=0)
    t0 = time.perf_counter()
    model = TopicModel().fit([texts[i] for i in tr], [labels[i] for i in tr])
    fit_s = time.perf_counter() - t0
    prob = model.predict_proba([texts[i] for i in te])
    truth = np.array([[k in labels[i] for k in model.classes_] for i in te])
    p, r, f, s = precision_recall_fscore_support(truth, prob >= 0.5, zero_division=0)
    ece, table = expected_calibration_error(prob, truth)
    return {
        "n_train": len(tr), "n_test": len(te), "fit_s": round(fit_s, 1), "pickle_bytes": len(pickle.dumps(model)),
        "per_topic": {str(k): {"precision": round(100 * a, 1), "recall": round(100 * b, 1), "f1": round(100 * c, 1),
                               "support": int(d)} for k, a, b, c, d in zip(model.classes_, p, r, f, s, strict=True)},
        "ece": ece, "reliability": table,
    }


def split_bench(name: str) -> dict:
    """The three models on one split of bench/vntc_split.py (the chosen one: ``leave_tt_out``)."""
    from bantin.classify.topics.vntc_model import VntcTextModel
    from bench import vntc_cache, vntc_split

    m = vntc_cache.meta()
    texts = vntc_cache.texts()
    out: dict = {"split": name, "folds": []}
    for tr, te in vntc_split.splits(name, m):
        train, test, y = [texts[i] for i in tr], [texts[i] for i in te], m["label"]
        fold: dict = {"n_train": len(tr), "n_test": len(te)}
        models = {"baseline": make_pipeline(TfidfVectorizer(**vntc_cache.BASELINE), LinearSVC()),
                  "bantin_textmodel": TextClassifier(calibrate=False), "vntc_model": VntcTextModel()}
        for key, model in models.items():
            t0 = time.perf_counter()
            model.fit(train, y[tr])
            fit_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            pred = model.predict(test)
            fold[key] = {**vntc_split.score(y[te], pred), "fit_s": round(fit_s, 1),
                         "predict_docs_per_s": round(len(test) / (time.perf_counter() - t0), 1)}
        for key in ("bantin_textmodel", "vntc_model"):
            fold[key]["gain_vs_baseline"] = round(fold[key]["accuracy"] - fold["baseline"]["accuracy"], 2)
        out["folds"].append(fold)
        print(json.dumps({"progress": fold}), flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--plain", action="store_true", help="also run ungrouped StratifiedKFold")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--skip-cv", action="store_true")
    ap.add_argument("--topics", action="store_true", help="only the taxonomy TopicModel figures")
    ap.add_argument("--split", help="phép chia của bench/vntc_split.py (a split name, e.g. leave_tt_out)")
    args = ap.parse_args()
    if args.split:
        from bench.vntc_split import NAMES

        if args.split not in NAMES:
            raise SystemExit(f"không có phép chia '{args.split}' (unknown split); có: {', '.join(NAMES)}")
        print(json.dumps(split_bench(args.split), ensure_ascii=False, indent=1))
        return
    if args.topics:
        print(json.dumps(topics_bench(), ensure_ascii=False, indent=1))
        return
    texts, labels, groups = load_vntc(args.limit)
    out: dict = {"n_docs": len(texts), "n_distinct_texts": int(groups.max() + 1), "params": TextClassifier().get_params()}
    if not args.skip_cv:
        out["cv_grouped_by_text"] = cross_validate(texts, labels, groups, args.folds)
        if args.plain:
            out["cv_plain"] = cross_validate(texts, labels, None, args.folds)
    out["full"] = speed_and_size(texts, labels, groups)
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
