"""Feed bytes → :class:`FeedItem` list: RSS 0.9x/1.0/2.0, Atom, JSON Feed, sitemaps. Never raises.

This module is the entry point and the dispatcher: it caps the body, inflates gzip (bounded, so a gzip
bomb stops at :data:`MAX_DECOMPRESSED_BYTES`), strips junk before the document, sniffs the format from the
first bytes and hands the body to the parser for it: :mod:`.feedxml` (RSS/Atom/RDF via feedparser, with
the repairs of :mod:`.feedrepair`), :mod:`.jsonfeed` or :mod:`.sitemaps`. HTML pages and bodies without
markup are refused with an ``error``. The data model and the text/URL/date cleaners live in
:mod:`.feedfields` and are re-exported here, so ``from bantin.feeds.parse import ...`` keeps working.
"""

from __future__ import annotations

import codecs
import re
import zlib

from bantin.app.stats import StatsLike, inc
from bantin.feeds import jsonfeed, sitemaps
from bantin.feeds.fields import (
    MAX_SUMMARY_CHARS,
    VIETNAM_TZ,
    VIETNAMESE_HOSTS,
    FeedItem,
    FeedResult,
    clean_language,
    clean_text,
    clean_url,
    is_vietnamese,
    parse_date,
)
from bantin.feeds.repair import SNIFF_BYTES, drop_entity_dtd, strip_leading_junk
from bantin.feeds.xmlfeed import DETECT_SAMPLE_BYTES, MIN_DETECT_NON_ASCII, parse_xml_feed

__all__ = [
    "DETECT_SAMPLE_BYTES", "GZIP_MAGIC", "MAX_DECOMPRESSED_BYTES", "MAX_FEED_BYTES", "MAX_SUMMARY_CHARS",
    "MIN_DETECT_NON_ASCII", "SNIFF_BYTES", "VIETNAMESE_HOSTS", "VIETNAM_TZ", "FeedItem", "FeedResult",
    "clean_language", "clean_text", "clean_url", "drop_entity_dtd", "gunzip_bounded", "inc", "is_vietnamese",
    "parse_date", "parse_feed",
]

# Largest RSS/Atom/JSON feed we parse; real feeds are < 2 MB (GiantBomb podcast 1.6 MB), Vietnamese < 100 KB.
MAX_FEED_BYTES = 8 * 1024 * 1024
# Sitemap protocol limit (50 MB uncompressed); also the cap on any gzip body, so a gzip bomb stops here.
MAX_DECOMPRESSED_BYTES = 50 * 1024 * 1024
# The two bytes every gzip member starts with (RFC 1952 §2.3.1).
GZIP_MAGIC = b"\x1f\x8b"


def gunzip_bounded(body: bytes, limit: int = MAX_DECOMPRESSED_BYTES) -> tuple[bytes, bool]:
    """Decompress (multi-member) gzip up to ``limit`` bytes → (data, truncated_or_corrupt)."""
    out = bytearray()
    data = body
    while data[:2] == GZIP_MAGIC:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out += inflater.decompress(data, limit - len(out) + 1)
        except zlib.error:
            return bytes(out[:limit]), True
        if len(out) > limit or not inflater.eof:
            return bytes(out[:limit]), True
        data = inflater.unused_data
    return bytes(out), False


def _sniff(head: bytes) -> str:
    """Cheap guess of the document type from its first bytes: json, sitemap, text_sitemap, html, xml."""
    text = head.decode("utf-8", "ignore")
    if "\x00" in text:  # UTF-16/32, with or without BOM: the decode that starts with markup wins
        for codec in ("utf-32", "utf-16", "utf-32-be", "utf-32-le", "utf-16-be", "utf-16-le"):
            wide = head.decode(codec, "ignore")
            if "\x00" not in wide and wide.lstrip("\ufeff \t\r\n")[:1] in ("<", "{"):
                text = wide
                break
    text = re.sub(r"<!--.*?(?:-->|$)", "", text.lstrip("\ufeff \t\r\n"), flags=re.S)
    if text.startswith(("{", "[")):
        return "json"
    root = re.search(r"<([A-Za-z_][\w.:-]*)", text)
    name = root.group(1).lower().rsplit(":", 1)[-1] if root else ""
    if name in ("urlset", "sitemapindex"):
        return "sitemap"
    if name == "html" or (not name and re.match(r"<!doctype\s+html", text, re.I)):
        return "html"
    if not root and re.match(r"https?://\S+\s*(?:\n|$)", text):
        return "text_sitemap"
    return "xml" if "<" in text else "none"


def _parse(body: bytes, url: str, content_type: str | None, headers: dict[str, str] | None,
           stats: StatsLike | None) -> FeedResult:
    bozo = False
    if len(body) > MAX_DECOMPRESSED_BYTES:
        inc(stats, "feed/oversize_truncated")
        body, bozo = body[:MAX_DECOMPRESSED_BYTES], True
    if body[:2] == GZIP_MAGIC:
        inc(stats, "feed/gunzipped")
        body, cut = gunzip_bounded(body)
        if cut:
            inc(stats, "feed/gzip_truncated")
            bozo = True
    if not body.removeprefix(codecs.BOM_UTF8).strip():
        inc(stats, "feed/empty")
        return FeedResult("unknown", bozo=True, error="empty body: nothing to parse")
    if (stripped := strip_leading_junk(body)) is not body:
        inc(stats, "feed/leading_junk_stripped")
        body, bozo = stripped, True
    kind = _sniff(body[:SNIFF_BYTES])
    if kind == "sitemap":
        result = sitemaps.parse_sitemap(body, url, stats)
    elif kind == "text_sitemap":
        result = sitemaps.parse_text_sitemap(body, url, stats)
    elif kind == "html":
        inc(stats, "feed/html_page")
        return FeedResult("unknown", bozo=True, error="an HTML page, not a feed (try discover_feeds on it)")
    elif kind == "none":
        inc(stats, "feed/not_markup")
        return FeedResult("unknown", bozo=True, error="not a feed: no XML or JSON markup in the body")
    else:
        if len(body) > MAX_FEED_BYTES:
            inc(stats, "feed/oversize_truncated")
            body, bozo = body[:MAX_FEED_BYTES], True
        ctype = content_type or next((v for k, v in (headers or {}).items() if k.lower() == "content-type"), "")
        if kind == "json" or "json" in ctype.lower():
            result = jsonfeed.parse_jsonfeed(body, url, stats)
        else:
            result = parse_xml_feed(body, url, content_type, headers, stats)
    result.bozo = result.bozo or bozo
    return result


def parse_feed(body: bytes, url: str, content_type: str | None = None, headers: dict[str, str] | None = None,
               stats: StatsLike | None = None) -> FeedResult:
    """Parse any feed-ish bytes fetched from ``url``. Never raises; ``error`` says why nothing was read."""
    inc(stats, "feed/parsed")
    if isinstance(body, (bytearray, memoryview)):
        body = bytes(body)
    if not isinstance(body, bytes):
        inc(stats, "feed/not_bytes")
        return FeedResult("unknown", bozo=True, error=f"body must be bytes, got {type(body).__name__}")
    try:
        result = _parse(body, url if isinstance(url, str) else "", content_type, headers, stats)
    except Exception as exc:  # hostile input must never take the crawler down
        inc(stats, "feed/parser_crash")
        result = FeedResult("unknown", bozo=True, error=f"parser failed: {type(exc).__name__}: {exc}")
    inc(stats, f"feed/kind_{result.kind}")
    inc(stats, "feed/items", len(result.items))
    if result.bozo:
        inc(stats, "feed/bozo")
    if result.error:
        inc(stats, "feed/error")
    return result
