"""Tracking a story's original: start (baseline = the stored article text, or a first fetch), stop (never
delete: the checks stay), list. The checks themselves are :mod:`bantin.responses.checks`
(``check_due``, ``check_now``, ``run_tracking``, re-exported here).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bantin.app import audit
from bantin.responses.cases import clean_url
from bantin.responses.checks import CheckResult, check_due, check_now, run_tracking, sessions_of
from bantin.responses.errors import Conflict, FetchFailed, Invalid, NotFound
from bantin.responses.fetching import Fetcher, fetch_pages
from bantin.responses.history import add_event, get_story
from bantin.responses.schedule import EARLY_INTERVAL
from bantin.responses.textdiff import text_hash
from bantin.store.office import TrackedOriginal, TrackingCheck
from bantin.store.schema import Article, ArticleURL
from bantin.store.types import utcnow

__all__ = ["CheckResult", "check_due", "check_now", "list_tracking", "run_tracking", "start_tracking",
           "stop_tracking", "get_tracked", "latest_checks"]

# A story has one origin and a few copies worth watching; more at once is a mistake or a flood.
MAX_ACTIVE_PER_STORY = 10
# Tracked originals listed per story (active first, then newest): stopped ones accumulate over months.
MAX_LISTED = 50
# Latest checks shown per original (about 12 days at 6 h); older checks stay stored.
MAX_CHECKS_LISTED = 50


def _article_for(session: Session, url: str) -> Article | None:
    found = session.scalars(select(Article).where(Article.canonical_url == url)).first()
    if found is None:
        found = session.scalars(select(Article).join(ArticleURL, ArticleURL.article_id == Article.id)
                                .where(ArticleURL.url == url)).first()
    return found


def _baseline_source(session: Session, story_id: int, url: str | None) -> tuple[str, Article | None]:
    story = get_story(session, story_id)
    if url is None:
        article = session.get(Article, story.origin_article_id) if story.origin_article_id else None
        if article is None:
            raise Invalid("câu chuyện chưa có bài gốc (story has no origin article; give a url)")
        return article.canonical_url, article
    url = clean_url(url)
    return url, _article_for(session, url)


def start_tracking(ctx_or_sessions: Any, story_id: int, *, actor: str, url: str | None = None,
                   fetch: Fetcher | None = None, now: datetime | None = None) -> int:
    """Watch the story's origin article (or ``url``) and commit; returns the tracked original's id.

    A stored article's text is the baseline and the first check is due at once (the page may have changed
    since it was stored); otherwise ``fetch`` fetches the page for the baseline, outside any transaction
    (on SQLite a write transaction would hold the crawler's lock meanwhile), and the first check follows
    one interval later."""
    now = now or utcnow()
    sessions = sessions_of(ctx_or_sessions)
    with sessions() as s:
        url, article = _baseline_source(s, story_id, url)
        article_id, baseline = (article.id, article.text) if article is not None else (None, None)
    first_check = now
    if baseline is None:
        if fetch is None:
            raise FetchFailed("không tải được bản gốc (cannot fetch the original: no fetcher)")
        page = fetch_pages(fetch, [url])[url]
        if page.kind != "ok" or page.text is None:
            reason = page.error or f"HTTP {page.http_status}"
            raise FetchFailed(f"không tải được bản gốc (cannot fetch the original): {reason}")
        baseline, first_check = page.text, now + EARLY_INTERVAL
    with sessions() as s:
        story = get_story(s, story_id, for_update=True)  # one start at a time per story (PostgreSQL)
        active = list(s.scalars(select(TrackedOriginal).where(TrackedOriginal.story_id == story.id,
                                                              TrackedOriginal.active.is_(True))))
        if any(t.url == url for t in active):
            raise Conflict("bản gốc này đang được theo dõi (this original is already tracked)")
        if len(active) >= MAX_ACTIVE_PER_STORY:
            raise Conflict(f"quá nhiều bản gốc đang theo dõi (at most {MAX_ACTIVE_PER_STORY} per story)")
        row = TrackedOriginal(story_id=story.id, article_id=article_id, url=url, baseline_text=baseline,
                              last_text_hash=text_hash(baseline), status="tracking", active=True,
                              interval_s=int(EARLY_INTERVAL.total_seconds()), next_check_at=first_check,
                              created_at=now)
        s.add(row)
        s.flush()
        add_event(s, story.id, actor, "tracking", now, event="started", tracked_id=row.id, url=url)
        audit.record(s, actor, "tracking.start", audit_target=f"story:{story.id}", tracked_id=row.id, url=url)
        s.commit()
        return row.id


def get_tracked(session: Session, story_id: int, tracked_id: int) -> TrackedOriginal:
    row = session.get(TrackedOriginal, tracked_id)
    if row is None or row.story_id != story_id:
        raise NotFound(f"không tìm thấy bản gốc theo dõi (tracked original not found): {tracked_id}")
    return row


def stop_tracking(session: Session, story_id: int, tracked_id: int, *, actor: str,
                  now: datetime | None = None) -> TrackedOriginal:
    """Stop checking (``active`` false); the row and its checks stay. Stopping twice changes nothing."""
    now = now or utcnow()
    get_story(session, story_id)
    row = get_tracked(session, story_id, tracked_id)
    if row.active:
        row.active, row.next_check_at = False, None
        add_event(session, story_id, actor, "tracking", now, event="stopped", tracked_id=row.id, url=row.url)
        audit.record(session, actor, "tracking.stop", audit_target=f"story:{story_id}", tracked_id=row.id)
    return row


def list_tracking(session: Session, story_id: int) -> list[tuple[TrackedOriginal, list[TrackingCheck]]]:
    """The story's tracked originals (active first, newest first), each with its latest checks."""
    get_story(session, story_id)
    rows = session.scalars(select(TrackedOriginal).where(TrackedOriginal.story_id == story_id)
                           .order_by(TrackedOriginal.active.desc(), TrackedOriginal.id.desc()).limit(MAX_LISTED))
    return [(row, latest_checks(session, row.id)) for row in rows]


def latest_checks(session: Session, tracked_id: int) -> list[TrackingCheck]:
    """The latest MAX_CHECKS_LISTED checks of a tracked original, newest first."""
    return list(session.scalars(select(TrackingCheck).where(TrackingCheck.tracked_id == tracked_id)
                                .order_by(TrackingCheck.id.desc()).limit(MAX_CHECKS_LISTED)))
