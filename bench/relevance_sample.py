"""Draw a fresh relevance set of real RSS items for one province, to be labelled by reading (#12).

    .venv/bin/python -m bench.relevance_sample --province "Nghệ An" --n 200 --seed N [--exclude LABELS.jsonl ...]
                                         (prints one item per line: index, url, province, title | summary)

Reads ../shared/data/news/rss_articles.jsonl.gz in place (the repo keeps only URLs and labels). Three pools, as
issue #12's additions to the dev set were drawn, so that a set looks like coverage the office must sort:
``named`` items whose title or summary names the province; ``units`` items that do not, but name one of its
places (a 2025 ward or commune, a former district, a nickname: the gazetteer's names, which other provinces may
share); ``other`` items naming neither. Shares POOL_SHARES; an item already labelled (``--exclude``) is never
drawn. The pools come from plain name search, never from the matcher's decisions, so the set does not lean on
what the matcher finds.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
from pathlib import Path

import numpy as np

RSS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "news" / "rss_articles.jsonl.gz"
# named / units / other: as the 2026-12 additions (38 / 40 / 22 of 100), so that misses and false alarms both show.
POOL_SHARES = {"named": 0.4, "units": 0.4, "other": 0.2}
# Summaries shorter than this are headlines only (as bench/topics_sample.py).
MIN_SUMMARY_CHARS = 60


def _names(province: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(the province's own name, its other places' names) as whole-word, case-sensitive patterns."""
    from bantin.classify.relevance.gazetteer import build_gazetteer

    gaz = build_gazetteer(province, True, True)
    ours = {p.name for p in gaz.places.values() if p.province == province and p.kind != "province" and " " in p.name}
    own = re.compile(r"(?<!\w)" + re.escape(province) + r"(?!\w)", re.IGNORECASE)
    units = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, sorted(ours, key=len, reverse=True))) + r")(?!\w)")
    return own, units


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--province", required=True)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--exclude", type=Path, nargs="*", default=[], help="labelled .jsonl files whose URLs to skip")
    args = ap.parse_args()
    skip = {json.loads(line)["url"] for path in args.exclude for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()}
    own, units = _names(args.province)
    pools: dict[str, list[dict]] = {k: [] for k in POOL_SHARES}
    with gzip.open(RSS, "rt", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if row["url"] in skip or len(row.get("summary") or "") < MIN_SUMMARY_CHARS:
                continue
            text = f"{row.get('title') or ''} | {row.get('summary') or ''}"
            pools["named" if own.search(text) else "units" if units.search(text) else "other"].append(row)
    rng = np.random.default_rng(args.seed)
    picked: list[dict] = []
    for pool, share in POOL_SHARES.items():
        rows = pools[pool]
        k = min(len(rows), round(args.n * share)) if pool != "other" else args.n - len(picked)
        picked += [rows[i] for i in sorted(rng.choice(len(rows), size=k, replace=False))]
    order = rng.permutation(len(picked))
    for i, j in enumerate(order):
        r = picked[j]
        title, summary = (r.get("title") or "").replace("\t", " "), (r.get("summary") or "").replace("\t", " ")
        print(f"{i}\t{r['url']}\t{args.province}\t{title} | {summary}".replace("\n", " "))


if __name__ == "__main__":
    main()
