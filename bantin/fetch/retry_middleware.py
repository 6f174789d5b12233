"""Scrapy downloader middleware replacing Scrapy's RetryMiddleware with the polite retry policy of
:mod:`bantin.fetch.throttle`: a ``Retry-After`` on 429/503 backs the whole host off (requests already
queued for it wait too, or are dropped when the host asks for more than we wait), 5xx and transport
failures back off exponentially per host, and an SSRF refusal is never retried. It also makes the
per-host delay count from the end of the previous response rather than from when it was sent.

A request for a backed-off host does not wait inside the downloader (that would hold one of the
``CONCURRENT_REQUESTS`` slots: a few hosts saying ``Retry-After: 3600`` would stall the whole crawl). It is
*parked*: taken out of the downloader (silently: the copy that leaves keeps no errback, so callers
see nothing) and a copy is handed back to the engine by ``reactor.callLater`` when the host's wait is
over; the spider is kept open meanwhile. Counters: ``fetch/retry_*``, ``fetch/backoff_wait``,
``fetch/parked`` and ``fetch/host_backed_off`` on ``crawler.stats``.
"""

from __future__ import annotations

import logging
from time import monotonic
from typing import TYPE_CHECKING

from scrapy import Request, signals
from scrapy.exceptions import (
    CannotResolveHostError,
    DontCloseSpider,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import error as txerror

from bantin.fetch import throttle
from bantin.fetch.resolver import refusals

if TYPE_CHECKING:
    from scrapy.core.downloader import Slot
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

# Scrapy setting: first retry backoff in seconds (tests shorten it; production uses throttle.BACKOFF_BASE_S).
BACKOFF_BASE_SETTING = "BANTIN_RETRY_BACKOFF_BASE_S"
# Scrapy setting: retries per request after the first attempt.
MAX_RETRIES_SETTING = "BANTIN_RETRY_MAX"
# Transport failures worth a retry (Scrapy's RETRY_EXCEPTIONS minus proxy tunnels, which bantin never uses).
RETRY_EXCEPTIONS: tuple[type[BaseException], ...] = (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    ResponseDataLossError,
    txerror.ConnectionDone,
    txerror.ConnectError,
    txerror.ConnectionLost,
)


# Meta key: this request was parked, and is handed back to the engine when its host's wait is over.
PARKED_META = "bantin_parked"


class HostParked(IgnoreRequest):
    """Not a failure: the request left the downloader and comes back when its host's wait is over."""


class PoliteRetryMiddleware:
    """Replaces Scrapy's RetryMiddleware: honours Retry-After, backs off exponentially, per host.

    Also makes the per-host delay count from the *end* of the previous response: Scrapy counts from
    when it sent the previous request, so a slow connect (first DNS lookup, TLS) ate into the gap the
    server saw -- measured at 30 ms short of a 200 ms delay on loopback.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        crawler.signals.connect(self._response_downloaded, signal=signals.response_downloaded)
        self.stats = crawler.stats
        self.max_retries = crawler.settings.getint(MAX_RETRIES_SETTING, throttle.MAX_RETRIES)
        self.base_s = crawler.settings.getfloat(BACKOFF_BASE_SETTING, throttle.BACKOFF_BASE_S)
        self.hosts = throttle.HostBackoff()
        self.parked = 0  # requests waiting in reactor.callLater for their host
        crawler.signals.connect(self._keep_open, signal=signals.spider_idle)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PoliteRetryMiddleware:
        return cls(crawler)

    def _response_downloaded(self, response: Response, request: Request) -> None:
        slot = self._slot(request)
        if slot is not None:
            slot.lastseen = max(slot.lastseen, monotonic())

    def _slot(self, request: Request) -> Slot | None:
        engine = self.crawler.engine
        return engine.downloader.slots.get(request.meta.get("download_slot", "")) if engine else None

    def _drain_slot(self, request: Request, park_s: float | None = None) -> None:
        """Take what is queued for the host out of the downloader: parked for ``park_s``, or dropped
        (the host closed its door for longer than we wait)."""
        slot = self._slot(request)
        while slot is not None and slot.queue:
            queued, dfd = slot.queue.popleft()
            if park_s is None:
                self.stats.inc_value("fetch/host_backed_off")
                dfd.errback(IgnoreRequest(f"host_backed_off: {urlparse_cached(queued).hostname}"))
            else:
                dfd.errback(self._park(queued, park_s))

    def _park(self, request: Request, wait_s: float) -> HostParked:
        """Hand ``request`` back to the engine in ``wait_s`` seconds; the caller raises what this returns."""
        from twisted.internet import reactor

        self.stats.inc_value("fetch/parked")
        self.parked += 1
        again = request.replace(dont_filter=True, meta={**request.meta, PARKED_META: request.meta.get(PARKED_META, 0) + 1})
        request.errback = None  # the original leaves silently (Scrapy drops an IgnoreRequest nobody handles)
        reactor.callLater(wait_s, self._unpark, again)  # type: ignore[attr-defined,arg-type]
        return HostParked(f"host_backed_off: parked for {wait_s:.1f} s")

    def _unpark(self, request: Request) -> None:
        self.parked -= 1
        engine = self.crawler.engine
        if engine is not None and engine.running:
            engine.crawl(request)

    def _keep_open(self) -> None:
        if self.parked > 0:
            raise DontCloseSpider

    def process_request(self, request: Request) -> None:
        host = urlparse_cached(request).hostname or ""
        wait = self.hosts.wait_for(host, monotonic())
        if wait > throttle.RETRY_AFTER_CAP_S:
            self.stats.inc_value("fetch/host_backed_off")
            raise IgnoreRequest(f"host_backed_off: {host} asked us to stay away for {wait:.0f} s")
        if wait > 0:  # wait outside the downloader: other hosts keep all the download slots
            self.stats.inc_value("fetch/backoff_wait")
            raise self._park(request, wait)

    def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry"):
            return response
        decision = throttle.decide_status(
            response.status,
            response.headers.get(b"Retry-After"),
            request.meta.get("retry_times", 0),
            self.max_retries,
            self.base_s,
        )
        if decision is None:
            return response
        return self._apply(request, decision) or response

    def process_exception(self, request: Request, exception: Exception) -> Request | None:
        if request.meta.get("dont_retry") or not isinstance(exception, RETRY_EXCEPTIONS):
            return None
        if refusals.reason_for(urlparse_cached(request).hostname) is not None:
            return None  # an SSRF refusal, not a flaky network: SSRFMiddleware drops it
        decision = throttle.decide_exception(
            request.meta.get("retry_times", 0), self.max_retries, self.base_s
        )
        return self._apply(request, decision)

    def _apply(self, request: Request, decision: throttle.RetryDecision) -> Request | None:
        self.stats.inc_value(decision.counter)
        host = urlparse_cached(request).hostname or ""
        if decision.delay_s > 0:
            self.hosts.push(host, monotonic() + decision.delay_s)
            if decision.delay_s > throttle.RETRY_AFTER_CAP_S:
                self._drain_slot(request)
            else:
                self._drain_slot(request, park_s=decision.delay_s)
        if not decision.retry:
            logger.info("Giving up on %s (%s)", request.url, decision.counter)
            return None
        retry: Request = request.copy()
        retry.meta["retry_times"] = request.meta.get("retry_times", 0) + 1
        retry.dont_filter = True
        retry.priority = request.priority - 1
        return retry
