"""`bantin classify` (all outputs) against the plain one-label pipeline, side by side, start-up included (#12).

    nice -n 10 .venv/bin/python -m bench.classify_speed [--docs 20000] [--repeats 1]     (prints JSON)

Reads ../shared/data/vntc/train.jsonl.gz in place. A fixed random sample (seed 0) of ``--docs`` full articles is
classified; the remaining articles (minus any text that is also in the sample) train both sides, untimed:
- (a) ``bantin classify --input SAMPLE --output OUT --model speed`` as a subprocess on a fresh data directory
  (SQLite): process start, imports, schema check, loading the shipped topic model and the registered ``speed``
  TextClassifier (trained with ``bantin model train``, default parameters), the gazetteer (from its cache: a
  warm-up run on one document fills it, and that cold start is reported apart), reading the JSONL, and
  writing every output: topics, province relevance, language, the model's label and scores.
- (b) the plain pipeline ``TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2, max_df=0.5) +
  LinearSVC()``, fitted here and pickled to a temporary file this run made, then timed as a subprocess
  (``--plain-predict``): process start, importing scikit-learn, unpickling, reading the same JSONL, predicting
  one label per document and writing it as JSONL. It computes one output; (a) computes four.
Start-up alone is each side run on one document (best of ``--startup-runs``). Wall time is the headline (the
issue's goal); CPU time of the child (user + sys) is reported beside it because the 2-core machine is shared.
``--baseline-tree DIR`` (e.g. the main checkout) also runs side (a) from that tree's code, in the same run and
alternating with the others (a-baseline, a, b), on a copy of the data directory (the same registered model; its
own gazetteer cache, whose key is the code's): before/after and both ratios from one run.
Accuracy of both labels on the sample is printed as a sanity check only.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
VNTC = ROOT.parent / "shared" / "data" / "vntc" / "train.jsonl.gz"
# The figure: 20,000 full VNTC articles.
DEFAULT_DOCS = 20_000
# Start-up runs on one document; the best (least disturbed by the other tenants of the machine) counts.
STARTUP_RUNS = 3
MODEL_NAME = "speed"
# The plain baseline of docs/benchmarks.md and the issue, exactly.
PLAIN_PARAMS = {"ngram_range": (1, 2), "sublinear_tf": True, "min_df": 2, "max_df": 0.5}


def _rows(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def _write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")


def _env(data_dir: Path, tree: Path = ROOT) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANTIN_")}
    env.update(BANTIN_DATA_DIR=str(data_dir), BANTIN_PROVINCE="Nghệ An", PYTHONPATH=str(tree))
    return env


def timed(cmd: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> dict[str, float]:
    """Wall and child CPU seconds of one subprocess (which must succeed), run in ``cwd`` (``-m`` imports from it)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} … failed ({proc.returncode}): {proc.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": round(wall, 2), "cpu_s": round(cpu, 2)}


def best(runs: list[dict[str, float]]) -> dict[str, float]:
    return min(runs, key=lambda r: r["wall_s"])


def plain_predict(model: Path, src: Path, out: Path) -> None:
    """The timed body of side (b): load the pickled pipeline, predict every row's label, write JSONL."""
    import pickle

    pipeline = pickle.loads(model.read_bytes())  # noqa: S301 - a file this benchmark run wrote itself
    with src.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    labels = pipeline.predict([r["text"] for r in rows])
    with out.open("w", encoding="utf-8") as fh:
        for r, lab in zip(rows, labels, strict=True):
            fh.write(json.dumps({"id": r["id"], "label": str(lab)}, ensure_ascii=False) + "\n")


def _accuracy(out: Path, gold: dict[str, str]) -> float:
    with out.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    return round(100 * sum(gold[r["id"]] == r.get("label") for r in rows) / len(rows), 2)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=DEFAULT_DOCS)
    ap.add_argument("--repeats", type=int, default=1, help="runs of each side on the sample; the best counts")
    ap.add_argument("--startup-runs", type=int, default=STARTUP_RUNS)
    ap.add_argument("--baseline-tree", type=Path, help="also run side (a) from this checkout's code (e.g. main)")
    ap.add_argument("--plain-predict", nargs=3, metavar=("MODEL", "IN", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.plain_predict:
        plain_predict(*map(Path, args.plain_predict))
        return
    if not VNTC.is_file():
        raise SystemExit(f"needs {VNTC} (../shared beside the project)")
    import pickle

    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    rows = [{"id": f"{i}", "text": r["text"], "label": r["label"]} for i, r in enumerate(_rows(VNTC))]
    order = np.random.default_rng(0).permutation(len(rows))
    sample = [rows[i] for i in order[: args.docs]]
    seen = {r["text"] for r in sample}
    train = [rows[i] for i in order[args.docs :] if rows[i]["text"] not in seen]
    gold = {r["id"]: r["label"] for r in sample}
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="classify-speed-") as tmp_dir:
        tmp = Path(tmp_dir)
        src, one, train_file = tmp / "sample.jsonl", tmp / "one.jsonl", tmp / "train.jsonl"
        _write_jsonl(src, [{"id": r["id"], "text": r["text"]} for r in sample])
        _write_jsonl(one, [{"id": sample[0]["id"], "text": sample[0]["text"]}])
        _write_jsonl(train_file, [{"text": r["text"], "label": r["label"]} for r in train])
        env = _env(tmp / "data")
        bantin = [sys.executable, "-m", "bantin"]
        fit_start = time.perf_counter()
        timed([*bantin, "model", "train", "--data", str(train_file), "--name", MODEL_NAME, "--json"], env)
        bantin_fit = time.perf_counter() - fit_start
        fit_start = time.perf_counter()
        pipeline = make_pipeline(TfidfVectorizer(**PLAIN_PARAMS), LinearSVC())
        pipeline.fit([r["text"] for r in train], [r["label"] for r in train])
        plain_fit = time.perf_counter() - fit_start
        model = tmp / "plain.pickle"
        model.write_bytes(pickle.dumps(pipeline))
        del pipeline

        def run_a(path: Path, out: Path, tree: Path = ROOT) -> dict[str, float]:
            return timed([*bantin, "classify", "--input", str(path), "--output", str(out), "--model", MODEL_NAME,
                          "--no-progress"], env if tree == ROOT else base_env, tree)

        base = args.baseline_tree.resolve() if args.baseline_tree else None
        if base is not None:
            shutil.copytree(tmp / "data", tmp / "data-base")
            base_env = _env(tmp / "data-base", base)
            cold_base = run_a(one, tmp / "one-base.jsonl", base)

        def run_b(path: Path, out: Path) -> dict[str, float]:
            return timed([sys.executable, "-m", "bench.classify_speed", "--plain-predict", str(model), str(path),
                          str(out)])

        cold = run_a(one, tmp / "one-a.jsonl")  # builds the gazetteer cache of this fresh data directory
        starts: dict[str, list[dict[str, float]]] = {"a": [], "b": [], "base": []}
        for _ in range(args.startup_runs):  # alternating, as the runs on the sample below
            if base is not None:
                starts["base"].append(run_a(one, tmp / "one-base.jsonl", base))
            starts["a"].append(run_a(one, tmp / "one-a.jsonl"))
            starts["b"].append(run_b(one, tmp / "one-b.jsonl"))
        start_a, start_b = best(starts["a"]), best(starts["b"])
        out_a, out_b, out_base = tmp / "out-a.jsonl", tmp / "out-b.jsonl", tmp / "out-base.jsonl"
        runs_a, runs_b, runs_base = [], [], []
        for _ in range(args.repeats):  # alternating, so both sides see the same neighbours on the machine
            if base is not None:
                runs_base.append(run_a(src, out_base, base))
            runs_a.append(run_a(src, out_a))
            runs_b.append(run_b(src, out_b))
        a, b = best(runs_a), best(runs_b)
        with out_a.open(encoding="utf-8") as fh:
            first = json.loads(fh.readline())
        result = {
            "docs": len(sample), "train_docs": len(train),
            "machine": f"{platform.machine()} py{platform.python_version()} cores={os.cpu_count()}",
            "load_avg_before": round(load_before, 2), "load_avg_after": round(os.getloadavg()[0], 2),
            "bantin_classify": {**a, "docs_per_s": round(len(sample) / a["wall_s"], 1), "runs": runs_a,
                                "outputs": sorted(first)},
            "plain_pipeline": {**b, "docs_per_s": round(len(sample) / b["wall_s"], 1), "runs": runs_b},
            "ratio_wall": round(a["wall_s"] / b["wall_s"], 3), "ratio_cpu": round(a["cpu_s"] / b["cpu_s"], 3),
            "startup_one_doc": {"bantin_classify": start_a, "bantin_classify_cold_cache": cold, "plain_pipeline": start_b},
            "accuracy_sanity": {"bantin_label": _accuracy(out_a, gold), "plain_label": _accuracy(out_b, gold)},
            "fit_s_untimed": {"bantin_model_train": round(bantin_fit, 1), "plain": round(plain_fit, 1)},
        }
        if base is not None:
            c = best(runs_base)
            result["baseline_tree"] = {
                "tree": str(base), "bantin_classify": {**c, "runs": runs_base},
                "ratio_wall": round(c["wall_s"] / b["wall_s"], 3), "ratio_cpu": round(c["cpu_s"] / b["cpu_s"], 3),
                "startup_one_doc": best(starts["base"]), "startup_cold_cache": cold_base,
                "same_outputs": out_base.read_bytes() == out_a.read_bytes(),
            }
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
