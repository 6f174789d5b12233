"""``GET /api/v1/articles`` (search and filters, newest first) and ``GET /api/v1/articles/{id}`` (viewer).

Every read is audited before its output (docs/principles.md, principle 3): the audit row
("articles.search" with the query and filters, "articles.read" with the article) is committed in a
write session, then the rows are read in a read session (on SQLite it never holds the write lock).
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import Select, select
from starlette.concurrency import run_in_threadpool

from bantin.api.deps import CtxDep, CurrentUser, ReadSessionDep, ctx_of, principal_of
from bantin.api.ids import Int64Id
from bantin.api.listing.article_params import ArticleListing, ArticleListingDep
from bantin.api.listing.jsonpage import page_response
from bantin.api.listing.pagination import DEFAULT_LIMIT, CursorQ, LimitQ, Page, decode_cursor, encode_cursor
from bantin.api.roles import Principal, requires
from bantin.api.schemas.articles import ArticleDetail, ArticleItem, Classified
from bantin.app import audit
from bantin.app.context import AppContext
from bantin.search.highlight import Matcher, match_spans, matcher, snippet
from bantin.search.listing import ArticleFilters, article_query
from bantin.search.query import Query as SearchQuery
from bantin.store.schema import Article, ArticleURL, Classification, Source

router = APIRouter(prefix="/articles", tags=["articles"])

# Characters of the summary a list shows (the full text is one click away).
SUMMARY_CHARS = 300
# Page statements kept built: the filters and queries an office repeats (each list refreshed, each saved
# search); a statement is a few kB, and one not in the cache is built as before.
STATEMENT_CACHE = 512
# Copies of a cluster listed with an article; a story syndicated wider than this is rare, and the
# cluster filter of the listing pages through all of them.
MAX_CLUSTER_COPIES = 200


def article_fields(row: Any, query: SearchQuery | Matcher | None) -> dict[str, Any]:
    """ArticleItem's fields (the list serialises these dicts itself, api/listing/jsonpage.py)."""
    summary = row.summary or (row.text if query is not None else None)
    item: dict[str, Any] = {
        "id": row.id, "title": row.title, "summary": (summary or "")[:SUMMARY_CHARS] or None, "url": row.url,
        "source": row.source_name, "published_at": row.published_at, "language": row.language,
        "relevance": row.relevance, "top_topic": row.top_topic, "cluster_id": row.cluster_id,
        "title_spans": None, "snippet": None}
    if query is not None:
        item["title_spans"] = match_spans(row.title or "", query)
        for part in (row.summary, row.text):
            found = snippet(part, query)
            if found is not None:
                item["snippet"] = {"text": found[0], "spans": found[1]}
                break
    return item


def article_item(row: Any, query: SearchQuery | None) -> ArticleItem:
    """One result as the model (the web's search page renders these)."""
    return ArticleItem.model_validate(article_fields(row, query))


@lru_cache(maxsize=STATEMENT_CACHE)
def _page_statement(filters: ArticleFilters, dialect: str, before_id: int | None, limit: int,
                    query: SearchQuery) -> Select[Any]:
    """A page's SELECT, built once per distinct request (filters, query, cursor, limit) and then reused:
    SQLAlchemy statements are immutable, and a reused one also keeps its cache key (no rebuild, no new key)."""
    return article_query(filters, dialect, before_id=before_id, limit=limit, with_text=filters.q is not None,
                         query=query)


@router.get("", response_model=Page[ArticleItem], dependencies=[requires("viewer")])
async def list_articles(request: Request, listing: ArticleListingDep,
                        limit: LimitQ = DEFAULT_LIMIT, cursor: CursorQ = None) -> Response:
    """Bài báo, mới nhất trước (articles, newest stored first; with ``q`` a highlighted snippet)."""
    ctx, me = ctx_of(request), principal_of(request)  # the guard's caller: no dependency of their own
    key = decode_cursor(cursor, 1)
    if key is not None and (not isinstance(key[0], int) or isinstance(key[0], bool)):
        raise HTTPException(422, "cursor không hợp lệ (invalid cursor)")
    # the audit row, the read and the bytes in one hand-off to the thread pool
    return await run_in_threadpool(_articles_page, ctx, me, listing, limit, key[0] if key else None)


def _articles_page(ctx: AppContext, me: Principal, listing: ArticleListing, limit: int,
                   before_id: int | None) -> Response:
    filters, query = listing.filters, listing.query
    # audit first, then output (docs/principles.md, principle 3)
    audit.record_read(ctx.sessions, me.actor, "articles.search", audit_target="articles", **listing.audit_detail())
    stmt = _page_statement(filters, ctx.engine.dialect.name, before_id, limit + 1, query)
    with ctx.read_sessions() as rs:  # one session, its snapshot begun after the audit row
        rows = rs.connection().execute(stmt).all()  # Core rows: no ORM loading step per row
    searched = matcher(query) if filters.q is not None and not query.empty else None  # built once a page
    items = [article_fields(r, searched) for r in rows[:limit]]
    more = len(rows) > limit
    return page_response(items, encode_cursor(items[-1]["id"]) if more and items else None)


@router.get("/{article_id}", response_model=ArticleDetail, dependencies=[requires("viewer")])
def get_article(article_id: Int64Id, ctx: CtxDep, rs: ReadSessionDep, me: CurrentUser) -> ArticleDetail:
    """Một bài báo (one article: full text, URLs, classification, the other copies of its cluster)."""
    # audit first, then output (docs/principles.md, principle 3)
    audit.record_read(ctx.sessions, me.actor, "articles.read", audit_target=f"article:{article_id}")
    art = rs.get(Article, article_id)
    if art is None:
        raise HTTPException(404, "không tìm thấy bài báo (article not found)")
    source = rs.get(Source, art.source_id) if art.source_id is not None else None
    urls = list(rs.scalars(select(ArticleURL.url).where(ArticleURL.article_id == art.id).order_by(ArticleURL.id)))
    copies: list[int] = []
    if art.cluster_id is not None:
        copies = list(rs.scalars(select(Article.id).where(Article.cluster_id == art.cluster_id, Article.id != art.id)
                                 .order_by(Article.id).limit(MAX_CLUSTER_COPIES)))
    c = rs.get(Classification, art.id)
    classified = None
    if c is not None:
        classified = Classified(topics=json.loads(c.topics or "{}"), top_topic=c.top_topic, relevance=c.relevance,
                                relevance_score=c.relevance_score, province=c.province,
                                places=json.loads(c.places or "[]"), language=c.language,
                                classified_at=c.classified_at)
    return ArticleDetail(id=art.id, title=art.title, summary=art.summary, text=art.text, url=art.canonical_url,
                         urls=urls, source_id=art.source_id, source=source.name if source else None,
                         published_at=art.published_at, fetched_at=art.fetched_at, language=art.language,
                         credit=art.credit, cluster_id=art.cluster_id, cluster_copies=copies,
                         classification=classified)
