"""``GET /api/v1/articles`` (search and filters, newest first) and ``GET /api/v1/articles/{id}`` (viewer).

Every read is audited before its output (docs/principles.md, principle 3): the audit row
("articles.search" with the query and filters, "articles.read" with the article) is committed in a
write session, then the rows are read in a read session (on SQLite it never holds the write lock).
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, HTTPException
from sqlalchemy import select

from bantin.api.article_params import ArticleListingDep
from bantin.api.deps import CtxDep, CurrentUser, ReadSessionDep
from bantin.api.ids import Int64Id
from bantin.api.pagination import DEFAULT_LIMIT, CursorQ, LimitQ, Page, decode_cursor, encode_cursor
from bantin.api.roles import requires
from bantin.api.schemas.articles import ArticleDetail, ArticleItem, Classified, Highlighted
from bantin.app import audit
from bantin.search.highlight import match_spans, snippet
from bantin.search.listing import article_query
from bantin.search.query import Query as SearchQuery
from bantin.store.schema import Article, ArticleURL, Classification, Source

router = APIRouter(prefix="/articles", tags=["articles"])

# Characters of the summary a list shows (the full text is one click away).
SUMMARY_CHARS = 300
# Copies of a cluster listed with an article; a story syndicated wider than this is rare, and the
# cluster filter of the listing pages through all of them.
MAX_CLUSTER_COPIES = 200


def _item(row: Any, query: SearchQuery | None) -> ArticleItem:
    summary = row.summary or (row.text if query is not None else None)
    item = ArticleItem(id=row.id, title=row.title, summary=(summary or "")[:SUMMARY_CHARS] or None, url=row.url,
                       source=row.source_name, published_at=row.published_at, language=row.language,
                       relevance=row.relevance, top_topic=row.top_topic, cluster_id=row.cluster_id)
    if query is not None:
        item.title_spans = match_spans(row.title or "", query)
        for part in (row.summary, row.text):
            found = snippet(part, query)
            if found is not None:
                item.snippet = Highlighted(text=found[0], spans=found[1])
                break
    return item


@router.get("", response_model=Page[ArticleItem], dependencies=[requires("viewer")])
def list_articles(ctx: CtxDep, rs: ReadSessionDep, me: CurrentUser, listing: ArticleListingDep,
                  limit: LimitQ = DEFAULT_LIMIT, cursor: CursorQ = None) -> Page[ArticleItem]:
    """Bài báo, mới nhất trước (articles, newest stored first; with ``q`` a highlighted snippet)."""
    filters, query = listing.filters, listing.query
    key = decode_cursor(cursor, 1)
    if key is not None and (not isinstance(key[0], int) or isinstance(key[0], bool)):
        raise HTTPException(422, "cursor không hợp lệ (invalid cursor)")
    # audit first, then output (docs/principles.md, principle 3)
    audit.record_read(ctx.sessions, me.actor, "articles.search", audit_target="articles", **listing.audit_detail())
    rs.rollback()  # a fresh snapshot, begun after the audit row (the saved search was read before it)
    dialect = rs.get_bind().dialect.name
    stmt = article_query(filters, dialect, before_id=key[0] if key else None, limit=limit + 1,
                         with_text=filters.q is not None, query=query)
    rows = rs.execute(stmt).all()
    searched = query if filters.q is not None and not query.empty else None
    items = [_item(r, searched) for r in rows[:limit]]
    more = len(rows) > limit
    return Page[ArticleItem](items=items, next_cursor=encode_cursor(items[-1].id) if more and items else None)


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
