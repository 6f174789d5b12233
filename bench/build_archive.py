"""A large synthetic archive for `bantin articles import --input`, made from the real RSS items in ../shared.

Every row starts from a real item of ``../shared/data/news/rss_articles.jsonl.gz`` (153,424 VnExpress,
Thanh Niên and Tuổi Trẻ items: titles and summaries; read from there, never copied into the repository):

- text: the item's summary followed by the summaries of two other items drawn at random, so that the ~6.5
  rows made from one item per million differ by two thirds of their shingles (not near-duplicates, not one
  content hash), while the words, places and topics stay real;
- published: a random moment in the two years before END, at the real item's time of day (Vietnam), so the
  daily rhythm and the day buckets across 17:00 UTC are those of real feeds;
- URL: the real URL with ``-r<row>`` before the suffix (unique per row);
- syndicated copies: SYNDICATED_SHARE of the rows are followed by a copy on a partner outlet (the same text
  with the publisher credit "Theo <outlet>." appended, published 10 minutes to 6 hours later; ``copy_of``
  names the row copied), and SECOND_COPY_SHARE of those by a copy of the copy, so the import's
  near-duplicate check forms clusters of 2 and 3;
  PARTNERS include foreign outlets so the domestic/foreign report has both sides.

Classifications come from the classifier after the import (``bantin classify``), as for crawled articles.

    python bench/build_archive.py --rows 1000000 --output /tmp/bantin-1m.jsonl.gz   # prints JSON
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
SHARED_NEWS = ROOT.parent / "shared" / "data" / "news" / "rss_articles.jsonl.gz"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
# The archive ends where the real items end (2026-08) and spans two years before it, as the issue asks.
END = datetime(2026, 9, 1, tzinfo=VN)
SPAN_DAYS = 730
# About one story in eight is picked up by another outlet in the real feeds (bench/neardup.py measured
# 10-15 % cross-outlet copies); 12 % gives ~107k copies per million rows.
SYNDICATED_SHARE = 0.12
# A copy of a copy: some syndicated stories travel further.
SECOND_COPY_SHARE = 0.25
# Partner outlets (name, country, URL host): domestic and foreign, Vietnamese-language all.
PARTNERS = (("Báo Nghệ An", "VN", "baonghean.bench.test"), ("VietnamPlus", "VN", "vietnamplus.bench.test"),
            ("Dân trí", "VN", "dantri.bench.test"), ("Báo Thanh Hóa", "VN", "baothanhhoa.bench.test"),
            ("Người Lao Động", "VN", "nld.bench.test"), ("BBC Tiếng Việt", "GB", "bbc-vi.bench.test"),
            ("RFI Tiếng Việt", "FR", "rfi-vi.bench.test"))
# Fixed seed: the same command builds the same archive.
SEED = 20261201
# gzip level 1: the archive is a benchmark input, written once and read once; level 9 would triple the time.
GZIP_LEVEL = 1


def load_items(path: Path) -> list[tuple[str, str, str, str, datetime]]:
    items = []
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if not r.get("title") or not r.get("summary"):
                continue
            outlet = str(r["source"]).split(" - ")[0]  # "VnExpress - Thế Giới" is VnExpress's section feed
            published = datetime.fromisoformat(r.get("published") or r["fetched"]).astimezone(VN)
            items.append((r["url"], r["title"], r["summary"], outlet, published))
    return items


def _vary_url(url: str, n: int, host: str | None = None) -> str:
    base, dot, ext = url.rpartition(".")
    if not dot or "/" in ext:
        base, ext = url, "html"
    if host:
        base = f"https://{host}/" + base.split("://", 1)[-1].split("/", 1)[-1]
    return f"{base}-r{n}.{ext}"


def rows(items: list[tuple[str, str, str, str, datetime]], n_rows: int, seed: int) -> Any:
    rnd = random.Random(seed)
    start = END - timedelta(days=SPAN_DAYS)
    written = 0
    i = 0
    while written < n_rows:
        url, title, summary, outlet, real = items[i % len(items)]
        others = [items[rnd.randrange(len(items))][2] for _ in range(2)]
        text = " ".join([summary, *others])
        day = start + timedelta(days=rnd.randrange(SPAN_DAYS))
        published = day.replace(hour=real.hour, minute=real.minute, second=real.second)
        row = {"url": _vary_url(url, written), "title": title, "summary": summary, "text": text,
               "published": published.isoformat(), "source": outlet, "language": "vi"}
        yield row
        written += 1
        copies = 0
        if rnd.random() < SYNDICATED_SHARE:
            copies = 2 if rnd.random() < SECOND_COPY_SHARE else 1
        prev = row
        for _ in range(copies):
            if written >= n_rows:
                break
            partner, _country, host = rnd.choice([p for p in PARTNERS if p[0] != prev["source"]])
            later = datetime.fromisoformat(prev["published"]) + timedelta(minutes=rnd.randint(10, 360))
            prev = {"url": _vary_url(url, written, host), "title": title, "summary": summary,
                    "text": f"{prev['text']} Theo {prev['source']}.", "published": later.isoformat(),
                    "source": partner, "language": "vi", "copy_of": prev["url"]}
            yield prev
            written += 1
        i += 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--output", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--news", type=Path, default=SHARED_NEWS, help="the real RSS items (../shared)")
    args = ap.parse_args(argv)
    if not args.news.is_file():
        print(f"needs the real items in {args.news} (../shared beside the project)", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    items = load_items(args.news)
    copies = 0
    days: set[str] = set()
    with gzip.open(args.output, "wt", encoding="utf-8", compresslevel=GZIP_LEVEL) as out:
        for row in rows(items, args.rows, args.seed):
            copies += "copy_of" in row
            days.add(row["published"][:10])
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(json.dumps({"rows": args.rows, "syndicated_copies": copies, "base_items": len(items),
                      "days": len(days), "output": str(args.output), "bytes": args.output.stat().st_size,
                      "seconds": round(time.perf_counter() - t0, 1)}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
