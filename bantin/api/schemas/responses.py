"""Response cases and tracked originals: Create / Public schemas (bounds from bantin.responses)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from bantin.responses.cases import MAX_OUTLET_CHARS, MAX_SUMMARY_CHARS
from bantin.store.schema import URL_MAX

Channel = Literal["email", "phone", "letter", "web_form", "meeting", "other"]
Url = Annotated[str, Field(min_length=8, max_length=URL_MAX, pattern=r"^[Hh][Tt][Tt][Pp][Ss]?://\S+$")]
Outlet = Annotated[str, Field(min_length=1, max_length=MAX_OUTLET_CHARS)]
Summary = Annotated[str | None, Field(default=None, max_length=MAX_SUMMARY_CHARS)]


class PublishedCreate(BaseModel):
    """A response the office published: where, by which outlet, when."""

    kind: Literal["published"]
    url: Url
    outlet: Outlet
    at: AwareDatetime
    summary: Summary = None
    mark_responded: bool = Field(default=False, description="move the story to `responded`")


class CorrectionRequestCreate(BaseModel):
    """A correction the office asked an outlet for: whom, through which channel, when."""

    kind: Literal["correction_request"]
    outlet: Outlet
    channel: Channel
    at: AwareDatetime
    summary: Summary = None


ResponseCreate = Annotated[PublishedCreate | CorrectionRequestCreate, Field(discriminator="kind")]


class ResponsePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    story_id: int
    kind: str
    url: str | None
    outlet: str | None
    channel: str | None
    at: datetime | None
    summary: str | None
    created_by: int | None
    created_at: datetime


class TrackingCreate(BaseModel):
    url: Url | None = Field(default=None, description="the page to watch; default: the story's origin article")


class CheckPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    http_status: int | None
    outcome: str
    diff: str | None
    error: str | None


class TrackedPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    story_id: int
    article_id: int | None
    url: str
    status: str
    active: bool
    interval_s: int
    next_check_at: datetime | None
    last_checked_at: datetime | None
    created_at: datetime
    checks: list[CheckPublic] = Field(default_factory=list, description="latest first")
