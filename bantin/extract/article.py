"""Article page bytes → :class:`ExtractedArticle` (body, title, date, language, canonical URL).

Pipeline: bound size → :func:`decode_html` → one lxml parse → canonical URL, meta title/description/lang
→ htmldate (original publication date preferred) → trafilatura ``bare_extraction`` (body only) →
:func:`normalize_vi` → language check → Vietnamese lead ("sa-pô") restored.
Never raises on bad input: garbage gives an empty ``text`` and an ``error`` string.

Timezones: Vietnamese pages often print local time without an offset. A naive date from a ``.vn`` host
or a page whose text is Vietnamese is taken as Asia/Ho_Chi_Minh (UTC+7, no DST); other naive dates as
UTC. Explicit offsets are kept as published (VnExpress's 2019 JSON-LD says +08:00; we do not second-guess).

bantin stores no authors/bylines (docs/principles.md, principle 1): trafilatura's author metadata is read only
to say which lines to strip (:mod:`bantin.extract.byline`), then dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bantin.app.stats import StatsLike, inc
from bantin.extract.byline import author_names, strip_bylines
from bantin.extract.canonical import page_canonical, url_key
from bantin.extract.longtext import install as install_long_text_shortcut
from bantin.extract.precision import install as install_precision_prune
from bantin.text.charset import decode_html
from bantin.text.language import detect_language
from bantin.text.normalize import normalize_vi

# Settings' fetch cap is 10 MiB; the largest real article page seen is 2.9 MB. Beyond 8 MiB we cut the tail
# (bodies sit early in the document) to bound lxml/trafilatura time (measured: 2.9 MB CNN page 0.5 s,
# VnExpress padded to 3.4 MB with real listing markup 2.8 s).
MAX_HTML_BYTES = 8 * 1024 * 1024
# Chosen by measurement (bench/extraction.py --sweep, 181 aeb pages, mean token F1): favor_precision 0.9605,
# balanced 0.9548, favor_recall 0.9547 (paired diff vs balanced +0.006, CI [-0.008, 0.016]; 42 pages better,
# 15 worse); same score on the fundus VnExpress page. Comments are not body (+0.003 F1 without them);
# dropping tables costs 0.008.
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "favor_precision": True,
    "favor_recall": False,
    "include_comments": False,
    "include_tables": True,
    "deduplicate": False,
}
# Vietnamese outlets print the lead ("sa-pô") outside the body container, so trafilatura drops it
# (fundus VnExpress gold starts with it). VnExpress: p.description; Dân trí/Tuổi Trẻ/Thanh Niên/VOV: *sapo*.
# The XPath states the rule; _lead runs the same test in Python (0.6 ms a page instead of 1.8 ms).
LEAD_XPATH = (
    "//body//*[self::p or self::h2 or self::div or self::span]"
    "[contains(concat(' ', normalize-space(@class), ' '), ' description ') or contains(@class, 'sapo')]"
)
LEAD_TAGS = ("p", "h2", "div", "span")
_LEAD_CLASS_TOKEN = re.compile(r"(?:^|[ \t\r\n])description(?:[ \t\r\n]|$)")  # XPath whitespace only
# A lead is a sentence or three; shorter is a label, longer is a container we must not paste whole.
MIN_LEAD_CHARS, MAX_LEAD_CHARS = 40, 1000
# Declared language when <html lang> is missing: Content-Language meta, then og:locale ("vi_VN").
LANG_META_XPATH = (
    "//meta[translate(@http-equiv, 'CONTENTLAGU', 'contentlagu')='content-language']/@content"
    " | //meta[@property='og:locale']/@content"
)
# Vietnam has one zone, UTC+7 without DST.
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# htmldate output with time and offset, so that "19:25:52+07:00" survives.
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


@dataclass(frozen=True)
class ExtractedArticle:
    url: str
    canonical_url: str
    aliases: list[str] = field(default_factory=list)
    title: str | None = None
    text: str = ""
    published: datetime | None = None
    language: str | None = None
    description: str | None = None
    encoding: str | None = None
    error: str | None = None


def _parse_date(value: Any, vietnamese: bool) -> datetime | None:
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and value.strip():
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=VN_TZ if vietnamese else UTC)
    return parsed


def _find_date(tree: Any, url: str, stats: StatsLike | None) -> str | None:
    from htmldate import find_date

    try:
        found = find_date(tree, original_date=True, extensive_search=True, outputformat=DATE_FORMAT, url=url)
    except Exception:  # noqa: BLE001 - htmldate on hostile markup must not abort extraction
        inc(stats, "extract/date_error")
        return None
    return str(found) if found else None


def _clean(value: Any) -> str | None:
    if not value:
        return None
    text = normalize_vi(str(value)).replace("\n", " ")
    return text or None


def _page_meta(tree: Any, stats: StatsLike | None) -> tuple[str | None, str | None, str | None, list[str]]:
    """(title, description, declared language, author names to strip) from meta tags/JSON-LD/<title>.
    trafilatura's full extract_metadata is skipped: its author XPath, license and category searches took 7
    of 11 s on a 3.4 MB page; the meta/JSON-LD author (what bare_extraction reports on the Vietnamese pages
    in ../shared) comes from the two cheap steps below. The names only say what to strip; none is kept."""
    from trafilatura.metadata import examine_meta, extract_meta_json, extract_title

    title = description = None
    authors: list[str] = []
    try:
        doc = extract_meta_json(tree, examine_meta(tree))
        title, description, authors = doc.title or extract_title(tree), doc.description, author_names(doc.author)
    except Exception:  # noqa: BLE001 - JSON-LD and meta parsing on hostile pages
        inc(stats, "extract/meta_error")
    lang = tree.get("lang") or tree.get("xml:lang")
    if not lang:
        found = tree.xpath(LANG_META_XPATH)
        lang = str(found[0]) if found else None
    return title, description, lang, authors


def _lead_nodes(tree: Any) -> list[Any]:
    """``tree.xpath(LEAD_XPATH)``: same nodes, same (document) order."""
    nodes: dict[Any, None] = {}
    for body in tree.getroottree().iter("body"):
        for node in body.iterdescendants(*LEAD_TAGS):
            cls = node.get("class")
            if cls and ("sapo" in cls or ("description" in cls and _LEAD_CLASS_TOKEN.search(cls))):
                nodes[node] = None
    return list(nodes)


def _lead(tree: Any) -> str | None:
    try:
        nodes = _lead_nodes(tree)
    except Exception:  # noqa: BLE001 - a broken tree
        return None
    for node in nodes:
        lead = normalize_vi(" ".join(node.itertext())).replace("\n", " ")
        if MIN_LEAD_CHARS <= len(lead) <= MAX_LEAD_CHARS:
            return lead
    return None


# C0 controls other than tab/LF/CR: with U+FFFE/U+FFFF (UTF-8 EF BF BE/BF), what trafilatura strips before lxml.
_XML_INVALID_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13))
_XML_VALID_BYTES = bytes(b for b in range(256) if b not in _XML_INVALID_BYTES)


def _utf8_xml_clean(body: bytes) -> bool:
    """True when UTF-8 ``body`` holds no character trafilatura's INVALID_XML_CHARS would strip (a byte scan:
    0.1 ms where the regex substitution over the decoded text takes ~2 ms on an average page)."""
    return not body.translate(None, _XML_VALID_BYTES) and b"\xef\xbf\xbe" not in body and b"\xef\xbf\xbf" not in body


def _load_tree(html: str, xml_clean: bool) -> Any:
    """``trafilatura.utils.load_html(html)`` for decoded text: the same repairs, parser, fallbacks and
    rejection, minus the whole-document INVALID_XML_CHARS substitution when ``xml_clean`` says it is a no-op
    (half of load_html's 3.7 ms a page on bench/throughput.py's pages)."""
    from lxml.html import fromstring
    from trafilatura.utils import DOCTYPE_TAG, FAULTY_HTML, HTML_PARSER, INVALID_XML_CHARS, fromstring_bytes

    beginning = html[:50].lower()
    if not xml_clean:
        html = INVALID_XML_CHARS.sub("", html)
    if "doctype" in beginning:  # libxml2 issue with some doctypes, as trafilatura's repair_faulty_html
        firstline, _, rest = html.partition("\n")
        html = DOCTYPE_TAG.sub("", firstline, count=1) + "\n" + rest
    for line in html[:4096].splitlines()[:4]:  # self-closing <html/> in the first lines
        if "<html" in line and line.endswith("/>"):
            html = FAULTY_HTML.sub(r"\1>", html, count=1)
            break
    tree, fallback = None, False
    try:
        tree = fromstring(html, parser=HTML_PARSER)
    except ValueError:  # "Unicode strings with encoding declaration are not supported."
        tree, fallback = fromstring_bytes(html), True
    except Exception:  # noqa: BLE001 - as load_html: lxml raises a zoo of errors on garbage
        tree = None
    if (tree is None or len(tree) < 1) and not fallback:
        tree = fromstring_bytes(html)
    if tree is not None and "html" not in beginning and len(tree) < 2:
        tree = None  # load_html's rejection: not (well-formed) HTML
    return tree


def _empty(url: str, error: str, stats: StatsLike | None, encoding: str | None = None) -> ExtractedArticle:
    inc(stats, "extract/no_body")
    return ExtractedArticle(url=url, canonical_url=url_key(url), encoding=encoding, error=error)


# Whether bantin.extract.precision's prune and bantin.extract.longtext's shortcut are in place (filled on the first
# extraction of the process).
_PRECISION_PRUNE: list[bool] = []


def extract_article(
    body: bytes,
    url: str,
    content_type: str | None = None,
    feed_hint: dict | None = None,
    stats: StatsLike | None = None,
    *,
    requested_url: str | None = None,
) -> ExtractedArticle:
    """Extract one article. ``url`` is the final (post-redirect) URL; ``requested_url`` (or
    ``feed_hint["url"|"link"]``) the one asked for. ``feed_hint`` may give title/published/summary
    fallbacks from the feed item."""
    from trafilatura import bare_extraction

    if not _PRECISION_PRUNE:  # once per process: the same raw-tree prune, without Python callbacks per element,
        _PRECISION_PRUNE.extend((install_precision_prune(), install_long_text_shortcut()))  # no comparison when long
    hint = feed_hint or {}
    if not body or not body.strip():
        return _empty(url, "empty body", stats)
    if len(body) > MAX_HTML_BYTES:
        inc(stats, "extract/truncated")
        body = body[:MAX_HTML_BYTES]
    html, encoding = decode_html(body, content_type, stats)
    try:
        tree = _load_tree(html, encoding == "utf-8" and _utf8_xml_clean(body))
    except Exception:  # noqa: BLE001 - lxml raises a zoo of errors on garbage
        tree = None
    if tree is None:
        return _empty(url, "not parseable as HTML", stats, encoding)
    canonical = page_canonical(tree, url)
    inc(stats, "extract/canonical_page" if canonical else "extract/canonical_url")
    canonical_url = canonical or url_key(url)
    seen = [requested_url or hint.get("url") or hint.get("link"), url, canonical]
    aliases = list(dict.fromkeys(url_key(u) for u in seen if u))
    aliases = [a for a in aliases if a != canonical_url]
    page_title, page_description, declared, authors = _page_meta(tree, stats)
    date_text = _find_date(tree, url, stats)
    try:
        doc = bare_extraction(tree, url=url, with_metadata=False, **TRAFILATURA_OPTIONS)
        raw_text = getattr(doc, "text", None) or ""
    except Exception:  # noqa: BLE001 - trafilatura on hostile markup must not abort the crawl
        inc(stats, "extract/trafilatura_error")
        raw_text = ""
    text = normalize_vi(raw_text)
    if not text:
        inc(stats, "extract/no_body")
    language = detect_language(text or (page_title or ""), declared or hint.get("language"), stats)
    # the lead is looked for only when it can be used (bare_extraction and htmldate work on copies of tree)
    if language == "vi" and text and (lead := _lead(tree)) and lead not in text:
        inc(stats, "extract/lead_added")  # only for Vietnamese: English standfirsts are not body in aeb's gold
        text = f"{lead}\n{text}"
    text = strip_bylines(text, authors, vietnamese=language == "vi", stats=stats)
    host = (urlsplit(url).hostname or "").lower()
    vietnamese = host.endswith(".vn") or host == "vn" or language == "vi"
    published = _parse_date(date_text, vietnamese)
    if published is None and (published := _parse_date(hint.get("published"), vietnamese)) is not None:
        inc(stats, "extract/date_from_feed")
    inc(stats, "extract/date_found" if date_text else "extract/date_missing")
    title = _clean(page_title)
    if title is None and (title := _clean(hint.get("title"))) is not None:
        inc(stats, "extract/title_from_feed")
    description = _clean(page_description) or _clean(hint.get("summary") or hint.get("description"))
    if description:
        description = strip_bylines(description, authors, vietnamese=language == "vi", stats=stats) or None
    return ExtractedArticle(
        url=url,
        canonical_url=canonical_url,
        aliases=aliases,
        title=title,
        text=text,
        published=published,
        language=language,
        description=description,
        encoding=encoding,
        error=None if text else "no article body found",
    )
