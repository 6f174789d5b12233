"""`bantin crawl`: run the spider once (every due source, with a progress bar) or continuously.

Continuously, the periodic classification runs off the reactor thread (the spider's tick hands it to a
thread) and keeps its classifier until another topic model version is promoted (:class:`ClassifierCache`).
"""

from __future__ import annotations

import gc
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.orm import Session

from bantin.app.context import AppContext
from bantin.app.retention import prune_job
from bantin.app.stats import CounterStats
from bantin.ingest.core import CrawlCore
from bantin.sources.schedule import PollBounds
from bantin.store.migrate import refresh_tick
from bantin.store.schema import FetchLog, Source

# Feed outcomes that mean "the source answered": anything else in a run is that source failing.
FEED_OK_OUTCOMES = frozenset({"ok", "ok_bozo", "not_modified"})
# Look for due feeds at least this often per minimum poll interval: a feed kept at the minimum then waits
# at most a quarter interval for the next tick (the 30 s tick capped freshness at 35 s p95 with a 5 s minimum;
# half an interval left a 1.5 s publisher at 13 s against 10.5). The 300 s default minimum keeps the 30 s tick.
TICKS_PER_MIN_POLL = 4
# Heartbeat counters worth a glance (the rest are in the final stats).
HEARTBEAT_KEYS = ("crawl/in_flight", "ingest/article_new", "feed/not_modified", "crawl/tick_failed", "ingest/unrecorded_error")


class _StatsBridge(CounterStats):
    """CrawlCore counts into Scrapy's stats collector once the crawler exists (one set of counters)."""

    def __init__(self) -> None:
        super().__init__()
        self.target: Any = None
        self._lock = threading.Lock()  # the database thread and the reactor thread both count

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        with self._lock:
            super().inc_value(key, count, start)
            if self.target is not None:
                self.target.inc_value(key, count, start)


class ClassifierCache:
    """The classifier of the promoted topic model, rebuilt only when another version is promoted.

    Checking costs one indexed query for the promoted version id; loading the ~8 MB model costs seconds.
    """

    def __init__(self, app: AppContext) -> None:
        self.app = app
        self.loads = 0
        self._key: tuple[int | None, str, int | None] | None = None
        self._clf: Any = None

    def get(self) -> Any:
        from bantin.classify.registry.store import promoted
        from bantin.classify.service import RELEVANCE_MODEL_NAME, TOPIC_MODEL_NAME, build_classifier

        with self.app.read_sessions() as s:  # reads only: loading the model must not hold SQLite's write lock
            mv, rel = promoted(s, TOPIC_MODEL_NAME), promoted(s, RELEVANCE_MODEL_NAME)
            key = (mv.id if mv is not None else None, self.app.settings.province, rel.id if rel is not None else None)
            if key != self._key or self._clf is None:
                self._clf = build_classifier(s, self.app.settings.models_dir, self.app.settings.province)
                self._key, self.loads = key, self.loads + 1
        return self._clf


def classify_new(app: AppContext, cache: ClassifierCache | None = None) -> int:
    """Classify stored articles that have no (current) classification; idempotent. The review queue admits
    their stories in the same transactions (``queue.admission.admit``)."""
    from bantin.classify.service import reclassify_stored
    from bantin.queue.admission import admit

    def admit_stories(session: Session, article_ids: list[int]) -> None:
        admit(session, article_ids)

    return reclassify_stored(app.sessions, (cache or ClassifierCache(app)).get(), on_written=admit_stories)


@dataclass(frozen=True)
class SourceRun:
    name: str
    ok: bool
    error: str | None  # the last feed error of this run, when nothing of the source answered


def source_runs(app: AppContext, since: datetime) -> list[SourceRun]:
    """Per source polled since ``since``: did any of its feeds answer, and if not, the last error."""
    from sqlalchemy import select

    with app.sessions() as s:
        rows = s.execute(select(Source.name, FetchLog.outcome, FetchLog.error).join(Source)
                         .where(FetchLog.kind == "feed", FetchLog.at >= since).order_by(FetchLog.id)).all()
    ok: dict[str, bool] = {}
    last_error: dict[str, str | None] = {}
    for name, outcome, error in rows:
        ok[name] = ok.get(name, False) or outcome in FEED_OK_OUTCOMES
        last_error[name] = error or outcome
    return [SourceRun(n, ok[n], None if ok[n] else last_error[n]) for n in sorted(ok)]


def heartbeat_line(stats: dict[str, Any]) -> str:
    return "crawl heartbeat: " + ", ".join(f"{k}={stats.get(k, 0)}" for k in HEARTBEAT_KEYS)


# Retention is enforced once a day (docs/principles.md, principle 3): a day's excess is small, and the
# first tick after start prunes, so a crawler restarted nightly still prunes.
PRUNE_INTERVAL_S = 24 * 3600.0


def crawl(app: AppContext, once: bool, console: Console | None = None, show_progress: bool = True,
          classify: bool = True) -> dict[str, Any]:
    """Run a crawl in this process (the Twisted reactor runs once per process). Returns the stats."""
    from scrapy.crawler import CrawlerProcess

    from bantin.extract.workers import Extractor, auto_workers
    from bantin.fetch.scrapy_config import build_scrapy_settings
    from bantin.ingest import spider as spider_module
    from bantin.ingest.spider import BantinSpider

    console = console or Console(stderr=True)
    stats = _StatsBridge()
    poll = PollBounds(app.settings.poll_min_s, app.settings.poll_max_s)
    core = CrawlCore(app.sessions, stats, poll=poll)
    progress = Progress(TextColumn("[bold]Thu thập[/] (crawl)"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=console, disable=not show_progress, transient=False)
    tid = progress.add_task("crawl", total=0)

    def on_progress(kind: str, n: int) -> None:
        if kind == "total":
            progress.update(tid, total=(progress.tasks[0].total or 0) + n)
        else:
            progress.advance(tid, n)

    scrapy_settings = build_scrapy_settings(app.settings)
    scrapy_settings["LOG_INSTALL_ROOT_HANDLER"] = True  # at LOG_LEVEL (WARNING): quiet, but errors show
    process = CrawlerProcess(scrapy_settings)
    crawler = process.create_crawler(BantinSpider)
    workers = app.settings.extract_workers
    extractor = Extractor(auto_workers() if workers is None else workers)
    cache = ClassifierCache(app)
    with progress:
        prune_tick = prune_job(app.settings, app.engine, stats, PRUNE_INTERVAL_S)
        planner_tick = refresh_tick(app.engine)  # PostgreSQL without autovacuum: store/migrate.py

        def on_tick() -> None:  # on the spider's periodic thread, never the reactor
            prune_tick()
            planner_tick()
            if classify:
                stats.inc_value("classify/articles", classify_new(app, cache))
        process.crawl(crawler, core=core, once=once, on_progress=on_progress, on_tick=on_tick, extractor=extractor,
                      on_heartbeat=lambda st: console.print(heartbeat_line(st), highlight=False, soft_wrap=True),
                      tick_s=min(spider_module.TICK_S, poll.min_s / TICKS_PER_MIN_POLL),
                      heartbeat_s=spider_module.HEARTBEAT_S)
        extractor.start()  # the workers import and warm up while the feeds are fetched
        # Imports and start-up made ~1M long-lived objects; freezing them keeps the cyclic GC from
        # re-scanning them on every collection (measured: ~9 % of crawl CPU, more under load). No collection
        # first: at this point one found ~200 unreachable objects among ~230,000 and cost 0.12 s of CPU
        # (bench/throughput.py), so freezing that garbage with the rest costs less than looking for it.
        gc.freeze()
        try:
            process.start()
        finally:
            extractor.close()
    if classify and once:
        stats.inc_value("classify/articles", classify_new(app, cache))
    stats.inc_value("classify/model_loads", cache.loads)
    out = dict(crawler.stats.get_stats() if crawler.stats else {})
    out.update({k: v for k, v in stats.get_stats().items() if k not in out})
    return out
