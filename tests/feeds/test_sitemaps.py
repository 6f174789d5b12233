"""Sitemaps through parse_feed: plain, Google News, index, text, gzip (bounded), hostile XML."""

from __future__ import annotations

import gzip
import re
import time
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bantin.app.stats import CounterStats
from bantin.feeds import parse as feeds
from bantin.feeds.parse import gunzip_bounded, parse_feed
from tests.conftest import requires_shared

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
NEWS_NS = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'


def urlset(entries: str, extra_ns: str = "") -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset {NS} {extra_ns}>{entries}</urlset>'.encode()


def test_google_news_sitemap_gives_title_language_and_publication_date() -> None:
    body = urlset(
        "<url><loc>https://baonghean.vn/tin-1.html</loc><news:news><news:publication>"
        "<news:name>Báo Nghệ An</news:name><news:language>vi</news:language></news:publication>"
        "<news:publication_date>2026-02-16T08:15:00+07:00</news:publication_date>"
        "<news:title>Nghệ An: mưa lớn &amp; lũ quét</news:title></news:news>"
        "<lastmod>2026-02-17T00:00:00Z</lastmod></url>"
        "<url><loc>/tin-2.html</loc><news:news><news:publication_date>2026-02-16</news:publication_date>"
        "</news:news></url>", NEWS_NS)
    stats = CounterStats()
    result = parse_feed(body, "https://baonghean.vn/sitemap-news.xml", stats=stats)
    assert result.kind == "sitemap" and result.error is None and not result.bozo
    first, second = result.items
    assert (first.url, first.title, first.language) == ("https://baonghean.vn/tin-1.html",
                                                         "Nghệ An: mưa lớn & lũ quét", "vi")
    assert first.published == datetime(2026, 2, 16, 1, 15, tzinfo=UTC)  # publication_date beats lastmod
    assert second.url == "https://baonghean.vn/tin-2.html"
    assert second.published == datetime(2026, 2, 15, 17, 0, tzinfo=UTC)  # date only, .vn: midnight Vietnam
    assert stats.get_value("sitemap/news_item") == 2


def test_sitemap_index_lists_child_sitemaps() -> None:
    body = (f"<sitemapindex {NS}><sitemap><loc>https://x.vn/s1.xml.gz</loc>"
            "<lastmod>2024-10-01T18:23:17+00:00</lastmod></sitemap>"
            "<sitemap><loc><![CDATA[https://x.vn/s2.xml]]></loc></sitemap></sitemapindex>").encode()
    result = parse_feed(body, "https://x.vn/sitemap.xml")
    assert result.kind == "sitemap_index"
    assert [(i.url, i.published) for i in result.items] == [
        ("https://x.vn/s1.xml.gz", datetime(2024, 10, 1, 18, 23, 17, tzinfo=UTC)), ("https://x.vn/s2.xml", None)]


def test_text_sitemap_one_url_per_line() -> None:
    body = b"https://x.vn/a.html\n\nnot a url\nhttps://x.vn/b.html\r\nhttps://x.vn/a.html\n"
    result = parse_feed(body, "https://x.vn/sitemap.txt", content_type="text/plain")
    assert result.kind == "sitemap" and [i.url for i in result.items] == ["https://x.vn/a.html", "https://x.vn/b.html"]


def test_malformed_sitemap_is_recovered() -> None:
    body = urlset("<url><loc>https://x.vn/a?x=1&y=2</loc></url><url><loc>https://x.vn/b</loc></url>")[:-20]
    result = parse_feed(body, "https://x.vn/sitemap.xml")
    assert [i.url for i in result.items][:1] == ["https://x.vn/a?x=1&y=2"] and result.bozo


def test_xxe_and_billion_laughs_stay_inert() -> None:
    doctype = ('<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY a "aaaaaaaaaa">'
               + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)) + "]>")
    body = (f'<?xml version="1.0"?>{doctype}<urlset {NS}><url><loc>https://x.vn/&xxe;</loc></url>'
            f"<url><loc>https://x.vn/&j;</loc></url><url><loc>https://x.vn/ok</loc></url></urlset>").encode()
    started = time.monotonic()
    result = parse_feed(body, "https://x.vn/sitemap.xml")
    assert time.monotonic() - started < 1.0
    assert "https://x.vn/ok" in [i.url for i in result.items]
    assert all("root:" not in i.url and len(i.url) < 100 for i in result.items)


def test_gzip_sitemap_is_inflated() -> None:
    body = gzip.compress(urlset("<url><loc>https://x.vn/a</loc></url>"))
    assert [i.url for i in parse_feed(body, "https://x.vn/s.xml.gz").items] == ["https://x.vn/a"]


def test_gzip_bomb_is_cut_at_the_decompression_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feeds, "MAX_DECOMPRESSED_BYTES", 8 * 1024 * 1024)
    head = urlset("<url><loc>https://x.vn/first</loc></url>")[:-len("</urlset>")]
    member = gzip.compress(b" " * (4 * 1024 * 1024), compresslevel=9)  # ~4 KB of gzip for 4 MB of blanks
    bomb = gzip.compress(head) + member * 256  # 1 GB uncompressed in ~1 MB: multi-member gzip is legal
    stats = CounterStats()
    started = time.monotonic()
    result = parse_feed(bomb, "https://x.vn/sitemap.xml.gz", stats=stats)
    assert time.monotonic() - started < 5.0
    assert [i.url for i in result.items] == ["https://x.vn/first"] and result.bozo
    assert stats.get_value("feed/gzip_truncated") == 1


def test_gunzip_bounded_reports_truncated_and_corrupt_streams() -> None:
    data = gzip.compress(b"x" * 1000)
    assert gunzip_bounded(data, 100) == (b"x" * 100, True)
    assert gunzip_bounded(data, 5000) == (b"x" * 1000, False)
    assert gunzip_bounded(data[:-10], 5000)[1] is True
    assert gunzip_bounded(b"\x1f\x8b\x08garbage", 5000) == (b"", True)
    assert zlib.decompress(zlib.compress(b"ok")) == b"ok"  # plain zlib is not gzip: left alone below
    assert gunzip_bounded(zlib.compress(b"ok"), 10) == (b"", False)


@requires_shared
def test_shared_sitemaps_give_every_page_entry(shared_data: Path) -> None:
    folder = shared_data / "crawl" / "feeds" / "sitemaps"
    kinds = {"sitemap.xml": "sitemap", "sitemap.xml.gz": "sitemap", "sitemap2.xml": "sitemap_index",
             "sitemap-hreflang.xml": "sitemap"}
    for name, kind in kinds.items():
        raw = (folder / name).read_bytes()
        text = (gzip.decompress(raw) if name.endswith(".gz") else raw).decode()
        # independent count: <url> blocks (<sitemap> blocks for an index); hreflang also has a stray
        # <sitemap> inside its <urlset>, which is not a page
        blocks = re.findall(r"<sitemap>.*?</sitemap>" if kind == "sitemap_index" else r"<url>.*?</url>", text, re.S)
        result = parse_feed(raw, f"http://www.example.com/{name}")
        assert result.kind == kind and result.error is None
        assert len(result.items) == len(blocks) > 0
        assert all(i.published is None or i.published.tzinfo == UTC for i in result.items)


def test_sitemap_behind_a_php_warning_is_still_a_sitemap() -> None:
    body = b"<b>Notice</b>: session started<br>\n" + urlset("<url><loc>https://x.vn/a</loc></url>")
    result = parse_feed(body, "https://x.vn/sitemap.xml")
    assert result.kind == "sitemap" and [i.url for i in result.items] == ["https://x.vn/a"] and result.bozo
