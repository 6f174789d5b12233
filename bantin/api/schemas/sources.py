"""Sources over the API: the health table (as `bantin sources check`), adding by URL, changing one."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from bantin.app.settings import DEFAULT_POLL_MAX_S, DEFAULT_POLL_MIN_S
from bantin.store.schema import URL_MAX

# Source.name is a String(200) column.
MAX_SOURCE_NAME_CHARS = 200
# No control characters in what is stored and shown (PostgreSQL refuses NUL in text outright).
PRINTABLE = r"^[^\x00-\x1f\x7f]*$"
# A name is trimmed; one of only spaces is no name.
SourceName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_SOURCE_NAME_CHARS,
                                              pattern=PRINTABLE)]


class FeedHealth(BaseModel):
    url: str
    health: str
    poll_interval_s: int | None
    next_poll_at: datetime | None
    consecutive_failures: int
    last_success_at: datetime | None
    last_new_item_at: datetime | None
    last_error_at: datetime | None
    last_error: str | None
    last_status: int | None


class SourcePublic(BaseModel):
    id: int
    name: str
    kind: str
    enabled: bool
    health: str  # rolled up from the feeds: new | ok | quiet | failing | dead
    poll_interval_s: int | None
    last_success_at: datetime | None
    last_error_at: datetime | None
    last_error: str | None
    items_per_day: float  # last 7 days
    fetches: int
    not_modified_ratio: float | None
    next_poll_at: datetime | None
    feeds: list[FeedHealth]


class SourceCreate(BaseModel):
    url: str = Field(min_length=8, max_length=URL_MAX, pattern=PRINTABLE,
                     description="a feed URL, or a home page to discover feeds on")
    name: SourceName | None = None


class SourceAdded(BaseModel):
    source: SourcePublic
    new_feeds: list[str]
    known_feeds: list[str]  # already stored (for this source or another), left as they were


class SourceUpdate(BaseModel):
    enabled: bool | None = None
    name: SourceName | None = None
    poll_minutes: int | None = Field(default=None, ge=DEFAULT_POLL_MIN_S // 60, le=DEFAULT_POLL_MAX_S // 60,
                                     description="the feeds' starting poll interval (it then adapts per feed)")
