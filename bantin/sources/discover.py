"""Feed autodiscovery on a home page: ``<link rel=alternate>`` first, then the links publishers put in menus.

Ranking, best first (ties keep document order, same-site before third-party):

0. ``<link rel="alternate" type="application/rss+xml|atom+xml|feed+json">`` (not comment feeds);
1. other feed-typed ``<link>`` (RDF, ``text/xml``) and anchors to feed files: ``*.rss``, ``*.atom``,
   ``/feed``, ``rss.xml``/``atom.xml``/``feed.xml`` (VnExpress ``/rss/tin-moi-nhat.rss``, Dân trí
   ``/trangchu.rss``);
2. comment feeds;
3. RSS *index pages* that Vietnamese publishers link from the footer (``/rss``, ``/rss.htm``, ``/rss.html``,
   or an anchor whose text is "RSS"): fetch one and run discovery on it again to get its category feeds.
"""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urlsplit

import lxml.etree
import lxml.html

from bantin.app.stats import StatsLike, inc
from bantin.feeds.fields import clean_url

# Home pages over 3 MB are unusual (largest in the test bed: 2.9 MB); discovery only needs the markup.
MAX_HTML_BYTES = 5 * 1024 * 1024
# An RSS index page lists one feed per category; Vietnamese national papers have up to ~60.
MAX_DISCOVERED = 200

_PRIMARY_TYPES = {"application/rss+xml", "application/atom+xml", "application/feed+json"}
_OTHER_TYPES = {"application/rdf+xml", "text/xml", "application/xml", "text/rss+xml", "text/atom+xml"}
_FEED_FILE = re.compile(r"(?:\.rss|\.atom|\.rdf|/(?:rss|atom|feed)\.xml|/feed/?(?:atom|rss2?)?/?|/feeds?/[^/]+\.xml)$",
                        re.I)
_INDEX_PAGE = re.compile(r"/rss(?:\.html?|\.aspx|\.php)?/?$", re.I)
_COMMENTS = re.compile(r"comment|bình luận", re.I)


def _same_site(url: str, base_host: str) -> bool:
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    return host == base_host or host.endswith("." + base_host) or base_host.endswith("." + host)


def _candidates(doc: lxml.html.HtmlElement, base: str, stats: StatsLike | None) -> list[tuple[int, str]]:
    found: list[tuple[int, str]] = []
    for link in doc.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        ctype = (link.get("type") or "").split(";")[0].strip().lower()
        if "alternate" not in rels or not (url := clean_url(link.get("href"), base)):
            continue
        if ctype in _PRIMARY_TYPES or ctype in _OTHER_TYPES:
            comments = bool(_COMMENTS.search(f"{link.get('title') or ''} {url}"))
            tier = 2 if comments else 0 if ctype in _PRIMARY_TYPES else 1
            found.append((tier, url))
            inc(stats, "discover/link_alternate")
    for a in doc.iter("a"):
        url = clean_url(a.get("href"), base)
        if url is None:
            continue
        path = urlsplit(url).path
        if _FEED_FILE.search(path):
            found.append((1, url))
            inc(stats, "discover/anchor_feed")
        elif _INDEX_PAGE.search(path) or (a.text_content() or "").strip().lower() == "rss":
            found.append((3, url))
            inc(stats, "discover/anchor_rss_page")
    return found


def discover_feeds(html: bytes, base_url: str, stats: StatsLike | None = None) -> list[str]:
    """Absolute, de-duplicated feed URLs found in a page, best first. Never raises."""
    if not isinstance(html, bytes) or not html.strip():
        return []
    try:
        doc = lxml.html.document_fromstring(html[:MAX_HTML_BYTES])
    except (lxml.etree.LxmlError, ValueError):
        inc(stats, "discover/unparseable")
        return []
    base = clean_url(base_url, None) or ""
    if (tag := next(doc.iter("base"), None)) is not None and (href := clean_url(tag.get("href"), base)):
        base = href
    base_host = (urlsplit(base).hostname or "").lower().removeprefix("www.")
    ranked: dict[str, tuple[int, int, int]] = {}
    for order, (tier, url) in enumerate(_candidates(doc, base, stats)):
        url = urldefrag(url)[0]
        key = (tier, 0 if _same_site(url, base_host) else 1, order)
        if url not in ranked or key < ranked[url]:
            ranked[url] = key
    result = sorted(ranked, key=ranked.__getitem__)[:MAX_DISCOVERED]
    inc(stats, "discover/feeds", len(result))
    return result
