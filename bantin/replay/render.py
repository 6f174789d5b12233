"""What ``bantin replay`` renders: RSS 2.0 feeds (with RFC 5005 ``next`` paging), article pages rebuilt
from an archived RSS item's title and summary (marked with :data:`RECONSTRUCTED_MARK`, never passed off as
the original), the index page whose ``<link rel=alternate>`` tags let feed autodiscovery find every
generated feed, and the title/date sniffed from a captured page for the per-host feeds. Pure functions
from values to UTF-8 bytes; the URL mapping and the news archive live in :mod:`.replay_urls` and
:mod:`.replay_archive` and are re-exported here for older importers.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from bantin.replay.archive import (
    CHECKPOINT_IN_BYTES,
    INFLATE_AHEAD,
    READ_CHUNK,
    SEGMENT_CACHE,
    NewsArchive,
    NewsFeed,
)
from bantin.replay.urls import iso_z, parse_ts, slug, url_key

__all__ = [
    "CHECKPOINT_IN_BYTES", "INFLATE_AHEAD", "READ_CHUNK", "RECONSTRUCTED_MARK", "SEGMENT_CACHE", "SNIFF_BYTES",
    "NewsArchive", "NewsFeed", "RssItem", "article_html", "etag_of", "index_html", "iso_z", "parse_ts",
    "rfc822", "rss", "slug", "sniff_page", "url_key", "xml_attr", "xml_text",
]

# <meta name="bantin:replay"> value on rebuilt pages, so tests and users can tell them from real captures.
RECONSTRUCTED_MARK = "reconstructed-from-feed"
# Titles and dates sit in <head>; no need to decode a whole 3 MB page.
SNIFF_BYTES = 256 * 1024
_CHARSET = re.compile(r"""charset=["']?([\w.:-]+)""", re.I)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_DATE = re.compile(r"(?:article:published_time|datePublished)\W{1,40}?(?:content=)?[\"']?"
                   r"(\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d)?(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)")
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0


def rfc822(ts: float) -> str:
    return format_datetime(datetime.fromtimestamp(ts, UTC), usegmt=True)


def xml_text(text: str) -> str:
    return escape(_XML_BAD.sub("", text))


def xml_attr(text: str) -> str:
    return quoteattr(_XML_BAD.sub("", text))


@dataclass
class RssItem:
    title: str
    link: str
    guid: str
    description: str = ""
    ts: float | None = None
    category: str = ""


def rss(title: str, link: str, description: str, self_url: str, items: Iterable[RssItem],
        next_url: str | None = None) -> bytes:
    """An RSS 2.0 document (UTF-8) with atom:link self/next (RFC 5005 paging)."""
    items = list(items)
    newest = max((i.ts for i in items if i.ts), default=None)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">',
           f"<channel><title>{xml_text(title)}</title><link>{xml_text(link)}</link>",
           f"<description>{xml_text(description)}</description><language>vi</language>",
           f'<atom:link rel="self" type="application/rss+xml" href={xml_attr(self_url)}/>']
    if next_url:
        out.append(f'<atom:link rel="next" type="application/rss+xml" href={xml_attr(next_url)}/>')
    if newest:
        out.append(f"<lastBuildDate>{rfc822(newest)}</lastBuildDate>")
    for it in items:
        out.append(f"<item><title>{xml_text(it.title)}</title><link>{xml_text(it.link)}</link>"
                   f'<guid isPermaLink="false">{xml_text(it.guid)}</guid>')
        if it.description:
            out.append(f"<description>{xml_text(it.description)}</description>")
        if it.category:
            out.append(f"<category>{xml_text(it.category)}</category>")
        if it.ts:
            out.append(f"<pubDate>{rfc822(it.ts)}</pubDate>")
        out.append("</item>")
    out.append("</channel></rss>\n")
    return "\n".join(out).encode("utf-8")


def article_html(item: dict[str, Any]) -> bytes:
    """A minimal article page rebuilt from an RSS item's title and summary, marked as such."""
    e = html.escape
    title, summary, url = item.get("title") or "", item.get("summary") or "", item["url"]
    published = item.get("published") or item.get("fetched") or ""
    return (
        f'<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">\n<title>{e(title)}</title>\n'
        f'<meta name="bantin:replay" content="{RECONSTRUCTED_MARK}">\n'
        f'<meta name="description" content="{e(summary)}">\n'
        f'<meta property="og:title" content="{e(title)}">\n'
        f'<meta property="og:site_name" content="{e(item.get("source") or "")}">\n'
        f'<meta property="article:published_time" content="{e(published)}">\n'
        f'<meta property="article:section" content="{e(item.get("feed_category") or "")}">\n'
        f'<link rel="canonical" href="{e(url)}">\n</head><body>\n'
        "<!-- bantin replay: dựng lại từ tiêu đề và tóm tắt của mục RSS; không có toàn văn. "
        "Reconstructed from the RSS item's title and summary; not the original page. -->\n"
        f'<article><h1>{e(title)}</h1>\n<p class="description">{e(summary)}</p>\n'
        f'<time datetime="{e(published)}">{e(published)}</time></article>\n</body></html>\n'
    ).encode()


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def sniff_page(raw: bytes, content_type: str) -> tuple[str, int | None]:
    """(title, published epoch or None) from a page's head, for the per-host feeds."""
    head = raw[:SNIFF_BYTES]
    charset = _CHARSET.search(content_type) or _CHARSET.search(head.decode("latin-1"))
    try:
        text = head.decode(charset.group(1) if charset else "utf-8", "replace")
    except LookupError:
        text = head.decode("utf-8", "replace")
    title = _TITLE.search(text)
    date = _DATE.search(text)
    return (" ".join(html.unescape(title.group(1)).split()) if title else "",
            parse_ts(date.group(1)) if date else None)


def index_html(base: str, feeds: list[tuple[str, str, int]], hosts: list[tuple[str, str, list[str]]],
               extra: list[tuple[str, int]]) -> bytes:
    """The index page: Vietnamese first, one <link rel=alternate> per generated feed (autodiscovery)."""
    e = html.escape
    link = '<link rel="alternate" type="application/rss+xml" title="{}" href="{}">'
    alt = [link.format(e(title), e(href)) for href, title, _ in feeds]
    alt += [link.format(e(host), e(href)) for host, href, _ in hosts]
    out = ['<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">',
           "<title>bantin replay — máy chủ phát lại trang và nguồn tin</title>", *alt, "</head><body>",
           "<h1>Máy chủ phát lại bantin</h1>",
           "<p>Trang báo và nguồn RSS thật, phục vụ ngoại tuyến trên máy này để thử nghiệm và trình diễn. "
           "Nội dung thuộc về các tòa soạn; chỉ dùng nội bộ. (Offline replay of real pages and feeds "
           "for tests and demos; content belongs to its publishers, internal use only.)</p>",
           f"<p>Thêm vào bantin (add to bantin): <code>bantin sources add {e(base)}/</code></p>",
           "<h2>Nguồn RSS từ kho tin (news archive feeds: real titles and summaries, pages rebuilt)</h2><ul>"]
    out += [f'<li><a href="{e(h)}">{e(t)}</a> ({n:,} mục)</li>' for h, t, n in feeds]
    out.append("</ul><h2>Trang thật theo tên miền (real captured pages by host)</h2><ul>")
    for host, feed, pages in hosts:
        links = " ".join(f'<a href="{e(p)}">{i}</a>' for i, p in enumerate(pages, 1))
        out.append(f'<li>{e(host)}: <a href="{e(feed)}">RSS</a> — trang {links}</li>')
    out.append("</ul><h2>Nguồn RSS và trang khác đã lưu (other captured feeds; links lead off-line)</h2><ul>")
    out += [f'<li><a href="{e(u)}">{e(u)}</a> ({n} bản lưu; /_capture/N/… chọn bản)</li>' for u, n in extra]
    out.append("</ul></body></html>\n")
    return "\n".join(out).encode("utf-8")
