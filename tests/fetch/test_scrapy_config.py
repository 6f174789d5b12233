"""The Scrapy settings every crawl runs with: no remote-code server, no per-response task flood."""

from __future__ import annotations

from scrapy.settings import Settings as ScrapySettings

from bantin.app.settings import Settings
from bantin.fetch.scrapy_config import build_scrapy_settings


def _effective() -> ScrapySettings:
    """Scrapy's defaults with bantin's settings on top, as a crawl sees them."""
    settings = ScrapySettings()
    settings.setdict(build_scrapy_settings(Settings()), priority="project")
    return settings


def test_a_crawl_runs_no_remote_control_or_telnet_server() -> None:
    # Scrapy 2.19 starts an HTTP server that runs Python code sent to it unless told not to (on by default)
    assert ScrapySettings().getbool("REMOTE_CONTROL_ENABLED")
    assert not _effective().getbool("REMOTE_CONTROL_ENABLED")
    assert not _effective().getbool("TELNETCONSOLE_ENABLED")


def test_a_callbacks_output_is_handled_by_one_task_not_a_hundred() -> None:
    # Scrapy starts CONCURRENT_ITEMS tasks for every response (100 by default); bantin's callbacks yield requests
    assert ScrapySettings().getint("CONCURRENT_ITEMS") == 100
    assert _effective().getint("CONCURRENT_ITEMS") == 1


def test_switched_off_extensions_and_middlewares_are_not_even_loaded() -> None:
    # Scrapy imports every listed component before asking it whether it is on (RemoteControl imports aiohttp)
    effective = _effective()
    extensions = effective.getdict("EXTENSIONS")
    for name in ("remote_control.RemoteControl", "telnet.TelnetConsole", "throttle.AutoThrottle"):
        assert extensions[f"scrapy.extensions.{name}"] is None
    assert effective.getdict("DOWNLOADER_MIDDLEWARES")["scrapy.downloadermiddlewares.cookies.CookiesMiddleware"] is None
    assert not effective.getbool("COOKIES_ENABLED") and not effective.getbool("AUTOTHROTTLE_ENABLED")
