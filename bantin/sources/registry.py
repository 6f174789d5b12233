"""Sources: the shipped default list, sources files, adding by URL (with autodiscovery), health."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bantin.sources.schedule import DEFAULT_POLL_S, rolled_up_health
from bantin.store.schema import Article, Feed, FetchLog, Source
from bantin.store.types import utcnow

DEFAULT_SOURCES_FILE = Path(__file__).with_name("default_sources.toml")
# Health figures look back one week: long enough to smooth weekends, short enough to show a change.
HEALTH_WINDOW = timedelta(days=7)
SOURCE_KINDS = ("feed", "sitemap")


class SourcesFileError(ValueError):
    pass


@dataclass(frozen=True)
class SourceSpec:
    name: str
    feeds: tuple[str, ...]
    home_url: str | None = None
    language: str | None = None
    country: str | None = None
    kind: str = "feed"


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
        specs.append(SourceSpec(name, feeds, _check_url(home, where) if home else None,
                                raw.get("language"), raw.get("country"), kind))
    return specs


def upsert(session: Session, spec: SourceSpec) -> tuple[Source, int]:
    """Create or update a source by name; returns it and how many feed URLs were new."""
    src = session.scalar(select(Source).where(Source.name == spec.name))
    if src is None:
        src = Source(name=spec.name, kind=spec.kind, home_url=spec.home_url, language=spec.language,
                     country=spec.country, enabled=True, poll_interval_s=DEFAULT_POLL_S, health="new",
                     consecutive_failures=0, created_at=utcnow())
        session.add(src)
        session.flush()
    known = set(session.scalars(select(Feed.url)))
    added = 0
    for url in spec.feeds:
        if url not in known:
            session.add(Feed(source_id=src.id, url=url, poll_interval_s=DEFAULT_POLL_S, health="new",
                             consecutive_failures=0, created_at=utcnow()))
            added += 1
    session.flush()
    return src, added


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
