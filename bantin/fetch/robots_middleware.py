"""Scrapy downloader middleware obeying robots.txt with the policy of :mod:`bantin.fetch.robots`
(RFC 9309, plus "5xx or unreachable means disallow everything for a while"). robots.txt is fetched once
per origin through the engine itself, so it passes the SSRF check and the politeness delay like any other
request; concurrent requests to the same origin wait for that one fetch. Redirects are followed here, hop
by hop, up to the RFC's limit. A ``Crawl-delay`` raises the host's downloader-slot delay (capped at
:data:`ROBOTS_CRAWL_DELAY_CAP_S`). Counters: ``fetch/robots_*`` on ``crawler.stats``.
"""

from __future__ import annotations

import logging
from time import monotonic
from typing import TYPE_CHECKING
from urllib.parse import urljoin

from scrapy import Request
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import error as txerror
from twisted.internet.defer import Deferred

from bantin.fetch import robots
from bantin.fetch.ssrf_middleware import SSRFIgnoreRequest

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

# Request meta flag marking bantin's own robots.txt fetches (they must not wait on robots.txt themselves).
ROBOTS_META = "bantin_robots_fetch"
# robots.txt fetches jump the queue: every other request to the host waits on them.
ROBOTS_PRIORITY = 1000
# A robots.txt Crawl-delay above a minute is not honoured as a delay: the host is crawled at most every 60 s.
ROBOTS_CRAWL_DELAY_CAP_S = 60.0


# Why robots.txt could not be fetched, as a short tag (counters, and the message the fetch log keeps).
_CAUSES: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((CannotResolveHostError, txerror.DNSLookupError), "unreachable_dns"),
    ((DownloadConnectionRefusedError, txerror.ConnectionRefusedError), "unreachable_refused"),
    ((DownloadTimeoutError, txerror.TimeoutError, txerror.TCPTimedOutError), "unreachable_timeout"),
    ((txerror.ConnectionLost, txerror.ConnectionDone), "unreachable_lost"),
)


def unreachable_cause(exc: BaseException) -> str:
    """``unreachable_dns`` / ``_refused`` / ``_timeout`` / ``_lost``, else ``unreachable_<ExceptionName>``."""
    for types, tag in _CAUSES:
        if isinstance(exc, types):
            return tag
    return f"unreachable_{type(exc).__name__}"


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
                cause = unreachable_cause(e)
                logger.info("robots.txt %s unreachable (%s): %r", url, cause, e)
                self.stats.inc_value(f"fetch/robots_{cause}")
                return robots.rules_from_failure(cause, monotonic())
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
