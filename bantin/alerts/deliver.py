"""An alert's messages (issue #11): an email in Vietnamese to every active subscriber following the rule and
a JSON payload to every enabled webhook endpoint, queued in the caller's transaction (the alert's own), under
the keys ``alert:{id}:sub:{sub}`` and ``alert:{id}:webhook:{endpoint}``.

Imports: ``delivery`` (the outbox, subscriptions, unsubscribe links), ``store`` (the tables), ``app``
(settings). Each alert links its stories as ``{BANTIN_PUBLIC_URL}/stories/{id}``.
"""

from __future__ import annotations

import json
from datetime import datetime
from email.message import EmailMessage
from html import escape
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bantin.alerts.explain import VIETNAM
from bantin.app.settings import Settings
from bantin.delivery.outbox import enqueue_email, enqueue_webhook
from bantin.delivery.subscriptions import active_subscriptions
from bantin.delivery.unsubscribe import public_base, unsubscribe_url
from bantin.store.alerting import AlertEvent, AlertRule
from bantin.store.delivery import Subscription, WebhookEndpoint

# Subjects are one line a phone shows whole; the why is cut beyond this.
SUBJECT_WHY_CHARS = 120
# Webhook endpoints an office has: a handful; bounded anyway.
MAX_ENDPOINTS = 100
KIND_NAMES = {"new_primary_story": "tin mới về tỉnh", "foreign_coverage": "báo nước ngoài đưa tin",
              "volume_spike": "số bài tăng đột biến", "source_quiet": "nguồn tin ngừng hoạt động"}


def story_links(alert: AlertEvent, settings: Settings) -> list[str]:
    return [f"{public_base(settings)}/stories/{sid}" for sid in json.loads(alert.story_ids or "[]")]


def alert_email(rule: AlertRule, alert: AlertEvent, sub: Subscription, settings: Settings) -> EmailMessage:
    """Subject "Cảnh báo: …", a plain text part and a simple HTML part, UTF-8."""
    links = story_links(alert, settings)
    when = alert.fired_at.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")
    why = alert.why.replace("\n", " ")
    msg = EmailMessage()
    subject_why = why if len(why) <= SUBJECT_WHY_CHARS else why[: SUBJECT_WHY_CHARS - 1] + "…"
    msg["Subject"] = f"Cảnh báo: {subject_why}"
    kind = KIND_NAMES.get(rule.kind, rule.kind)
    stop = unsubscribe_url(sub, settings)
    text = [f"Cảnh báo «{rule.name}» ({kind}), lúc {when}.", "", f"Lý do: {why}", ""]
    if links:
        text += ["Xem tin:", *[f"  {u}" for u in links], ""]
    text += ["—", f"Ngừng nhận thư: {stop}"]
    msg.set_content("\n".join(text) + "\n", charset="utf-8")
    items = "".join(f'<li><a href="{escape(u)}">{escape(u)}</a></li>' for u in links)
    html = (f"<p>Cảnh báo <b>{escape(rule.name)}</b> ({escape(kind)}), lúc {when}.</p>"
            f"<p>Lý do: {escape(why)}</p>" + (f"<p>Xem tin:</p><ul>{items}</ul>" if links else "")
            + f'<p><small><a href="{escape(stop)}">Ngừng nhận thư</a></small></p>')
    msg.add_alternative(f"<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\"><body>{html}</body></html>",
                        subtype="html", charset="utf-8")
    return msg


def alert_payload(rule: AlertRule, alert: AlertEvent, settings: Settings) -> dict[str, Any]:
    return {"type": "alert.fired", "alert_id": alert.id, "key": alert.key, "rule": rule.name, "kind": rule.kind,
            "fired_at": alert.fired_at.astimezone(VIETNAM).isoformat(), "why": alert.why, "count": alert.count,
            "expected": alert.expected, "series": alert.series, "story_ids": json.loads(alert.story_ids or "[]"),
            "links": story_links(alert, settings)}


def enqueue_alert(session: Session, rule: AlertRule, alert: AlertEvent, settings: Settings,
                  now: datetime | None = None) -> tuple[int, int]:
    """Queue the alert's emails and webhooks in ``session`` (the caller commits), due from ``now`` (the rule
    job's clock); (emails, webhooks) queued."""
    emails = hooks = 0
    for sub in active_subscriptions(session, rule=rule.name):
        if enqueue_email(session, f"alert:{alert.id}:sub:{sub.id}", sub, alert_email(rule, alert, sub, settings),
                         settings=settings, now=now) is not None:
            emails += 1
    payload = alert_payload(rule, alert, settings)
    endpoints = session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.enabled)
                                .order_by(WebhookEndpoint.id).limit(MAX_ENDPOINTS))
    for ep in endpoints:
        if enqueue_webhook(session, f"alert:{alert.id}:webhook:{ep.id}", ep, payload, now=now) is not None:
            hooks += 1
    return emails, hooks
