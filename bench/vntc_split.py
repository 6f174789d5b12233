"""Candidate validation splits of VNTC's training split, and which one behaves like the official test (#12).

    PYTHONPATH=. python -m bench.vntc_split [--split NAME ...]        (prints JSON, one line per split)

On the official test split (50,373 texts, not available here) the maintainers measured bantin's text model
at 92.91 % accuracy and the plain baseline (TF-IDF syllable 1-2-grams, sublinear, min_df=2, max_df=0.5 +
LinearSVC()) at 93.20 %: bantin's model is 0.29 points *worse*, while a random 5-fold CV grouped by exact text
said 93.62 % for it. A split "like the official test" is one where bantin's model does not beat the baseline
and the gap is near -0.3. Each split below reports both models' accuracy and macro-F1 (pooled over its
folds) and the gap. Matrices come from bench/vntc_cache.py (computed once, then seconds per fit).

Splits:
- ``random_grouped``: the 5-fold StratifiedGroupKFold by exact text of bench/vntc.py (what did not transfer);
- ``neardup_grouped``: the same, grouped by near-duplicate clusters (MinHash LSH of bantin.dedup, Jaccard of
  syllable 3-gram sets >= 0.25, union-find), so re-published stories never straddle;
- ``loso``: leave one source out (VNE, NLD, TT, TN; 4 folds); ``leave_tt_out`` is its Tuổi Trẻ fold alone
  (train on VnExpress + Người Lao Động + Thanh Niên, 28,118 texts; validate on Tuổi Trẻ, 5,451): the split
  chosen for #12 (docs/benchmarks.md says why);
- ``vne_nld__tt_tn``: train on VnExpress + Người Lao Động, validate on Tuổi Trẻ + Thanh Niên (and the reverse);
- ``id_order``: within each (label, source) file block, the last ``ID_TAIL`` by the number in the file name
  (the corpus numbers files in crawl order within a folder) is validation - a split in time.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Iterator

import numpy as np
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedGroupKFold

from bench import vntc_cache as vc

# Share of each (label, source) block, by file number, held out by ``id_order``: the official test is 60 % of
# the corpus, but a validation part needs a training side close to the real one; 30 % balances the two.
ID_TAIL = 0.3
# Folds of the grouped random splits, as in bench/vntc.py.
FOLDS = 5
# The maintainers' official-test figures (accuracy %, issue #12): what a transferring split should resemble.
OFFICIAL = {"bantin": 92.91, "baseline": 93.20, "gap": -0.29}
# Texts per label in the official test split as the corpus README (duyvuleo/VNTC) lists them (they sum to
# 50,373); not its texts. The training split's mix differs (The gioi 8.6 % here, 13.3 % there; Doi song 9.4 %
# vs 4.0 %), so every split also reports accuracy reweighted to this mix: sum over labels of share x recall.
TEST_MIX = {"Chinh tri Xa hoi": 7567, "Doi song": 2036, "Khoa hoc": 2096, "Kinh doanh": 5276, "Phap luat": 3788,
            "Suc khoe": 5417, "The gioi": 6716, "The thao": 6667, "Van hoa": 6250, "Vi tinh": 4560}

Split = Iterator[tuple[np.ndarray, np.ndarray]]


def neardup_groups(m: dict[str, np.ndarray]) -> np.ndarray:
    """Cluster id of every text: exact duplicates and near-duplicates (estimated Jaccard >= VERIFY_JACCARD)."""
    path = vc.CACHE / "neardup.npy"
    if path.exists():
        return np.load(path)
    from bantin.dedup.index import VERIFY_JACCARD, band_keys
    from bantin.dedup.minhash import signature

    sigs = np.stack([signature(t) for t in vc.texts()])
    parent = np.arange(len(sigs))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    buckets: dict[int, list[int]] = {}
    for i, s in enumerate(sigs):
        for k in band_keys(s).tolist():
            buckets.setdefault(k, []).append(i)
    for members in buckets.values():
        if len(members) < 2:
            continue
        a = members[0]
        for b in members[1:]:
            if find(a) != find(b) and np.mean(sigs[a] == sigs[b]) >= VERIFY_JACCARD:
                parent[find(b)] = find(a)
    # exact duplicates (identical text, e.g. the two-label texts) always share a cluster
    for ids in _by_key(m["exact"]).values():
        for b in ids[1:]:
            parent[find(b)] = find(ids[0])
    groups = np.array([find(i) for i in range(len(sigs))])
    np.save(path, groups)
    return groups


def _by_key(keys: np.ndarray) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for i, k in enumerate(keys.tolist()):
        out.setdefault(k, []).append(i)
    return out


def _grouped(m: dict[str, np.ndarray], groups: np.ndarray) -> Split:
    yield from StratifiedGroupKFold(FOLDS, shuffle=True, random_state=0).split(groups, m["label"], groups)


SOURCES = ("VNE", "NLD", "TT", "TN")


def leave_out(m: dict[str, np.ndarray], source: str, near: np.ndarray,
              rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(training rows, validation rows): ``source`` held out of ``rows`` (default all), near-duplicates dropped."""
    rows = np.arange(len(m["label"])) if rows is None else rows
    te = rows[m["source"][rows] == source]
    return _drop_shared(rows[m["source"][rows] != source], te, near), te


def _drop_shared(tr: np.ndarray, te: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Training rows whose near-duplicate cluster also has a validation row are dropped (no leak across)."""
    return tr[~np.isin(groups[tr], groups[te])]


def id_order_mask(m: dict[str, np.ndarray], tail: float = ID_TAIL) -> np.ndarray:
    """True for the last ``tail`` share of each (label, source) block by file number."""
    held = np.zeros(len(m["label"]), dtype=bool)
    for key in set(zip(m["label"].tolist(), m["source"].tolist(), strict=True)):
        idx = np.flatnonzero((m["label"] == key[0]) & (m["source"] == key[1]))
        idx = idx[np.argsort(m["number"][idx], kind="stable")]
        held[idx[len(idx) - int(round(tail * len(idx))) :]] = True
    return held


def splits(name: str, m: dict[str, np.ndarray]) -> Split:
    near = neardup_groups(m)
    everything = np.arange(len(m["label"]))
    if name == "random_grouped":
        yield from _grouped(m, m["exact"])
    elif name == "neardup_grouped":
        yield from _grouped(m, near)
    elif name == "loso":
        for s in SOURCES:
            yield leave_out(m, s, near)
    elif name.startswith("leave_") and name.endswith("_out") and name[6:-4].upper() in SOURCES:
        yield leave_out(m, name[6:-4].upper(), near)
    elif name in ("vne_nld__tt_tn", "tt_tn__vne_nld"):
        a = np.isin(m["source"], ["VNE", "NLD"])
        tr, te = (everything[a], everything[~a]) if name == "vne_nld__tt_tn" else (everything[~a], everything[a])
        yield _drop_shared(tr, te, near), te
    elif name == "id_order":
        held = id_order_mask(m)
        yield _drop_shared(everything[~held], everything[held], near), everything[held]
    else:
        raise SystemExit(f"không có phép chia '{name}' (unknown split); có: {', '.join(NAMES)}")


NAMES = ("random_grouped", "neardup_grouped", "loso", "vne_nld__tt_tn", "tt_tn__vne_nld", "id_order", "leave_tt_out")


def test_mix_accuracy(gold: np.ndarray, pred: np.ndarray) -> float:
    """Accuracy had the validation part the official test's label mix (recall of each label x its share)."""
    total = sum(TEST_MIX.values())
    return round(100 * sum(n / total * float(np.mean(pred[gold == k] == k)) for k, n in TEST_MIX.items()
                           if (gold == k).any()), 2)


def score(gold: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    return {"accuracy": round(100 * float(np.mean(gold == pred)), 2),
            "macro_f1": round(100 * float(f1_score(gold, pred, average="macro")), 2),
            "accuracy_test_mix": test_mix_accuracy(gold, pred)}


def predictions(name: str, m: dict[str, np.ndarray]) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, int]]:
    """(validation rows, baseline predictions, bantin predictions, n_train) per fold; cached under VNTC_CACHE."""
    path = vc.CACHE / f"preds_{name}.npz"
    if path.exists():
        with np.load(path) as z:
            return [(z[f"te{k}"], z[f"b{k}"], z[f"o{k}"], int(z[f"n{k}"])) for k in range(int(z["folds"]))]
    y, out = m["label"], []
    for tr, te in splits(name, m):
        out.append((te, vc.baseline_fit(tr, te, y), vc.bantin_fit(tr, te, y), len(tr)))
    arrays = {f"{a}{k}": v for k, f in enumerate(out) for a, v in zip(("te", "b", "o", "n"), f, strict=True)}
    np.savez(path, folds=len(out), **arrays)
    return out


def run(name: str, m: dict[str, np.ndarray]) -> dict:
    y = m["label"]
    t0 = time.perf_counter()
    got = predictions(name, m)
    folds = [{"n_train": n, "n_test": len(te), "baseline": score(y[te], b)["accuracy"],
              "bantin": score(y[te], o)["accuracy"]} for te, b, o, n in got]
    g = np.concatenate([y[te] for te, _, _, _ in got])
    sb, so = score(g, np.concatenate([b for _, b, _, _ in got])), score(g, np.concatenate([o for _, _, o, _ in got]))
    return {"split": name, "baseline": sb, "bantin": so, "gap": round(so["accuracy"] - sb["accuracy"], 2),
            "gap_test_mix": round(so["accuracy_test_mix"] - sb["accuracy_test_mix"], 2),
            "gap_macro_f1": round(so["macro_f1"] - sb["macro_f1"], 2), "folds": folds,
            "seconds": round(time.perf_counter() - t0, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", action="append", choices=NAMES, help="(lặp lại được) phép chia; mặc định: tất cả")
    args = ap.parse_args()
    m = vc.meta()
    print(json.dumps({"official_test": OFFICIAL}))
    for name in args.split or NAMES:
        print(json.dumps(run(name, m), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
