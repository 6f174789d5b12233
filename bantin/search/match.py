"""Which of a few given articles a full-text query matches: what queue and alert rules on a saved search ask
(queue/rules.py, alerts/evaluate.py), answered by the same index and the same query language as the listing,
so a rule admits exactly what the saved search lists."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import false
from sqlalchemy.orm import Session

from bantin.search.listing import ArticleFilters, article_query
from bantin.search.query import Query, QueryError, parse
from bantin.store.schema import Article


def matching_ids(session: Session, query_text: str | None, article_ids: Collection[int]) -> set[int]:
    """The ids among ``article_ids`` that ``query_text`` matches. A query over its bounds, or one without any
    word, matches nothing (the saved search lists nothing either)."""
    q = _words(query_text) if article_ids else None
    if q is None:
        return set()
    stmt = article_query(ArticleFilters(q=query_text), session.get_bind().dialect.name, query=q)
    stmt = stmt.where(Article.id.in_(sorted(article_ids)))
    return {row.id for row in session.execute(stmt)}


def matching_clause(query_text: str, dialect: str) -> Any:
    """``articles.id IN (the query's matches)``, for a count over many articles (a volume rule on a saved
    search); a query over its bounds or without any word: a clause that is never true."""
    q = _words(query_text)
    if q is None:
        return false()
    ids = article_query(ArticleFilters(q=query_text), dialect, query=q).with_only_columns(Article.id)
    return Article.id.in_(ids.order_by(None))


def _words(query_text: str | None) -> Query | None:
    """The parsed query, or None when it can match nothing (empty, over its bounds, no word in it)."""
    if not query_text or not query_text.strip():
        return None
    try:
        q = parse(query_text)
    except QueryError:
        return None
    return None if q.empty else q
