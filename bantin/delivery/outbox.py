"""Adding messages to the outbox, in the caller's transaction: the alert or digest and its messages commit
together, or neither does.

Each row has a dedup key (``"digest:2026-12-01:sub:7"``) that is UNIQUE in the table: a second enqueue with
the same key is a no-op (``INSERT ... ON CONFLICT DO NOTHING``), so a job that runs twice for a period sends
nothing new. Every email gets a Message-ID (``make_msgid`` on the public host's domain), stored with the row
and set in the message: a resend after a crash carries the same one (docs/delivery.md).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from bantin.app.settings import Settings, get_settings
from bantin.delivery.unsubscribe import unsubscribe_headers
from bantin.store.db import dialect_insert
from bantin.store.delivery import OutboxMessage, Subscription, WebhookEndpoint
from bantin.store.types import utcnow

# The column's width (store/delivery.py); keys are short ("alert:123:sub:7"), so this is only a guard.
MAX_KEY_CHARS = 200
# Random part of a webhook-id: 18 bytes, 24 URL-safe characters (never a "." that would blur the signed
# "id.timestamp.body" string).
WEBHOOK_ID_BYTES = 18
# Domain of Message-IDs when neither BANTIN_PUBLIC_URL nor BANTIN_MAIL_FROM names one (RFC 6761's .invalid
# would be rejected by some servers; localdomain is what hosts without a name use).
FALLBACK_DOMAIN = "bantin.localdomain"


class OutboxError(ValueError):
    """A message that cannot be queued as given (a bad key, no recipient)."""


def mail_domain(settings: Settings) -> str:
    """The public host's domain (BANTIN_PUBLIC_URL), else the sender's (BANTIN_MAIL_FROM)."""
    if settings.public_url and (host := urlsplit(settings.public_url).hostname):
        return host
    if settings.mail_from:
        return parseaddr(settings.mail_from)[1].rpartition("@")[2] or FALLBACK_DOMAIN
    return FALLBACK_DOMAIN


def sender_address(settings: Settings) -> str:
    """The From header: BANTIN_MAIL_FROM, else bantin@ the public host."""
    return settings.mail_from or f"bantin@{mail_domain(settings)}"


def _check_key(key: str) -> None:
    if not key or len(key) > MAX_KEY_CHARS:
        raise OutboxError(f"the dedup key must be 1 to {MAX_KEY_CHARS} characters")


def _insert(session: Session, now: datetime | None = None, **values: Any) -> int | None:
    now = now or utcnow()
    table = OutboxMessage.__table__
    stmt = (dialect_insert(session, table)
            .values(state="queued", attempts=0, next_attempt_at=now, created_at=now, **values)
            .on_conflict_do_nothing(index_elements=["dedup_key"])
            .returning(table.c.id))
    return session.execute(stmt).scalar()


def enqueue_email(session: Session, key: str, subscription: Subscription, message: EmailMessage,
                  *, settings: Settings | None = None, now: datetime | None = None) -> int | None:
    """Queue ``message`` for ``subscription`` under ``key``; the new row's id, or None when a row with this key
    exists already (nothing changes) or the subscription is inactive. Sets Message-ID, and To, From, Date and
    the RFC 8058 unsubscribe headers when the message has none. ``now`` is the job's clock (due from then)."""
    _check_key(key)
    settings = settings or get_settings()
    if not subscription.active:
        return None
    if subscription.id is None:
        session.flush()
    del message["Message-ID"]
    message_id = make_msgid(domain=mail_domain(settings))
    message["Message-ID"] = message_id
    defaults = {"To": formataddr((subscription.name or "", subscription.email)), "From": sender_address(settings),
                "Date": format_datetime(now or utcnow()), **unsubscribe_headers(subscription, settings)}
    for name, value in defaults.items():
        if name not in message:
            message[name] = value
    body = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))  # SMTP's line endings (RFC 5321)
    return _insert(session, now, kind="email", dedup_key=key, subscription_id=subscription.id,
                   recipient=subscription.email, message_id=message_id, body=body)


def enqueue_webhook(session: Session, key: str, endpoint: WebhookEndpoint, payload: Mapping[str, Any],
                    *, now: datetime | None = None) -> int | None:
    """Queue ``payload`` (JSON) for ``endpoint`` under ``key``, due from ``now`` (the job's clock); None when the
    key exists or the endpoint is off."""
    _check_key(key)
    if not endpoint.enabled:
        return None
    if endpoint.id is None:
        session.flush()
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str).encode("utf-8")
    return _insert(session, now, kind="webhook", dedup_key=key, endpoint_id=endpoint.id,
                   message_id="msg_" + secrets.token_urlsafe(WEBHOOK_ID_BYTES), body=body)
