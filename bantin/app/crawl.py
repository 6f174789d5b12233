"""`bantin crawl`: run the spider once (every due source, with a progress bar) or continuously."""

from __future__ import annotations

import gc
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bantin.app.context import AppContext
from bantin.app.retention import prune_job
from bantin.app.stats import CounterStats
from bantin.ingest.core import CrawlCore


class _StatsBridge(CounterStats):
    """CrawlCore counts into Scrapy's stats collector once the crawler exists (one set of counters)."""

    def __init__(self) -> None:
        super().__init__()
        self.target: Any = None

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        super().inc_value(key, count, start)
        if self.target is not None:
            self.target.inc_value(key, count, start)


def classify_new(app: AppContext) -> int:
    """Classify stored articles that have no (current) classification; idempotent."""
    from bantin.classify.service import build_classifier, reclassify_stored

    with app.sessions() as s:
        clf = build_classifier(s, app.settings.models_dir, app.settings.province)
    return reclassify_stored(app.sessions, clf)


# Retention is enforced once a day (docs/principles.md, principle 3): a day's excess is small, and the
# first tick after start prunes, so a crawler restarted nightly still prunes.
PRUNE_INTERVAL_S = 24 * 3600.0


def crawl(app: AppContext, once: bool, console: Console | None = None, show_progress: bool = True,
          classify: bool = True) -> dict[str, Any]:
    """Run a crawl in this process (the Twisted reactor runs once per process). Returns the stats."""
    from scrapy.crawler import CrawlerProcess

    from bantin.extract.workers import Extractor, auto_workers
    from bantin.fetch.scrapy_config import build_scrapy_settings
    from bantin.ingest.spider import BantinSpider

    console = console or Console(stderr=True)
    stats = _StatsBridge()
    core = CrawlCore(app.sessions, stats)
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
    with progress:
        prune_tick = prune_job(app.settings, app.engine, core.index, stats, PRUNE_INTERVAL_S)

        def on_tick() -> None:
            prune_tick()
            if classify:
                stats.inc_value("classify/articles", classify_new(app))
        process.crawl(crawler, core=core, once=once, on_progress=on_progress, on_tick=on_tick, extractor=extractor)
        extractor.start()  # the workers import and warm up while the feeds are fetched
        # Imports and start-up made ~1M long-lived objects; freezing them keeps the cyclic GC from
        # re-scanning them on every collection (measured: ~9 % of crawl CPU, more under load).
        gc.collect()
        gc.freeze()
        try:
            process.start()
        finally:
            extractor.close()
    if classify and once:
        stats.inc_value("classify/articles", classify_new(app))
    out = dict(crawler.stats.get_stats() if crawler.stats else {})
    out.update({k: v for k, v in stats.get_stats().items() if k not in out})
    return out
