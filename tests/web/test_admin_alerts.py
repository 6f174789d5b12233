"""The admin's alert rules page (/admin/alerts): a rule added through the form is stored by the CLI's function
and listed in Vietnamese words, a bad form is one line and changes nothing, turning off and on and removing
are audited with the CLI's action names, a fired alert is listed with its why and links to its stories and
reading the list is audited; an officer is refused, and so is a form without the CSRF token."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select

from bantin.store.alerting import AlertEvent, AlertRule
from bantin.store.schema import AuditEvent
from tests.web.conftest import Web


def stored_rules(web: Web) -> list[AlertRule]:
    with web.ctx.sessions() as s:
        found = list(s.scalars(select(AlertRule).order_by(AlertRule.id)))
        for r in found:
            s.expunge(r)
        return found


def audited(web: Web, prefix: str) -> list[tuple[str, str, dict[str, Any]]]:
    with web.ctx.sessions() as s:
        rows = s.execute(select(AuditEvent.action, AuditEvent.target, AuditEvent.detail)
                         .where(AuditEvent.action.like(prefix + "%")).order_by(AuditEvent.id)).all()
    return [(a, t, json.loads(d or "{}")) for a, t, d in rows]


def add_form(client: Any, **fields: Any) -> Any:
    return client.post("/admin/alerts", data={"csrf_token": client.csrf, **fields})


def test_admin_adds_a_rule_through_the_form_and_sees_it_in_vietnamese_words(web: Web) -> None:
    from bantin.delivery.subscriptions import add_subscription

    client = web.login("admin")
    empty = client.get("/admin/alerts")
    assert empty.status_code == 200 and "Chưa có quy tắc cảnh báo nào" in empty.text
    assert 'href="/admin/alerts" aria-current="page">Cảnh báo</a>' in empty.text
    r = add_form(client, name="Du lịch tăng vọt", kind="volume_spike", topics=["tourism", "culture"], cooldown="120")
    assert r.status_code == 303 and r.headers["location"] == "/admin/alerts?done=added"
    [rule] = stored_rules(web)
    assert (rule.name, rule.kind, json.loads(rule.topics), rule.cooldown_minutes, rule.enabled, rule.created_by) == (
        "Du lịch tăng vọt", "volume_spike", ["culture", "tourism"], 120, True, "user:admin")
    with web.ctx.sessions() as s:
        add_subscription(s, "giam.doc@example.gov.vn", rules=["Du lịch tăng vọt"], created_by="test")
        add_subscription(s, "van.phong@example.gov.vn", rules=["Du lịch tăng vọt", "Khác"], created_by="test")
        s.commit()
    listed = client.get(r.headers["location"]).text
    assert "Đã thêm quy tắc cảnh báo." in listed
    row = listed.split("<strong>Du lịch tăng vọt</strong>")[1].split("</tr>")[0]
    assert "lượng tin tăng bất thường" in row and "văn hoá – di sản, du lịch" in row and "120 phút" in row
    assert "chưa chạy" in row and '<td class="num">2</td>' in row  # not evaluated yet; two followers
    assert "volume_spike" not in row and "tourism" not in row  # stored codes are never shown raw
    assert audited(web, "alert_rules.") == [("alert_rules.add", f"alert_rule:{rule.id}", {
        "name": "Du lịch tăng vọt", "kind": "volume_spike", "topics": ["culture", "tourism"], "cooldown_minutes": 120,
        "saved_search_id": None})]
    english = client.post("/lang", data={"lang": "en", "next": "/admin/alerts"})
    assert english.status_code == 303
    assert "unusually much coverage" in client.get("/admin/alerts").text


def test_a_bad_form_is_one_line_keeps_what_was_typed_and_changes_nothing(web: Web) -> None:
    client = web.login("admin")
    assert add_form(client, name="Tin tỉnh", kind="new_primary_story").status_code == 303
    refusals = [({"name": "Tin tỉnh", "kind": "foreign_coverage"}, "Đã có quy tắc cảnh báo trùng tên."),
                ({"name": "Chủ đề lạ", "kind": "new_primary_story", "topics": ["no_such_topic"]},
                 "Hãy chọn chủ đề trong danh sách"),
                ({"name": "Loại lạ", "kind": "earthquake"}, "Hãy chọn một trong các loại cảnh báo có sẵn."),
                ({"name": "Im lặng", "kind": "volume_spike", "cooldown": "abc"},
                 "Thời gian im lặng là số phút nguyên từ 0 đến 10080."),
                ({"name": "   ", "kind": "volume_spike"}, "Tên chỉ gồm một dòng"),
                ({"name": "Tìm kiếm", "kind": "new_primary_story", "saved_search_id": "99"},
                 "Tìm kiếm đã lưu này không tồn tại")]
    for fields, message in refusals:
        r = add_form(client, **fields)
        assert r.status_code == 422 and r.text.count('role="alert"') == 1, fields
        alert = r.text.split('role="alert">')[1].split("</p>")[0]
        assert message in alert and "\n" not in alert, (fields, alert)
        if fields["name"].strip():
            assert f'value="{fields["name"]}"' in r.text  # what was typed stays in the form
    assert [r.name for r in stored_rules(web)] == ["Tin tỉnh"]
    assert [a for a, _t, _d in audited(web, "alert_rules.")] == ["alert_rules.add"]


def test_turning_a_rule_off_and_on_and_removing_it_are_audited(web: Web) -> None:
    client = web.login("admin")
    add_form(client, name="Báo nước ngoài", kind="foreign_coverage")
    [rule] = stored_rules(web)
    off = client.post(f"/admin/alerts/{rule.id}/disable", data={"csrf_token": client.csrf})
    assert off.status_code == 303 and stored_rules(web)[0].enabled is False
    page = client.get(off.headers["location"]).text
    assert "Đã tắt quy tắc cảnh báo" in page and f'action="/admin/alerts/{rule.id}/enable"' in page
    on = client.post(f"/admin/alerts/{rule.id}/enable", data={"csrf_token": client.csrf})
    assert on.status_code == 303 and stored_rules(web)[0].enabled is True
    gone = client.post(f"/admin/alerts/{rule.id}/remove", data={"csrf_token": client.csrf})
    assert gone.status_code == 303 and stored_rules(web) == []
    assert "Đã xóa quy tắc cảnh báo" in client.get(gone.headers["location"]).text
    assert client.post(f"/admin/alerts/{rule.id}/remove", data={"csrf_token": client.csrf}).status_code == 404
    assert [(a, t) for a, t, _d in audited(web, "alert_rules.")] == [
        ("alert_rules.add", f"alert_rule:{rule.id}"), ("alert_rules.disable", f"alert_rule:{rule.id}"),
        ("alert_rules.enable", f"alert_rule:{rule.id}"), ("alert_rules.remove", f"alert_rule:{rule.id}")]


def test_a_fired_alert_is_listed_with_its_why_and_story_links_and_reading_it_is_audited(web: Web) -> None:
    from bantin.alerts.evaluate import evaluate_rules
    from bantin.alerts.rules import add_rule
    from tests.queue.newsroom import BRIDGE, RATES, Newsroom

    with web.ctx.sessions() as s:
        add_rule(s, "Tin tỉnh", "new_primary_story", created_by="test")
        s.commit()
    news = Newsroom(web.ctx)
    news.publish("Báo Thử", "cau", "Nghệ An khánh thành cầu Hưng Đức", BRIDGE)
    news.publish("Báo Thử", "lai-suat", "Điều chỉnh lãi suất điều hành", RATES)
    news.classify()
    [fired] = evaluate_rules(web.ctx)
    client = web.login("admin")
    page = client.get("/admin/alerts").text
    table = page.split('class="list fired-alerts"')[1].split("</table>")[0]
    [story_id] = fired.story_ids
    assert fired.why in table and "khánh thành cầu Hưng Đức" in table
    assert f'<a href="/stories/{story_id}">tin số {story_id}</a>' in table
    assert "Tin tỉnh" in table and "tin mới nói chủ yếu về tỉnh" in table
    rule_row = page.split("<strong>Tin tỉnh</strong>")[1].split("</tr>")[0]
    assert "chưa chạy" not in rule_row  # evaluated: its last run is shown
    assert [(a, t, d) for a, t, d in audited(web, "alerts.read")] == [
        ("alerts.read", "alerts", {"limit": 50, "ui": True})]
    with web.ctx.sessions() as s:  # the rule removed: its alert stays, said so
        s.delete(s.scalars(select(AlertRule)).one())
        s.commit()
    again = client.get("/admin/alerts").text
    assert "(quy tắc đã bị xóa)" in again and fired.why in again
    assert len(audited(web, "alerts.read")) == 2


def test_the_list_shows_the_newest_alerts_first_and_at_most_the_limit(web: Web) -> None:
    from datetime import timedelta

    from bantin.store.types import utcnow
    from bantin.web.routes.admin.alerts import RECENT_ALERTS

    now = utcnow()
    with web.ctx.sessions() as s:
        for i in range(RECENT_ALERTS + 3):
            s.add(AlertEvent(key=f"test:{i}", fired_at=now - timedelta(minutes=RECENT_ALERTS + 3 - i),
                             why=f"Cảnh báo thử số {i}.", story_ids="[]"))
        s.commit()
    table = web.login("admin").get("/admin/alerts").text.split('class="list fired-alerts"')[1]
    assert table.count("<tr>") - 1 == RECENT_ALERTS  # the header row is the other one
    newest, oldest_shown = f"Cảnh báo thử số {RECENT_ALERTS + 2}.", "Cảnh báo thử số 3."
    assert table.index(newest) < table.index(oldest_shown) and "Cảnh báo thử số 2." not in table


def test_an_officer_is_refused_and_a_form_without_the_csrf_token_changes_nothing(web: Web) -> None:
    officer = web.login("reviewer")
    r = officer.get("/admin/alerts")
    assert r.status_code == 403 and "Vai trò của bạn không cho phép" in r.text
    assert add_form(officer, name="Của cán bộ", kind="new_primary_story").status_code == 403
    admin = web.login("admin")
    forged = admin.post("/admin/alerts", data={"csrf_token": "forged", "name": "Giả mạo", "kind": "volume_spike"})
    assert forged.status_code == 403 and "Trang đã quá cũ hoặc đến từ nơi khác" in forged.text
    bare = admin.post("/admin/alerts", data={"name": "Giả mạo", "kind": "volume_spike"})
    assert bare.status_code == 403
    assert stored_rules(web) == []
    with web.ctx.sessions() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("alert_rules.%"))) == 0
