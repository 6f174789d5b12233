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

from sqlalchemy import func, literal, select, union_all, update
from sqlalchemy.orm import Session

from bantin.app.stats import StatsLike
from bantin.dedup.credit import OriginCandidate, choose_origin, credit_source
from bantin.dedup.minhash import content_hash, signature, signature_to_bytes
from bantin.extract.canonical import url_key
from bantin.ingest.neardup import add_bands, near_duplicates
from bantin.search.index import index_articles
from bantin.store.db import dialect_insert
from bantin.store.schema import Article, ArticleURL, Cluster, Source
from bantin.store.types import utcnow


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
    return tuple(dict.fromkeys((canonical_url, *(url_key(u) for u in seen if u))))


def _add_aliases(session: Session, article_id: int, urls: tuple[str, ...]) -> None:
    """Every URL (from alias_urls) not yet known points at the article; a URL already known (here or in
    another process's concurrent commit) keeps its article."""
    rows = [{"url": u, "article_id": article_id} for u in urls]
    session.execute(dialect_insert(session, ArticleURL).on_conflict_do_nothing(), rows)


def _existing(session: Session, art: NewArticle, chash: str) -> tuple[int, str] | None:
    """The stored article with one of these URLs (dup_url) or this content hash (dup_hash): one query."""
    by_url = select(ArticleURL.article_id, literal(0).label("rank")).where(ArticleURL.url.in_(art.urls))
    by_hash = select(Article.id, literal(1).label("rank")).where(Article.content_hash == chash)
    hit = session.execute(union_all(by_url, by_hash).order_by("rank").limit(1)).first()
    if hit is None:
        return None
    return hit[0], ("dup_url", "dup_hash")[hit[1]]


def ingest(session: Session, art: NewArticle, stats: StatsLike) -> IngestResult:
    """Insert ``art`` (with its near-duplicate band keys) unless it is already stored. The caller commits.

    A unique-constraint race with another process (same URL or hash committed meanwhile) raises
    IntegrityError: the caller's transaction retry then finds that row and records a duplicate."""
    urls = alias_urls(art.canonical_url, *art.urls)
    art = NewArticle(**{**art.__dict__, "urls": urls})
    chash = content_hash(art.text)
    found = _existing(session, art, chash)
    if found is None:
        sig = signature(art.text)
        candidates = [aid for aid, _ in near_duplicates(session, sig, stats)]
        row = Article(
            canonical_url=art.canonical_url,
            source_id=art.source_id,
            title=art.title,
            text=art.text,
            summary=art.summary,
            published_at=art.published,
            language=art.language,
            content_hash=chash,
            minhash=signature_to_bytes(sig),
            credit=credit_source(art.text),
        )
        session.add(row)
        session.flush()
        _add_aliases(session, row.id, urls)
        add_bands(session, row.id, sig)
        index_articles(session, [row])  # full-text search finds it from this commit on
        cluster_id = _cluster(session, row, candidates, stats)
        stats.inc_value("ingest/article_new")
        return IngestResult(row.id, "new", cluster_id)
    article_id, outcome = found
    _add_aliases(session, article_id, urls)
    stats.inc_value(f"ingest/{outcome}")
    cluster = session.scalar(select(Article.cluster_id).where(Article.id == article_id))
    return IngestResult(article_id, outcome, cluster)


def _cluster(session: Session, row: Article, candidates: list[int], stats: StatsLike) -> int:
    """Join (and merge) the clusters of the near-duplicate candidates, or start a new cluster."""
    cluster_ids = sorted(
        {c for c in session.scalars(select(Article.cluster_id).where(Article.id.in_(candidates))) if c is not None}
    ) if candidates else []
    if not cluster_ids:
        new_cluster = Cluster(origin_article_id=row.id, size=1)
        session.add(new_cluster)
        session.flush()
        row.cluster_id = new_cluster.id
        return new_cluster.id
    stats.inc_value("dedup/near_dup")
    target = cluster_ids[0]
    row.cluster_id = target
    if len(cluster_ids) > 1:
        stats.inc_value("dedup/cluster_merge")
        session.execute(update(Article).where(Article.cluster_id.in_(cluster_ids[1:])).values(cluster_id=target))
    session.flush()
    members = session.execute(
        select(Article.id, Article.published_at, Source.name, Source.home_url, Article.credit)
        .outerjoin(Source, Source.id == Article.source_id)
        .where(Article.cluster_id == target)
    ).all()
    # the publisher's name ("Báo Nghệ An") is what credit lines ("Theo Báo Nghệ An") name
    origin = choose_origin(
        [OriginCandidate(m.id, m.published_at, m.name or m.home_url, m.credit) for m in members], stats
    )
    size = session.scalar(select(func.count()).select_from(Article).where(Article.cluster_id == target)) or 1
    cluster = session.get(Cluster, target)
    if cluster is not None:
        cluster.origin_article_id = origin
        cluster.size = size
        cluster.updated_at = utcnow()
    if len(cluster_ids) > 1:
        session.execute(update(Cluster).where(Cluster.id.in_(cluster_ids[1:])).values(size=0, origin_article_id=None))
    return target

