"""A meta refresh is followed exactly as Scrapy follows it, but a page without one is not decoded to find out."""

from __future__ import annotations

import gzip
from pathlib import Path
from unittest import mock

import pytest
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, Request, TextResponse
from scrapy.utils.test import get_crawler

from bantin.fetch.metarefresh import HeadMetaRefreshMiddleware
from bantin.fetch.scrapy_config import DOWNLOADER_MIDDLEWARES, METAREFRESH_ORDER

URL = "https://baonghean.vn/bai-viet.html"
FILLER = "Thời sự Nghệ An hôm nay: lũ quét ở huyện Kỳ Sơn. " * 80  # ~4,000 characters, most of them 1-3 bytes
REFRESH = '<meta http-equiv="refresh" content="0; url=/bai-moi.html">'
PAGES = {
    "no refresh": f"<html><head><title>Tin</title></head><body><p>{FILLER}</p></body></html>",
    "refresh in the head": f"<html><head>{REFRESH}</head><body><p>{FILLER}</p></body></html>",
    "upper-case refresh": f'<html><head><META HTTP-EQUIV="REFRESH" CONTENT="0;URL=/moi"></head><body>{FILLER}</body></html>',
    # character 3,900 or so: past byte 4,096, within Scrapy's 4,096 characters
    "refresh after multi-byte text": f"<html><head><title>{FILLER[:3800]}</title>{REFRESH}</head><body></body></html>",
    "refresh past the scanned characters": f"<html><head><title>{FILLER * 2}</title>{REFRESH}</head></html>",
    "refresh inside a script": f"<html><head><script>var s='{REFRESH}';</script></head><body>{FILLER}</body></html>",
    "a delay too long to follow": '<html><head><meta http-equiv="refresh" content="600; url=/x"></head></html>',
}
ENCODINGS = ["utf-8", "utf-16", "windows-1258"]
FOLLOWED_IN_UTF8 = {"no refresh": False, "refresh in the head": True, "upper-case refresh": True,
                    "refresh after multi-byte text": True, "refresh past the scanned characters": False,
                    "a delay too long to follow": False}


def _response(page: str, encoding: str) -> HtmlResponse:
    body = page.encode(encoding, errors="xmlcharrefreplace")
    return HtmlResponse(URL, body=body, request=Request(URL), headers={"Content-Type": f"text/html; charset={encoding}"})


def _outcome(result: object) -> tuple[str, str | None]:
    return (type(result).__name__, getattr(result, "url", None))


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("name", list(PAGES))
def test_the_redirect_decision_is_scrapys_on_every_kind_of_page(name: str, encoding: str) -> None:
    crawler = get_crawler()
    ours = HeadMetaRefreshMiddleware.from_crawler(crawler)
    scrapys = MetaRefreshMiddleware.from_crawler(crawler)
    request = Request(URL)
    expected = _outcome(scrapys.process_response(request, _response(PAGES[name], encoding)))
    assert _outcome(ours.process_response(request, _response(PAGES[name], encoding))) == expected
    if encoding == "utf-8" and name in FOLLOWED_IN_UTF8:  # the cases are what they say they are
        assert (expected[0] == "Request") is FOLLOWED_IN_UTF8[name], expected


def test_a_page_without_refresh_passes_without_being_decoded(shared_data: Path) -> None:
    page = gzip.decompress((shared_data / "crawl/pages/vi/fundus-vnexpress-2025/VnExpress_2025_10_22.html.gz").read_bytes())
    response = HtmlResponse(URL, body=page, request=Request(URL), headers={"Content-Type": "text/html"})
    ours = HeadMetaRefreshMiddleware.from_crawler(get_crawler())
    with mock.patch.object(TextResponse, "_auto_detect_fun", autospec=True,
                           side_effect=TextResponse._auto_detect_fun) as sniff, \
         mock.patch.object(TextResponse, "_declared_encoding", autospec=True,
                           side_effect=TextResponse._declared_encoding) as declared:
        assert ours.process_response(Request(URL), response) is response
        assert sniff.call_count == 0 and declared.call_count == 0
    assert getattr(response, "_cached_ubody", None) is None  # nothing was decoded


def test_it_takes_the_slot_of_scrapys_middleware() -> None:
    assert DOWNLOADER_MIDDLEWARES["bantin.fetch.metarefresh.HeadMetaRefreshMiddleware"] == METAREFRESH_ORDER == 580
