"""The rows of the article and story exports: the lists' own SELECTs, read in keyset batches.

An export lists exactly what its list pages through: the SELECT comes from the shared builders
(``search.listing.article_query`` as GET /articles uses it, ``queue.listing.story_query`` as GET /stories
does), newest first, and the keyset loop asks for the ids below the last one read, EXPORT_BATCH at a time,
inside one read transaction (one snapshot; memory holds one batch, never the whole result).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session, sessionmaker

from bantin.queue.listing import StoryFilters, story_query
from bantin.reports.days import VN_TZ
from bantin.search.listing import ArticleFilters, article_query
from bantin.search.query import Query
from bantin.store.office import Story

__all__ = ["ARTICLE_COLUMNS", "EXPORT_BATCH", "STORY_COLUMNS", "ArticleFilters", "StoryFilters", "article_rows",
           "story_rows"]

# Rows per keyset batch: one round trip per thousand rows, a few MB of memory at most.
EXPORT_BATCH = 1000

ARTICLE_COLUMNS = ("id", "published", "source", "language", "relevance", "topic", "title", "summary", "url",
                   "cluster_id")
STORY_COLUMNS = ("id", "state", "priority", "title", "topic", "relevance", "copies", "outlets", "languages",
                 "first_published", "latest_published", "due", "created", "updated", "dismissed_reason")
_STORY_SELECTED = (Story.id, Story.state, Story.priority, Story.title, Story.topic, Story.relevance, Story.copies,
                   Story.outlets, Story.languages, Story.first_published_at, Story.latest_published_at,
                   Story.due_at, Story.created_at, Story.updated_at, Story.dismissed_reason)


def _local(value: Any) -> Any:
    return value.astimezone(VN_TZ) if value is not None else None


def _keyset(read_sessions: sessionmaker[Session], page: Callable[[str, int | None], Select[Any]]) -> Iterator[Any]:
    """The rows of ``page(dialect, before_id)`` (newest first), EXPORT_BATCH at a time, in one read transaction."""
    with read_sessions() as s:
        dialect = s.get_bind().dialect.name
        last: int | None = None
        while True:
            rows = s.execute(page(dialect, last).limit(EXPORT_BATCH)).all()
            yield from rows
            if len(rows) < EXPORT_BATCH:
                return
            last = rows[-1].id


def _joined(raw: str | None) -> str:
    try:
        return "; ".join(str(x) for x in json.loads(raw or "[]"))
    except ValueError:
        return raw or ""


def article_rows(read_sessions: sessionmaker[Session], f: ArticleFilters,
                 query: Query | None = None) -> Iterator[tuple[Any, ...]]:
    """The export rows (ARTICLE_COLUMNS) of GET /articles with ``f`` (``query``: ``f.q`` parsed, if it was)."""
    def page(dialect: str, before: int | None) -> Select[Any]:
        return article_query(f, dialect, before_id=before, query=query)

    for r in _keyset(read_sessions, page):
        yield (r.id, _local(r.published_at), r.source_name, r.language, r.relevance, r.top_topic, r.title,
               r.summary, r.url, r.cluster_id)


def story_rows(read_sessions: sessionmaker[Session], f: StoryFilters, now: datetime) -> Iterator[tuple[Any, ...]]:
    """The export rows (STORY_COLUMNS) of GET /stories with ``f`` at ``now`` (what "overdue" is measured by)."""
    def page(_dialect: str, before: int | None) -> Select[Any]:
        q: Any = story_query(replace(f, before_id=before), now)
        return q.with_only_columns(*_STORY_SELECTED)  # type: ignore[no-any-return]

    for r in _keyset(read_sessions, page):
        yield (*r[:7], _joined(r[7]), _joined(r[8]), *(_local(v) for v in r[9:14]), r[14])
