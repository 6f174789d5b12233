"""The administration's subscriptions tab (admin only), SQLite and PostgreSQL: the list with flagged
addresses, adding (a bad address refused in one Vietnamese line, what was typed kept), removing; audited."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bantin.delivery.subscriptions import add_subscription
from bantin.store.delivery import Subscription
from bantin.store.schema import AuditEvent
from tests.web.conftest import Web


def test_an_admin_adds_lists_and_removes_subscriptions(web: Web) -> None:
    admin = web.login("admin")
    page = admin.get("/admin/subscriptions")
    assert page.status_code == 200 and "Người nhận bản tin" in page.text and "Chưa có người nhận nào." in page.text
    r = admin.post("/admin/subscriptions", data={"csrf_token": admin.csrf, "email": "Pho.Chanh@NgheAn.gov.vn",
                                                 "name": "Phó Chánh Văn phòng", "digest": "daily",
                                                 "rules": "Thiên tai, Báo nước ngoài",
                                                 "topics": ["tourism", "economy"]})
    assert r.status_code == 303 and r.headers["location"] == "/admin/subscriptions?done=added"
    listed = admin.get(r.headers["location"]).text
    assert "Đã thêm người nhận." in listed and "pho.chanh@nghean.gov.vn" in listed
    assert "Báo nước ngoài, Thiên tai" in listed and "đang nhận" in listed and "du lịch" in listed
    with web.ctx.sessions() as s:
        sub = s.scalars(select(Subscription)).one()
    assert sub.topics == '["economy", "tourism"]'
    r = admin.post(f"/admin/subscriptions/{sub.id}/remove", data={"csrf_token": admin.csrf})
    assert r.status_code == 303 and "pho.chanh@" not in admin.get("/admin/subscriptions").text
    with web.ctx.sessions() as s:
        assert s.scalars(select(Subscription)).all() == []
        actions = [(a.actor, a.action) for a in s.scalars(select(AuditEvent).where(
            AuditEvent.action.like("subscriptions.%")))]
    assert actions == [("user:admin", "subscriptions.add"), ("user:admin", "subscriptions.remove")]


def test_a_bad_address_is_refused_in_one_line_and_the_form_keeps_what_was_typed(web: Web) -> None:
    admin = web.login("admin")
    r = admin.post("/admin/subscriptions", data={"csrf_token": admin.csrf, "email": "không phải địa chỉ",
                                                 "name": "Văn thư", "digest": "none", "rules": "Thiên tai"})
    assert r.status_code == 422 and "Đây không phải là địa chỉ thư điện tử" in r.text
    assert 'value="không phải địa chỉ"' in r.text and 'value="Văn thư"' in r.text and 'value="Thiên tai"' in r.text
    with web.ctx.sessions() as s:
        add_subscription(s, "trung@example.gov.vn", created_by="test")
        s.commit()
    again = admin.post("/admin/subscriptions", data={"csrf_token": admin.csrf, "email": "TRUNG@example.gov.vn"})
    assert again.status_code == 422 and "Địa chỉ này đã có trong danh sách" in again.text


def test_a_flagged_address_shows_the_servers_reply(web: Web) -> None:
    with web.ctx.sessions() as s:
        sub = add_subscription(s, "sai.dia.chi@example.gov.vn", created_by="test")
        sub.flagged_at, sub.flag_reason = datetime(2026, 12, 1, 1, 0, tzinfo=UTC), "550 5.1.1 No such user here"
        s.commit()
    text = web.login("admin").get("/admin/subscriptions").text
    assert "Máy chủ thư từ chối" in text and "550 5.1.1 No such user here" in text


def test_only_admins_see_the_tab(web: Web) -> None:
    assert web.login("analyst").get("/admin/subscriptions").status_code == 403
    assert 'href="/admin/subscriptions"' in web.login("admin").get("/admin/users").text
