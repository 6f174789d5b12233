"""Reading the review queue: the filtered list, counts per state, one story, its history (viewer).

Principle 3 (docs/principles.md): every read writes its audit row and commits it before any output; a
read that cannot be recorded is not answered.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import Response
from sqlalchemy import Select, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from bantin.api.deps import CtxDep, CurrentUser, ctx_of, principal_of
from bantin.api.listing.jsonpage import page_response
from bantin.api.listing.pagination import DEFAULT_LIMIT, CursorQ, LimitQ, Page, decode_cursor, encode_cursor
from bantin.api.listing.story_params import (
    LanguageQ,
    OwnerQ,
    PriorityQ,
    RelevanceQ,
    SourceQ,
    StoryFiltersDep,
    TopicQ,
    parse_filters,
)
from bantin.api.listing.story_views import LIST_COLUMNS, NOT_FOUND, history, story_detail, story_row_fields
from bantin.api.roles import Principal, requires
from bantin.api.schemas.stories import (
    MAX_ID,
    StoryCounts,
    StoryDetail,
    StoryEventPublic,
    StoryPublic,
)
from bantin.app import audit
from bantin.app.context import AppContext
from bantin.queue.listing import StoryFilters, story_counts, story_query
from bantin.store.office import Story
from bantin.store.types import utcnow

router = APIRouter(prefix="/stories", tags=["stories"])
# Page statements kept built: the filter sets an office repeats (each list refreshed); one not in the cache
# (or with the overdue filter, which holds the time) is built as before.
STATEMENT_CACHE = 512
StoryId = Annotated[int, Path(ge=1, le=MAX_ID)]

@router.get("", response_model=Page[StoryPublic], dependencies=[requires("viewer")])
async def list_stories(request: Request, f: StoryFiltersDep, limit: LimitQ = DEFAULT_LIMIT,
                       cursor: CursorQ = None) -> Response:
    """Stories newest first (most recently entered the queue), filtered; audited before the answer."""
    ctx, me = ctx_of(request), principal_of(request)  # the guard's caller: no dependency of their own
    key = decode_cursor(cursor, 1)
    if key is not None:
        if type(key[0]) is not int or not 1 <= key[0] <= MAX_ID:
            raise HTTPException(422, "cursor không hợp lệ (invalid cursor)")
        f = StoryFilters(**{**f.__dict__, "before_id": key[0]})
    # the audit row and the read in one hand-off to the thread pool; the bytes are made there too
    return await run_in_threadpool(_stories_page, ctx, me, f, limit)


def _stories_page(ctx: AppContext, me: Principal, f: StoryFilters, limit: int) -> Response:
    now = utcnow()
    audit.record_read(ctx.sessions, me.actor, "queue.read", audit_target="queue", filters=f.for_audit(),
                      limit=limit)  # the record first (principle 3)
    with ctx.read_sessions() as r:  # the answer: a read that holds no write lock (SQLite)
        # Core rows on the session's connection (its transaction): no ORM loading step per row
        stmt = _page_statement(f, limit + 1) if not f.overdue else _build_page(f, limit + 1, now)
        rows = r.connection().execute(stmt).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return page_response([story_row_fields(r, now) for r in rows],
                         encode_cursor(rows[-1].id) if more and rows else None)


def _build_page(f: StoryFilters, limit: int, now: datetime) -> Select[Any]:
    return story_query(f, now).with_only_columns(*LIST_COLUMNS).limit(limit)


@lru_cache(maxsize=STATEMENT_CACHE)
def _page_statement(f: StoryFilters, limit: int) -> Select[Any]:
    """A page's SELECT without the overdue filter (the one that depends on the time), built once per
    distinct request (filters, cursor, limit) and reused: statements are immutable and keep their cache key."""
    return _build_page(f, limit, utcnow())  # the time is not in a statement without the overdue filter


@router.get("/counts", response_model=StoryCounts, dependencies=[requires("viewer")])
def counts(
    ctx: CtxDep, me: CurrentUser,
    owner: OwnerQ = None, priority: PriorityQ = None, topic: TopicQ = None, relevance: RelevanceQ = None,
    source_id: SourceQ = None, language: LanguageQ = None,
) -> StoryCounts:
    """Stories per state and overdue ones (the other filters apply); audited as a queue read."""
    f = parse_filters(me, None, owner, priority, topic, relevance, source_id, language, None, None,
                      "latest_published_at", False)
    audit.record_read(ctx.sessions, me.actor, "queue.read", audit_target="queue", counts=True,
                      filters=f.for_audit())
    with ctx.read_sessions() as r:
        per_state, overdue = story_counts(r, f, utcnow())
    return StoryCounts(states=per_state, overdue=overdue, total=sum(per_state.values()))


def _story(r: Session, story_id: int) -> Story:
    story = r.scalar(select(Story).where(Story.id == story_id))
    if story is None:
        raise HTTPException(404, NOT_FOUND)
    return story


@router.get("/{story_id}", response_model=StoryDetail, dependencies=[requires("viewer")])
def get_story(story_id: StoryId, ctx: CtxDep, me: CurrentUser) -> StoryDetail:
    """The story, its copies and timeline, the origin's text, topics and places, notes and history."""
    audit.record_read(ctx.sessions, me.actor, "story.read", audit_target=f"story:{story_id}")
    with ctx.read_sessions() as r:
        return story_detail(r, _story(r, story_id), utcnow())


@router.get("/{story_id}/history", response_model=list[StoryEventPublic], dependencies=[requires("viewer")])
def get_history(story_id: StoryId, ctx: CtxDep, me: CurrentUser) -> list[StoryEventPublic]:
    """Every change of the story, oldest first: who, when, what."""
    audit.record_read(ctx.sessions, me.actor, "story.history", audit_target=f"story:{story_id}")
    with ctx.read_sessions() as r:
        return history(r, _story(r, story_id).id)
