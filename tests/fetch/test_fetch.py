"""fetch_urls end to end: size caps after decompression, hostile bodies, redirects, SSRF at every layer.

Every crawl binds its sockets to 127.0.0.1 (DOWNLOAD_BIND_ADDRESS): should a refusal ever fail, the
kernel cannot route a loopback-sourced packet off the machine, so no test can reach a real network.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from time import monotonic

import pytest

from bantin.app.settings import Settings
from bantin.fetch.oneoff import FetchReport, FetchResult, fetch_urls, run_fetch
from tests.httpfixtures import PAGE_HTML, HostileServer
from tests.pagefactory import compressed_zeros

MAX_BODY = 1024 * 1024  # bombs below expand to 16 MiB
GUARD = {"DOWNLOAD_BIND_ADDRESS": "127.0.0.1", "BANTIN_RETRY_MAX": 0}
FORBIDDEN_TARGETS = [
    "http://10.0.0.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://0xa9fea9fe/",
    "http://[::ffff:10.0.0.1]/",
    "http://192.168.0.1:8080/admin",
    "http://100.64.0.1/",
]


@dataclass
class Crawl:
    srv: HostileServer
    other: HostileServer
    report: FetchReport

    def get(self, path: str) -> FetchResult:
        return self.report.results[self.srv.url(path)]


def _redirect_to(target: str) -> str:
    return f"/redirect?to={target}"


@pytest.fixture(scope="module")
def crawl() -> Iterator[Crawl]:
    with ExitStack() as stack:
        srv = stack.enter_context(HostileServer())
        other = stack.enter_context(HostileServer("127.0.0.9"))
        paths = [
            "/page/1", "/bomb/gzip", "/bomb/deflate", "/bomb/br",
            "/bomb/gzip?size=200000", "/bomb/deflate?size=200000", "/bomb/br?size=200000",
            f"/big?size={MAX_BODY + 1}", f"/big?size={MAX_BODY - 1000}", "/truncated?claim=5000&send=100",
            "/slow?chunks=3&delay=0.1", "/slow?chunks=20&delay=0.2", "/loop/a", "/status/404",
            "/charset/wrong", "/charset/missing", "/charset/none",
            f"/redirect?to={other.url('/redirect?to=/page/landed')}",
        ] + [_redirect_to(t) for t in FORBIDDEN_TARGETS]  # fmt: skip
        urls = [srv.url(p) for p in paths] + ["ftp://127.0.0.1/file", "not a url"]
        settings = Settings(
            allow_loopback=True, min_host_delay_s=0.01, download_timeout_s=1.5, max_body_bytes=MAX_BODY
        )
        yield Crawl(srv, other, run_fetch(urls, settings, GUARD, timeout_s=60))


def test_a_plain_page_comes_back_with_lowercase_headers(crawl: Crawl) -> None:
    r = crawl.get("/page/1")
    assert r.status == 200 and r.error is None
    assert r.body == PAGE_HTML.encode()
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert all(k == k.lower() for k in r.headers)
    assert r.elapsed > 0


def test_requests_identify_bantin_and_send_no_cookies(crawl: Crawl) -> None:
    page = next(req for req in crawl.srv.requests if req.path == "/page/1")
    assert page.headers["user-agent"].startswith("bantin/")
    assert "cookie" not in page.headers
    assert "br" in page.headers["accept-encoding"]


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_decompression_bomb_is_stopped_by_max_body_bytes(crawl: Crawl, encoding: str) -> None:
    r = crawl.get(f"/bomb/{encoding}")
    assert len(compressed_zeros(encoding, 16 * 1024 * 1024)) < MAX_BODY  # small on the wire...
    assert r.status is None and r.body == b""  # ...but refused after decompression
    assert "exceeded DOWNLOAD_MAXSIZE" in (r.error or "")


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
def test_compressed_bodies_under_the_cap_are_decoded(crawl: Crawl, encoding: str) -> None:
    r = crawl.get(f"/bomb/{encoding}?size=200000")
    assert r.status == 200 and r.body == bytes(200000)
    assert "content-encoding" not in r.headers


def test_uncompressed_body_over_the_cap_is_refused(crawl: Crawl) -> None:
    assert crawl.get(f"/big?size={MAX_BODY + 1}").status is None
    assert len(crawl.get(f"/big?size={MAX_BODY - 1000}").body) == MAX_BODY - 1000


def test_truncated_body_is_an_error_not_half_an_article(crawl: Crawl) -> None:
    r = crawl.get("/truncated?claim=5000&send=100")
    assert r.status is None and r.body == b""
    assert r.error


def test_slow_body_within_timeout_arrives_and_a_stalled_one_times_out(crawl: Crawl) -> None:
    assert crawl.get("/slow?chunks=3&delay=0.1").body == b"x" * 300
    stalled = crawl.get("/slow?chunks=20&delay=0.2")
    assert stalled.status is None and "Timeout" in (stalled.error or "")


def test_redirect_loop_ends_in_an_error(crawl: Crawl) -> None:
    r = crawl.get("/loop/a")
    assert r.status is None and r.error
    assert crawl.srv.count("/loop/a") + crawl.srv.count("/loop/b") <= 6


def test_http_errors_are_results(crawl: Crawl) -> None:
    assert crawl.get("/status/404").status == 404


def test_bodies_are_returned_as_sent_whatever_the_charset(crawl: Crawl) -> None:
    assert crawl.get("/charset/wrong").body == PAGE_HTML.encode("cp1258", errors="replace")
    assert crawl.get("/charset/missing").headers["content-type"] == "text/html"
    assert crawl.get("/charset/none").body == PAGE_HTML.encode()


def test_cross_host_redirects_are_followed(crawl: Crawl) -> None:
    r = crawl.get(f"/redirect?to={crawl.other.url('/redirect?to=/page/landed')}")
    assert r.status == 200
    assert r.final_url == crawl.other.url("/page/landed")


@pytest.mark.parametrize("target", FORBIDDEN_TARGETS)
def test_redirect_to_a_forbidden_address_is_refused(crawl: Crawl, target: str) -> None:
    r = crawl.get(_redirect_to(target))
    assert r.status is None and "ssrf_refused" in (r.error or "")
    assert crawl.report.stats["fetch/ssrf_refused"] >= len(FORBIDDEN_TARGETS)


def test_non_http_and_malformed_urls_are_errors(crawl: Crawl) -> None:
    assert "ssrf_refused: scheme" in (crawl.report.results["ftp://127.0.0.1/file"].error or "")
    assert crawl.report.results["not a url"].error


# -- allow_loopback=False: nothing may reach the (loopback) server ---------------------------------


def test_loopback_is_refused_before_connecting_when_not_allowed() -> None:
    with HostileServer() as srv:
        port = srv.port
        urls = [
            srv.url("/page/1"),
            f"http://2130706433:{port}/page/2",
            f"http://0x7f.1:{port}/page/3",
            f"http://[::ffff:127.0.0.1]:{port}/page/4",
            f"http://localhost:{port}/page/5",
        ]
        report = run_fetch(urls, Settings(allow_loopback=False), GUARD, timeout_s=60)
        assert srv.count() == 0  # not even robots.txt
    for url in urls:
        assert "ssrf_refused" in (report.results[url].error or ""), url
    assert report.stats["fetch/ssrf_refused"] == len(urls)


def test_resolver_refuses_forbidden_addresses_even_without_the_url_check() -> None:
    """With SSRFMiddleware and robots off, the DNS resolver alone stops the connection."""
    overrides = {
        **GUARD,
        "DOWNLOADER_MIDDLEWARES": {
            "bantin.fetch.ssrf_middleware.SSRFMiddleware": None,
            "bantin.fetch.robots_middleware.RobotsMiddleware": None,
            "bantin.fetch.retry_middleware.PoliteRetryMiddleware": 550,
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
        },
    }
    with HostileServer() as srv:
        urls = [srv.url("/page/1"), f"http://localhost:{srv.port}/page/2"]
        report = run_fetch(urls, Settings(allow_loopback=False), overrides, timeout_s=60)
        assert srv.count() == 0
    for url in urls:
        assert "CannotResolveHostError" in (report.results[url].error or ""), url
    assert "fetch/retry_backoff" not in report.stats  # a refusal is not retried like a DNS hiccup


def test_fetch_urls_returns_one_result_per_url() -> None:
    with HostileServer() as srv:
        urls = [srv.url("/page/a"), srv.url("/status/404")]
        results = fetch_urls(urls, Settings(allow_loopback=True, min_host_delay_s=0.01))
    assert set(results) == set(urls)
    assert results[urls[0]].status == 200


@contextmanager
def _listener_that_never_accepts() -> Iterator[int]:
    """A port whose accept queue is full: Linux drops further SYNs, so connecting hangs (a dead host)."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(0)
    filler = socket.create_connection(srv.getsockname(), timeout=2)  # takes the only queue slot
    try:
        yield srv.getsockname()[1]
    finally:
        filler.close()
        srv.close()


def test_host_that_never_accepts_fails_at_the_connect_timeout_not_the_download_timeout() -> None:
    no_robots = {**GUARD, "DOWNLOADER_MIDDLEWARES": {"bantin.fetch.robots_middleware.RobotsMiddleware": None}}
    settings = Settings(allow_loopback=True, min_host_delay_s=0.01, download_timeout_s=30, connect_timeout_s=1)
    with _listener_that_never_accepts() as port:
        url = f"http://127.0.0.1:{port}/bai-viet"
        started = monotonic()
        report = run_fetch([url], settings, no_robots, timeout_s=60)
        took = monotonic() - started
    result = report.results[url]
    assert result.status is None and "timeout" in (result.error or "").lower()
    assert result.elapsed < 10 and took < 25  # the 30 s download timeout never came into play


def test_robots_txt_on_a_host_that_never_accepts_disallows_it_after_the_connect_timeout() -> None:
    settings = Settings(allow_loopback=True, min_host_delay_s=0.01, download_timeout_s=30, connect_timeout_s=1)
    with _listener_that_never_accepts() as port:
        url = f"http://127.0.0.1:{port}/bai-viet"
        report = run_fetch([url], settings, GUARD, timeout_s=60)
    result = report.results[url]
    assert "robots_forbidden" in (result.error or "") and result.elapsed < 10
