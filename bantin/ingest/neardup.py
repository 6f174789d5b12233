"""The near-duplicate lookup over the database (table ``article_bands``), shared by every crawler.

``near_duplicates`` is one indexed SELECT — stored articles sharing at least one MinHash LSH band key
with the signature, with their signatures — then ``dedup.index.verify`` by estimated Jaccard.
``add_bands`` writes an article's band keys; ``ingest`` calls it in the article's own transaction, so a
copy stored by another process is found as soon as that process commits, and nothing is loaded at start.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import Connection, Select, bindparam, select
from sqlalchemy.orm import Session

from bantin.app.stats import StatsLike
from bantin.dedup.index import BANDS, VERIFY_JACCARD, band_keys, verify_stacked
from bantin.dedup.minhash import NUM_PERM
from bantin.store.schema import Article, ArticleBand

_PARAMS = tuple(f"k{band}" for band in range(BANDS))


def _lookup() -> Select:
    # ``key IN (...)`` on the primary key (band number in the key's high bits): SQLite searches the
    # WITHOUT ROWID table once per key, PostgreSQL scans its primary-key btree. Built once, with one
    # bind parameter per band: building the statement per query cost ~16 of 23 ms (cProfile, SQLite).
    keys = ArticleBand.key.in_([bindparam(p) for p in _PARAMS])
    return select(Article.id, Article.minhash).where(Article.id.in_(select(ArticleBand.article_id).where(keys)))


_LOOKUP = _lookup()
# The driver's own executemany of (key, article_id) tuples: through a Core insert(), SQLAlchemy built and
# processed each of an article's 64 parameter sets in Python first (most of add_bands' time, cProfile).
_INSERT_SQL = f'INSERT INTO {ArticleBand.__tablename__} ("key", article_id) VALUES ({{p}}, {{p}})'
_PLACEHOLDER = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def near_duplicates(session: Session | Connection, sig: np.ndarray, stats: StatsLike | None = None,
                    threshold: float = VERIFY_JACCARD) -> list[tuple[int, float]]:
    """(article id, estimated Jaccard) of stored near-duplicates of ``sig``, most similar first."""
    keys = band_keys(sig)
    if not keys.size:
        return []
    conn = session.connection() if isinstance(session, Session) else session
    found = conn.execute(_LOOKUP, dict(zip(_PARAMS, keys.tolist(), strict=True))).all()
    rows = [(aid, m) for aid, m in found if m]
    ids = np.fromiter((aid for aid, _ in rows), dtype=np.int64, count=len(rows))
    # one array of all the candidates' signatures (little-endian uint32, as minhash.signature_to_bytes
    # writes them); a stored signature of the wrong length fails the reshape, as signature_from_bytes would
    sigs = np.frombuffer(b"".join(m for _, m in rows), dtype="<u4").reshape(len(rows), NUM_PERM)
    return verify_stacked(sig, ids, sigs, threshold, stats)


def add_bands(session: Session | Connection, article_id: int, sig: np.ndarray) -> None:
    """Make the article findable by ``near_duplicates`` (when the caller's transaction commits)."""
    rows = [(k, article_id) for k in band_keys(sig).tolist()]
    if rows:
        conn = session.connection() if isinstance(session, Session) else session
        conn.exec_driver_sql(_INSERT_SQL.format(p=_PLACEHOLDER[conn.dialect.paramstyle]), rows)
