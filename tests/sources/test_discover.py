"""Feed autodiscovery on home pages and RSS index pages."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from bantin.app.stats import CounterStats
from bantin.sources.discover import discover_feeds
from tests.conftest import requires_shared


def page(head: str = "", body: str = "") -> bytes:
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>".encode()


def test_link_alternate_feeds_come_first_then_anchors_then_index_pages() -> None:
    html = page(
        '<link rel="alternate" type="application/rss+xml" title="Bình luận" href="/comments/feed">'
        '<link rel="stylesheet" href="/a.css"><link rel="alternate" hreflang="en" href="/en/">'
        '<link rel="Alternate Feed" type="application/atom+xml; charset=utf-8" href="/atom.xml">'
        '<link rel="alternate" type="application/json" href="/wp-json/wp/v2/posts/1">'
        '<link rel="alternate" type="application/feed+json" href="https://baohatinh.vn/feed.json#x">',
        '<a href="/rss">RSS</a><a href="https://baohatinh.vn/rss/thoi-su.rss">Thời sự</a>'
        '<a href="https://other.example/rss/a.rss">x</a><a href="/rss/kinh-te.rss">Kinh tế</a>'
        '<a href="javascript:void(0)">RSS</a><a href="/thoi-su/">Thời sự</a><a href="/rss">again</a>')
    stats = CounterStats()
    found = discover_feeds(html, "https://baohatinh.vn/", stats=stats)
    assert found == [
        "https://baohatinh.vn/atom.xml", "https://baohatinh.vn/feed.json",
        "https://baohatinh.vn/rss/thoi-su.rss", "https://baohatinh.vn/rss/kinh-te.rss",
        "https://other.example/rss/a.rss", "https://baohatinh.vn/comments/feed", "https://baohatinh.vn/rss"]
    assert stats.get_value("discover/link_alternate") == 3 and stats.get_value("discover/feeds") == 7


def test_base_href_is_honoured() -> None:
    html = page('<base href="https://cdn.baonghean.vn/sub/"><link rel="alternate" '
                'type="application/rss+xml" href="rss/home.rss">')
    assert discover_feeds(html, "https://baonghean.vn/") == ["https://cdn.baonghean.vn/sub/rss/home.rss"]


@pytest.mark.parametrize("html", [b"", b"   ", b"\x00\xff\xfe" * 100, b"<html", b"<a href='/rss'>"])
def test_junk_never_raises(html: bytes) -> None:
    assert isinstance(discover_feeds(html, "https://x.vn/"), list)


@requires_shared
@pytest.mark.parametrize(("name", "want"), [
    ("dantri_home_2013.html", ["https://dantri.com.vn/rss"]),
    ("dantri_home_2017.html", ["https://dantri.com.vn/trangchu.rss", "https://dantri.com.vn/rss.htm"]),
    ("dantri_home_2019.html", ["https://dantri.com.vn/rss.htm"]),
])
def test_dantri_home_pages(shared_data: Path, name: str, want: list[str]) -> None:
    html = (shared_data / "crawl" / "pages" / "vi" / "listing-pages" / name).read_bytes()
    assert discover_feeds(html, "https://dantri.com.vn/") == want


@requires_shared
def test_english_news_home_pages(shared_data: Path) -> None:
    folder = shared_data / "crawl" / "pages" / "newspaper4k" / "html"
    cnn = discover_feeds(gzip.decompress((folder / "cnn_main_site.html.gz").read_bytes()), "https://edition.cnn.com/")
    assert cnn[0] == "http://rss.cnn.com/rss/edition.rss"
    wired = discover_feeds(gzip.decompress((folder / "wired_main_site.html.gz").read_bytes()), "https://www.wired.com/")
    assert wired[0] == "https://www.wired.com/feed/rss"
