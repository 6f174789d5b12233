"""bantin's Scrapy downloader middlewares: SSRF refusal, robots.txt, polite retries.

Thin adapters over the pure policies in :mod:`ssrf`, :mod:`robots` and :mod:`throttle`; every decision
increments a ``fetch/...`` counter on ``crawler.stats``. Each lives in its own module
(:mod:`.ssrf_middleware`, :mod:`.robots_middleware`, :mod:`.retry_middleware`); this module re-exports
them so the dotted paths Scrapy settings use (``bantin.crawlers.middlewares.SSRFMiddleware`` etc.) keep
working. Wired up by :func:`bantin.crawlers.scrapy_config.build_scrapy_settings`.
"""

from __future__ import annotations

from bantin.crawlers.retry_middleware import (
    BACKOFF_BASE_SETTING,
    MAX_RETRIES_SETTING,
    RETRY_EXCEPTIONS,
    PoliteRetryMiddleware,
)
from bantin.crawlers.robots_middleware import (
    ROBOTS_CRAWL_DELAY_CAP_S,
    ROBOTS_META,
    ROBOTS_PRIORITY,
    RobotsMiddleware,
)
from bantin.crawlers.ssrf_middleware import SSRFIgnoreRequest, SSRFMiddleware

__all__ = [
    "BACKOFF_BASE_SETTING", "MAX_RETRIES_SETTING", "RETRY_EXCEPTIONS", "ROBOTS_CRAWL_DELAY_CAP_S", "ROBOTS_META",
    "ROBOTS_PRIORITY", "PoliteRetryMiddleware", "RobotsMiddleware", "SSRFIgnoreRequest", "SSRFMiddleware",
]
