"""The article listing: filters (and a full-text query) → one SELECT, newest stored first (id descending).

Id order is what both indexes give cheaply: FTS5 walks its matches by rowid descending and stops at the
LIMIT (``ORDER BY rowid DESC LIMIT n`` scores nothing), PostgreSQL reads the newest ids through the
primary key and checks them against the GIN-indexed tsvector (or the reverse, for rare words). The
crawler stores articles as they appear, so id order is publication order give or take a poll interval;
an archive import (``bantin articles import``) lists after what was stored before it. The API and the
exports both build their SELECT here (:func:`article_query`).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Integer, Select, cast, column, false, literal_column, select, table
from sqlalchemy.dialects.postgresql import TSQUERY

from bantin.search.query import Query, parse
from bantin.store.schema import Article, Classification, Source
from bantin.store.searchindex import FTS_TABLE, ArticleSearch

_fts = table(FTS_TABLE, column("rowid", Integer))


@dataclass(frozen=True)
class ArticleFilters:
    """What a listing may be narrowed by (every field optional; saved searches store these as JSON)."""

    q: str | None = None
    topic: str | None = None  # classifications.top_topic
    relevance: str | None = None  # primary | mention | none
    source_id: int | None = None
    language: str | None = None
    published_from: datetime | None = None  # inclusive
    published_to: datetime | None = None  # exclusive
    cluster_id: int | None = None

    def as_detail(self) -> dict[str, Any]:
        """The filters that are set (for the audit row and saved searches)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}


def _aware(dt: datetime) -> datetime:
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def _match(expr: str) -> Any:
    return literal_column(FTS_TABLE).op("MATCH")(expr)


def _tsq(expr: str) -> Any:
    return ArticleSearch.doc.op("@@")(cast(expr, TSQUERY))


def article_query(filters: ArticleFilters, dialect: str, *, before_id: int | None = None,
                  limit: int | None = None, with_text: bool = False, query: Query | None = None) -> Select[Any]:
    """The SELECT of the articles matching ``filters`` (newest first, ``id < before_id`` for the next page).

    Columns: id, title, summary, url, source_name, published_at, language, relevance, top_topic,
    cluster_id (and text with ``with_text``). Raises ``search.query.QueryError`` for a query over its bounds;
    a query without any word selects nothing.

    With a ``limit`` (a page), the page's ids are chosen first by a subquery that reads only what the
    filters need (the search index, index entries, the classification's filter columns), and only those
    rows are then read with their text and joins: a filter matching 40,000 of 1,000,000 articles (a month,
    a common topic, a two-word search on PostgreSQL) sorts 40,000 ids, not 40,000 joined article rows
    (docs/benchmarks.md, "API load with 1,000,000 articles": 692 -> ~10 ms for a month on SQLite)."""
    q = query if query is not None else parse(filters.q)
    cols: list[Any] = [Article.id, Article.title, Article.summary, Article.canonical_url.label("url"),
                       Source.name.label("source_name"), Article.published_at, Article.language,
                       Classification.relevance, Classification.top_topic, Article.cluster_id]
    if with_text:
        cols.append(Article.text)
    if limit is None:  # every match (exports): one statement, streamed in index order
        return _matching(filters, q, dialect, cols, before_id)
    page = _matching(filters, q, dialect, None, before_id).limit(limit).correlate(None)
    stmt = select(*cols).select_from(Article).where(Article.id.in_(page))
    stmt = stmt.outerjoin(Source, Source.id == Article.source_id)
    stmt = stmt.outerjoin(Classification, Classification.article_id == Article.id)
    return stmt.order_by(Article.id.desc()).limit(limit)


def _narrows(f: ArticleFilters) -> bool:
    """Whether a filter beside the words needs the article or its classification."""
    return any(v is not None for v in (f.topic, f.relevance, f.source_id, f.language, f.published_from,
                                       f.published_to, f.cluster_id))


def _matching(filters: ArticleFilters, q: Query, dialect: str, cols: list[Any] | None,
              before_id: int | None) -> Select[Any]:
    """The matching articles newest first, with ``cols`` (None: only their ids, in the order column)."""
    positive = q.fts5() if dialect == "sqlite" else q.tsquery()
    fts = positive is not None and dialect == "sqlite"
    order: Any = _fts.c.rowid if fts else Article.id  # FTS5 hands out its matches in rowid order: no sort
    if positive is not None and not fts and cols is None and not _narrows(filters):
        # PostgreSQL, words only: the ids come from the index table alone (its rows go with their article)
        stmt = select(ArticleSearch.article_id).where(_tsq(positive))
        if before_id is not None:
            stmt = stmt.where(ArticleSearch.article_id < before_id)
        return stmt.order_by(ArticleSearch.article_id.desc())
    by_class = (positive is None and (filters.topic is not None or filters.relevance is not None)
                and filters.published_from is None and filters.published_to is None)  # dates: their own index
    if by_class:
        # filtered by the classification alone or with it: walk its index (topic or relevance, then article id)
        # newest first, joined to the article; ordered by the article's own id the database sorted every match
        # first (40 ms for a common topic at 1M on SQLite, docs/benchmarks.md)
        order = Classification.article_id
    stmt = select(*(cols if cols is not None else [order]))
    if by_class:
        stmt = stmt.select_from(Classification).join(Article, Article.id == Classification.article_id)
    elif fts:
        stmt = stmt.select_from(_fts).join(Article, Article.id == _fts.c.rowid).where(_match(positive or ""))
    elif positive is not None:
        stmt = stmt.select_from(Article).join(ArticleSearch, ArticleSearch.article_id == Article.id)
        stmt = stmt.where(_tsq(positive))
    else:
        stmt = stmt.select_from(Article)
    if positive is None and q.excluded:  # only exclusions: everything but their matches
        if dialect == "sqlite":
            neg = select(_fts.c.rowid).where(_match(q.fts5_excluded() or ""))
        else:
            neg = select(ArticleSearch.article_id).where(_tsq(q.tsquery_excluded() or ""))
        stmt = stmt.where(Article.id.not_in(neg))
    elif positive is None and filters.q and filters.q.strip():  # a query with no word in it
        stmt = stmt.where(false())
    if cols is not None:
        stmt = stmt.outerjoin(Source, Source.id == Article.source_id)
    if not by_class and (cols is not None or filters.topic is not None or filters.relevance is not None):
        stmt = stmt.outerjoin(Classification, Classification.article_id == Article.id)
    if filters.topic is not None:
        stmt = stmt.where(Classification.top_topic == filters.topic)
    if filters.relevance is not None:
        stmt = stmt.where(Classification.relevance == filters.relevance)
    if filters.source_id is not None:
        stmt = stmt.where(Article.source_id == filters.source_id)
    if filters.language is not None:
        stmt = stmt.where(Article.language == filters.language)
    if filters.published_from is not None:
        stmt = stmt.where(Article.published_at >= _aware(filters.published_from))
    if filters.published_to is not None:
        stmt = stmt.where(Article.published_at < _aware(filters.published_to))
    if filters.cluster_id is not None:
        stmt = stmt.where(Article.cluster_id == filters.cluster_id)
    if before_id is not None:
        stmt = stmt.where(order < before_id)
    return stmt.order_by(order.desc())
