"""The office's data: staff accounts and their credentials, the review queue of stories, its history and
notes, response cases and the tracking of originals, queue rules, saved searches and response times.

Principle 1 (docs/principles.md): users are the office's own staff accounts (a name and a role), not
profiles of people in the news; nothing here describes an author or a person written about.
Principle 2: a story ends ``responded`` (a public response) or ``dismissed`` (with a reason); there is no
state or label for dissent.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from bantin.store.schema import URL_MAX, Base
from bantin.store.types import UTCDateTime, utcnow

# Roles, least to most privileged (api/roles.py orders them): each includes the rights of those before it.
ROLES = ("viewer", "reviewer", "analyst", "admin")
# Queue states (queue/states.py holds the allowed transitions).
STORY_STATES = ("new", "triaged", "assigned", "responding", "responded", "dismissed")
OPEN_STATES = STORY_STATES[:4]  # still being worked
CLOSED_STATES = STORY_STATES[4:]  # a public response or a dismissal (principle 2)
PRIORITIES = ("low", "normal", "high", "urgent")

_ID = BigInteger().with_variant(Integer, "sqlite")


class User(Base):
    """A staff account: a login name, a role and an Argon2 password hash (never a default credential)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))  # one of ROLES
    password_hash: Mapped[str | None] = mapped_column(String(300))  # None: token-only account
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiToken(Base):
    """A bearer token for scripts: shown once when issued, stored as its SHA-256, revocable."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    label: Mapped[str | None] = mapped_column(String(200))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))  # the first characters, to tell tokens apart in lists
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebSession(Base):
    """A browser session: the cookie carries a random token, the database its SHA-256 and the CSRF token."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Story(Base):
    """A queue item: one syndication cluster (a story), however many copies join it.

    The outlet, language and publication columns summarise the cluster's copies (queue/stories.py keeps
    them current as copies join); acting on the item acts on the story.
    """

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    cluster_id: Mapped[int | None] = mapped_column(ForeignKey("clusters.id", ondelete="SET NULL"), unique=True)
    origin_article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))
    title: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default="new")  # one of STORY_STATES
    priority: Mapped[str] = mapped_column(String(10), default="normal")  # one of PRIORITIES
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    dismissed_reason: Mapped[str | None] = mapped_column(Text)
    relevance: Mapped[str | None] = mapped_column(String(10))  # the strongest of the copies'
    topic: Mapped[str | None] = mapped_column(String(50))  # the origin's best topic key
    topics: Mapped[str | None] = mapped_column(Text)  # JSON {topic: score} of the origin
    copies: Mapped[int] = mapped_column(Integer, default=1)
    outlets: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of source names
    languages: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of language codes
    foreign_outlets: Mapped[int] = mapped_column(Integer, default=0)
    first_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    latest_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    entered_by: Mapped[str] = mapped_column(String(120))  # "relevance:primary" | "rule:<name>"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # bumped on every change: PATCH with If-Match refuses a stale write (two officers on one story)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (
        Index("ix_stories_state_updated", "state", "updated_at", "id"),
        Index("ix_stories_latest", "latest_published_at", "id"),
    )


class StoryEvent(Base):
    """One row of a story's history: who did what, when (state changes, assignment, copies joining)."""

    __tablename__ = "story_events"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))  # "user:NAME" | "system"
    action: Mapped[str] = mapped_column(String(40))  # created | state | owner | priority | due | note | copy | merged | response | tracking
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str | None] = mapped_column(String(20))
    detail: Mapped[str | None] = mapped_column(Text)  # JSON


class StoryNote(Base):
    __tablename__ = "story_notes"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ResponseCase(Base):
    """What the office did about a story: a published response, or a correction requested from an outlet."""

    __tablename__ = "responses"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # published | correction_request
    url: Mapped[str | None] = mapped_column(String(URL_MAX))  # where the response was published
    outlet: Mapped[str | None] = mapped_column(String(200))  # who published it / whom the request went to
    channel: Mapped[str | None] = mapped_column(String(30))  # email | phone | letter | web_form | meeting | other
    at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # published / requested at
    summary: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TrackedOriginal(Base):
    """An original article the office watches after asking for a correction: re-fetched on a schedule."""

    __tablename__ = "tracked_originals"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    story_id: Mapped[int] = mapped_column(ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))
    url: Mapped[str] = mapped_column(String(URL_MAX))
    baseline_text: Mapped[str] = mapped_column(Text)  # the text when tracking began (the diff's left side)
    last_text_hash: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default="tracking")  # tracking | unchanged | changed | gone | error
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    interval_s: Mapped[int] = mapped_column(Integer)
    next_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    last_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TrackingCheck(Base):
    """One re-fetch of a tracked original and what it found (a unified text diff when it changed)."""

    __tablename__ = "tracking_checks"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    tracked_id: Mapped[int] = mapped_column(ForeignKey("tracked_originals.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    http_status: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(20))  # unchanged | changed | gone | error
    text_hash: Mapped[str | None] = mapped_column(String(64))
    diff: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)


class SavedSearch(Base):
    """A user's saved search: a full-text query and filters (JSON), reusable by queue and alert rules."""

    __tablename__ = "saved_searches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    query: Mapped[str | None] = mapped_column(Text)
    filters: Mapped[str] = mapped_column(Text, default="{}")  # JSON: topic, relevance, source, language ...
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_saved_searches_user_name"),)


class QueueRule(Base):
    """Admits stories beyond the province's ``primary`` ones: empty lists match anything."""

    __tablename__ = "queue_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    relevance: Mapped[str] = mapped_column(Text, default='["mention"]')  # JSON list
    topics: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of topic keys
    source_ids: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of source ids
    languages: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of language codes
    saved_search_id: Mapped[int | None] = mapped_column(ForeignKey("saved_searches.id", ondelete="SET NULL"))
    priority: Mapped[str] = mapped_column(String(10), default="normal")  # given to the stories it admits
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ResponseTime(Base):
    """How long the office gives itself to answer a story of a priority (sets ``Story.due_at``)."""

    __tablename__ = "response_times"

    priority: Mapped[str] = mapped_column(String(10), primary_key=True)
    hours: Mapped[int] = mapped_column(Integer)
