"""The Scrapy settings every bantin crawl runs with: polite, size-capped, SSRF-safe.

Start crawls with ``scrapy.crawler.CrawlerProcess(build_scrapy_settings(settings))`` (or
``AsyncCrawlerProcess``): only ``start()`` installs ``TWISTED_DNS_RESOLVER`` on the reactor.
:class:`~bantin.fetch.ssrf_middleware.SSRFMiddleware` installs the safe resolver itself if a crawl was
started some other way.
"""

from __future__ import annotations

from typing import Any

from scrapy.settings import default_settings

from bantin.app.settings import Settings
from bantin.fetch.handler import CONNECT_TIMEOUT_SETTING
from bantin.fetch.resolver import ALLOW_LOOPBACK_SETTING
from bantin.fetch.retry_middleware import BACKOFF_BASE_SETTING, MAX_RETRIES_SETTING
from bantin.fetch.throttle import BACKOFF_BASE_S, MAX_RETRIES

# Scrapy's asyncio reactor (its 2.19 default): async middlewares run natively; pick it once, everywhere.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
# Publishers chain at most 2-3 redirects (http->https->www->canonical); 5 matches RFC 9309's robots limit.
REDIRECT_MAX_TIMES = 5
# Warn at a quarter of the cap: big enough to be unusual for an article, small enough to notice growth.
WARNSIZE_FRACTION = 4
# DNS answers for publishers change rarely; 10 s bounds a dead resolver (Scrapy's default is 60 s).
DNS_TIMEOUT_S = 10.0
# Total parallel downloads; per-host parallelism is 1, so this is "how many hosts at once".
CONCURRENT_REQUESTS = 16
# Scrapy skips its slot-delay logic when the delay is 0, and PoliteRetryMiddleware holds slots through it.
MIN_SLOT_DELAY_S = 0.001
# Scrapy processes a callback's output with this many concurrent tasks per response, and starts them all for
# every response: 100 (its default) made 23,000 asyncio tasks for 226 pages (~2 ms of reactor CPU a page).
# bantin's callbacks yield only Requests (scheduled without waiting) and no items, so one is enough.
CONCURRENT_ITEMS = 1
# Order of bantin's downloader middlewares (lower runs first on the way out).
SSRF_ORDER = 60  # before robots.txt: never fetch robots.txt from a forbidden host
ROBOTS_ORDER = 100  # the slot of Scrapy's RobotsTxtMiddleware
RETRY_ORDER = 550  # the slot of Scrapy's RetryMiddleware
COMPRESSED_ORDER = 595  # just outside HttpCompressionMiddleware (590): sees a response before it decompresses
HTTP_HANDLER = "bantin.fetch.handler.ConnectTimeoutHTTPDownloadHandler"

# Scrapy components bantin switches off. Scrapy imports every component named in its FOO_BASE or FOO settings
# before asking it whether it is on (naming one with None imports it too: the keys are normalised by loading
# them), so these are left out of the _BASE dicts instead: RemoteControl's module imports aiohttp (~90 ms of CPU
# at every crawl start, measured), the cookie middleware http.cookiejar and tldextract (~30 ms); the others
# below cost a little on every request.
OFF_EXTENSIONS = (
    "scrapy.extensions.remote_control.RemoteControl",  # REMOTE_CONTROL_ENABLED off below
    "scrapy.extensions.telnet.TelnetConsole",  # TELNETCONSOLE_ENABLED off below
    "scrapy.extensions.throttle.AutoThrottle",  # AUTOTHROTTLE_ENABLED off below
)
OFF_DOWNLOADER_MIDDLEWARES = (
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware",  # bantin's RobotsMiddleware obeys instead
    "scrapy.downloadermiddlewares.retry.RetryMiddleware",  # PoliteRetryMiddleware replaces it
    "scrapy.downloadermiddlewares.httpproxy.HttpProxyMiddleware",  # HTTPPROXY_ENABLED off below
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware",  # COOKIES_ENABLED off below
    # bantin.fetch.metarefresh's subclass takes its slot
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware",
    # per-request byte and status counters nothing reads: bantin's fetch log and fetch/ counters say that
    "scrapy.downloadermiddlewares.stats.DownloaderStats",
)
OFF_SPIDER_MIDDLEWARES = (
    # a crawl is feed -> article, never deeper, and DEPTH_LIMIT is not set: it only counted depths
    # (RefererMiddleware stays: without it the redirect middlewares log a warning at every start)
    "scrapy.spidermiddlewares.depth.DepthMiddleware",
)
METAREFRESH_ORDER = 580  # the slot of Scrapy's MetaRefreshMiddleware
DOWNLOADER_MIDDLEWARES: dict[str, int | None] = {
    "bantin.fetch.ssrf_middleware.SSRFMiddleware": SSRF_ORDER,
    "bantin.fetch.robots_middleware.RobotsMiddleware": ROBOTS_ORDER,
    "bantin.fetch.retry_middleware.PoliteRetryMiddleware": RETRY_ORDER,
    "bantin.fetch.metarefresh.HeadMetaRefreshMiddleware": METAREFRESH_ORDER,
    # Before HttpCompressionMiddleware (590) on the way in: see bantin.fetch.compressed.
    "bantin.fetch.compressed.CompressedBodyMiddleware": COMPRESSED_ORDER,
}


def _without(base: dict[str, int], off: tuple[str, ...]) -> dict[str, int]:
    """One of Scrapy's _BASE dicts without the components bantin switches off (never imported)."""
    return {name: order for name, order in base.items() if name not in off}


def build_scrapy_settings(settings: Settings) -> dict[str, Any]:
    """Scrapy settings for a bantin crawl; spiders may add their own (ITEM_PIPELINES etc.) on top."""
    return {
        "BOT_NAME": "bantin",
        "USER_AGENT": settings.user_agent,
        "TWISTED_REACTOR": TWISTED_REACTOR,
        "TWISTED_DNS_RESOLVER": "bantin.fetch.resolver.SafeResolver",
        "DNS_TIMEOUT": DNS_TIMEOUT_S,
        ALLOW_LOOPBACK_SETTING: settings.allow_loopback,
        # Only the HTTP/1.1 handler resolves through the reactor's (vetted) resolver; bantin's subclass of
        # it adds a connect timeout shorter than DOWNLOAD_TIMEOUT.
        "DOWNLOAD_HANDLERS": {
            "http": HTTP_HANDLER,
            "https": HTTP_HANDLER,
            "ftp": None,
            "s3": None,
            "file": None,
            "data": None,
        },
        "HTTPPROXY_ENABLED": False,  # a proxy would resolve names past our resolver
        "DOWNLOADER_MIDDLEWARES_BASE": _without(default_settings.DOWNLOADER_MIDDLEWARES_BASE, OFF_DOWNLOADER_MIDDLEWARES),
        "DOWNLOADER_MIDDLEWARES": dict(DOWNLOADER_MIDDLEWARES),
        "EXTENSIONS_BASE": _without(default_settings.EXTENSIONS_BASE, OFF_EXTENSIONS),
        "SPIDER_MIDDLEWARES_BASE": _without(default_settings.SPIDER_MIDDLEWARES_BASE, OFF_SPIDER_MIDDLEWARES),
        "ROBOTSTXT_OBEY": False,  # bantin's RobotsMiddleware obeys instead (5xx => disallow)
        "RETRY_ENABLED": False,  # PoliteRetryMiddleware replaces it
        BACKOFF_BASE_SETTING: BACKOFF_BASE_S,
        MAX_RETRIES_SETTING: MAX_RETRIES,
        "DOWNLOAD_DELAY": max(settings.min_host_delay_s, MIN_SLOT_DELAY_S),
        "DOWNLOAD_DELAY_JITTER": 0.0,  # Scrapy's jitter is +/-, it would break the min_host_delay floor
        "CONCURRENT_REQUESTS": CONCURRENT_REQUESTS,
        "CONCURRENT_ITEMS": CONCURRENT_ITEMS,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "CONCURRENT_REQUESTS_PER_IP": 0,
        "AUTOTHROTTLE_ENABLED": False,  # it may lower the delay below the floor
        # DOWNLOAD_TIMEOUT bounds the whole exchange (a slow body included); connecting has its own bound.
        "DOWNLOAD_TIMEOUT": settings.download_timeout_s,
        CONNECT_TIMEOUT_SETTING: settings.connect_timeout_s,
        # Enforced on the wire by the handler and again after gzip/deflate/br/zstd decompression by
        # HttpCompressionMiddleware (measured in tests/fetch/test_fetch.py).
        "DOWNLOAD_MAXSIZE": settings.max_body_bytes,
        "DOWNLOAD_WARNSIZE": max(1, settings.max_body_bytes // WARNSIZE_FRACTION),
        "DOWNLOAD_FAIL_ON_DATALOSS": True,  # truncated bodies are errors, not half-articles
        "REDIRECT_ENABLED": True,
        "REDIRECT_MAX_TIMES": REDIRECT_MAX_TIMES,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        # Scrapy 2.19's RemoteControl: an HTTP server that runs Python code sent to it (token in a file under
        # the user's profile). Nobody needs it in a crawler, and importing aiohttp for it cost 0.2 s of CPU a start.
        "REMOTE_CONTROL_ENABLED": False,
        "LOG_LEVEL": "WARNING",
        "DEFAULT_REQUEST_HEADERS": {
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "Accept-Language": "vi,en;q=0.5",
        },
    }
