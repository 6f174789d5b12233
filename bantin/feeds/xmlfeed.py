"""RSS 0.9x/1.0/2.0, Atom and RDF bytes → :class:`FeedResult` through feedparser. The body goes in as a
``BytesIO`` plus the HTTP headers, so RFC 3023 charset rules apply; when feedparser had to guess the
charset (or a legacy label hides valid UTF-8) :func:`bantin.text.charset.decode_html` gives a second
opinion, and when fewer items came out than the document visibly holds the repairs of :mod:`.feedrepair`
are tried and kept only if they recover at least as many items. Entries become :class:`FeedItem` with
the cleaners of :mod:`.feedfields`; an entry without a usable link is dropped and counted.
"""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
from datetime import UTC, datetime, timezone
from typing import Any
from xml.sax import SAXException

import feedparser
from feedparser import CharacterEncodingOverride, CharacterEncodingUnknown

from bantin.app.stats import StatsLike, inc
from bantin.feeds.fields import (
    MAX_SUMMARY_CHARS,
    VIETNAM_TZ,
    FeedItem,
    FeedResult,
    clean_language,
    clean_text,
    clean_url,
    is_vietnamese,
    parse_date,
)
from bantin.feeds.repair import FEED_ROOT, ITEM_START, SNIFF_BYTES, drop_entity_dtd, repair
from bantin.text.charset import (
    VI_MIN_SYLLABLE_RATIO,
    VI_MIN_WORDS,
    decode_html,
    vietnamese_syllable_ratio,
)

# Fewer non-ASCII bytes than this is too little evidence to overrule feedparser's windows-1252 guess.
MIN_DETECT_NON_ASCII = 16
# Charset evidence is taken from the start of the document only; enough for a few hundred words.
DETECT_SAMPLE_BYTES = 64 * 1024

# A feed declared UTF-8 (BOM, XML declaration, HTTP charset or XML's default) stays UTF-8 despite a few broken
# bytes when its valid multi-byte characters are at least this many times its broken sequences: one stray
# Latin-1 byte in a Vietnamese feed otherwise made feedparser read the whole feed as iso-8859-2/windows-1252
# (every title mojibake); a Latin-1 feed mislabelled UTF-8 has almost no valid multi-byte sequences.
MIN_VALID_PER_BROKEN_UTF8 = 1
_XML_ENCODING = re.compile(rb"^\s*<\?xml\b[^>]*?encoding\s*=\s*[\"']([\w.:-]+)", re.I)
_HTTP_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)

_FEED_HEADERS = ("content-type", "content-language")


def _http_headers(content_type: str | None, headers: dict[str, str] | None) -> dict[str, str]:
    hdrs = {k.lower(): v for k, v in (headers or {}).items()
            if isinstance(k, str) and isinstance(v, str) and k.lower() in _FEED_HEADERS}
    if content_type:
        hdrs["content-type"] = content_type
    hdrs.setdefault("content-type", "application/xml")  # unknown type: XML rules (declaration, else UTF-8)
    return hdrs  # no content-location: feedparser would turn an empty <link/> into the feed URL


def _fp(data: bytes, hdrs: dict[str, str]) -> Any:
    # HTML in summaries is reduced to text by clean_text, so feedparser's sanitiser/resolver are skipped.
    return feedparser.parse(io.BytesIO(data), response_headers=hdrs, resolve_relative_uris=False,
                            sanitize_html=False)


def _recharset(data: bytes, d: Any, hdrs: dict[str, str], stats: StatsLike | None) -> tuple[Any, str, bytes]:
    """Second opinion when feedparser guessed the charset, or when a legacy label hides valid UTF-8."""
    enc = (d.get("encoding") or "utf-8").lower()
    if not enc.startswith("utf") and _declared_utf8(data, hdrs) and (kept := _mostly_utf8(data)) is not None:
        text, name = kept, "utf-8"
        inc(stats, "feed/utf8_broken_bytes_replaced")
    elif isinstance(d.get("bozo_exception"), (CharacterEncodingOverride, CharacterEncodingUnknown)):
        text, name = decode_html(data, hdrs.get("content-type"))
        if _codec(name) == _codec(enc) or not _credible(data, text):
            return d, enc, data
        inc(stats, "feed/charset_redetected")
    elif not enc.startswith("utf") and not data.isascii() and _codec(enc) is not None:
        try:
            text, name = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            return d, enc, data
        inc(stats, "feed/charset_lie_utf8")
    else:
        return d, enc, data
    fixed = text.lstrip("\ufeff").encode("utf-8")
    return _fp(fixed, {**hdrs, "content-type": "application/xml; charset=utf-8"}), name, fixed


def _declared_utf8(data: bytes, hdrs: dict[str, str]) -> bool:
    """Whether the feed says it is UTF-8: a UTF-8 BOM, else the HTTP charset, else the XML declaration, else
    XML's default (RFC 7303 order)."""
    if data.startswith(codecs.BOM_UTF8):
        return True
    if m := _HTTP_CHARSET.search(hdrs.get("content-type", "")):
        return _codec(m.group(1)) == "utf-8"
    if m2 := _XML_ENCODING.match(data[:SNIFF_BYTES]):
        return _codec(m2.group(1).decode("ascii", "replace")) == "utf-8"
    return True


def _mostly_utf8(data: bytes) -> str | None:
    """The UTF-8 decode (broken sequences as U+FFFD) when valid multi-byte characters outnumber broken ones."""
    text = data.decode("utf-8", "replace")
    broken = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    valid = sum(1 for c in text if c > "\x7f" and c != "\ufffd")
    return text if 0 < broken and valid >= MIN_VALID_PER_BROKEN_UTF8 * broken else None


def _credible(data: bytes, text: str) -> bool:
    """Whether a detected charset may overrule feedparser's windows-1252 guess.

    Latin-script legacy charsets are indistinguishable on short feeds (charset-normalizer picks cp1250 or
    cp1257 for Portuguese), so only a non-Latin script or Vietnamese syllables count as evidence.
    """
    if sum(b > 0x7F for b in data[:DETECT_SAMPLE_BYTES]) < MIN_DETECT_NON_ASCII:
        return False
    letters = [c for c in text[:DETECT_SAMPLE_BYTES] if ord(c) > 0x7F and c.isalpha()]
    latin = sum(unicodedata.name(c, "").startswith("LATIN") for c in letters)
    if letters and latin < len(letters) / 2:
        return True
    ratio, words = vietnamese_syllable_ratio(text[:DETECT_SAMPLE_BYTES])
    return words >= VI_MIN_WORDS and ratio >= VI_MIN_SYLLABLE_RATIO


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _entry_link(e: Any, base: str, stats: StatsLike | None) -> str | None:
    link = clean_url(e.get("link"), base)
    if link is None:
        for alt in e.get("links") or []:
            if alt.get("rel", "alternate") == "alternate" and (link := clean_url(alt.get("href"), base)):
                break
    if link is None and (link := clean_url(e.get("id"), None)):
        inc(stats, "feed/link_from_guid")
    return link


def _feed_items(d: Any, base: str, feed_lang: str | None, naive_tz: timezone,
                stats: StatsLike | None) -> list[FeedItem]:
    items: list[FeedItem] = []
    seen: set[str] = set()
    for e in d.entries:
        link = _entry_link(e, base, stats)
        if link is None:
            inc(stats, "feed/item_no_link")
            continue
        if link in seen:
            inc(stats, "feed/item_dup_url")
            continue
        seen.add(link)
        raw = e.get("summary") or next((c.get("value") for c in e.get("content") or []), None)
        published = parse_date(e.get("published"), naive_tz, stats)
        if published is None and e.get("updated"):
            published = parse_date(e.get("updated"), naive_tz, stats)
            inc(stats, "feed/date_from_updated", published is not None)
        if published is None and (parsed := e.get("published_parsed") or e.get("updated_parsed")):
            y, mo, dd, hh, mi, ss = parsed[:6]
            published = datetime(y, mo, dd, hh, mi, ss, tzinfo=UTC)  # feedparser's UTC reading
            inc(stats, "feed/date_via_feedparser")
        if published is None and (e.get("published") or e.get("updated")):
            inc(stats, "feed/date_unparsed")
        lang = clean_language((e.get("title_detail") or {}).get("language")) or feed_lang
        items.append(FeedItem(link, clean_text(e.get("title")), clean_text(raw, MAX_SUMMARY_CHARS),
                              published, lang))
    return items


def _kind(version: str, text: str) -> str:
    if version in ("rss090", "rss10"):
        return "rdf"
    if version.startswith("atom"):
        return "atom"
    if version.startswith("rss"):
        return "rss"
    root = FEED_ROOT.search(text[:SNIFF_BYTES])
    return {"rss": "rss", "feed": "atom", "rdf": "rdf"}.get(root.group(2).lower(), "unknown") if root else "unknown"


def parse_xml_feed(body: bytes, url: str, content_type: str | None, headers: dict[str, str] | None,
                   stats: StatsLike | None) -> FeedResult:
    """Parse an RSS/Atom/RDF body (already de-gzipped, junk-stripped and size-capped by the caller)."""
    hdrs = _http_headers(content_type, headers)
    data = drop_entity_dtd(body)
    inc(stats, "feed/entity_dtd_removed", data is not body)
    d = _fp(data, hdrs)
    bozo = data is not body or bool(d.get("bozo"))
    redecoded, encoding, data = _recharset(data, d, hdrs, stats)
    bozo, d = bozo or redecoded is not d, redecoded
    text = data.decode(_codec(encoding) or "utf-8", "replace")
    visible = len(ITEM_START.findall(text))
    if isinstance(d.get("bozo_exception"), SAXException) or len(d.entries) < visible:
        fixed, repairs = repair(text)
        if repairs:
            d2 = _fp(fixed.encode("utf-8"), {**hdrs, "content-type": "application/xml; charset=utf-8"})
            baseline = min(len(d.entries), len(ITEM_START.findall(fixed))) if "truncation" in repairs \
                else len(d.entries)
            if len(d2.entries) >= baseline:
                for name in repairs:
                    inc(stats, f"feed/repaired_{name}")
                inc(stats, "feed/recovered_by_repair", max(0, len(d2.entries) - len(d.entries)))
                d, bozo = d2, True
    inc(stats, "feed/entries", len(d.entries))
    inc(stats, "feed/items_unrecovered", max(0, visible - len(d.entries)))
    feed = d.get("feed") or {}
    title, language = clean_text(feed.get("title")), clean_language(feed.get("language"))
    naive_tz = VIETNAM_TZ if is_vietnamese(url, language, title) else UTC
    base = url if clean_url(url, None) else ""
    items = _feed_items(d, base, language, naive_tz, stats)
    kind = _kind(d.get("version") or "", text)
    error = None
    if not d.entries and (kind == "unknown" or visible):
        exc = d.get("bozo_exception")
        what = f"{visible} items visible but none recovered" if visible else "no RSS/Atom/RDF structure found"
        error = f"not a readable feed: {what}" + (f" ({exc})" if exc else "")
    return FeedResult(kind, items, bozo, error, title, language, encoding)
