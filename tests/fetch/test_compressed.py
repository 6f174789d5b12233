"""A gzipped page is decompressed as before, without Scrapy sniffing the gzip bytes for a charset first."""

from __future__ import annotations

import gzip
from pathlib import Path
from unittest import mock

from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.http import HtmlResponse, Request, TextResponse
from scrapy.utils.test import get_crawler

from bantin.fetch.compressed import CompressedBodyMiddleware
from bantin.fetch.scrapy_config import COMPRESSED_ORDER, DOWNLOADER_MIDDLEWARES

URL = "https://vnexpress.net/bai-viet.html"


def _gzipped(page: bytes) -> HtmlResponse:
    # served as publishers often do: text/html without a charset (the page's <meta> names it)
    return HtmlResponse(URL, body=gzip.compress(page), request=Request(URL), protocol="HTTP/1.1",
                        headers={"Content-Type": "text/html", "Content-Encoding": "gzip"})


def test_a_gzipped_page_is_decoded_as_before_without_sniffing_the_compressed_bytes(shared_data: Path) -> None:
    page = gzip.decompress((shared_data / "crawl/pages/vi/fundus-vnexpress-2025/VnExpress_2025_10_22.html.gz").read_bytes())
    request = Request(URL)
    decompress = HttpCompressionMiddleware.from_crawler(get_crawler())
    with mock.patch.object(TextResponse, "_auto_detect_fun", autospec=True,
                           side_effect=TextResponse._auto_detect_fun) as sniff:
        before = decompress.process_response(request, _gzipped(page))
        sniffed_before = sniff.call_count
        sniff.reset_mock()
        after = decompress.process_response(request, CompressedBodyMiddleware().process_response(request, _gzipped(page)))
        assert sniff.call_count == 0
    assert sniffed_before == 1  # Scrapy alone guessed a charset of the gzip bytes
    assert type(after) is type(before) is HtmlResponse
    assert after.body == before.body == page
    assert (after.encoding, after.text, after.url, after.status, after.protocol) == \
           (before.encoding, before.text, before.url, before.status, before.protocol)
    assert dict(after.headers) == dict(before.headers)


def test_the_middleware_sits_just_outside_decompression() -> None:
    # responses pass middlewares from the highest order down: it must see them before HttpCompression (590)
    assert DOWNLOADER_MIDDLEWARES["bantin.fetch.compressed.CompressedBodyMiddleware"] == COMPRESSED_ORDER
    assert 590 < COMPRESSED_ORDER < 600  # and after RedirectMiddleware (600) has let the response through
