"""The query parameters of the story list, parsed once for GET /stories and GET /exports/stories.*.

``StoryFiltersDep`` declares the parameters (state, owner with "me"/"none", priority, topic, relevance,
source_id, language, from, to, date_field, overdue), checks them (422 before any output) and gives the
``queue.listing.StoryFilters`` that ``story_query`` turns into the SELECT both routes read.
:func:`parse_filters` is the checking part, also used by GET /stories/counts (a subset of the parameters).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field

from bantin.api.deps import CurrentUser, principal_of
from bantin.api.schemas.stories import MAX_INT_ID, IntId, Priority, Relevance, State
from bantin.queue.listing import StoryFilters

# A filter lists a few values (states, topics, outlets); more is not a filter but a mistake or an attack.
MAX_FILTER_VALUES = 50
# Topic keys and language codes are short identifiers.
MAX_VALUE_CHARS = 50
# owner is an id, "me" or "none".
MAX_OWNER_CHARS = 20

OwnerQ = Annotated[str | None, Query(max_length=MAX_OWNER_CHARS)]
PriorityQ = Annotated[list[Priority] | None, Query()]
TopicQ = Annotated[list[str] | None, Query()]
RelevanceQ = Annotated[list[Relevance] | None, Query()]
SourceQ = Annotated[list[IntId] | None, Query()]
LanguageQ = Annotated[list[str] | None, Query()]


def parse_filters(me: CurrentUser, state: list[State] | None, owner: str | None, priority: list[Priority] | None,
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


class StoryQuery(BaseModel):
    """The list's filters as one query model: FastAPI validates them in one pydantic call, not one apiece."""

    state: list[State] | None = None
    owner: str | None = Field(None, max_length=MAX_OWNER_CHARS)
    priority: list[Priority] | None = None
    topic: list[str] | None = None
    relevance: list[Relevance] | None = None
    source_id: list[IntId] | None = None
    language: list[str] | None = None
    date_from: datetime | None = Field(None, alias="from")
    date_to: datetime | None = Field(None, alias="to")
    date_field: Literal["latest_published_at", "created_at"] = "latest_published_at"
    overdue: bool = False


async def story_filters(request: Request, q: Annotated[StoryQuery, Query()]) -> StoryFilters:
    """The filters of a guarded route (its RoleGuard has set the caller: ``principal_of``)."""
    return parse_filters(principal_of(request), q.state, q.owner, q.priority, q.topic, q.relevance, q.source_id, q.language,
                         q.date_from, q.date_to, q.date_field, q.overdue)


StoryFiltersDep = Annotated[StoryFilters, Depends(story_filters)]
