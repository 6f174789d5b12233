"""The outbox's sender: claim due rows under a lease, deliver each outside any transaction, record what
happened in a transaction of its own. Safe to run in several processes at once (``bantin serve`` every
minute, ``bantin outbox deliver`` by hand): a row is claimed by one sender at a time.

Claiming is one transaction: select due rows (queued or failed with ``next_attempt_at <= now``, or
``sending`` with an expired lease: a sender that died) and mark them ``sending`` with ``claimed_by`` and
``claimed_until``. On PostgreSQL the select is ``FOR UPDATE SKIP LOCKED`` (two senders take different rows
without waiting); on SQLite the transaction takes the write lock at BEGIN (store/db.py), which serialises
claims. The result is written only while the row is still ours (``claimed_by`` = this sender and
``sending``). A crash before the send: the lease expires and the row is sent once. A crash between the
server's 250 and the commit: the row is sent again with the same Message-ID (docs/delivery.md).
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bantin.app import audit
from bantin.app.context import AppContext
from bantin.app.stats import CounterStats, inc
from bantin.delivery import webhooks
from bantin.delivery.outbox import sender_address
from bantin.delivery.outcome import Outcome
from bantin.delivery.smtp import SmtpTransport
from bantin.store.delivery import OutboxMessage, Subscription, WebhookEndpoint
from bantin.store.types import utcnow

log = logging.getLogger("bantin.delivery")

# First retry a minute after a temporary failure (a greylisting server asks for about that), doubling.
BACKOFF_BASE = timedelta(minutes=1)
# Never wait more than an hour between attempts: a server that was down for an hour gets the mail within
# the next hour after it is back (attempts at 1, 2, 4, ... 60, 60 minutes continue until GIVE_UP_AFTER).
BACKOFF_MAX = timedelta(hours=1)
# A message still failing two days after it was queued is given up (dead): the digest has been replaced
# by two newer ones by then, and mail servers themselves give up after a few days (RFC 5321, 4.5.4.1).
GIVE_UP_AFTER = timedelta(days=2)
# Rows claimed per transaction; each is sent before the next claim.
CLAIM_BATCH = 20
# A claimed row belongs to its sender this long: longer than a batch can take (CLAIM_BATCH messages of a
# few SMTP commands, each bounded by BANTIN_SMTP_TIMEOUT_S = 30 s), so a live sender never loses a row.
LEASE = timedelta(minutes=30)
# One run delivers at most this many rows, so that the every-minute job always returns (the rest next run).
MAX_PER_RUN = 500
RETRYABLE_STATES = ("queued", "failed")


class EmailTransport(Protocol):
    def send(self, sender: str, recipient: str, body: bytes) -> Outcome: ...

    def close(self) -> None: ...


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 1, 2, 4, ... minutes, capped at BACKOFF_MAX."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def worker_id() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"


def _due(now: datetime, kinds: list[str]) -> Any:
    waiting = and_(OutboxMessage.state.in_(RETRYABLE_STATES), OutboxMessage.next_attempt_at <= now)
    abandoned = and_(OutboxMessage.state == "sending", OutboxMessage.claimed_until < now)
    return and_(OutboxMessage.kind.in_(kinds), or_(waiting, abandoned))


def claim(sessions: sessionmaker[Session], worker: str, now: datetime, kinds: list[str], limit: int,
          stats: CounterStats | None = None) -> list[OutboxMessage]:
    """Mark up to ``limit`` due rows as ours (``sending`` until ``now + LEASE``) and return them."""
    with sessions() as s:
        query = (select(OutboxMessage.id, OutboxMessage.state).where(_due(now, kinds))
                 .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit))
        if s.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = s.execute(query).all()
        if not rows:
            return []
        ids = [r.id for r in rows]
        inc(stats, "delivery/reclaimed_expired_lease", sum(r.state == "sending" for r in rows))
        s.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids), _due(now, kinds))
                  .values(state="sending", claimed_by=worker, claimed_until=now + LEASE,
                          attempts=OutboxMessage.attempts + 1))
        claimed = list(s.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids),
                                                             OutboxMessage.claimed_by == worker)
                                 .order_by(OutboxMessage.id)))
        s.commit()
    inc(stats, "delivery/claimed", len(claimed))
    return claimed


def _targets(sessions: sessionmaker[Session], batch: list[OutboxMessage]) -> tuple[set[int], dict[int, Any]]:
    """Active subscriptions and enabled endpoints among the batch's (read just before sending)."""
    sub_ids = {m.subscription_id for m in batch if m.subscription_id is not None}
    end_ids = {m.endpoint_id for m in batch if m.endpoint_id is not None}
    with sessions() as s:
        active = set(s.scalars(select(Subscription.id).where(Subscription.id.in_(sub_ids), Subscription.active)))
        endpoints = {e.id: e for e in s.scalars(select(WebhookEndpoint).where(WebhookEndpoint.id.in_(end_ids),
                                                                               WebhookEndpoint.enabled))}
    return active, endpoints


def _attempt(msg: OutboxMessage, active: set[int], endpoints: dict[int, Any], ctx: AppContext,
             transport: EmailTransport) -> Outcome:
    if msg.kind == "email":
        if msg.subscription_id not in active or not msg.recipient:
            return Outcome("dead", "delivery/cancelled_unsubscribed", "unsubscribed or removed before sending")
        return transport.send(sender_address(ctx.settings), msg.recipient, msg.body)
    endpoint = endpoints.get(msg.endpoint_id) if msg.endpoint_id is not None else None
    if endpoint is None:
        return Outcome("dead", "delivery/cancelled_endpoint_disabled", "webhook endpoint disabled or removed")
    return webhooks.post(endpoint.url, endpoint.secret, msg.message_id, msg.body, ctx.settings.user_agent)


def _finish(sessions: sessionmaker[Session], msg: OutboxMessage, worker: str, outcome: Outcome, now: datetime,
            stats: CounterStats) -> None:
    """Record ``outcome`` in its own transaction, only while the row is still ours."""
    values: dict[str, Any] = {"claimed_by": None, "claimed_until": None, "last_error": outcome.error}
    stat = outcome.stat
    if outcome.status == "sent":
        values.update(state="sent", sent_at=now)
    elif outcome.status == "dead":
        values.update(state="dead")
    elif now - msg.created_at >= GIVE_UP_AFTER:
        values.update(state="dead", last_error=f"gave up after {GIVE_UP_AFTER}: {outcome.error}")
        stat = "delivery/gave_up_too_old"
    else:
        values.update(state="failed", next_attempt_at=now + backoff(msg.attempts))
    with sessions() as s:
        done = s.execute(update(OutboxMessage).where(OutboxMessage.id == msg.id, OutboxMessage.claimed_by == worker,
                                                     OutboxMessage.state == "sending").values(**values))
        if done.rowcount != 1:  # type: ignore[attr-defined]
            inc(stats, "delivery/lease_lost")  # another sender took it after our lease expired
            return
        if outcome.flag_address and msg.subscription_id is not None:
            s.execute(update(Subscription).where(Subscription.id == msg.subscription_id)
                      .values(flagged_at=now, flag_reason=outcome.error))
            audit.record(s, "system", "delivery.address_flagged", audit_target=f"subscription:{msg.subscription_id}",
                         reply=outcome.error)
        if outcome.disable_endpoint and msg.endpoint_id is not None:
            s.execute(update(WebhookEndpoint).where(WebhookEndpoint.id == msg.endpoint_id)
                      .values(enabled=False, disabled_at=now, disabled_reason=outcome.error))
            audit.record(s, "system", "delivery.webhook_disabled", audit_target=f"webhook:{msg.endpoint_id}",
                         reply=outcome.error)
        s.commit()
    inc(stats, stat)
    if values["state"] == "dead" and outcome.status != "sent":
        log.warning("thư không gửi được (message given up) %s #%s: %s", msg.kind, msg.id, values["last_error"])


def _waiting_emails(sessions: sessionmaker[Session], now: datetime) -> int:
    with sessions() as s:
        return int(s.scalar(select(func.count()).select_from(OutboxMessage).where(_due(now, ["email"]))) or 0)


def deliver_due(ctx: AppContext, *, now: datetime | None = None, limit: int = MAX_PER_RUN,
                transport: EmailTransport | None = None) -> dict[str, int]:
    """Deliver the outbox once: every due row, up to ``limit``; the named counts of what happened.
    Without BANTIN_SMTP_HOST emails wait in the outbox (counted) and only webhooks go."""
    stats = CounterStats()
    kinds = ["webhook"]
    if ctx.settings.smtp_host or transport is not None:
        kinds.append("email")
    else:
        inc(stats, "delivery/email_waiting_no_smtp", _waiting_emails(ctx.sessions, now or utcnow()))
    worker = worker_id()
    smtp: EmailTransport = transport or SmtpTransport(ctx.settings)
    done = 0
    try:
        while done < limit:
            at = now or utcnow()
            batch = claim(ctx.sessions, worker, at, kinds, min(CLAIM_BATCH, limit - done), stats)
            if not batch:
                break
            active, endpoints = _targets(ctx.sessions, batch)
            for msg in batch:
                outcome = _attempt(msg, active, endpoints, ctx, smtp)
                _finish(ctx.sessions, msg, worker, outcome, now or utcnow(), stats)
                if outcome.disable_endpoint and msg.endpoint_id is not None:  # the rest of its batch: cancelled
                    endpoints.pop(msg.endpoint_id, None)
            done += len(batch)
    finally:
        smtp.close()
    counts = stats.get_stats()
    if done:
        log.info("hộp thư đi (outbox): %s", ", ".join(f"{k.removeprefix('delivery/')}={v}" for k, v in sorted(counts.items())))
    return counts
