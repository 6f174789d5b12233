"""Articles as the API shows them: list items (with a highlighted snippet for a search) and one article."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class Highlighted(BaseModel):
    """A piece of text and the [start, end) character spans of the query's words in it (diacritics kept)."""

    text: str
    spans: list[tuple[int, int]] = Field(default_factory=list)


class ArticleItem(BaseModel):
    id: int
    title: str | None
    summary: str | None  # the summary (or the text's start), cut to a list's length
    url: str
    source: str | None
    published_at: datetime | None
    language: str | None
    relevance: str | None
    top_topic: str | None
    cluster_id: int | None
    title_spans: list[tuple[int, int]] | None = None  # with q: the query's words in the title
    snippet: Highlighted | None = None  # with q: the text around the first match


class Classified(BaseModel):
    topics: dict[str, float]
    top_topic: str | None
    relevance: str
    relevance_score: float
    province: str
    places: list[Any]  # the places the relevance matcher found (as classify stores them)
    language: str | None
    classified_at: datetime


class ArticleDetail(BaseModel):
    id: int
    title: str | None
    summary: str | None
    text: str
    url: str
    urls: list[str]  # every URL the article was seen at
    source_id: int | None
    source: str | None
    published_at: datetime | None
    fetched_at: datetime
    language: str | None
    credit: str | None  # the publisher credit line ("Theo Báo Nghệ An"): an organisation, never a person
    cluster_id: int | None
    cluster_copies: list[int]  # the other articles of its cluster (syndicated copies)
    classification: Classified | None
