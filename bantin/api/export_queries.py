"""The rows of the article and story exports, read in keyset batches (never the whole result at once).

MERGE NOTE (lead): these filters are a small local stand-in. At merge, build the WHERE clauses from the
shared builders instead — ``bantin.search.listing.article_query(filters)`` in ``article_rows`` and
``bantin.queue.listing.story_query(filters, now)`` in ``story_rows`` — so an export lists exactly what
GET /articles and GET /stories list; keep the keyset loop (``id > last ORDER BY id LIMIT EXPORT_BATCH``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, sessionmaker

from bantin.reports.days import MAX_DAY, MIN_DAY, VN_TZ, day_bounds
from bantin.store.office import Story
from bantin.store.schema import Article, Classification, Source

# Rows per keyset batch: one round trip per thousand rows, a few MB of memory at most.
EXPORT_BATCH = 1000

ARTICLE_COLUMNS = ("id", "published", "source", "language", "relevance", "topic", "title", "summary", "url",
                   "cluster_id")
STORY_COLUMNS = ("id", "state", "priority", "title", "topic", "relevance", "copies", "outlets", "languages",
                 "first_published", "latest_published", "due", "created", "updated", "dismissed_reason")


@dataclass(frozen=True)
class ArticleFilters:
    source_id: int | None = None
    language: str | None = None
    relevance: str | None = None
    topic: str | None = None
    frm: date | None = None
    to: date | None = None

    def shown(self) -> dict[str, Any]:
        """The filters as the audit row records them (``from`` as the API spells it)."""
        return {("from" if k == "frm" else k): v for k, v in asdict(self).items()}


@dataclass(frozen=True)
class StoryFilters:
    state: str | None = None
    priority: str | None = None
    relevance: str | None = None
    topic: str | None = None
    frm: date | None = None  # by the story's creation day (Vietnam)
    to: date | None = None

    def shown(self) -> dict[str, Any]:
        """The filters as the audit row records them (``from`` as the API spells it)."""
        return {("from" if k == "frm" else k): v for k, v in asdict(self).items()}


def _local(value: Any) -> Any:
    return value.astimezone(VN_TZ) if value is not None else None


def _day_filter(q: Any, column: Any, frm: date | None, to: date | None) -> Any:
    if frm is None and to is None:
        return q
    start, end = day_bounds(frm or MIN_DAY, to or MAX_DAY)
    return q.where(column >= start, column < end)


def article_select(f: ArticleFilters) -> Select[Any]:
    q: Any = (select(Article.id, Article.published_at, Source.name, Article.language, Classification.relevance,
                Classification.top_topic, Article.title, Article.summary, Article.canonical_url, Article.cluster_id)
         .outerjoin(Source, Source.id == Article.source_id)
         .outerjoin(Classification, Classification.article_id == Article.id))
    if f.source_id is not None:
        q = q.where(Article.source_id == f.source_id)
    if f.language is not None:
        q = q.where(Article.language == f.language)
    if f.relevance is not None:
        q = q.where(Classification.relevance == f.relevance)
    if f.topic is not None:
        q = q.where(Classification.top_topic == f.topic)
    return _day_filter(q, Article.published_at, f.frm, f.to)


def story_select(f: StoryFilters) -> Select[Any]:
    q: Any = select(Story.id, Story.state, Story.priority, Story.title, Story.topic, Story.relevance, Story.copies,
               Story.outlets, Story.languages, Story.first_published_at, Story.latest_published_at, Story.due_at,
               Story.created_at, Story.updated_at, Story.dismissed_reason)
    for column, value in ((Story.state, f.state), (Story.priority, f.priority), (Story.relevance, f.relevance),
                          (Story.topic, f.topic)):
        if value is not None:
            q = q.where(column == value)
    return _day_filter(q, Story.created_at, f.frm, f.to)


def _keyset(read_sessions: sessionmaker[Session], q: Select[Any], id_column: Any) -> Iterator[Any]:
    """Rows of ``q`` in id order, EXPORT_BATCH at a time, in one read transaction (one snapshot)."""
    with read_sessions() as s:
        last: int | None = None
        while True:
            page = q if last is None else q.where(id_column > last)
            rows = s.execute(page.order_by(id_column).limit(EXPORT_BATCH)).all()
            yield from rows
            if len(rows) < EXPORT_BATCH:
                return
            last = rows[-1][0]


def _joined(raw: str | None) -> str:
    try:
        return "; ".join(str(x) for x in json.loads(raw or "[]"))
    except ValueError:
        return raw or ""


def article_rows(read_sessions: sessionmaker[Session], f: ArticleFilters) -> Iterator[tuple[Any, ...]]:
    for r in _keyset(read_sessions, article_select(f), Article.id):
        yield (r[0], _local(r[1]), *r[2:])


def story_rows(read_sessions: sessionmaker[Session], f: StoryFilters) -> Iterator[tuple[Any, ...]]:
    for r in _keyset(read_sessions, story_select(f), Story.id):
        yield (*r[:7], _joined(r[7]), _joined(r[8]), *(_local(v) for v in r[9:14]), r[14])
