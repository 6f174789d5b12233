"""bantin's Scrapy downloader middlewares: SSRF refusal, robots.txt, polite retries.

Thin adapters over the pure policies in :mod:`ssrf`, :mod:`robots` and :mod:`throttle`; every decision
increments a ``fetch/...`` counter on ``crawler.stats``. Wired up by
:func:`bantin.crawlers.scrapy_config.build_scrapy_settings`.
"""

from __future__ import annotations

import logging
from time import monotonic
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from scrapy import Request, signals
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import error as txerror
from twisted.internet.defer import Deferred
from twisted.internet.task import deferLater

from bantin.crawlers import robots, throttle
from bantin.crawlers.resolver import ALLOW_LOOPBACK_SETTING, ensure_installed, refusals
from bantin.crawlers.ssrf import SSRFRefused, check_url

if TYPE_CHECKING:
    from scrapy.core.downloader import Slot
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

# Scrapy setting: first retry backoff in seconds (tests shorten it; production uses throttle.BACKOFF_BASE_S).
BACKOFF_BASE_SETTING = "BANTIN_RETRY_BACKOFF_BASE_S"
# Scrapy setting: retries per request after the first attempt.
MAX_RETRIES_SETTING = "BANTIN_RETRY_MAX"
# Request meta flag marking bantin's own robots.txt fetches (they must not wait on robots.txt themselves).
ROBOTS_META = "bantin_robots_fetch"
# robots.txt fetches jump the queue: every other request to the host waits on them.
ROBOTS_PRIORITY = 1000
# A robots.txt Crawl-delay above a minute is not honoured as a delay: the host is crawled at most every 60 s.
ROBOTS_CRAWL_DELAY_CAP_S = 60.0
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


class SSRFIgnoreRequest(IgnoreRequest):
    """Dropped because the URL or its resolved address is forbidden."""


async def _sleep(seconds: float) -> None:
    from twisted.internet import reactor

    await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))  # type: ignore[arg-type]


class SSRFMiddleware:
    """Refuses forbidden URLs before queueing, and turns resolver refusals into non-retried drops."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.allow_loopback = crawler.settings.getbool(ALLOW_LOOPBACK_SETTING)
        self.dns_timeout = crawler.settings.getfloat("DNS_TIMEOUT")
        self._resolver_checked = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SSRFMiddleware:
        return cls(crawler)

    def _refuse(self, request: Request, reason: str, detail: str) -> SSRFIgnoreRequest:
        self.stats.inc_value("fetch/ssrf_refused")
        self.stats.inc_value(f"fetch/ssrf_refused/{reason}")
        logger.warning("SSRF policy refused %s (%s: %s)", request.url, reason, detail)
        return SSRFIgnoreRequest(f"ssrf_refused: {reason}: {detail}")

    def process_request(self, request: Request) -> None:
        if not self._resolver_checked:
            from twisted.internet import reactor

            # Crawls not started via CrawlerProcess.start() never install TWISTED_DNS_RESOLVER.
            if ensure_installed(reactor, self.allow_loopback, self.dns_timeout):
                self.stats.inc_value("fetch/ssrf_resolver_installed")
            self._resolver_checked = True
        if request.meta.get("proxy"):
            raise self._refuse(request, "proxy", "a proxy would resolve names beyond our resolver's check")
        try:
            check_url(request.url, self.allow_loopback)
        except SSRFRefused as e:
            raise self._refuse(request, e.reason, e.detail) from e

    def process_exception(self, request: Request, exception: Exception) -> None:
        if isinstance(exception, (CannotResolveHostError, txerror.DNSLookupError)):
            reason = refusals.reason_for(urlparse_cached(request).hostname)
            if reason is not None:
                self.stats.inc_value("fetch/ssrf_refused_dns")
                raise self._refuse(request, f"dns_{reason}", "name resolved to a forbidden address")


class RobotsMiddleware:
    """Obeys robots.txt with bantin's failure policy (5xx/unreachable => disallow all for a while)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.agent = robots.product_token(crawler.settings.get("USER_AGENT") or "bantin")
        self.timeout = crawler.settings.getfloat("DOWNLOAD_TIMEOUT")
        self.cache = robots.RobotsCache()
        self._waiters: dict[str, list[Deferred[robots.RobotsRules]]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RobotsMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        if request.meta.get(ROBOTS_META) or urlparse_cached(request).scheme not in ("http", "https"):
            return
        rules = await self.rules_for(request.url)
        if not rules.allows(request.url, self.agent):
            self.stats.inc_value("fetch/robots_forbidden")
            self.stats.inc_value(f"fetch/robots_forbidden/{rules.reason}")
            raise IgnoreRequest(f"robots_forbidden: {rules.reason}")
        self._apply_crawl_delay(request, rules)

    async def rules_for(self, url: str) -> robots.RobotsRules:
        key = robots.origin_key(url)
        cached = self.cache.get(key, monotonic())
        if cached is not None:
            return cached
        if key in self._waiters:  # another request is already fetching this origin's robots.txt
            d: Deferred[robots.RobotsRules] = Deferred()
            self._waiters[key].append(d)
            return await maybe_deferred_to_future(d)
        self._waiters[key] = []
        try:
            rules = await self._fetch(robots.robots_url(url))
        except Exception as e:  # never leave waiters hanging
            logger.exception("robots.txt handling failed for %s", key)
            rules = robots.rules_from_failure(f"error_{type(e).__name__}", monotonic())
        self.cache.put(key, rules)
        self.stats.inc_value(f"fetch/robots_rules/{rules.reason}")
        for waiter in self._waiters.pop(key):
            waiter.callback(rules)
        return rules

    async def _fetch(self, url: str) -> robots.RobotsRules:
        assert self.crawler.engine is not None
        for _hop in range(robots.ROBOTS_MAX_REDIRECTS + 1):
            req = Request(
                url,
                priority=ROBOTS_PRIORITY,
                callback=NO_CALLBACK,
                dont_filter=True,
                meta={
                    ROBOTS_META: True,
                    "dont_redirect": True,  # hops are counted here, per RFC 9309
                    "dont_retry": True,  # a failing robots.txt means "come back later", not "hammer it"
                    "handle_httpstatus_all": True,
                    "download_timeout": self.timeout,
                },
            )
            self.stats.inc_value("fetch/robots_fetched")
            try:
                response = await self.crawler.engine.download_async(req)
            except IgnoreRequest as e:
                reason = "refused" if isinstance(e, SSRFIgnoreRequest) else "ignored"
                return robots.rules_from_failure(reason, monotonic())
            except Exception as e:
                logger.info("robots.txt %s unreachable: %r", url, e)
                return robots.rules_from_failure("unreachable", monotonic())
            location = response.headers.get(b"Location")
            if 300 <= response.status < 400 and location:
                url = urljoin(response.url, location.decode("latin-1"))
                self.stats.inc_value("fetch/robots_redirect_followed")
                continue
            return robots.rules_from_response(response.status, response.body, monotonic())
        return robots.rules_for_too_many_redirects(monotonic())

    def _apply_crawl_delay(self, request: Request, rules: robots.RobotsRules) -> None:
        delay = rules.crawl_delay(self.agent)
        engine = self.crawler.engine
        if not delay or engine is None:
            return
        downloader = engine.downloader
        slot = downloader.slots.get(downloader.get_slot_key(request))
        delay = min(delay, ROBOTS_CRAWL_DELAY_CAP_S)
        if slot is not None and slot.delay < delay:
            slot.delay = delay
            self.stats.inc_value("fetch/robots_crawl_delay_applied")


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

    def _hold_slot(self, request: Request, until: float) -> None:
        """Requests already queued in the host's downloader slot must wait too, not just new ones."""
        slot = self._slot(request)
        if slot is not None and slot.delay > 0:
            slot.lastseen = max(slot.lastseen, until - slot.delay)

    def _drain_slot(self, request: Request) -> None:
        """The host closed its door for longer than we wait: drop what is queued for it."""
        slot = self._slot(request)
        while slot is not None and slot.queue:
            queued, dfd = slot.queue.popleft()
            self.stats.inc_value("fetch/host_backed_off")
            dfd.errback(IgnoreRequest(f"host_backed_off: {urlparse_cached(queued).hostname}"))

    async def process_request(self, request: Request) -> None:
        host = urlparse_cached(request).hostname or ""
        wait = self.hosts.wait_for(host, monotonic())
        if wait > throttle.RETRY_AFTER_CAP_S:
            self.stats.inc_value("fetch/host_backed_off")
            raise IgnoreRequest(f"host_backed_off: {host} asked us to stay away for {wait:.0f} s")
        if wait > 0:
            self.stats.inc_value("fetch/backoff_wait")
            await _sleep(wait)  # non-blocking: other hosts keep downloading

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
                self._hold_slot(request, monotonic() + decision.delay_s)
        if not decision.retry:
            logger.info("Giving up on %s (%s)", request.url, decision.counter)
            return None
        retry: Request = request.copy()
        retry.meta["retry_times"] = request.meta.get("retry_times", 0) + 1
        retry.dont_filter = True
        retry.priority = request.priority - 1
        return retry
