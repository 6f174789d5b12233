"""Scrapy's HTTP/1.1 download handler with a connect timeout of its own.

Scrapy 2.19 hands DOWNLOAD_TIMEOUT (the bound on the whole exchange) to Twisted as the TCP connect
timeout too, so a host that swallows connection attempts holds a download slot for the full 20 s. This
handler connects within ``BANTIN_CONNECT_TIMEOUT`` and keeps DOWNLOAD_TIMEOUT for the whole exchange
(reading a slow body included). Everything else is Scrapy's own handler: size caps, data-loss checks,
the connection pool and the vetted resolver.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler, _ScrapyAgent
from scrapy.exceptions import ResponseDataLossError
from scrapy.utils._download_handlers import get_dataloss_msg, wrap_twisted_exceptions
from scrapy.utils.defer import maybe_deferred_to_future

from bantin.app.settings import DEFAULT_CONNECT_TIMEOUT_S

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.web.client import Agent

# The Scrapy setting bantin's Settings.connect_timeout_s is passed in.
CONNECT_TIMEOUT_SETTING = "BANTIN_CONNECT_TIMEOUT"
# Without the setting (a crawl configured by hand): Settings' default.
CONNECT_TIMEOUT_S = DEFAULT_CONNECT_TIMEOUT_S


class _ConnectBoundAgent(_ScrapyAgent):
    def __init__(self, *, connect_timeout_s: float, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._connect_limit_s = connect_timeout_s

    def _get_agent(self, request: Request, timeout: float) -> Agent:
        # ``timeout`` stays the bound on the whole download (Scrapy arms it in download_request)
        return super()._get_agent(request, min(timeout, self._connect_limit_s))


class ConnectTimeoutHTTPDownloadHandler(HTTP11DownloadHandler):
    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self._connect_timeout_s = crawler.settings.getfloat(CONNECT_TIMEOUT_SETTING, CONNECT_TIMEOUT_S)

    async def download_request(self, request: Request) -> Response:
        agent = _ConnectBoundAgent(
            connect_timeout_s=self._connect_timeout_s,
            contextFactory=self._contextFactory,
            bindAddress=self._bind_address,
            pool=self._pool,
            maxsize=self._default_maxsize,
            warnsize=self._default_warnsize,
            fail_on_dataloss=self._fail_on_dataloss,
            crawler=self._crawler,
            tls_verbose_logging=self._tls_verbose_logging,
        )
        try:
            with wrap_twisted_exceptions():
                return await maybe_deferred_to_future(agent.download_request(request))
        except ResponseDataLossError:
            if not self._fail_on_dataloss_warned:
                self._crawler.spider.logger.warning(get_dataloss_msg(request.url))  # type: ignore[union-attr]
                self._fail_on_dataloss_warned = True
            raise
