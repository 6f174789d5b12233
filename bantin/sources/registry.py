"""Sources: the shipped default list, sources files, sync, enable/disable/remove, health.

A feed or source is never deleted behind the office's back: ``sync`` disables the feeds a file no longer
lists (their fetch history stays) and ``remove`` refuses a source that has stored articles, which are the
office's record; disable it instead.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bantin.sources.schedule import DEFAULT_POLL_MAX_S, DEFAULT_POLL_MIN_S, DEFAULT_POLL_S, rolled_up_health
from bantin.store.schema import Article, Feed, FetchLog, Source
from bantin.store.types import utcnow

DEFAULT_SOURCES_FILE = Path(__file__).with_name("default_sources.toml")
# Health figures look back one week: long enough to smooth weekends, short enough to show a change.
HEALTH_WINDOW = timedelta(days=7)
SOURCE_KINDS = ("feed", "sitemap")


class SourcesFileError(ValueError):
    pass


class SourceCommandError(ValueError):
    """A source command refused: an unknown name, or removing a source that has stored articles."""


@dataclass(frozen=True)
class SourceSpec:
    name: str
    feeds: tuple[str, ...]
    home_url: str | None = None
    language: str | None = None
    country: str | None = None
    kind: str = "feed"
    poll_interval_s: int | None = None  # `poll_minutes` in the file: the feeds' starting interval (it adapts)


def _check_url(url: str, where: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SourcesFileError(f"{where}: {url!r} is not an http(s) URL")
    return url.strip()


def load_sources_file(path: Path) -> list[SourceSpec]:
    """Read a TOML sources file (``[[source]]`` tables); errors name the file and the entry."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SourcesFileError(f"{path}: cannot read sources file: {exc}") from exc
    specs: list[SourceSpec] = []
    names: set[str] = set()
    for i, raw in enumerate(data.get("source", []), 1):
        where = f"{path} source #{i}"
        name = str(raw.get("name", "")).strip()
        if not name:
            raise SourcesFileError(f"{where}: missing name")
        if name in names:
            raise SourcesFileError(f"{where}: duplicate name {name!r}")
        names.add(name)
        feeds = tuple(_check_url(u, where) for u in raw.get("feeds", []))
        if not feeds:
            raise SourcesFileError(f"{where} ({name}): no feeds")
        kind = raw.get("kind", "feed")
        if kind not in SOURCE_KINDS:
            raise SourcesFileError(f"{where} ({name}): kind must be one of {SOURCE_KINDS}")
        home = raw.get("home_url")
        minutes = raw.get("poll_minutes")
        if minutes is not None and (not isinstance(minutes, int | float) or isinstance(minutes, bool)
                                    or not DEFAULT_POLL_MIN_S <= minutes * 60 <= DEFAULT_POLL_MAX_S):
            raise SourcesFileError(f"{where} ({name}): poll_minutes must be a number from {DEFAULT_POLL_MIN_S // 60} "
                                   f"to {DEFAULT_POLL_MAX_S // 60}")
        specs.append(SourceSpec(name, feeds, _check_url(home, where) if home else None,
                                raw.get("language"), raw.get("country"), kind,
                                poll_interval_s=int(minutes * 60) if minutes is not None else None))
    return specs


def upsert(session: Session, spec: SourceSpec) -> tuple[Source, list[str], list[str]]:
    """Create a source by name or add feeds to it; returns it, the feed URLs that were new and those already
    known (to it or to another source: a feed URL belongs to one source)."""
    src = session.scalar(select(Source).where(Source.name == spec.name))
    if src is None:
        src = Source(name=spec.name, kind=spec.kind, home_url=spec.home_url, language=spec.language,
                     country=spec.country, enabled=True, poll_interval_s=spec.poll_interval_s or DEFAULT_POLL_S,
                     health="new", consecutive_failures=0, created_at=utcnow())
        session.add(src)
        session.flush()
    known_urls = set(session.scalars(select(Feed.url)))
    new: list[str] = []
    known: list[str] = []
    for url in spec.feeds:
        (known if url in known_urls else new).append(url)
        if url not in known_urls:
            session.add(Feed(source_id=src.id, url=url, poll_interval_s=spec.poll_interval_s or DEFAULT_POLL_S,
                             health="new", consecutive_failures=0, created_at=utcnow()))
            known_urls.add(url)
    session.flush()
    return src, new, known


@dataclass
class SyncReport:
    """What ``sources sync`` changed, for the user to read back."""

    created: list[str] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    interval_changed: list[str] = field(default_factory=list)
    feeds_added: list[str] = field(default_factory=list)
    feeds_enabled: list[str] = field(default_factory=list)
    feeds_disabled: list[str] = field(default_factory=list)
    feeds_elsewhere: list[str] = field(default_factory=list)  # listed here but owned by another source


def _match(session: Session, spec: SourceSpec) -> Source | None:
    """The stored source a spec describes: by name, else (a rename) by home URL, else by a feed it owns."""
    src = session.scalar(select(Source).where(Source.name == spec.name))
    if src is None and spec.home_url:
        src = session.scalars(select(Source).where(Source.home_url == spec.home_url)).first()
    if src is None:
        src = session.scalars(select(Source).join(Feed).where(Feed.url.in_(spec.feeds))).first()
    return src


def sync(session: Session, specs: list[SourceSpec]) -> SyncReport:
    """Make the stored sources match ``specs``: names, poll intervals (when given), details and feed lists.
    Feeds no longer listed are disabled, not deleted; sources missing from the file are left as they are."""
    report = SyncReport()
    for spec in specs:
        src = _match(session, spec)
        if src is None:
            src, new, _ = upsert(session, spec)
            report.created.append(spec.name)
            report.feeds_added += new
            continue
        if src.name != spec.name:
            report.renamed.append((src.name, spec.name))
            src.name = spec.name
        if spec.poll_interval_s is not None and src.poll_interval_s != spec.poll_interval_s:
            src.poll_interval_s = spec.poll_interval_s
            for feed in src.feeds:  # the starting point: each feed then adapts on its own
                feed.poll_interval_s = spec.poll_interval_s
            report.interval_changed.append(spec.name)
        src.kind, src.home_url = spec.kind, spec.home_url or src.home_url
        src.language, src.country = spec.language or src.language, spec.country or src.country
        wanted = set(spec.feeds)
        for feed in src.feeds:
            if feed.url in wanted and not feed.enabled:
                feed.enabled = True
                report.feeds_enabled.append(feed.url)
            elif feed.url not in wanted and feed.enabled:
                feed.enabled = False
                report.feeds_disabled.append(feed.url)
        session.flush()
        _, new, known = upsert(session, spec)
        report.feeds_added += new
        own = {f.url for f in src.feeds}
        report.feeds_elsewhere += [u for u in known if u not in own]
    session.flush()
    return report


def get_source(session: Session, name: str) -> Source:
    src = session.scalar(select(Source).where(Source.name == name))
    if src is None:
        names = ", ".join(session.scalars(select(Source.name).order_by(Source.name)))
        raise SourceCommandError(f"không có nguồn (no source named) {name!r}; có (known): {names or '—'}")
    return src


def set_enabled(session: Session, name: str, enabled: bool) -> bool:
    """Enable or disable a source by name; returns whether it changed."""
    src = get_source(session, name)
    changed = src.enabled != enabled
    src.enabled = enabled
    session.flush()
    return changed


def remove_source(session: Session, name: str) -> None:
    """Delete a source and its feeds, only when it has no stored articles (they are the office's record)."""
    src = get_source(session, name)
    n = session.scalar(select(func.count()).select_from(Article).where(Article.source_id == src.id)) or 0
    if n:
        raise SourceCommandError(f"nguồn {name!r} có {n} bài đã lưu (has {n} stored articles): bài báo là hồ sơ "
                                 f"của cơ quan; dùng `bantin sources disable {name!r}` (disable it instead)")
    session.delete(src)
    session.flush()


def seed_if_empty(session: Session, sources_file: Path | None) -> int:
    """On a new database, load the configured (or shipped) sources; returns how many were added."""
    if session.scalar(select(func.count()).select_from(Source)):
        return 0
    specs = load_sources_file(sources_file or DEFAULT_SOURCES_FILE)
    for spec in specs:
        upsert(session, spec)
    return len(specs)


def health_rows(session: Session, now: datetime | None = None) -> list[dict[str, Any]]:
    """One row per source: rolled-up health, last success/error, items per day and the 304 ratio (last
    7 days), and ``feed_detail``: each feed's own health, interval, next poll and last error."""
    now = now or utcnow()
    since = now - HEALTH_WINDOW
    items = dict(session.execute(
        select(Article.source_id, func.count()).where(Article.fetched_at >= since).group_by(Article.source_id)
    ).all())
    fetches = dict(session.execute(
        select(FetchLog.source_id, func.count()).where(FetchLog.kind == "feed", FetchLog.at >= since)
        .group_by(FetchLog.source_id)
    ).all())
    not_mod = dict(session.execute(
        select(FetchLog.source_id, func.count())
        .where(FetchLog.kind == "feed", FetchLog.at >= since, FetchLog.outcome == "not_modified")
        .group_by(FetchLog.source_id)
    ).all())
    rows = []
    for src in session.scalars(select(Source).order_by(Source.name)):
        n = fetches.get(src.id, 0)
        feeds = sorted(src.feeds, key=lambda f: f.id)
        rows.append({
            "name": src.name, "health": rolled_up_health([f.health for f in feeds]) if feeds else src.health,
            "enabled": src.enabled, "feeds": len(feeds), "poll_interval_s": src.poll_interval_s,
            "last_success_at": src.last_success_at, "last_error_at": src.last_error_at,
            "last_error": src.last_error, "items_per_day": items.get(src.id, 0) / HEALTH_WINDOW.days,
            "fetches": n, "not_modified_ratio": (not_mod.get(src.id, 0) / n) if n else None,
            "next_poll_at": src.next_poll_at, "feed_detail": [_feed_row(f) for f in feeds],
        })
    return rows


def _feed_row(feed: Feed) -> dict[str, Any]:
    """One feed's own schedule and health, for the per-feed detail of `sources check`."""
    return {"url": feed.url, "health": feed.health, "poll_interval_s": feed.poll_interval_s,
            "next_poll_at": feed.next_poll_at, "consecutive_failures": feed.consecutive_failures,
            "last_success_at": feed.last_success_at, "last_new_item_at": feed.last_new_item_at,
            "last_error_at": feed.last_error_at, "last_error": feed.last_error, "last_status": feed.last_status}
