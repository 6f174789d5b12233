"""The query parameters of the article list, parsed once for GET /articles and GET /exports/articles.*.

``ArticleListingDep`` declares the parameters (q, topic, relevance, source_id, language, from, to,
cluster_id, search_id), checks them (422 before any output: ids within their columns' range, times with
a UTC equivalent, no NUL in text a PostgreSQL column would hold) and gives an :class:`ArticleListing`: the
``search.listing.ArticleFilters`` (a saved search's filters under the request's), the parsed full-text query
and what the audit row records. Both routes build their SELECT from it with ``article_query``, so an export
lists exactly the articles the list pages through.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from bantin.api.deps import ctx_of, principal_of
from bantin.api.ids import MAX_INT32_ID, MAX_INT64_ID
from bantin.api.roles import Principal
from bantin.api.schemas.searches import MAX_LANGUAGE_CHARS, MAX_TOPIC_CHARS, Relevance
from bantin.app.context import AppContext
from bantin.classify.topics.taxonomy import TOPIC_KEYS
from bantin.search.listing import ArticleFilters
from bantin.search.query import MAX_QUERY_CHARS, QueryError, parse
from bantin.search.query import Query as SearchQuery
from bantin.search.saved import filters_of
from bantin.store.office import SavedSearch


@dataclass(frozen=True)
class ArticleListing:
    filters: ArticleFilters
    query: SearchQuery
    search_id: int | None = None

    def audit_detail(self) -> dict[str, Any]:
        """What the audit row of a listing (or an export of it) records: the saved search and the filters."""
        saved = {"search_id": self.search_id} if self.search_id is not None else {}
        return {**saved, **self.filters.as_detail()}


def _in_range(value: datetime | None) -> None:
    """Refuse a time that has no UTC equivalent here: at the driver it would be a server error."""
    if value is None:
        return
    try:
        (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    except OverflowError:
        raise HTTPException(422, "thời điểm ngoài phạm vi (time out of range)") from None


def request_filters(q: str | None, topic: str | None, relevance: str | None, source_id: int | None,
                    language: str | None, start: datetime | None, end: datetime | None,
                    cluster_id: int | None) -> ArticleFilters:
    if topic is not None and topic not in TOPIC_KEYS:
        raise HTTPException(422, f"chủ đề không tồn tại (unknown topic) {topic!r}")
    if language is not None and "\x00" in language:  # PostgreSQL text cannot hold NUL (q's parser drops it)
        raise HTTPException(422, "ngôn ngữ không được chứa ký tự NUL (language must not contain NUL characters)")
    _in_range(start)
    _in_range(end)
    return ArticleFilters(q=q, topic=topic, relevance=relevance, source_id=source_id, language=language,
                          published_from=start, published_to=end, cluster_id=cluster_id)


def saved_filters(s: Session, search_id: int, me: Principal) -> ArticleFilters:
    row = s.get(SavedSearch, search_id)
    if row is None or (row.user_id != me.user_id and not me.has("admin")):
        raise HTTPException(404, "không tìm thấy tìm kiếm đã lưu (saved search not found)")
    return filters_of(row.query, row.filters)


def merged(base: ArticleFilters, over: ArticleFilters) -> ArticleFilters:
    """``over``'s set fields on top of ``base`` (a request's parameters refine a saved search)."""
    return ArticleFilters(**{**base.__dict__, **over.as_detail()})


def _saved_filters(ctx: AppContext, search_id: int, me: Principal) -> ArticleFilters:
    with ctx.read_sessions() as rs:  # its own short read: an export streams long after it
        return saved_filters(rs, search_id, me)


class ArticleQuery(BaseModel):
    """The listing's parameters as one query model: FastAPI validates them in one pydantic call, not one apiece."""

    q: str | None = Field(None, max_length=MAX_QUERY_CHARS,
                          description="words, \"phrases\", OR, -exclusion; diacritics optional")
    topic: str | None = Field(None, max_length=MAX_TOPIC_CHARS)
    relevance: Relevance | None = None
    source_id: int | None = Field(None, ge=1, le=MAX_INT32_ID)
    language: str | None = Field(None, max_length=MAX_LANGUAGE_CHARS)
    published_from: datetime | None = Field(None, alias="from", description="published at or after")
    published_to: datetime | None = Field(None, alias="to", description="published before")
    cluster_id: int | None = Field(None, ge=1, le=MAX_INT64_ID)
    search_id: int | None = Field(None, ge=1, le=MAX_INT32_ID, description="a saved search (its query and filters)")


async def article_listing(  # async: parsing only; a saved search is read in the thread pool
    request: Request, p: Annotated[ArticleQuery, Query()],
) -> ArticleListing:
    """The listing of a guarded route (its RoleGuard has set the caller: ``principal_of``)."""
    ctx, me = ctx_of(request), principal_of(request)
    q, search_id = p.q, p.search_id
    filters = request_filters(q, p.topic, p.relevance, p.source_id, p.language, p.published_from, p.published_to,
                              p.cluster_id)
    if search_id is not None:
        filters = merged(await run_in_threadpool(_saved_filters, ctx, search_id, me), filters)
    try:
        query = parse(filters.q)
    except QueryError as exc:
        raise HTTPException(422, str(exc)) from None
    return ArticleListing(filters=filters, query=query, search_id=search_id)


ArticleListingDep = Annotated[ArticleListing, Depends(article_listing)]
