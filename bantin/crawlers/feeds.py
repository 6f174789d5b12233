"""Feed bytes → :class:`FeedItem` list: RSS 0.9x/1.0/2.0, Atom, JSON Feed, sitemaps. Never raises.

RSS/Atom go through feedparser (bytes in a ``BytesIO`` plus the HTTP headers, so RFC 3023 charset rules
apply), then a second opinion on the charset (:func:`bantin.crawlers.charset.decode_html`) when feedparser
had to guess, then repairs when fewer items came out than the document visibly holds. JSON Feed and
sitemaps live in :mod:`.jsonfeed` and :mod:`.sitemaps`; shared text/URL/date helpers live here.

Dates are always timezone-aware UTC. A date without a zone is read as Vietnam time (UTC+7, no DST since
1975) when the feed is Vietnamese (``vi`` language, a ``.vn`` or known Vietnamese host, or Vietnamese
letters in the feed title), else as UTC, and ``<prefix>/date_no_tz`` is counted either way.
Authors/bylines are never kept: bantin does not track individuals.
"""

from __future__ import annotations

import codecs
import io
import re
import unicodedata
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from html.entities import name2codepoint
from typing import Any
from urllib.parse import urljoin, urlsplit
from xml.sax import SAXException

import feedparser
import lxml.etree
import lxml.html
from feedparser import CharacterEncodingOverride, CharacterEncodingUnknown

from bantin.crawlers.charset import (
    VI_MIN_SYLLABLE_RATIO,
    VI_MIN_WORDS,
    decode_html,
    vietnamese_syllable_ratio,
)
from bantin.stats import StatsLike

# Largest RSS/Atom/JSON feed we parse; real feeds are < 2 MB (GiantBomb podcast 1.6 MB), Vietnamese < 100 KB.
MAX_FEED_BYTES = 8 * 1024 * 1024
# Sitemap protocol limit (50 MB uncompressed); also the cap on any gzip body, so a gzip bomb stops here.
MAX_DECOMPRESSED_BYTES = 50 * 1024 * 1024
# A summary is a lead, not a body (bodies come from the article fetch); content:encoded can be huge.
MAX_SUMMARY_CHARS = 4000
# How far into the body we look for the root element / junk before "<" (Chrome banners, blank lines, BOMs).
SNIFF_BYTES = 4096
# Vietnam has used UTC+7 without DST since 1975: a fixed offset is exact.
VIETNAM_TZ = timezone(timedelta(hours=7), "ICT")
# Vietnamese publishers outside .vn whose zone-less dates are Vietnam time.
VIETNAMESE_HOSTS = ("vnexpress.net", "baomoi.com", "zingnews.vn", "kenh14.vn")
GZIP_MAGIC = b"\x1f\x8b"
# Fewer non-ASCII bytes than this is too little evidence to overrule feedparser's windows-1252 guess.
MIN_DETECT_NON_ASCII = 16
# Charset evidence is taken from the start of the document only; enough for a few hundred words.
DETECT_SAMPLE_BYTES = 64 * 1024

_WS = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_URL_JUNK = re.compile(r"[\t\r\n\x00]")
_TAG = re.compile(r"<[^>]*>")
_VI_LETTERS = re.compile(r"[ăđơưĂĐƠƯ\u1ea0-\u1ef9]")  # letters (nearly) only Vietnamese uses
_DMY = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})(?:\D{1,3}(\d{1,2})[:h](\d{2})(?::(\d{2}))?)?")
_BLOCK_TAGS = ("p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6",
               "blockquote", "section", "article", "figure", "figcaption", "img", "hr", "dd", "dt")


@dataclass(frozen=True)
class FeedItem:
    url: str  # absolute http(s), resolved against xml:base / the feed URL
    title: str | None = None  # plain NFC text
    summary: str | None = None  # HTML stripped, entities decoded, whitespace collapsed
    published: datetime | None = None  # aware, UTC
    guid: str | None = None
    language: str | None = None  # lower-case tag such as "vi" or "en-us"


@dataclass
class FeedResult:
    kind: str  # rss | atom | rdf | jsonfeed | sitemap | sitemap_index | unknown
    items: list[FeedItem] = field(default_factory=list)
    bozo: bool = False  # the document was malformed and needed recovery (items may still be complete)
    error: str | None = None  # why nothing could be read at all; None for a valid (even empty) feed
    title: str | None = None
    language: str | None = None
    encoding: str | None = None  # charset the text was decoded with


def inc(stats: StatsLike | None, key: str, count: int = 1) -> None:
    if stats is not None and count:
        stats.inc_value(key, count)


def _html_to_text(value: str) -> str:
    try:
        root = lxml.html.fragment_fromstring(value, create_parent="div")
    except (lxml.etree.LxmlError, ValueError):
        return _TAG.sub(" ", value)
    for bad in list(root.iter("script", "style", "noscript", "template")):
        bad.drop_tree()
    for el in root.iter(*_BLOCK_TAGS):
        el.tail = " " + (el.tail or "")
    return root.text_content()


def clean_text(value: object, max_chars: int | None = None) -> str | None:
    """HTML or plain text → one line of NFC text with entities decoded; None when empty."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = _CONTROL.sub("", value)
    if "<" in text or "&" in text:
        text = _html_to_text(text)
    text = _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()
    if max_chars is not None and len(text) > max_chars:
        text = text[:max_chars].rsplit(" ", 1)[0] + "…"
    return text or None


def clean_url(raw: object, base: str | None) -> str | None:
    """Absolute http(s) URL from a link as found in a feed (whitespace stripped), or None."""
    if not isinstance(raw, str):
        return None
    link = _URL_JUNK.sub("", raw).strip().replace(" ", "%20")
    if not link or link.startswith("#"):
        return None  # urljoin would make these the feed's own URL
    if link.startswith("feed://"):
        link = "http://" + link[len("feed://"):]
    try:
        absolute = urljoin(base, link) if base else link
        parts = urlsplit(absolute)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return absolute


def clean_language(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    tag = value.strip().replace("_", "-").lower()
    return tag if re.fullmatch(r"[a-z]{2,3}(?:-[a-z0-9]{1,8})*", tag) else None


def is_vietnamese(url: str, language: str | None, title: str | None) -> bool:
    """Whether zone-less dates in this feed should be read as Vietnam time."""
    if language and language.startswith("vi"):
        return True
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        host = ""
    if host.endswith(".vn") or any(host == h or host.endswith("." + h) for h in VIETNAMESE_HOSTS):
        return True
    return bool(title and _VI_LETTERS.search(title))


def parse_date(raw: object, naive_tz: timezone, stats: StatsLike | None = None,
               prefix: str = "feed") -> datetime | None:
    """RFC 822, ISO 8601/W3C-DTF or Vietnamese dd/mm/yyyy [hh:mm] → aware UTC datetime, or None."""
    if not isinstance(raw, str) or not raw.strip():
        return None
    text = re.sub(r"\bSept\b", "Sep", raw.strip())  # "26 Sept 2005": a common non-RFC month
    dt: datetime | None = None
    try:
        dt = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        dt = None
    if dt is None:
        try:
            dt = datetime.fromisoformat(text[:-1] + "+00:00" if text[-1] in "Zz" else text)
        except ValueError:
            dt = None
    if dt is None and (m := _DMY.search(text)):
        day, month, year, hour, minute, second = (int(g) if g else 0 for g in m.groups())
        try:
            dt = datetime(year, month, day, hour, minute, second)
        except ValueError:
            dt = None
    if dt is None:
        return None
    if dt.tzinfo is None or dt.utcoffset() is None:
        inc(stats, f"{prefix}/date_no_tz")
        dt = dt.replace(tzinfo=naive_tz)
    try:
        return dt.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


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


# ---- RSS / Atom / RDF through feedparser -------------------------------------------------------------
_FEED_HEADERS = ("content-type", "content-language")
_ITEM_START = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s/>]")
_ITEM_END = re.compile(r"</(?:[A-Za-z_][\w.-]*:)?(?:item|entry)\s*>")
_ROOT_END = re.compile(r"</(?:[A-Za-z_][\w.-]*:)?(?:rss|feed|rdf|channel)\s*>", re.I)
_ROOT = re.compile(r"<([A-Za-z_][\w.-]*:)?(rss|feed|RDF|rdf)[\s>]")
_ROOT_B = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:rss|feed|RDF|rdf|urlset|sitemapindex)[\s>]")
_BARE_AMP = re.compile(r"&(?!(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);)")
_NAMED_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")
_XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
_LINK_DONE = re.compile(r"<link[^>]*>\s*(?:<!\[CDATA\[)?\s*[^<\s][^<]*</link>|<link\b[^>]*\bhref\s*=\s*[\"'][^\"']+[\"']")


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


def _strip_leading_junk(body: bytes) -> bytes:
    """Drop what precedes the document: Chrome's banner, blank lines or comments before ``<?xml``, PHP
    warnings, text before the first ``<``. JSON and UTF-16/32 bodies are left alone."""
    head = body[:SNIFF_BYTES]
    start = 3 if head.startswith(codecs.BOM_UTF8) else 0
    if b"\x00" in head[:4] or head[start:].lstrip()[:1] in (b"{", b"["):
        return body
    decl = head.find(b"<?xml", start)
    if decl > start and not _ROOT_B.search(head[start:decl]):
        return body[decl:]
    lt = head.find(b"<", start)
    if lt > start and head[start:lt].strip():
        return body[lt:]
    return body


def drop_entity_dtd(data: bytes) -> bytes:
    """Remove an internal DTD subset that declares entities (billion laughs: expat expands them up to its
    amplification limit, which costs feedparser seconds per kilobyte). Real feeds never need one."""
    start = data.find(b"<!DOCTYPE", 0, SNIFF_BYTES)
    if start < 0 or (bracket := data.find(b"[", start, data.find(b">", start))) < 0:
        return data
    end = data.find(b"]>", bracket)
    end = data.find(b">", bracket) if end < 0 else end + 1
    if b"<!ENTITY" not in data[bracket:end]:
        return data
    return data[:start] + data[end + 1:]


def _recharset(data: bytes, d: Any, hdrs: dict[str, str], stats: StatsLike | None) -> tuple[Any, str, bytes]:
    """Second opinion when feedparser guessed the charset, or when a legacy label hides valid UTF-8."""
    enc = (d.get("encoding") or "utf-8").lower()
    if isinstance(d.get("bozo_exception"), (CharacterEncodingOverride, CharacterEncodingUnknown)):
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


def _cut_truncated(text: str) -> str | None:
    """A document cut off mid-way, closed after its last complete item (or the partial item's link)."""
    starts = list(_ITEM_START.finditer(text))
    if not starts or _ROOT_END.search(text[-2048:]):
        return None
    ends = list(_ITEM_END.finditer(text))
    cut = ends[-1].end() if ends else starts[0].start()
    head, tail = text[:cut], text[cut:]
    closes = list(re.finditer(r"</[^>]+>", tail))
    if _LINK_DONE.search(tail) and closes:  # the partial item's link survived the cut: keep the item
        item_tag = re.match(r"<([^\s/>]+)", starts[-1].group(0))
        head += tail[: closes[-1].end()] + (f"</{item_tag.group(1)}>" if item_tag else "")
    root = _ROOT.search(text)
    closer = "" if root is None else f"</{root.group(1) or ''}{root.group(2)}>"
    return head + ("</channel>" if closer == "</rss>" else "") + closer


def _repair(text: str) -> tuple[str, list[str]]:
    """Cumulative repairs for XML that the strict parser rejects; returns (text, names of repairs)."""
    done: list[str] = []
    if (cut := _cut_truncated(text)) is not None:
        text = cut  # a cut-off item whose link is incomplete is dropped rather than crawled half-URL
        done.append("truncation")
    if _BARE_AMP.search(text):
        text, _ = _BARE_AMP.subn("&amp;", text)
        done.append("ampersands")
    if any(m.group(1) not in _XML_ENTITIES for m in _NAMED_ENTITY.finditer(text)):
        text = _NAMED_ENTITY.sub(
            lambda m: m.group(0) if m.group(1) in _XML_ENTITIES or m.group(1) not in name2codepoint
            else f"&#{name2codepoint[m.group(1)]};", text)
        done.append("entities")
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
        done.append("control_chars")
    return text, done


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
        guid = e.get("id").strip() or None if isinstance(e.get("id"), str) else None
        items.append(FeedItem(link, clean_text(e.get("title")), clean_text(raw, MAX_SUMMARY_CHARS),
                              published, guid, lang))
    return items


def _kind(version: str, text: str) -> str:
    if version in ("rss090", "rss10"):
        return "rdf"
    if version.startswith("atom"):
        return "atom"
    if version.startswith("rss"):
        return "rss"
    root = _ROOT.search(text[:SNIFF_BYTES])
    return {"rss": "rss", "feed": "atom", "rdf": "rdf"}.get(root.group(2).lower(), "unknown") if root else "unknown"


def _parse_xml_feed(body: bytes, url: str, content_type: str | None, headers: dict[str, str] | None,
                    stats: StatsLike | None) -> FeedResult:
    hdrs = _http_headers(content_type, headers)
    data = drop_entity_dtd(body)
    inc(stats, "feed/entity_dtd_removed", data is not body)
    d = _fp(data, hdrs)
    bozo = data is not body or bool(d.get("bozo"))
    redecoded, encoding, data = _recharset(data, d, hdrs, stats)
    bozo, d = bozo or redecoded is not d, redecoded
    text = data.decode(_codec(encoding) or "utf-8", "replace")
    visible = len(_ITEM_START.findall(text))
    if isinstance(d.get("bozo_exception"), SAXException) or len(d.entries) < visible:
        fixed, repairs = _repair(text)
        if repairs:
            d2 = _fp(fixed.encode("utf-8"), {**hdrs, "content-type": "application/xml; charset=utf-8"})
            baseline = min(len(d.entries), len(_ITEM_START.findall(fixed))) if "truncation" in repairs \
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


def _parse(body: bytes, url: str, content_type: str | None, headers: dict[str, str] | None,
           stats: StatsLike | None) -> FeedResult:
    from bantin.crawlers import jsonfeed, sitemaps  # they import the helpers above

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
    if (stripped := _strip_leading_junk(body)) is not body:
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
            result = _parse_xml_feed(body, url, content_type, headers, stats)
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
