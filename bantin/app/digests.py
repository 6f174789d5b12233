"""The daily digest's sending (the wiring of ``digest`` and ``delivery``): one message per active daily
subscription and day, queued in the outbox under the key ``digest:<day>:sub:<id>``, so however often it
runs a subscriber gets one digest a day (``bantin digest send``, and the ``digest.daily`` job of
``bantin serve`` at BANTIN_DIGEST_HOUR for the previous Vietnamese day).

Principle 3 (docs/principles.md): sending the digest is an export of the queue's stories; the audit row is
committed before the digest is read. Each subscriber's topics narrow their digest (none: every topic);
one digest (and one chart) is built per distinct set of topics, not per subscriber.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.utils import formataddr
from typing import TYPE_CHECKING

from sqlalchemy import select

from bantin.app import audit
from bantin.app.context import AppContext
from bantin.delivery.outbox import enqueue_email, sender_address
from bantin.delivery.subscriptions import active_subscriptions, topic_keys
from bantin.delivery.unsubscribe import unsubscribe_headers, unsubscribe_url
from bantin.store.delivery import OutboxMessage, Subscription
from bantin.store.types import utcnow

if TYPE_CHECKING:
    from bantin.digest import Digest

# How often the job looks whether the morning digest is due: it goes out within this of BANTIN_DIGEST_HOUR.
DIGEST_CHECK_INTERVAL_S = 300.0
VN_OFFSET = timedelta(hours=7)  # Asia/Ho_Chi_Minh has no daylight saving time


@dataclass
class DigestRun:
    day: date
    recipients: list[str] = field(default_factory=list)  # who is due a digest of this day
    queued: int = 0
    already: int = 0  # queued before (a second run for the day)


def digest_key(day: date, sub_id: int) -> str:
    return f"digest:{day.isoformat()}:sub:{sub_id}"


def queue_digests(ctx: AppContext, day: date, *, actor: str, dry_run: bool = False,
                  now: datetime | None = None) -> DigestRun:
    """Queue the digest of ``day`` for every active daily subscriber who has none for that day yet."""
    from bantin.digest import build_digest, chart_png, digest_email

    now, run, settings = now or utcnow(), DigestRun(day), ctx.settings
    with ctx.sessions() as s:
        subs = active_subscriptions(s, digest="daily")
        keys = {digest_key(day, x.id): x for x in subs}
        done = set(s.scalars(select(OutboxMessage.dedup_key).where(OutboxMessage.dedup_key.in_(list(keys)))))
        due = [x for k, x in keys.items() if k not in done]
        run.already, run.recipients = len(done), [x.email for x in due]
        if not due:
            return run
        audit.record(s, actor, "digest.send", audit_target=f"digest:{day.isoformat()}", recipients=len(due),
                     dry_run=dry_run)
        s.commit()  # principle 3: on record before the digest is read
    if dry_run:
        return run
    built: dict[tuple[str, ...], tuple[Digest, bytes]] = {}
    with ctx.read_sessions() as r:
        for topics in {tuple(topic_keys(x)) for x in due}:
            digest = build_digest(r, day, set(topics) or None, settings, now)
            built[topics] = (digest, chart_png(digest))
    with ctx.sessions() as s:
        for sub in due:
            current = s.get(Subscription, sub.id)
            if current is None or not current.active:
                continue
            digest, png = built[tuple(topic_keys(current))]
            message = digest_email(digest, to=formataddr((current.name or "", current.email)),
                                   from_=sender_address(settings), headers=unsubscribe_headers(current, settings),
                                   unsubscribe_url=unsubscribe_url(current, settings), chart=png)
            if enqueue_email(s, digest_key(day, current.id), current, message, settings=settings,
                             now=now) is None:
                run.already += 1
            else:
                run.queued += 1
        s.commit()
    return run


def morning_day(now: datetime, hour: int) -> date | None:
    """The day whose digest is due at ``now``: yesterday (Vietnam time) once today's ``hour`` has come."""
    local = now + VN_OFFSET
    return (local.date() - timedelta(days=1)) if local.hour >= hour else None


def digest_job(ctx: AppContext, now: datetime | None = None) -> DigestRun | None:
    """``bantin serve``'s morning digest: queue yesterday's when due (a no-op once queued), then deliver."""
    from bantin.delivery.sender import deliver_due

    day = morning_day(now or utcnow(), ctx.settings.digest_hour)
    if day is None:
        return None
    run = queue_digests(ctx, day, actor="system", now=now)
    if run.queued:
        deliver_due(ctx, now=now)
    return run
