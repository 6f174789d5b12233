"""The admin's users and API tokens pages: a created user signs in through the form, roles change, the
last enabled admin cannot be disabled or demoted (said on the page), a token is shown once, works as a
bearer, never appears again, and stops working when revoked. Only admins get in."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from bantin.store.office import ApiToken, User
from bantin.store.schema import AuditEvent
from tests.web.conftest import LOGIN_TOKEN, Web

NEW_PASSWORD = "mật-khẩu-mới-đủ-dài"  # noqa: S105 - a test credential


def user(web: Web, name: str) -> User:
    with web.ctx.sessions() as s:
        found = s.scalar(select(User).where(User.name == name))
        assert found is not None
        s.expunge(found)
        return found


def actions(web: Web, action: str) -> list[tuple[str, str | None, dict]]:  # type: ignore[type-arg]
    with web.ctx.sessions() as s:
        return [(e.actor, e.target, json.loads(e.detail or "{}"))
                for e in s.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))]


def sign_in(web: Web, name: str, password: str) -> int:
    from fastapi.testclient import TestClient

    client = TestClient(web.app, follow_redirects=False)
    token = LOGIN_TOKEN.search(client.get("/login").text).group(1)  # type: ignore[union-attr]
    return client.post("/login", data={"name": name, "password": password, "login_token": token}).status_code


def test_only_admins_reach_the_admin_pages(web: Web) -> None:
    for role in ("viewer", "reviewer", "analyst"):
        client = web.login(role)
        assert 'href="/admin"' not in client.get("/").text
        for path in ("/admin/users", "/admin/tokens", "/admin/rules", "/admin/audit"):
            assert client.get(path).status_code == 403, (role, path)
        assert client.post("/admin/users", data={"csrf_token": client.csrf, "name": "x"}).status_code == 403  # type: ignore[attr-defined]
    admin = web.login("admin")
    assert 'href="/admin"' in admin.get("/").text
    assert admin.get("/admin").headers["location"] == "/admin/users"


def test_admin_creates_a_user_who_then_signs_in_through_the_form(web: Web) -> None:
    client = web.login("admin")
    csrf = client.csrf  # type: ignore[attr-defined]
    page = client.get("/admin/users").text
    assert "Người dùng mới" in page and "analyst" in page
    differ = client.post("/admin/users", data={"csrf_token": csrf, "name": "lan.nguyen", "role": "reviewer",
                                               "password": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})
    assert differ.status_code == 422 and "Hai mật khẩu nhập không khớp nhau." in differ.text
    assert 'value="lan.nguyen"' in differ.text  # nothing typed is lost
    short = client.post("/admin/users", data={"csrf_token": csrf, "name": "lan.nguyen", "role": "reviewer",
                                              "password": "ngắn", "password2": "ngắn"})
    assert short.status_code == 422 and "Mật khẩu phải có từ 12 đến 1024 ký tự." in short.text
    done = client.post("/admin/users", data={"csrf_token": csrf, "name": "lan.nguyen", "role": "reviewer",
                                             "display_name": "Nguyễn Thị Lan", "password": NEW_PASSWORD,
                                             "password2": NEW_PASSWORD})
    assert done.status_code == 303
    listed = client.get(done.headers["location"]).text
    assert "Đã tạo người dùng." in listed and "Nguyễn Thị Lan" in listed
    again = client.post("/admin/users", data={"csrf_token": csrf, "name": "lan.nguyen", "role": "viewer",
                                              "password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert again.status_code == 409 and "Đã có người dùng tên lan.nguyen." in again.text
    assert sign_in(web, "lan.nguyen", NEW_PASSWORD) == 303
    assert actions(web, "users.create")[0][:2] == ("user:admin", "user:lan.nguyen")


def test_admin_changes_a_role_disables_and_sets_a_password(web: Web) -> None:
    client = web.login("admin")
    csrf = client.csrf  # type: ignore[attr-defined]
    target = user(web, "viewer")
    r = client.post(f"/admin/users/{target.id}/role", data={"csrf_token": csrf, "role": "analyst"})
    assert r.status_code == 303 and user(web, "viewer").role == "analyst"
    assert actions(web, "users.update")[-1][2] == {"role": "analyst", "before": "viewer"}
    r = client.post(f"/admin/users/{target.id}/disabled", data={"csrf_token": csrf, "disabled": "true"})
    assert r.status_code == 303 and user(web, "viewer").disabled
    assert sign_in(web, "viewer", "mật-khẩu-thử-nghiệm-viewer") == 401
    client.post(f"/admin/users/{target.id}/disabled", data={"csrf_token": csrf, "disabled": "false"})
    assert not user(web, "viewer").disabled
    r = client.post(f"/admin/users/{target.id}/password", data={"csrf_token": csrf, "password": NEW_PASSWORD,
                                                               "password2": NEW_PASSWORD})
    assert r.status_code == 303 and sign_in(web, "viewer", NEW_PASSWORD) == 303


def test_the_last_enabled_admin_cannot_be_disabled_or_demoted(web: Web) -> None:
    client = web.login("admin")
    csrf = client.csrf  # type: ignore[attr-defined]
    me = user(web, "admin")
    for path, data in ((f"/admin/users/{me.id}/disabled", {"disabled": "true"}),
                       (f"/admin/users/{me.id}/role", {"role": "viewer"})):
        r = client.post(path, data={"csrf_token": csrf, **data})
        assert r.status_code == 409
        assert "admin là quản trị viên cuối cùng đang hoạt động" in r.text
    after = user(web, "admin")
    assert (after.role, after.disabled) == ("admin", False)


def test_a_token_is_shown_once_works_as_a_bearer_and_stops_when_revoked(web: Web) -> None:
    client = web.login("admin")
    csrf = client.csrf  # type: ignore[attr-defined]
    analyst = user(web, "analyst")
    issued = client.post("/admin/tokens", data={"csrf_token": csrf, "user_id": str(analyst.id),
                                                "label": "báo cáo tự động"})
    assert issued.status_code == 201
    assert "mã chỉ hiện một lần này và không thể xem lại" in issued.text
    found = re.search(r'id="issued-token" class="token" readonly value="([^"]+)"', issued.text)
    assert found, issued.text
    plain = found.group(1)
    me = web.client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {plain}"})
    assert me.status_code == 200 and me.json()["user"]["name"] == "analyst"
    listed = client.get("/admin/tokens").text
    assert "báo cáo tự động" in listed and plain not in listed
    with web.ctx.sessions() as s:
        token_id = s.scalar(select(ApiToken.id).where(ApiToken.label == "báo cáo tự động"))
    revoked = client.post(f"/admin/tokens/{token_id}/revoke", data={"csrf_token": csrf})
    assert revoked.status_code == 303
    assert "Đã thu hồi mã truy cập" in client.get(revoked.headers["location"]).text
    assert web.client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 401
    assert [a[1] for a in actions(web, "tokens.create")] == [f"token:{token_id}"]
    assert [a[1] for a in actions(web, "tokens.revoke")] == [f"token:{token_id}"]


def test_the_admin_and_analyst_pages_read_in_english_on_the_toggle(web: Web) -> None:
    client = web.login("admin")
    client.post("/lang", data={"lang": "en", "next": "/"})
    expected = {"/admin/users": "New user", "/admin/tokens": "API tokens", "/admin/rules": "Response times",
                "/admin/audit": "Audit log", "/analysts/models": "Model versions"}
    for path, text in expected.items():
        page = client.get(path)
        assert page.status_code == 200 and text in page.text and 'lang="en"' in page.text, path
    assert "Người dùng mới" not in client.get("/admin/users").text
