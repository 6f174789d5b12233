"""`bantin articles export`: one JSON object per stored article, streamed in id order.

The caller commits the audit row (with :func:`count_articles`) before calling :func:`write_jsonl`
(docs/principles.md, principle 3: audit first, then output).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from bantin.store.schema import Article, Cluster, Source

# Rows are streamed in pages so memory stays flat however large the archive is.
EXPORT_PAGE = 1000


def count_articles(session: Session) -> int:
    """How many articles an export starting now would write (for the audit row written before it)."""
    return int(session.scalar(select(func.count()).select_from(Article)) or 0)


def iter_articles(session: Session) -> Iterator[dict[str, Any]]:
    origin = aliased(Article)
    last = 0
    while True:
        q = (
            select(Article, Source.name, Cluster.origin_article_id, origin.canonical_url)
            .outerjoin(Source, Source.id == Article.source_id)
            .outerjoin(Cluster, Cluster.id == Article.cluster_id)
            .outerjoin(origin, origin.id == Cluster.origin_article_id)
            .where(Article.id > last)
            .order_by(Article.id)
            .limit(EXPORT_PAGE)
        )
        rows = session.execute(q).all()
        if not rows:
            return
        for art, source_name, origin_id, origin_url in rows:
            yield {
                "id": art.id,
                "canonical_url": art.canonical_url,
                "title": art.title,
                "text": art.text,
                "published": art.published_at.isoformat() if art.published_at else None,
                "language": art.language,
                "source": source_name,
                "cluster_id": art.cluster_id,
                "cluster_origin": origin_url,
                "is_cluster_origin": origin_id == art.id,
                "fetched": art.fetched_at.isoformat(),
            }
        last = rows[-1][0].id
        session.expunge_all()


def write_jsonl(session: Session, out: IO[str]) -> int:
    n = 0
    for row in iter_articles(session):
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        n += 1
    return n
