"""Province relevance benchmark on the hand-labelled dev set, split into tune and held-out halves; prints JSON.

    .venv/bin/python -m bench.relevance                   # tune half only (what rules may be fitted to)
    .venv/bin/python -m bench.relevance --errors          # also list the tune half's misclassified items
    .venv/bin/python -m bench.relevance --heldout         # also the held-out half (a "look": count it in
                                                          # docs/relevance.md; never with --errors)
    .venv/bin/python -m bench.relevance --fresh FILE --note WHY   # also a fresh set, scored whole (each run
                                                          # counted in data/relevance/heldout_looks.json)

Split: each label goes to the held-out half when the first byte of sha1(url) is odd (stable, independent of
order and of the labels, so adding labels never moves an old one); per province, so each province has both.

data/relevance/dev_labels.jsonl holds only URLs and labels (read and labelled by hand, see docs/relevance.md);
titles and summaries are joined from ../shared/data/news/rss_articles.jsonl.gz at run time. The baseline is the
plain substring test: "primary" when the lowercased title+summary contains the province name, else "none".
Unless ``--no-learned``, the learned decision (bench/relevance_learned.py) is chosen by CV inside the tune halves:
on tune it reports out-of-fold labels (``learned_cv``: stratified 5-fold; ``learned_other_provinces``: the model
trained on the other two provinces' tune halves), on held-out the labels of the chosen model fitted on all tune
halves (``learned``), beside the rules (``matcher``) and the baseline.
A fresh set (``--fresh``, e.g. data/relevance/fresh4_labels.jsonl: items drawn by bench/relevance_sample.py, every
earlier set excluded, labelled by reading before any matcher ran on them) is scored whole, part "fresh", with the
learned decision fitted on the tune part (``--dev-all``: on all tuning data); each run counts a look. A fresh set whose
look is spent is **retired** (``RETIRED``; heldout_looks.json says when): its labels are tuning data from then on,
part "tune" whole, listed by ``--errors`` and learned from. The held-out sets now: fresh4 (three looks) and fresh7.
Speed is measured separately on full VNTC articles (text only, ~2-3 k characters each).
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bantin.classify.relevance.province import ProvinceMatcher
from bench import relevance_learned as rl
from bench.looks import record_look

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "data" / "relevance" / "dev_labels.jsonl"
LOOKS = LABELS.with_name("heldout_looks.json")
# Fresh sets whose looks are spent (heldout_looks.json says when): tuning data now, part "tune" whole.
RETIRED = tuple(LABELS.with_name(f"{name}_labels.jsonl") for name in ("fresh", "fresh2", "fresh3", "fresh5", "fresh6"))
SHARED = ROOT.parent / "shared" / "data"
RSS = SHARED / "news" / "rss_articles.jsonl.gz"
VNTC = SHARED / "vntc" / "train.jsonl.gz"
# Full articles timed for docs/s: enough for a stable figure in a few seconds.
SPEED_DOCS = 3000


def part_of(url: str) -> str:
    """ "tune" or "heldout" by a stable hash of the URL (see the module docstring)."""
    return "heldout" if hashlib.sha1(url.encode("utf-8")).digest()[0] % 2 else "tune"


def load_labels(path: Path = LABELS) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def join_articles(labels: list[dict[str, str]], rss: Path = RSS) -> dict[str, dict[str, str]]:
    """url -> {"title", "summary"} for the labelled URLs (first occurrence in the shared feed archive)."""
    wanted = {lab["url"] for lab in labels}
    found: dict[str, dict[str, str]] = {}
    with gzip.open(rss, "rt", encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            if d["url"] in wanted and d["url"] not in found:
                found[d["url"]] = {"title": d.get("title") or "", "summary": d.get("summary") or ""}
    return found


def prf(gold: list[bool], pred: list[bool]) -> dict[str, float]:
    tp = sum(g and p for g, p in zip(gold, pred, strict=True))
    fp = sum(p and not g for g, p in zip(gold, pred, strict=True))
    fn = sum(g and not p for g, p in zip(gold, pred, strict=True))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3), "tp": tp, "fp": fp, "fn": fn}


def baseline(province: str, title: str, summary: str) -> str:
    return "primary" if province.lower() in f"{title} {summary}".lower() else "none"


def scores(gold: list[str], pred: list[str]) -> dict[str, object]:
    """primary P/R/F1, unrelated (gold none) items called primary, three-way accuracy."""
    none_pred = [p for g, p in zip(gold, pred, strict=True) if g == "none"]
    return {
        "primary": prf([g == "primary" for g in gold], [p == "primary" for p in pred]),
        "unrelated_called_primary_pct": round(100 * none_pred.count("primary") / len(none_pred), 1)
        if none_pred
        else 0.0,
        "three_way_accuracy": round(sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold), 3),
    }


# The learned decision's labels for (province, part, rows), or None to leave it out.
Learned = Callable[[str, str, list[dict[str, str]]], dict[str, list[str]]] | None


def evaluate(
    labels: list[dict[str, str]], articles: dict[str, dict[str, str]], parts: tuple[str, ...] = ("tune",),
    learned: Learned = None, part_fn: Callable[[str], str] = part_of,
) -> dict[str, object]:
    """Scores per province and part; ``part_fn`` gives a URL's part (default: its hash half)."""
    out: dict[str, object] = {}
    errors: list[dict[str, str]] = []
    for province in sorted({lab["province"] for lab in labels}):
        matcher = ProvinceMatcher(province)
        res: dict[str, object] = {}
        for part in parts:
            rows = [
                lab
                for lab in labels
                if lab["province"] == province and lab["url"] in articles and part_fn(lab["url"]) == part
            ]
            if not rows:
                continue  # a province the set has no item of (fresh5: Hưng Yên)
            gold = [lab["relevance"] for lab in rows]
            ours = [
                matcher.match(articles[r["url"]]["title"], summary=articles[r["url"]]["summary"]).relevance
                for r in rows
            ]
            base = [baseline(province, **articles[r["url"]]) for r in rows]
            res[part] = {
                "n": len(rows),
                "labels": {k: gold.count(k) for k in ("primary", "mention", "none")},
                "matcher": scores(gold, ours),
                "baseline": scores(gold, base),
            }
            for key, pred in (learned(province, part, rows) if learned else {}).items():
                res[part][key] = scores(gold, pred)  # type: ignore[index]
            if part == "tune":
                errors += [
                    {
                        "province": province,
                        "gold": g,
                        "pred": p,
                        "title": articles[r["url"]]["title"],
                        "note": r["note"],
                    }
                    for r, g, p in zip(rows, gold, ours, strict=True)
                    if g != p
                ]
        out[province] = res
    out["_errors"] = errors
    return out


def speed(province: str = "Nghệ An", n: int = SPEED_DOCS) -> dict[str, float]:
    texts: list[str] = []
    with gzip.open(VNTC, "rt", encoding="utf-8") as f:
        for line in f:
            texts.append(json.loads(line)["text"])
            if len(texts) >= n:
                break
    t0 = time.perf_counter()
    matcher = ProvinceMatcher(province)
    build_s = time.perf_counter() - t0
    for text in texts[:200]:  # warm-up
        matcher.match(None, text)
    t0 = time.process_time()  # CPU time of this process: one core, unaffected by other load on the machine
    for text in texts:
        matcher.match(None, text)
    elapsed = time.process_time() - t0
    chars = sum(map(len, texts)) / len(texts)
    return {
        "docs": len(texts),
        "docs_per_cpu_s": round(len(texts) / elapsed, 1),
        "mean_chars": round(chars),
        "build_s": round(build_s, 2),
    }


def _learned(labels: list[dict[str, str]], articles: dict[str, dict[str, str]], result: dict[str, object],
             part: Callable[[str], str] = part_of) -> Learned:
    """Choose the learned decision by CV in the tune part (figures into ``result``); its labels per part."""
    tune = [lab for lab in labels if lab["url"] in articles and part(lab["url"]) == "tune"]
    t0 = time.perf_counter()
    params, grid, model, _rules = rl.choose(rl.items_of(tune, articles))
    best = next(g for g in grid if g["params"] == params)
    oof = {(lab["province"], lab["url"]): (p, q) for lab, p, q in zip(tune, best["_oof"], best["_lopo"], strict=True)}
    result["learned_cv"] = {
        "chosen": params, "folds": rl.FOLDS, "seconds": round(time.perf_counter() - t0, 1),
        "grid": [{k: v for k, v in g.items() if not k.startswith("_") and k not in ("kfold", "leave_one_province_out")}
                 for g in grid],
        "chosen_kfold": best["kfold"], "chosen_leave_one_province_out": best["leave_one_province_out"],
    }

    def labels_for(province: str, part: str, rows: list[dict[str, str]]) -> dict[str, list[str]]:
        if part == "tune":  # out-of-fold: never a prediction on an item the model was fitted on
            return {"learned_cv": [oof[(province, r["url"])][0] for r in rows],
                    "learned_other_provinces": [oof[(province, r["url"])][1] for r in rows]}
        return {"learned": rl.predict(model, rl.items_of(rows, articles))}

    return labels_for


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--errors", action="store_true", help="list the tune half's misclassified items")
    ap.add_argument("--heldout", action="store_true", help="also score the held-out half (count the look)")
    ap.add_argument("--no-speed", action="store_true", help="skip the speed measurement")
    ap.add_argument("--no-learned", action="store_true", help="skip the learned decision (CV and fit)")
    ap.add_argument("--fresh", type=Path, help="a fresh labelled set, scored whole (counted as a look)")
    ap.add_argument("--note", default="", help="why this look at the fresh set (stored with the count)")
    ap.add_argument("--dev-all", action="store_true",
                    help="with --fresh: the whole dev set is the tune part (the learned decision is chosen and fitted on it)")
    args = ap.parse_args(argv)
    if not RSS.is_file():
        print(json.dumps({"skipped": f"needs ../shared data ({RSS} not found)"}))
        return 0
    retired = [lab for path in RETIRED for lab in load_labels(path)]
    labels = load_labels() + retired
    fresh = load_labels(args.fresh) if args.fresh else []
    if {lab["url"] for lab in fresh} & {lab["url"] for lab in labels}:
        print(json.dumps({"error": f"{args.fresh} shares items with {LABELS} or a retired set: not a fresh set"}))
        return 2
    result: dict[str, object] = {} if args.no_speed else {"speed_full_articles": speed()}
    parts = ("tune", "heldout") if args.heldout else ("tune",)
    articles = join_articles(labels + fresh)
    fresh_urls, dev_all = frozenset(lab["url"] for lab in fresh), bool(args.dev_all and fresh)
    retired_urls = frozenset(lab["url"] for lab in retired)

    def part_fn(url: str) -> str:
        """"fresh" for the fresh set; "tune" for a retired one; the dev set's hash half, or "tune" with --dev-all."""
        return "fresh" if url in fresh_urls else "tune" if dev_all or url in retired_urls else part_of(url)

    result |= evaluate(labels + fresh, articles, (("tune",) if dev_all else parts) + (("fresh",) if fresh else ()),
                       None if args.no_learned else _learned(labels, articles, result, part_fn), part_fn)
    if args.fresh:
        result["fresh_looks"] = record_look(LOOKS, args.fresh.name, args.note)
    errors = result.pop("_errors")
    if args.errors:
        result["errors"] = errors
    json.dump(result, sys.stdout, ensure_ascii=False, indent=1)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
