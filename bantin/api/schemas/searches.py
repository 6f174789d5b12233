"""Saved searches: a name, a full-text query and filters, one user's own."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bantin.search.query import MAX_QUERY_CHARS

# A name shown in a menu.
MAX_NAME_CHARS = 200
# Language codes are short ("vi", "en", "other").
MAX_LANGUAGE_CHARS = 10
# Topic keys of the taxonomy are short snake_case words.
MAX_TOPIC_CHARS = 50

Relevance = Literal["primary", "mention", "none"]


class SearchFilters(BaseModel):
    """The filters of ``GET /articles`` besides the query (the same names)."""

    topic: str | None = Field(default=None, max_length=MAX_TOPIC_CHARS)
    relevance: Relevance | None = None
    source_id: int | None = Field(default=None, ge=1)
    language: str | None = Field(default=None, max_length=MAX_LANGUAGE_CHARS)
    published_from: datetime | None = Field(default=None, alias="from")
    published_to: datetime | None = Field(default=None, alias="to")
    cluster_id: int | None = Field(default=None, ge=1)

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class SavedSearchCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=MAX_NAME_CHARS)
    q: str | None = Field(default=None, max_length=MAX_QUERY_CHARS)
    filters: SearchFilters = Field(default_factory=SearchFilters)


class SavedSearchUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=MAX_NAME_CHARS)
    q: str | None = Field(default=None, max_length=MAX_QUERY_CHARS)
    filters: SearchFilters | None = None


class SavedSearchPublic(BaseModel):
    id: int
    user_id: int
    name: str
    q: str | None
    filters: dict[str, object]
    created_at: datetime
