"""Exports (viewer) of the article list and the queue as CSV or XLSX, streamed, audited before the first byte.

GET /exports/articles.{csv,xlsx} and /exports/stories.{csv,xlsx}, with the lists' filters
(``bantin.api.export_queries``; see its merge note). Days are Vietnamese calendar days.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import StreamingResponse

from bantin.api.deps import CtxDep, CurrentUser
from bantin.api.export_queries import (
    ARTICLE_COLUMNS,
    STORY_COLUMNS,
    ArticleFilters,
    StoryFilters,
    article_rows,
    story_rows,
)
from bantin.api.roles import requires
from bantin.api.tabular import audited_export
from bantin.reports.days import MAX_DAY, MIN_DAY, RangeError, day_bounds
from bantin.store.office import PRIORITIES, STORY_STATES

router = APIRouter(prefix="/exports", tags=["exports"])

# the longest language code stored (store/schema.py: String(10)) and topic key (String(50))
MAX_LANGUAGE_CHARS = 10
MAX_TOPIC_CHARS = 50

Fmt = Literal["csv", "xlsx"]
FromQ = Annotated[date | None, Query(alias="from", description="first Vietnamese calendar day")]
ToQ = Annotated[date | None, Query(description="last Vietnamese calendar day, included")]
TopicQ = Annotated[str | None, Query(max_length=MAX_TOPIC_CHARS, description="topic key")]
RelevanceQ = Annotated[Literal["primary", "mention", "none"] | None, Query()]
State = Literal[STORY_STATES]  # type: ignore[valid-type]
Priority = Literal[PRIORITIES]  # type: ignore[valid-type]
RESPONSES = {200: {"content": {"text/csv": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}},
                   "description": "the rows, streamed"}}


def _check(frm: date | None, to: date | None) -> None:
    """Refuse a bad day range here: once the export streams, an error could only cut the file short."""
    try:
        day_bounds(frm or MIN_DAY, to or MAX_DAY)
    except RangeError as exc:
        raise HTTPException(422, str(exc)) from None


@router.get("/articles.{fmt}", response_class=StreamingResponse, responses=RESPONSES,  # type: ignore[arg-type]
            dependencies=[requires("viewer")])
def export_articles(fmt: Fmt, ctx: CtxDep, me: CurrentUser,
                    source_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
                    language: Annotated[str | None, Query(max_length=MAX_LANGUAGE_CHARS)] = None,
                    relevance: RelevanceQ = None, topic: TopicQ = None, frm: FromQ = None,
                    to: ToQ = None) -> StreamingResponse:
    _check(frm, to)
    f = ArticleFilters(source_id=source_id, language=language, relevance=relevance, topic=topic, frm=frm, to=to)
    return audited_export(ctx, me, "articles", f.shown(), article_rows(ctx.read_sessions, f), ARTICLE_COLUMNS, fmt)


@router.get("/stories.{fmt}", response_class=StreamingResponse, responses=RESPONSES,  # type: ignore[arg-type]
            dependencies=[requires("viewer")])
def export_stories(fmt: Fmt, ctx: CtxDep, me: CurrentUser,
                   state: Annotated[State | None, Query()] = None,
                   priority: Annotated[Priority | None, Query()] = None,
                   relevance: RelevanceQ = None, topic: TopicQ = None, frm: FromQ = None,
                   to: ToQ = None) -> StreamingResponse:
    _check(frm, to)
    f = StoryFilters(state=state, priority=priority, relevance=relevance, topic=topic, frm=frm, to=to)
    return audited_export(ctx, me, "stories", f.shown(), story_rows(ctx.read_sessions, f), STORY_COLUMNS, fmt)
