"""The model registry over the API: versions with their scores, promotion, rollback, what to label next."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, model_validator

from bantin.api.ids import MAX_INT32_ID

# A reason is a sentence or two for the audit log; longer belongs in a document.
MAX_REASON_CHARS = 1000


class ModelVersionPublic(BaseModel):
    id: int
    name: str
    version: int
    status: str  # candidate | promoted | retired | rolled_back
    holdout_macro_f1: float | None
    frozen_eval_macro_f1: float | None
    train_rows: int | None
    metrics: dict[str, Any]
    training_data_hash: str
    artifact_sha256: str
    created_at: datetime
    created_by: str
    promoted_at: datetime | None
    promoted_by: str | None
    forced: bool
    notes: str | None


class PromoteRequest(BaseModel):
    version: int | None = Field(default=None, ge=1, le=MAX_INT32_ID, description="default: the newest version")
    force: bool = False
    reason: str | None = Field(default=None, max_length=MAX_REASON_CHARS)

    @model_validator(mode="after")
    def _reason_when_forced(self) -> PromoteRequest:
        if self.force and not (self.reason and self.reason.strip()):
            raise ValueError("force cần reason (a forced promotion needs a reason; it is audited)")
        return self


class PromotionPublic(BaseModel):
    promoted: ModelVersionPublic
    previous: ModelVersionPublic | None
    new_macro_f1: float | None
    previous_macro_f1: float | None
    forced: bool
    reclassify: str | None  # what happens to stored articles' classifications


class RollbackPublic(BaseModel):
    restored: ModelVersionPublic
    rolled_back: ModelVersionPublic
    reclassify: str | None


class TopicScore(BaseModel):
    topic: str
    score: float


class UncertainArticle(BaseModel):
    article_id: int
    title: str | None
    url: str
    margin: float
    top: list[TopicScore]


class UncertainList(BaseModel):
    model: str  # which topic model scored them
    items: list[UncertainArticle]
