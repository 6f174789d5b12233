"""Login by cookie, bearer tokens, CSRF on unsafe methods, no default credentials, every route guarded."""

from __future__ import annotations

from tests.api.conftest import PASSWORD, Api


def test_every_route_declares_its_role(sqlite_api: Api) -> None:
    from bantin.api.roles import api_routes, route_role

    routes = api_routes(sqlite_api.app)
    missing = [f"{sorted(r.methods)} {r.path}" for r in routes if route_role(r) is None]
    assert len(routes) >= 10 and missing == []


def test_health_is_anonymous_and_says_the_database_is_reachable(api: Api) -> None:
    r = api.client.get("/api/v1/health")
    assert r.status_code == 200
    body = r.json()
    assert body["database"] is True and body["queue_open"] == 0


def test_login_sets_an_httponly_lax_cookie_and_me_answers(api: Api) -> None:
    r = api.client.post("/api/v1/auth/login", json={"name": "reviewer", "password": PASSWORD.format(role="reviewer")})
    assert r.status_code == 200
    cookie = r.headers["set-cookie"]
    assert "bantin_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    me = api.client.get("/api/v1/auth/me").json()
    assert me["user"]["name"] == "reviewer" and me["user"]["role"] == "reviewer" and me["via"] == "session"


def test_wrong_password_is_refused_and_audited(api: Api) -> None:
    from sqlalchemy import select

    from bantin.store.schema import AuditEvent

    r = api.client.post("/api/v1/auth/login", json={"name": "admin", "password": "wrong-password-123"})
    assert r.status_code == 401 and "detail" in r.json()
    with api.ctx.sessions() as s:
        actions = list(s.scalars(select(AuditEvent.action)))
    assert "auth.login_failed" in actions


def test_bearer_token_authenticates_and_a_bad_one_does_not(api: Api) -> None:
    assert api.client.get("/api/v1/auth/me", headers=api.headers("analyst")).json()["user"]["role"] == "analyst"
    assert api.client.get("/api/v1/auth/me", headers={"Authorization": "Bearer bt_nope"}).status_code == 401
    assert api.client.get("/api/v1/auth/me").status_code == 401


def test_cookie_logout_needs_the_csrf_token(api: Api) -> None:
    client = api.login("viewer")
    assert client.post("/api/v1/auth/logout").status_code == 403
    assert client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": client.csrf}).status_code == 204  # type: ignore[attr-defined]
    assert client.get("/api/v1/auth/me").status_code == 401


def test_audit_log_refuses_updates(api: Api) -> None:
    import pytest
    from sqlalchemy import update
    from sqlalchemy.exc import DBAPIError

    from bantin.app import audit
    from bantin.store.schema import AuditEvent

    with api.ctx.sessions() as s:
        audit.record(s, "test", "test.event")
        s.commit()
        with pytest.raises(DBAPIError, match="append-only"):
            s.execute(update(AuditEvent).values(action="edited"))
            s.commit()


def test_the_schema_and_its_page_need_a_signed_in_user(api: Api) -> None:
    assert api.client.get("/openapi.json").status_code == 401
    assert api.client.get("/api/docs").status_code == 401
    schema = api.client.get("/openapi.json", headers=api.headers("viewer"))
    assert schema.status_code == 200 and "/api/v1/stories" in schema.json()["paths"]
    page = api.login("viewer").get("/api/docs")
    assert page.status_code == 200 and "/openapi.json" in page.text
