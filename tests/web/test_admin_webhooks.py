"""The admin's webhook page (/admin/webhooks): an endpoint added through the form gets a signing secret shown
on that answer only (never on a reload, nor in the list or the audit log), the URL is listed with its
secrets masked, an endpoint the receiver stopped (410) says so with the reply, the last delivery is shown,
turning off and on and removing are audited as the CLI audits them; bad forms are one line."""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import select

from bantin.store.delivery import WebhookEndpoint
from bantin.store.schema import AuditEvent
from tests.web.conftest import Web

HOOK = "https://chat.example.gov.vn/bridge/hooks/AbCdEfGhIjKlMnOpQrStUv?token=s3cr3t-token&room=5"
SECRET = re.compile(r'id="issued-secret"[^>]*value="(whsec_[A-Za-z0-9+/=]+)"')


def endpoints(web: Web) -> list[WebhookEndpoint]:
    with web.ctx.sessions() as s:
        found = list(s.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))
        for e in found:
            s.expunge(e)
        return found


def audited(web: Web) -> list[tuple[str, str, dict[str, Any]]]:
    with web.ctx.sessions() as s:
        rows = s.execute(select(AuditEvent.action, AuditEvent.target, AuditEvent.detail)
                         .where(AuditEvent.action.like("webhooks.%")).order_by(AuditEvent.id)).all()
    return [(a, t, json.loads(d or "{}")) for a, t, d in rows]


def test_the_signing_secret_is_shown_once_and_the_url_is_listed_masked(web: Web) -> None:
    client = web.login("admin")
    assert "Chưa có webhook nào." in client.get("/admin/webhooks").text
    r = client.post("/admin/webhooks", data={"csrf_token": client.csrf, "name": "Nhóm chat Sở", "url": HOOK})
    assert r.status_code == 201 and r.headers["cache-control"] == "no-store"
    found = SECRET.search(r.text)
    assert found, r.text
    [endpoint] = endpoints(web)
    assert found.group(1) == endpoint.secret and endpoint.url == HOOK and endpoint.created_by == "user:admin"
    assert "Hãy sao chép khóa này ngay" in r.text and "chỉ hiện một lần" in r.text
    reload = client.get("/admin/webhooks").text
    assert endpoint.secret not in reload and "issued-secret" not in reload
    assert "s3cr3t-token" not in reload and "AbCdEfGhIjKlMnOpQrStUv" not in reload
    assert "https://chat.example.gov.vn/bridge/hooks/***?token=***&amp;room=***" in reload
    assert "Nhóm chat Sở" in reload and "chưa gửi lần nào" in reload
    [(action, target, detail)] = audited(web)
    assert (action, target, detail["name"]) == ("webhooks.add", f"webhook:{endpoint.id}", "Nhóm chat Sở")
    assert endpoint.secret not in json.dumps(detail) and "s3cr3t-token" not in json.dumps(detail)


def test_a_bad_webhook_form_is_one_line_and_stores_nothing(web: Web) -> None:
    client = web.login("admin")
    ok = client.post("/admin/webhooks", data={"csrf_token": client.csrf, "name": "chat", "url": "http://10.0.0.5/hook"})
    assert ok.status_code == 201  # plain http is allowed, as the CLI allows it (a bridge on the office's network)
    for fields, message in [({"name": "ftp", "url": "ftp://example.gov.vn/x"}, "Địa chỉ phải bắt đầu bằng https://"),
                            ({"name": "chat", "url": "https://example.gov.vn/x"}, "Đã có webhook trùng tên."),
                            ({"name": " ", "url": "https://example.gov.vn/x"}, "Tên chỉ gồm một dòng")]:
        r = client.post("/admin/webhooks", data={"csrf_token": client.csrf, **fields})
        assert r.status_code == 422 and r.text.count('role="alert"') == 1, fields
        assert message in r.text.split('role="alert">')[1].split("</p>")[0]
        assert "issued-secret" not in r.text and f'value="{fields["url"]}"' in r.text
    assert [e.name for e in endpoints(web)] == ["chat"]


def test_a_stopped_endpoint_says_why_and_the_last_delivery_is_shown(web: Web) -> None:
    from bantin.delivery.outbox import enqueue_webhook
    from bantin.delivery.webhooks import add_endpoint
    from bantin.store.delivery import OutboxMessage
    from bantin.store.types import utcnow

    with web.ctx.sessions() as s:
        gone, _secret = add_endpoint(s, "cũ", "https://old.example.gov.vn/hook", "test")
        live, _secret = add_endpoint(s, "mới", "https://new.example.gov.vn/hook", "test")
        enqueue_webhook(s, "test:1", gone, {"type": "alert.fired"})
        enqueue_webhook(s, "test:2", live, {"type": "alert.fired"})
        s.flush()
        for msg in s.scalars(select(OutboxMessage)):  # as the sender records a 410 and a 2xx
            if msg.endpoint_id == gone.id:
                msg.state, msg.last_error = "dead", "HTTP 410 this room was archived"
            else:
                msg.state, msg.sent_at = "sent", utcnow()
        gone.enabled, gone.disabled_at, gone.disabled_reason = False, utcnow(), "HTTP 410 this room was archived"
        s.commit()
    page = web.login("admin").get("/admin/webhooks").text
    old_row = page.split("<strong>cũ</strong>")[1].split("</tr>")[0]
    new_row = page.split("<strong>mới</strong>")[1].split("</tr>")[0]
    assert "Bên nhận yêu cầu ngừng gửi:" in old_row and "HTTP 410 this room was archived" in old_row
    assert "không gửi được, đã dừng" in old_row and f'/admin/webhooks/{gone.id}/enable"' in old_row
    assert "đã gửi" in new_row and "đang hoạt động" in new_row and f'/admin/webhooks/{live.id}/disable"' in new_row


def test_turning_a_webhook_off_and_on_and_removing_it_are_audited(web: Web) -> None:
    client = web.login("admin")
    client.post("/admin/webhooks", data={"csrf_token": client.csrf, "name": "chat", "url": "https://chat.example.gov.vn/h"})
    [endpoint] = endpoints(web)
    off = client.post(f"/admin/webhooks/{endpoint.id}/disable", data={"csrf_token": client.csrf})
    assert off.status_code == 303 and endpoints(web)[0].enabled is False
    assert "Quản trị viên đã tắt." in client.get(off.headers["location"]).text
    on = client.post(f"/admin/webhooks/{endpoint.id}/enable", data={"csrf_token": client.csrf})
    [back] = endpoints(web)
    assert on.status_code == 303 and (back.enabled, back.disabled_reason, back.disabled_at) == (True, None, None)
    gone = client.post(f"/admin/webhooks/{endpoint.id}/remove", data={"csrf_token": client.csrf})
    assert gone.status_code == 303 and endpoints(web) == []
    assert "Đã xóa webhook" in client.get(gone.headers["location"]).text
    assert [(a, t) for a, t, _d in audited(web)] == [(f"webhooks.{x}", f"webhook:{endpoint.id}")
                                                   for x in ("add", "disable", "enable", "remove")]


def test_an_officer_is_refused_and_a_form_without_the_csrf_token_changes_nothing(web: Web) -> None:
    officer = web.login("analyst")
    assert officer.get("/admin/webhooks").status_code == 403
    refused = officer.post("/admin/webhooks", data={"csrf_token": officer.csrf, "name": "x", "url": "https://x.vn/h"})
    assert refused.status_code == 403
    admin = web.login("admin")
    forged = admin.post("/admin/webhooks", data={"csrf_token": "forged", "name": "x", "url": "https://x.vn/h"})
    assert forged.status_code == 403 and "whsec_" not in forged.text
    assert endpoints(web) == [] and audited(web) == []


def test_masked_urls_hide_credentials_query_values_and_token_segments() -> None:
    from bantin.delivery.webhooks import masked_url

    assert masked_url("https://bot:pw@chat.example.gov.vn:8443/h?k=v#frag") == "https://***@chat.example.gov.vn:8443/h?k=***#***"
    assert masked_url("https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX") == (
        "https://hooks.slack.com/services/T00000000/B00000000/***")
    assert masked_url("http://10.0.0.5/hook") == "http://10.0.0.5/hook"  # nothing secret: shown as it is
