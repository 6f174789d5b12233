"""A DNS resolver for Scrapy that refuses names resolving to forbidden addresses (SSRF, DNS rebinding).

Scrapy 2.19 installs the class named by ``TWISTED_DNS_RESOLVER`` (``DNS_RESOLVER`` is deprecated) on the
reactor in ``CrawlerProcess.start()``. Its HTTP/1.1 handler connects through Twisted's
``HostnameEndpoint``, which calls ``reactor.nameResolver.resolveHostName`` for *every new connection* --
literal IPs and redirect targets included -- and that wraps our ``getHostByName``. So the address is
vetted at connect time, after resolution, with no time-of-check/time-of-use gap. (Kept-alive pooled
connections are reused only for the same scheme/host/port, which was vetted when it was opened.)

A refusal surfaces in Scrapy as ``CannotResolveHostError``; the refused name is remembered in
:data:`refusals` so the middlewares can tell a refusal from a real DNS failure (no retry, counter
``fetch/ssrf_refused_dns``).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from scrapy.resolver import CachingThreadedResolver
from twisted.internet.error import DNSLookupError

from bantin.fetch.ssrf import SSRFRefused, check_address

if TYPE_CHECKING:
    from collections.abc import Sequence

    from twisted.internet.base import ReactorBase
    from twisted.internet.defer import Deferred

logger = logging.getLogger(__name__)

# Scrapy setting read by the resolver and middlewares; mirrors Settings.allow_loopback.
ALLOW_LOOPBACK_SETTING = "BANTIN_ALLOW_LOOPBACK"
# Remember this many refused names; a crawl touches a few hundred hosts, so this never evicts a live one.
MAX_REMEMBERED_REFUSALS = 4096


class SSRFRefusedLookup(DNSLookupError):
    """The name resolved, but to an address bantin must not contact."""


class _Refusals:
    """Bounded name -> reason memory shared by the resolver and the middlewares of this process."""

    def __init__(self) -> None:
        self._by_name: OrderedDict[str, str] = OrderedDict()

    def record(self, name: str, reason: str) -> None:
        self._by_name[name.lower()] = reason
        self._by_name.move_to_end(name.lower())
        while len(self._by_name) > MAX_REMEMBERED_REFUSALS:
            self._by_name.popitem(last=False)

    def reason_for(self, name: str | None) -> str | None:
        return self._by_name.get(name.lower()) if name else None

    def clear(self) -> None:
        self._by_name.clear()


refusals = _Refusals()


class SafeResolver(CachingThreadedResolver):
    """Scrapy's default resolver (cached, IPv4, with DNS_TIMEOUT) plus an address check on every lookup."""

    def __init__(self, reactor: ReactorBase, cache_size: int, timeout: float, allow_loopback: bool = False):
        super().__init__(reactor, cache_size, timeout)
        self.allow_loopback = allow_loopback

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: ReactorBase) -> SafeResolver:
        # Scrapy passes the CrawlerProcess here, which only has .settings.
        settings = crawler.settings
        cache_size = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
        return cls(
            reactor, cache_size, settings.getfloat("DNS_TIMEOUT"), settings.getbool(ALLOW_LOOPBACK_SETTING)
        )

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:
        # The vetting callback runs on cache hits too, so a cached answer is never trusted blindly.
        d = super().getHostByName(name, timeout)
        d.addCallback(self._vet, name)
        return d

    def _vet(self, address: str, name: str) -> str:
        try:
            check_address(address, self.allow_loopback)
        except SSRFRefused as e:
            refusals.record(name, e.reason)
            logger.warning("Refusing to connect to %s: it resolved to %s (%s)", name, address, e.reason)
            raise SSRFRefusedLookup(f"{name} resolved to forbidden address {address}") from e
        return address


def ensure_installed(
    reactor: Any, allow_loopback: bool, dns_timeout: float = 60.0, cache_size: int = 10000
) -> bool:
    """Install a :class:`SafeResolver` unless the reactor already resolves through one.

    Covers crawls not started by ``CrawlerProcess.start()`` (which alone installs TWISTED_DNS_RESOLVER).
    Returns True when it had to install one.
    """
    current = getattr(getattr(reactor, "nameResolver", None), "_simpleResolver", None)
    if isinstance(current, SafeResolver) and current.allow_loopback == allow_loopback:
        return False
    SafeResolver(reactor, cache_size, dns_timeout, allow_loopback).install_on_reactor()
    return True
