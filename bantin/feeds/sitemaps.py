"""Sitemaps → :class:`FeedItem` list: plain and Google News ``urlset``, ``sitemapindex``, text sitemaps.

Parsed with lxml in recover mode and with every door shut: no DTD loading, no entity expansion, no
network, no huge-tree mode (billion-laughs and XXE documents stay inert). gzip bodies are inflated by
:func:`bantin.feeds.parse.parse_feed` up to ``MAX_DECOMPRESSED_BYTES`` before they get here.

``published`` is ``news:publication_date`` when given, else ``lastmod`` (a modification date, but the
best recency signal a plain sitemap has; counted as ``sitemap/date_from_lastmod``). Sitemap-index items
are child sitemaps (fetch them and parse again).
"""

from __future__ import annotations

import re
from datetime import UTC

from lxml import etree

from bantin.app.stats import StatsLike, inc
from bantin.feeds.fields import (
    VIETNAM_TZ,
    FeedItem,
    FeedResult,
    clean_language,
    clean_text,
    clean_url,
    is_vietnamese,
    parse_date,
)
from bantin.feeds.repair import drop_entity_dtd

# Sitemap protocol limit on URLs per file; anything beyond is not a conforming sitemap.
MAX_SITEMAP_URLS = 50_000
# Child elements looked at inside one <url>; news/image/video extensions stay far below this.
MAX_FIELDS_PER_URL = 200

# Unescaped "&" in <loc> is a common sitemap-generator bug; lxml's recovery would silently drop "&y".
_BARE_AMP = re.compile(rb"&(?!(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);)")


def _parser() -> etree.XMLParser:
    # A fresh parser per call: lxml parsers must not be shared between threads.
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True,
                           load_dtd=False, dtd_validation=False, remove_comments=True, remove_pis=True)


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _fields(entry: etree._Element) -> dict[str, str]:
    """First text of each descendant element by local name (loc, lastmod, publication_date, title, …)."""
    found: dict[str, str] = {}
    for n, el in enumerate([*entry, *entry.iter()]):  # direct children first: <loc> beats <image:loc>
        if n > MAX_FIELDS_PER_URL:
            break
        name = _local(el.tag)
        if name and name not in found and el.text and el.text.strip():
            found[name] = el.text.strip()
    return found


def parse_sitemap(body: bytes, url: str, stats: StatsLike | None = None) -> FeedResult:
    safe = drop_entity_dtd(body)
    inc(stats, "sitemap/entity_dtd_removed", safe is not body)
    fixed, amps = _BARE_AMP.subn(b"&amp;", safe)
    inc(stats, "sitemap/repaired_ampersands", amps > 0)
    parser = _parser()
    try:
        root = etree.fromstring(fixed, parser)
    except (etree.LxmlError, ValueError) as exc:
        inc(stats, "sitemap/unparseable")
        return FeedResult("unknown", bozo=True, error=f"not a readable sitemap: {exc}")
    if root is None:
        inc(stats, "sitemap/unparseable")
        return FeedResult("unknown", bozo=True, error="not a readable sitemap: no root element")
    is_index = _local(root.tag) == "sitemapindex"
    kind, child = ("sitemap_index", "sitemap") if is_index else ("sitemap", "url")
    base = url if clean_url(url, None) else ""
    bozo = safe is not body or amps > 0 or any(e.level >= etree.ErrorLevels.ERROR for e in parser.error_log)
    inc(stats, "sitemap/recovered_malformed", bozo)
    items: list[FeedItem] = []
    seen: set[str] = set()
    for entry in root.iter(f"{{*}}{child}"):
        if len(items) >= MAX_SITEMAP_URLS:
            inc(stats, "sitemap/over_url_limit")
            bozo = True
            break
        f = _fields(entry)
        link = clean_url(f.get("loc"), base)
        if link is None:
            inc(stats, "sitemap/item_no_link")
            continue
        if link in seen:
            inc(stats, "sitemap/item_dup_url")
            continue
        seen.add(link)
        lang = clean_language(f.get("language"))
        title = clean_text(f.get("title"))
        naive_tz = VIETNAM_TZ if is_vietnamese(link, lang, title) else UTC
        published = parse_date(f.get("publication_date"), naive_tz, stats, "sitemap")
        if published is None and f.get("lastmod"):
            published = parse_date(f.get("lastmod"), naive_tz, stats, "sitemap")
            inc(stats, "sitemap/date_from_lastmod", published is not None)
        inc(stats, "sitemap/news_item", "publication_date" in f or "publication" in f)
        items.append(FeedItem(link, title, None, published, lang))
    languages = {i.language for i in items if i.language}
    language = languages.pop() if len(languages) == 1 else None
    return FeedResult(kind, items, bozo, None, None, language, "utf-8")


def parse_text_sitemap(body: bytes, url: str, stats: StatsLike | None = None) -> FeedResult:
    """One URL per line (sitemaps.org text format); UTF-8 by definition."""
    items: list[FeedItem] = []
    seen: set[str] = set()
    for line in body.decode("utf-8", "replace").splitlines():
        if len(items) >= MAX_SITEMAP_URLS:
            inc(stats, "sitemap/over_url_limit")
            break
        link = clean_url(line, None) if line.strip() else None
        if link is None or link in seen:
            inc(stats, "sitemap/text_line_skipped", bool(line.strip()))
            continue
        seen.add(link)
        items.append(FeedItem(link))
    return FeedResult("sitemap", items, False, None if items else "text sitemap without URLs", encoding="utf-8")
