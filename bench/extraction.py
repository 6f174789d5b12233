"""Extraction benchmark: bantin's ``extract_article`` vs bare ``trafilatura.extract``, side by side.

Data (read-only, never copied): ``../shared/data/crawl/benchmark/scrapinghub-aeb`` (181 pages with
human ground truth) and the fundus VnExpress page (``pages/vi/fundus-vnexpress-2025``).

Metric (our own implementation): whitespace tokens; per page, precision/recall/F1 of the multiset
overlap between predicted and gold tokens; averaged over pages; 95% CIs by bootstrap over pages
(percentile method). An empty prediction scores 0/0/0. Also a paired bootstrap CI of the F1 difference.

Usage: ``python bench/extraction.py [--sweep] [--limit N] [--boot 1000]``; prints one JSON object.
``--sweep`` also scores bantin under alternative trafilatura settings (how TRAFILATURA_OPTIONS was chosen).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bantin.extract import article as bx  # noqa: E402

CRAWL = ROOT.parent / "shared" / "data" / "crawl"
AEB = CRAWL / "benchmark" / "scrapinghub-aeb"
FUNDUS_VN = CRAWL / "pages" / "vi" / "fundus-vnexpress-2025"
# 1,000 resamples give CI endpoints stable to about ±0.002 on 181 pages.
DEFAULT_BOOT = 1000
# Fixed seed: the same run prints the same CIs.
SEED = 20251122
_BASE = {"favor_precision": False, "favor_recall": False, "include_comments": False, "include_tables": True}
SWEEP = {
    "balanced": _BASE,
    "balanced+comments": {**_BASE, "include_comments": True},
    "favor_precision": {**_BASE, "favor_precision": True},
    "favor_recall": {**_BASE, "favor_recall": True},
    "favor_precision-tables": {**_BASE, "favor_precision": True, "include_tables": False},
    # the shipped options without trafilatura's fallback extractors (readability, justext): ~6 ms a page less
    "shipped+fast": {**bx.TRAFILATURA_OPTIONS, "fast": True},
}


def prf(pred: str, gold: str) -> tuple[float, float, float]:
    p_tok, g_tok = Counter(pred.split()), Counter(gold.split())
    if not g_tok:
        return (1.0, 1.0, 1.0) if not p_tok else (0.0, 1.0, 0.0)
    overlap = sum((p_tok & g_tok).values())
    if not p_tok or not overlap:
        return 0.0, 0.0, 0.0
    p, r = overlap / sum(p_tok.values()), overlap / sum(g_tok.values())
    return p, r, 2 * p * r / (p + r)


def bootstrap(values: list[float], boot: int, rng: random.Random) -> list[float]:
    n = len(values)
    means = sorted(sum(values[rng.randrange(n)] for _ in range(n)) / n for _ in range(boot))
    return [round(means[int(0.025 * boot)], 4), round(means[min(boot - 1, int(0.975 * boot))], 4)]


def summarize(scores: list[tuple[float, float, float]], times: list[float], boot: int) -> dict[str, Any]:
    rng = random.Random(SEED)
    out: dict[str, Any] = {}
    for i, name in enumerate(("precision", "recall", "f1")):
        vals = [s[i] for s in scores]
        out[name] = round(statistics.fmean(vals), 4)
        out[f"{name}_ci95"] = bootstrap(vals, boot, rng)
    ms = sorted(t * 1000 for t in times)
    out["ms_per_page"] = {
        "mean": round(statistics.fmean(ms), 1),
        "median": round(statistics.median(ms), 1),
        "p95": round(ms[int(0.95 * (len(ms) - 1))], 1),
        "max": round(ms[-1], 1),
    }
    return out


def load_aeb(limit: int | None) -> list[tuple[str, bytes, str, str]]:
    truth = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))
    pages = []
    for page_id in sorted(truth)[:limit]:
        body = gzip.decompress((AEB / "html" / f"{page_id}.html.gz").read_bytes())
        pages.append((page_id, body, truth[page_id]["url"], truth[page_id]["articleBody"]))
    return pages


def load_fundus_vn() -> tuple[str, bytes, str, str]:
    meta = json.loads((FUNDUS_VN / "meta.info").read_text(encoding="utf-8"))
    name, info = next(iter(meta.items()))
    gold = next(iter(json.loads((FUNDUS_VN / "VnExpress.json").read_text(encoding="utf-8")).values()))
    parts = list(gold["body"].get("summary", []))
    for section in gold["body"]["sections"]:
        parts += section.get("headline", []) + section["paragraphs"]
    return name, gzip.decompress((FUNDUS_VN / name).read_bytes()), info["url"], "\n".join(parts)


def run_systems(pages: list[tuple[str, bytes, str, str]], fns: list[Callable[[bytes, str], str]]) -> list[tuple[list, list]]:
    """Score each system on each page; systems alternate page by page so machine-load drift hits both."""
    out: list[tuple[list, list]] = [([], []) for _ in fns]
    for _page_id, body, url, gold in pages:
        for (scores, times), fn in zip(out, fns, strict=True):
            t0 = time.perf_counter()
            pred = fn(body, url)
            times.append(time.perf_counter() - t0)
            scores.append(prf(pred, gold))
    return out


def bantin_text(body: bytes, url: str) -> str:
    return bx.extract_article(body, url).text


def trafilatura_text(body: bytes, url: str) -> str:
    import trafilatura

    return trafilatura.extract(body) or ""


def paired_diff(a: list[tuple[float, float, float]], b: list[tuple[float, float, float]], boot: int) -> dict:
    diffs = [x[2] - y[2] for x, y in zip(a, b, strict=True)]
    return {
        "mean": round(statistics.fmean(diffs), 4),
        "ci95": bootstrap(diffs, boot, random.Random(SEED)),
        "pages_better": sum(d > 1e-9 for d in diffs),
        "pages_worse": sum(d < -1e-9 for d in diffs),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=None, help="only the first N aeb pages (sorted by id)")
    ap.add_argument("--boot", type=int, default=DEFAULT_BOOT)
    ap.add_argument("--sweep", action="store_true", help="also score alternative trafilatura settings")
    args = ap.parse_args(argv)
    if not AEB.is_dir():
        print(json.dumps({"error": f"benchmark data not found at {AEB} (needs ../shared)"}))
        return 2
    pages = load_aeb(args.limit)
    trafilatura_text(pages[0][1], pages[0][2])  # warm-up: imports and lazy init are not per-page cost
    bantin_text(pages[0][1], pages[0][2])
    result: dict[str, Any] = {"dataset": "scrapinghub-aeb", "pages": len(pages), "bootstrap": args.boot}
    (sb, tb), (st, tt) = run_systems(pages, [bantin_text, trafilatura_text])
    result["bantin"] = {**summarize(sb, tb, args.boot), "options": bx.TRAFILATURA_OPTIONS}
    result["trafilatura_extract_default"] = summarize(st, tt, args.boot)
    result["f1_diff_bantin_minus_trafilatura"] = paired_diff(sb, st, args.boot)
    if args.sweep:
        result["sweep"] = {}
        for label, options in SWEEP.items():
            with mock.patch.object(bx, "TRAFILATURA_OPTIONS", options):
                ((s, t),) = run_systems(pages, [bantin_text])
            result["sweep"][label] = {**summarize(s, t, args.boot), "f1_diff_vs_bantin": paired_diff(s, sb, args.boot)}
    vn = [load_fundus_vn()]
    ((vb,), (vbt,)), ((vt,), (vtt,)) = run_systems(vn, [bantin_text, trafilatura_text])
    result["fundus_vnexpress_2025"] = {
        "bantin": {"precision": round(vb[0], 4), "recall": round(vb[1], 4), "f1": round(vb[2], 4), "ms": round(vbt * 1000, 1)},
        "trafilatura_extract_default": {"precision": round(vt[0], 4), "recall": round(vt[1], 4), "f1": round(vt[2], 4), "ms": round(vtt * 1000, 1)},
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
