"""Store one extracted article exactly once, with its URL aliases, and place it in a syndication cluster.

Exact duplicates: any known URL alias, or the same content hash. Near duplicates: MinHash LSH over the
shared ``article_bands`` table (``bantin.ingest.neardup``); the article joins the cluster of its nearest
stored copies and the cluster's origin is re-chosen.
Runs inside the caller's transaction; a unique-constraint race with another process fails that
transaction, and the caller's retry (pipeline.CrawlCore._tx) then sees the other process's row as a dup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, bindparam, insert, literal, select, union_all, update
from sqlalchemy.orm import Session

from bantin.app.stats import StatsLike
from bantin.dedup.credit import OriginCandidate, choose_origin, credit_source
from bantin.dedup.minhash import fingerprint, signature_to_bytes
from bantin.extract.canonical import url_key
from bantin.ingest.neardup import add_bands, near_duplicates
from bantin.search.index import index_articles
from bantin.store.db import dialect_insert
from bantin.store.schema import Article, ArticleURL, Cluster, Source
from bantin.store.types import utcnow

# Core statements over the tables, built once (SQLAlchemy caches their compiled form): the ORM's unit of
# work (flushes, identity map, per-object events) cost more than the SQL itself, ~40 % of a store
# (cProfile of the database thread). What is written is what the ORM wrote, column for column.
_INSERT_ARTICLE = insert(Article).returning(Article.id)
_INSERT_CLUSTER = insert(Cluster).returning(Cluster.id)
_SET_CLUSTER = update(Article).where(Article.id == bindparam("aid")).values(cluster_id=bindparam("cid"))
_CLUSTER_OF = select(Article.cluster_id).where(Article.id == bindparam("aid"))


@dataclass(frozen=True)
class NewArticle:
    canonical_url: str
    urls: tuple[str, ...]  # every URL the article was seen at, in any form (ingest stores them via alias_urls)
    title: str | None
    text: str
    summary: str | None
    published: datetime | None
    language: str | None
    source_id: int | None


@dataclass(frozen=True)
class IngestResult:
    article_id: int
    outcome: str  # new | dup_url | dup_hash
    cluster_id: int | None


def alias_urls(canonical_url: str, *seen: str | None) -> tuple[str, ...]:
    """An article's ``article_urls``: ``canonical_url`` (as stored on the article) first, then every other URL
    it was seen at (feed link, requested and final URL, the page's hints) in ``url_key`` form - the form the
    frontier looks feed links up in - once each."""
    # each distinct URL canonicalised once (the feed link, requested and final URL are mostly one URL)
    return tuple(dict.fromkeys((canonical_url, *(url_key(u) for u in dict.fromkeys(seen) if u))))


@cache
def _insert_aliases(dialect: str) -> Any:
    return dialect_insert(dialect, ArticleURL).on_conflict_do_nothing()


def _add_aliases(conn: Connection, article_id: int, urls: tuple[str, ...]) -> None:
    """Every URL (from alias_urls) not yet known points at the article; a URL already known (here or in
    another process's concurrent commit) keeps its article."""
    conn.execute(_insert_aliases(conn.dialect.name), [{"url": u, "article_id": article_id} for u in urls])


def _existing_query() -> Any:
    by_url = select(ArticleURL.article_id, literal(0).label("rank")).where(
        ArticleURL.url.in_(bindparam("urls", expanding=True)))
    by_hash = select(Article.id, literal(1).label("rank")).where(Article.content_hash == bindparam("chash"))
    return union_all(by_url, by_hash).order_by("rank").limit(1)


_EXISTING = _existing_query()


def _existing(conn: Connection, urls: tuple[str, ...], chash: str) -> tuple[int, str] | None:
    """The stored article with one of these URLs (dup_url) or this content hash (dup_hash): one query."""
    hit = conn.execute(_EXISTING, {"urls": list(urls), "chash": chash}).first()
    if hit is None:
        return None
    return hit[0], ("dup_url", "dup_hash")[hit[1]]


@dataclass(slots=True)
class _Stored:
    """What the search index reads of a new article (``search.index.Indexable``)."""

    id: int
    title: str | None
    summary: str | None
    text: str


def ingest(session: Session, art: NewArticle, stats: StatsLike, search_rows: list[Any] | None = None) -> IngestResult:
    """Insert ``art`` (with its near-duplicate band keys) unless it is already stored. The caller commits.

    ``search_rows``: the new article's search document is appended there for the caller to write with
    ``index_articles`` as the transaction's last statement (SQLite's FTS5 flushes its pending terms at every
    later statement of the transaction: once per group of articles instead of once per article); without it,
    the document is written here.

    A unique-constraint race with another process (same URL or hash committed meanwhile) raises
    IntegrityError: the caller's transaction retry then finds that row and records a duplicate."""
    session.flush()  # the caller's pending rows (a new source) go first, as the ORM's autoflush did
    conn = session.connection()
    urls = alias_urls(art.canonical_url, *art.urls)
    chash, sig = fingerprint(art.text)
    found = _existing(conn, urls, chash)
    if found is None:
        clusters = _clusters_of([aid for aid, _ in near_duplicates(conn, sig, stats)], conn)
        article_id = conn.execute(_INSERT_ARTICLE, {
            "canonical_url": art.canonical_url, "source_id": art.source_id, "title": art.title, "text": art.text,
            "summary": art.summary, "published_at": art.published, "language": art.language,
            "content_hash": chash, "minhash": signature_to_bytes(sig), "credit": credit_source(art.text),
            "cluster_id": clusters[0] if clusters else None,
        }).scalar_one()
        _add_aliases(conn, article_id, urls)
        add_bands(conn, article_id, sig)
        # full-text search finds it from this commit on
        stored = _Stored(article_id, art.title, art.summary, art.text)
        if search_rows is None:
            index_articles(conn, [stored])
        else:
            search_rows.append(stored)
        cluster_id = _cluster(conn, article_id, clusters, stats)
        stats.inc_value("ingest/article_new")
        return IngestResult(article_id, "new", cluster_id)
    article_id, outcome = found
    _add_aliases(conn, article_id, urls)
    stats.inc_value(f"ingest/{outcome}")
    return IngestResult(article_id, outcome, conn.execute(_CLUSTER_OF, {"aid": article_id}).scalar())


def _clusters_of(candidates: list[int], conn: Connection) -> list[int]:
    """The clusters of the near-duplicate candidates, smallest id first (the one the article joins)."""
    if not candidates:
        return []
    return sorted({c for c in conn.scalars(select(Article.cluster_id).where(Article.id.in_(candidates)))
                   if c is not None})


def _cluster(conn: Connection, article_id: int, cluster_ids: list[int], stats: StatsLike) -> int:
    """Start a new cluster for the article, or (it was stored in ``cluster_ids[0]``) merge the candidates'
    other clusters into that one and re-choose its origin."""
    if not cluster_ids:
        new_cluster = conn.execute(_INSERT_CLUSTER, {"origin_article_id": article_id, "size": 1}).scalar_one()
        conn.execute(_SET_CLUSTER, {"aid": article_id, "cid": new_cluster})
        return int(new_cluster)
    stats.inc_value("dedup/near_dup")
    target = cluster_ids[0]
    if len(cluster_ids) > 1:
        stats.inc_value("dedup/cluster_merge")
        conn.execute(update(Article).where(Article.cluster_id.in_(cluster_ids[1:])).values(cluster_id=target))
    members = conn.execute(
        select(Article.id, Article.published_at, Source.name, Source.home_url, Article.credit)
        .outerjoin(Source, Source.id == Article.source_id)
        .where(Article.cluster_id == target)
    ).all()
    # the publisher's name ("Báo Nghệ An") is what credit lines ("Theo Báo Nghệ An") name
    origin = choose_origin(
        [OriginCandidate(m.id, m.published_at, m.name or m.home_url, m.credit) for m in members], stats
    )
    conn.execute(update(Cluster).where(Cluster.id == target)
                 .values(origin_article_id=origin, size=len(members) or 1, updated_at=utcnow()))
    if len(cluster_ids) > 1:
        conn.execute(update(Cluster).where(Cluster.id.in_(cluster_ids[1:])).values(size=0, origin_article_id=None))
    return target
