"""Stories of the review queue: the public view, the detail view, updates, bulk actions, notes, counts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field

from bantin.queue.actions import MAX_NOTE_CHARS

State = Literal["new", "triaged", "assigned", "responding", "responded", "dismissed"]
Priority = Literal["low", "normal", "high", "urgent"]
Relevance = Literal["primary", "mention", "none"]
# Row ids are 64-bit (BIGINT on PostgreSQL): a larger number names nothing and must not reach the driver.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# Users, sources, rules and saved searches have 32-bit ids (INTEGER on PostgreSQL).
MAX_INT_ID = 2**31 - 1
IntId = Annotated[int, Field(ge=1, le=MAX_INT_ID)]


def _no_nul(value: str) -> str:
    if "\x00" in value:  # PostgreSQL text cannot hold NUL: refuse it here, not with a driver error
        raise ValueError("không được chứa ký tự NUL (must not contain NUL characters)")
    return value


PlainText = Annotated[str, AfterValidator(_no_nul)]
# A bulk action touches at most this many stories: one page of the queue (pagination.MAX_LIMIT).
MAX_BULK_IDS = 200
# A reason is a sentence or a short paragraph, not a document (notes hold the long texts).
MAX_REASON_CHARS = 2000


class StoryPublic(BaseModel):
    id: int
    cluster_id: int | None
    origin_article_id: int | None
    title: str | None
    state: str
    priority: str
    owner_id: int | None
    due_at: datetime | None
    overdue: bool
    dismissed_reason: str | None
    relevance: str | None
    topic: str | None
    copies: int
    outlets: list[str]
    languages: list[str]
    foreign_outlets: int
    first_published_at: datetime | None
    latest_published_at: datetime | None
    entered_by: str
    created_at: datetime
    updated_at: datetime
    version: int


class StoryCopy(BaseModel):
    article_id: int
    source_id: int | None
    outlet: str | None
    url: str
    published_at: datetime | None
    language: str | None
    title: str | None
    relevance: str | None


class Place(BaseModel):
    name: str
    kind: str | None = None
    province: str | None = None
    count: int | None = None


class Origin(BaseModel):
    article_id: int
    title: str | None
    text: str
    url: str
    topics: dict[str, float]
    relevance: str | None
    relevance_score: float | None
    places: list[Place]


class StoryEventPublic(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    from_state: str | None
    to_state: str | None
    detail: dict[str, Any] | None


class NotePublic(BaseModel):
    id: int
    user_id: int | None
    text: str
    created_at: datetime


class StoryDetail(BaseModel):
    story: StoryPublic
    copies: list[StoryCopy]  # by article id
    timeline: list[StoryCopy]  # by publication time (undated copies last)
    origin: Origin | None
    notes: list[NotePublic]
    history: list[StoryEventPublic]


class _StoryChange(BaseModel):
    """The fields a reviewer may change, shared by one story's update and the bulk action."""

    state: State | None = None
    owner_id: IntId | None = None
    priority: Priority | None = None
    due_at: datetime | None = None
    dismissed_reason: PlainText | None = Field(default=None, max_length=MAX_REASON_CHARS)
    reason: PlainText | None = Field(default=None, max_length=MAX_REASON_CHARS)


class StoryUpdate(_StoryChange):
    """A change to a story; ``version`` is the version it was read at (a stale one gets 409). Leaving a
    field out leaves it as it is; ``owner_id: null`` / ``due_at: null`` clear them."""

    version: int = Field(ge=1)


class BulkAction(_StoryChange):
    """One change applied to each story of ``ids`` (at its current version)."""

    ids: list[Id] = Field(min_length=1, max_length=MAX_BULK_IDS)


class BulkItem(BaseModel):
    id: int
    status: int  # 200 | 404 | 409 | 422, as the single-story route would answer
    detail: str | None = None
    version: int | None = None


class BulkResult(BaseModel):
    items: list[BulkItem]


class AssignToMe(BaseModel):
    version: int | None = Field(default=None, ge=1)


class NoteCreate(BaseModel):
    text: PlainText = Field(min_length=1, max_length=MAX_NOTE_CHARS)


class StoryCounts(BaseModel):
    states: dict[str, int]
    overdue: int
    total: int
