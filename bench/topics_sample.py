"""Draw the fixed sample of real RSS items that data/topics/rss_topic_labels.jsonl labels by reading (#12).

    .venv/bin/python -m bench.topics_sample [--n 400] [--seed N --exclude LABELS.jsonl ...]
                                                           (prints one item per line: index, url, title | summary)

Reads ../shared/data/news/rss_articles.jsonl.gz in place; the repo keeps only URLs and labels (the texts
belong to their publishers). Items with near-empty summaries are skipped; the sample is stratified by outlet
(equal shares of VnExpress, Thanh Niên and Tuổi Trẻ) and uniform over the year within each outlet.
A later sample (the fresh held-out set, data/topics/rss_topic_labels_fresh.jsonl) is drawn with another seed
(FRESH_SEED) and ``--exclude`` the URLs of every earlier labelled file.
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

import numpy as np

RSS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "news" / "rss_articles.jsonl.gz"
# The sample's seed: fixed so the labelled set can be re-drawn and checked.
SEED = 20260412
# The fresh held-out sample's seed (250 items drawn after the 400 had been used for tuning; --n 250).
FRESH_SEED = 20261201
# Summaries shorter than this are headlines only (1 % of items are under 82 characters).
MIN_SUMMARY_CHARS = 60
OUTLETS = ("VnExpress", "Thanh Niên", "Tuổi Trẻ")


def outlet(source: str) -> str:
    """The outlet of a feed's ``source`` ("VnExpress - Thể Thao" -> "VnExpress")."""
    return source.split(" - ")[0]


def rss_items(path: Path = RSS) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def rss_text(row: dict) -> str:
    """Title + summary, the form bantin classifies RSS items in."""
    return f"{row.get('title') or ''}\n{row.get('summary') or ''}"


def draw(rows: list[dict], n: int, seed: int = SEED, exclude: set[str] | None = None) -> list[dict]:
    rng = np.random.default_rng(seed)
    seen: set[str] = set(exclude or ())
    out: list[dict] = []
    for k, name in enumerate(OUTLETS):
        pool = [r for r in rows if outlet(r["source"]) == name and len(r.get("summary") or "") >= MIN_SUMMARY_CHARS]
        want = n // len(OUTLETS) + (1 if k < n % len(OUTLETS) else 0)
        for i in rng.permutation(len(pool)):
            if len(out) >= sum(n // len(OUTLETS) + (1 if j < n % len(OUTLETS) else 0) for j in range(k + 1)):
                break
            if pool[i]["url"] not in seen:
                seen.add(pool[i]["url"])
                out.append(pool[i])
        assert len(out) >= want
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=400)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--exclude", type=Path, nargs="*", default=[], help="labelled .jsonl files whose URLs to skip")
    args = ap.parse_args()
    exclude = {json.loads(line)["url"] for p in args.exclude for line in p.read_text(encoding="utf-8").splitlines()
               if line.strip()}
    for i, r in enumerate(draw(rss_items(), args.n, args.seed, exclude)):
        print(f"{i}\t{r['url']}\t" + " | ".join((r.get(k) or '').replace('\n', ' ') for k in ('title', 'summary')))


if __name__ == "__main__":
    main()
