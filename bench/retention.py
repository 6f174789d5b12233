"""Bounded storage: simulated days of polling sources with retention enforced daily; the database size and
the process's resident memory level off instead of growing with every day crawled.

Simulated time: ``bantin.store.types.utcnow`` (which every timestamp in bantin comes from: fetch log,
frontier, article ``fetched_at``, audit rows) reads a simulated clock that advances in ``STEP_S`` steps. Each
step drives the production ingest path with no HTTP: ``CrawlCore.due_feeds(now)`` picks the sources whose
adaptive schedule (``bantin.sources.schedule``, default intervals) says they are due; each gets a 304 when
it published nothing since its last poll (its ETag) or an RSS 2.0 body of its latest ``FEED_ITEMS`` items
(``CrawlCore.feed_fetched``: parse → frontier); the new frontier rows are stored with
``CrawlCore.store_extracted`` (dedup, the shared near-duplicate table, clusters, SQLite), HTML extraction skipped.
Article texts are real (VNTC bodies, then RSS title + summary items from ../shared); each source publishes
``--per-day`` items at random times. The crawl's own daily job (``bantin.app.retention.prune_job``, with a
synchronous thread stand-in) prunes with every retention at ``--retention-days``.

    python bench/retention.py [--days 30] [--sources 50] [--per-day 10] [--retention-days 7]   # prints JSON
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data"
# Five simulated minutes per step: the shortest poll interval (schedule.MIN_POLL_S), so a due source is
# polled at most 5 minutes late; finer steps only add empty due-queries (1 min steps: 3x the wall time).
STEP_S = 300
# A publisher's RSS lists its latest ~20 items (VnExpress, Tuổi Trẻ, Thanh Niên all do).
FEED_ITEMS = 20
# Fixed simulated start and seed: the same command gives the same crawl.
START = datetime(2026, 1, 1, tzinfo=UTC)
SEED = 20261201


def texts(n: int) -> Iterator[tuple[str, str]]:
    """(title, text) of real articles: VNTC bodies first, then RSS items (title + summary)."""
    count = 0
    with gzip.open(SHARED / "vntc" / "train.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            yield row["text"][:80], row["text"]
            count += 1
            if count >= n:
                return
    with gzip.open(SHARED / "news" / "rss_articles.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            text = f"{row.get('title') or ''}. {row.get('summary') or ''}"
            if len(text) >= 40:
                yield row.get("title") or "", text
                count += 1
                if count >= n:
                    return


def install_clock() -> Any:
    """Make bantin's one clock (``store.types.utcnow``) read ``store.types._BENCH_NOW``; returns the module."""
    import bantin.store.types as types_mod

    def _sim_now() -> datetime:
        return _BENCH_NOW  # type: ignore[name-defined]  # noqa: F821 - resolved in types_mod's globals

    types_mod._BENCH_NOW = START  # type: ignore[attr-defined]
    types_mod.utcnow.__code__ = _sim_now.__code__  # every module bound the function object; swap its body
    return types_mod


def rss(source: int, items: list[tuple[datetime, str, str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{escape(title)}</title><link>{escape(url)}</link><description>{escape(text[:300])}"
        f"</description><pubDate>{format_datetime(when)}</pubDate></item>" for when, url, title, text in items)
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Nguồn {source}</title>'
            f"<link>https://nguon-{source}.example/</link>{entries}</channel></rss>").encode()


def db_bytes(path: Path) -> dict[str, int]:
    wal = path.with_name(path.name + "-wal")
    return {"file": path.stat().st_size, "wal": wal.stat().st_size if wal.exists() else 0}


def _sqlite_memory_used() -> Any:
    """``sqlite3_memory_used()`` of the SQLite library Python's sqlite3 module runs on (its heap in this process:
    mostly the connections' page caches, which Python's allocator statistics do not see)."""
    import ctypes
    import sqlite3

    lib = ctypes.CDLL(None)  # the library _sqlite3 loaded; fall back to the system one by name
    try:
        fn = lib.sqlite3_memory_used
    except AttributeError:
        sqlite3.connect(":memory:").close()
        fn = ctypes.CDLL("libsqlite3.so.0").sqlite3_memory_used
    fn.restype = ctypes.c_int64
    return fn


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--sources", type=int, default=50)
    ap.add_argument("--per-day", type=int, default=10, help="items each source publishes per day")
    ap.add_argument("--retention-days", type=int, default=7)
    ap.add_argument("--trace-from", type=int, default=0,
                    help="trace Python allocations from the start of this day; print what grew by the last day")
    ap.add_argument("--trace-frames", type=int, default=1, help="frames kept per allocation (12: minutes a day)")
    args = ap.parse_args()
    if not (SHARED / "vntc" / "train.jsonl.gz").is_file():
        sys.exit(f"needs the real data in {SHARED} (../shared beside the project)")
    types_mod = install_clock()

    import psutil
    from sqlalchemy import func, select

    from bantin.app.context import open_app
    from bantin.app.retention import prune_job
    from bantin.app.settings import Settings
    from bantin.app.stats import CounterStats
    from bantin.ingest.core import CrawlCore, Fetched
    from bantin.store.schema import Article, ArticleBand, Feed, FetchLog, FrontierItem, Source

    rng = random.Random(SEED)
    tmp = Path(tempfile.mkdtemp(prefix="bantin-retention-"))
    r = args.retention_days
    settings = Settings(data_dir=tmp, retention_days=r, fetch_log_days=r, frontier_days=r, audit_days=r)
    app = open_app(settings, seed_sources=False)
    with app.sessions() as s:
        for k in range(args.sources):
            s.add(Source(name=f"Nguồn {k}", home_url=f"https://nguon-{k}.example/",
                         feeds=[Feed(url=f"https://nguon-{k}.example/rss")]))
        s.commit()
        source_ids = {sid: k for k, sid in enumerate(s.scalars(select(Source.id).order_by(Source.id)))}
    total = args.sources * args.per_day * args.days
    corpus = texts(total)
    schedule: list[list[tuple[datetime, str, str, str]]] = [[] for _ in range(args.sources)]
    # Article texts as UTF-8 bytes, decoded for each store as a crawler decodes a page: SQLite binds a str
    # through its cached UTF-8 form, which stays with the str, so str texts kept here for the whole run grew
    # the process by ~1.4 MB a simulated day (the texts stored that day) that a crawler does not keep.
    by_url: dict[str, tuple[bytes, bytes]] = {}
    for k in range(args.sources):
        times = sorted(START + timedelta(seconds=rng.uniform(0, args.days * 86400)) for _ in range(args.per_day * args.days))
        for n, when in enumerate(times):
            title, text = next(corpus)
            url = f"https://nguon-{k}.example/bai-{n}.html"
            schedule[k].append((when, url, title, text))
            by_url[url] = (title.encode(), text.encode())
    stats = CounterStats()
    core = CrawlCore(app.sessions, stats)
    sim_clock = lambda: (types_mod._BENCH_NOW - START).total_seconds()  # noqa: E731
    tick = prune_job(settings, app.engine, stats, 86400.0, clock=sim_clock)
    proc, db_path = psutil.Process(), tmp / "bantin.db"
    sqlite_used = _sqlite_memory_used()
    published = [0] * args.sources  # items of each source published so far
    rows: list[dict[str, Any]] = []
    t0 = time.perf_counter()
    traced = None
    for day in range(args.days):
        day_t0 = time.perf_counter()
        if args.trace_from and day + 1 == args.trace_from:
            import tracemalloc

            tracemalloc.start(args.trace_frames)
        if args.trace_from and day + 1 == args.trace_from + 1:
            traced = tracemalloc.take_snapshot()  # after the first traced day: caches that fill once are in it
        for step in range(86400 // STEP_S):
            now = START + timedelta(days=day, seconds=step * STEP_S)
            types_mod._BENCH_NOW = now
            tick()  # first call prunes at once; then once every simulated day
            for ft in core.due_feeds(now):
                k = source_ids[ft.source_id]
                while published[k] < len(schedule[k]) and schedule[k][published[k]][0] <= now:
                    published[k] += 1
                etag = f'"{published[k]}"'
                if ft.etag == etag:
                    core.feed_fetched(ft, Fetched(ft.url, ft.url, 304, {"etag": etag}, b""))
                    continue
                latest = schedule[k][max(0, published[k] - FEED_ITEMS) : published[k]][::-1]
                body = rss(k, latest)
                core.feed_fetched(ft, Fetched(ft.url, ft.url, 200, {"etag": etag, "content-type": "application/rss+xml"}, body))
            for at in core.due_articles():
                title, text = (part.decode() for part in by_url[at.url])
                ex = SimpleNamespace(text=text, canonical_url=at.url, title=title, aliases=(), description=None,
                                     published=at.published, language="vi")
                core.store_extracted(at, Fetched(at.url, at.url, 200, {}, b""), ex)
        with app.engine.connect() as conn:
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()
            free = conn.exec_driver_sql("PRAGMA freelist_count").scalar_one()
            page = conn.exec_driver_sql("PRAGMA page_size").scalar_one()
        with app.sessions() as s:
            rows_now = {name: s.scalar(select(func.count()).select_from(model)) for name, model in
                 (("articles", Article), ("fetch_log", FetchLog), ("frontier", FrontierItem),
                  ("article_bands", ArticleBand))}
        rows.append({"day": day + 1, **{f"db_{k}_mb": round(v / 2**20, 1) for k, v in db_bytes(db_path).items()},
                     "db_used_mb": round((pages - free) * page / 2**20, 1), "rss_mb": round(proc.memory_info().rss / 2**20),
                     # SQLite's own heap (page caches of the pooled connections, bounded by cache_size each)
                     "sqlite_mb": round(sqlite_used() / 2**20, 1), "connections": app.engine.pool.checkedin(),  # type: ignore[attr-defined]
                     **rows_now,
                     "wall_s": round(time.perf_counter() - day_t0, 1)})
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    if traced is not None:
        grown = tracemalloc.take_snapshot().compare_to(traced, "traceback")
        for stat in grown[:12]:
            print(f"+{stat.size_diff / 2**20:.2f} MB ({stat.count_diff:+d} blocks)", file=sys.stderr)
            for line in stat.traceback.format()[-12:]:
                print("    " + line, file=sys.stderr)
    counters = stats.get_stats()
    print(json.dumps({
        "days": args.days, "sources": args.sources, "per_day": args.per_day, "retention_days": r,
        "articles_stored": counters.get("ingest/article_new", 0), "feed_polls": counters.get("feed/parsed", 0)
        + counters.get("feed/not_modified", 0), "not_modified": counters.get("feed/not_modified", 0),
        "prune_runs": counters.get("prune/runs", 0),
        "pruned": {k.removeprefix("prune/deleted/"): v for k, v in counters.items() if k.startswith("prune/deleted/")},
        "wall_s": round(time.perf_counter() - t0, 1), "machine": f"{platform.machine()}, {psutil.cpu_count()} cores, "
        f"Python {platform.python_version()}, load {psutil.getloadavg()[0]:.1f}", "per_day_rows": rows,
    }, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
