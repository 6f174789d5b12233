"""The Scrapy spider: polls due feeds, fetches new article pages, hands every response to CrawlCore.

All decisions about what a response means live in pipeline.CrawlCore (plain Python, tested without
Twisted); this module only turns due work into Requests and Responses/failures into CrawlCore calls.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from twisted.internet import task
from twisted.python.failure import Failure

from bantin.extract.workers import ExtractionFailed, Extractor
from bantin.fetch.throttle import parse_retry_after
from bantin.ingest.core import CrawlCore, FeedTask, Fetched
from bantin.ingest.frontier import ArticleTask

# Statuses the callbacks see themselves (not filtered, not redirected): 304 and every error status.
HANDLED_STATUSES = [304, *range(400, 600)]
# In continuous mode, look for newly due feeds and retryable articles this often.
TICK_S = 30.0
# Feeds first: they are cheap and tell us what to fetch next.
FEED_PRIORITY = 10


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


# What the fetch layer's refusals mean, for the fetch log and `bantin sources check` (Vietnamese first).
REFUSALS = {
    "robots_forbidden": ("robots_forbidden", "robots.txt không cho phép hoặc không truy cập được (robots.txt forbids or is unreachable)"),
    "ssrf_refused": ("refused", "địa chỉ bị từ chối vì an toàn (address refused: SSRF policy)"),
    "host_backed_off": ("backed_off", "máy chủ yêu cầu tạm dừng (host asked us to back off: Retry-After)"),
}


def _failure_info(failure: Failure) -> tuple[str, str, int | None]:
    """(outcome, message, status) for a failed request."""
    exc = failure.value
    name = type(exc).__name__
    text = str(exc)
    response = getattr(exc, "response", None)
    status = getattr(response, "status", None)
    prefix = text.split(":", 1)[0]
    if prefix in REFUSALS:
        outcome, human = REFUSALS[prefix]
        return outcome, f"{human}: {text.split(':', 1)[1].strip()}", status
    if "maxsize" in text.lower() or "max size" in text.lower():
        return "too_large", f"trang quá lớn (body over the size limit): {text}", status
    return "error", f"{name}: {text}" if text else name, status


class BantinSpider(scrapy.Spider):
    name = "bantin"

    def __init__(self, core: CrawlCore, once: bool = True,
                 on_progress: Callable[[str, int], None] | None = None,
                 on_tick: Callable[[], None] | None = None, extractor: Extractor | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.extractor = extractor if extractor is not None else Extractor(0)
        self.on_tick = on_tick
        self.core = core
        self.once = once
        self.on_progress = on_progress or (lambda _kind, _n: None)
        self.in_flight: set[str] = set()
        self._loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> BantinSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        crawler.signals.connect(spider._opened, signal=signals.spider_opened)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        return spider  # type: ignore[no-any-return]

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for req in self._due_requests():
            yield req

    # ---- scheduling ----
    def _due_requests(self) -> Iterator[scrapy.Request]:
        for ft in self.core.due_feeds():
            if ft.url not in self.in_flight:
                yield self._feed_request(ft)
        for at in self.core.due_articles():
            if at.url not in self.in_flight:
                yield self._article_request(at)

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
        if not self.once:
            self._loop = task.LoopingCall(self._tick)
            self._loop.start(TICK_S, now=False)

    def _closed(self, spider: scrapy.Spider) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()

    def _tick(self) -> None:
        if self.on_tick is not None:
            try:
                self.on_tick()
            except Exception:  # classification trouble must not stop the crawl; it is retried next tick
                self.logger.exception("periodic job failed")
        engine = self.crawler.engine
        if engine is None:
            return
        for req in self._due_requests():
            engine.crawl(req)

    def _idle(self, spider: scrapy.Spider) -> None:
        if not self.once:
            raise DontCloseSpider

    # ---- callbacks ----
    def on_feed(self, response: Response) -> Iterator[scrapy.Request]:
        ft: FeedTask = response.meta["bantin_task"]
        try:
            res = _fetched(response)
            if response.status >= 400:
                retry_after = response.headers.get("Retry-After")
                self.core.feed_failed(ft, f"HTTP {response.status}", response.status,
                                      _retry_after_s(retry_after), outcome="http_error")
                return
            try:
                new = self.core.feed_fetched(ft, res)
            except Exception as exc:  # a bug or a database outage must not re-poll the feed in a hot loop
                self.logger.exception("feed handling failed: %s", ft.url)
                self.crawler.stats.inc_value("feed/internal_error")
                self.core.feed_failed(ft, f"internal error: {type(exc).__name__}: {exc}", outcome="internal_error")
                return
            for at in new:
                if at.url not in self.in_flight:
                    yield self._article_request(at)
        finally:
            self._finish(ft.url)

    def on_feed_error(self, failure: Failure) -> None:
        ft: FeedTask = failure.request.meta["bantin_task"]  # type: ignore[attr-defined]
        outcome, message, status = _failure_info(failure)
        self.core.feed_failed(ft, message, status, outcome=outcome)
        self._finish(ft.url)

    async def on_article(self, response: Response) -> None:
        at: ArticleTask = response.meta["bantin_task"]
        try:
            if response.status >= 400:
                self.core.article_failed(at, f"HTTP {response.status}", response.status, outcome="http_error")
                return
            res = _fetched(response)
            ex = await self.extractor.extract(res.body, res.final_url or at.url, res.headers.get("content-type"),
                                              self.core.feed_hint(at), self.core.stats)
            self.core.store_extracted(at, res, ex)
        except ExtractionFailed as exc:  # the worker died or hung on this page: retried later with backoff
            self.core.article_failed(at, str(exc), outcome="extract_failed")
        except Exception as exc:  # recorded and retried later with backoff, never silently dropped
            self.logger.exception("article handling failed: %s", at.url)
            self.crawler.stats.inc_value("ingest/internal_error")
            self.core.article_failed(at, f"internal error: {type(exc).__name__}: {exc}", outcome="internal_error")
        finally:
            self._finish(at.url)

    def on_article_error(self, failure: Failure) -> None:
        at: ArticleTask = failure.request.meta["bantin_task"]  # type: ignore[attr-defined]
        outcome, message, status = _failure_info(failure)
        self.core.article_failed(at, message, status, outcome=outcome)
        self._finish(at.url)


def _retry_after_s(value: bytes | None) -> float | None:
    if not value:
        return None
    return parse_retry_after(value.decode("latin-1"))
