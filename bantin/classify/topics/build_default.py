"""Build the default topic model shipped in bantin/classify/topics/default_model/ from ../shared data.

    .venv/bin/python -m bantin.classify.topics.build_default [--shared ../shared] [--out bantin/classify/topics/default_model]

Trains by the recipe for the real input (#12, trainset.train_default: weak RSS labels + tc201805 snippets +
self-training + the analysts' labels of rssdata.TRAINING_SETS, 16,500 items, as weighted rows, plus a view trained on
those labels alone; the view's weight, the society offset and the temperature from out-of-fold decisions on them),
records those out-of-fold figures and the calibration of the top score on them, and writes topics.skops,
manifest.json (sha256, trusted types) and metrics.json. The held-out figures (rssdata.HELD_OUT_SETS) come from
bench/topics_rss.py --fresh5 --fresh6. Commit a new model only when it is better there (every version stays in git
history).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

from bantin.classify.registry.store import TRUSTED_TYPE_PREFIXES

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_OUT = Path(__file__).with_name("default_model")
# The repo's cap for a shipped model (the bound).
MAX_MODEL_BYTES = 10 * 1024 * 1024


def _ece(probs: np.ndarray, truth: np.ndarray, bins: int = 10) -> float:
    edges = np.linspace(0, 1, bins + 1)
    total, err = probs.size, 0.0
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        m = (probs >= lo) & (probs < hi if hi < 1 else probs <= hi)
        if m.any():
            err += m.sum() / total * abs(probs[m].mean() - truth[m].mean())
    return float(err)


def build(shared: Path, out: Path) -> dict[str, object]:
    import skops.io as sio

    from bantin.classify.topics.rssdata import training_labelled
    from bantin.classify.topics.trainset import train_default

    data = shared / "data" if (shared / "data").is_dir() else shared
    t0 = time.perf_counter()
    model, texts, labels, info = train_default(data)
    fit_s = time.perf_counter() - t0
    lab_texts, lab_topics = training_labelled(data)
    probs = np.asarray(model.predict_proba(lab_texts))
    gold = np.array(lab_topics)
    top1 = model.classes_[probs.argmax(axis=1)] == gold
    data_bytes = sio.dumps(model)
    if len(data_bytes) > MAX_MODEL_BYTES:
        sys.exit(f"model is {len(data_bytes)} bytes, over the {MAX_MODEL_BYTES}-byte cap for the repo")
    trusted = sorted(sio.get_untrusted_types(data=data_bytes))
    bad = [t for t in trusted if not t.startswith(TRUSTED_TYPE_PREFIXES)]
    if bad:
        sys.exit(f"model needs types outside {TRUSTED_TYPE_PREFIXES}: {bad}")
    training_hash = hashlib.sha256(
        "\n".join(f"{t}\t{lab}" for t, lab in sorted(zip(texts, labels, strict=True))).encode()
    ).hexdigest()
    metrics = {
        "model": "topics", "train_rows": len(texts), **info, "fit_seconds": round(fit_s, 1),
        "temperature": round(model.temperature_, 4), "society_offset": model.society_offset,
        "labelled_in_sample": {"n": len(gold), "top1": round(100 * float(top1.mean()), 1),
                                  "ece_top1": round(_ece(probs.max(axis=1), top1.astype(float)), 4)},
        "training_data_hash": training_hash, "bytes": len(data_bytes),
        "note": "oof_top1_by_offset: the labelled items of rssdata.TRAINING_SETS, each scored by the fold model that "
                "did not train on it (the offset and temperature were chosen on these); labelled_in_sample: the final "
                "model on its own training rows (optimistic); held-out figures: bench/topics_rss.py --fresh5 --fresh6, "
                "docs/benchmarks.md",
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / "topics.skops").write_bytes(data_bytes)
    manifest = {"file": "topics.skops", "sha256": hashlib.sha256(data_bytes).hexdigest(), "trusted_types": trusted,
                "training_data_hash": training_hash}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    (out / "metrics.json").write_text(json.dumps(metrics, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return metrics


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()
    if not (args.shared / "data" / "news").is_dir():
        sys.exit(f"needs the ../shared data at {args.shared}")
    print(json.dumps(build(args.shared, args.out), indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
