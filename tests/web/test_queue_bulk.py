"""Bulk changes from the queue page: triage, assign, priority, dismiss, reopen through the same function as
POST /api/v1/stories/bulk (history and audit rows), stale rows refused per story, "assign to me", and the
roles: a viewer sees no bulk control and a viewer's POST is refused."""

from __future__ import annotations

import json

from sqlalchemy import select

from bantin.store.office import User
from tests.web.conftest import Web
from tests.web.queuedata import audits, events, queue_fixture, rows, stories  # noqa: F401 - the fixture


def _ids(web: Web) -> list[int]:
    return sorted(stories(web), reverse=True)  # newest first: the flood, then the bridge


def _bulk(client: object, *row_ids: str, **form: str) -> object:
    data = {"csrf_token": client.csrf, "ids": list(row_ids), "back": "state=new&state=triaged", **form}  # type: ignore[attr-defined]
    return client.post("/queue/bulk", data=data)  # type: ignore[attr-defined]


def test_bulk_triage_changes_the_stories_with_history_and_audit(queue: Web) -> None:
    client = queue.login("reviewer")
    flood, bridge = _ids(queue)
    r = _bulk(client, f"{flood}:1", f"{bridge}:1", action="triage")
    assert r.status_code == 200  # type: ignore[attr-defined]
    assert "Đã cập nhật 2 tin" in r.text  # type: ignore[attr-defined]
    assert rows(r.text) == [flood, bridge]  # type: ignore[attr-defined]  # the same filters (back) again
    now = stories(queue)
    assert now[flood].state == now[bridge].state == "triaged" and now[flood].version == 2
    assert ("state", "user:reviewer", "triaged") in events(queue, flood)
    targets = [t for _, t, _ in audits(queue, "story.update")]
    assert f"story:{flood}" in targets and f"story:{bridge}" in targets


def test_bulk_assign_priority_dismiss_and_reopen(queue: Web) -> None:
    client = queue.login("reviewer")
    flood, bridge = _ids(queue)
    with queue.ctx.sessions() as s:
        analyst = s.scalar(select(User.id).where(User.name == "analyst"))
    r = _bulk(client, f"{flood}:1", action="assign", owner_id=str(analyst))
    assert "Đã cập nhật 1 tin" in r.text  # type: ignore[attr-defined]
    assert stories(queue)[flood].owner_id == analyst and stories(queue)[flood].state == "assigned"
    r = _bulk(client, f"{bridge}:1", action="priority", priority="urgent")
    assert stories(queue)[bridge].priority == "urgent"
    assert ("priority", "user:reviewer", None) in events(queue, bridge)
    r = _bulk(client, f"{bridge}:2", action="dismiss", reason="")
    assert "cần có lý do" in r.text and stories(queue)[bridge].state == "new"  # type: ignore[attr-defined]
    r = _bulk(client, f"{bridge}:2", action="dismiss", reason="Không thuộc địa bàn")
    got = stories(queue)[bridge]
    assert got.state == "dismissed" and got.dismissed_reason == "Không thuộc địa bàn"
    r = _bulk(client, f"{bridge}:3", action="reopen", reason="Báo đăng lại")
    assert stories(queue)[bridge].state == "new"
    detail = json.loads(audits(queue, "story.update")[-1][2] or "{}")
    assert detail["reason"] == "Báo đăng lại" and detail["changes"]["state"] == ["dismissed", "new"]


def test_refused_and_stale_stories_are_listed_one_line_each(queue: Web) -> None:
    client = queue.login("reviewer")
    flood, bridge = _ids(queue)
    assert _bulk(client, f"{flood}:1", action="triage").status_code == 200  # type: ignore[attr-defined]
    # the page still shows the flood at version 1: another change since is not overwritten
    r = _bulk(client, f"{flood}:1", f"{bridge}:1", action="dismiss", reason="Trùng")
    assert "Đã cập nhật 1 tin" in r.text  # type: ignore[attr-defined]
    assert f"Tin #{flood} vừa được người khác thay đổi" in r.text  # type: ignore[attr-defined]
    assert stories(queue)[flood].state == "triaged" and stories(queue)[bridge].state == "dismissed"
    r = _bulk(client, f"{bridge}:2", action="triage")
    assert f"Tin #{bridge} không được thay đổi: không thể chuyển từ dismissed sang triaged" in r.text  # type: ignore[attr-defined]
    assert "(cannot move" not in r.text  # type: ignore[attr-defined]  # the reader's language only
    r = _bulk(client, "999999:1", action="triage")
    assert "Tin #999999 không còn tồn tại." in r.text  # type: ignore[attr-defined]
    r = _bulk(client, action="triage")
    assert "Hãy chọn ít nhất một tin" in r.text  # type: ignore[attr-defined]
    r = _bulk(client, "12; drop", action="triage")
    assert "Một phần dữ liệu gửi lên không hợp lệ" in r.text  # type: ignore[attr-defined]


def test_assign_to_me_takes_the_story(queue: Web) -> None:
    client = queue.login("reviewer")
    flood, _ = _ids(queue)
    page = client.get("/").text
    assert f'name="story" value="{flood}:1"' in page and "Nhận xử lý" in page
    r = client.post("/queue/assign-to-me", data={"csrf_token": client.csrf, "story": f"{flood}:1"},  # type: ignore[attr-defined]
                    headers={"HX-Request": "true", "HX-Target": "queue-results"})
    assert r.status_code == 200 and "<html" not in r.text
    assert f"Tin #{flood} đã được giao cho bạn." in r.text
    got = stories(queue)[flood]
    with queue.ctx.sessions() as s:
        me = s.scalar(select(User.id).where(User.name == "reviewer"))
    assert got.owner_id == me and got.state == "assigned"
    assert f'name="story" value="{flood}:2"' not in r.text  # already mine: no button
    again = client.post("/queue/assign-to-me", data={"csrf_token": client.csrf, "story": f"{flood}:1"})  # type: ignore[attr-defined]
    assert "vừa được người khác thay đổi" in again.text


def test_a_viewer_sees_no_bulk_controls_and_cannot_post(queue: Web) -> None:
    client = queue.login("viewer")
    flood, _ = _ids(queue)
    page = client.get("/").text
    assert len(rows(page)) == 2
    for control in ('name="ids"', 'value="triage"', "Nhận xử lý", "Các tin đã chọn"):
        assert control not in page
    assert "a nhận xử lý" not in page  # no shortcut it cannot use
    r = _bulk(client, f"{flood}:1", action="triage")
    assert r.status_code == 403  # type: ignore[attr-defined]
    r = client.post("/queue/assign-to-me", data={"csrf_token": client.csrf, "story": f"{flood}:1"})  # type: ignore[attr-defined]
    assert r.status_code == 403
    assert stories(queue)[flood].state == "new" and stories(queue)[flood].version == 1


def test_bulk_needs_the_pages_csrf_token(queue: Web) -> None:
    client = queue.login("reviewer")
    flood, _ = _ids(queue)
    r = client.post("/queue/bulk", data={"csrf_token": "forged", "ids": [f"{flood}:1"], "action": "triage"})
    assert r.status_code == 403 and stories(queue)[flood].state == "new"
