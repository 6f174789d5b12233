"""JSON Feed 1.0/1.1 (https://jsonfeed.org) → :class:`FeedItem` list, with the standard ``json`` module.

Relative item URLs are resolved against the URL the feed was fetched from (falling back to the feed's own
``feed_url``/``home_page_url``). ``author``/``authors`` are ignored: bantin does not track individuals.
"""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

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

# Items read from one JSON Feed; real feeds carry tens, this only stops a runaway document.
MAX_JSONFEED_ITEMS = 10_000


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _item(it: dict[str, Any], base: str, feed_lang: str | None, naive_tz: Any,
          stats: StatsLike | None) -> FeedItem | None:
    link = clean_url(_str(it.get("url")), base) or clean_url(_str(it.get("external_url")), base)
    if link is None:
        inc(stats, "jsonfeed/item_no_link")
        return None
    summary = (clean_text(it.get("summary"), MAX_SUMMARY_CHARS) or clean_text(it.get("content_text"),
               MAX_SUMMARY_CHARS) or clean_text(it.get("content_html"), MAX_SUMMARY_CHARS))
    published = parse_date(it.get("date_published"), naive_tz, stats, "jsonfeed")
    if published is None and it.get("date_modified"):
        published = parse_date(it.get("date_modified"), naive_tz, stats, "jsonfeed")
        inc(stats, "jsonfeed/date_from_modified", published is not None)
    lang = clean_language(it.get("language")) or feed_lang
    return FeedItem(link, clean_text(it.get("title")), summary, published, lang)


def parse_jsonfeed(body: bytes, url: str, stats: StatsLike | None = None) -> FeedResult:
    try:
        doc = json.loads(body)  # bytes: UTF-8/16/32 (with or without BOM) detected per RFC 8259
    except (ValueError, RecursionError) as exc:
        inc(stats, "jsonfeed/invalid_json")
        return FeedResult("unknown", bozo=True, error=f"invalid JSON: {str(exc)[:200]}")
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        inc(stats, "jsonfeed/not_a_feed")
        return FeedResult("unknown", bozo=True, error="JSON, but not a JSON Feed (no 'items' list)")
    version = _str(doc.get("version")) or ""
    bozo = "jsonfeed.org/version/" not in version
    inc(stats, "jsonfeed/no_version", bozo)
    title, language = clean_text(doc.get("title")), clean_language(doc.get("language"))
    candidates = (url, _str(doc.get("feed_url")), _str(doc.get("home_page_url")))
    base = next((u for u in candidates if u and clean_url(u, None)), "")
    naive_tz = VIETNAM_TZ if is_vietnamese(base, language, title) else UTC
    items: list[FeedItem] = []
    seen: set[str] = set()
    for it in doc["items"][:MAX_JSONFEED_ITEMS]:
        if not isinstance(it, dict):
            inc(stats, "jsonfeed/item_invalid")
            bozo = True
            continue
        item = _item(it, base, language, naive_tz, stats)
        if item is None:
            continue
        if item.url in seen:
            inc(stats, "jsonfeed/item_dup_url")
            continue
        seen.add(item.url)
        items.append(item)
    inc(stats, "jsonfeed/over_item_limit", len(doc["items"]) > MAX_JSONFEED_ITEMS)
    return FeedResult("jsonfeed", items, bozo, None, title, language, "utf-8")
