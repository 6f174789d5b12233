"""Delivery's tables (bantin.delivery writes them): subscriptions to the digest and alerts, webhook
endpoints, and the transactional outbox of messages waiting to go out.

An outbox row is added in the same transaction as the alert or digest it carries; its ``dedup_key`` is
UNIQUE, so however often a job runs there is at most one message per (subscription, period). Principle 1
(docs/principles.md): a subscription is an address the office sends its own bulletins to, nothing more.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column

from bantin.store.schema import URL_MAX, Base
from bantin.store.types import UTCDateTime, utcnow

DIGEST_CHOICES = ("none", "daily")
MESSAGE_KINDS = ("email", "webhook")
# queued: waiting for its first attempt; sending: claimed under a lease; failed: a temporary failure,
# retried at next_attempt_at; sent: delivered; dead: never retried (a 5xx, a 410, unsubscribed, too old).
MESSAGE_STATES = ("queued", "sending", "failed", "sent", "dead")
# RFC 5321 caps a forward path at 256 octets, an address at 254 (RFC 3696 errata); 320 leaves no doubt.
EMAIL_MAX = 320

_ID = BigInteger().with_variant(Integer, "sqlite")


class Subscription(Base):
    """An address that gets the daily digest and/or alerts of the named rules; unsubscribed by its token."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)  # stored lower-cased
    name: Mapped[str | None] = mapped_column(String(200))
    digest: Mapped[str] = mapped_column(String(10), default="none")  # one of DIGEST_CHOICES
    rules: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of alert rule names
    topics: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of the digest's topic keys; []: every topic
    # A random URL-safe token: the credential of the one-click unsubscribe link (RFC 8058). Kept in clear
    # because every message rebuilds the link from it; it allows nothing but unsubscribing this address.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a 5xx: admins check the address
    flag_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookEndpoint(Base):
    """Where webhook messages are POSTed, signed with ``secret`` (Standard Webhooks; shown once)."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    url: Mapped[str] = mapped_column(String(URL_MAX))
    secret: Mapped[str] = mapped_column(String(100))  # "whsec_" + base64 of the key; needed to sign
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutboxMessage(Base):
    """One message to deliver: the rendered RFC 5322 bytes (email) or JSON body (webhook), and its state."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # one of MESSAGE_KINDS
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)  # "digest:2026-12-01:sub:7"
    subscription_id: Mapped[int | None] = mapped_column(ForeignKey("subscriptions.id", ondelete="SET NULL"),
                                                        index=True)
    endpoint_id: Mapped[int | None] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="SET NULL"),
                                                    index=True)
    recipient: Mapped[str | None] = mapped_column(String(EMAIL_MAX))  # the envelope's RCPT TO (email)
    message_id: Mapped[str] = mapped_column(String(255))  # Message-ID (email) / webhook-id (webhook)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    state: Mapped[str] = mapped_column(String(10), default="queued")  # one of MESSAGE_STATES
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_outbox_due", "state", "next_attempt_at"),)
