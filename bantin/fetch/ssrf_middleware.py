"""Scrapy downloader middleware enforcing the SSRF policy of :mod:`bantin.fetch.ssrf`. Every request is
checked before it is queued (scheme, port, literal or well-known forbidden hosts, proxies), and a DNS
failure that the vetted resolver of :mod:`bantin.fetch.resolver` caused by refusing a forbidden address
becomes a non-retried :class:`SSRFIgnoreRequest` instead of an ordinary lookup error. It also installs
that resolver on the reactor when a crawl was not started through ``CrawlerProcess.start()``. Every
refusal increments ``fetch/ssrf_refused`` and ``fetch/ssrf_refused/<reason>`` on ``crawler.stats``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import Request
from scrapy.exceptions import CannotResolveHostError, IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import error as txerror

from bantin.fetch.resolver import ALLOW_LOOPBACK_SETTING, ensure_installed, refusals
from bantin.fetch.ssrf import SSRFRefused, check_url

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class SSRFIgnoreRequest(IgnoreRequest):
    """Dropped because the URL or its resolved address is forbidden."""



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

