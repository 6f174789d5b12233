"""Memory while ingesting many articles: peak resident set size of one process storing N articles.

Articles are real texts (VNTC bodies and RSS title+summary items from ../shared) fed through the
production path: feed items → frontier → CrawlCore.store_extracted (dedup, clusters, SQLite), with the
near-duplicate lookup (article_bands) growing as in a long crawl, and — as ``bantin crawl`` does in the
same process — the shipped classifier (topic model, gazetteer) loaded once and run over the new articles
after every feed batch (``--no-classify`` leaves it out). HTML extraction is skipped (its memory is per page and
freed after each page; the extraction benchmark covers it), so the figure measures what accumulates.

    python bench/memory.py --articles 100000      # prints JSON
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data"
# Feeds carry tens of items; 500 per synthetic feed batch keeps the frontier path realistic and fast.
BATCH = 500
# The bound.
LIMIT_MB = 1024


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def texts(n: int) -> Iterator[tuple[str, str, str]]:
    """(url, title, text) of real articles: VNTC bodies first, then RSS items (title + summary)."""
    count = 0
    with gzip.open(SHARED / "vntc" / "train.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            yield f"https://vntc.example/{row['id']}", row["text"][:80], row["text"]
            count += 1
            if count >= n:
                return
    with gzip.open(SHARED / "news" / "rss_articles.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            text = f"{row.get('title') or ''}. {row.get('summary') or ''}"
            if len(text) < 40:
                continue
            yield row["url"], row.get("title") or "", text
            count += 1
            if count >= n:
                return


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--no-classify", action="store_true", help="leave out the classifier the crawl also runs")
    args = ap.parse_args()
    if not (SHARED / "vntc" / "train.jsonl.gz").is_file():
        sys.exit(f"needs ../shared data at {SHARED}")

    from sqlalchemy import func, select

    from bantin.app.stats import CounterStats
    from bantin.extract.article import ExtractedArticle
    from bantin.extract.canonical import url_key
    from bantin.feeds.parse import FeedItem
    from bantin.ingest.core import CrawlCore, Fetched
    from bantin.sources.registry import SourceSpec, upsert
    from bantin.store.db import make_engine, session_factory
    from bantin.store.migrate import upgrade
    from bantin.store.schema import Article, ArticleBand

    start_rss = rss_mb()
    tmp = tempfile.mkdtemp(prefix="bantin-mem-")
    engine = make_engine(f"sqlite:///{tmp}/mem.db")
    upgrade(engine)
    sessions = session_factory(engine)
    with sessions() as s:
        upsert(s, SourceSpec(name="bench", feeds=("http://bench.example/feed.rss",)))
        s.commit()
    core = CrawlCore(sessions, CounterStats())
    feed = core.due_feeds()[0]
    clf = None
    if not args.no_classify:
        from bantin.classify.service import build_classifier, reclassify_stored

        with sessions() as s:
            clf = build_classifier(s, Path(tmp) / "models", "Nghệ An")
    classified = 0
    t0 = time.perf_counter()
    checkpoints = []
    batch: list[tuple[str, str, str]] = []
    done = 0
    base = datetime(2026, 1, 1, tzinfo=UTC)

    def flush() -> None:
        nonlocal done, classified
        items = [FeedItem(url=u, title=t, summary=None, published=base + timedelta(minutes=done + i),
                          language="vi") for i, (u, t, _) in enumerate(batch)]
        by_url = {url_key(u): x for u, _, x in batch}
        with sessions() as s:
            from bantin.ingest import frontier
            tasks = frontier.enqueue(s, feed.source_id, items, core.stats)
            s.commit()
        for task in tasks:
            ex = ExtractedArticle(url=task.url, canonical_url=task.canonical or task.url, title=task.title,
                                  text=by_url[task.canonical or task.url],
                                  published=task.published, language="vi")
            core.store_extracted(task, Fetched(task.url, task.url, 200, {}, b""), ex)
        done += len(batch)
        batch.clear()
        if clf is not None:  # the crawl's periodic job: classify what is new
            classified += reclassify_stored(sessions, clf)

    for row in texts(args.articles):
        batch.append(row)
        if len(batch) == BATCH:
            flush()
            if done % 10_000 == 0:
                checkpoints.append({"articles": done, "peak_rss_mb": round(rss_mb(), 1),
                                    "elapsed_s": round(time.perf_counter() - t0, 1)})
                print(json.dumps(checkpoints[-1]), file=sys.stderr, flush=True)
    if batch:
        flush()
    elapsed = time.perf_counter() - t0
    with sessions() as s:
        stored = s.scalar(select(func.count()).select_from(Article))
        # the near-duplicate lookup is the article_bands table now: nothing of it is held in memory
        banded = s.scalar(select(func.count(func.distinct(ArticleBand.article_id))))
    peak = rss_mb()
    print(json.dumps({
        "bench": "memory",
        "articles_offered": done,
        "articles_stored": stored,
        "articles_with_band_keys": banded,
        "articles_classified": classified,
        "classifier_loaded": clf is not None and clf.topic_model is not None,
        "peak_rss_mb": round(peak, 1),
        "rss_after_imports_mb": round(start_rss, 1),
        "limit_mb": LIMIT_MB,
        "within_limit": peak < LIMIT_MB,
        "elapsed_s": round(elapsed, 1),
        "articles_per_s": round(done / elapsed, 1),
        "checkpoints": checkpoints,
        "stats": {k: v for k, v in core.stats.get_stats().items() if k.startswith(("ingest", "dedup"))},
        "machine": f"{platform.machine()} {platform.python_version()} cores={__import__('os').cpu_count()}",
    }, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
