"""The feed data model (:class:`FeedItem`, :class:`FeedResult`) and the field cleaners every feed format
shares: text (HTML stripped, entities decoded, NFC, one line), URLs (absolute http(s) only), language tags
and dates. Dates are always timezone-aware UTC; a date without a zone is read as Vietnam time (UTC+7, no
DST since 1975) when the feed is Vietnamese (``vi`` language, a ``.vn`` or known Vietnamese host, or
Vietnamese letters in the feed title), else as UTC, and ``<prefix>/date_no_tz`` is counted either way.
Authors/bylines are never kept: bantin does not track individuals.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html

from bantin.app.stats import StatsLike, inc
from bantin.text.diacritics import has_strong_vietnamese_letter

# A summary is a lead, not a body (bodies come from the article fetch); content:encoded can be huge.
MAX_SUMMARY_CHARS = 4000
# Vietnam has used UTC+7 without DST since 1975: a fixed offset is exact.
VIETNAM_TZ = timezone(timedelta(hours=7), "ICT")
# Vietnamese publishers outside .vn whose zone-less dates are Vietnam time.
VIETNAMESE_HOSTS = ("vnexpress.net", "baomoi.com", "zingnews.vn", "kenh14.vn")

# C0 controls other than tab/newline/CR: invalid in XML 1.0 and noise in text (also used by feed repair).
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WS = re.compile(r"\s+")
_URL_JUNK = re.compile(r"[\t\r\n\x00]")
_TAG = re.compile(r"<[^>]*>")
_DMY = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})(?:\D{1,3}(\d{1,2})[:h](\d{2})(?::(\d{2}))?)?")
_BLOCK_TAGS = ("p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6",
               "blockquote", "section", "article", "figure", "figcaption", "img", "hr", "dd", "dt")


@dataclass(frozen=True)
class FeedItem:
    url: str  # absolute http(s), resolved against xml:base / the feed URL
    title: str | None = None  # plain NFC text
    summary: str | None = None  # HTML stripped, entities decoded, whitespace collapsed
    published: datetime | None = None  # aware, UTC
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
    text = CONTROL_CHARS.sub("", value)
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
    return bool(title and has_strong_vietnamese_letter(title))


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
