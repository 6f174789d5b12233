"""Analysts' labels on an article over the API (who and when are kept on each label)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# Label.value is a String(50) column: a taxonomy key or primary | mention | none.
MAX_LABEL_VALUE_CHARS = 50


class LabelCreate(BaseModel):
    kind: Literal["topic", "relevance"]
    value: str = Field(min_length=1, max_length=MAX_LABEL_VALUE_CHARS)


class LabelPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    article_id: int
    kind: str
    value: str
    province: str | None
    labeller: str
    created_at: datetime


class LabelAdded(BaseModel):
    label: LabelPublic
    created: bool  # False: the same label by the same analyst was already there
    replaced: list[str]  # the analyst's earlier relevance values for this province that this one replaced
