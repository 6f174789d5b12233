"""Email through the outbox to a real SMTP server on loopback (aiosmtpd), on SQLite and PostgreSQL: one
message per key however often the sender runs, the same Message-ID on every attempt, 4xx retried with
backoff, 5xx never retried and the address flagged, an hour of SMTP downtime loses nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bantin.delivery.sender import BACKOFF_MAX, LEASE, claim, deliver_due
from bantin.store.delivery import Subscription
from bantin.store.schema import AuditEvent
from tests.delivery.conftest import (
    MAIL_FROM,
    PUBLIC_URL,
    LoopbackController,
    ScriptedHandler,
    at,
    enqueue,
    outbox_rows,
    subscribe,
)

Smtp = tuple[ScriptedHandler, LoopbackController]


def test_an_enqueued_email_is_delivered_once_with_its_message_id_and_unsubscribe_headers(ctx: Any, smtp: Smtp) -> None:
    handler, _ = smtp
    sub = subscribe(ctx, "Lanh.Dao@Example.gov.vn", name="Lãnh đạo Sở")
    assert enqueue(ctx, f"digest:2026-12-01:sub:{sub.id}", sub) is not None

    counts = deliver_due(ctx)
    assert counts["delivery/email_sent"] == 1
    [got] = handler.messages
    row = outbox_rows(ctx)[0]
    msg = got.message
    assert got.rcpt_tos == ["lanh.dao@example.gov.vn"] and got.mail_from == "bantin@example.gov.vn"
    assert msg["Message-ID"] == row.message_id and row.message_id.endswith("@bantin.example.gov.vn>")
    assert msg["List-Unsubscribe"] == f"<{PUBLIC_URL}/unsubscribe/{sub.token}>"
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert str(msg["To"]) == "Lãnh đạo Sở <lanh.dao@example.gov.vn>" and str(msg["From"]) == MAIL_FROM
    assert msg.get_body(("plain",)).get_content().startswith("Tin nổi bật hôm nay")  # type: ignore[union-attr]
    assert row.state == "sent" and row.attempts == 1 and row.sent_at is not None

    assert deliver_due(ctx).get("delivery/email_sent", 0) == 0  # a second run sends nothing new
    assert len(handler.messages) == 1


def test_enqueueing_the_same_key_twice_gives_one_message(ctx: Any, smtp: Smtp) -> None:
    handler, _ = smtp
    sub = subscribe(ctx, "pho.giam.doc@example.gov.vn")
    first = enqueue(ctx, f"digest:2026-12-01:sub:{sub.id}", sub)
    again = enqueue(ctx, f"digest:2026-12-01:sub:{sub.id}", sub)  # the digest job ran twice for the day
    assert first is not None and again is None
    deliver_due(ctx)
    deliver_due(ctx)
    assert len(handler.messages) == 1 and len(outbox_rows(ctx)) == 1
    enqueue(ctx, f"digest:2026-12-02:sub:{sub.id}", sub)  # the next period is a new message
    deliver_due(ctx)
    assert len(handler.messages) == 2


def test_a_crash_after_claiming_then_a_restart_gives_exactly_one_message_per_recipient(ctx: Any, smtp: Smtp) -> None:
    handler, _ = smtp
    subs = [subscribe(ctx, f"can.bo{i}@example.gov.vn") for i in range(3)]
    for sub in subs:
        enqueue(ctx, f"digest:2026-12-01:sub:{sub.id}", sub)
    claimed = claim(ctx.sessions, "dead-sender:1", at(0), ["email"], 10)  # then it dies before sending
    assert len(claimed) == 3

    assert deliver_due(ctx).get("delivery/claimed", 0) == 0  # still under the dead sender's lease
    assert handler.messages == []
    counts = deliver_due(ctx, now=at(LEASE.total_seconds() / 60 + 1))  # after the lease, a restarted sender
    assert counts["delivery/reclaimed_expired_lease"] == 3 and counts["delivery/email_sent"] == 3
    deliver_due(ctx, now=at(LEASE.total_seconds() / 60 + 2))
    assert sorted(a for m in handler.messages for a in m.rcpt_tos) == sorted(s.email for s in subs)


def test_a_crash_between_the_250_and_the_commit_resends_with_the_same_message_id(ctx: Any, smtp: Smtp,
                                                                                 monkeypatch: Any) -> None:
    """The honest case of docs/delivery.md: the server has the message, our row still says "sending"."""
    import bantin.delivery.sender as sender

    handler, _ = smtp
    sub = subscribe(ctx, "van.thu@example.gov.vn")
    enqueue(ctx, f"alert:17:sub:{sub.id}", sub)

    def crash(*_a: Any, **_k: Any) -> None:
        raise KeyboardInterrupt("the process dies before it records the 250")

    monkeypatch.setattr(sender, "_finish", crash)
    try:
        deliver_due(ctx)
    except KeyboardInterrupt:
        pass
    monkeypatch.undo()
    assert len(handler.messages) == 1 and outbox_rows(ctx)[0].state == "sending"
    deliver_due(ctx, now=at(LEASE.total_seconds() / 60 + 1))
    first, second = handler.messages
    assert first.message["Message-ID"] == second.message["Message-ID"] == outbox_rows(ctx)[0].message_id
    assert outbox_rows(ctx)[0].state == "sent"


def test_a_451_once_gives_one_delivery_after_the_retry(ctx: Any, smtp: Smtp) -> None:
    handler, _ = smtp
    handler.rcpt_replies.append("451 4.7.1 Greylisted, try again later")
    sub = subscribe(ctx, "tiep.nhan@example.gov.vn")
    enqueue(ctx, f"digest:2026-12-01:sub:{sub.id}", sub)

    counts = deliver_due(ctx)
    row = outbox_rows(ctx)[0]
    assert counts["delivery/email_retry_4xx_rcpt"] == 1 and handler.messages == []
    assert row.state == "failed" and "451" in (row.last_error or "") and row.next_attempt_at > row.created_at
    assert deliver_due(ctx).get("delivery/claimed", 0) == 0  # not before its next attempt
    deliver_due(ctx, now=at(2))
    deliver_due(ctx, now=at(5))
    assert len(handler.messages) == 1 and outbox_rows(ctx)[0].state == "sent"
    assert outbox_rows(ctx)[0].attempts == 2


def test_a_550_is_not_retried_and_the_address_is_flagged_for_admins(ctx: Any, smtp: Smtp) -> None:
    handler, _ = smtp
    handler.refuse["khong.ton.tai@example.gov.vn"] = "550 5.1.1 No such user here"
    bad, good = subscribe(ctx, "khong.ton.tai@example.gov.vn"), subscribe(ctx, "co.that@example.gov.vn")
    for sub in (bad, good):
        enqueue(ctx, f"digest:2026-12-01:sub:{sub.id}", sub)

    counts = deliver_due(ctx)
    assert counts["delivery/email_dead_5xx_rcpt"] == 1 and counts["delivery/email_sent"] == 1
    for minutes in (2, 30, 120):
        assert deliver_due(ctx, now=at(minutes)).get("delivery/claimed", 0) == 0  # never retried
    assert [m.rcpt_tos for m in handler.messages] == [["co.that@example.gov.vn"]]
    with ctx.sessions() as s:
        flagged = s.get(Subscription, bad.id)
        assert flagged.flagged_at is not None and "550 5.1.1" in flagged.flag_reason
        assert s.get(Subscription, good.id).flagged_at is None
        audit = s.scalars(select(AuditEvent).where(AuditEvent.action == "delivery.address_flagged")).all()
        assert [a.target for a in audit] == [f"subscription:{bad.id}"]
    assert [r.state for r in outbox_rows(ctx)] == ["dead", "sent"]


def test_an_hour_of_smtp_downtime_loses_nothing(ctx: Any, smtp: Smtp) -> None:
    handler, controller = smtp
    controller.stop()  # nothing listens on the port any more: connections are refused
    subs = [subscribe(ctx, f"nguoi.nhan{i}@example.gov.vn") for i in range(3)]
    for sub in subs:
        enqueue(ctx, f"digest:2026-12-01:sub:{sub.id}", sub)
    start = at(0)
    waits = []
    for minute in range(0, 75, 1):  # the every-minute job, through 75 minutes of downtime
        deliver_due(ctx, now=at(minute, start))
        rows = outbox_rows(ctx)
        assert all(r.state == "failed" for r in rows), [r.state for r in rows]
        waits.append(max(r.next_attempt_at for r in rows) - at(minute, start))
    rows = outbox_rows(ctx)
    assert all("refused" in (r.last_error or "").lower() for r in rows), rows[0].last_error
    assert 5 <= rows[0].attempts <= 10  # backed off: not 75 attempts, and still trying
    assert max(waits) <= BACKOFF_MAX

    back = LoopbackController(handler, hostname="127.0.0.1", port=controller.port)  # the server is back
    back.start()
    try:
        deliver_due(ctx, now=at(75 + BACKOFF_MAX.total_seconds() / 60, start))
    finally:
        back.stop()
    assert sorted(a for m in handler.messages for a in m.rcpt_tos) == sorted(s.email for s in subs)
    assert all(r.state == "sent" for r in outbox_rows(ctx))


def test_a_message_to_an_address_that_unsubscribed_before_the_send_is_not_sent(ctx: Any, smtp: Smtp) -> None:
    from bantin.delivery.subscriptions import unsubscribe

    handler, _ = smtp
    sub = subscribe(ctx, "da.huy@example.gov.vn")
    enqueue(ctx, f"digest:2026-12-01:sub:{sub.id}", sub)
    with ctx.sessions() as s:
        unsubscribe(s.get(Subscription, sub.id))
        s.commit()
    counts = deliver_due(ctx)
    assert counts["delivery/cancelled_unsubscribed"] == 1 and handler.messages == []
    assert outbox_rows(ctx)[0].state == "dead"
    assert enqueue(ctx, f"digest:2026-12-02:sub:{sub.id}", sub) is None  # nothing new is queued for it


def test_two_senders_at_once_deliver_each_message_exactly_once(ctx: Any, smtp: Smtp) -> None:
    """Two sender threads on one database (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: the write lock)."""
    import threading

    handler, _ = smtp
    subs = [subscribe(ctx, f"so.{i}@example.gov.vn") for i in range(30)]
    for sub in subs:
        enqueue(ctx, f"digest:2026-12-01:sub:{sub.id}", sub)
    results: list[dict[str, int]] = []
    threads = [threading.Thread(target=lambda: results.append(deliver_due(ctx))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sum(r.get("delivery/email_sent", 0) for r in results) == 30
    assert sorted(a for m in handler.messages for a in m.rcpt_tos) == sorted(s.email for s in subs)
    assert all(r.get("delivery/lease_lost", 0) == 0 for r in results)


def test_a_name_with_a_line_break_is_refused(ctx: Any) -> None:
    import pytest

    from bantin.delivery.subscriptions import SubscriptionError

    with pytest.raises(SubscriptionError, match="one line"):
        subscribe(ctx, "a@example.gov.vn", name="Tên\r\nBcc: b@example.com")


def test_finished_messages_past_retention_are_pruned_and_waiting_ones_stay(ctx: Any, smtp: Smtp) -> None:

    from sqlalchemy import update

    from bantin.app.retention import run_prune
    from bantin.store.delivery import OutboxMessage

    sent, waiting = subscribe(ctx, "da.gui@example.gov.vn"), subscribe(ctx, "dang.cho@example.gov.vn")
    enqueue(ctx, f"digest:2024-01-01:sub:{sent.id}", sent)
    deliver_due(ctx)
    enqueue(ctx, f"digest:2024-01-01:sub:{waiting.id}", waiting)
    old = at(-(ctx.settings.retention_days + 1) * 24 * 60)
    with ctx.sessions() as s:
        s.execute(update(OutboxMessage).values(created_at=old))
        s.commit()
    assert run_prune(ctx.settings, ctx.engine, dry_run=True).deleted["outbox"] == 1
    assert run_prune(ctx.settings, ctx.engine).deleted["outbox"] == 1
    assert [r.recipient for r in outbox_rows(ctx)] == ["dang.cho@example.gov.vn"]


def test_the_digest_and_alerts_find_their_active_subscribers(ctx: Any) -> None:
    from bantin.delivery.subscriptions import active_subscriptions, add_subscription, unsubscribe

    with ctx.sessions() as s:
        daily = add_subscription(s, "hang.ngay@example.gov.vn", digest="daily", created_by="test")
        alerts = add_subscription(s, "canh.bao@example.gov.vn", rules=["Thiên tai"], created_by="test")
        gone = add_subscription(s, "da.nghi@example.gov.vn", digest="daily", rules=["Thiên tai"], created_by="test")
        unsubscribe(gone)
        s.commit()
        assert [x.email for x in active_subscriptions(s, digest="daily")] == [daily.email]
        assert [x.email for x in active_subscriptions(s, rule="Thiên tai")] == [alerts.email]
        assert len(active_subscriptions(s)) == 2
