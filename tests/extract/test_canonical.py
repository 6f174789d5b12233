"""canonicalize_url drops tracking noise; page_canonical trusts only same-site, non-homepage hints."""

from __future__ import annotations

import gzip
import json

import lxml.html
import pytest

from bantin.extract.canonical import canonicalize_url, page_canonical, same_site, url_key


def test_tracking_parameters_are_dropped_and_meaningful_query_kept_sorted():
    url = "https://vnexpress.net/a.html?utm_source=fb&utm_medium=social&id=42&fbclid=x&gclid=y&zarsrc=30&gidzl=z&page=2"
    assert canonicalize_url(url) == "https://vnexpress.net/a.html?id=42&page=2"


def test_host_is_lowercased_and_default_port_and_fragment_dropped():
    assert canonicalize_url("HTTPS://VnExpress.NET:443/Thoi-Su/x.html#box_comment") == "https://vnexpress.net/Thoi-Su/x.html"


def test_relative_url_is_resolved_against_base():
    assert canonicalize_url("../kinh-doanh/y.html?vn_source=home", base="https://vnexpress.net/thoi-su/x.html") == (
        "https://vnexpress.net/kinh-doanh/y.html"
    )


def test_percent_encoded_vietnamese_query_survives():
    url = "https://baohungyen.vn/tim-kiem?q=H%C6%B0ng+Y%C3%AAn"
    assert canonicalize_url(url) == url


@pytest.mark.parametrize("bad", ["mailto:toa-soan@vnexpress.net", "javascript:void(0)", "/relative/only", ""])
def test_non_http_or_hostless_urls_raise_value_error(bad):
    with pytest.raises(ValueError):
        canonicalize_url(bad)


def test_same_site_uses_registrable_domain():
    assert same_site("https://e.vnexpress.net/a", "https://vnexpress.net/b")
    assert not same_site("https://hungyen.gov.vn/a", "https://haiphong.gov.vn/a")
    assert same_site("http://127.0.0.1:8000/a", "http://127.0.0.1:9000/b")


def _page(link: str = "", og: str = "") -> str:
    head = (f'<link rel="canonical" href="{link}">' if link else "") + (
        f'<meta property="og:url" content="{og}">' if og else ""
    )
    return f"<html><head>{head}</head><body><p>x</p></body></html>"


def test_same_site_canonical_is_accepted_from_text_and_tree():
    html = _page(link="https://vnexpress.net/x-1.html?utm_campaign=rss")
    assert page_canonical(html, "https://m.vnexpress.net/x-1.html") == "https://vnexpress.net/x-1.html"
    assert page_canonical(lxml.html.fromstring(html), "https://m.vnexpress.net/x-1.html") == "https://vnexpress.net/x-1.html"


def test_cross_site_canonical_is_ignored():
    html = _page(link="https://original-publisher.com/story")
    assert page_canonical(html, "https://baohungyen.vn/story-123.html") is None


def test_homepage_canonical_on_an_article_is_ignored_and_og_url_used():
    html = _page(link="https://baohungyen.vn/", og="/story-123.html")
    assert page_canonical(html, "https://baohungyen.vn/story-123.html?x=1") == "https://baohungyen.vn/story-123.html"


def test_garbage_hints_give_none():
    assert page_canonical(_page(link="javascript:alert(1)"), "https://baohungyen.vn/a.html") is None
    assert page_canonical(object(), "https://baohungyen.vn/a.html") is None


def test_real_vnexpress_page_declares_its_own_url(shared_data):
    folder = shared_data / "crawl/pages/vi/fundus-vnexpress-2025"
    url = json.loads((folder / "meta.info").read_text(encoding="utf-8"))["VnExpress_2025_10_22.html.gz"]["url"]
    html = gzip.decompress((folder / "VnExpress_2025_10_22.html.gz").read_bytes()).decode("utf-8")
    assert page_canonical(html, url + "?utm_source=zalo#box") == url
    assert page_canonical(lxml.html.fromstring(html), url) == url


def test_url_key_is_the_canonical_form_and_keeps_a_link_it_cannot_read() -> None:
    assert url_key("HTTP://BaoNgheAn.vn:80/tin/a.html?utm_source=zalo&zarsrc=1#top") == "http://baonghean.vn/tin/a.html"
    assert url_key("mailto:toasoan@baonghean.vn") == "mailto:toasoan@baonghean.vn"  # kept as given, not lost
