"""The admin's queue rules and response times (stored as the API stores them, audited), and the audit log
page: filters narrow the rows, pages go back in time, bad dates are said in one line, reading is audited."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from bantin.store.office import QueueRule, ResponseTime
from bantin.store.schema import AuditEvent, Source
from tests.web.conftest import Web


def rules(web: Web) -> list[QueueRule]:
    with web.ctx.sessions() as s:
        found = list(s.scalars(select(QueueRule).order_by(QueueRule.id)))
        for r in found:
            s.expunge(r)
        return found


def test_admin_creates_edits_and_deletes_a_queue_rule(web: Web) -> None:
    with web.ctx.sessions() as s:
        src = Source(name="Báo Nghệ An")
        s.add(src)
        s.commit()
        source_id = src.id
    client = web.login("admin")
    csrf = client.csrf  # type: ignore[attr-defined]
    page = client.get("/admin/rules").text
    assert "Chưa có quy tắc nào" in page and "bình thường" in page
    r = client.post("/admin/rules", data={"csrf_token": csrf, "name": "Du lịch Cửa Lò", "relevance": ["mention"],
                                          "topics": ["tourism", "culture"], "source_ids": [str(source_id)],
                                          "languages": "vi", "priority": "high", "enabled": "on"})
    assert r.status_code == 303, r.text
    [rule] = rules(web)
    assert (rule.name, rule.priority, rule.enabled, rule.created_by) == ("Du lịch Cửa Lò", "high", True, "user:admin")
    assert (json.loads(rule.topics), json.loads(rule.source_ids), json.loads(rule.languages)) == (
        ["tourism", "culture"], [source_id], ["vi"])
    listed = client.get(r.headers["location"]).text
    assert "Đã tạo quy tắc." in listed and "du lịch" in listed and "Báo Nghệ An" in listed
    clash = client.post("/admin/rules", data={"csrf_token": csrf, "name": "Du lịch Cửa Lò", "languages": "en"})
    assert clash.status_code == 422 and "Đã có quy tắc trùng tên." in clash.text
    assert 'value="en"' in clash.text  # what was typed stays in the form
    edited = client.post(f"/admin/rules/{rule.id}", data={"csrf_token": csrf, "name": "Du lịch biển",
                                                          "relevance": ["mention", "none"], "priority": "urgent"})
    assert edited.status_code == 303
    [rule] = rules(web)
    assert (rule.name, rule.priority, rule.enabled, json.loads(rule.relevance), json.loads(rule.topics)) == (
        "Du lịch biển", "urgent", False, ["mention", "none"], [])
    deleted = client.post(f"/admin/rules/{rule.id}/delete", data={"csrf_token": csrf})
    assert deleted.status_code == 303 and rules(web) == []
    with web.ctx.sessions() as s:
        done = list(s.scalars(select(AuditEvent.action).where(AuditEvent.action.like("rule.%")).order_by(AuditEvent.id)))
    assert done == ["rule.create", "rule.update", "rule.delete"]


def test_admin_sets_a_response_time_within_bounds(web: Web) -> None:
    client = web.login("admin")
    csrf = client.csrf  # type: ignore[attr-defined]
    r = client.post("/admin/response-times/urgent", data={"csrf_token": csrf, "hours": "2"})
    assert r.status_code == 303
    with web.ctx.sessions() as s:
        assert s.get(ResponseTime, "urgent").hours == 2  # type: ignore[union-attr]
    assert 'id="hours-urgent" name="hours"' in client.get("/admin/rules").text
    bad = client.post("/admin/response-times/high", data={"csrf_token": csrf, "hours": "0"})
    assert bad.status_code == 422 and "Số giờ phải là số nguyên từ 1 đến 2160." in bad.text
    with web.ctx.sessions() as s:
        assert s.get(ResponseTime, "high") is None
        [event] = s.scalars(select(AuditEvent).where(AuditEvent.action == "response_time.set"))
        assert (event.actor, event.target, json.loads(event.detail or "{}")) == (
            "user:admin", "response_time:urgent", {"old": None, "new": 2})


def test_audit_log_filters_by_action_pages_back_and_audits_its_reading(web: Web) -> None:
    client = web.login("admin")
    csrf = client.csrf  # type: ignore[attr-defined]
    for hours in ("5", "6", "7"):
        client.post("/admin/response-times/urgent", data={"csrf_token": csrf, "hours": hours})
    everything = client.get("/admin/audit")
    assert everything.status_code == 200
    assert "đặt thời hạn xử lý" in everything.text and "đăng nhập" in everything.text
    narrowed = client.get("/admin/audit?action=response_time.set").text
    assert narrowed.count("<code>response_time.set</code>") == 3 and "<code>auth.login</code>" not in narrowed
    assert "new</dt><dd>7" in narrowed  # details as key: value
    assert narrowed.index("new</dt><dd>7") < narrowed.index("new</dt><dd>5")  # newest first
    with web.ctx.sessions() as s:
        reads = [json.loads(d or "{}") for d in s.scalars(select(AuditEvent.detail).where(AuditEvent.action == "audit.read"))]
    assert {"action": "response_time.set"} in [r["filters"] for r in reads]
    htmx = client.get("/admin/audit?action=response_time.set", headers={"HX-Request": "true"}).text
    assert htmx.lstrip().startswith('<div id="audit-rows">') and "<html" not in htmx
    bad = client.get("/admin/audit?from=01/12/2026&actor=user:admin")
    assert bad.status_code == 422 and "Ngày phải viết theo dạng năm-tháng-ngày" in bad.text
    assert 'value="user:admin"' in bad.text and 'value="01/12/2026"' in bad.text


def test_audit_log_pages_with_a_keyset_cursor(web: Web) -> None:
    from bantin.app import audit
    from bantin.web.routes.admin.audit import PAGE_SIZE

    with web.ctx.sessions() as s:
        for i in range(PAGE_SIZE + 5):
            audit.record(s, "cli:test", "story.update", audit_target=f"story:{i}")
        s.commit()
    client = web.login("admin")
    first = client.get("/admin/audit?action=story.update&from=2000-01-01&to=2100-12-31").text
    assert first.count("<code>story.update</code>") == PAGE_SIZE and f"story:{PAGE_SIZE + 4}" in first
    link = first.split('rel="next" href="')[1].split('"')[0].replace("&amp;", "&")
    older = client.get(link).text
    assert older.count("<code>story.update</code>") == 5 and "story:0<" in older and "Sự kiện cũ hơn" not in older
    with web.ctx.sessions() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "audit.read")) == 2
