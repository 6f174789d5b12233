"""The daily digest through the outbox to a real SMTP server (aiosmtpd), SQLite and PostgreSQL: one message
per daily subscriber with both parts, the unsubscribe headers and a valid inline chart; running it twice for
a date sends nothing new; the morning job sends yesterday's at BANTIN_DIGEST_HOUR; `bantin digest send`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bantin.app.digests import digest_job, morning_day, queue_digests
from bantin.delivery.sender import deliver_due
from bantin.delivery.subscriptions import add_subscription
from bantin.store.schema import AuditEvent
from tests.delivery.conftest import PUBLIC_URL, LoopbackController, ScriptedHandler, outbox_rows, subscribe
from tests.queue.newsroom import BRIDGE, T0, Newsroom, syndicated

BRIDGE_TITLE = "Nghệ An khánh thành cầu Hưng Đức"
DAY = (T0 + timedelta(hours=7)).date()
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
Smtp = tuple[ScriptedHandler, LoopbackController]


def publish_day(ctx: Any) -> None:
    news = Newsroom(ctx)
    news.publish("Báo Thử", "cau", BRIDGE_TITLE, BRIDGE)
    news.classify()
    news.publish("Báo Khác", "cau-hung-duc", "Thông xe cầu Hưng Đức", syndicated(BRIDGE, "Nguồn: Báo Thử"),
                 T0 + timedelta(hours=2))
    news.classify()


def test_each_daily_subscriber_gets_one_complete_digest_however_often_it_runs(ctx: Any, smtp: Smtp) -> None:
    handler, _ = smtp
    publish_day(ctx)
    leader = subscribe(ctx, "giam.doc@example.gov.vn", name="Giám đốc Sở")
    subscribe(ctx, "chi.canh.bao@example.gov.vn", digest="none")  # alerts only: no digest
    run = queue_digests(ctx, DAY, actor="cli:tester")
    assert (run.queued, run.already, run.recipients) == (1, 0, ["giam.doc@example.gov.vn"])
    deliver_due(ctx)
    again = queue_digests(ctx, DAY, actor="cli:tester")  # the job ran twice for the day
    deliver_due(ctx)
    assert (again.queued, again.already) == (0, 1)
    [got] = handler.messages
    msg = got.message
    assert got.rcpt_tos == ["giam.doc@example.gov.vn"] and msg["Message-ID"] == outbox_rows(ctx)[0].message_id
    assert msg["List-Unsubscribe"] == f"<{PUBLIC_URL}/unsubscribe/{leader.token}>"
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = msg.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert BRIDGE_TITLE in text and BRIDGE_TITLE in html
    assert f"{PUBLIC_URL}/unsubscribe/{leader.token}" in text
    [image] = [p for p in msg.walk() if p.get_content_type() == "image/png"]
    assert image.get_content().startswith(PNG_MAGIC)
    assert "cid:" + image["Content-ID"].strip("<>") in html
    with ctx.sessions() as s:
        audited = s.scalars(select(AuditEvent).where(AuditEvent.action == "digest.send")).all()
    assert [a.target for a in audited] == [f"digest:{DAY.isoformat()}"]  # the second run had nothing to send


def test_subscribers_topics_narrow_their_digest(ctx: Any, smtp: Smtp) -> None:
    handler, _ = smtp
    publish_day(ctx)
    with ctx.sessions() as s:
        add_subscription(s, "the.thao@example.gov.vn", digest="daily", topics=["sports"], created_by="test")
        s.commit()
    subscribe(ctx, "tat.ca@example.gov.vn")
    queue_digests(ctx, DAY, actor="test")
    deliver_due(ctx)
    texts = {m.rcpt_tos[0]: m.message.get_body(("plain",)).get_content() for m in handler.messages}  # type: ignore[union-attr]
    assert BRIDGE_TITLE in texts["tat.ca@example.gov.vn"] and BRIDGE_TITLE not in texts["the.thao@example.gov.vn"]


def test_the_morning_job_sends_yesterdays_digest_once_at_the_configured_hour(ctx: Any, smtp: Smtp) -> None:
    handler, _ = smtp
    subscribe(ctx, "lanh.dao@example.gov.vn")
    before = datetime(2026, 12, 2, 6, 59, tzinfo=UTC) - timedelta(hours=7)  # 06:59 in Vietnam on 02/12
    assert morning_day(before, 7) is None and digest_job(ctx, now=before) is None
    at_seven = before + timedelta(minutes=1)
    assert morning_day(at_seven, 7) == datetime(2026, 12, 1).date()
    assert digest_job(ctx, now=at_seven).queued == 1  # type: ignore[union-attr]
    assert digest_job(ctx, now=at_seven + timedelta(minutes=5)).queued == 0  # type: ignore[union-attr]
    assert len(handler.messages) == 1 and "01/12/2026" in str(handler.messages[0].message["Subject"])


def test_dry_run_lists_the_recipients_and_queues_nothing(ctx: Any) -> None:
    subscribe(ctx, "thu.ky@example.gov.vn")
    run = queue_digests(ctx, DAY, actor="test", dry_run=True)
    assert run.recipients == ["thu.ky@example.gov.vn"] and outbox_rows(ctx) == []
