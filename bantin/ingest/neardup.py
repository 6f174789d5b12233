"""The near-duplicate lookup over the database (table ``article_bands``), shared by every crawler.

``near_duplicates`` is one indexed SELECT — stored articles sharing at least one MinHash LSH band key
with the signature, with their signatures — then ``dedup.index.verify`` by estimated Jaccard.
``add_bands`` writes an article's band keys; ``ingest`` calls it in the article's own transaction, so a
copy stored by another process is found as soon as that process commits, and nothing is loaded at start.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import and_, insert, or_, select
from sqlalchemy.orm import Session

from bantin.app.stats import StatsLike
from bantin.dedup.index import band_keys, verify
from bantin.dedup.minhash import signature_from_bytes
from bantin.store.schema import Article, ArticleBand


def near_duplicates(session: Session, sig: np.ndarray, stats: StatsLike | None = None) -> list[tuple[int, float]]:
    """(article id, estimated Jaccard) of stored near-duplicates of ``sig``, most similar first."""
    keys = band_keys(sig)
    if not keys.size:
        return []
    # an OR of (band, key) pairs: SQLite searches the covering index once per pair (a row-value IN
    # scanned the whole table, EXPLAIN QUERY PLAN on 3.40); PostgreSQL ORs index scans together
    sharing = select(ArticleBand.article_id).where(
        or_(*(and_(ArticleBand.band == b, ArticleBand.key == k) for b, k in enumerate(keys.tolist())))
    )
    rows = session.execute(select(Article.id, Article.minhash).where(Article.id.in_(sharing))).all()
    return verify(sig, ((aid, signature_from_bytes(m)) for aid, m in rows if m), stats=stats)


def add_bands(session: Session, article_id: int, sig: np.ndarray) -> None:
    """Make the article findable by ``near_duplicates`` (when the caller's transaction commits)."""
    rows = [{"article_id": article_id, "band": b, "key": k} for b, k in enumerate(band_keys(sig).tolist())]
    if rows:
        session.execute(insert(ArticleBand), rows)
