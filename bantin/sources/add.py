"""`bantin sources add URL`: a feed URL is added as is; a home page has its feeds autodiscovered."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy.orm import Session, sessionmaker

from bantin.app.settings import Settings
from bantin.app.stats import CounterStats
from bantin.sources.registry import SourceSpec, upsert

# A home page may advertise dozens of section feeds; the first few (best first) cover a publisher.
MAX_DISCOVERED_FEEDS = 8
# Enough item titles and leads to judge a feed's language when it does not declare one.
LANGUAGE_SAMPLE_ITEMS = 50
_HTML_LANG = re.compile(rb"<html[^>]*\slang=[\"']?([A-Za-z-]{2,10})", re.IGNORECASE)


class AddSourceError(Exception):
    pass


class SourceFetchError(AddSourceError):
    """The URL could not be fetched (network, refusal, HTTP error): bantin cannot run it, exit 2."""


@dataclass(frozen=True)
class AddedSource:
    name: str
    new_feeds: list[str]
    known_feeds: list[str]  # already stored (for this source or another), left as they were


def add_source(
    settings: Settings, sessions: sessionmaker[Session], url: str, name: str | None = None
) -> AddedSource:
    from bantin.feeds.parse import FeedItem, parse_feed
    from bantin.fetch.oneoff import fetch_urls
    from bantin.sources.discover import discover_feeds
    from bantin.text.language import detect_language

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise AddSourceError(f"{url!r} không phải URL http(s) (not an http(s) URL)")
    stats = CounterStats()
    res = fetch_urls([url], settings)[url]
    if res.error or res.status is None or res.status >= 400:
        raise SourceFetchError(f"không tải được (could not fetch) {url}: {res.error or f'HTTP {res.status}'}")
    parsed = parse_feed(res.body, res.final_url or url, res.headers.get("content-type"), res.headers, stats)
    title, language = parsed.title, parsed.language
    items: list[FeedItem] = list(parsed.items)
    declared = None
    if parsed.items:
        feeds, home = [url], f"{parts.scheme}://{parts.netloc}/"
    else:
        m = _HTML_LANG.search(res.body[:4096])
        declared = m.group(1).decode("ascii") if m else None
        candidates = discover_feeds(res.body, res.final_url or url)[:MAX_DISCOVERED_FEEDS]
        if not candidates:
            raise AddSourceError(f"{url} không phải feed và không có liên kết feed (not a feed; no feed links found)")
        fetched = fetch_urls(candidates, settings)
        feeds = []
        for cand in candidates:
            r = fetched.get(cand)
            if r is None or r.error or (r.status or 500) >= 400:
                continue
            p = parse_feed(r.body, r.final_url or cand, r.headers.get("content-type"), r.headers, stats)
            if p.items:
                feeds.append(cand)
                items.extend(p.items)
                title, language = title or p.title, language or p.language
        if not feeds:
            raise AddSourceError(f"không feed nào đọc được trong {len(candidates)} liên kết tìm thấy ở {url} "
                                 "(none of the discovered feed links could be read)")
        home = url
    if not language:  # feeds often omit <language>: judge by the items, with the page's lang as a hint
        sample = " ".join(f"{i.title or ''}. {i.summary or ''}" for i in items[:LANGUAGE_SAMPLE_ITEMS])
        language = detect_language(sample, declared)
    src_name = name or (title or "").strip() or parts.hostname or url
    lang = (language or "").split("-")[0].lower() or None
    with sessions() as s:
        _, new, known = upsert(s, SourceSpec(name=src_name, feeds=tuple(feeds), home_url=home, language=lang))
        s.commit()
    return AddedSource(src_name, new, known)
