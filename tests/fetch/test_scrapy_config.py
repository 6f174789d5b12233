"""The Scrapy settings every crawl runs with: no remote-code server, no per-response task flood."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from scrapy.settings import Settings as ScrapySettings
from scrapy.settings import default_settings

from bantin.app.settings import Settings
from bantin.fetch.scrapy_config import (
    DOWNLOADER_MIDDLEWARES,
    OFF_DOWNLOADER_MIDDLEWARES,
    OFF_EXTENSIONS,
    OFF_SPIDER_MIDDLEWARES,
    build_scrapy_settings,
)


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


# Builds the component lists as a crawl does, in a fresh interpreter, and says what got imported.
_PROBE = """
import json, sys
from scrapy.settings import Settings as ScrapySettings
from scrapy.core.downloader.middleware import DownloaderMiddlewareManager
from scrapy.core.spidermw import SpiderMiddlewareManager
from scrapy.extension import ExtensionManager
from bantin.app.settings import Settings
from bantin.fetch.scrapy_config import build_scrapy_settings
settings = ScrapySettings()
settings.setdict(build_scrapy_settings(Settings()), priority="project")
lists = {"extensions": ExtensionManager._get_mwlist_from_settings(settings),
         "middlewares": DownloaderMiddlewareManager._get_mwlist_from_settings(settings),
         "spider_middlewares": SpiderMiddlewareManager._get_mwlist_from_settings(settings)}
print(json.dumps({**lists, "modules": sorted(sys.modules)}))
"""


def test_switched_off_extensions_and_middlewares_are_not_even_imported() -> None:
    # Scrapy imports every component it is told about, even one set to None, before asking it whether it is on
    # (RemoteControl imports aiohttp): the switched-off ones are left out of the _BASE settings instead
    env = {k: v for k, v in os.environ.items() if not k.startswith("BANTIN_")}
    out = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True, env=env)
    probe = json.loads(out.stdout)
    for module in ("scrapy.extensions.remote_control", "aiohttp", "scrapy.extensions.telnet",
                   "scrapy.downloadermiddlewares.cookies", "scrapy.downloadermiddlewares.robotstxt"):
        assert module not in probe["modules"], module
    off = {*OFF_EXTENSIONS, *OFF_DOWNLOADER_MIDDLEWARES, *OFF_SPIDER_MIDDLEWARES}
    assert not off & {*probe["extensions"], *probe["middlewares"], *probe["spider_middlewares"]}
    # everything else of Scrapy's is still there, and bantin's own middlewares in their slots
    assert set(probe["extensions"]) == set(default_settings.EXTENSIONS_BASE) - set(OFF_EXTENSIONS)
    assert set(probe["middlewares"]) == (set(default_settings.DOWNLOADER_MIDDLEWARES_BASE) - set(OFF_DOWNLOADER_MIDDLEWARES)
                                         | set(DOWNLOADER_MIDDLEWARES))
    assert set(probe["spider_middlewares"]) == set(default_settings.SPIDER_MIDDLEWARES_BASE) - set(OFF_SPIDER_MIDDLEWARES)
    effective = _effective()
    assert not effective.getbool("COOKIES_ENABLED") and not effective.getbool("AUTOTHROTTLE_ENABLED")
