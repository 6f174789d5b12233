"""The data model: publishers' sources and feeds, the fetch log, the crawl frontier, articles, clusters.

Principle 1 (docs/principles.md): sources are publishers and organisations; articles carry no author or byline.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bantin.store.types import UTCDateTime, utcnow

# Postgres indexes b-tree keys up to ~2.7 kB; 2,000 chars covers real article URLs with room.
URL_MAX = 2000


class Base(DeclarativeBase):
    pass


class Source(Base):
    """A publisher or organisation whose feeds bantin polls.

    The schedule and health columns are the roll-up of its feeds' (sources/schedule.rollup): each feed
    is scheduled and judged on its own; the source shows the best of them.
    """

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="feed")  # feed | sitemap
    home_url: Mapped[str | None] = mapped_column(String(URL_MAX))
    language: Mapped[str | None] = mapped_column(String(10))
    country: Mapped[str | None] = mapped_column(String(2))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    poll_interval_s: Mapped[int] = mapped_column(Integer, default=900)
    next_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    health: Mapped[str] = mapped_column(String(20), default="new")  # new | ok | quiet | failing | dead
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_new_item_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    feeds: Mapped[list[Feed]] = relationship(back_populates="source", cascade="all, delete-orphan")


class Feed(Base):
    """One feed or sitemap URL of a source, with its conditional-GET validators."""

    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(URL_MAX), unique=True)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[int | None] = mapped_column(Integer)
    # Per-feed schedule and health (sources/schedule.py): a busy "latest" feed and its quiet section
    # feeds each keep their own interval, and a dead feed shows as dead beside a healthy sibling.
    poll_interval_s: Mapped[int] = mapped_column(Integer, default=900)
    next_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    health: Mapped[str] = mapped_column(String(20), default="new")  # new | ok | quiet | failing | dead
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_new_item_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A feed the sources file no longer lists is disabled, not deleted: its history stays (sources sync).
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())

    source: Mapped[Source] = relationship(back_populates="feeds")


class FetchLog(Base):
    """Every fetch bantin made or refused, with its outcome (health, audits and the SIGKILL contract)."""

    __tablename__ = "fetch_log"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"), index=True)
    url: Mapped[str] = mapped_column(String(URL_MAX))
    kind: Mapped[str] = mapped_column(String(20))  # feed | article
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    status: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(40))  # ok | not_modified | http_error | error | refused ...
    error: Mapped[str | None] = mapped_column(Text)
    bytes: Mapped[int | None] = mapped_column(Integer)
    items_total: Mapped[int | None] = mapped_column(Integer)
    items_new: Mapped[int | None] = mapped_column(Integer)
    duration_ms: Mapped[int | None] = mapped_column(Integer)


class FrontierItem(Base):
    """An article URL discovered in a feed, waiting to be fetched (the crawl's durable to-do list)."""

    __tablename__ = "frontier"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    url: Mapped[str] = mapped_column(String(URL_MAX), unique=True)  # canonical: identity only
    fetch_url: Mapped[str | None] = mapped_column(String(URL_MAX))  # as the feed gave it; fetched (None: url)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"))
    title: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    language: Mapped[str | None] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(10), default="pending")  # pending | done | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    discovered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))

    __table_args__ = (Index("ix_frontier_state_next", "state", "next_attempt_at"),)


class Cluster(Base):
    """Syndicated copies of one story; the origin is the earliest published copy."""

    __tablename__ = "clusters"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    origin_article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL", use_alter=True, name="fk_clusters_origin")
    )
    size: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Article(Base):
    """One stored article (no author/byline: docs/principles.md, principle 1)."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    canonical_url: Mapped[str] = mapped_column(String(URL_MAX), unique=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    summary: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    language: Mapped[str | None] = mapped_column(String(10))
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    minhash: Mapped[bytes | None] = mapped_column(LargeBinary)
    credit: Mapped[str | None] = mapped_column(String(100))
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("clusters.id", ondelete="SET NULL"), index=True)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class ArticleBand(Base):
    """The near-duplicate lookup shared by every crawler on the database: one MinHash LSH band key per
    band of an article's signature (``bantin.dedup.index.band_keys``, band number in the high bits),
    written with the article."""

    __tablename__ = "article_bands"

    # the primary key is the lookup: ``key IN (...)`` searches it and reads article_id from it; on SQLite
    # the table is that B-tree itself (WITHOUT ROWID), half the size of a rowid table plus an index
    key: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )

    # the cascade and retention delete an article's 64 rows through it
    __table_args__ = (Index("ix_article_bands_article_id", "article_id"), {"sqlite_with_rowid": False})


class ArticleURL(Base):
    """Every URL under which an article was seen (canonical, requested, redirected, tracking variants)."""

    __tablename__ = "article_urls"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    url: Mapped[str] = mapped_column(String(URL_MAX))
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)

    __table_args__ = (UniqueConstraint("url", name="uq_article_urls_url"),)


class AuditEvent(Base):
    """Who read or exported what, and when (docs/principles.md, principle 3: every queue read and every export is audited)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100))
    detail: Mapped[str | None] = mapped_column(Text)
    # the item acted on or read ("story:12", "export:articles"), so admins can filter the log by item
    target: Mapped[str | None] = mapped_column(String(200), index=True)

    # the login throttle counts recent ``auth.login_failed`` rows per address (api/throttle.py): by action and time
    __table_args__ = (Index("ix_audit_log_action_at", "action", "at"),)


class Label(Base):
    """An analyst's label on an article: a topic, or the province relevance (who and when are kept)."""

    __tablename__ = "labels"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # topic | relevance
    value: Mapped[str] = mapped_column(String(50))  # a taxonomy key, or primary | mention | none
    province: Mapped[str | None] = mapped_column(String(100))  # for relevance labels
    labeller: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("article_id", "kind", "value", "labeller", name="uq_labels_once"),)


class ModelVersion(Base):
    """A registered model artifact: only registered artifacts (sha256-verified) are ever loaded."""

    __tablename__ = "model_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    artifact_path: Mapped[str] = mapped_column(String(1000))
    artifact_sha256: Mapped[str] = mapped_column(String(64))
    training_data_hash: Mapped[str] = mapped_column(String(64))
    metrics: Mapped[str] = mapped_column(Text)  # JSON
    status: Mapped[str] = mapped_column(String(20), default="candidate")  # candidate | promoted | retired
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    promoted_by: Mapped[str | None] = mapped_column(String(200))
    forced: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("name", "version", name="uq_model_versions_name_version"),)


class Classification(Base):
    """The current classification of an article (replaced when the promoted model changes)."""

    __tablename__ = "classifications"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    model_version_id: Mapped[int | None] = mapped_column(ForeignKey("model_versions.id", ondelete="SET NULL"))
    # the learned relevance decision that decided ``relevance`` (NULL: the matcher's rules); migration 0013
    relevance_version_id: Mapped[int | None] = mapped_column(ForeignKey("model_versions.id", ondelete="SET NULL"))
    topics: Mapped[str] = mapped_column(Text)  # JSON {topic_key: calibrated score}
    # the best of ``topics``: what reports count per day and filters match, without parsing JSON per row
    top_topic: Mapped[str | None] = mapped_column(String(50))
    relevance: Mapped[str] = mapped_column(String(10))  # primary | mention | none
    relevance_score: Mapped[float] = mapped_column(Float)
    province: Mapped[str] = mapped_column(String(100))
    places: Mapped[str] = mapped_column(Text)  # JSON list
    language: Mapped[str | None] = mapped_column(String(10))
    classified_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # a listing filtered by relevance or topic, newest first, reads its page in index order (migration 0014)
    __table_args__ = (Index("ix_classifications_relevance", "relevance", "article_id"),
                      Index("ix_classifications_top_topic", "top_topic", "article_id"))


# The office's tables share this metadata (migrations and the schema check see one model).
from bantin.store import alerting as _alerting  # noqa: E402,F401
from bantin.store import delivery as _delivery  # noqa: E402,F401
from bantin.store import office as _office  # noqa: E402,F401
from bantin.store import rollup as _rollup  # noqa: E402,F401
from bantin.store import searchindex as _searchindex  # noqa: E402,F401
