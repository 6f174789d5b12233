"""The Scrapy spider: polls due feeds, fetches new article pages, hands every response to CrawlCore.

All decisions about what a response means live in pipeline.CrawlCore (plain Python, tested without
Twisted); this module only turns due work into Requests and Responses/failures into CrawlCore calls.
Every CrawlCore call (database work, its retry sleeps) runs on one database thread, never on the reactor
thread, so a locked or restarting database delays storing but not fetching. Nothing here stops the
crawl for good: a failing tick is logged, counted (``crawl/tick_failed``) and retried on the next one.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from sqlalchemy.exc import InterfaceError, OperationalError
from twisted.internet import task, threads
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure
from twisted.python.threadpool import ThreadPool

from bantin.extract.workers import ExtractionFailed, Extractor
from bantin.fetch.throttle import parse_retry_after
from bantin.ingest.core import CrawlCore, FeedTask, Fetched
from bantin.ingest.frontier import ArticleTask
from bantin.ingest.outcomes import failure_info
from bantin.ingest.storegroups import StoreGroups
from bantin.ingest.wake import DueWake

T = TypeVar("T")
# The database is down or locked, not the page or feed at fault: nothing is recorded against it (no
# backoff); the work stays due and the next tick picks it up again.
DB_OUTAGE = (OperationalError, InterfaceError)

# Statuses the callbacks see themselves (not filtered, not redirected): 304 and every error status.
HANDLED_STATUSES = [304, *range(400, 600)]
# In continuous mode, look for newly due feeds and retryable articles this often.
TICK_S = 30.0
# Feeds first: they are cheap and tell us what to fetch next.
FEED_PRIORITY = 10
# In continuous mode, log what the crawl has done this often, so a stuck crawler is noticed.
HEARTBEAT_S = 300.0
# One database thread: SQLite has one writer anyway, and the crawl core's transactions then never interleave.
DB_THREADS = 1


def _headers(response: Response) -> dict[str, str]:
    out = {}
    for key, values in response.headers.items():
        if values:
            out[key.decode("latin-1").lower()] = values[-1].decode("latin-1")
    return out


def _fetched(response: Response) -> Fetched:
    original = response.request.meta.get("redirect_urls", [response.url])[0] if response.request else response.url
    return Fetched(url=original, final_url=response.url, status=response.status, headers=_headers(response),
                   body=response.body, elapsed_s=float(response.meta.get("download_latency", 0.0)))


class BantinSpider(scrapy.Spider):
    name = "bantin"

    def __init__(self, core: CrawlCore, once: bool = True,
                 on_progress: Callable[[str, int], None] | None = None,
                 on_tick: Callable[[], None] | None = None, extractor: Extractor | None = None,
                 on_heartbeat: Callable[[dict[str, Any]], None] | None = None, tick_s: float = TICK_S,
                 heartbeat_s: float = HEARTBEAT_S, **kwargs: Any):
        super().__init__(**kwargs)
        self.extractor = extractor if extractor is not None else Extractor(0)
        self.on_tick = on_tick
        self.on_heartbeat = on_heartbeat
        self.core = core
        self.once = once
        self.tick_s, self.heartbeat_s = tick_s, heartbeat_s
        self.on_progress = on_progress or (lambda _kind, _n: None)
        self.in_flight: set[str] = set()
        self._loops: list[task.LoopingCall] = []
        self._db = ThreadPool(minthreads=DB_THREADS, maxthreads=DB_THREADS, name="bantin-db")
        self._periodic: Deferred[None] | None = None  # the periodic job, while it runs (never two at once)
        # extracted pages share transactions (ingest.storegroups): one commit for the pages of a short window
        self.stores = StoreGroups(lambda items: self._db_call(self.core.store_many, items))
        self._wake = DueWake(lambda: deferred_from_coro(self._schedule_due()).addErrback(self._tick_failed), tick_s,
                             lambda: self._db_call(self.core.next_feed_due), core.stats)  # polled when due

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> BantinSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        crawler.signals.connect(spider._opened, signal=signals.spider_opened)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        return spider  # type: ignore[no-any-return]

    async def _db_call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run blocking CrawlCore work on the database thread; the reactor keeps fetching meanwhile."""
        from twisted.internet import reactor

        if not self._db.started:
            self._db.start()
        d = threads.deferToThreadPool(reactor, self._db, fn, *args, **kwargs)  # type: ignore[arg-type]
        return await maybe_deferred_to_future(d)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for req in await self._due_requests():
            yield req

    # ---- scheduling ----
    async def _due_requests(self) -> list[scrapy.Request]:
        feeds = await self._db_call(self.core.due_feeds)
        articles = await self._db_call(self.core.due_articles)
        out = [self._feed_request(ft) for ft in feeds if ft.url not in self.in_flight]
        return out + [self._article_request(at) for at in articles if at.url not in self.in_flight]

    def _feed_request(self, ft: FeedTask) -> scrapy.Request:
        headers = {}
        if ft.etag:
            headers["If-None-Match"] = ft.etag
        if ft.last_modified:
            headers["If-Modified-Since"] = ft.last_modified
        self.in_flight.add(ft.url)
        self.on_progress("total", 1)
        return scrapy.Request(ft.url, headers=headers, callback=self.on_feed, errback=self.on_feed_error,
                              dont_filter=True, priority=FEED_PRIORITY,
                              meta={"bantin_task": ft, "handle_httpstatus_list": HANDLED_STATUSES})

    def _article_request(self, at: ArticleTask) -> scrapy.Request:
        self.in_flight.add(at.url)
        self.on_progress("total", 1)
        return scrapy.Request(at.url, callback=self.on_article, errback=self.on_article_error, dont_filter=True,
                              meta={"bantin_task": at, "handle_httpstatus_list": HANDLED_STATUSES})

    def _finish(self, url: str) -> None:
        self.in_flight.discard(url)
        self.on_progress("done", 1)

    def _opened(self, spider: scrapy.Spider) -> None:
        if hasattr(self.core.stats, "target"):  # run._StatsBridge: count into Scrapy's collector too
            self.core.stats.target = self.crawler.stats
        if self.once:
            return
        for fn, every in ((self._tick, self.tick_s), (self._heartbeat, self.heartbeat_s)):
            loop = task.LoopingCall(fn)
            loop.start(every, now=False).addErrback(self._loop_died)
            self._loops.append(loop)

    def _closed(self, spider: scrapy.Spider) -> None:
        self._wake.cancel()
        for loop in self._loops:
            if loop.running:
                loop.stop()
        if self._db.started:
            self._db.stop()

    def _loop_died(self, failure: Failure) -> None:
        """Last resort: a loop that still died must not leave an idle process; close so the CLI exits non-zero."""
        self.logger.error("crawl loop died: %s", failure.getTraceback())
        self.crawler.stats.inc_value("crawl/loop_died")
        self.crawler.stats.set_value("crawl/loop_died_reason", failure.getErrorMessage()[:500])
        engine = self.crawler.engine
        if engine is not None:
            deferred_from_coro(engine.close_spider_async(reason="loop_died"))

    def _tick(self) -> Deferred[None]:
        """One tick: start the periodic job (off the reactor) and schedule what is due; never raises."""
        if self.on_tick is not None and self._periodic is None:
            self._periodic = threads.deferToThread(self.on_tick)
            self._periodic.addErrback(self._periodic_failed).addBoth(self._periodic_done)
        return deferred_from_coro(self._schedule_due()).addErrback(self._tick_failed)

    async def _schedule_due(self) -> None:
        engine = self.crawler.engine
        if engine is None:
            return
        for req in await self._due_requests():
            engine.crawl(req)
        if not self.once:
            await self._wake.rearm()

    def _tick_failed(self, failure: Failure) -> None:
        self.logger.error("tick failed, retried in %.0f s: %s", self.tick_s, failure.getErrorMessage())
        self.crawler.stats.inc_value("crawl/tick_failed")

    def _periodic_failed(self, failure: Failure) -> None:  # classification trouble must not stop the crawl
        self.logger.error("periodic job failed, retried next tick: %s", failure.getTraceback())
        self.crawler.stats.inc_value("crawl/periodic_failed")

    def _periodic_done(self, _: object) -> None:
        self._periodic = None

    def _heartbeat(self) -> None:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        self.crawler.stats.inc_value("crawl/heartbeat")
        if self.on_heartbeat is not None:
            self.on_heartbeat({**stats, "crawl/in_flight": len(self.in_flight)})

    def _idle(self, spider: scrapy.Spider) -> None:
        if not self.once:
            raise DontCloseSpider

    # ---- callbacks ----
    async def on_feed(self, response: Response) -> AsyncIterator[scrapy.Request]:
        ft: FeedTask = response.meta["bantin_task"]
        new: list[ArticleTask] = []
        try:
            res = _fetched(response)
            if response.status >= 400:
                retry_after = _retry_after_s(response.headers.get("Retry-After"))
                await self._db_call(self.core.feed_failed, ft, f"HTTP {response.status}", response.status,
                                    retry_after, outcome="http_error")
            else:
                new = await self._feed_fetched(ft, res)
        except Exception:  # the database is down: the source stays due and is polled again next tick
            self.logger.exception("feed handling failed: %s", ft.url)
            self.crawler.stats.inc_value("feed/unrecorded_error")
        finally:
            self._finish(ft.url)
        for at in new:
            if at.url not in self.in_flight:
                yield self._article_request(at)
        if not self.once:  # this feed's next poll may come before the next tick
            await self._wake.rearm()

    async def _feed_fetched(self, ft: FeedTask, res: Fetched) -> list[ArticleTask]:
        try:
            return await self._db_call(self.core.feed_fetched, ft, res)
        except DB_OUTAGE:
            raise
        except Exception as exc:  # a bug or a database outage must not re-poll the feed in a hot loop
            self.logger.exception("feed handling failed: %s", ft.url)
            self.crawler.stats.inc_value("feed/internal_error")
            message = f"internal error: {type(exc).__name__}: {exc}"
        await self._db_call(self.core.feed_failed, ft, message, outcome="internal_error")
        return []

    async def on_feed_error(self, failure: Failure) -> None:
        ft: FeedTask = failure.request.meta["bantin_task"]  # type: ignore[attr-defined]
        try:
            outcome, message, status = failure_info(failure)
            await self._db_call(self.core.feed_failed, ft, message, status, outcome=outcome)
        except Exception:  # not recorded: the source stays due and is polled again next tick
            self.logger.exception("recording a feed failure failed: %s", ft.url)
            self.crawler.stats.inc_value("feed/unrecorded_error")
        finally:
            self._finish(ft.url)

    async def on_article(self, response: Response) -> None:
        at: ArticleTask = response.meta["bantin_task"]
        try:
            await self._article(at, response)
        except Exception:  # not even the failure could be recorded: still pending, fetched again next tick
            self.logger.exception("recording an article failed: %s", at.url)
            self.crawler.stats.inc_value("ingest/unrecorded_error")
        finally:
            self._finish(at.url)

    async def _article(self, at: ArticleTask, response: Response) -> None:
        try:
            if response.status >= 400:
                await self._db_call(self.core.article_failed, at, f"HTTP {response.status}", response.status,
                                    outcome="http_error")
                return
            res = _fetched(response)
            ex = await self.extractor.extract(res.body, res.final_url or at.url, res.headers.get("content-type"),
                                              self.core.feed_hint(at), self.core.stats)
            await self.stores.store(at, res, ex)
        except ExtractionFailed as exc:  # the worker died or hung on this page: retried later with backoff
            message, outcome = str(exc), "extract_failed"
        except DB_OUTAGE:
            raise
        except Exception as exc:  # recorded and retried later with backoff, never silently dropped
            self.logger.exception("article handling failed: %s", at.url)
            self.crawler.stats.inc_value("ingest/internal_error")
            message, outcome = f"internal error: {type(exc).__name__}: {exc}", "internal_error"
        else:
            return
        await self._db_call(self.core.article_failed, at, message, outcome=outcome)

    async def on_article_error(self, failure: Failure) -> None:
        at: ArticleTask = failure.request.meta["bantin_task"]  # type: ignore[attr-defined]
        try:
            outcome, message, status = failure_info(failure)
            await self._db_call(self.core.article_failed, at, message, status, outcome=outcome)
        except Exception:  # not recorded: still pending, fetched again next tick
            self.logger.exception("recording an article failure failed: %s", at.url)
            self.crawler.stats.inc_value("ingest/unrecorded_error")
        finally:
            self._finish(at.url)


def _retry_after_s(value: bytes | None) -> float | None:
    if not value:
        return None
    return parse_retry_after(value.decode("latin-1"))
