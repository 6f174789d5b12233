"""Queue rules and response times (admin)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from bantin.api.schemas.stories import IntId, PlainText, Priority, Relevance
from bantin.queue.due import MAX_RESPONSE_HOURS

# A rule lists a handful of topics, outlets or languages; hundreds would be a different rule.
MAX_RULE_ITEMS = 100
# Topic keys and language codes are short identifiers (classifications.top_topic is 50 characters).
MAX_KEY_CHARS = 50

Key = Annotated[PlainText, Field(min_length=1, max_length=MAX_KEY_CHARS)]


def _mention() -> list[Relevance]:
    return ["mention"]


class RuleBase(BaseModel):
    relevance: list[Relevance] = Field(default_factory=_mention, max_length=3)
    topics: list[Key] = Field(default_factory=list, max_length=MAX_RULE_ITEMS)
    source_ids: list[IntId] = Field(default_factory=list, max_length=MAX_RULE_ITEMS)
    languages: list[Key] = Field(default_factory=list, max_length=MAX_RULE_ITEMS)
    saved_search_id: IntId | None = None
    priority: Priority = "normal"
    enabled: bool = True


class RuleCreate(RuleBase):
    name: PlainText = Field(min_length=1, max_length=200)


class RuleUpdate(BaseModel):
    name: PlainText | None = Field(default=None, min_length=1, max_length=200)
    relevance: list[Relevance] | None = Field(default=None, max_length=3)
    topics: list[Key] | None = Field(default=None, max_length=MAX_RULE_ITEMS)
    source_ids: list[IntId] | None = Field(default=None, max_length=MAX_RULE_ITEMS)
    languages: list[Key] | None = Field(default=None, max_length=MAX_RULE_ITEMS)
    saved_search_id: IntId | None = None
    priority: Priority | None = None
    enabled: bool | None = None


class RulePublic(RuleBase):
    id: int
    name: str
    created_by: str
    created_at: datetime


class ResponseTimePublic(BaseModel):
    priority: str
    hours: int
    default: bool  # true: no row in the table, the built-in default applies


class ResponseTimeSet(BaseModel):
    hours: int = Field(ge=1, le=MAX_RESPONSE_HOURS)

