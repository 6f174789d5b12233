"""Exports (viewer) of the article list and the queue as CSV or XLSX, streamed, audited before the first byte.

GET /exports/articles.{csv,xlsx} takes exactly the parameters of GET /articles (``api.article_params``) and
GET /exports/stories.{csv,xlsx} those of GET /stories (``api.story_params``), minus limit and cursor: the
export is every row the list pages through, newest first, from the same SELECT (``api.export_queries``).
The audit row records the filters as the list's own audit row does.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from bantin.api.deps import CtxDep, CurrentUser
from bantin.api.export_queries import ARTICLE_COLUMNS, STORY_COLUMNS, article_rows, story_rows
from bantin.api.listing.article_params import ArticleListingDep
from bantin.api.listing.story_params import StoryFiltersDep
from bantin.api.roles import requires
from bantin.api.tabular import audited_export
from bantin.store.types import utcnow

router = APIRouter(prefix="/exports", tags=["exports"])

Fmt = Literal["csv", "xlsx"]
RESPONSES = {200: {"content": {"text/csv": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}},
                   "description": "the rows, streamed"}}


@router.get("/articles.{fmt}", response_class=StreamingResponse, responses=RESPONSES,  # type: ignore[arg-type]
            dependencies=[requires("viewer")])
def export_articles(fmt: Fmt, ctx: CtxDep, me: CurrentUser, listing: ArticleListingDep) -> StreamingResponse:
    """Xuất danh sách bài báo (the article list with GET /articles' filters, every page)."""
    rows = article_rows(ctx.read_sessions, listing.filters, listing.query)
    return audited_export(ctx, me, "articles", listing.audit_detail(), rows, ARTICLE_COLUMNS, fmt)


@router.get("/stories.{fmt}", response_class=StreamingResponse, responses=RESPONSES,  # type: ignore[arg-type]
            dependencies=[requires("viewer")])
def export_stories(fmt: Fmt, ctx: CtxDep, me: CurrentUser, f: StoryFiltersDep) -> StreamingResponse:
    """Xuất hàng đợi (the queue with GET /stories' filters, every page; "overdue" as of the request)."""
    rows = story_rows(ctx.read_sessions, f, utcnow())
    return audited_export(ctx, me, "stories", f.for_audit(), rows, STORY_COLUMNS, fmt)
