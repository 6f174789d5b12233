"""Tuning on the chosen official-test-like VNTC split (#12): every idea on a tune part, the winner on a final part.

    PYTHONPATH=. python -m bench.vntc_tune --view NAME [--view NAME ...] [--ensemble A+B] [--part tn|nld|final]
    PYTHONPATH=. python -m bench.vntc_tune --on-split random_grouped --view plain --ensemble A+B

The chosen split (bench/vntc_split.py, ``CHOSEN``: Tuổi Trẻ held out) holds out its validation part; that
part is the *final* part here, looked at only with ``--part final``. Tuning happens inside its training side
(VnExpress, Người Lao Động, Thanh Niên), split the same way again: ``--part tn`` holds Thanh Niên out (fit on
VNE + NLD), ``--part nld`` holds Người Lao Động out (fit on VNE + TN); near-duplicates of a held-out text are
dropped from the side that learns. Each view's decision scores are cached under VNTC_CACHE, so an ensemble of cached views costs
nothing. Prints one JSON line per view: accuracy, macro-F1 and the official-test-mix accuracy, baseline
beside.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.svm import LinearSVC

from bantin.classify.topics.vntc_model import strip_boilerplate
from bench import vntc_cache as vc
from bench import vntc_split as vs

# The split chosen before tuning (see docs/benchmarks.md, "VNTC on an official-test-like split").
CHOSEN = "leave_tt_out"
FINAL_SOURCE = "TT"
# The sources held out, one at a time, inside the training side for tuning.
TUNE_SOURCES = {"tn": "TN", "nld": "NLD"}
# Column blocks of bantin's cached counts: body n-grams, headline block, punctuation block.
BODY = 2**18
TITLE = vc.tm.TITLE_FEATURES

View = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def parts(m: dict[str, np.ndarray]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """{"tn" / "nld": (fit rows, tune rows), "final": (training side, final rows)}."""
    near = vs.neardup_groups(m)
    side, final = vs.leave_out(m, FINAL_SOURCE, near)
    out = {name: vs.leave_out(m, s, near, side) for name, s in TUNE_SOURCES.items()}
    out["final"] = (side, final)
    return out


def svm_scores(xa: sp.csr_matrix, xb: sp.csr_matrix, y: np.ndarray, C: float = 1.0,
               weights: Any = None) -> np.ndarray:
    return LinearSVC(C=C, class_weight=weights, random_state=0).fit(xa, y).decision_function(xb)


def plain(C: float = 1.0, min_df: int = 2, max_df: float = 0.5, sublinear: bool = True) -> View:
    def view(tr: np.ndarray, te: np.ndarray, y: np.ndarray) -> np.ndarray:
        xa, xb = vc.tfidf_fit(vc.baseline_counts(), tr, te, min_df, max_df, sublinear)
        return svm_scores(xa, xb, y[tr], C)
    return view


def bantin(C: float = 1.5, power: float | None = 1.5, title: bool = True, punct: bool = True, **over: Any) -> View:
    """bantin's text model on the cached counts, with blocks dropped or settings changed."""
    def view(tr: np.ndarray, te: np.ndarray, y: np.ndarray) -> np.ndarray:
        c = vc.bantin_counts()
        keep = BODY + (TITLE if title else 0)
        if not title:  # drop the headline block (and keep the punctuation block if asked)
            c = sp.hstack([c[:, :BODY], c[:, BODY + TITLE :]], format="csr") if punct else c[:, :BODY]
        elif not punct:
            c = c[:, :keep]
        opts = dict(over)
        if not title:
            opts["title_chars"] = 0
        if not punct:
            opts["punct_features"] = 0
        xa, xb = vc.bantin_matrices(tr, te, c.tocsr(), **opts)
        w = vc.bantin_weights(y[tr], power) if power is not None else None
        return svm_scores(xa, xb, y[tr], C, w)
    return view


def hashed(ngram_max: int, n_features: int = 2**20, C: float = 1.0, min_df: int = 2,
           max_df: float = 0.5) -> View:
    """Plain TF-IDF over bantin's hashed syllable 1..n-grams (no headline/punctuation blocks), counts cached."""
    def view(tr: np.ndarray, te: np.ndarray, y: np.ndarray) -> np.ndarray:
        name = f"hashed_{ngram_max}_{n_features}"
        counts = vc._cached(name, lambda: vc.bantin_vectorizer(
            n_features=n_features, ngram_max=ngram_max, title_chars=0, punct_features=0)._counts(vc.texts()))
        xa, xb = vc.tfidf_fit(counts, tr, te, min_df, max_df)
        return svm_scores(xa, xb, y[tr], C)
    return view


def clean_counts() -> sp.csr_matrix:
    from sklearn.feature_extraction.text import CountVectorizer

    return vc._cached("baseline_counts_clean", lambda: CountVectorizer(ngram_range=(1, 2), min_df=2, dtype=np.float32)
                      .fit_transform([strip_boilerplate(t) for t in vc.texts()]).tocsr())


def nbsvm(C: float = 1.0, alpha: float = 1.0, counts: Callable[[], sp.csr_matrix] = vc.baseline_counts) -> View:
    """TF-IDF of ``counts`` (the baseline's by default) scaled per class by NB log-count ratios (Wang & Manning
    2012), one binary SVM per class."""
    def view(tr: np.ndarray, te: np.ndarray, y: np.ndarray) -> np.ndarray:
        xa, xb = vc.tfidf_fit(counts(), tr, te)
        yt = y[tr]
        binar = xa.copy()
        binar.data[:] = 1.0
        cols = []
        for k in np.unique(yt):
            pos = yt == k
            p = np.asarray(binar[pos].sum(axis=0)).ravel() + alpha
            q = np.asarray(binar[~pos].sum(axis=0)).ravel() + alpha
            r = np.log((p / p.sum()) / (q / q.sum()))
            d = sp.diags(r)
            svm = LinearSVC(C=C, random_state=0).fit(xa @ d, pos)
            cols.append(svm.decision_function(xb @ d))
        return np.column_stack(cols)
    return view


SEGMENTED = vc.CACHE / "seg.jsonl"  # underthesea word_tokenize(format="text") of every text (words joined by "_")


def seg_counts() -> sp.csr_matrix:
    """Word 1-2-gram counts over underthesea's word segmentation (``python -m bench.vntc_seg`` writes SEGMENTED)."""
    from sklearn.feature_extraction.text import CountVectorizer

    def build() -> sp.csr_matrix:
        with SEGMENTED.open(encoding="utf-8") as f:
            docs = [json.loads(line) for line in f]
        return CountVectorizer(ngram_range=(1, 2), min_df=2, dtype=np.float32).fit_transform(docs).tocsr()
    return vc._cached("seg_counts", build)


def char_counts(lo: int = 2, hi: int = 4) -> sp.csr_matrix:
    """Character n-gram counts inside word boundaries (char_wb), lowercased."""
    from sklearn.feature_extraction.text import CountVectorizer

    return vc._cached(f"char_{lo}{hi}_counts", lambda: CountVectorizer(
        analyzer="char_wb", ngram_range=(lo, hi), min_df=2, dtype=np.float32).fit_transform(vc.texts()).tocsr())


def counted(counts: Callable[[], sp.csr_matrix], C: float = 1.0, max_df: float = 0.5) -> View:
    """The baseline's TF-IDF + LinearSVC over another set of counts."""
    def view(tr: np.ndarray, te: np.ndarray, y: np.ndarray) -> np.ndarray:
        xa, xb = vc.tfidf_fit(counts(), tr, te, 2, max_df)
        return svm_scores(xa, xb, y[tr], C)
    return view


def plain_clean(C: float = 1.0) -> View:
    def view(tr: np.ndarray, te: np.ndarray, y: np.ndarray) -> np.ndarray:
        from sklearn.feature_extraction.text import CountVectorizer

        counts = vc._cached("baseline_counts_clean", lambda: CountVectorizer(
            ngram_range=(1, 2), min_df=2, dtype=np.float32).fit_transform([strip_boilerplate(t) for t in vc.texts()]).tocsr())
        xa, xb = vc.tfidf_fit(counts, tr, te)
        return svm_scores(xa, xb, y[tr], C)
    return view


def real_titles(max_chars: int = 100) -> list[str]:
    """The first line when it is a headline (ends within ``max_chars``), else "" (NLĐ and TN texts start with the lead)."""
    out = []
    for t in vc.texts():
        head, sep, _ = t.partition("\n")
        out.append(head if sep and len(head) <= max_chars else "")
    return out


def bantin_realtitle(max_chars: int = 100, C: float = 1.5, power: float | None = 1.5, punct: bool = True,
                     weight: float | None = None) -> View:
    """bantin's model with the headline block built only from real headlines (see ``real_titles``)."""
    def view(tr: np.ndarray, te: np.ndarray, y: np.ndarray) -> np.ndarray:
        from bantin.classify.topics.features import TITLE_SALT, _ngram_counts

        def build() -> sp.csr_matrix:
            heads = real_titles(max_chars)
            return sp.vstack([_ngram_counts(heads[i : i + 2000], TITLE, 2, TITLE_SALT, vc.tm.FOLD_DIGITS)
                              for i in range(0, len(heads), 2000)], format="csr")

        head = vc._cached(f"titles_{max_chars}", build)
        c = vc.bantin_counts()
        blocks = [c[:, :BODY], head] + ([c[:, BODY + TITLE :]] if punct else [])
        opts: dict[str, Any] = {} if punct else {"punct_features": 0}
        if weight is not None:
            opts["title_weight"] = weight
        xa, xb = vc.bantin_matrices(tr, te, sp.hstack(blocks, format="csr"), **opts)
        w = vc.bantin_weights(y[tr], power) if power is not None else None
        return svm_scores(xa, xb, y[tr], C, w)
    return view


VIEWS: dict[str, View] = {
    "bantin_realtitle": bantin_realtitle(), "bantin_realtitle_C1": bantin_realtitle(C=1.0),
    "bantin_realtitle_noweights": bantin_realtitle(power=None), "bantin_realtitle_w1": bantin_realtitle(weight=1.0),
    "bantin_notitle_C1": bantin(C=1.0, title=False), "bantin_notitle_C0.7": bantin(C=0.7, title=False),
    "bantin_notitle_noweights": bantin(title=False, power=None),
    "plain_clean": plain_clean(), "plain_clean_C0.5": plain_clean(0.5),
    "plain": plain(),
    "plain_C0.5": plain(C=0.5), "plain_C0.7": plain(C=0.7), "plain_C1.5": plain(C=1.5), "plain_C2": plain(C=2),
    "plain_maxdf0.3": plain(max_df=0.3), "plain_maxdf0.8": plain(max_df=0.8), "plain_mindf3": plain(min_df=3),
    "plain_mindf5": plain(min_df=5), "plain_raw_tf": plain(sublinear=False),
    "bantin": bantin(),
    "bantin_noweights": bantin(power=None), "bantin_power1": bantin(power=1.0),
    "bantin_nopunct": bantin(punct=False), "bantin_notitle": bantin(title=False),
    "bantin_nopunct_noweights": bantin(punct=False, power=None),
    "bantin_nopunct_noweights_C1": bantin(C=1.0, punct=False, power=None),
    "bantin_noextras_noweights": bantin(power=None, title=False, punct=False),
    "bantin_nofold_nopunct_noweights": bantin(punct=False, power=None, fold_digits=False),
    "hashed12": hashed(2), "hashed12_nomaxdf": hashed(2, max_df=1.0), "hashed12_18": hashed(2, n_features=2**18),
    "hashed12_C1.5": hashed(2, C=1.5), "hashed12_maxdf0.3": hashed(2, max_df=0.3), "hashed12_C0.5": hashed(2, C=0.5),
    "plain_nomaxdf": plain(max_df=1.0), "hashed13": hashed(3), "hashed13_C0.7": hashed(3, C=0.7), "hashed13_C1.5": hashed(3, C=1.5),
    "hashed13_mindf1": hashed(3, min_df=1),
    "nbsvm": nbsvm(), "nbsvm_hashed13": nbsvm(counts=lambda: vc._cached(f"hashed_3_{2**20}", None)), "nbsvm_clean": nbsvm(counts=clean_counts), "nbsvm_C0.5": nbsvm(C=0.5), "nbsvm_C0.3": nbsvm(C=0.3),
    "seg": counted(seg_counts), "seg_C0.5": counted(seg_counts, C=0.5), "nbsvm_seg": nbsvm(counts=seg_counts),
    "char24": counted(char_counts), "char24_C0.5": counted(char_counts, C=0.5), "nbsvm_char": nbsvm(counts=char_counts),
    "nbsvm_a0.5": nbsvm(alpha=0.5), "nbsvm_C2": nbsvm(C=2.0), "nbsvm_clean_C0.5": nbsvm(C=0.5, counts=clean_counts),
}


def decisions(view: str, part: str, m: dict[str, np.ndarray]) -> np.ndarray:
    path = vc.CACHE / f"dec_{part}_{view}.npy"
    if path.exists():
        return np.load(path)
    tr, te = parts(m)[part]
    dec = VIEWS[view](tr, te, m["label"])
    np.save(path, dec)
    return dec


def report(name: str, dec: np.ndarray, part: str, m: dict[str, np.ndarray], base: np.ndarray,
           seconds: float) -> dict:
    tr, te = parts(m)[part]
    classes = np.unique(m["label"][tr])
    gold = m["label"][te]
    out = vs.score(gold, classes[np.argmax(dec, axis=1)])
    b = vs.score(gold, classes[np.argmax(base, axis=1)])
    return {"part": part, "view": name, **out, "baseline": b, "gain": round(out["accuracy"] - b["accuracy"], 2),
            "gain_test_mix": round(out["accuracy_test_mix"] - b["accuracy_test_mix"], 2),
            "n_fit": len(tr), "n_eval": len(te), "seconds": round(seconds, 1)}


def on_split(split: str, views: list[str], m: dict[str, np.ndarray]) -> dict:
    """Views (or a+b ensembles) pooled over the folds of a bench/vntc_split.py split: not a tune or final part."""
    y, gold, preds = m["label"], [], {v: [] for v in views}
    for k, (tr, te) in enumerate(vs.splits(split, m)):
        gold.append(y[te])
        classes = np.unique(y[tr])
        for v in views:
            dec = 0
            for part in v.split("+"):
                path = vc.CACHE / f"dec_{split}{k}_{part}.npy"
                if not path.exists():
                    np.save(path, VIEWS[part](tr, te, y))
                dec = dec + np.load(path)
            preds[v].append(classes[np.argmax(dec, axis=1)])
    g = np.concatenate(gold)
    return {"split": split, **{v: vs.score(g, np.concatenate(p)) for v, p in preds.items()}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--view", action="append", default=[], choices=sorted(VIEWS))
    ap.add_argument("--ensemble", action="append", default=[], help="views joined by + (decision scores summed)")
    ap.add_argument("--part", choices=[*TUNE_SOURCES, "final"], default="tn",
                    help="tune part (tn, nld) or the final part (count every look at it)")
    ap.add_argument("--on-split", choices=vs.NAMES, help="pool the views over a split's folds instead")
    args = ap.parse_args()
    m = vc.meta()
    if args.on_split:
        print(json.dumps(on_split(args.on_split, args.view + args.ensemble, m)))
        return
    part = args.part
    base = decisions("plain", part, m)
    for v in args.view:
        t0 = time.perf_counter()
        dec = decisions(v, part, m)
        print(json.dumps(report(v, dec, part, m, base, time.perf_counter() - t0)), flush=True)
    for e in args.ensemble:
        dec = sum(decisions(v, part, m) for v in e.split("+"))  # raw SVM margins: the same scale in every view
        print(json.dumps(report(e, np.asarray(dec), part, m, base, 0.0)), flush=True)


if __name__ == "__main__":
    main()
