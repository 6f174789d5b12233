"""The admin API for accounts and the audit log: users, tokens shown once and stored hashed, the last admin
kept, the audit log listed and filtered (its own reading on record first), no default credentials."""

from __future__ import annotations

import hashlib
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from bantin.store.office import ApiToken, User, WebSession
from bantin.store.schema import AuditEvent
from tests.api.conftest import Api

NEW_PASSWORD = "một-mật-khẩu-mới-dài"  # noqa: S105 - test credential


def actions(api: Api) -> list[str]:
    with api.ctx.sessions() as s:
        return list(s.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_fresh_database_has_no_users_and_no_login_works(tmp_path: Path) -> None:
    from bantin.api.app import create_app
    from bantin.app.context import open_app
    from bantin.app.settings import Settings

    empty = tmp_path / "none.toml"
    empty.write_text("")
    ctx = open_app(Settings(database_url=f"sqlite:///{tmp_path / 'fresh.db'}", data_dir=tmp_path, sources_file=empty))
    with ctx.sessions() as s:
        assert s.scalars(select(User)).all() == [] and s.scalars(select(ApiToken)).all() == []
    client = TestClient(create_app(ctx))
    for name, password in [("admin", "admin"), ("admin", "password"), ("root", "root"), ("bantin", "bantin")]:
        assert client.post("/api/v1/auth/login", json={"name": name, "password": password}).status_code == 401
    ctx.engine.dispose()


def test_a_token_is_shown_once_stored_hashed_and_revocable(api: Api) -> None:
    admin = api.headers("admin")
    r = api.client.post("/api/v1/tokens", headers=admin, json={"user_id": 3, "label": "báo cáo tuần"})
    assert r.status_code == 201
    issued = r.json()
    plain = issued["token"]
    assert plain.startswith("bt_") and issued["user_name"] == "analyst" and issued["prefix"] == plain[:8]
    with api.ctx.sessions() as s:
        row = s.get(ApiToken, issued["id"])
        assert row is not None and row.token_hash == hashlib.sha256(plain.encode()).hexdigest()
        assert plain not in (row.label, row.prefix, row.created_by)
    listed = api.client.get("/api/v1/tokens", headers=admin).text
    assert plain not in listed and issued["prefix"] in listed
    bearer = {"Authorization": f"Bearer {plain}"}
    assert api.client.get("/api/v1/auth/me", headers=bearer).json()["user"]["name"] == "analyst"
    revoked = api.client.delete(f"/api/v1/tokens/{issued['id']}", headers=admin)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None and "token" not in revoked.json()
    assert api.client.get("/api/v1/auth/me", headers=bearer).status_code == 401
    assert api.client.delete("/api/v1/tokens/999999", headers=admin).status_code == 404
    assert {"tokens.create", "tokens.revoke"} <= set(actions(api))


def test_admins_create_users_who_can_log_in_and_names_are_unique(sqlite_api: Api) -> None:
    api = sqlite_api
    admin = api.headers("admin")
    body = {"name": "lan.nguyen", "role": "reviewer", "password": NEW_PASSWORD, "display_name": "Chị Lan"}
    r = api.client.post("/api/v1/users", headers=admin, json=body)
    assert r.status_code == 201 and r.json()["role"] == "reviewer" and "password" not in r.text
    login = api.client.post("/api/v1/auth/login", json={"name": "lan.nguyen", "password": NEW_PASSWORD})
    assert login.status_code == 200
    assert api.client.post("/api/v1/users", headers=admin, json=body).status_code == 409
    short = {**body, "name": "short.pw", "password": "ngắn"}
    assert api.client.post("/api/v1/users", headers=admin, json=short).status_code == 422
    names = [u["name"] for u in api.client.get("/api/v1/users", headers=admin).json()["items"]]
    assert names == ["viewer", "reviewer", "analyst", "admin", "lan.nguyen"]
    assert "users.create" in actions(api)


def test_the_last_enabled_admin_cannot_be_disabled_or_demoted(api: Api) -> None:
    admin = api.headers("admin")
    for change in ({"disabled": True}, {"role": "analyst"}):
        r = api.client.patch("/api/v1/users/4", headers=admin, json=change)
        assert r.status_code == 409 and "admin" in r.json()["detail"]
    with api.ctx.sessions() as s:
        me = s.get(User, 4)
        assert me is not None and me.role == "admin" and not me.disabled
    assert api.client.patch("/api/v1/users/3", headers=admin, json={"role": "admin"}).json()["role"] == "admin"
    assert api.client.patch("/api/v1/users/4", headers=admin, json={"role": "analyst"}).json()["role"] == "analyst"


def test_disabling_a_user_ends_their_sessions_and_tokens(sqlite_api: Api) -> None:
    api = sqlite_api
    client = api.login("reviewer")
    r = api.client.patch("/api/v1/users/2", headers=api.headers("admin"), json={"disabled": True})
    assert r.status_code == 200 and r.json()["disabled"] is True
    assert client.get("/api/v1/auth/me").status_code == 401
    assert api.client.get("/api/v1/auth/me", headers=api.headers("reviewer")).status_code == 401
    with api.ctx.sessions() as s:
        assert s.scalars(select(WebSession).where(WebSession.user_id == 2)).all() == []


def test_a_new_password_replaces_the_old_one(sqlite_api: Api) -> None:
    api = sqlite_api
    from tests.api.conftest import PASSWORD

    r = api.client.patch("/api/v1/users/1", headers=api.headers("admin"), json={"password": NEW_PASSWORD})
    assert r.status_code == 200
    old = api.client.post("/api/v1/auth/login", json={"name": "viewer", "password": PASSWORD.format(role="viewer")})
    assert old.status_code == 401
    assert api.client.post("/api/v1/auth/login", json={"name": "viewer", "password": NEW_PASSWORD}).status_code == 200


def test_admins_filter_and_page_the_audit_log_and_the_read_is_on_record(api: Api) -> None:
    from bantin.app import audit

    with api.ctx.sessions() as s:
        for i in range(5):
            audit.record(s, "user:reviewer", "story.read", audit_target=f"story:{i}")
        audit.record(s, "user:analyst", "export.csv", audit_target="export:articles", rows=12)
        s.commit()
    admin = api.headers("admin")
    page = api.client.get("/api/v1/audit", headers=admin, params={"actor": "user:reviewer", "limit": 3}).json()
    assert [e["target"] for e in page["items"]] == ["story:4", "story:3", "story:2"]
    rest = api.client.get("/api/v1/audit", headers=admin,
                          params={"actor": "user:reviewer", "limit": 3, "cursor": page["next_cursor"]}).json()
    assert [e["target"] for e in rest["items"]] == ["story:1", "story:0"] and rest["next_cursor"] is None
    export = api.client.get("/api/v1/audit", headers=admin, params={"target": "export:articles"}).json()["items"]
    assert export[0]["action"] == "export.csv" and export[0]["detail"] == {"rows": 12}
    future = api.client.get("/api/v1/audit", headers=admin, params={"from": "2999-01-01T00:00:00"}).json()
    assert future["items"] == []
    reads = api.client.get("/api/v1/audit", headers=admin, params={"action": "audit.read"}).json()["items"]
    assert reads[0]["actor"] == "user:admin" and reads[0]["detail"]["filters"] == {"action": "audit.read"}
    assert len(reads) == 5  # every read above, this one included, was recorded before it answered
    assert api.client.get("/api/v1/audit", headers=api.headers("analyst")).status_code == 403


def test_no_route_edits_or_deletes_the_audit_log(sqlite_api: Api) -> None:
    api = sqlite_api
    admin = api.headers("admin")
    for method in ("PUT", "PATCH", "DELETE"):
        assert api.client.request(method, "/api/v1/audit", headers=admin, json={}).status_code == 405
        assert api.client.request(method, "/api/v1/audit/1", headers=admin, json={}).status_code in (404, 405)
