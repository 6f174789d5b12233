"""Reading the review queue: the filtered list, counts per state, one story, its history (viewer).

Principle 3 (docs/principles.md): every read writes its audit row and commits it before any output; a
read that cannot be recorded is not answered.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Query
from sqlalchemy import select
from sqlalchemy.orm import Session

from bantin.api.deps import CtxDep, CurrentUser, SessionDep
from bantin.api.pagination import DEFAULT_LIMIT, CursorQ, LimitQ, Page, decode_cursor, encode_cursor
from bantin.api.roles import requires
from bantin.api.schemas.stories import (
    MAX_ID,
    MAX_INT_ID,
    IntId,
    Priority,
    Relevance,
    State,
    StoryCounts,
    StoryDetail,
    StoryEventPublic,
    StoryPublic,
)
from bantin.api.story_views import NOT_FOUND, history, story_detail, story_public
from bantin.app import audit
from bantin.queue.listing import StoryFilters, story_counts, story_query
from bantin.store.office import Story
from bantin.store.types import utcnow

router = APIRouter(prefix="/stories", tags=["stories"])
StoryId = Annotated[int, Path(ge=1, le=MAX_ID)]

# A filter lists a few values (states, topics, outlets); more is not a filter but a mistake or an attack.
MAX_FILTER_VALUES = 50
# Topic keys and language codes are short identifiers.
MAX_VALUE_CHARS = 50
# owner is an id, "me" or "none".
MAX_OWNER_CHARS = 20

def _filters(me: CurrentUser, state: list[State] | None, owner: str | None, priority: list[Priority] | None,
             topic: list[str] | None, relevance: list[Relevance] | None, source_id: list[IntId] | None,
             language: list[str] | None, date_from: datetime | None, date_to: datetime | None,
             date_field: str, overdue: bool) -> StoryFilters:
    lists = (state, priority, topic, relevance, source_id, language)
    if any(len(v or ()) > MAX_FILTER_VALUES for v in lists):
        raise HTTPException(422, f"tối đa {MAX_FILTER_VALUES} giá trị mỗi bộ lọc (at most {MAX_FILTER_VALUES} "
                                 "values per filter)")
    texts = (*(topic or ()), *(language or ()), owner or "")
    if any(len(v) > MAX_VALUE_CHARS or "\x00" in v for v in texts):
        raise HTTPException(422, f"giá trị lọc quá dài hoặc có ký tự NUL (filter values have at most "
                                 f"{MAX_VALUE_CHARS} characters and no NUL)")
    owner_id, unowned = None, False
    if owner == "me":
        owner_id = me.user_id
    elif owner == "none":
        unowned = True
    elif owner is not None:
        if not (owner.isascii() and owner.isdigit()) or int(owner) > MAX_INT_ID:
            raise HTTPException(422, 'owner phải là số, "me" hoặc "none" (owner is an id, "me" or "none")')
        owner_id = int(owner)
    return StoryFilters(states=tuple(state or ()), owner_id=owner_id, unowned=unowned,
                        priorities=tuple(priority or ()), topics=tuple(topic or ()),
                        relevance=tuple(relevance or ()), source_ids=tuple(source_id or ()),
                        languages=tuple(language or ()), date_from=_utc(date_from), date_to=_utc(date_to),
                        date_field=date_field, overdue=overdue)


def _utc(value: datetime | None) -> datetime | None:
    """A filter's time in UTC (a time without a zone is taken as UTC)."""
    if value is None:
        return None
    try:
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    except OverflowError:
        raise HTTPException(422, "thời điểm ngoài phạm vi (time out of range)") from None


@router.get("", response_model=Page[StoryPublic], dependencies=[requires("viewer")])
def list_stories(
    s: SessionDep, ctx: CtxDep, me: CurrentUser,
    state: Annotated[list[State] | None, Query()] = None,
    owner: Annotated[str | None, Query(max_length=MAX_OWNER_CHARS)] = None,
    priority: Annotated[list[Priority] | None, Query()] = None,
    topic: Annotated[list[str] | None, Query()] = None,
    relevance: Annotated[list[Relevance] | None, Query()] = None,
    source_id: Annotated[list[IntId] | None, Query()] = None,
    language: Annotated[list[str] | None, Query()] = None,
    date_from: Annotated[datetime | None, Query(alias="from")] = None,
    date_to: Annotated[datetime | None, Query(alias="to")] = None,
    date_field: Literal["latest_published_at", "created_at"] = "latest_published_at",
    overdue: bool = False,
    limit: LimitQ = DEFAULT_LIMIT,
    cursor: CursorQ = None,
) -> Page[StoryPublic]:
    """Stories newest first (most recently entered the queue), filtered; audited before the answer."""
    f = _filters(me, state, owner, priority, topic, relevance, source_id, language, date_from, date_to,
                 date_field, overdue)
    key = decode_cursor(cursor, 1)
    if key is not None:
        if type(key[0]) is not int or not 1 <= key[0] <= MAX_ID:
            raise HTTPException(422, "cursor không hợp lệ (invalid cursor)")
        f = StoryFilters(**{**f.__dict__, "before_id": key[0]})
    now = utcnow()
    audit.record(s, me.actor, "queue.read", audit_target="queue", filters=f.for_audit(), limit=limit)
    s.commit()  # the record first (principle 3)
    with ctx.read_sessions() as r:  # the answer: a read that holds no write lock (SQLite)
        rows = list(r.scalars(story_query(f, now).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page[StoryPublic](items=[story_public(r, now) for r in rows],
                             next_cursor=encode_cursor(rows[-1].id) if more and rows else None)


@router.get("/counts", response_model=StoryCounts, dependencies=[requires("viewer")])
def counts(
    s: SessionDep, ctx: CtxDep, me: CurrentUser,
    owner: Annotated[str | None, Query(max_length=MAX_OWNER_CHARS)] = None,
    priority: Annotated[list[Priority] | None, Query()] = None,
    topic: Annotated[list[str] | None, Query()] = None,
    relevance: Annotated[list[Relevance] | None, Query()] = None,
    source_id: Annotated[list[IntId] | None, Query()] = None,
    language: Annotated[list[str] | None, Query()] = None,
) -> StoryCounts:
    """Stories per state and overdue ones (the other filters apply); audited as a queue read."""
    f = _filters(me, None, owner, priority, topic, relevance, source_id, language, None, None,
                 "latest_published_at", False)
    audit.record(s, me.actor, "queue.read", audit_target="queue", counts=True, filters=f.for_audit())
    s.commit()
    with ctx.read_sessions() as r:
        per_state, overdue = story_counts(r, f, utcnow())
    return StoryCounts(states=per_state, overdue=overdue, total=sum(per_state.values()))


def _story(r: Session, story_id: int) -> Story:
    story = r.scalar(select(Story).where(Story.id == story_id))
    if story is None:
        raise HTTPException(404, NOT_FOUND)
    return story


@router.get("/{story_id}", response_model=StoryDetail, dependencies=[requires("viewer")])
def get_story(story_id: StoryId, s: SessionDep, ctx: CtxDep, me: CurrentUser) -> StoryDetail:
    """The story, its copies and timeline, the origin's text, topics and places, notes and history."""
    audit.record(s, me.actor, "story.read", audit_target=f"story:{story_id}")
    s.commit()
    with ctx.read_sessions() as r:
        return story_detail(r, _story(r, story_id), utcnow())


@router.get("/{story_id}/history", response_model=list[StoryEventPublic], dependencies=[requires("viewer")])
def get_history(story_id: StoryId, s: SessionDep, ctx: CtxDep, me: CurrentUser) -> list[StoryEventPublic]:
    """Every change of the story, oldest first: who, when, what."""
    audit.record(s, me.actor, "story.history", audit_target=f"story:{story_id}")
    s.commit()
    with ctx.read_sessions() as r:
        return history(r, _story(r, story_id).id)
